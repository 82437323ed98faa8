// HTML pages: search (/), login/logout, verify, log, static files; the
// session cookie and CSRF checks. The artifact page is in pages_artifact.cc.
#include "pages.h"

#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

#include <algorithm>
#include <iostream>

#include "custos/archive/custody_log.h"
#include "custos/archive/log_keys.h"
#include "custos/core/crypto.h"
#include "custos/core/encoding.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

constexpr const char* kLoginCsrfCookie = "custos_login_csrf";

bool Unsafe(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string CookieHeader(const std::string& name, const std::string& value, bool secure,
                         int max_age) {
  std::string c = name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  if (max_age >= 0) c += "; Max-Age=" + std::to_string(max_age);
  return c;
}

std::string ClientIp(const RequestContext& ctx) {
  try {
    return ctx.request.clientAddress().host().toString();
  } catch (const Poco::Exception&) {
    return "?";
  }
}

// Only local paths are followed after login (no open redirect).
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    return "/";
  }
  return next;
}

// ---- login / logout ---------------------------------------------------------

Result<Reply> LoginForm(App& app, RequestContext& ctx, const std::string& error, int status,
                        const std::string& user_name) {
  // Double-submit token for the login form (there is no session yet).
  std::string token = RandomHex(16);
  json data = {{"title", "Sign in"},
               {"login_csrf", token},
               {"next", SafeNext(ctx.QueryParam("next"))},
               {"user_name", user_name},
               {"error", error.empty() ? json(false) : json(error)}};
  CUSTOS_ASSIGN_OR_RETURN(Reply r, HtmlPage(app, ctx, "login", data, status));
  r.headers.emplace_back("Set-Cookie",
                         CookieHeader(kLoginCsrfCookie, token, ctx.request.secure(), 3600));
  return r;
}

Result<Reply> LoginSubmit(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, ReadForm(ctx));
  std::string cookie = CookieValue(ctx.request, kLoginCsrfCookie);
  std::string sent = form->get("csrf", "");
  if (cookie.empty() || !core::ConstantTimeEquals(cookie, sent)) {
    return LoginForm(app, ctx, "The form expired or was not sent from this site. Please try again.",
                     403, "");
  }
  std::string user = form->get("user", "");
  std::string password = form->get("password", "");
  std::string next = SafeNext(form->get("next", "/"));
  const int64_t now = app.clock.NowMillis();
  const std::string ip = ClientIp(ctx);
  auto& limiter = app.pages->login_limiter;
  if (limiter.Blocked(user, ip, now)) {
    CUSTOS_ASSIGN_OR_RETURN(
        Reply r, LoginForm(app, ctx, "Too many failed sign-ins. Wait a minute and try again.", 429,
                           user));
    r.headers.emplace_back("Retry-After", "60");
    return r;
  }
  std::string stamp;
  auto principal = user.empty() || password.empty()
                       ? Result<core::Principal>(Status::Unauthorized("empty"))
                       : app.archive.users().CheckPassword(user, password, &stamp);
  if (!principal.ok()) {
    limiter.Failed(user, ip, now);
    // One message for unknown user, wrong password and disabled user.
    return LoginForm(app, ctx, "The user name or password is wrong.", 401, user);
  }
  std::string session = app.pages->sessions.Create(*principal, stamp, now);
  Reply r = Redirect(next);
  r.headers.emplace_back("Set-Cookie", CookieHeader(SessionStore::kCookie, session,
                                                    ctx.request.secure(), -1));
  // (One Set-Cookie only: Reply headers are set, not added. The login-form
  // cookie expires on its own.)
  return r;
}

Result<Reply> Logout(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, ReadForm(ctx));
  CUSTOS_RETURN_IF_ERROR(CheckCsrf(app, ctx, *form));
  std::string cookie = CookieValue(ctx.request, SessionStore::kCookie);
  if (!cookie.empty()) app.pages->sessions.Destroy(cookie);
  Reply r = Redirect("/");
  r.headers.emplace_back("Set-Cookie",
                         CookieHeader(SessionStore::kCookie, "", ctx.request.secure(), 0));
  return r;
}

