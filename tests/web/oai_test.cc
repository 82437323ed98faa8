// The OAI-PMH 2.0 provider at /oai through a real server: every verb, every
// error code that can arise, resumption tokens over a 1,000-record harvest,
// deleted and restricted records, and the metadata validated against the
// oai_dc and LIDO schemas.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "custos/archive/lido_reader.h"
#include "server_fixture.h"

namespace custos::testing {
namespace {

using nlohmann::json;

template <auto Free>
struct XmlFree {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using DocPtr = std::unique_ptr<xmlDoc, XmlFree<&xmlFreeDoc>>;
using XPathCtxPtr = std::unique_ptr<xmlXPathContext, XmlFree<&xmlXPathFreeContext>>;
using XPathObjPtr = std::unique_ptr<xmlXPathObject, XmlFree<&xmlXPathFreeObject>>;

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// A parsed OAI-PMH response with XPath over the o: (OAI), dc:, oai_dc: and
// lido: prefixes.
class OaiDoc {
 public:
  explicit OaiDoc(const std::string& xml)
      : doc_(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "oai.xml", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOBLANKS)) {
    if (!doc_) return;
    ctx_.reset(xmlXPathNewContext(doc_.get()));
    xmlXPathRegisterNs(ctx_.get(), X("o"), X("http://www.openarchives.org/OAI/2.0/"));
    xmlXPathRegisterNs(ctx_.get(), X("dc"), X("http://purl.org/dc/elements/1.1/"));
    xmlXPathRegisterNs(ctx_.get(), X("oai_dc"), X("http://www.openarchives.org/OAI/2.0/oai_dc/"));
    xmlXPathRegisterNs(ctx_.get(), X("lido"), X("http://www.lido-schema.org"));
    xmlXPathRegisterNs(ctx_.get(), X("id"),
                       X("http://www.openarchives.org/OAI/2.0/oai-identifier"));
  }
  bool ok() const { return doc_ != nullptr; }

  std::vector<xmlNode*> Nodes(const std::string& xpath) const {
    std::vector<xmlNode*> out;
    if (!ctx_) return out;
    XPathObjPtr obj(xmlXPathEvalExpression(X(xpath.c_str()), ctx_.get()));
    if (!obj || !obj->nodesetval) return out;
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) out.push_back(obj->nodesetval->nodeTab[i]);
    return out;
  }
  std::vector<std::string> Texts(const std::string& xpath) const {
    std::vector<std::string> out;
    for (xmlNode* n : Nodes(xpath)) {
      xmlChar* c = xmlNodeGetContent(n);
      out.emplace_back(c ? reinterpret_cast<const char*>(c) : "");
      xmlFree(c);
    }
    return out;
  }
  std::string Text(const std::string& xpath) const {
    auto t = Texts(xpath);
    return t.empty() ? "" : t.front();
  }
  size_t Count(const std::string& xpath) const { return Nodes(xpath).size(); }
  std::string ErrorCode() const { return Text("/o:OAI-PMH/o:error/@code"); }

  // The subtree at `node` serialised as its own document (for XSD validation).
  static std::string Standalone(xmlNode* node) {
    DocPtr doc(xmlNewDoc(X("1.0")));
    xmlNode* copy = xmlDocCopyNode(node, doc.get(), 1);
    xmlDocSetRootElement(doc.get(), copy);
    xmlReconciliateNs(doc.get(), copy);
    xmlChar* mem = nullptr;
    int size = 0;
    xmlDocDumpMemory(doc.get(), &mem, &size);
    std::string out(reinterpret_cast<const char*>(mem), static_cast<size_t>(size));
    xmlFree(mem);
    return out;
  }

