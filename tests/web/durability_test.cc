// End to end with the real binary: acknowledged writes survive SIGKILL, and
// SIGTERM finishes requests in flight before exiting.
#include <gtest/gtest.h>

#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <sstream>
#include <thread>

#include "child_process.h"
#include "http_client.h"
#include "temp_dir.h"

namespace custos::testing {
namespace {

using nlohmann::json;

class ServeProcessTest : public ::testing::Test {
 protected:
  std::string AddUser(const std::string& name, const std::string& role) {
    int code = 0;
    std::string out = RunCommand(
        {CUSTOS_BIN, "user", "add", name, "--role", role, "--data", dir_.file("data")}, &code);
    EXPECT_EQ(code, 0) << out;
    return LastLine(out);
  }
  std::unique_ptr<ChildProcess> Serve(int* port) {
    auto p = std::make_unique<ChildProcess>(std::vector<std::string>{
        CUSTOS_BIN, "serve", "--data", dir_.file("data"), "--port", "0"});
    auto line = p->WaitForLine("custos: serving");
    EXPECT_TRUE(line.has_value()) << p->output();
    *port = line ? PortFromServingLine(*line) : 0;
    return p;
  }
  TempDir dir_;
};

TEST_F(ServeProcessTest, AcknowledgedRecordsSurviveSigkill) {
  std::string token = AddUser("curator1", "curator");
  ASSERT_EQ(token.rfind("cus_", 0), 0u) << token;
  int port = 0;
  auto server = Serve(&port);
  ASSERT_GT(port, 0);

  std::map<std::string, int> acknowledged;  // id -> version
  {
    HttpClient c(port);
    c.set_token(token);
    for (int i = 0; i < 40; ++i) {
      auto r = c.Post("/api/v1/artifacts",
                      {{"title", "Record " + std::to_string(i)}, {"object_type", "coin"}});
      ASSERT_EQ(r.status, 201) << r.body;
      std::string id = r.json()["id"];
      acknowledged[id] = 1;
      if (i % 4 == 0) {
        auto u = c.Put("/api/v1/artifacts/" + id,
                       {{"title", "Record " + std::to_string(i) + " (edited)"},
                        {"object_type", "coin"}},
                       "\"1\"");
        ASSERT_EQ(u.status, 200) << u.body;
        acknowledged[id] = 2;
      }
    }
  }
  server->Signal(SIGKILL);  // right after the last acknowledgement
  EXPECT_EQ(server->Wait(), 128 + SIGKILL);

  auto again = Serve(&port);
  ASSERT_GT(port, 0);
  HttpClient c(port);
  c.set_token(token);
  EXPECT_EQ(c.Get("/api/v1/artifacts?per_page=100").json()["total"], 40);
  for (const auto& [id, version] : acknowledged) {
    auto r = c.Get("/api/v1/artifacts/" + id);
    ASSERT_EQ(r.status, 200) << id;
    EXPECT_EQ(r.json()["version"], version) << id;
    auto h = c.Get("/api/v1/artifacts/" + id + "/history");
    EXPECT_EQ(h.json()["revisions"].size(), static_cast<size_t>(version)) << id;
  }
  // The first start's admin is not re-created on restart.
  EXPECT_EQ(again->output().find("first start"), std::string::npos);
}

TEST_F(ServeProcessTest, FirstStartPrintsAdminTokenThatWorks) {
  int port = 0;
  auto p = std::make_unique<ChildProcess>(std::vector<std::string>{
      CUSTOS_BIN, "serve", "--data", dir_.file("data"), "--port", "0"});
  auto token_line = p->WaitForLine("API token:");
  ASSERT_TRUE(token_line.has_value()) << p->output();
  std::string token = token_line->substr(token_line->find("cus_"));
  auto serving = p->WaitForLine("custos: serving");
  ASSERT_TRUE(serving.has_value());
  port = PortFromServingLine(*serving);
  EXPECT_NE(p->output().find("browser login:   admin / "), std::string::npos);
  HttpClient c(port);
  c.set_token(token);
  EXPECT_EQ(c.Get("/api/v1/whoami").json()["role"], "admin");
  // The data directory and its database are private to the owner.
  auto perms = std::filesystem::status(dir_.file("data")).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::others_all, std::filesystem::perms::none);
}

TEST_F(ServeProcessTest, SigtermFinishesTheRequestInFlight) {
  std::string token = AddUser("curator1", "curator");
  int port = 0;
  auto server = Serve(&port);
  ASSERT_GT(port, 0);

  // Send the headers and half the body, then SIGTERM, then the rest.
  std::string body = json{{"title", "Sent during shutdown"}, {"object_type", "vase"}}.dump();
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", static_cast<uint16_t>(port)));
  Poco::Net::SocketStream io(sock);
  io << "POST /api/v1/artifacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " << token
     << "\r\nContent-Type: application/json\r\nContent-Length: " << body.size() << "\r\n\r\n"
     << body.substr(0, 10) << std::flush;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server->Signal(SIGTERM);
  ASSERT_TRUE(server->WaitForLine("shutting down").has_value()) << server->output();
  io << body.substr(10) << std::flush;
  std::string status_line;
  std::getline(io, status_line);
  EXPECT_NE(status_line.find("201"), std::string::npos) << status_line;
  EXPECT_EQ(server->Wait(), 0);
  EXPECT_NE(server->output().find("custos: stopped"), std::string::npos);

  // And it was stored.
  auto again = Serve(&port);
  HttpClient c(port);
  EXPECT_EQ(c.Get("/api/v1/artifacts").json()["total"], 1);
}

TEST_F(ServeProcessTest, CommandLineErrorsAreUsageErrors) {
  int code = 0;
  RunCommand({CUSTOS_BIN, "frobnicate"}, &code);
  EXPECT_EQ(code, 2);
  RunCommand({CUSTOS_BIN, "user", "add", "x", "--role", "emperor", "--data", dir_.file("d")},
             &code);
  EXPECT_EQ(code, 2);
  std::string help = RunCommand({CUSTOS_BIN, "serve", "--help"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(help.find("--port"), std::string::npos);
}

}  // namespace
}  // namespace custos::testing
