// Interchange exports through a real server and the custos binary: BagIt
// dossiers (validated by the project's own bag validator, tampering caught),
// Linked Art JSON-LD, CSV export round-tripping through the CSV importer.
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "archive/document_fixtures.h"
#include "child_process.h"
#include "custos/archive/bagit.h"
#include "custos/archive/csv_reader.h"
#include "custos/archive/lido_reader.h"
#include "custos/core/zip.h"
#include "server_fixture.h"

namespace custos::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json Record(const std::string& title) {
  return {{"title", title},
          {"object_type", "krater"},
          {"materials", {"terracotta", "slip"}},
          {"techniques", {"red-figure"}},
          {"country_of_origin", "IT"},
          {"maker", "Euphronios"},
          {"description", "Calyx krater, \"quoted\", with commas, and\nline breaks"},
          {"identifiers", {{{"type", "inventory_number"}, {"value", "MET 1972.11.10"}}}},
          {"date", {{"display", "c. 515 BCE"}, {"earliest", -520}, {"latest", -510}}},
          {"provenance_text",
           "excavated at Cerveteri, 1971; sold to Robert Hecht, Rome, 1971; purchased by "
           "the Metropolitan Museum of Art, New York, 1972; repatriated to Italy, 2008."}};
}

class InterchangeTest : public ServerTest {
 protected:
  std::string Create(const json& record) {
    auto r = As("admin").Post("/api/v1/artifacts", record);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }

  // Unpacks a dossier zip under a fresh directory; returns the bag's base dir.
  std::string Unzip(const std::string& zip, const std::string& name) {
    auto entries = core::ReadZip(zip);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::string root = dir_.file(name);
    if (!entries.ok()) return root;
    std::set<std::string> tops;
    for (const auto& e : *entries) {
      tops.insert(e.name.substr(0, e.name.find('/')));
      fs::path p = fs::path(root) / e.name;
      fs::create_directories(p.parent_path());
      WriteFileBytes(p.string(), e.data);
    }
    // RFC 8493 §4.2: a serialised bag unpacks to one base directory.
    EXPECT_EQ(tops.size(), 1u);
    return root + "/" + *tops.begin();
  }

  static std::string Read(const std::string& path) { return ReadFileBytes(path); }
};

