#include "http.h"

#include <Poco/Net/MediaType.h>
#include <Poco/String.h>

#include <charconv>
#include <istream>

namespace custos::web {

using core::Result;
using core::Status;
using core::StatusCode;
using nlohmann::json;

std::string RequestContext::QueryParam(const std::string& name,
                                       const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kConflict: return 409;
    case StatusCode::kPreconditionFailed: return 412;
    case StatusCode::kPreconditionRequired: return 428;
    case StatusCode::kUnauthorized: return 401;
    case StatusCode::kForbidden: return 403;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kUnsupportedMediaType: return 415;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Reply ErrorReply(const Status& s) {
  json err = {{"code", std::string(core::StatusCodeName(s.code()))}};
  int http = HttpStatusFor(s);
  // Server-side failures never echo internals (paths, SQL, exception text).
  err["message"] = http >= 500 ? "internal error; the server log has the details" : s.message();
  if (!s.field().empty()) err["field"] = s.field();
  Reply r = JsonReply(http, {{"error", err}});
  if (http == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"custos\"");
  return r;
}

Reply JsonReply(int status, const json& body) {
  Reply r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.body += '\n';
  return r;
}

Result<json> ReadJsonBody(RequestContext& ctx) {
  auto& req = ctx.request;
  std::string content_type = req.getContentType();
  std::string media = Poco::toLower(content_type.substr(0, content_type.find(';')));
  Poco::trimInPlace(media);
  if (media != "application/json") {
    return Status::UnsupportedMediaType("the body must be application/json, not " +
                                        (media.empty() ? std::string("(none)") : media));
  }
  if (req.hasContentLength() && req.getContentLength64() > static_cast<int64_t>(ctx.max_json_body)) {
    return Status::TooLarge("the body is larger than " + std::to_string(ctx.max_json_body) +
                            " bytes");
  }
  std::string body;
  std::istream& in = req.stream();
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    body.append(buf, static_cast<size_t>(in.gcount()));
    if (body.size() > ctx.max_json_body) {
      return Status::TooLarge("the body is larger than " + std::to_string(ctx.max_json_body) +
                              " bytes");
    }
  }
  ctx.body_consumed = true;
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Find where it broke, for the message.
    try {
      [[maybe_unused]] json again = json::parse(body);  // throws: it did not parse above
    } catch (const json::parse_error& e) {
      return Status::InvalidArgument("malformed JSON at byte " + std::to_string(e.byte));
    }
    return Status::InvalidArgument("malformed JSON");
  }
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return j;
}

Result<int64_t> IntParam(const RequestContext& ctx, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max) {
  auto it = ctx.query.find(name);
  if (it == ctx.query.end() || it->second.empty()) return fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) {
    return Status::InvalidArgument(name + " must be an integer from " + std::to_string(min) +
                                       " to " + std::to_string(max),
                                   name);
  }
  return v;
}

Result<int64_t> RequiredIfMatch(const RequestContext& ctx) {
  if (!ctx.request.has("If-Match")) {
    return Status::PreconditionRequired(
        "send If-Match with the version you read (the ETag of GET), so that no one else's "
        "change is overwritten");
  }
  std::string v = Poco::trim(ctx.request.get("If-Match"));
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t version = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc() || ptr != v.data() + v.size() || version < 1) {
    return Status::InvalidArgument("If-Match must be a record version such as \"3\"", "If-Match");
  }
  return version;
}

std::string ETagFor(int64_t version) { return "\"" + std::to_string(version) + "\""; }

}  // namespace custos::web