 private:
  DocPtr doc_;
  XPathCtxPtr ctx_;
};

json Record(const std::string& title, const std::string& status = "in_collection",
            const std::string& country = "IT", const std::string& visibility = "public") {
  json r = {{"title", title},
            {"object_type", "amphora"},
            {"materials", {"terracotta"}},
            {"status", status},
            {"visibility", visibility},
            {"maker", "Exekias"},
            {"description", "Black-figure amphora <with> & \"markup\""},
            {"identifiers", {{{"type", "inventory_number"}, {"value", "INV-1"}}}},
            {"date", {{"display", "c. 540 BCE"}, {"earliest", -545}, {"latest", -530}}}};
  if (!country.empty()) r["country_of_origin"] = country;
  return r;
}

class OaiTest : public ServerTest {
 protected:
  // Creates a record through the API; returns its id.
  std::string Create(const json& record) {
    auto r = As("admin").Post("/api/v1/artifacts", record);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }

  OaiDoc Oai(const std::string& query, const std::string& who = "anonymous") {
    auto r = As(who).Get("/oai?" + query);
    EXPECT_EQ(r.status, 200) << query << "\n" << r.body;
    EXPECT_EQ(r.header("Content-Type"), "text/xml; charset=utf-8");
    last_body_ = r.body;
    OaiDoc doc(r.body);
    EXPECT_TRUE(doc.ok()) << "not XML: " << r.body;
    return doc;
  }

  static std::string OaiId(const std::string& id) { return "oai:custos.local:" + id; }

  // Harvests a whole list through resumption tokens; returns the identifiers
  // in order, and the number of requests it took.
  std::vector<std::string> Harvest(const std::string& verb, const std::string& args,
                                   int* requests = nullptr,
                                   const std::function<void(int)>& between = {}) {
    std::vector<std::string> ids;
    std::string query = "verb=" + verb + "&" + args;
    for (int page = 0; page < 1000; ++page) {
      OaiDoc doc = Oai(query);
      if (doc.ErrorCode() == "noRecordsMatch") break;
      EXPECT_EQ(doc.ErrorCode(), "") << last_body_;
      for (auto& id : doc.Texts("//o:header/o:identifier")) ids.push_back(id);
      if (requests) *requests = page + 1;
      std::string token = doc.Text("//o:resumptionToken");
      if (token.empty()) break;
      if (between) between(page);
      query = "verb=" + verb + "&resumptionToken=" + token;
    }
    return ids;
  }