TEST_F(InterchangeTest, DossierIsAValidBagAndTamperingIsCaught) {
  json r = Record("Euphronios krater");
  r["restricted"] = {{"case_number", "CASE-SECRET-7"}};
  std::string id = Create(r);
  auto pub =
      Upload(id, MakeTextPdf({"Export licence 1972"}), "licence.pdf", {{"kind", "export_licence"}});
  auto sec = Upload(id, MakeTextPdf({"Informant statement"}), "informant.pdf",
                    {{"kind", "police_report"}, {"visibility", "restricted"}}, "admin");
  ASSERT_EQ(pub.status, 201) << pub.body;
  ASSERT_EQ(sec.status, 201) << sec.body;
  const std::string pub_sha = pub.json()["sha256"], sec_sha = sec.json()["sha256"];
  auto custody =
      As("investigator")
          .Post("/api/v1/artifacts/" + id + "/custody", {{"event", "seizure"},
                                                         {"actor", "Carabinieri TPC"},
                                                         {"location", "Rome"},
                                                         {"time", "2025-03-01T09:00:00Z"},
                                                         {"documents", {pub_sha}}});
  ASSERT_EQ(custody.status, 201) << custody.body;

  auto got = As("verifier").Get("/api/v1/artifacts/" + id + "/dossier");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("Content-Type"), "application/zip");
  std::string bag = Unzip(got.body, "public");
  EXPECT_EQ(fs::path(bag).filename(), "custos-dossier-" + id);

  auto v = archive::ValidateBag(bag);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  for (const auto& e : v->errors) ADD_FAILURE() << e;
  EXPECT_TRUE(v->valid);
  EXPECT_EQ(v->version, "1.0");
  for (const char* f : {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
                        "tagmanifest-sha256.txt", "tagmanifest-sha512.txt", "data/record.json",
                        "data/record.lido.xml", "data/documents.json", "data/custody-bundle.zip"}) {
    EXPECT_TRUE(fs::exists(bag + "/" + f)) << f;
  }
  std::string info = Read(bag + "/bag-info.txt");
  EXPECT_NE(info.find("Source-Organization: custos\n"), std::string::npos) << info;
  EXPECT_NE(info.find("Bagging-Date: 2025-11-22\n"), std::string::npos) << info;
  EXPECT_NE(info.find("External-Identifier: " + id + "\n"), std::string::npos) << info;
  EXPECT_NE(info.find("Payload-Oxum: "), std::string::npos) << info;
  // Every payload file is in both manifests.
  std::string m512 = Read(bag + "/manifest-sha512.txt");
  EXPECT_NE(m512.find("  data/custody-bundle.zip\n"), std::string::npos);
  EXPECT_NE(m512.find("  data/documents/" + pub_sha + ".pdf\n"), std::string::npos);

  // The public view: no case data, no restricted document.
  json record = json::parse(Read(bag + "/data/record.json"));
  EXPECT_EQ(record["id"], id);
  EXPECT_FALSE(record.contains("restricted"));
  EXPECT_TRUE(fs::exists(bag + "/data/documents/" + pub_sha + ".pdf"));
  EXPECT_FALSE(fs::exists(bag + "/data/documents/" + sec_sha + ".pdf"));
  EXPECT_EQ(got.body.find("CASE-SECRET-7"), std::string::npos);
  EXPECT_EQ(got.body.find("Informant statement"), std::string::npos);

  // An investigator's dossier carries both.
  auto full = As("investigator").Get("/api/v1/artifacts/" + id + "/dossier");
  ASSERT_EQ(full.status, 200);
  std::string full_bag = Unzip(full.body, "full");
  EXPECT_TRUE(archive::ValidateBag(full_bag)->valid);
  EXPECT_TRUE(fs::exists(full_bag + "/data/documents/" + sec_sha + ".pdf"));
  EXPECT_EQ(json::parse(Read(full_bag + "/data/record.json"))["restricted"]["case_number"],
            "CASE-SECRET-7");

  // Tampering: an edited payload file, an extra file, a removed file, an
  // edited tag file each make the bag invalid.
  struct Tamper {
    const char* name;
    std::function<void(const std::string&)> fn;
  };
  const std::vector<Tamper> tampers = {
      {"edited record",
       [](const std::string& b) {
         std::string s = ReadFileBytes(b + "/data/record.json");
         s[s.find("Euphronios")] = 'X';
         WriteFileBytes(b + "/data/record.json", s);
       }},
      {"extra payload file", [](const std::string& b) { WriteFileBytes(b + "/data/x.txt", "x"); }},
      {"removed document",
       [&](const std::string& b) { fs::remove(b + "/data/documents/" + pub_sha + ".pdf"); }},
      {"edited bag-info",
       [](const std::string& b) {
         std::string s = ReadFileBytes(b + "/bag-info.txt");
         WriteFileBytes(b + "/bag-info.txt", s + "Contact-Name: someone\n");
       }},
  };
  for (const auto& t : tampers) {
    std::string copy = Unzip(got.body, std::string("tampered-") + t.name);
    t.fn(copy);
    auto bad = archive::ValidateBag(copy);
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(bad->valid) << t.name;
    EXPECT_FALSE(bad->errors.empty()) << t.name;
  }
}

TEST_F(InterchangeTest, DossierFollowsTheRecordsAccessRules) {
  json r = Record("Hidden");
  r["visibility"] = "restricted";
  std::string hidden = Create(r);
  EXPECT_EQ(As("anonymous").Get("/api/v1/artifacts/" + hidden + "/dossier").status, 404);
  EXPECT_EQ(As("curator").Get("/api/v1/artifacts/" + hidden + "/dossier").status, 404);
  EXPECT_EQ(As("investigator").Get("/api/v1/artifacts/" + hidden + "/dossier").status, 200);
  EXPECT_EQ(As("anonymous").Get("/api/v1/artifacts/nope/dossier").status, 404);
  // Without custody entries there is no bundle, and the bag is still valid.
  std::string plain = Create(Record("Plain"));
  auto got = As("anonymous").Get("/api/v1/artifacts/" + plain + "/dossier");
  ASSERT_EQ(got.status, 200);
  std::string bag = Unzip(got.body, "plain");
  EXPECT_TRUE(archive::ValidateBag(bag)->valid);
  EXPECT_FALSE(fs::exists(bag + "/data/custody-bundle.zip"));
}