// ---- search -----------------------------------------------------------------

// The current query string as ordered (key, value) pairs.
using Params = std::vector<std::pair<std::string, std::string>>;

std::string Href(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    out += out.empty() ? "?" : "&";
    out += UrlEncode(k) + "=" + UrlEncode(v);
  }
  return "/" + out;
}

Params Without(const Params& p, const std::string& key, const std::string& value = "") {
  Params out;
  for (const auto& kv : p) {
    if (kv.first == key && (value.empty() || kv.second == value)) continue;
    out.push_back(kv);
  }
  return out;
}

std::string CenturyLabel(const std::string& v) {
  // "c+19" -> "19th century", "c-05" -> "5th century BCE"
  if (v.size() < 3 || v[0] != 'c') return v;
  int n = std::atoi(v.c_str() + 2);
  std::string suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  }
  return std::to_string(n) + suffix + " century" + (v[1] == '-' ? " BCE" : "");
}

const std::vector<std::pair<std::string, std::string>>& FacetNames() {
  static const std::vector<std::pair<std::string, std::string>> kNames = {
      {"status", "Status"},   {"type", "Object type"}, {"country", "Country"},
      {"material", "Material"}, {"century", "Century"}, {"flag", "Provenance flags"}};
  return kNames;
}

Result<Reply> SearchPage(App& app, RequestContext& ctx) {
  Params params;
  for (const char* k : {"q", "status", "country", "type", "material", "flag", "century", "from",
                        "to", "sort", "match"}) {
    auto [b, e] = ctx.query.equal_range(k);
    for (auto it = b; it != e; ++it) {
      if (!it->second.empty()) params.emplace_back(k, it->second);
    }
  }
  std::string sort = ctx.QueryParam("sort", "relevance");
  json data = {{"title", ctx.QueryParam("q").empty() ? "Search" : ctx.QueryParam("q") + " – Search"},
               {"nav_search", true},
               {"q", ctx.QueryParam("q")},
               {"from", ctx.QueryParam("from")},
               {"to", ctx.QueryParam("to")},
               {"sort_relevance", sort == "relevance"},
               {"sort_date", sort == "date"},
               {"sort_date_desc", sort == "-date"},
               {"error", false}};
  // Active facet filters travel as hidden fields so the box keeps them.
  json hidden = json::array();
  for (const auto& [k, v] : params) {
    if (k != "q" && k != "from" && k != "to" && k != "sort") hidden.push_back({{"name", k}, {"value", v}});
  }
  data["hidden"] = hidden;
  if (!app.search) {
    data["error"] = "Search is not available right now.";
    return HtmlPage(app, ctx, "search", data, 503);
  }
  auto q = SearchQueryFrom(ctx);
  Result<core::SearchResults> results = q.ok() ? app.search->Search(*q)
                                               : Result<core::SearchResults>(q.status());
  if (!results.ok()) {
    if (results.status().code() != core::StatusCode::kInvalidArgument) return results.status();
    data["error"] = results.status().message();
    return HtmlPage(app, ctx, "search", data, 400);
  }
  if (q->include_restricted) {
    bool restricted = false;
    for (const auto& h : results->hits) restricted |= h.restricted;
    if (restricted) {
      (void)app.archive.records().AppendAudit(ctx.principal.user, "search.restricted", "",
                                              q->q.substr(0, 200));
    }
  }
  json hits = json::array();
  for (const auto& h : results->hits) {
    json hit = {{"id", h.id},
                {"href", "/artifacts/" + UrlEncode(h.id)},
                {"title", h.title},
                {"title_html", h.title_html.empty() ? json(false) : json(h.title_html)},
                {"snippet", h.snippet.empty() ? json(false) : json(h.snippet)},
                {"status", h.status},
                {"status_label", Humanize(h.status)},
                {"object_type", h.object_type},
                {"date", h.date_display.empty() ? json(false) : json(h.date_display)},
                {"country", h.country.empty() ? json(false) : json(h.country)},
                {"restricted", h.restricted},
                {"document", false}};
    if (!h.doc_sha256.empty()) {
      std::string where = Humanize(h.doc_kind);
      if (h.doc_page > 0) where += ", page " + std::to_string(h.doc_page);
      std::string href = "/documents/" + h.doc_sha256;
      if (!q->q.empty()) href += "?q=" + UrlEncode(q->q);
      if (h.doc_page > 0) href += "#page-" + std::to_string(h.doc_page);
      hit["document"] = {{"where", where}, {"href", href}};
    }
    hits.push_back(std::move(hit));
  }
  json facets = json::array();
  for (const auto& [key, label] : FacetNames()) {
    auto it = results->facets.find(key);
    if (it == results->facets.end() || it->second.empty()) continue;
    std::vector<std::pair<std::string, int64_t>> values(it->second.begin(), it->second.end());
    std::stable_sort(values.begin(), values.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    json items = json::array();
    for (const auto& [value, count] : values) {
      bool active = false;
      for (const auto& [k, v] : params) active |= k == key && v == value;
      Params next = active ? Without(params, key, value) : params;
      if (!active) next.emplace_back(key, value);
      std::string shown = key == "century" ? CenturyLabel(value)
                          : key == "country" ? value
                                             : Humanize(value);
      items.push_back({{"label", shown},
                       {"count", count},
                       {"active", active},
                       {"href", Href(next)}});
    }
    facets.push_back({{"key", key}, {"label", label}, {"values", items}});
  }
  const int64_t pages = std::max<int64_t>(1, (results->total + q->per_page - 1) / q->per_page);
  json pager = {{"page", q->page}, {"pages", pages}, {"prev", false}, {"next", false}};
  if (q->page > 1) {
    Params p = Without(params, "page");
    if (q->page > 2) p.emplace_back("page", std::to_string(q->page - 1));
    pager["prev"] = Href(p);
  }
  if (q->page < pages && q->page * q->per_page < core::SearchQuery::kMaxOffset) {
    Params p = Without(params, "page");
    p.emplace_back("page", std::to_string(q->page + 1));
    pager["next"] = Href(p);
  }
  data["results"] = hits;
  data["total"] = results->total;
  data["records_word"] = results->total == 1 ? "record" : "records";
  data["total_estimate"] = results->total_is_estimate;
  data["has_results"] = !hits.empty();
  data["searched"] = true;
  data["facets"] = facets;
  data["pager"] = pages > 1 ? pager : json(false);
  data["relaxed"] = results->query_relaxed;
  if (results->suggestion && !results->suggestion->empty()) {
    Params p = Without(Without(params, "q"), "page");
    p.insert(p.begin(), {"q", *results->suggestion});
    data["suggestion"] = {{"text", *results->suggestion}, {"href", Href(p)}};
  } else {
    data["suggestion"] = false;
  }
  json active = json::array();
  for (const auto& [k, v] : params) {
    if (k == "q" || k == "sort") continue;
    active.push_back({{"label", (k == "from" ? "from " : k == "to" ? "to " : "") +
                                    (k == "century" ? CenturyLabel(v) : Humanize(v))},
                      {"href", Href(Without(Without(params, k, v), "page"))}});
  }
  data["has_active_filters"] = !active.empty();  // a list section would repeat the <p>
  data["active_filters"] = active;
  return HtmlPage(app, ctx, "search", data);
}

// ---- log, verify, static ----------------------------------------------------

Result<Reply> LogPage(App& app, RequestContext& ctx) {
  json data = {{"title", "Transparency log"}, {"nav_log", true}, {"available", false}};
  if (app.custody) {
    CUSTOS_ASSIGN_OR_RETURN(auto cp, app.custody->LatestCheckpoint());
    data["available"] = true;
    data["size"] = cp.size;
    data["checkpoint"] = cp.note;
    data["root"] = core::HexEncode(cp.root);
    data["vkey"] = app.custody->keys().active_vkey();
    data["origin"] = app.custody->keys().origin();
  }
  return HtmlPage(app, ctx, "log", data);
}

Result<Reply> VerifyPage(App& app, RequestContext& ctx) {
  json data = {{"title", "Verify a bundle"}, {"nav_verify", true}, {"scripts", {"/static/verify.js"}}};
  return HtmlPage(app, ctx, "verify", data);
}

Result<Reply> StaticFile(App& app, RequestContext& ctx) {
  const std::string& file = ctx.path_params.at("file");
  CUSTOS_ASSIGN_OR_RETURN(std::string body, app.pages->templates.Static(file));
  static const std::map<std::string, std::string> kTypes = {
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"}};
  auto dot = file.rfind('.');
  auto type = dot == std::string::npos ? kTypes.end() : kTypes.find(file.substr(dot));
  Reply r;
  r.content_type = type == kTypes.end() ? "application/octet-stream" : type->second;
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace

// ---- shared helpers ---------------------------------------------------------

std::string Humanize(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  Poco::URI::encode(s, "!#$&'()*+,/:;=?@[]%\"<>", out);
  return out;
}

std::optional<Session> CurrentSession(App& app, const RequestContext& ctx) {
  if (!app.pages) return std::nullopt;
  std::string cookie = CookieValue(ctx.request, SessionStore::kCookie);
  if (cookie.empty()) return std::nullopt;
  return app.pages->sessions.Find(cookie, app.clock.NowMillis());
}

Result<std::unique_ptr<Poco::Net::HTMLForm>> ReadForm(RequestContext& ctx) {
  constexpr int64_t kMax = 256 << 10;
  auto& req = ctx.request;
  if (req.hasContentLength() && req.getContentLength64() > kMax) {
    return Status::TooLarge("the form is too large");
  }
  auto form = std::make_unique<Poco::Net::HTMLForm>();
  form->setFieldLimit(200);
  try {
    form->load(req, req.stream());
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("malformed form: " + e.displayText());
  }
  ctx.body_consumed = true;
  return form;
}

Status CheckCsrf(App& app, const RequestContext& ctx, const Poco::Net::HTMLForm& form) {
  auto s = CurrentSession(app, ctx);
  if (!s) return Status::Unauthorized("your session has expired; sign in again");
  if (!core::ConstantTimeEquals(s->csrf, form.get("csrf", ""))) {
    return Status::Forbidden("the form's security token is missing or stale; reload the page");
  }
  return Status::Ok();
}

Result<core::Principal> SessionPrincipal(App& app, const Poco::Net::HTTPServerRequest& req) {
  if (!app.pages) return core::Principal{};
  std::string cookie = CookieValue(req, SessionStore::kCookie);
  if (cookie.empty()) return core::Principal{};
  auto s = app.pages->sessions.Find(cookie, app.clock.NowMillis());
  if (!s) return core::Principal{};  // expired: browse on as anonymous
  // The user's current state decides (disabled, password changed, role).
  auto user = app.archive.users().GetUser(s->principal.user);
  if (!user.ok() || user->disabled || user->password_stamp != s->password_stamp) {
    app.pages->sessions.Destroy(cookie);
    return core::Principal{};
  }
  std::string path = req.getURI();
  if (Unsafe(req.getMethod()) && path.rfind("/api/", 0) == 0) {
    std::string sent = req.get("X-CSRF-Token", "");
    if (!core::ConstantTimeEquals(sent, s->csrf)) {
      return Status::Forbidden("send the page's CSRF token in X-CSRF-Token");
    }
  }
  return core::Principal{user->name, user->role};
}

Result<Reply> HtmlPage(App& app, const RequestContext& ctx, const std::string& name, json data,
                       int status) {
  if (ctx.principal.authenticated()) {
    data["user"] = {{"name", ctx.principal.user},
                    {"role", std::string(core::ToString(ctx.principal.role))},
                    {"admin", core::CanManageUsers(ctx.principal.role)},
                    {"writer", core::CanWriteRecords(ctx.principal.role)}};
    auto s = CurrentSession(app, ctx);
    data["csrf"] = s ? s->csrf : "";
  } else {
    data["user"] = false;
    data["login_href"] = "/login?next=" + UrlEncode(ctx.request.getURI());
  }
  if (!data.contains("title")) data["title"] = "custos";
  CUSTOS_ASSIGN_OR_RETURN(std::string html, app.pages->templates.RenderPage(name, std::move(data)));
  Reply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(html);
  r.headers.emplace_back("Content-Security-Policy", kCsp);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  return r;
}

Reply HtmlError(App& app, const RequestContext& ctx, const Status& s) {
  int http = HttpStatusFor(s);
  std::string message = http >= 500 ? "Something went wrong on our side. The server log has the details."
                                    : s.message();
  if (http >= 500) {
    std::string line = "error: " + ctx.request.getMethod() + " " + ctx.request.getURI() + ": " +
                       s.ToString() + "\n";
    std::cerr << line << std::flush;
  }
  json data = {{"title", http == 404 ? "Not found" : "Error"},
               {"status", http},
               {"message", message},
               {"signin", http == 401}};
  auto page = HtmlPage(app, ctx, "error", data, http);
  if (page.ok()) return std::move(page).value();
  Reply r = ErrorReply(s);  // templates missing: fall back to JSON
  return r;
}

Reply Redirect(const std::string& to) {
  Reply r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "see " + to + "\n";
  r.headers.emplace_back("Location", to);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Reply SignInFirst(const RequestContext& ctx) {
  return Redirect("/login?next=" + UrlEncode(ctx.request.getURI()));
}

Router::Handler PageHandler(App& app, std::function<Result<Reply>(RequestContext&)> fn) {
  return [&app, fn = std::move(fn)](RequestContext& ctx) -> Result<Reply> {
    Result<Reply> r = fn(ctx);
    if (r.ok()) return r;
    return HtmlError(app, ctx, r.status());
  };
}

void AddPageRoutes(Router& router, App& app) {
  app.pages = std::make_shared<PageState>();
  auto page = [&app](Result<Reply> (*fn)(App&, RequestContext&)) {
    return PageHandler(app, [&app, fn](RequestContext& ctx) { return fn(app, ctx); });
  };
  router.Add("GET", "/", page(SearchPage));
  router.Add("GET", "/login", PageHandler(app, [&app](RequestContext& ctx) {
               return LoginForm(app, ctx, "", 200, "");
             }));
  router.Add("POST", "/login", page(LoginSubmit));
  router.Add("POST", "/logout", page(Logout));
  router.Add("GET", "/verify", page(VerifyPage));
  router.Add("GET", "/log", page(LogPage));
  router.Add("GET", "/favicon.ico", [](RequestContext&) -> Result<Reply> {
    Reply r;
    r.status = 204;
    r.content_type = "image/x-icon";
    r.headers.emplace_back("Cache-Control", "public, max-age=86400");
    return r;
  });
  router.Add("GET", "/static/{file}", [&app](RequestContext& ctx) { return StaticFile(app, ctx); });
  AddEditPageRoutes(router, app);  // first: /artifacts/new before /artifacts/{id}
  AddArtifactPageRoutes(router, app);
  AddDocumentPageRoutes(router, app);
  AddAdminPageRoutes(router, app);
}

}  // namespace custos::web
