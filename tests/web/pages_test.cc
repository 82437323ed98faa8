// HTML pages through the real server: CSP, escaping, access filtering of
// search HTML and facets, CSRF and the login rate limit.
#include <gtest/gtest.h>

#include <Poco/URI.h>

#include <chrono>
#include <regex>
#include <thread>

#include "archive/document_fixtures.h"
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

  // A signed-in browser: its session cookie and the CSRF token of its pages.
  struct Browser {
    std::string cookie, csrf;
  };
  Browser SignIn(const std::string& user) {
    const std::string password = "pw-" + user + "-0123456789";
    EXPECT_TRUE(archive_->users().SetPassword(user, password).ok());
    Browser b;
    b.cookie = Login(user, password);
    EXPECT_FALSE(b.cookie.empty());
    std::smatch m;
    std::string home = GetWithCookie("/", b.cookie).body;
    if (std::regex_search(home, m, std::regex(R"re(name="csrf" value="([0-9a-f]+)")re"))) {
      b.csrf = m[1].str();
    }
    EXPECT_FALSE(b.csrf.empty());
    return b;
  }
  static std::string Enc(const std::string& s) {
    std::string out;
    Poco::URI::encode(s, "!#$&'()*+,/:;=?@[]%\"<> ", out);
    return out;
  }
  // POSTs an urlencoded form; the values are encoded here.
  HttpResult PostForm(const std::string& path, const Browser& b,
                      const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + Enc(k) + "=" + Enc(v);
    HttpClient c(server_->port());
    return c.Request("POST", path, body, {{"Cookie", "custos_session=" + b.cookie}},
                     "application/x-www-form-urlencoded");
  }
  HttpResult PostMultipart(const std::string& path, const Browser& b,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           const std::string& file) {
    const std::string boundary = "----custos-page-test";
    std::string body;
    for (const auto& [k, v] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" +
              v + "\r\n";
    }
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n" + file + "\r\n--" + boundary + "--\r\n";
    HttpClient c(server_->port());
    return c.Request("POST", path, body, {{"Cookie", "custos_session=" + b.cookie}},
                     "multipart/form-data; boundary=" + boundary);
  }
  std::string WaitExtracted(const std::string& sha) {
    for (int i = 0; i < 300; ++i) {
      auto d = As("admin").Get("/api/v1/documents/" + sha).json();
      std::string status = d["extraction"].value("status", "");
      if (status == "done" || status == "failed") return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "extraction did not finish";
    return "";
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

TEST_F(PagesTest, PasswordChangeOrDisableEndsTheUsersSessionsOnly) {
  Browser curator = SignIn("curator");
  Browser admin = SignIn("admin");
  ASSERT_EQ(GetWithCookie("/api/v1/whoami", curator.cookie).json().value("user", ""), "curator");
  // As `custos user passwd` would, straight to the store (no in-process hook).
  ASSERT_TRUE(archive_->users().SetPassword("curator", "a-new-password-4567").ok());
  auto who = GetWithCookie("/api/v1/whoami", curator.cookie);
  EXPECT_EQ(who.json().value("user", ""), "") << who.body;
  EXPECT_EQ(GetWithCookie("/", curator.cookie).body.find("Sign out"), std::string::npos);
  // The stale session cannot post forms either, and a new sign-in works.
  auto post = PostForm("/artifacts/new", curator,
                       {{"csrf", curator.csrf}, {"title", "x"}, {"object_type", "vase"}});
  EXPECT_NE(post.status, 201);
  EXPECT_NE(post.status, 303);
  EXPECT_FALSE(Login("curator", "a-new-password-4567").empty());
  // Other users keep theirs.
  EXPECT_EQ(GetWithCookie("/api/v1/whoami", admin.cookie).json().value("user", ""), "admin");
  // Disabling ends a session too, also when done by another process.
  Browser investigator = SignIn("investigator");
  ASSERT_TRUE(archive_->users().SetDisabled("investigator", true).ok());
  EXPECT_EQ(GetWithCookie("/api/v1/whoami", investigator.cookie).json().value("user", ""), "");
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

TEST_F(PagesTest, FormPostsWithoutTheCsrfTokenChangeNothing) {
  std::string id = Create({{"title", "Stamnos"}, {"object_type", "stamnos"}});
  Browser cur = SignIn("curator");
  Browser admin = SignIn("admin");
  Browser bad_cur{cur.cookie, "0000"};
  Browser bad_admin{admin.cookie, ""};
  auto created = PostForm("/artifacts/new", bad_cur,
                          {{"csrf", bad_cur.csrf}, {"title", "Forged"}, {"object_type", "x"}});
  EXPECT_EQ(created.status, 403) << created.body;
  auto edited = PostForm("/artifacts/" + id + "/edit", bad_cur,
                         {{"csrf", bad_cur.csrf}, {"version", "1"}, {"title", "Forged"},
                          {"object_type", "x"}});
  EXPECT_EQ(edited.status, 403);
  auto custody = PostForm("/artifacts/" + id + "/custody", bad_cur,
                          {{"csrf", bad_cur.csrf}, {"event", "seizure"}, {"actor", "x"},
                           {"location", "y"}});
  EXPECT_EQ(custody.status, 403);
  auto upload = PostMultipart("/artifacts/" + id + "/documents", bad_cur,
                              {{"csrf", bad_cur.csrf}, {"kind", "invoice"}}, MakeTextPdf({"forged"}));
  EXPECT_EQ(upload.status, 403) << upload.body;
  auto user = PostForm("/admin/users", bad_admin, {{"name", "mallory"}, {"role", "admin"}});
  EXPECT_EQ(user.status, 403);
  // Nothing changed.
  EXPECT_EQ(As("admin").Get("/api/v1/artifacts/" + id).json().value("title", ""), "Stamnos");
  EXPECT_EQ(As("admin").Get("/api/v1/artifacts?per_page=100").json().value("total", 0), 1);
  EXPECT_EQ(As("admin").Get("/api/v1/artifacts/" + id + "/documents").json()["documents"].size(), 0u);
  EXPECT_EQ(As("admin").Get("/api/v1/artifacts/" + id + "/custody").json()["entries"].size(), 0u);
  EXPECT_FALSE(archive_->users().GetUser("mallory").ok());
  // The same forms with the token go through.
  EXPECT_EQ(PostForm("/artifacts/new", cur,
                     {{"csrf", cur.csrf}, {"title", "Real"}, {"object_type", "x"}}).status,
            303);
}

TEST_F(PagesTest, FormsNeedTheRightRole) {
  std::string id = Create({{"title", "Pyxis"}, {"object_type", "pyxis"}});
  EXPECT_EQ(As("anonymous").Get("/artifacts/new").status, 303);  // to the login form
  EXPECT_NE(As("anonymous").Get("/artifacts/new").header("Location").find("/login?next="),
            std::string::npos);
  Browser verifier = SignIn("verifier");
  EXPECT_EQ(GetWithCookie("/artifacts/new", verifier.cookie).status, 403);
  EXPECT_EQ(GetWithCookie("/artifacts/" + id + "/edit", verifier.cookie).status, 403);
  EXPECT_EQ(GetWithCookie("/admin/users", verifier.cookie).status, 403);
  auto page = GetWithCookie("/artifacts/" + id, verifier.cookie);
  EXPECT_EQ(page.body.find("upload-form"), std::string::npos);
  EXPECT_EQ(page.body.find("/edit\""), std::string::npos);
  Browser cur = SignIn("curator");
  EXPECT_EQ(GetWithCookie("/admin/users", cur.cookie).status, 403);
  auto cur_page = GetWithCookie("/artifacts/" + id, cur.cookie);
  EXPECT_NE(cur_page.body.find("id=\"upload-form\""), std::string::npos);
  EXPECT_NE(cur_page.body.find("href=\"/artifacts/" + id + "/edit\""), std::string::npos);
  EXPECT_NE(cur_page.body.find("href=\"/artifacts/new\""), std::string::npos);
}

TEST_F(PagesTest, InvalidRecordFormShowsMessagesNextToFieldsAndEscapesInput) {
  Browser cur = SignIn("curator");
  auto r = PostForm("/artifacts/new", cur,
                    {{"csrf", cur.csrf},
                     {"title", ""},
                     {"object_type", "<script>alert(1)</script>"},
                     {"country_of_origin", "QQ"},
                     {"date_earliest", "soon"},
                     {"identifiers", "no colon here"},
                     {"description", "\"><img src=x onerror=alert(2)>"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("id=\"title-error\">Title must not be empty."), std::string::npos);
  EXPECT_NE(r.body.find("id=\"country_of_origin-error\">Country of origin must be an ISO 3166-1"),
            std::string::npos);
  EXPECT_NE(r.body.find("id=\"date-error\">"), std::string::npos);
  EXPECT_NE(r.body.find("id=\"identifiers-error\">Line 1"), std::string::npos);
  EXPECT_NE(r.body.find("aria-invalid=\"true\" aria-describedby=\"title-error\""),
            std::string::npos);
  // The input comes back, escaped.
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""), std::string::npos);
  EXPECT_EQ(r.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(r.body.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</textarea>"),
            std::string::npos);
  EXPECT_EQ(As("admin").Get("/api/v1/artifacts").json().value("total", -1), 0);
}

TEST_F(PagesTest, StaleEditShowsConflictKeepsInputAndSavesNothing) {
  std::string id = Create({{"title", "Lekythos"}, {"object_type", "lekythos"},
                           {"description", "White ground."}});
  Browser cur = SignIn("curator");
  auto form = GetWithCookie("/artifacts/" + id + "/edit", cur.cookie);
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("name=\"version\" value=\"1\""), std::string::npos);
  // Someone else saves version 2.
  auto other = As("admin").Put("/api/v1/artifacts/" + id,
                               {{"title", "Lekythos, restored"}, {"object_type", "lekythos"}},
                               "\"1\"");
  ASSERT_EQ(other.status, 200) << other.body;
  auto r = PostForm("/artifacts/" + id + "/edit", cur,
                    {{"csrf", cur.csrf}, {"version", "1"}, {"title", "Lekythos <b>mine</b>"},
                     {"object_type", "lekythos"}, {"description", "My careful notes."}});
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("Someone else saved first"), std::string::npos);
  EXPECT_NE(r.body.find("admin saved version 2"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/artifacts/" + id + "\""), std::string::npos);
  EXPECT_NE(r.body.find("My careful notes.</textarea>"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"Lekythos &lt;b&gt;mine&lt;/b&gt;\""), std::string::npos);
  // The form now carries version 2: a second, deliberate save replaces it.
  EXPECT_NE(r.body.find("name=\"version\" value=\"2\""), std::string::npos);
  EXPECT_EQ(As("admin").Get("/api/v1/artifacts/" + id).json().value("title", ""),
            "Lekythos, restored");
  auto again = PostForm("/artifacts/" + id + "/edit", cur,
                        {{"csrf", cur.csrf}, {"version", "2"}, {"title", "Lekythos"},
                         {"object_type", "lekythos"}, {"description", "My careful notes."}});
  EXPECT_EQ(again.status, 303) << again.body;
  auto now = As("admin").Get("/api/v1/artifacts/" + id).json();
  EXPECT_EQ(now.value("version", 0), 3);
  EXPECT_EQ(now.value("description", ""), "My careful notes.");
}

TEST_F(PagesTest, EditByCuratorKeepsCaseDataTheyCannotSee) {
  std::string id = Create({{"title", "Kouros head"}, {"object_type", "head"},
                           {"restricted", {{"case_number", "R-2019/44"}}}});
  Browser cur = SignIn("curator");
  auto form = GetWithCookie("/artifacts/" + id + "/edit", cur.cookie);
  EXPECT_EQ(form.body.find("R-2019/44"), std::string::npos);
  auto r = PostForm("/artifacts/" + id + "/edit", cur,
                    {{"csrf", cur.csrf}, {"version", "1"}, {"title", "Kouros head, marble"},
                     {"object_type", "head"}, {"restricted", "{}"}});
  ASSERT_EQ(r.status, 303) << r.body;
  auto now = As("admin").Get("/api/v1/artifacts/" + id).json();
  EXPECT_EQ(now["restricted"].value("case_number", ""), "R-2019/44");
}

TEST_F(PagesTest, DocumentViewerMarksEscapedWordsAndHidesRestrictedDocuments) {
  std::string pub = Create({{"title", "Oinochoe"}, {"object_type", "oinochoe"}});
  std::string secret = Create({{"title", "Hidden krater"}, {"object_type", "krater"},
                               {"visibility", "restricted"}});
  auto up = Upload(pub, MakeTextPdf({"Lot 7 <b>zygomorphite</b> & co"}),
                   "inv.pdf", {{"kind", "invoice"}});
  ASSERT_EQ(up.status, 201) << up.body;
  std::string sha = up.json().value("sha256", "");
  ASSERT_EQ(WaitExtracted(sha), "done");
  auto page = As("anonymous").Get("/documents/" + sha + "?q=zygomorphite+%3Cb%3E");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("&lt;b&gt;<mark>zygomorphite</mark>&lt;/b&gt; &amp; co"),
            std::string::npos)
      << page.body;
  EXPECT_EQ(page.body.find("<b>zygomorphite"), std::string::npos);
  EXPECT_NE(page.body.find("value=\"zygomorphite &lt;b&gt;\""), std::string::npos);
  EXPECT_NE(page.body.find("/api/v1/documents/" + sha + "/preview?page=1&amp;size=page"),
            std::string::npos);
  EXPECT_NE(page.body.find("href=\"/artifacts/" + pub + "\""), std::string::npos);
  EXPECT_NE(page.body.find("fixity: not checked yet"), std::string::npos);

  // Restricted: the document itself, or one supporting only a hidden record.
  auto restricted = Upload(pub, MakeTextPdf({"Police report"}), "r.pdf",
                           {{"kind", "police_report"}, {"visibility", "restricted"}}, "admin");
  ASSERT_EQ(restricted.status, 201) << restricted.body;
  auto only_secret = Upload(secret, MakeTextPdf({"Court order"}), "c.pdf", {{"kind", "court_order"}},
                            "admin");
  ASSERT_EQ(only_secret.status, 201) << only_secret.body;
  for (const std::string& s : {restricted.json().value("sha256", ""),
                               only_secret.json().value("sha256", "")}) {
    for (const char* who : {"anonymous", "verifier", "curator"}) {
      auto r = As(who).Get("/documents/" + s);
      EXPECT_EQ(r.status, 404) << who;
      EXPECT_EQ(r.body.find("Police report"), std::string::npos);
      EXPECT_EQ(r.body.find("Hidden krater"), std::string::npos);
    }
    EXPECT_EQ(As("investigator").Get("/documents/" + s).status, 200);
  }
  // Unknown and malformed hashes look the same as hidden ones.
  EXPECT_EQ(As("anonymous").Get("/documents/" + std::string(64, 'a')).status, 404);
  EXPECT_EQ(As("anonymous").Get("/documents/not-a-hash").status, 404);
  // The artifact page does not list the restricted document to a curator.
  Browser cur = SignIn("curator");
  auto art = GetWithCookie("/artifacts/" + pub, cur.cookie);
  EXPECT_EQ(art.body.find(restricted.json().value("sha256", "")), std::string::npos);
  EXPECT_NE(art.body.find(sha), std::string::npos);
}

TEST_F(PagesTest, UploadAndCustodyFormsWork) {
  std::string id = Create({{"title", "Cylinder seal"}, {"object_type", "seal"}});
  Browser cur = SignIn("curator");
  auto up = PostMultipart("/artifacts/" + id + "/documents", cur,
                          {{"csrf", cur.csrf}, {"kind", "photo"}}, MakeTextPdf({"seal photo"}));
  ASSERT_EQ(up.status, 303) << up.body;
  EXPECT_NE(up.header("Location").find("/artifacts/" + id + "?uploaded="), std::string::npos);
  auto missing = PostForm("/artifacts/" + id + "/custody", cur,
                          {{"csrf", cur.csrf}, {"event", "seizure"}, {"actor", "Customs"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("id=\"c-location-error\""), std::string::npos);
  EXPECT_NE(missing.body.find("value=\"Customs\""), std::string::npos);
  auto bad_time = PostForm("/artifacts/" + id + "/custody", cur,
                           {{"csrf", cur.csrf}, {"event", "seizure"}, {"actor", "Customs"},
                            {"location", "Dover"}, {"time", "2024-02-30T10:00"}});
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_NE(bad_time.body.find("id=\"c-time-error\""), std::string::npos);
  auto ok = PostForm("/artifacts/" + id + "/custody", cur,
                     {{"csrf", cur.csrf}, {"event", "seizure"}, {"actor", "Customs <UK>"},
                      {"location", "Dover"}, {"time", "2024-02-03T10:00"}, {"notes", "Boxed."}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  auto entries = As("anonymous").Get("/api/v1/artifacts/" + id + "/custody").json()["entries"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["entry"].value("time", ""), "2024-02-03T10:00:00Z");
  EXPECT_EQ(entries[0]["entry"].value("actor", ""), "Customs <UK>");
  auto page = As("anonymous").Get("/artifacts/" + id);
  EXPECT_NE(page.body.find("Customs &lt;UK&gt;"), std::string::npos);
}

TEST_F(PagesTest, AdminAddsUserAndSeesTheTokenOnce) {
  Browser admin = SignIn("admin");
  auto bad = PostForm("/admin/users", admin,
                      {{"csrf", admin.csrf}, {"name", "Bad Name!"}, {"role", "curator"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("id=\"add-error\""), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"Bad Name!\""), std::string::npos);
  auto r = PostForm("/admin/users", admin,
                    {{"csrf", admin.csrf}, {"name", "registrar"}, {"role", "curator"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.body, m, std::regex(R"re(id="token-value" readonly value="(cus_[^"]+)")re")));
  HttpClient c(server_->port());
  c.set_token(m[1].str());
  EXPECT_EQ(c.Get("/api/v1/whoami").json().value("user", ""), "registrar");
  auto list = GetWithCookie("/admin/users", admin.cookie);
  EXPECT_NE(list.body.find("data-user=\"registrar\""), std::string::npos);
  EXPECT_EQ(list.body.find(m[1].str()), std::string::npos);
  auto dup = PostForm("/admin/users", admin,
                      {{"csrf", admin.csrf}, {"name", "registrar"}, {"role", "curator"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(PostForm("/admin/users/registrar/disable", admin, {{"csrf", admin.csrf}}).status, 200);
  EXPECT_EQ(c.Get("/api/v1/whoami").status, 401);
  EXPECT_EQ(PostForm("/admin/users/admin/disable", admin, {{"csrf", admin.csrf}}).status, 409);
}

TEST_F(PagesTest, ArtifactPageListsSimilarRecordsTheReaderMaySee) {
  // Unrelated records, so that the shared words carry weight.
  for (const char* t : {"Marble column capital", "Gold coin of Croesus", "Illuminated psalter",
                        "Terracotta oil lamp", "Silk tapestry with hunters", "Jade burial suit"}) {
    Create({{"title", t}, {"object_type", "other"}});
  }
  std::string a = Create({{"title", "Bronze statuette of Hermes"}, {"object_type", "statuette"},
                          {"materials", {"bronze"}}, {"culture", "Roman"}});
  std::string b = Create({{"title", "Bronze statuette of Hermes with caduceus"},
                          {"object_type", "statuette"}, {"materials", {"bronze"}},
                          {"culture", "Roman"}});
  Create({{"title", "Bronze statuette of Hermes seized qoppaxite"}, {"object_type", "statuette"},
          {"materials", {"bronze"}}, {"culture", "Roman"}, {"visibility", "restricted"}});
  Sync();
  auto anon = As("anonymous").Get("/artifacts/" + a);
  ASSERT_EQ(anon.status, 200);
  EXPECT_NE(anon.body.find("id=\"h-similar\""), std::string::npos);
  EXPECT_NE(anon.body.find("href=\"/artifacts/" + b + "\""), std::string::npos);
  EXPECT_EQ(anon.body.find("qoppaxite"), std::string::npos);
  EXPECT_NE(As("investigator").Get("/artifacts/" + a).body.find("qoppaxite"), std::string::npos)
      << As("investigator").Get("/api/v1/artifacts/" + a + "/similar").body;
}

}  // namespace
}  // namespace custos::testing