TEST_F(InterchangeTest, CliDossierDirectoryValidatesWithCustosBagValidate) {
  std::string id = Create(Record("Krater for the CLI"));
  std::string out = dir_.file("cli-bag");
  int code = -1;
  std::string log = RunCommand(
      {CUSTOS_BIN, "export", "dossier", id, "--dir", "-o", out, "--data", dir_.file("data")},
      &code);
  ASSERT_EQ(code, 0) << log;
  std::string validate = RunCommand({CUSTOS_BIN, "bag", "validate", out}, &code);
  EXPECT_EQ(code, 0) << validate;
  // The zip form unpacks to the same bag.
  std::string zip = dir_.file("cli.zip");
  RunCommand({CUSTOS_BIN, "export", "dossier", id, "-o", zip, "--data", dir_.file("data")}, &code);
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(archive::ValidateBag(Unzip(ReadFileBytes(zip), "cli-zip"))->valid);
  // Tampered: custos bag validate says so with a non-zero exit.
  WriteFileBytes(out + "/data/record.lido.xml", "<lido/>");
  RunCommand({CUSTOS_BIN, "bag", "validate", out}, &code);
  EXPECT_NE(code, 0);
}

TEST_F(InterchangeTest, LinkedArtHasObjectIdentifiersProductionAndProvenanceActivities) {
  json r = Record("Euphronios krater");
  r["restricted"] = {{"case_number", "CASE-SECRET-7"}};
  std::string id = Create(r);
  auto got = As("investigator").Get("/api/v1/artifacts/" + id + "/linked-art");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.header("Content-Type").find("application/ld+json"), std::string::npos);
  EXPECT_EQ(got.body.find("CASE-SECRET-7"), std::string::npos);
  json la = got.json();
  EXPECT_EQ(la["@context"], "https://linked.art/ns/v1/linked-art.json");
  EXPECT_EQ(la["type"], "HumanMadeObject");
  EXPECT_EQ(la["id"], "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/v1/artifacts/" +
                          id + "/linked-art");
  EXPECT_EQ(la["classified_as"][0]["_label"], "krater");
  std::set<std::string> ids;
  for (const auto& i : la["identified_by"]) ids.insert(i.value("content", ""));
  EXPECT_TRUE(ids.contains(id));
  EXPECT_TRUE(ids.contains("MET 1972.11.10"));
  EXPECT_TRUE(ids.contains("Euphronios krater"));
  const json& prod = la["produced_by"];
  EXPECT_EQ(prod["type"], "Production");
  EXPECT_EQ(prod["carried_out_by"][0]["_label"], "Euphronios");
  // 520 BCE is astronomical year -519.
  EXPECT_EQ(prod["timespan"]["begin_of_the_begin"], "-0519-01-01T00:00:00Z");
  EXPECT_EQ(prod["timespan"]["end_of_the_end"], "-0509-12-31T23:59:59Z");

  const json& acts = la["changed_ownership_through"];
  ASSERT_EQ(acts.size(), 4u) << acts.dump(2);
  for (const auto& a : acts) {
    EXPECT_EQ(a["type"], "Activity");
    EXPECT_EQ(a["classified_as"][0]["id"], "http://vocab.getty.edu/aat/300055863");
  }
  // Excavation: custody only; a sale and a purchase: title and custody.
  auto types = [](const json& act) {
    std::vector<std::string> t;
    for (const auto& p : act["part"]) t.push_back(p["type"]);
    return t;
  };
  EXPECT_EQ(types(acts[0]), std::vector<std::string>{"TransferOfCustody"});
  EXPECT_EQ(types(acts[1]), (std::vector<std::string>{"Acquisition", "TransferOfCustody"}));
  EXPECT_EQ(acts[1]["part"][0]["transferred_title_to"][0]["_label"], "Robert Hecht");
  EXPECT_EQ(acts[1]["part"][0]["transferred_title_of"][0]["id"], la["id"]);
  EXPECT_EQ(acts[2]["part"][1]["transferred_custody_to"][0]["_label"],
            "the Metropolitan Museum of Art");
  // Time spans from the periods' date bounds.
  EXPECT_EQ(acts[1]["timespan"]["begin_of_the_begin"], "1971-01-01T00:00:00Z");
  EXPECT_EQ(acts[2]["timespan"]["begin_of_the_begin"], "1972-01-01T00:00:00Z");
  EXPECT_EQ(acts[3]["timespan"]["begin_of_the_begin"], "2008-01-01T00:00:00Z");
  // Hidden records stay hidden.
  json h = Record("Hidden");
  h["visibility"] = "restricted";
  std::string hidden = Create(h);
  EXPECT_EQ(As("anonymous").Get("/api/v1/artifacts/" + hidden + "/linked-art").status, 404);
}