  std::string last_body_;
};

TEST_F(OaiTest, IdentifyDeclaresGranularityDeletedRecordsAndIdentifierScheme) {
  std::string id = Create(Record("Amphora"));
  OaiDoc doc = Oai("verb=Identify");
  EXPECT_EQ(doc.ErrorCode(), "");
  const std::string i = "/o:OAI-PMH/o:Identify/";
  EXPECT_EQ(doc.Text(i + "o:protocolVersion"), "2.0");
  EXPECT_EQ(doc.Text(i + "o:granularity"), "YYYY-MM-DDThh:mm:ssZ");
  EXPECT_EQ(doc.Text(i + "o:deletedRecord"), "persistent");
  EXPECT_EQ(doc.Text(i + "o:earliestDatestamp"), "2025-11-22T08:26:40Z");
  EXPECT_EQ(doc.Text(i + "o:baseURL"),
            "http://127.0.0.1:" + std::to_string(server_->port()) + "/oai");
  EXPECT_FALSE(doc.Text(i + "o:adminEmail").empty());
  EXPECT_EQ(doc.Text(i + "o:description/id:oai-identifier/id:repositoryIdentifier"),
            "custos.local");
  EXPECT_EQ(doc.Text("/o:OAI-PMH/o:request/@verb"), "Identify");
  EXPECT_EQ(doc.Text("/o:OAI-PMH/o:responseDate"), "2025-11-22T08:26:40Z");
}

TEST_F(OaiTest, ListMetadataFormatsForTheRepositoryAndForOneItem) {
  std::string id = Create(Record("Amphora"));
  for (const std::string& q : std::vector<std::string>{
           "verb=ListMetadataFormats", "verb=ListMetadataFormats&identifier=" + OaiId(id)}) {
    OaiDoc doc = Oai(q);
    EXPECT_EQ(doc.ErrorCode(), "") << q;
    auto prefixes = doc.Texts("//o:metadataFormat/o:metadataPrefix");
    EXPECT_EQ(std::set<std::string>(prefixes.begin(), prefixes.end()),
              (std::set<std::string>{"oai_dc", "lido"}));
  }
  EXPECT_EQ(Oai("verb=ListMetadataFormats&identifier=" + OaiId("nope")).ErrorCode(),
            "idDoesNotExist");
  EXPECT_EQ(Oai("verb=ListMetadataFormats&identifier=" + id).ErrorCode(), "idDoesNotExist");
}

TEST_F(OaiTest, ListSetsHasStatusAndCountriesInUse) {
  Create(Record("A", "seized", "IT"));
  Create(Record("B", "in_collection", "GR"));
  Create(Record("Hidden", "seized", "PE", "restricted"));
  OaiDoc doc = Oai("verb=ListSets");
  auto specs = doc.Texts("//o:set/o:setSpec");
  std::set<std::string> got(specs.begin(), specs.end());
  for (const char* want :
       {"status", "status:seized", "status:repatriated", "country", "country:IT", "country:GR"}) {
    EXPECT_TRUE(got.contains(want)) << want;
  }
  // A country only a restricted record has is not revealed.
  EXPECT_FALSE(got.contains("country:PE"));
  EXPECT_EQ(Oai("verb=ListSets&resumptionToken=abc").ErrorCode(), "badResumptionToken");
}

TEST_F(OaiTest, GetRecordInOaiDcValidatesAndEscapesText) {
  std::string id = Create(Record("Amphora & <lid>", "seized", "IT"));
  OaiDoc doc = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId(id));
  ASSERT_EQ(doc.ErrorCode(), "") << last_body_;
  EXPECT_EQ(doc.Text("//o:record/o:header/o:identifier"), OaiId(id));
  EXPECT_EQ(doc.Text("//o:record/o:header/o:datestamp"), "2025-11-22T08:26:40Z");
  auto sets = doc.Texts("//o:record/o:header/o:setSpec");
  EXPECT_EQ(sets, (std::vector<std::string>{"status:seized", "country:IT"}));
  EXPECT_EQ(doc.Text("//oai_dc:dc/dc:title"), "Amphora & <lid>");
  EXPECT_EQ(doc.Text("//oai_dc:dc/dc:creator"), "Exekias");
  EXPECT_EQ(doc.Text("//oai_dc:dc/dc:coverage"), "IT");
  auto dc = doc.Nodes("//o:metadata/oai_dc:dc");
  ASSERT_EQ(dc.size(), 1u);
  std::string xsd = std::string(CUSTOS_SOURCE_DIR) + "/tests/web/data/oai_dc.xsd";
  core::Status v = archive::ValidateXmlAgainstXsd(OaiDoc::Standalone(dc[0]), xsd);
  EXPECT_TRUE(v.ok()) << v.ToString();
  // The schema can fail: an element outside Dublin Core does not validate.
  core::Status bad = archive::ValidateXmlAgainstXsd(
      R"(<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
          xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:colour>red</dc:colour></oai_dc:dc>)",
      xsd);
  EXPECT_FALSE(bad.ok());
}

TEST_F(OaiTest, GetRecordInLidoValidatesAgainstTheLidoSchema) {
  std::string id = Create(Record("Amphora"));
  OaiDoc doc = Oai("verb=GetRecord&metadataPrefix=lido&identifier=" + OaiId(id));
  ASSERT_EQ(doc.ErrorCode(), "") << last_body_;
  auto lido = doc.Nodes("//o:metadata/lido:lido");
  ASSERT_EQ(lido.size(), 1u) << last_body_;
  EXPECT_EQ(doc.Text("//lido:lido/lido:lidoRecID"), id);
  core::Status v =
      archive::ValidateXmlAgainstXsd(OaiDoc::Standalone(lido[0]), archive::DefaultLidoSchemaPath());
  EXPECT_TRUE(v.ok()) << v.ToString();
}

