// Private: custody helpers that need the web layer's view of access.
#pragma once

#include <string>

#include "custos/archive/custody_log.h"
#include "http.h"

namespace custos::web {

struct App;
// Appends a custody entry for artifact `id` from a JSON object {event, actor,
// location?, time?, documents?, notes?} (the body of POST
// /api/v1/artifacts/{id}/custody; the custody form of the pages builds the
// same object). Unauthorized/Forbidden by role, NotFound for a hidden record,
// InvalidArgument naming the field, Unavailable without a custody log.
core::Result<archive::LoggedEntry> AppendCustodyEntry(App& app, const RequestContext& ctx,
                                                      const std::string& id,
                                                      const nlohmann::json& body);
// The media type of an archived document the caller may see; NotFound
// otherwise (custody entries may only cite documents in the archive).
core::Result<std::string> DocumentMediaType(App& app, const RequestContext& ctx,
                                            const std::string& sha256);

}  // namespace custos::web
