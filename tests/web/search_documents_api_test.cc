// Search, provenance and scanned documents through the HTTP API.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "archive/document_fixtures.h"
#include "server_fixture.h"

namespace custos::testing {
namespace {

using nlohmann::json;

class SearchDocumentsApiTest : public ServerTest {
 protected:
  std::string Create(json rec, const std::string& who = "admin") {
    auto r = As(who).Post("/api/v1/artifacts", rec);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  void Sync() { ASSERT_TRUE(runtime_->SyncIndex().ok()); }

  // Waits for the document's extraction to finish.
  json WaitExtracted(const std::string& sha) {
    for (int i = 0; i < 300; ++i) {
      auto d = As("admin").Get("/api/v1/documents/" + sha).json();
      std::string status = d["extraction"]["status"];
      if (status == "done" || status == "failed") return d;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "extraction did not finish";
    return {};
  }
};

TEST_F(SearchDocumentsApiTest, SearchFindsRecordsWithFacetsAndHidesRestricted) {
  Create({{"title", "Bronze figurine of a horse"}, {"object_type", "figurine"},
          {"materials", {"bronze"}}, {"country_of_origin", "IR"}, {"status", "seized"}});
  Create({{"title", "Bronze mirror"}, {"object_type", "mirror"}, {"materials", {"bronze"}},
          {"country_of_origin", "CN"}});
  Create({{"title", "Bronze helmet from a looting case"}, {"object_type", "helmet"},
          {"materials", {"bronze"}}, {"country_of_origin", "GR"}, {"visibility", "restricted"},
          {"status", "under_investigation"}});
  Sync();

  auto anon = As("anonymous").Get("/api/v1/search?q=bronze");
  ASSERT_EQ(anon.status, 200) << anon.body;
  json a = anon.json();
  EXPECT_EQ(a["total"], 2);
  EXPECT_EQ(a["facets_are_estimates"], false);  // 2 matches: exact counts
  EXPECT_EQ(a["facets"]["country"].count("GR"), 0u);
  EXPECT_EQ(a["facets"]["status"].count("under_investigation"), 0u);
  EXPECT_EQ(anon.body.find("helmet"), std::string::npos);

  json inv = As("investigator").Get("/api/v1/search?q=bronze").json();
  EXPECT_EQ(inv["total"], 3);
  EXPECT_EQ(inv["facets"]["country"]["GR"], 1);

  json filtered = As("anonymous").Get("/api/v1/search?q=bronze&country=IR").json();
  EXPECT_EQ(filtered["total"], 1);
  EXPECT_EQ(filtered["results"][0]["title"], "Bronze figurine of a horse");
  EXPECT_NE(filtered["results"][0]["snippet"].get<std::string>().find("<mark>"),
            std::string::npos);

  for (const std::string& bad : std::vector<std::string>{"%22unbalanced", "AND", std::string(1200, 'x')}) {
    auto r = As("anonymous").Get("/api/v1/search?q=" + bad);
    EXPECT_TRUE(r.status == 200 || r.status == 400) << bad.substr(0, 20) << " " << r.status;
  }
  EXPECT_EQ(As("anonymous").Get("/api/v1/search?q=x&sort=sideways").status, 400);
  EXPECT_EQ(As("anonymous").Get("/api/v1/search?q=x&from=abc").status, 400);
}

TEST_F(SearchDocumentsApiTest, DeletedRecordsLeaveSearch) {
  std::string id = Create({{"title", "Gold torque"}, {"object_type", "jewellery"}});
  Sync();
  EXPECT_EQ(As("anonymous").Get("/api/v1/search?q=torque").json()["total"], 1);
  ASSERT_EQ(As("curator").Request("DELETE", "/api/v1/artifacts/" + id).status, 200);
  Sync();
  EXPECT_EQ(As("anonymous").Get("/api/v1/search?q=torque").json()["total"], 0);
}

TEST_F(SearchDocumentsApiTest, ProvenanceTextIsParsedAndFlagged) {
  std::string id = Create(
      {{"title", "Painted vase"},
       {"object_type", "vase"},
       {"date", {{"earliest", 1850}, {"latest", 1860}}},
       {"provenance_text",
        "Sir Henry Ashby [1880-1952], London, by 1934 until 1952. Possibly private collection, "
        "Munich, 1970s. Seized by customs, Newark, NJ, 2019."}});
  auto p = As("anonymous").Get("/api/v1/artifacts/" + id + "/provenance");
  ASSERT_EQ(p.status, 200) << p.body;
  json j = p.json();
  ASSERT_EQ(j["periods"].size(), 3u);
  EXPECT_EQ(j["periods"][0]["party"]["name"], "Sir Henry Ashby");
  EXPECT_EQ(j["periods"][1]["certainty"], "possible");
  bool nazi = false;
  for (const auto& f : j["flags"]) nazi |= f["rule"] == "nazi_era";
  EXPECT_TRUE(nazi) << j["flags"].dump();

  auto parsed = As("curator").Post("/api/v1/provenance/parse",
                                   {{"text", "The artist; (Dealer Hall, Paris), 1911."}});
  ASSERT_EQ(parsed.status, 200) << parsed.body;
  EXPECT_EQ(parsed.json()["periods"][1]["party"]["is_dealer"], true);
  EXPECT_EQ(parsed.json()["periods"][0]["direct_transfer"], true);
}

TEST_F(SearchDocumentsApiTest, UploadedPdfIsExtractedAndFoundOnItsPage) {
  std::string id = Create({{"title", "Cylinder seal"}, {"object_type", "seal"}}, "curator");
  std::string pdf = MakeTextPdf({"Commercial invoice", "Sold to Galerie Vesper zygomorphic lot"});
  auto up = Upload(id, pdf, "invoice \"4411\".pdf", {{"kind", "invoice"}, {"date", "1968-06-03"}});
  ASSERT_EQ(up.status, 201) << up.body;
  std::string sha = up.json()["sha256"];
  json doc = WaitExtracted(sha);
  ASSERT_EQ(doc["extraction"]["status"], "done") << doc.dump();
  ASSERT_EQ(doc["pages"].size(), 2u);
  EXPECT_NE(doc["pages"][1]["text"].get<std::string>().find("zygomorphic"), std::string::npos);

  Sync();
  json hit = As("anonymous").Get("/api/v1/search?q=doc:zygomorphic").json();
  ASSERT_EQ(hit["total"], 1) << hit.dump();
  EXPECT_EQ(hit["results"][0]["id"], id);
  EXPECT_EQ(hit["results"][0]["document"]["kind"], "invoice");
  EXPECT_EQ(hit["results"][0]["document"]["page"], 2);

  auto content = As("anonymous").Get("/api/v1/documents/" + sha + "/content");
  ASSERT_EQ(content.status, 200);
  EXPECT_EQ(content.body, pdf);
  EXPECT_EQ(content.header("Content-Type"), "application/pdf");
  EXPECT_EQ(content.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(content.header("Content-Disposition").find("filename*=UTF-8''"), std::string::npos);
  auto range = As("anonymous").Request("GET", "/api/v1/documents/" + sha + "/content", "",
                                       {{"Range", "bytes=0-4"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, "%PDF-");
  EXPECT_EQ(range.header("Content-Range"), "bytes 0-4/" + std::to_string(pdf.size()));
  auto thumb = As("anonymous").Get("/api/v1/documents/" + sha + "/preview?page=1&size=thumb");
  ASSERT_EQ(thumb.status, 200);
  EXPECT_EQ(thumb.body.substr(1, 3), "PNG");

  // A custody entry may now cite it.
  auto entry = As("curator").Post("/api/v1/artifacts/" + id + "/custody",
                                  {{"event", "intake"}, {"actor", "Museum"}, {"location", "Rome"},
                                   {"documents", {sha}}});
  ASSERT_EQ(entry.status, 201) << entry.body;
  EXPECT_EQ(entry.json()["entry"]["documents"][0]["media_type"], "application/pdf");
}

TEST_F(SearchDocumentsApiTest, ScansWithoutTextLayerAreOcredAndSearchable) {
  std::string id = Create({{"title", "Tablet"}, {"object_type", "tablet"}}, "curator");
  // A scanned-looking PDF: page 1 has text, page 2 is only an image of words.
  GrayImage scan = RenderTextImage("POLICE REPORT CONFISCATED", 200);
  std::string pdf = MakeImagePdf({scan}, {});
  auto up = Upload(id, pdf, "scan.pdf", {{"kind", "police_report"}});
  ASSERT_EQ(up.status, 201) << up.body;
  json doc = WaitExtracted(up.json()["sha256"]);
  ASSERT_EQ(doc["extraction"]["status"], "done") << doc.dump();
  EXPECT_EQ(doc["pages"][0]["source"], "ocr");
  // And a PNG photo of a label.
  auto png = Upload(id, EncodePng(RenderTextImage("EXPORT FORBIDDEN", 200)), "label.png",
                    {{"kind", "photo"}});
  ASSERT_EQ(png.status, 201) << png.body;
  EXPECT_EQ(png.json()["media_type"], "image/png");
  json label = WaitExtracted(png.json()["sha256"]);
  ASSERT_EQ(label["extraction"]["status"], "done") << label.dump();
  Sync();
  json hit = As("anonymous").Get("/api/v1/search?q=doc:confiscated").json();
  ASSERT_EQ(hit["total"], 1) << hit.dump();
  EXPECT_EQ(hit["results"][0]["document"]["kind"], "police_report");
  EXPECT_EQ(hit["results"][0]["document"]["page"], 1);
  EXPECT_EQ(As("anonymous").Get("/api/v1/search?q=doc:forbidden").json()["total"], 1);
}

TEST_F(SearchDocumentsApiTest, StructuredProvenanceIsRenderedToText) {
  json periods = json::array({{{"party", {{"name", "Jean Roux"}}}, {"place", "Lyon"},
                               {"method", "purchase"}, {"date_text", "1912"},
                               {"direct_transfer", true}},
                              {{"party", {{"name", "Museum"}}}, {"method", "gift"},
                               {"date_text", "1961"}}});
  auto r = As("curator").Post("/api/v1/artifacts", {{"title", "Bowl"}, {"object_type", "bowl"},
                                                    {"provenance", periods}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string text = r.json()["provenance_text"];
  EXPECT_NE(text.find("Jean Roux"), std::string::npos) << text;
  EXPECT_NE(text.find("1961"), std::string::npos) << text;
  EXPECT_EQ(r.json()["provenance"].size(), 2u);
  json bad = periods;
  bad[0]["end_of_the_end"] = "not a date";
  auto rejected = As("curator").Post("/api/v1/artifacts", {{"title", "Bowl"}, {"object_type", "bowl"},
                                                           {"provenance", bad}});
  EXPECT_EQ(rejected.status, 400);
  EXPECT_EQ(rejected.json()["error"]["field"], "provenance[0].end_of_the_end");
}

TEST_F(SearchDocumentsApiTest, BadUploadsLeaveNothingBehind) {
  std::string id = Create({{"title", "Coin"}, {"object_type", "coin"}}, "curator");
  auto text = Upload(id, "just some text, not a scan", "notes.txt", {{"kind", "other"}});
  EXPECT_EQ(text.status, 415) << text.body;
  auto empty = Upload(id, "", "empty.pdf", {{"kind", "other"}});
  EXPECT_EQ(empty.status, 400) << empty.body;
  auto kind = Upload(id, MakeTextPdf({"x"}), "a.pdf", {{"kind", "shopping_list"}});
  EXPECT_EQ(kind.status, 400);
  EXPECT_EQ(kind.json()["error"]["field"], "kind");
  auto anon = Upload(id, MakeTextPdf({"x"}), "a.pdf", {{"kind", "other"}}, "anonymous");
  EXPECT_EQ(anon.status, 401);
  // Metadata after the file is spooled and still applied.
  auto late = Upload(id, MakeTextPdf({"late metadata"}), "b.pdf", {{"kind", "catalogue"}},
                     "curator", /*file_first=*/true);
  ASSERT_EQ(late.status, 201) << late.body;
  EXPECT_EQ(late.json()["kind"], "catalogue");
  // Nothing but that one blob (and no spool files) is on disk.
  auto files = FilesUnder(archive_->paths().blobs());
  EXPECT_EQ(files.size(), 1u);
}

class SmallUploadLimitTest : public SearchDocumentsApiTest {
  void ConfigureServer(web::ServerConfig& cfg) override { cfg.max_upload = 4096; }
};

TEST_F(SmallUploadLimitTest, OversizedUploadIs413AndLeavesNothing) {
  std::string id = Create({{"title", "Coin"}, {"object_type", "coin"}}, "curator");
  std::string big = MakeTextPdf({std::string(3000, 'a'), std::string(3000, 'b')});
  ASSERT_GT(big.size(), 4096u);
  auto r = Upload(id, big, "big.pdf", {{"kind", "other"}});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_TRUE(FilesUnder(archive_->paths().blobs()).empty());
}

TEST_F(SearchDocumentsApiTest, LidoExportOmitsCaseDataAndValidates) {
  std::string id = Create({{"title", "Attic red-figure kylix"}, {"object_type", "kylix"},
                           {"materials", {"terracotta"}},
                           {"restricted", {{"informant", "do-not-leak"}}}});
  auto r = As("investigator").Get("/api/v1/artifacts/" + id + "/lido");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("http://www.lido-schema.org"), std::string::npos);
  EXPECT_NE(r.body.find("Attic red-figure kylix"), std::string::npos);
  EXPECT_EQ(r.body.find("do-not-leak"), std::string::npos);
  std::ofstream(dir_.file("k.xml")) << r.body;
  int code = std::system(("xmllint --noout --nonet --schema " CUSTOS_SHARED_TESTDATA
                          "/lido/lido-v1.1.xsd " + dir_.file("k.xml") + " 2>/dev/null").c_str());
  EXPECT_EQ(code, 0) << r.body;
}

class ScheduledFixityTest : public SearchDocumentsApiTest {
  void ConfigureRuntime(web::RuntimeOptions& ro) override {
    ro.fixity_interval = std::chrono::seconds(1);
  }
};

TEST_F(ScheduledFixityTest, TheServerRehashesScansOnItsOwnAndShowsTheLastCheck) {
  std::string id = Create({{"title", "Coin"}, {"object_type", "coin"}}, "curator");
  auto up = Upload(id, MakeTextPdf({"fixity"}), "f.pdf", {{"kind", "other"}});
  ASSERT_EQ(up.status, 201);
  std::string sha = up.json()["sha256"];
  json doc;
  for (int i = 0; i < 50; ++i) {
    doc = As("anonymous").Get("/api/v1/documents/" + sha).json();
    if (!doc["last_fixity"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(doc["last_fixity"].is_null()) << doc.dump();
  EXPECT_EQ(doc["last_fixity"]["outcome"], "pass");
  EXPECT_EQ(doc["last_fixity"]["actual"], sha);
}

}  // namespace
}  // namespace custos::testing
