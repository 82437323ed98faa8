// The custos binaries end to end: custody appends survive SIGKILL, exported
// bundles verify with custos-verify, fsck finds altered scans and log rows.
#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "archive/document_fixtures.h"
#include "child_process.h"
#include "http_client.h"
#include "temp_dir.h"

namespace custos::testing {
namespace {

using nlohmann::json;

class CliEndToEndTest : public ::testing::Test {
 protected:
  std::string Data() { return dir_.file("data"); }
  std::string Run(std::vector<std::string> args, int* code) {
    args.insert(args.begin(), CUSTOS_BIN);
    return RunCommand(args, code);
  }
  std::unique_ptr<ChildProcess> Serve(int* port) {
    auto p = std::make_unique<ChildProcess>(std::vector<std::string>{
        CUSTOS_BIN, "serve", "--data", Data(), "--port", "0", "--fixity-interval", "0"});
    auto line = p->WaitForLine("custos: serving");
    EXPECT_TRUE(line.has_value()) << p->output();
    *port = line ? PortFromServingLine(*line) : 0;
    return p;
  }
  std::string AddUser(const std::string& name, const std::string& role) {
    int code = 0;
    std::string out = Run({"user", "add", name, "--role", role, "--data", Data()}, &code);
    EXPECT_EQ(code, 0) << out;
    return LastLine(out);
  }
  TempDir dir_;
};

TEST_F(CliEndToEndTest, CustodyAppendsSurviveSigkillAndTheBundleVerifies) {
  std::string token = AddUser("cur", "curator");
  int port = 0;
  auto server = Serve(&port);
  HttpClient c(port);
  c.set_token(token);
  auto made = c.Post("/api/v1/artifacts", {{"title", "Marble head"}, {"object_type", "sculpture"}});
  ASSERT_EQ(made.status, 201);
  std::string id = made.json()["id"];
  const char* events[] = {"seizure", "intake", "storage", "examination", "repatriation"};
  for (const char* ev : events) {
    auto r = c.Post("/api/v1/artifacts/" + id + "/custody",
                    {{"event", ev}, {"actor", "Carabinieri TPC"}, {"location", "Rome"},
                     {"time", "2025-03-01T09:00:00Z"}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  server->Signal(SIGKILL);  // right after the last 201
  server->Wait();

  int code = 0;
  std::string vkey = LastLine(Run({"key", "show", "--data", Data()}, &code));
  ASSERT_EQ(code, 0);
  std::string bundle = dir_.file("bundle.zip");
  std::string out = Run({"export", "bundle", id, "-o", bundle, "--data", Data()}, &code);
  ASSERT_EQ(code, 0) << out;
  out = RunCommand({CUSTOS_VERIFY_BIN, bundle, "--key", vkey}, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("entry 4 inclusion proof"), std::string::npos) << out;
  EXPECT_NE(out.find("ok  record hash"), std::string::npos) << out;

  // A bundle checked against another log's key fails.
  TempDir other;
  RunCommand({CUSTOS_BIN, "key", "show", "--data", other.file("d")}, &code);
  std::string other_key = LastLine(RunCommand({CUSTOS_BIN, "key", "show", "--data", other.file("d")}, &code));
  RunCommand({CUSTOS_VERIFY_BIN, bundle, "--key", other_key}, &code);
  EXPECT_EQ(code, 1);

  out = Run({"fsck", "--data", Data()}, &code);
  EXPECT_EQ(code, 0) << out;
}

TEST_F(CliEndToEndTest, FsckNamesAnAlteredScanAndATamperedLogEntry) {
  std::string token = AddUser("cur", "curator");
  int port = 0;
  auto server = Serve(&port);
  HttpClient c(port);
  c.set_token(token);
  std::string id = c.Post("/api/v1/artifacts", {{"title", "Stele"}, {"object_type", "stele"}})
                        .json()["id"];
  const std::string boundary = "b0undary";
  std::string pdf = MakeTextPdf({"export licence 1971"});
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nexport_licence\r\n--" +
                     boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"l.pdf\"\r\n\r\n" +
                     pdf + "\r\n--" + boundary + "--\r\n";
  auto up = c.Request("POST", "/api/v1/artifacts/" + id + "/documents", body, {},
                      "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(up.status, 201) << up.body;
  std::string sha = up.json()["sha256"];
  ASSERT_EQ(c.Post("/api/v1/artifacts/" + id + "/custody",
                   {{"event", "intake"}, {"actor", "Museum"}, {"location", "Athens"}})
                .status,
            201);
  server->Signal(SIGTERM);
  server->Wait();

  int code = 0;
  std::string out = Run({"fsck", "--data", Data()}, &code);
  ASSERT_EQ(code, 0) << out;

  // Flip one byte of the stored scan.
  std::string blob = Data() + "/blobs/sha256/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
  ASSERT_TRUE(std::filesystem::exists(blob)) << blob;
  std::filesystem::permissions(blob, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('X');
  }
  out = Run({"fsck", "--data", Data()}, &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find(sha), std::string::npos) << out;
  EXPECT_NE(out.find(id), std::string::npos) << out;

  // Restore the scan, then rewrite a signed log entry in the database.
  {
    std::ofstream f(blob, std::ios::binary | std::ios::trunc);
    f << pdf;
  }
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", Data() + "/custos.db");
    s << "UPDATE log_leaves SET note = replace(note, 'Athens', 'Berlin')",
        Poco::Data::Keywords::now;
  }
  out = Run({"fsck", "--data", Data()}, &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("FAIL custody"), std::string::npos) << out;
}

TEST_F(CliEndToEndTest, ReindexRebuildsAndImportIsIdempotent) {
  std::ofstream f(dir_.file("records.jsonl"));
  f << R"({"id":"inv-1","title":"Luristan bronze finial","object_type":"finial"})" << "\n"
    << R"({"id":"inv-2","title":"Bronze horse bit","object_type":"horse bit"})" << "\n"
    << R"({"id":"bad","object_type":"no title"})" << "\n"
    << "not json\n";
  f.close();
  int code = 0;
  std::string out = Run({"import", "--data", Data(), dir_.file("records.jsonl")}, &code);
  EXPECT_EQ(code, 1) << out;  // two rejected
  EXPECT_NE(out.find("created 2, updated 0, unchanged 0, rejected 2"), std::string::npos) << out;
  out = Run({"import", "--data", Data(), dir_.file("records.jsonl")}, &code);
  EXPECT_NE(out.find("created 0, updated 0, unchanged 2, rejected 2"), std::string::npos) << out;
  out = Run({"reindex", "--data", Data()}, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("reindexed 2 records"), std::string::npos) << out;
  int port = 0;
  auto server = Serve(&port);
  HttpClient c(port);
  EXPECT_EQ(c.Get("/api/v1/search?q=luristan").json()["total"], 1);  // reindex caught it up
  server->Signal(SIGTERM);
  server->Wait();
  out = Run({"fsck", "--data", Data()}, &code);
  EXPECT_EQ(code, 0) << out;
}

TEST_F(CliEndToEndTest, KillDuringImportLosesNoCommittedRecord) {
  {
    std::ofstream f(dir_.file("many.jsonl"));
    for (int i = 0; i < 20000; ++i) {
      f << json{{"id", "rec-" + std::to_string(i)}, {"title", "Record " + std::to_string(i)},
                {"object_type", "coin"}, {"description", "silver tetradrachm hoard"}}
                  .dump()
        << "\n";
    }
  }
  int port = 0;
  auto server = Serve(&port);
  ChildProcess import({CUSTOS_BIN, "import", "--batch", "500", "--data", Data(), dir_.file("many.jsonl")});
  // Kill it once the first batch is committed (not after a fixed sleep, which
  // on a loaded machine can come before any commit).
  {
    HttpClient probe(port);
    for (int i = 0; i < 1200; ++i) {
      if (probe.Get("/api/v1/artifacts?per_page=1").json().value("total", 0) > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  import.Signal(SIGKILL);
  import.Wait();
  server->Signal(SIGKILL);
  server->Wait();

  server = Serve(&port);  // the index catches up in the background
  HttpClient c(port);
  int64_t stored = c.Get("/api/v1/artifacts?per_page=1").json()["total"];
  int64_t indexed = 0;
  for (int i = 0; i < 600 && indexed != stored; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    indexed = c.Get("/api/v1/search?q=&per_page=1").json()["total"];
  }
  EXPECT_GT(stored, 0);
  EXPECT_LT(stored, 20000) << "the import finished before the kill; the test proves less";
  EXPECT_EQ(stored % 500, 0) << "batches are all-or-nothing";
  EXPECT_EQ(indexed, stored);
  EXPECT_EQ(c.Get("/api/v1/search?q=tetradrachm&per_page=1").json()["total"], stored);
}

}  // namespace
}  // namespace custos::testing
