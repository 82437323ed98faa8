// A real custos server on an ephemeral loopback port, over a fresh data
// directory, with one user per role.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
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
    auto keys = archive::LogKeys::LoadOrCreate(archive_->paths().keys(), "custos.test/log");
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    auto log = archive::CustodyLog::Open(archive_->database_ptr(), *keys, clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    custody_ = std::move(log).value();
    auto server = web::Server::Start(cfg, {*archive_, clock_, custody_.get()});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    custody_.reset();
  }
  virtual void ConfigureServer(web::ServerConfig&) {}

  // A client acting as `who` ("anonymous" for none).
  HttpClient As(const std::string& who) {
    HttpClient c(server_->port());
    if (who != "anonymous") c.set_token(tokens_.at(who));
    return c;
  }

  TempDir dir_;
  FixedClock clock_;
  std::unique_ptr<archive::Archive> archive_;
  std::unique_ptr<archive::CustodyLog> custody_;
  std::unique_ptr<web::Server> server_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace custos::testing
