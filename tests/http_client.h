// A blocking HTTP/1.1 client for tests (Poco::Net::HTTPClientSession).
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace custos::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(int port, std::string host = "127.0.0.1")
      : session_(std::make_unique<Poco::Net::HTTPClientSession>(host, port)) {
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(30, 0));
  }

  HttpResult Request(const std::string& method, const std::string& path,
                     const std::string& body = "", std::map<std::string, std::string> headers = {},
                     const std::string& content_type = "application/json") {
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (auto& [k, v] : headers) req.set(k, v);
    if (!token_.empty() && !headers.count("Authorization")) {
      req.set("Authorization", "Bearer " + token_);
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
      req.setContentType(content_type);
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    HttpResult out;
    try {
      session_->sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      std::istream& in = session_->receiveResponse(resp);
      Poco::StreamCopier::copyToString(in, out.body);
      out.status = resp.getStatus();
      for (const auto& [k, v] : resp) out.headers[k] = v;
    } catch (const Poco::Exception& e) {
      session_->reset();
      out.status = -1;
      out.body = e.displayText();
    }
    return out;
  }

  HttpResult Get(const std::string& path) { return Request("GET", path); }
  HttpResult Post(const std::string& path, const nlohmann::json& body) {
    return Request("POST", path, body.dump());
  }
  HttpResult Put(const std::string& path, const nlohmann::json& body, const std::string& etag) {
    return Request("PUT", path, body.dump(), {{"If-Match", etag}});
  }

  void set_token(std::string t) { token_ = std::move(t); }

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::string token_;
};

}  // namespace custos::testing