TEST_F(OaiTest, PostFormEncodedAnswersLikeGet) {
  std::string id = Create(Record("Amphora"));
  auto r =
      As("anonymous")
          .Request("POST", "/oai", "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId(id),
                   {}, "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 200) << r.body;
  OaiDoc doc(r.body);
  EXPECT_EQ(doc.ErrorCode(), "");
  EXPECT_EQ(doc.Text("//dc:title"), "Amphora");
  auto json_post = As("anonymous").Request("POST", "/oai", "{\"verb\":\"Identify\"}");
  EXPECT_EQ(json_post.status, 415);
}

TEST_F(OaiTest, EveryErrorCode) {
  std::string id = Create(Record("Amphora"));
  const std::string ok_token = [&] {
    for (int i = 0; i < 120; ++i) Create(Record("R" + std::to_string(i)));
    return Oai("verb=ListIdentifiers&metadataPrefix=oai_dc").Text("//o:resumptionToken");
  }();
  ASSERT_FALSE(ok_token.empty());
  struct Case {
    std::string query;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"", "badVerb"},
      {"verb=Frobnicate", "badVerb"},
      {"verb=Identify&verb=Identify", "badVerb"},
      {"verb=Identify&extra=1", "badArgument"},
      {"verb=ListRecords", "badArgument"},
      {"verb=ListIdentifiers&metadataPrefix=oai_dc&metadataPrefix=lido", "badArgument"},
      {"verb=GetRecord&identifier=" + OaiId(id), "badArgument"},
      {"verb=GetRecord&metadataPrefix=oai_dc", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&from=2025-13-01", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&from=2025-11-22T08:26:40", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&from=2025-11-01&until=2025-11-30T00:00:00Z",
       "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&from=2025-12-01&until=2025-11-01", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&set=colour:red", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&set=status:lost", "badArgument"},
      {"verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=" + ok_token, "badArgument"},
      {"verb=ListIdentifiers&resumptionToken=not-a-token", "badResumptionToken"},
      {"verb=ListIdentifiers&resumptionToken=" + ok_token.substr(0, ok_token.size() - 4),
       "badResumptionToken"},
      {"verb=ListIdentifiers&resumptionToken=e30", "badResumptionToken"},  // "{}"
      {"verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"},
      {"verb=GetRecord&metadataPrefix=marc21&identifier=" + OaiId(id), "cannotDisseminateFormat"},
      {"verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId("missing"), "idDoesNotExist"},
      {"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.org:" + id, "idDoesNotExist"},
      {"verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01", "noRecordsMatch"},
      {"verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T00:00:00Z", "noRecordsMatch"},
      {"verb=ListIdentifiers&metadataPrefix=oai_dc&set=status:repatriated", "noRecordsMatch"},
      {"verb=ListIdentifiers&metadataPrefix=oai_dc&set=country:FR", "noRecordsMatch"},
  };
  for (const auto& c : cases) {
    OaiDoc doc = Oai(c.query);
    EXPECT_EQ(doc.ErrorCode(), c.code) << c.query << "\n" << last_body_;
    EXPECT_FALSE(doc.Text("/o:OAI-PMH/o:error").empty()) << c.query;
    // After badVerb/badArgument the request element has no attributes.
    size_t attrs = doc.Count("/o:OAI-PMH/o:request/@*");
    if (c.code == "badVerb" || c.code == "badArgument") {
      EXPECT_EQ(attrs, 0u) << c.query;
    } else {
      EXPECT_GT(attrs, 0u) << c.query;
    }
  }
  // noSetHierarchy and noMetadataFormats cannot arise: sets exist, and every
  // record is available in every format.
}

TEST_F(OaiTest, HarvestOfAThousandRecordsReturnsEachExactlyOnce) {
  std::set<std::string> want;
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<core::Artifact> records;
    for (int i = 0; i < 100; ++i) {
      auto a = core::ArtifactFromJson(Record("Record " + std::to_string(batch * 100 + i)));
      ASSERT_TRUE(a.ok());
      records.push_back(*a);
    }
    auto out = archive_->records().UpsertArtifacts(std::move(records), "test");
    ASSERT_TRUE(out.ok());
    clock_.Advance(1000);  // batches land on different datestamps
  }
  auto page = archive_->records().ListArtifacts(0, 2000, true);
  ASSERT_TRUE(page.ok());
  for (const auto& a : page->items) want.insert(OaiId(a.id));
  ASSERT_EQ(want.size(), 1000u);

  for (const char* verb : {"ListIdentifiers", "ListRecords"}) {
    int requests = 0;
    auto ids = Harvest(verb, "metadataPrefix=oai_dc", &requests);
    EXPECT_EQ(ids.size(), 1000u) << verb;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), want) << verb;
    EXPECT_EQ(requests, 10) << verb;  // 100 per page
  }
  // The cursor attribute counts the records before each page; the last page
  // carries an empty token.
  OaiDoc first = Oai("verb=ListIdentifiers&metadataPrefix=lido");
  EXPECT_EQ(first.Text("//o:resumptionToken/@cursor"), "0");
  // A window by datestamp: the 3rd and 4th batches.
  auto window =
      Harvest("ListIdentifiers",
              "metadataPrefix=oai_dc&from=2025-11-22T08:26:42Z&until=2025-11-22T08:26:43Z");
  EXPECT_EQ(window.size(), 200u);
}

