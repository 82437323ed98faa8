// HTML pages through the real server: CSP, escaping, access filtering of
// search HTML and facets, CSRF and the login rate limit.
#include <gtest/gtest.h>

#include <regex>

#include "server_fixture.h"

namespace custos::testing {
namespace {

class PagesTest : public ServerTest {
 protected:
  std::string Create(const nlohmann::json& body) {
    auto r = As("admin").Post("/api/v1/artifacts", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  void Sync() { ASSERT_TRUE(runtime_->SyncIndex().ok()); }

  // Signs in through the form; returns the session cookie ("" on failure).
  std::string Login(const std::string& user, const std::string& password, int* status = nullptr) {
    HttpClient c(server_->port());
    auto form = c.Get("/login");
    std::string csrf_cookie = CookieFrom(form.header("Set-Cookie"));
    std::smatch m;
    std::regex token(R"re(name="csrf" value="([0-9a-f]+)")re");
    EXPECT_TRUE(std::regex_search(form.body, m, token));
    auto r = c.Request("POST", "/login",
                       "csrf=" + m[1].str() + "&user=" + user + "&password=" + password + "&next=/",
                       {{"Cookie", "custos_login_csrf=" + csrf_cookie}},
                       "application/x-www-form-urlencoded");
    if (status) *status = r.status;
    if (r.status != 303) return "";
    return CookieFrom(r.header("Set-Cookie"));
  }
  static std::string CookieFrom(const std::string& set_cookie) {
    auto eq = set_cookie.find('=');
    auto semi = set_cookie.find(';');
    return set_cookie.substr(eq + 1, semi - eq - 1);
  }
  HttpResult GetWithCookie(const std::string& path, const std::string& cookie) {
    HttpClient c(server_->port());
    return c.Request("GET", path, "", {{"Cookie", "custos_session=" + cookie}});
  }
};

TEST_F(PagesTest, EveryPageHasCspAndNoInlineScript) {
  std::string id = Create({{"title", "Vase"}, {"object_type", "vase"}});
  Sync();
  for (const std::string& path : std::vector<std::string>{"/", "/?q=vase", "/login", "/verify", "/log", "/artifacts/" + id,
                           "/artifacts/nope"}) {
    auto r = As("anonymous").Get(path);
    EXPECT_NE(r.header("Content-Type").find("text/html"), std::string::npos) << path;
    EXPECT_NE(r.header("Content-Security-Policy").find("script-src 'self'"), std::string::npos)
        << path;
    EXPECT_EQ(r.body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(r.body.find(" style="), std::string::npos) << path;
  }
  EXPECT_EQ(As("anonymous").Get("/artifacts/nope").status, 404);
}

TEST_F(PagesTest, EscapesUserTextInSearchAndArtifactPages) {
  std::string id = Create({{"title", "Idol <script>alert(1)</script>"},
                           {"object_type", "idol"},
                           {"description", "<img src=x onerror=alert(2)>"}});
  Sync();
  auto search = As("anonymous").Get("/?q=idol");
  EXPECT_EQ(search.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(search.body.find("&lt;script&gt;"), std::string::npos);
  auto page = As("anonymous").Get("/artifacts/" + id);
  EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(page.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
}

TEST_F(PagesTest, RestrictedRecordAbsentFromAnonymousSearchHtmlAndFacets) {
  Create({{"title", "Public amphora"}, {"object_type", "amphora"}, {"status", "seized"}});
  Create({{"title", "Hidden xylophagite codex"},
          {"object_type", "codex"},
          {"status", "in_litigation"},
          {"materials", {"parchment"}},
          {"visibility", "restricted"}});
  Sync();
  for (const std::string& path : std::vector<std::string>{"/", "/?q=xylophagite", "/?status=in_litigation", "/?type=codex"}) {
    auto r = As("anonymous").Get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find("xylophagite codex"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("in litigation <span class=\"count\">"), std::string::npos) << path;
    if (path != "/") {
      EXPECT_NE(r.body.find("<span id=\"total\">0</span>"), std::string::npos) << path;
    }
    EXPECT_EQ(r.body.find("parchment"), std::string::npos) << path;
    EXPECT_EQ(r.body.find(">codex <span class=\"count\">"), std::string::npos) << path;
  }
  auto inv = As("investigator").Get("/?q=xylophagite");
  EXPECT_NE(inv.body.find("xylophagite"), std::string::npos);
  EXPECT_NE(inv.body.find("parchment"), std::string::npos);
}

TEST_F(PagesTest, SessionLoginSetsSafeCookieAndShowsUser) {
  ASSERT_TRUE(archive_->users().SetPassword("curator", "correct horse battery").ok());
  HttpClient c(server_->port());
  auto form = c.Get("/login");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(form.body, m, std::regex(R"re(name="csrf" value="([0-9a-f]+)")re")));
  auto r = c.Request("POST", "/login",
                     "csrf=" + m[1].str() + "&user=curator&password=correct+horse+battery",
                     {{"Cookie", "custos_login_csrf=" + CookieFrom(form.header("Set-Cookie"))}},
                     "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 303) << r.body;
  std::string set = r.header("Set-Cookie");
  EXPECT_NE(set.find("custos_session="), std::string::npos);
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  std::string cookie = CookieFrom(set);
  auto home = GetWithCookie("/", cookie);
  EXPECT_NE(home.body.find("curator <span class=\"role\">curator</span>"), std::string::npos);
  // The cookie authenticates API reads as the curator.
  EXPECT_EQ(GetWithCookie("/api/v1/whoami", cookie).json().value("user", ""), "curator");
}

TEST_F(PagesTest, RejectsStateChangesWithoutCsrfToken) {
  ASSERT_TRUE(archive_->users().SetPassword("curator", "pw-curator-123").ok());
  // Login form without the double-submit cookie.
  HttpClient c(server_->port());
  auto r = c.Request("POST", "/login", "csrf=abc&user=curator&password=pw-curator-123", {},
                     "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 403);
  std::string cookie = Login("curator", "pw-curator-123");
  ASSERT_FALSE(cookie.empty());
  // A JSON API write with the session cookie but no X-CSRF-Token.
  HttpClient api(server_->port());
  auto w = api.Request("POST", "/api/v1/artifacts", R"({"title":"x","object_type":"y"})",
                       {{"Cookie", "custos_session=" + cookie}});
  EXPECT_EQ(w.status, 403) << w.body;
  // Logout without the token is refused; the session survives.
  auto out = api.Request("POST", "/logout", "csrf=wrong", {{"Cookie", "custos_session=" + cookie}},
                         "application/x-www-form-urlencoded");
  EXPECT_EQ(out.status, 403);
  EXPECT_NE(GetWithCookie("/", cookie).body.find("Sign out"), std::string::npos);
  // With the page's token the write goes through.
  std::smatch m;
  auto home = GetWithCookie("/", cookie);
  ASSERT_TRUE(std::regex_search(home.body, m, std::regex(R"re(name="csrf" value="([0-9a-f]+)")re")));
  auto ok = api.Request("POST", "/api/v1/artifacts", R"({"title":"x","object_type":"y"})",
                        {{"Cookie", "custos_session=" + cookie}, {"X-CSRF-Token", m[1].str()}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  auto bye = api.Request("POST", "/logout", "csrf=" + m[1].str(),
                         {{"Cookie", "custos_session=" + cookie}},
                         "application/x-www-form-urlencoded");
  EXPECT_EQ(bye.status, 303);
  EXPECT_EQ(GetWithCookie("/", cookie).body.find("Sign out"), std::string::npos);
}

TEST_F(PagesTest, RateLimitsFailedLogins) {
  ASSERT_TRUE(archive_->users().SetPassword("verifier", "the-right-one").ok());
  for (int i = 0; i < 5; ++i) {
    int status = 0;
    EXPECT_EQ(Login("verifier", "wrong", &status), "");
    EXPECT_EQ(status, 401);
  }
  int status = 0;
  EXPECT_EQ(Login("verifier", "the-right-one", &status), "");
  EXPECT_EQ(status, 429);
}

}  // namespace
}  // namespace custos::testing
