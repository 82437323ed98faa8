// The custos HTTP server: JSON API, health check (and, as they land, HTML
// pages, OAI-PMH). Built on Poco::Net::HTTPServer with one request-handler
// factory that routes and one function that maps Status to HTTP status.
//
// Start() binds and begins serving on a thread pool; Stop() stops accepting,
// lets in-flight requests finish (up to a grace period) and returns.
// Thread-safe: handlers run concurrently on the pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "custos/core/clock.h"
#include "custos/core/status.h"

namespace custos::archive {
class Archive;
class CustodyLog;
}
namespace custos::core {
class SearchIndex;
}

namespace custos::web {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port (tests); see Server::port()
  int threads = 16;
  int max_queued = 256;
  size_t max_json_body = 1 << 20;  // bytes; larger bodies get 413
  uint64_t max_upload = 200ull << 20;  // document uploads; larger get 413
  int shutdown_grace_seconds = 30;
  // OAI-PMH (/oai): identifiers are "oai:<oai_repository_id>:<artifact id>";
  // the base URL is taken from the Host header unless oai_base_url is set.
  std::string oai_repository_id = "custos.local";
  std::string oai_repository_name = "custos provenance archive";
  std::string oai_admin_email = "admin@custos.local";
  std::string oai_base_url;
};

class Server {
 public:
  // What the handlers use; everything must outlive the server. Optional
  // parts may be null (their endpoints answer 503).
  struct Deps {
    archive::Archive& archive;
    const core::Clock& clock;
    archive::CustodyLog* custody = nullptr;
    core::SearchIndex* search = nullptr;
    // Called after every committed write, so the index follower catches up
    // at once instead of at its next poll.
    std::function<void()> notify_writes;
  };

  // Binds and starts serving. IOError when the address cannot be bound.
  static core::Result<std::unique_ptr<Server>> Start(const ServerConfig& config, const Deps& deps);
  ~Server();  // Stop()s if still running

  // The bound port (useful with port 0).
  int port() const;
  // Stops accepting, waits for in-flight requests (up to the grace period).
  void Stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::web