TEST_F(OaiTest, HarvestIsStableUnderConcurrentWrites) {
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) {
    ids.push_back(Create(Record("Record " + std::to_string(i))));
    if (i % 50 == 0) clock_.Advance(1000);
  }
  std::set<std::string> unchanged(ids.begin(), ids.end());
  std::set<std::string> changed;
  std::multiset<std::string> seen;
  std::vector<std::string> harvested =
      Harvest("ListIdentifiers", "metadataPrefix=oai_dc", nullptr, [&](int page) {
        // Between pages: new records arrive, records already returned and
        // records not yet returned are edited.
        clock_.Advance(1000);
        Create(Record("Late " + std::to_string(page)));
        for (const std::string& id :
             {ids[static_cast<size_t>(page)], ids[ids.size() - 1 - static_cast<size_t>(page)]}) {
          auto c = As("admin");
          auto got = c.Get("/api/v1/artifacts/" + id);
          json edit = got.json();
          edit["title"] = "Edited " + id;
          ASSERT_EQ(c.Put("/api/v1/artifacts/" + id, edit, got.header("ETag")).status, 200);
          unchanged.erase(id);
          changed.insert(id);
        }
      });
  for (const auto& h : harvested) seen.insert(h);
  for (const auto& id : unchanged) EXPECT_EQ(seen.count(OaiId(id)), 1u) << id;
  // A record edited during the harvest moves behind the cursor and is seen
  // (again) in its new version.
  for (const auto& id : changed) EXPECT_GE(seen.count(OaiId(id)), 1u) << id;
}

TEST_F(OaiTest, DeletedRecordsStayAsDeletedHeaders) {
  std::string keep = Create(Record("Keep"));
  std::string gone = Create(Record("Gone", "seized", "GR"));
  clock_.Advance(5000);
  ASSERT_EQ(As("admin").Request("DELETE", "/api/v1/artifacts/" + gone).status, 200);

  OaiDoc get = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId(gone));
  ASSERT_EQ(get.ErrorCode(), "") << last_body_;
  EXPECT_EQ(get.Text("//o:record/o:header/@status"), "deleted");
  EXPECT_EQ(get.Text("//o:record/o:header/o:datestamp"), "2025-11-22T08:26:45Z");
  EXPECT_EQ(get.Count("//o:record/o:metadata"), 0u);

  OaiDoc list = Oai("verb=ListRecords&metadataPrefix=lido");
  EXPECT_EQ(list.Count("//o:record"), 2u);
  EXPECT_EQ(list.Text("//o:record[o:header/@status='deleted']/o:header/o:identifier"), OaiId(gone));
  EXPECT_EQ(list.Count("//o:record[o:header/@status='deleted']/o:metadata"), 0u);
  // Selective harvests by date and set see the deletion too.
  OaiDoc since = Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-11-22T08:26:45Z");
  EXPECT_EQ(since.Texts("//o:header/o:identifier"), std::vector<std::string>{OaiId(gone)});
  EXPECT_EQ(
      Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&set=country:GR").Text("//o:header/@status"),
      "deleted");
}

