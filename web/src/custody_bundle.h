// Private: custody helpers that need the web layer's view of access.
#pragma once

#include <string>

#include "http.h"

namespace custos::web {

struct App;
// The media type of an archived document the caller may see; NotFound
// otherwise (custody entries may only cite documents in the archive).
core::Result<std::string> DocumentMediaType(App& app, const RequestContext& ctx,
                                            const std::string& sha256);

}  // namespace custos::web