TEST_F(InterchangeTest, CsvExportRoundTripsThroughTheCsvImporter) {
  std::vector<std::string> ids;
  ids.push_back(Create(Record("Krater, \"the hot pot\"")));
  json second = Record("Plain title");
  second["description"] = "";
  second.erase("date");
  second["status"] = "seized";
  ids.push_back(Create(second));
  json hidden = Record("Hidden");
  hidden["visibility"] = "restricted";
  hidden["restricted"] = {{"case_number", "CASE-SECRET-9"}};
  std::string hidden_id = Create(hidden);

  auto anon = As("anonymous").Get("/api/v1/artifacts.csv");
  ASSERT_EQ(anon.status, 200) << anon.body;
  EXPECT_NE(anon.header("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_EQ(anon.body.find(hidden_id), std::string::npos);
  EXPECT_EQ(anon.body.find("CASE-SECRET"), std::string::npos);
  EXPECT_EQ(anon.body.find("\r\n"), anon.body.find('\n') - 1);  // CRLF rows

  std::istringstream in(anon.body);
  std::map<std::string, core::Artifact> read;
  core::Status st = archive::ReadCsv(in, [&](archive::CsvRecord&& rec) {
    EXPECT_TRUE(rec.artifact.ok()) << rec.artifact.status().ToString();
    if (rec.artifact.ok()) read[rec.id] = *rec.artifact;
    return core::Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(read.size(), 2u);
  for (const auto& id : ids) {
    auto stored = archive_->records().GetArtifact(id);
    ASSERT_TRUE(stored.ok());
    ASSERT_TRUE(read.contains(id));
    const core::Artifact& back = read[id];
    EXPECT_EQ(back.title, stored->title);
    EXPECT_EQ(back.description, stored->description);
    EXPECT_EQ(back.materials, stored->materials);
    EXPECT_EQ(back.techniques, stored->techniques);
    EXPECT_EQ(back.identifiers, stored->identifiers);
    EXPECT_EQ(back.date, stored->date);
    EXPECT_EQ(back.status, stored->status);
    EXPECT_EQ(back.country_of_origin, stored->country_of_origin);
    EXPECT_EQ(back.provenance_text, stored->provenance_text);
  }
  // Staff who may see restricted records get them too (without case data).
  auto inv = As("investigator").Get("/api/v1/artifacts.csv");
  ASSERT_EQ(inv.status, 200);
  EXPECT_NE(inv.body.find(hidden_id), std::string::npos);
  EXPECT_EQ(inv.body.find("CASE-SECRET"), std::string::npos);

  // The CLI writes the same bytes, and `custos import --dry-run` reads them.
  std::string file = dir_.file("export.csv");
  int code = -1;
  std::string out =
      RunCommand({CUSTOS_BIN, "export", "csv", "-o", file, "--data", dir_.file("data")}, &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(ReadFileBytes(file), anon.body);
  out = RunCommand({CUSTOS_BIN, "import", "--dry-run", file, "--data", dir_.file("data")}, &code);
  EXPECT_EQ(code, 0) << out;
}

TEST_F(InterchangeTest, BulkLidoExportValidatesAgainstTheLidoSchema) {
  for (int i = 0; i < 25; ++i) Create(Record("Krater " + std::to_string(i)));
  json hidden = Record("Hidden krater");
  hidden["visibility"] = "restricted";
  std::string hidden_id = Create(hidden);
  std::string file = dir_.file("all.lido.xml");
  int code = -1;
  std::string out = RunCommand(
      {CUSTOS_BIN, "export", "lido", "--all", "-o", file, "--data", dir_.file("data")}, &code);
  ASSERT_EQ(code, 0) << out;
  core::Status v = archive::ValidateXmlFileAgainstXsd(file, archive::DefaultLidoSchemaPath());
  EXPECT_TRUE(v.ok()) << v.ToString();
  std::string xml = ReadFileBytes(file);
  EXPECT_NE(xml.find("lidoWrap"), std::string::npos);
  EXPECT_EQ(xml.find(hidden_id), std::string::npos);
  int64_t records = 0;
  ASSERT_TRUE(archive::ReadLidoFile(file, [&](archive::LidoRecord&&) {
                ++records;
                return core::Status::Ok();
              }).ok());
  EXPECT_EQ(records, 25);
  // Missing --all or -o is a usage error.
  RunCommand({CUSTOS_BIN, "export", "lido", "-o", file, "--data", dir_.file("data")}, &code);
  EXPECT_EQ(code, 2);
}

TEST_F(InterchangeTest, ImportEndpointReportsPerRecordAndMatchesExistingRecords) {
  auto post = [&](const std::string& who, const std::string& body, const std::string& type,
                  const std::string& query = "") {
    return As(who).Request("POST", "/api/v1/import" + query, body, {}, type);
  };
  const std::string jsonl =
      R"({"id":"imp-1","title":"Kylix","object_type":"cup","identifiers":[{"type":"inventory_number","value":"K-1"}]})"
      "\n"
      R"({"title":"Lekythos","object_type":"vase","identifiers":[{"type":"inventory_number","value":"L-7"}]})"
      "\n"
      R"({"title":"","object_type":"vase"})"
      "\n"
      "not json\n";
  auto r = post("curator", jsonl, "application/x-ndjson");
  ASSERT_EQ(r.status, 200) << r.body;
  json rep = r.json();
  EXPECT_EQ(rep["created"], 2);
  EXPECT_EQ(rep["rejected"], 2);
  ASSERT_EQ(rep["errors"].size(), 2u);
  EXPECT_EQ(rep["errors"][0]["line"], 3);
  EXPECT_EQ(rep["errors"][1]["line"], 4);
  EXPECT_EQ(*archive_->records().CountArtifacts(), 2);

  // Re-importing changes nothing and creates no duplicates: by id, and by
  // identifier for the record that came without one.
  r = post("curator", jsonl, "application/x-ndjson");
  rep = r.json();
  EXPECT_EQ(rep["created"], 0) << r.body;
  EXPECT_EQ(rep["unchanged"], 2) << r.body;
  EXPECT_EQ(*archive_->records().CountArtifacts(), 2);

  // CSV without ids: matched by inventory number, updated in place.
  const std::string csv =
      "title,object_type,identifiers\r\n"
      "Lekythos (white-ground),vase,inventory_number:L-7\r\n"
      "\"New, quoted\",cup,inventory_number:N-1\r\n";
  auto dry = post("curator", csv, "text/csv", "?dry_run=1");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.json()["dry_run"], true);
  EXPECT_EQ(dry.json()["updated"], 1);
  EXPECT_EQ(dry.json()["created"], 1);
  EXPECT_EQ(*archive_->records().CountArtifacts(), 2);  // dry run wrote nothing
  r = post("curator", csv, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["updated"], 1) << r.body;
  EXPECT_EQ(r.json()["created"], 1) << r.body;
  EXPECT_EQ(*archive_->records().CountArtifacts(), 3);

  // A malformed CSV or LIDO file imports nothing.
  EXPECT_EQ(post("curator", "title,object_type,colour\r\nx,y,z\r\n", "text/csv").status, 400);
  const std::string lido_bad =
      R"(<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido><lido:lidoRecID>z)";
  EXPECT_EQ(post("curator", lido_bad, "application/xml").status, 400);
  EXPECT_EQ(*archive_->records().CountArtifacts(), 3);

  // Roles and media types.
  EXPECT_EQ(post("anonymous", jsonl, "application/x-ndjson").status, 401);
  EXPECT_EQ(post("investigator", jsonl, "application/x-ndjson").status, 403);
  EXPECT_EQ(post("curator", jsonl, "application/pdf").status, 415);
  EXPECT_EQ(post("curator", jsonl, "application/x-ndjson", "?dry_run=maybe").status, 400);

  // A curator can neither write case data nor touch a restricted record.
  json hidden = Record("Hidden");
  hidden["id"] = "hidden-1";
  hidden["visibility"] = "restricted";
  hidden["restricted"] = {{"case_number", "CASE-1"}};
  Create(hidden);
  const std::string sneaky = R"({"id":"hidden-1","title":"Overwritten","object_type":"x"})"
                             "\n"
                             R"({"title":"Case","object_type":"x","restricted":{"note":"n"}})"
                             "\n";
  r = post("curator", sneaky, "application/x-ndjson");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["rejected"], 2) << r.body;
  EXPECT_EQ(archive_->records().GetArtifact("hidden-1")->title, "Hidden");
  // An admin may.
  r = post("admin", sneaky, "application/x-ndjson");
  EXPECT_EQ(r.json()["rejected"], 0) << r.body;
  EXPECT_EQ(archive_->records().GetArtifact("hidden-1")->title, "Overwritten");
}

}  // namespace
}  // namespace custos::testing