// A record that stops being harvestable without being deleted (made
// restricted) must not drop out silently: a harvester that has it learns it
// is gone, and nothing of what it became.
TEST_F(OaiTest, ARecordMadeRestrictedStaysAsADeletedHeader) {
  std::string keep = Create(Record("Keep"));
  std::string id = Create(Record("Once public", "in_collection", "GR"));
  auto first = Harvest("ListIdentifiers", "metadataPrefix=oai_dc");
  ASSERT_EQ(std::set<std::string>(first.begin(), first.end()),
            (std::set<std::string>{OaiId(keep), OaiId(id)}));

  auto edit = [&](const std::function<void(json&)>& change) {
    auto c = As("admin");
    auto got = c.Get("/api/v1/artifacts/" + id);
    ASSERT_EQ(got.status, 200);
    json j = got.json();
    change(j);
    ASSERT_EQ(c.Put("/api/v1/artifacts/" + id, j, got.header("ETag")).status, 200);
  };
  clock_.Advance(5000);
  const std::string change = "2025-11-22T08:26:45Z";
  edit([](json& j) {
    j["visibility"] = "restricted";
    j["title"] = "Secret: held for the inquiry";
    j["status"] = "under_investigation";
    j["country_of_origin"] = "PE";
  });

  for (const char* verb : {"ListIdentifiers", "ListRecords"}) {
    for (const char* prefix : {"oai_dc", "lido"}) {
      const std::string q =
          std::string("verb=") + verb + "&metadataPrefix=" + prefix + "&from=" + change;
      OaiDoc since = Oai(q);
      ASSERT_EQ(since.ErrorCode(), "") << q << "\n" << last_body_;
      EXPECT_EQ(since.Texts("//o:header/o:identifier"), std::vector<std::string>{OaiId(id)}) << q;
      EXPECT_EQ(since.Text("//o:header/@status"), "deleted") << q;
      EXPECT_EQ(since.Text("//o:header/o:datestamp"), change) << q;
      // The sets it was harvested in, not the ones it moved to.
      EXPECT_EQ(since.Texts("//o:header/o:setSpec"),
                (std::vector<std::string>{"status:in_collection", "country:GR"}))
          << q;
      EXPECT_EQ(since.Count("//o:metadata"), 0u) << q;
      EXPECT_EQ(last_body_.find("Secret"), std::string::npos) << q;
      EXPECT_EQ(last_body_.find("under_investigation"), std::string::npos) << q;
    }
  }
  for (const char* prefix : {"oai_dc", "lido"}) {
    OaiDoc get =
        Oai(std::string("verb=GetRecord&metadataPrefix=") + prefix + "&identifier=" + OaiId(id));
    ASSERT_EQ(get.ErrorCode(), "") << last_body_;
    EXPECT_EQ(get.Text("//o:record/o:header/@status"), "deleted");
    EXPECT_EQ(get.Text("//o:record/o:header/o:datestamp"), change);
    EXPECT_EQ(get.Count("//o:record/o:metadata"), 0u);
    EXPECT_EQ(last_body_.find("Secret"), std::string::npos) << prefix;
  }
  // A full harvest has both; set harvests by the old sets see the deletion,
  // the new sets reveal nothing.
  OaiDoc all = Oai("verb=ListRecords&metadataPrefix=oai_dc");
  EXPECT_EQ(all.Count("//o:record"), 2u);
  EXPECT_EQ(all.Text("//o:record[o:header/@status='deleted']/o:header/o:identifier"), OaiId(id));
  EXPECT_EQ(
      Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&set=country:GR").Text("//o:header/@status"),
      "deleted");
  for (const char* set : {"country:PE", "status:under_investigation"}) {
    EXPECT_EQ(Oai(std::string("verb=ListIdentifiers&metadataPrefix=oai_dc&set=") + set).ErrorCode(),
              "noRecordsMatch")
        << set;
  }

  // Edits while restricted are not news to harvesters: the datestamp stays.
  clock_.Advance(5000);
  edit([](json& j) { j["title"] = "Secret: second thoughts"; });
  EXPECT_EQ(Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2025-11-22T08:26:50Z").ErrorCode(),
            "noRecordsMatch");
  EXPECT_EQ(Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId(id))
                .Text("//o:header/o:datestamp"),
            change);

  // Public again: live again, dated by that change.
  clock_.Advance(5000);
  edit([](json& j) {
    j["visibility"] = "public";
    j["title"] = "Public again";
  });
  OaiDoc back = Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId(id));
  EXPECT_EQ(back.Count("//o:record/o:header/@status"), 0u);
  EXPECT_EQ(back.Text("//o:record/o:header/o:datestamp"), "2025-11-22T08:26:55Z");
  EXPECT_EQ(back.Text("//dc:title"), "Public again");
}

