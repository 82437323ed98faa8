// The party API through a real server: registry, network, paths, hubs,
// curator merge/split/alias/undo, and access to restricted records.
#include <chrono>
#include <thread>

#include "server_fixture.h"

namespace custos::testing {
namespace {

using nlohmann::json;

class PartiesApiTest : public ServerTest {
 protected:
  std::string Create(const std::string& title, const std::string& provenance,
                     bool restricted = false) {
    json body = {{"title", title},
                 {"object_type", "vase"},
                 {"country_of_origin", "EG"},
                 {"provenance_text", provenance}};
    if (restricted) body["visibility"] = "restricted";
    auto r = As("curator").Post("/api/v1/artifacts", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }

  // The id of the one party `who` finds under exactly this name (-1: none).
  int64_t Find(const std::string& name, const std::string& who = "investigator") {
    auto r = As(who).Get("/api/v1/parties?q=" + Encode(name));
    EXPECT_EQ(r.status, 200) << r.body;
    const json body = r.json();
    for (const auto& p : body["results"]) {
      if (p["name"] == name) return p["id"].get<int64_t>();
    }
    return -1;
  }

  static std::string Encode(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == ' ') {
        out += "%20";
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  // The total of /api/v1/search?q=`q` for `who` once the index has followed
  // the writes (it does so in the background): polls until `want` or gives up.
  int64_t SearchTotal(const std::string& who, const std::string& q, int64_t want) {
    int64_t total = -1;
    for (int i = 0; i < 100; ++i) {
      auto r = As(who).Get("/api/v1/search?q=" + q);
      EXPECT_EQ(r.status, 200) << r.body;
      total = r.json().value("total", int64_t{-1});
      if (total == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return total;
  }

  std::vector<std::string> PathNames(const json& path) {
    std::vector<std::string> out;
    for (const auto& p : path["parties"]) out.push_back(p["name"]);
    return out;
  }
};

TEST_F(PartiesApiTest, NetworkAndPathThroughThreeIntermediaries) {
  std::string c1 = Create("Relief", "Tomb Raider, Luxor; sold to Hassan Ali, Cairo, 1968.");
  std::string c2 = Create("Stela", "Hassan Ali, Cairo; sold to Galerie Mars, Geneva, 1970.");
  std::string c3 = Create("Head", "Galerie Mars, Geneva; sold to Peter Berg, Zurich, 1972.");
  std::string c4 = Create("Vase", "Peter Berg, Zurich; sold to Museum of Fine Things, 1980.");
  int64_t from = Find("Tomb Raider"), to = Find("Museum of Fine Things");
  ASSERT_GT(from, 0);
  ASSERT_GT(to, 0);
  auto path = As("anonymous").Get("/api/v1/parties/path?from=" + std::to_string(from) +
                                  "&to=" + std::to_string(to));
  ASSERT_EQ(path.status, 200) << path.body;
  EXPECT_EQ(path.json()["hops"], 4);
  ASSERT_EQ(path.json()["paths"].size(), 1u);
  const json p = path.json()["paths"][0];
  EXPECT_EQ(PathNames(p), (std::vector<std::string>{"Tomb Raider", "Hassan Ali", "Galerie Mars",
                                                    "Peter Berg", "Museum of Fine Things"}));
  ASSERT_EQ(p["hops"].size(), 4u);
  EXPECT_EQ(p["hops"][0]["artifacts"], json::array({c1}));
  EXPECT_EQ(p["hops"][3]["artifacts"], json::array({c4}));

  int64_t mars = Find("Galerie Mars");
  auto net = As("anonymous").Get("/api/v1/parties/" + std::to_string(mars) + "/network?depth=2");
  ASSERT_EQ(net.status, 200) << net.body;
  EXPECT_EQ(net.json()["center"], mars);
  EXPECT_EQ(net.json()["nodes"].size(), 5u);
  EXPECT_EQ(net.json()["edges"].size(), 4u);
  auto net1 = As("anonymous").Get("/api/v1/parties/" + std::to_string(mars) + "/network");
  ASSERT_EQ(net1.status, 200);
  EXPECT_EQ(net1.json()["nodes"].size(), 3u);
  const json net1_body = net1.json();
  for (const auto& e : net1_body["edges"]) {
    if (e["from"] == mars) {
      EXPECT_EQ(e["artifacts"], json::array({c3}));
    }
    if (e["to"] == mars) {
      EXPECT_EQ(e["artifacts"], json::array({c2}));
    }
  }

  auto detail = As("anonymous").Get("/api/v1/parties/" + std::to_string(mars));
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.json()["artifacts"].size(), 2u);
  EXPECT_EQ(detail.json()["kind"], "organisation");

  // Bad input: 400 / 404, never 500.
  EXPECT_EQ(As("anonymous").Get("/api/v1/parties/path?from=x&to=1").status, 400);
  EXPECT_EQ(As("anonymous").Get("/api/v1/parties/path?from=1").status, 400);
  EXPECT_EQ(As("anonymous").Get("/api/v1/parties/999999").status, 404);
  EXPECT_EQ(As("anonymous").Get("/api/v1/parties/abc").status, 404);
  EXPECT_EQ(As("anonymous").Get("/api/v1/parties/" + std::to_string(mars) + "/network?depth=9")
                .status,
            400);
}

TEST_F(PartiesApiTest, MergeUndoAndReparseAfterMerge) {
  std::string a1 = Create("Jar", "J. Smith, London; sold to Galerie Mars, 1960.");
  Create("Bowl", "John Smith, London; sold to Anna Weiss, 1961.");
  int64_t j = Find("J. Smith"), john = Find("John Smith");
  ASSERT_GT(j, 0);
  ASSERT_GT(john, 0);
  auto d = As("curator").Get("/api/v1/parties/" + std::to_string(john));
  ASSERT_EQ(d.status, 200);
  ASSERT_EQ(d.json()["proposed_matches"].size(), 1u);
  EXPECT_EQ(d.json()["proposed_matches"][0]["id"], j);

  std::string merge_url = "/api/v1/parties/" + std::to_string(john) + "/merge";
  // Only curators and admins; bad bodies change nothing.
  EXPECT_EQ(As("anonymous").Post(merge_url, {{"from", j}}).status, 401);
  EXPECT_EQ(As("investigator").Post(merge_url, {{"from", j}}).status, 403);
  EXPECT_EQ(As("curator").Post(merge_url, json::object()).status, 400);
  EXPECT_EQ(As("curator").Post(merge_url, {{"from", "x"}}).status, 400);
  EXPECT_EQ(As("curator").Post(merge_url, {{"from", j}, {"extra", 1}}).status, 400);
  EXPECT_EQ(As("curator").Post(merge_url, {{"from", john}}).status, 400);
  EXPECT_EQ(As("curator").Post(merge_url, {{"from", 987654}}).status, 404);
  EXPECT_NE(Find("J. Smith"), -1) << "nothing changed";

  auto merged = As("curator").Post(merge_url, {{"from", j}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  int64_t rev = merged.json()["revision"];
  EXPECT_EQ(merged.json()["party"]["artifacts"].size(), 2u);
  auto search = As("anonymous").Get("/api/v1/parties?q=smith");
  ASSERT_EQ(search.json()["results"].size(), 1u);
  // The old id answers with the party it went into.
  auto old = As("anonymous").Get("/api/v1/parties/" + std::to_string(j));
  ASSERT_EQ(old.status, 200);
  EXPECT_EQ(old.json()["id"], john);

  // Re-parse after the merge: editing the record keeps it merged.
  auto c = As("curator");
  auto got = c.Get("/api/v1/artifacts/" + a1);
  json edit = got.json();
  edit["provenance_text"] = "J. Smith, London, 1950; sold to Galerie Mars, 1962.";
  edit.erase("provenance");
  auto put = c.Put("/api/v1/artifacts/" + a1, edit, got.header("ETag"));
  ASSERT_EQ(put.status, 200) << put.body;
  search = As("anonymous").Get("/api/v1/parties?q=smith");
  ASSERT_EQ(search.json()["results"].size(), 1u);
  EXPECT_EQ(search.json()["results"][0]["artifacts"], 2);

  auto undo = As("curator").Post("/api/v1/parties/revisions/" + std::to_string(rev) + "/undo",
                                 json::object());
  ASSERT_EQ(undo.status, 200) << undo.body;
  EXPECT_EQ(As("anonymous").Get("/api/v1/parties?q=smith").json()["results"].size(), 2u);
  EXPECT_EQ(As("curator")
                .Post("/api/v1/parties/revisions/" + std::to_string(rev) + "/undo",
                      json::object())
                .status,
            409);
  EXPECT_EQ(As("curator").Post("/api/v1/parties/revisions/424242/undo", json::object()).status,
            404);
}

TEST_F(PartiesApiTest, AliasAndSplit) {
  Create("Cup", "Galerie Mars, Geneva; sold to John Smith, 1960.");
  Create("Plate", "Mars Gallery, Geneva; sold to Anna Weiss, 1961.");
  int64_t mars = Find("Galerie Mars"), gallery = Find("Mars Gallery");
  auto alias = As("curator").Post("/api/v1/parties/" + std::to_string(mars) + "/aliases",
                                  {{"name", "Mars Fine Art S.A."}});
  ASSERT_EQ(alias.status, 201) << alias.body;
  EXPECT_EQ(Find("Galerie Mars"), mars);
  auto found = As("anonymous").Get("/api/v1/parties?q=mars%20fine%20art");
  ASSERT_EQ(found.json()["results"].size(), 1u);
  EXPECT_EQ(found.json()["results"][0]["id"], mars);
  EXPECT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(mars) + "/aliases",
                      {{"name", "Mars Gallery"}})
                .status,
            409);
  EXPECT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(mars) + "/aliases", {{"name", 3}})
                .status,
            400);

  auto merged = As("curator").Post("/api/v1/parties/" + std::to_string(mars) + "/merge",
                                   {{"from", gallery}});
  ASSERT_EQ(merged.status, 200);
  auto split = As("curator").Post("/api/v1/parties/" + std::to_string(mars) + "/split",
                                  {{"names", {"Mars Gallery"}}});
  ASSERT_EQ(split.status, 201) << split.body;
  EXPECT_EQ(split.json()["new_party"]["name"], "Mars Gallery");
  EXPECT_EQ(split.json()["new_party"]["artifacts"].size(), 1u);
  EXPECT_EQ(split.json()["party"]["artifacts"].size(), 1u);
  EXPECT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(mars) + "/split",
                      {{"names", {"Nobody"}}})
                .status,
            400);
  EXPECT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(mars) + "/split", {{"names", "x"}})
                .status,
            400);
}

