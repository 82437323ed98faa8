#include "custos/web/server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "app.h"

namespace custos::web {

using core::Result;
using core::Status;

namespace {

void LogLine(const std::string& line) {
  // One write per line so concurrent handlers do not interleave.
  std::string out = line + "\n";
  std::cerr.write(out.data(), static_cast<std::streamsize>(out.size()));
  std::cerr.flush();
}

class ApiHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(App& app, const Router& router) : app_(app), router_(router) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    Reply reply;
    bool body_consumed = false;
    try {
      reply = Dispatch(req, body_consumed);
    } catch (const std::exception& e) {
      LogLine("error: " + req.getMethod() + " " + req.getURI() + ": " + e.what());
      reply = ErrorReply(Status::Internal(e.what()));
    } catch (...) {
      LogLine("error: " + req.getMethod() + " " + req.getURI() + ": unknown exception");
      reply = ErrorReply(Status::Internal("unknown"));
    }
    Send(req, resp, reply, body_consumed);
  }

 private:
  Reply Dispatch(Poco::Net::HTTPServerRequest& req, bool& body_consumed) {
    Poco::URI uri;
    try {
      uri = Poco::URI(req.getURI());
    } catch (const Poco::Exception&) {
      return ErrorReply(Status::InvalidArgument("malformed request URI"));
    }
    RequestContext ctx{req, {}, {}, {}, app_.config.max_json_body, false};
    try {
      for (auto& [k, v] : uri.getQueryParameters()) ctx.query.emplace(k, v);
    } catch (const Poco::Exception&) {
      return ErrorReply(Status::InvalidArgument("malformed query string"));
    }
    auto principal = Authenticate(app_, req);
    if (!principal.ok()) return ErrorReply(principal.status());
    ctx.principal = *principal;

    auto match = router_.Find(req.getMethod(), uri.getPath());
    if (!match.handler) {
      if (match.path_known) {
        Reply r = ErrorReply(Status(core::StatusCode::kInvalidArgument,
                                    req.getMethod() + " is not allowed here"));
        r.status = 405;
        r.headers.emplace_back("Allow", match.allow);
        return r;
      }
      return ErrorReply(Status::NotFound("no such endpoint: " + uri.getPath()));
    }
    ctx.path_params = std::move(match.params);
    Result<Reply> result = (*match.handler)(ctx);
    body_consumed = ctx.body_consumed;
    if (!result.ok()) {
      if (HttpStatusFor(result.status()) >= 500) {
        LogLine("error: " + req.getMethod() + " " + req.getURI() + ": " +
                result.status().ToString());
      }
      return ErrorReply(result.status());
    }
    return std::move(result).value();
  }

  static void Send(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
                   const Reply& reply, bool body_consumed) {
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    resp.setContentType(reply.content_type);
    resp.set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : reply.headers) resp.set(k, v);
    // A body we did not read would be parsed as the next request. Read and
    // drop a moderate one, so the client (still sending) gets our answer;
    // close the connection after anything larger.
    bool has_body = (req.hasContentLength() && req.getContentLength64() > 0) ||
                    req.getChunkedTransferEncoding();
    if (has_body && !body_consumed && !DrainBody(req)) resp.setKeepAlive(false);
    if (reply.stream) {
      resp.setContentLength64(reply.stream_length);
      std::ostream& out = resp.send();
      if (req.getMethod() != "HEAD") reply.stream(out);
      return;
    }
    resp.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    if (req.getMethod() == "HEAD") {
      resp.send();
      return;
    }
    resp.sendBuffer(reply.body.data(), reply.body.size());
  }

  static bool DrainBody(Poco::Net::HTTPServerRequest& req) {
    constexpr std::streamsize kDrainMax = 64 << 20;
    if (req.hasContentLength() && req.getContentLength64() > kDrainMax) return false;
    try {
      std::istream& in = req.stream();
      char buf[65536];
      std::streamsize total = 0;
      while (in && total <= kDrainMax) {
        in.read(buf, sizeof buf);
        total += in.gcount();
      }
      return in.eof() && total <= kDrainMax;
    } catch (const Poco::Exception&) {
      return false;
    }
  }

  App& app_;
  const Router& router_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(App& app, const Router& router) : app_(app), router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new ApiHandler(app_, router_);
  }

 private:
  App& app_;
  const Router& router_;
};

}  // namespace

struct Server::Impl {
  App app;
  Router router;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> http;
  int port = 0;
  bool stopped = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config, const Deps& deps) {
  auto impl = std::unique_ptr<Impl>(
      new Impl{App{deps.archive, deps.clock, config, deps.custody, deps.search, deps.notify_writes,
                   /*pages=*/nullptr},
               {}, {}, {}, 0, false});
  AddSystemRoutes(impl->router, impl->app);
  AddArtifactRoutes(impl->router, impl->app);
  AddUserRoutes(impl->router, impl->app);
  AddCustodyRoutes(impl->router, impl->app);
  AddSearchRoutes(impl->router, impl->app);
  AddDocumentRoutes(impl->router, impl->app);
  AddPartyRoutes(impl->router, impl->app);
  AddOaiRoutes(impl->router, impl->app);
  AddInterchangeRoutes(impl->router, impl->app);
  AddPageRoutes(impl->router, impl->app);
  try {
    Poco::Net::SocketAddress address(config.bind, static_cast<Poco::UInt16>(config.port));
    Poco::Net::ServerSocket socket(address, /*backlog=*/256);
    auto* params = new Poco::Net::HTTPServerParams;  // owned by the server (AutoPtr)
    params->setMaxThreads(config.threads);
    params->setMaxQueued(config.max_queued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    params->setTimeout(Poco::Timespan(60, 0));
    params->setServerName("custos");
    impl->pool = std::make_unique<Poco::ThreadPool>(2, config.threads + 2);
    impl->http = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(impl->app, impl->router), *impl->pool, socket, params);
    impl->http->start();
    impl->port = socket.address().port();
  } catch (const Poco::Exception& e) {
    return Status::IOError("cannot listen on " + config.bind + ":" + std::to_string(config.port) +
                           ": " + e.displayText());
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  // Stop accepting; let requests in flight finish, then close idle
  // keep-alive connections.
  impl_->http->stopAll(/*abortCurrent=*/false);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::seconds(impl_->app.config.shutdown_grace_seconds);
  while (impl_->http->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  impl_->pool->joinAll();
}

}  // namespace custos::web
