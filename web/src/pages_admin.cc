// /admin/users (admins only): list users, add one (with an optional browser
// password), issue and revoke API tokens, disable and enable. Plain POST
// forms with the session's CSRF token; a new token is shown once, in the
// answer to the POST that made it, and never again.
#include "custos/archive/user_store.h"
#include "pages.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

struct Notice {
  std::string message;      // what happened
  std::string token_for;    // the user a new token belongs to
  std::string token;        // shown once
  std::string error;        // a problem with the add-user form
  std::string error_field;  // "name" / "role" / "password"
  std::string name, role;   // re-shown add-user input
};

Result<Reply> Render(App& app, const RequestContext& ctx, const Notice& n, int status) {
  CUSTOS_ASSIGN_OR_RETURN(auto users, app.archive.users().ListUsers());
  json rows = json::array();
  for (const auto& u : users) {
    std::string enc = UrlEncode(u.name);
    rows.push_back({{"name", u.name},
                    {"role", std::string(core::ToString(u.role))},
                    {"disabled", u.disabled},
                    {"has_password", u.has_password},
                    {"tokens", std::to_string(u.tokens)},
                    {"has_tokens", u.tokens > 0},
                    {"created_at", u.created_at},
                    {"self", u.name == ctx.principal.user},
                    {"token_action", "/admin/users/" + enc + "/token"},
                    {"revoke_action", "/admin/users/" + enc + "/revoke"},
                    {"disable_action", "/admin/users/" + enc + "/disable"},
                    {"enable_action", "/admin/users/" + enc + "/enable"}});
  }
  json roles = json::array();
  for (const char* r : {"curator", "investigator", "verifier", "admin"}) {
    roles.push_back({{"value", r}, {"selected", n.role == r}});
  }
  json data = {{"title", "Users"},
               {"nav_admin", true},
               {"users", rows},
               {"roles", roles},
               {"message", n.message.empty() ? json(false) : json(n.message)},
               {"new_token",
                n.token.empty() ? json(false) : json{{"user", n.token_for}, {"token", n.token}}},
               {"error", n.error.empty() ? json(false) : json(n.error)},
               {"error_name", n.error_field == "name"},
               {"error_role", n.error_field == "role"},
               {"error_password", n.error_field == "password"},
               {"name", n.name}};
  return HtmlPage(app, ctx, "admin_users", data, status);
}

Result<Reply> UsersPage(App& app, RequestContext& ctx) {
  if (!ctx.principal.authenticated()) return SignInFirst(ctx);
  CUSTOS_RETURN_IF_ERROR(RequireAdmin(ctx));
  return Render(app, ctx, {}, 200);
}

// Reads the form, checks the token and the role.
Result<std::unique_ptr<Poco::Net::HTMLForm>> AdminForm(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, ReadForm(ctx));
  CUSTOS_RETURN_IF_ERROR(CheckCsrf(app, ctx, *form));
  CUSTOS_RETURN_IF_ERROR(RequireAdmin(ctx));
  return form;
}

Result<Reply> AddUser(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, AdminForm(app, ctx));
  Notice n;
  n.name = form->get("name", "");
  n.role = form->get("role", "");
  std::string password = form->get("password", "");
  auto role = core::ParseRole(n.role);
  if (!archive::UserStore::IsValidUserName(n.name)) {
    n.error =
        "A user name is 1-64 lower-case letters, digits, '.', '_' or '-', starting with a "
        "letter or digit.";
    n.error_field = "name";
  } else if (!role) {
    n.error = "Choose a role.";
    n.error_field = "role";
  } else if (!password.empty() && password.size() < 12) {
    n.error = "A password needs at least 12 characters (or leave it empty: API token only).";
    n.error_field = "password";
  }
  if (!n.error.empty()) return Render(app, ctx, n, 400);
  Status added = app.archive.users().AddUser(n.name, *role);
  if (added.code() == core::StatusCode::kConflict ||
      added.code() == core::StatusCode::kInvalidArgument) {
    n.error = added.code() == core::StatusCode::kConflict
                  ? "There is already a user " + n.name + "."
                  : added.message();
    n.error_field = "name";
    return Render(app, ctx, n, added.code() == core::StatusCode::kConflict ? 409 : 400);
  }
  CUSTOS_RETURN_IF_ERROR(added);
  if (!password.empty()) CUSTOS_RETURN_IF_ERROR(app.archive.users().SetPassword(n.name, password));
  CUSTOS_ASSIGN_OR_RETURN(std::string token, app.archive.users().IssueToken(n.name));
  (void)app.archive.records().AppendAudit(ctx.principal.user, "user.add", n.name, n.role);
  Notice done;
  done.message = "Added " + n.name + " (" + n.role + ")" +
                 (password.empty() ? "; no browser password set." : " with a browser password.");
  done.token_for = n.name;
  done.token = token;
  return Render(app, ctx, done, 201);
}

Result<Reply> UserAction(App& app, RequestContext& ctx, const std::string& action) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, AdminForm(app, ctx));
  const std::string& name = ctx.path_params.at("name");
  CUSTOS_ASSIGN_OR_RETURN(auto user, app.archive.users().GetUser(name));
  Notice n;
  if (action == "token") {
    CUSTOS_ASSIGN_OR_RETURN(std::string token, app.archive.users().IssueToken(name));
    (void)app.archive.records().AppendAudit(ctx.principal.user, "user.token", name, "");
    n.message = "Issued a new API token for " + name + ".";
    n.token_for = name;
    n.token = token;
  } else if (action == "revoke") {
    CUSTOS_RETURN_IF_ERROR(app.archive.users().RevokeTokens(name));
    (void)app.archive.records().AppendAudit(ctx.principal.user, "user.revoke_tokens", name, "");
    n.message = "Revoked every API token of " + name + ".";
  } else {
    const bool disable = action == "disable";
    if (disable && name == ctx.principal.user)
      return Status::Conflict("you cannot disable yourself");
    CUSTOS_RETURN_IF_ERROR(app.archive.users().SetDisabled(name, disable));
    if (disable) app.pages->sessions.DestroyUser(name);
    (void)app.archive.records().AppendAudit(ctx.principal.user,
                                            disable ? "user.disable" : "user.enable", name, "");
    n.message = (disable ? "Disabled " : "Enabled ") + name + ".";
  }
  return Render(app, ctx, n, 200);
}

}  // namespace

void AddAdminPageRoutes(Router& router, App& app) {
  router.Add("GET", "/admin/users",
             PageHandler(app, [&app](RequestContext& c) { return UsersPage(app, c); }));
  router.Add("POST", "/admin/users",
             PageHandler(app, [&app](RequestContext& c) { return AddUser(app, c); }));
  for (const char* action : {"token", "revoke", "disable", "enable"}) {
    std::string a = action;
    router.Add("POST", "/admin/users/{name}/" + a,
               PageHandler(app, [&app, a](RequestContext& c) { return UserAction(app, c, a); }));
  }
}

}  // namespace custos::web