TEST_F(PartiesApiTest, RestrictedPartiesAndEdgesDoNotLeak) {
  std::string pub = Create("Public vase", "Anna Weiss, Vienna; sold to Galerie Mars, 1960.");
  Create("Case vase", "Galerie Mars, Geneva; sold to Secret Buyer, 1990.", /*restricted=*/true);
  Create("Case jar", "Anna Weiss, Vienna; sold to Galerie Mars, 1961.", /*restricted=*/true);
  int64_t secret = Find("Secret Buyer", "investigator");
  ASSERT_GT(secret, 0);
  int64_t mars = Find("Galerie Mars", "anonymous");
  ASSERT_GT(mars, 0);
  int64_t weiss = Find("Anna Weiss", "anonymous");

  for (const char* who : {"anonymous", "verifier", "curator"}) {
    SCOPED_TRACE(who);
    auto c = As(who);
    EXPECT_EQ(Find("Secret Buyer", who), -1);
    EXPECT_EQ(c.Get("/api/v1/parties/" + std::to_string(secret)).status, 404);
    EXPECT_EQ(c.Get("/api/v1/parties/" + std::to_string(secret) + "/network").status, 404);
    EXPECT_EQ(c.Get("/api/v1/parties/path?from=" + std::to_string(mars) +
                    "&to=" + std::to_string(secret))
                  .status,
              404);
    auto d = c.Get("/api/v1/parties/" + std::to_string(mars));
    ASSERT_EQ(d.status, 200);
    EXPECT_EQ(d.json()["artifacts"].size(), 1u);
    EXPECT_EQ(d.json()["artifacts"][0]["id"], pub);
    auto net = c.Get("/api/v1/parties/" + std::to_string(mars) + "/network?depth=3");
    ASSERT_EQ(net.status, 200);
    EXPECT_EQ(net.json()["nodes"].size(), 2u);
    ASSERT_EQ(net.json()["edges"].size(), 1u);
    EXPECT_EQ(net.json()["edges"][0]["transfers"], 1);
    EXPECT_EQ(net.json()["edges"][0]["artifacts"], json::array({pub}));
    EXPECT_EQ(net.json().dump().find("Secret"), std::string::npos);
    auto all = c.Get("/api/v1/parties?limit=500");
    EXPECT_EQ(all.json().dump().find("Secret"), std::string::npos);
    auto hubs = c.Get("/api/v1/parties/hubs");
    ASSERT_EQ(hubs.status, 200);
    EXPECT_EQ(hubs.json().dump().find("Secret"), std::string::npos);
  }
  // A curator cannot act on a party it cannot see.
  EXPECT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(mars) + "/merge", {{"from", secret}})
                .status,
            404);
  auto inv = As("investigator");
  auto d = inv.Get("/api/v1/parties/" + std::to_string(mars));
  EXPECT_EQ(d.json()["artifacts"].size(), 3u);
  auto net = inv.Get("/api/v1/parties/" + std::to_string(mars) + "/network");
  EXPECT_EQ(net.json()["nodes"].size(), 3u);
  const json net_body = net.json();
  for (const auto& e : net_body["edges"]) {
    if (e["from"] == weiss) {
      EXPECT_EQ(e["transfers"], 2);
    }
  }
}

