// Private: the request context handed to route handlers, the reply they
// return, and the one mapping from Status to HTTP status and error body.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "custos/core/roles.h"
#include "custos/core/status.h"

namespace custos::web {

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // For large bodies: when set, the server calls it to write `stream_length`
  // bytes instead of sending `body`.
  std::function<void(std::ostream&)> stream;
  int64_t stream_length = 0;
};

struct RequestContext {
  Poco::Net::HTTPServerRequest& request;
  core::Principal principal;
  std::map<std::string, std::string> path_params;     // from {name} in the route
  std::multimap<std::string, std::string> query;      // decoded query parameters
  size_t max_json_body = 1 << 20;
  bool body_consumed = false;

  // The first value of a query parameter, or `fallback`.
  std::string QueryParam(const std::string& name, const std::string& fallback = "") const;
};

// Maps a Status code to an HTTP status (the only place that does).
int HttpStatusFor(const core::Status& s);
// {"error":{"code","message","field"?}} with the mapped HTTP status.
Reply ErrorReply(const core::Status& s);
Reply JsonReply(int status, const nlohmann::json& body);

// Reads and parses a JSON request body: 415 unless Content-Type is
// application/json, 413 over the limit, 400 on malformed JSON or when the
// body is not a JSON object.
core::Result<nlohmann::json> ReadJsonBody(RequestContext& ctx);

// Parses a positive integer query parameter within [min, max]; InvalidArgument
// naming the parameter otherwise.
core::Result<int64_t> IntParam(const RequestContext& ctx, const std::string& name,
                               int64_t fallback, int64_t min, int64_t max);

// Parses If-Match ("3", "\"3\"", W/"3"). PreconditionRequired when absent,
// InvalidArgument when not a version.
core::Result<int64_t> RequiredIfMatch(const RequestContext& ctx);

std::string ETagFor(int64_t version);

}  // namespace custos::web
