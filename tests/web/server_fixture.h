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

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<archive::Archive> archive_;
  std::unique_ptr<web::Runtime> runtime_;
  archive::CustodyLog* custody_ = nullptr;
  std::unique_ptr<web::Server> server_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace custos::testing