TEST_F(PartiesApiTest, HubsRankByFlaggedArtifacts) {
  // Undated periods and gaps give gap findings; a fully dated direct chain
  // may have none. Whatever the rules flag, the ranking must follow the
  // flagged counts the detail reports.
  Create("A", "Kunsthandel Ost; Anna Weiss.");
  Create("B", "Kunsthandel Ost; Paul Roux.");
  Create("C", "Galerie Mars, Geneva, 1950; sold to Ines Vidal, Paris, 1951.");
  auto hubs = As("anonymous").Get("/api/v1/parties/hubs");
  ASSERT_EQ(hubs.status, 200) << hubs.body;
  int64_t previous = INT64_MAX;
  const json hubs_body = hubs.json();
  for (const auto& h : hubs_body["results"]) {
    int64_t flagged = h["flagged_artifacts"];
    EXPECT_GT(flagged, 0);
    EXPECT_LE(flagged, previous);
    previous = flagged;
    auto d = As("anonymous").Get("/api/v1/parties/" + std::to_string(h["id"].get<int64_t>()));
    int64_t with_flags = 0;
    const json d_body = d.json();
    for (const auto& a : d_body["artifacts"]) with_flags += a["flags"].empty() ? 0 : 1;
    EXPECT_EQ(with_flags, flagged);
  }
  ASSERT_FALSE(hubs.json()["results"].empty()) << "undated provenance is flagged";
  EXPECT_EQ(hubs.json()["results"][0]["name"], "Kunsthandel Ost");
}

