// Private: shared helpers of the HTML pages (pages.cc, pages_artifact.cc).
#pragma once

#include <Poco/Net/HTMLForm.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app.h"
#include "session_store.h"
#include "templates.h"

namespace custos::web {

struct PageState {
  SessionStore sessions;
  LoginLimiter login_limiter;
  Templates templates{Templates::DefaultDir()};
};

// The Content-Security-Policy of every HTML page: no inline script or style.
inline constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Renders `name` inside the layout, with the caller's name/role, their CSRF
// token (signed-in users) and `title`; the reply carries the CSP header.
core::Result<Reply> HtmlPage(App& app, const RequestContext& ctx, const std::string& name,
                             nlohmann::json data, int status = 200);
// An HTML error page for a failed Status (the mapped HTTP status).
Reply HtmlError(App& app, const RequestContext& ctx, const core::Status& s);
// Wraps a page handler so failures become HTML error pages, not JSON.
Router::Handler PageHandler(App& app, std::function<core::Result<Reply>(RequestContext&)> fn);

// The session of the request's cookie, if any.
std::optional<Session> CurrentSession(App& app, const RequestContext& ctx);
// Reads an application/x-www-form-urlencoded body (at most 256 KiB).
core::Result<std::unique_ptr<Poco::Net::HTMLForm>> ReadForm(RequestContext& ctx);
// Forbidden unless the form's `csrf` field matches the session's token.
core::Status CheckCsrf(App& app, const RequestContext& ctx, const Poco::Net::HTMLForm& form);

// "reported_stolen" -> "reported stolen".
std::string Humanize(std::string s);
// Percent-encodes a query-string value.
std::string UrlEncode(const std::string& s);

// A 303 See Other to a local path.
Reply Redirect(const std::string& to);
// A 303 to the login form that comes back to this page afterwards.
Reply SignInFirst(const RequestContext& ctx);

void AddArtifactPageRoutes(Router& router, App& app);
// /artifacts/new, /artifacts/{id}/edit, the document upload and custody
// forms (pages_edit.cc).
void AddEditPageRoutes(Router& router, App& app);
// /documents/{sha256} (pages_document.cc).
void AddDocumentPageRoutes(Router& router, App& app);
// /admin/users (pages_admin.cc).
void AddAdminPageRoutes(Router& router, App& app);

}  // namespace custos::web
