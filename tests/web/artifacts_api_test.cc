// The artifact API through a real server: CRUD per role, versions, errors,
// restricted records.
#include <thread>

#include "server_fixture.h"

namespace custos::testing {
namespace {

using nlohmann::json;

json Record(const std::string& title = "Bronze figurine of a horse") {
  return {{"title", title},
          {"object_type", "figurine"},
          {"materials", {"bronze"}},
          {"country_of_origin", "IR"},
          {"date", {{"display", "c. 800 BCE"}, {"earliest", -850}, {"latest", -750}}}};
}

class ArtifactsApiTest : public ServerTest {};

TEST_F(ArtifactsApiTest, FullCrudCycleAsCurator) {
  auto c = As("curator");
  auto created = c.Post("/api/v1/artifacts", Record());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"];
  EXPECT_EQ(created.header("Location"), "/api/v1/artifacts/" + id);
  EXPECT_EQ(created.header("ETag"), "\"1\"");

  auto got = c.Get("/api/v1/artifacts/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["title"], "Bronze figurine of a horse");
  EXPECT_EQ(got.json()["date"]["earliest"], -850);

  json edit = got.json();
  edit["title"] = "Bronze horse";
  auto put = c.Put("/api/v1/artifacts/" + id, edit, got.header("ETag"));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.header("ETag"), "\"2\"");
  EXPECT_EQ(put.json()["version"], 2);

  auto hist = c.Get("/api/v1/artifacts/" + id + "/history");
  ASSERT_EQ(hist.status, 200);
  ASSERT_EQ(hist.json()["revisions"].size(), 2u);
  EXPECT_EQ(hist.json()["revisions"][0]["record"]["title"], "Bronze figurine of a horse");
  EXPECT_EQ(hist.json()["revisions"][1]["actor"], "curator");

  auto list = c.Get("/api/v1/artifacts?page=1&per_page=10");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 1);