TEST_F(PartiesApiTest, PartyPageDrawsTheNetworkAndArtifactPagesLinkNames) {
  std::string a = Create("Relief", "Hassan Ali, Cairo; sold to Galerie Mars, Geneva, 1970.");
  Create("Head", "Galerie Mars, Geneva; sold to Peter <b>Berg</b>, Zurich, 1972.");
  int64_t mars = Find("Galerie Mars");
  auto page = As("anonymous").Get("/parties/" + std::to_string(mars));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("<svg class=\"party-network\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  // Three parties drawn, two transfers; names are escaped.
  size_t circles = 0;
  for (size_t at = page.body.find("<circle"); at != std::string::npos;
       at = page.body.find("<circle", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 3u);
  EXPECT_EQ(page.body.find("<b>Berg"), std::string::npos);
  EXPECT_NE(page.body.find("/artifacts/" + a), std::string::npos);
  EXPECT_EQ(As("anonymous").Get("/parties/99999").status, 404);

  // The artifact page links the name to the party.
  auto art = As("anonymous").Get("/artifacts/" + a);
  ASSERT_EQ(art.status, 200);
  std::string href = "/parties/by-name?name=Galerie%20Mars&amp;artifact=" + a;
  EXPECT_NE(art.body.find(href), std::string::npos) << "link to the party page";
  auto go = As("anonymous").Get("/parties/by-name?name=Galerie%20Mars&artifact=" + a);
  EXPECT_EQ(go.status, 303);
  EXPECT_EQ(go.header("Location"), "/parties/" + std::to_string(mars));
  EXPECT_EQ(As("anonymous").Get("/parties/by-name?name=Nobody").status, 404);
}

TEST_F(PartiesApiTest, SearchHasAPartyFacetWithoutRestrictedParties) {
  std::string a = Create("Relief", "Galerie Mars S.A., Geneva; sold to Hassan Ali, 1970.");
  Create("Stela", "Galerie Mars, Geneva; sold to Secret Buyer, 1990.", /*restricted=*/true);
  // The index follows the change feed in the background: wait for it.
  json facets;
  for (int i = 0; i < 100; ++i) {
    auto r = As("investigator").Get("/api/v1/search?q=&party=galerie%20mars");
    ASSERT_EQ(r.status, 200) << r.body;
    if (r.json()["total"] == 2) {
      facets = r.json()["facets"]["party"];
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(facets["galerie mars"], 2) << facets.dump();
  EXPECT_EQ(facets["secret buyer"], 1);
  auto pub = As("anonymous").Get("/api/v1/search?q=&party=galerie%20mars");
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.json()["total"], 1);
  EXPECT_EQ(pub.json()["results"][0]["id"], a);
  EXPECT_EQ(pub.json()["facets"]["party"].count("secret buyer"), 0u) << pub.body;
  EXPECT_EQ(pub.json()["facets"]["party"]["hassan ali"], 1);
}

TEST_F(PartiesApiTest, SearchingACuratorAliasFindsThePartysArtifacts) {
  std::string pub = Create("Kylix", "Galerie Mars, Geneva; sold to Hassan Ali, 1970.");
  Create("Krater", "Galerie Mars, Geneva; sold to Peter Berg, 1990.", /*restricted=*/true);
  Create("Lamp", "Anna Weiss, Vienna; sold to Paul Roux, 1950.");
  int64_t mars = Find("Galerie Mars");
  ASSERT_GT(mars, 0);
  EXPECT_EQ(SearchTotal("anonymous", "vesperini", 0), 0);

  auto alias = As("curator").Post("/api/v1/parties/" + std::to_string(mars) + "/aliases",
                                  {{"name", "Vesperini Fine Art"}});
  ASSERT_EQ(alias.status, 201) << alias.body;
  // Anonymous callers find the public record, investigators both.
  ASSERT_EQ(SearchTotal("anonymous", "vesperini", 1), 1);
  auto found = As("anonymous").Get("/api/v1/search?q=vesperini");
  EXPECT_EQ(found.json()["results"][0]["id"], pub);
  EXPECT_EQ(SearchTotal("investigator", "vesperini", 2), 2);
  EXPECT_EQ(SearchTotal("investigator", "provenance:vesperini", 2), 2);

  // Undo takes the name away again.
  int64_t rev = alias.json()["revision"];
  auto undo = As("curator").Post("/api/v1/parties/revisions/" + std::to_string(rev) + "/undo",
                                 json::object());
  ASSERT_EQ(undo.status, 200) << undo.body;
  EXPECT_EQ(SearchTotal("investigator", "vesperini", 0), 0);
}

TEST_F(PartiesApiTest, AMergeIndexesTheOtherSpellingsButNotRestrictedOnes) {
  std::string j = Create("Jar", "J. Smith, London; sold to Galerie Mars, 1960.");
  std::string john = Create("Bowl", "Johnathan Smith, London; sold to Anna Weiss, 1961.");
  Create("Cup", "Smithy Dealer Ltd, Beirut; sold to Anna Weiss, 1962.", /*restricted=*/true);
  int64_t pj = Find("J. Smith"), pjohn = Find("Johnathan Smith"), secret = Find("Smithy Dealer Ltd");
  ASSERT_GT(pj, 0);
  ASSERT_GT(secret, 0);
  ASSERT_EQ(SearchTotal("anonymous", "johnathan", 1), 1);
  ASSERT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(pjohn) + "/merge", {{"from", pj}})
                .status,
            200);
  // An admin may merge in the party known only from the restricted record.
  ASSERT_EQ(As("admin")
                .Post("/api/v1/parties/" + std::to_string(pjohn) + "/merge", {{"from", secret}})
                .status,
            200);
  // "Johnathan" now finds the J. Smith record too.
  EXPECT_EQ(SearchTotal("anonymous", "johnathan", 2), 2);
  // Once both public records are indexed after the second merge (an alias
  // added after it re-indexes them), the spelling known only from the
  // restricted record ("smithy") still leads nobody to them.
  ASSERT_EQ(As("curator")
                .Post("/api/v1/parties/" + std::to_string(pjohn) + "/aliases",
                      {{"name", "Zzyzx Marker"}})
                .status,
            201);
  ASSERT_EQ(SearchTotal("anonymous", "zzyzx", 2), 2);
  EXPECT_EQ(SearchTotal("anonymous", "smithy", 0), 0);
  auto inv = As("investigator").Get("/api/v1/search?q=smithy");
  ASSERT_EQ(inv.json()["total"], 1) << "only the restricted record says it";
  EXPECT_NE(inv.json()["results"][0]["id"], j);
  EXPECT_NE(inv.json()["results"][0]["id"], john);
}

}  // namespace
}  // namespace custos::testing
