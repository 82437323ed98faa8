// Private: helpers shared by the interchange handlers (oai.cc,
// api_interchange.cc).
#pragma once

#include <string>

#include "http.h"

namespace custos::web {

struct App;

// "http://HOST" for the request (the Host header when it is a plain host[:port],
// else "http://localhost"), or ServerConfig::oai_base_url without its "/oai"
// when that is set; no trailing slash. Used for identifiers in exported documents.
std::string PublicBaseUrl(const App& app, const RequestContext& ctx);

}  // namespace custos::web
