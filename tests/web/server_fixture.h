// A real custos server on an ephemeral loopback port, over a fresh data
// directory, with one user per role.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/web/runtime.h"
#include "custos/web/server.h"
#include "fakes/fixed_clock.h"
#include "http_client.h"
#include "temp_dir.h"

namespace custos::testing {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto archive = archive::Archive::Open(dir_.file("data"), clock_);
    ASSERT_TRUE(archive.ok()) << archive.status().ToString();
    archive_ = std::move(archive).value();
    for (auto [name, role] : {std::pair{"admin", core::Role::kAdmin},
                              {"curator", core::Role::kCurator},
                              {"investigator", core::Role::kInvestigator},
                              {"verifier", core::Role::kVerifier}}) {
      ASSERT_TRUE(archive_->users().AddUser(name, role).ok());
      tokens_[name] = *archive_->users().IssueToken(name);
    }
    web::ServerConfig cfg;
    cfg.port = 0;
    cfg.threads = 8;
    cfg.max_json_body = 64 * 1024;
    ConfigureServer(cfg);
    web::RuntimeOptions ro;
    ro.origin = "custos.test/log";
    ro.fixity_interval = std::chrono::seconds(0);
    ro.extraction_poll = std::chrono::milliseconds(100);
    ro.index_poll = std::chrono::milliseconds(50);
    ConfigureRuntime(ro);
    auto runtime = web::Runtime::Start(*archive_, clock_, ro);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    runtime_ = std::move(runtime).value();
    auto deps = runtime_->deps();
    custody_ = deps.custody;
    auto server = web::Server::Start(cfg, deps);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    if (runtime_) runtime_->Stop();
  }
  virtual void ConfigureServer(web::ServerConfig&) {}
  virtual void ConfigureRuntime(web::RuntimeOptions&) {}

  // A client acting as `who` ("anonymous" for none).
  HttpClient As(const std::string& who) {
    HttpClient c(server_->port());
    if (who != "anonymous") c.set_token(tokens_.at(who));
    return c;
  }

  // Uploads `bytes` as multipart with metadata fields before the file.
  HttpResult Upload(const std::string& id, const std::string& bytes, const std::string& filename,
                    std::map<std::string, std::string> fields, const std::string& who = "curator",
                    bool file_first = false) {
    const std::string boundary = "----custos-test-boundary";
    std::string body, file_part;
    file_part += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                 filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n";
    if (file_first) body += file_part;
    for (auto& [k, v] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" +
              v + "\r\n";
    }
    if (!file_first) body += file_part;
    body += "--" + boundary + "--\r\n";
    return As(who).Request("POST", "/api/v1/artifacts/" + id + "/documents", body, {},
                           "multipart/form-data; boundary=" + boundary);
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<archive::Archive> archive_;
  std::unique_ptr<web::Runtime> runtime_;
  archive::CustodyLog* custody_ = nullptr;
  std::unique_ptr<web::Server> server_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace custos::testing