  auto del = c.Request("DELETE", "/api/v1/artifacts/" + id);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(c.Get("/api/v1/artifacts/" + id).status, 404);
  EXPECT_EQ(c.Get("/api/v1/artifacts").json()["total"], 0);
  // The history of a deleted record stays for staff, not for the public.
  auto gone = c.Get("/api/v1/artifacts/" + id + "/history");
  ASSERT_EQ(gone.status, 200);
  EXPECT_EQ(gone.json()["deleted"], true);
  EXPECT_EQ(gone.json()["revisions"].size(), 3u);
  EXPECT_EQ(As("anonymous").Get("/api/v1/artifacts/" + id + "/history").status, 404);
}

TEST_F(ArtifactsApiTest, WritesNeedCuratorOrAdmin) {
  struct Case {
    const char* who;
    int create;
  };
  for (auto [who, want] : {Case{"admin", 201}, Case{"curator", 201}, Case{"investigator", 403},
                           Case{"verifier", 403}, Case{"anonymous", 401}}) {
    auto c = As(who);
    EXPECT_EQ(c.Post("/api/v1/artifacts", Record()).status, want) << who;
  }
  auto made = As("curator").Post("/api/v1/artifacts", Record());
  std::string id = made.json()["id"];
  for (auto [who, want] : {Case{"investigator", 403}, Case{"verifier", 403},
                           Case{"anonymous", 401}}) {
    auto c = As(who);
    EXPECT_EQ(c.Put("/api/v1/artifacts/" + id, Record("x"), "\"1\"").status, want) << who;
    EXPECT_EQ(c.Request("DELETE", "/api/v1/artifacts/" + id).status, want) << who;
    EXPECT_EQ(c.Get("/api/v1/artifacts/" + id).status, 200) << who;
  }
  auto u = As("admin").Put("/api/v1/artifacts/" + id, Record("by admin"), "\"1\"");
  EXPECT_EQ(u.status, 200);
}

TEST_F(ArtifactsApiTest, PutWithoutIfMatchIs428AndStaleIs412) {
  auto c = As("curator");
  std::string id = c.Post("/api/v1/artifacts", Record()).json()["id"];
  auto no_version = c.Request("PUT", "/api/v1/artifacts/" + id, Record("x").dump());
  EXPECT_EQ(no_version.status, 428);
  EXPECT_EQ(no_version.json()["error"]["code"], "precondition_required");
  ASSERT_EQ(c.Put("/api/v1/artifacts/" + id, Record("v2"), "\"1\"").status, 200);
  auto stale = c.Put("/api/v1/artifacts/" + id, Record("v3"), "\"1\"");
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(c.Get("/api/v1/artifacts/" + id).json()["title"], "v2");
  EXPECT_EQ(c.Put("/api/v1/artifacts/" + id, Record("v3"), "banana").status, 400);
  EXPECT_EQ(c.Put("/api/v1/artifacts/" + id, Record("v3"), "2").status, 200);  // bare accepted
}

TEST_F(ArtifactsApiTest, TwoConcurrentPutsOnOneVersionOneWins) {
  std::string id = As("curator").Post("/api/v1/artifacts", Record()).json()["id"];
  for (int round = 0; round < 5; ++round) {
    std::string etag = "\"" + std::to_string(round + 1) + "\"";
    int statuses[2] = {0, 0};
    std::thread t1([&] {
      statuses[0] = As("curator").Put("/api/v1/artifacts/" + id, Record("a"), etag).status;
    });
    std::thread t2([&] {
      statuses[1] = As("admin").Put("/api/v1/artifacts/" + id, Record("b"), etag).status;
    });
    t1.join();
    t2.join();
    std::multiset<int> got(statuses, statuses + 2);
    EXPECT_EQ(got, (std::multiset<int>{200, 412})) << "round " << round;
  }
  EXPECT_EQ(As("curator").Get("/api/v1/artifacts/" + id).json()["version"], 6);
}

TEST_F(ArtifactsApiTest, BadInputGetsClearErrorsAndChangesNothing) {
  auto c = As("curator");
  struct Case {
    const char* name;
    std::string body;
    std::string content_type;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {"malformed JSON", "{\"title\": ", "application/json", 400, ""},
      {"not an object", "[1,2]", "application/json", 400, ""},
      {"wrong type", R"({"title": 5, "object_type": "x"})", "application/json", 400, "title"},
      {"unknown field", R"({"title": "t", "object_type": "x", "owner": "me"})",
       "application/json", 400, "owner"},
      {"missing title", R"({"object_type": "x"})", "application/json", 400, "title"},
      {"bad date order", R"({"title":"t","object_type":"x","date":{"earliest":5,"latest":1}})",
       "application/json", 400, "date.earliest"},
      {"wrong content type", R"({"title": "t", "object_type": "x"})", "text/plain", 415, ""},
      {"oversized", "{\"title\": \"" + std::string(70 * 1024, 'a') + "\", \"object_type\":\"x\"}",
       "application/json", 413, ""},
  };
  for (const Case& k : cases) {
    auto r = c.Request("POST", "/api/v1/artifacts", k.body, {}, k.content_type);
    EXPECT_EQ(r.status, k.status) << k.name << ": " << r.body;
    json err = r.json();
    ASSERT_TRUE(err.contains("error")) << k.name;
    EXPECT_TRUE(err["error"]["message"].is_string()) << k.name;
    if (k.field[0] != '\0') {
      EXPECT_EQ(err["error"]["field"], k.field) << k.name;
    }
  }
  EXPECT_EQ(c.Get("/api/v1/artifacts").json()["total"], 0);
  EXPECT_EQ(*archive_->records().LastChangeSeq(), 0);
}

TEST_F(ArtifactsApiTest, BadTokenAndDisabledUserGet401) {
  auto bad = As("anonymous");
  bad.set_token("cus_not-a-real-token");
  auto r = bad.Get("/api/v1/artifacts");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer realm=\"custos\"");
  auto basic = As("anonymous").Request("GET", "/api/v1/artifacts", "",
                                       {{"Authorization", "Basic YWJjOmRlZg=="}});
  EXPECT_EQ(basic.status, 401);

  ASSERT_EQ(As("curator").Post("/api/v1/artifacts", Record()).status, 201);
  ASSERT_EQ(As("admin").Request("POST", "/api/v1/users/curator/disable").status, 200);
  EXPECT_EQ(As("curator").Post("/api/v1/artifacts", Record()).status, 401);
  EXPECT_EQ(As("curator").Get("/api/v1/artifacts").status, 401);
}

