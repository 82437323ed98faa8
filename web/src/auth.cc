#include <Poco/String.h>

#include "app.h"

namespace custos::web {

using core::Status;

core::Result<core::Principal> Authenticate(App& app, const Poco::Net::HTTPServerRequest& req) {
  if (!req.has("Authorization")) return SessionPrincipal(app, req);
  std::string value = Poco::trim(req.get("Authorization"));
  constexpr std::string_view kBearer = "bearer ";
  if (value.size() <= kBearer.size() ||
      Poco::icompare(value.substr(0, kBearer.size()), std::string(kBearer)) != 0) {
    return Status::Unauthorized("use Authorization: Bearer TOKEN");
  }
  return app.archive.users().Authenticate(Poco::trim(value.substr(kBearer.size())));
}

bool MaySee(const core::Principal& p, const core::Artifact& a) {
  return a.visibility == core::Visibility::kPublic || core::CanSeeRestricted(p.role);
}

core::Result<core::Artifact> LoadVisibleArtifact(App& app, const RequestContext& ctx,
                                                 const std::string& id) {
  auto a = app.archive.records().GetArtifact(id);
  const Status hidden = Status::NotFound("no artifact " + id);
  if (!a.ok()) return a.status().code() == core::StatusCode::kNotFound ? hidden : a.status();
  if (!MaySee(ctx.principal, *a)) return hidden;
  return a;
}

Status RequireWriter(const RequestContext& ctx) {
  if (!ctx.principal.authenticated()) return Status::Unauthorized("sign in to make changes");
  if (!core::CanWriteRecords(ctx.principal.role)) {
    return Status::Forbidden("only curators and admins can change records");
  }
  return Status::Ok();
}

Status RequireAdmin(const RequestContext& ctx) {
  if (!ctx.principal.authenticated()) return Status::Unauthorized("sign in as an admin");
  if (!core::CanManageUsers(ctx.principal.role)) return Status::Forbidden("admins only");
  return Status::Ok();
}

}  // namespace custos::web
