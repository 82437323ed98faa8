// Private: what every handler can reach, and the route tables.
#pragma once

#include "custos/archive/data_dir.h"
#include "custos/core/clock.h"
#include "custos/web/server.h"
#include "router.h"

namespace custos::web {

struct App {
  archive::Archive& archive;
  const core::Clock& clock;
  ServerConfig config;
};

// Resolves the caller from Authorization: Bearer (anonymous when absent).
// Unauthorized for a bad or revoked token or a disabled user.
core::Result<core::Principal> Authenticate(App& app, const Poco::Net::HTTPServerRequest& req);

// Route tables, one function per area.
void AddArtifactRoutes(Router& router, App& app);
void AddUserRoutes(Router& router, App& app);
void AddSystemRoutes(Router& router, App& app);

// Guards used by handlers.
core::Status RequireWriter(const RequestContext& ctx);
core::Status RequireAdmin(const RequestContext& ctx);

}  // namespace custos::web