TEST_F(ArtifactsApiTest, RestrictedRecordIsInvisibleBelowInvestigator) {
  json rec = Record("Seized cylinder seal");
  rec["visibility"] = "restricted";
  rec["restricted"] = {{"case_number", "HSI-2019-0042"}};
  auto made = As("admin").Post("/api/v1/artifacts", rec);
  ASSERT_EQ(made.status, 201) << made.body;
  std::string id = made.json()["id"];
  ASSERT_EQ(As("curator").Post("/api/v1/artifacts", Record("Public jar")).status, 201);

  for (const char* who : {"anonymous", "verifier", "curator"}) {
    auto c = As(who);
    auto r = c.Get("/api/v1/artifacts/" + id);
    EXPECT_EQ(r.status, 404) << who;
    EXPECT_EQ(r.json()["error"]["message"], "no artifact " + id) << who;
    EXPECT_EQ(r.body.find("HSI-2019"), std::string::npos) << who;
    auto list = c.Get("/api/v1/artifacts");
    EXPECT_EQ(list.json()["total"], 1) << who;
    EXPECT_EQ(list.body.find("Seized"), std::string::npos) << who;
    EXPECT_EQ(c.Get("/api/v1/artifacts/" + id + "/history").status, 404) << who;
  }
  for (const char* who : {"investigator", "admin"}) {
    auto c = As(who);
    auto r = c.Get("/api/v1/artifacts/" + id);
    ASSERT_EQ(r.status, 200) << who;
    EXPECT_EQ(r.json()["restricted"]["case_number"], "HSI-2019-0042");
    EXPECT_EQ(c.Get("/api/v1/artifacts").json()["total"], 2) << who;
  }
  // The investigator's reads are in the audit log.
  auto audit = archive_->records().RecentAudit(50);
  int reads = 0;
  for (const auto& e : *audit) {
    if (e.action == "artifact.read_restricted" && e.actor == "investigator" && e.target == id)
      ++reads;
  }
  EXPECT_EQ(reads, 1);
}

TEST_F(ArtifactsApiTest, CaseDataIsStrippedForCuratorsAndKeptOnTheirEdits) {
  json rec = Record();
  rec["restricted"] = {{"informant", "confidential"}};
  auto made = As("investigator").Post("/api/v1/artifacts", rec);
  ASSERT_EQ(made.status, 403);  // investigators read, they do not write records
  made = As("admin").Post("/api/v1/artifacts", rec);
  ASSERT_EQ(made.status, 201);
  std::string id = made.json()["id"];

  auto cur = As("curator");
  auto got = cur.Get("/api/v1/artifacts/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(got.json().contains("restricted"));
  EXPECT_EQ(got.body.find("confidential"), std::string::npos);
  EXPECT_EQ(cur.Get("/api/v1/artifacts/" + id + "/history").body.find("confidential"),
            std::string::npos);

  json edit = got.json();
  edit["title"] = "Edited by a curator";
  ASSERT_EQ(cur.Put("/api/v1/artifacts/" + id, edit, "\"1\"").status, 200);
  auto full = As("investigator").Get("/api/v1/artifacts/" + id);
  EXPECT_EQ(full.json()["restricted"]["informant"], "confidential");
  EXPECT_EQ(full.json()["title"], "Edited by a curator");

  // A curator cannot write case data.
  edit = got.json();
  edit["restricted"] = {{"informant", "overwritten"}};
  EXPECT_EQ(cur.Put("/api/v1/artifacts/" + id, edit, "\"2\"").status, 403);
}

TEST_F(ArtifactsApiTest, UnknownIdsRoutesAndMethods) {
  auto c = As("curator");
  EXPECT_EQ(c.Get("/api/v1/artifacts/nope").status, 404);
  EXPECT_EQ(c.Put("/api/v1/artifacts/nope", Record(), "\"1\"").status, 404);
  EXPECT_EQ(c.Get("/api/v1/nothing").status, 404);
  auto r = c.Request("PATCH", "/api/v1/artifacts");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.header("Allow").find("POST"), std::string::npos);
  EXPECT_EQ(c.Get("/api/v1/artifacts?per_page=1000").status, 400);
  EXPECT_EQ(c.Get("/api/v1/artifacts?page=abc").status, 400);
  auto health = As("anonymous").Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
}

TEST_F(ArtifactsApiTest, AdminManagesUsersOthersCannot) {
  auto a = As("admin");
  auto add = a.Post("/api/v1/users", {{"name", "ministry-gr"}, {"role", "verifier"}});
  ASSERT_EQ(add.status, 201) << add.body;
  std::string token = add.json()["token"];
  HttpClient v(server_->port());
  v.set_token(token);
  auto who = v.Get("/api/v1/whoami");
  EXPECT_EQ(who.json()["role"], "verifier");
  EXPECT_EQ(a.Post("/api/v1/users", {{"name", "ministry-gr"}, {"role", "verifier"}}).status, 409);
  EXPECT_EQ(a.Post("/api/v1/users", {{"name", "x"}, {"role", "god"}}).status, 400);
  EXPECT_EQ(As("curator").Get("/api/v1/users").status, 403);
  EXPECT_EQ(As("anonymous").Get("/api/v1/users").status, 401);
  auto list = a.Get("/api/v1/users");
  EXPECT_EQ(list.json()["users"].size(), 5u);
  EXPECT_EQ(list.body.find("cus_"), std::string::npos);  // tokens never listed
}

}  // namespace
}  // namespace custos::testing
