// /api/v1/users (admins): list, add, issue tokens, disable/enable.
#include "app.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

json UserJson(const archive::User& u) {
  return {{"name", u.name},
          {"role", std::string(core::ToString(u.role))},
          {"disabled", u.disabled},
          {"has_password", u.has_password},
          {"tokens", u.tokens},
          {"created_at", u.created_at}};
}

Result<Reply> ListUsers(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireAdmin(ctx));
  CUSTOS_ASSIGN_OR_RETURN(auto users, app.archive.users().ListUsers());
  json out = json::array();
  for (const auto& u : users) out.push_back(UserJson(u));
  return JsonReply(200, {{"users", out}});
}

Result<Reply> AddUser(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireAdmin(ctx));
  CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
  for (const auto& [k, _] : body.items()) {
    if (k != "name" && k != "role") return Status::InvalidArgument(k + " is not a known field", k);
  }
  if (!body.contains("name") || !body["name"].is_string()) {
    return Status::InvalidArgument("name must be a string", "name");
  }
  if (!body.contains("role") || !body["role"].is_string()) {
    return Status::InvalidArgument("role must be a string", "role");
  }
  std::string name = body["name"];
  auto role = core::ParseRole(body["role"].get<std::string>());
  if (!role) {
    return Status::InvalidArgument("role must be admin, curator, investigator or verifier", "role");
  }
  CUSTOS_RETURN_IF_ERROR(app.archive.users().AddUser(name, *role));
  CUSTOS_ASSIGN_OR_RETURN(std::string token, app.archive.users().IssueToken(name));
  (void)app.archive.records().AppendAudit(ctx.principal.user, "user.add", name,
                                          std::string(core::ToString(*role)));
  CUSTOS_ASSIGN_OR_RETURN(auto user, app.archive.users().GetUser(name));
  json out = UserJson(user);
  out["token"] = token;  // shown once
  return JsonReply(201, out);
}

Result<Reply> IssueToken(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireAdmin(ctx));
  const std::string& name = ctx.path_params.at("name");
  CUSTOS_ASSIGN_OR_RETURN(std::string token, app.archive.users().IssueToken(name));
  (void)app.archive.records().AppendAudit(ctx.principal.user, "user.token", name, "");
  return JsonReply(201, {{"name", name}, {"token", token}});
}

Result<Reply> SetDisabled(App& app, RequestContext& ctx, bool disabled) {
  CUSTOS_RETURN_IF_ERROR(RequireAdmin(ctx));
  const std::string& name = ctx.path_params.at("name");
  if (disabled && name == ctx.principal.user) {
    return Status::Conflict("you cannot disable yourself");
  }
  CUSTOS_RETURN_IF_ERROR(app.archive.users().SetDisabled(name, disabled));
  (void)app.archive.records().AppendAudit(ctx.principal.user,
                                          disabled ? "user.disable" : "user.enable", name, "");
  CUSTOS_ASSIGN_OR_RETURN(auto user, app.archive.users().GetUser(name));
  return JsonReply(200, UserJson(user));
}

}  // namespace

void AddUserRoutes(Router& router, App& app) {
  router.Add("GET", "/api/v1/users", [&app](RequestContext& c) { return ListUsers(app, c); });
  router.Add("POST", "/api/v1/users", [&app](RequestContext& c) { return AddUser(app, c); });
  router.Add("POST", "/api/v1/users/{name}/tokens",
             [&app](RequestContext& c) { return IssueToken(app, c); });
  router.Add("POST", "/api/v1/users/{name}/disable",
             [&app](RequestContext& c) { return SetDisabled(app, c, true); });
  router.Add("POST", "/api/v1/users/{name}/enable",
             [&app](RequestContext& c) { return SetDisabled(app, c, false); });
}

}  // namespace custos::web