TEST_F(OaiTest, RestrictedRecordsAreNeverHarvested) {
  std::string pub = Create(Record("Public"));
  std::string hidden = Create(Record("Secret case", "under_investigation", "PE", "restricted"));
  std::string hidden_gone = Create(Record("Secret gone", "seized", "PE", "restricted"));
  ASSERT_EQ(As("admin").Request("DELETE", "/api/v1/artifacts/" + hidden_gone).status, 200);
  // Whoever asks, even an admin's token, OAI-PMH serves the public view.
  for (const char* who : {"anonymous", "admin", "investigator"}) {
    for (const char* verb : {"ListIdentifiers", "ListRecords"}) {
      for (const char* prefix : {"oai_dc", "lido"}) {
        auto r = As(who).Get(std::string("/oai?verb=") + verb + "&metadataPrefix=" + prefix);
        ASSERT_EQ(r.status, 200);
        EXPECT_NE(r.body.find(pub), std::string::npos);
        EXPECT_EQ(r.body.find(hidden), std::string::npos) << who << verb << prefix;
        EXPECT_EQ(r.body.find(hidden_gone), std::string::npos) << who << verb << prefix;
        EXPECT_EQ(r.body.find("Secret"), std::string::npos) << who << verb << prefix;
      }
    }
    for (const std::string& id : {hidden, hidden_gone}) {
      EXPECT_EQ(
          Oai("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + OaiId(id), who).ErrorCode(),
          "idDoesNotExist");
    }
    EXPECT_EQ(Oai("verb=ListIdentifiers&metadataPrefix=oai_dc&set=status:under_investigation", who)
                  .ErrorCode(),
              "noRecordsMatch");
  }
}

TEST_F(OaiTest, CaseDataNeverLeavesInMetadata) {
  json r = Record("Public with case data");
  r["restricted"] = {{"case_number", "CASE-SECRET-42"}};
  std::string id = Create(r);
  for (const char* prefix : {"oai_dc", "lido"}) {
    auto got = As("anonymous")
                   .Get(std::string("/oai?verb=GetRecord&metadataPrefix=") + prefix +
                        "&identifier=" + OaiId(id));
    ASSERT_EQ(got.status, 200);
    EXPECT_NE(got.body.find("Public with case data"), std::string::npos);
    EXPECT_EQ(got.body.find("CASE-SECRET-42"), std::string::npos) << prefix;
  }
}

}  // namespace
}  // namespace custos::testing
