// LIDO XML -> artifacts with libxml2's streaming reader. See lido_reader.h.
#include "custos/archive/lido_reader.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "custos/archive/xml_ptr.h"
#include "custos/core/crypto.h"

#ifndef CUSTOS_LIDO_SCHEMA_DIR
#define CUSTOS_LIDO_SCHEMA_DIR "archive/schemas/lido"
#endif

namespace custos::archive {
namespace {

using nlohmann::json;

using ReaderPtr = XmlPtr<xmlTextReader, &xmlFreeTextReader>;
using DocPtr = XmlPtr<xmlDoc, &xmlFreeDoc>;
using SchemaParserCtxtPtr =
    XmlPtr<xmlSchemaParserCtxt, &xmlSchemaFreeParserCtxt>;
using SchemaPtr = XmlPtr<xmlSchema, &xmlSchemaFree>;
using SchemaValidCtxtPtr = XmlPtr<xmlSchemaValidCtxt, &xmlSchemaFreeValidCtxt>;

struct XmlString {
  xmlChar* p;
  ~XmlString() { xmlFree(p); }
  std::string str() const { return p ? reinterpret_cast<const char*>(p) : ""; }
};

// Parser options for untrusted input: no network, no DTD, no entity
// substitution, no XInclude; libxml2's default limits (depth 256, entity
// amplification) stay on because XML_PARSE_HUGE is not set.
constexpr int kSafeOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_NOCDATA | XML_PARSE_COMPACT;

// Collects the first fatal/error message libxml2 reports.
struct ErrorSink {
  std::string first;
  static void Handle(void* ctx, xmlErrorPtr err) {
    auto* self = static_cast<ErrorSink*>(ctx);
    if (err == nullptr || err->level < XML_ERR_ERROR || !self->first.empty()) return;
    std::string msg = err->message ? err->message : "XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    self->first = "line " + std::to_string(err->line) + ": " + msg;
  }
};

bool IsLido(const xmlNode* n, std::string_view local) {
  return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
         kLidoNamespace == reinterpret_cast<const char*>(n->ns->href) &&
         local == reinterpret_cast<const char*>(n->name);
}

std::vector<const xmlNode*> Children(const xmlNode* n, std::string_view local) {
  std::vector<const xmlNode*> out;
  if (!n) return out;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (IsLido(c, local)) out.push_back(c);
  }
  return out;
}

const xmlNode* Child(const xmlNode* n, std::string_view local) {
  if (!n) return nullptr;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (IsLido(c, local)) return c;
  }
  return nullptr;
}

// Follows a path of LIDO element names, first match at each step.
const xmlNode* Path(const xmlNode* n, std::initializer_list<std::string_view> path) {
  for (auto p : path) {
    n = Child(n, p);
    if (!n) return nullptr;
  }
  return n;
}

// Collects every node reached by a path, all matches at each step.
void PathAll(const xmlNode* n, const std::vector<std::string_view>& path, size_t i,
             std::vector<const xmlNode*>& out) {
  if (!n) return;
  if (i == path.size()) {
    out.push_back(n);
    return;
  }
  for (const xmlNode* c : Children(n, path[i])) PathAll(c, path, i + 1, out);
}
std::vector<const xmlNode*> All(const xmlNode* n, std::vector<std::string_view> path) {
  std::vector<const xmlNode*> out;
  PathAll(n, path, 0, out);
  return out;
}

// Text content, whitespace collapsed.
std::string Text(const xmlNode* n) {
  if (!n) return "";
  XmlString raw{xmlNodeGetContent(n)};
  std::string s = raw.str(), out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Attr(const xmlNode* n, const char* local) {
  if (!n) return "";
  XmlString v{xmlGetNsProp(n, reinterpret_cast<const xmlChar*>(local),
                           reinterpret_cast<const xmlChar*>(kLidoNamespace.data()))};
  return v.str();
}

std::string FirstText(const xmlNode* n, std::initializer_list<std::string_view> path) {
  return Text(Path(n, path));
}

// The label of a LIDO concept: its first lido:term, else (LIDO 1.1) the first
// skos:Concept/skos:prefLabel, preferring English.
std::string TermOf(const xmlNode* n) {
  if (!n) return "";
  if (const xmlNode* t = Child(n, "term")) return Text(t);
  std::string first;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || std::string_view("Concept") != (const char*)c->name) continue;
    for (const xmlNode* l = c->children; l; l = l->next) {
      if (l->type != XML_ELEMENT_NODE || std::string_view("prefLabel") != (const char*)l->name) {
        continue;
      }
      XmlString lang{xmlNodeGetLang(l)};
      if (lang.str() == "en") return Text(l);
      if (first.empty()) first = Text(l);
    }
  }
  return first;
}

// All text and concept URIs under a node, lower case (for classifying events).
std::string Signature(const xmlNode* n) {
  if (!n) return "";
  std::string out = Text(n);
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    XmlString about{xmlGetProp(c, reinterpret_cast<const xmlChar*>("about"))};
    out += " " + about.str();
  }
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// A year from "1480", "-0500", "1480-03-01", "c. 1480": the first signed run of
// digits. nullopt when there is none or it is out of range.
std::optional<int> Year(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-') ++i;
  bool neg = false;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  size_t start = i;
  long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 7) v = v * 10 + (s[i++] - '0');
  if (i == start) return std::nullopt;
  if (neg) v = -v;
  if (v < core::ArtifactLimits::kMinYear || v > core::ArtifactLimits::kMaxYear) return std::nullopt;
  return static_cast<int>(v);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Contains(const std::string& hay, std::initializer_list<std::string_view> needles) {
  for (auto n : needles) {
    if (hay.find(n) != std::string::npos) return true;
  }
  return false;
}

std::string Cut(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // UTF-8 boundary
  s.resize(n);
  return s;
}

void AppendJoined(std::string& to, const std::string& s, std::string_view sep) {
  if (s.empty()) return;
  if (!to.empty()) to += sep;
  to += s;
}

// The LIDO event type vocabulary (lido00xxx) and common terms.
enum class EventKind { kProduction, kFinding, kProvenance, kOther };

EventKind KindOf(const xmlNode* event) {
  std::string all = Signature(Child(event, "eventType"));
  if (Contains(all, {"lido00007", "lido00012", "lido00224", "production", "herstellung",
                     "creation", "design", "entwurf"})) {
    return EventKind::kProduction;
  }
  if (Contains(all, {"lido00010", "lido00009", "finding", "excavation", "fund", "collecting"})) {
    return EventKind::kFinding;
  }
  if (Contains(all, {"lido00001", "lido00228", "lido00226", "lido00227", "lido00003",
                     "acquisition", "erwerb", "provenance", "provenienz", "sale", "purchase",
                     "transfer", "ownership", "besitz", "gift", "bequest", "loss", "verlust",
                     "restitution", "seizure", "theft", "auction", "exchange"})) {
    return EventKind::kProvenance;
  }
  return EventKind::kOther;
}

std::string PhraseFor(const xmlNode* event) {
  std::string all = Signature(Child(event, "eventType")) + " ";
  for (const xmlNode* m : Children(event, "eventMethod")) all += Signature(m) + " ";
  if (Contains(all, {"purchase", "kauf", "ankauf"})) return "purchased by";
  if (Contains(all, {"sale", "auction", "verkauf"})) return "sold to";
  if (Contains(all, {"gift", "donation", "schenkung"})) return "gift to";
  if (Contains(all, {"bequest", "vermächtnis", "legat"})) return "bequeathed to";
  if (Contains(all, {"inherit", "erbe"})) return "by descent to";
  if (Contains(all, {"exchange", "tausch"})) return "exchanged with";
  if (Contains(all, {"seizure", "beschlagnahme"})) return "seized by";
  if (Contains(all, {"theft", "diebstahl"})) return "stolen from";
  if (Contains(all, {"restitution", "rückgabe"})) return "restituted to";
  if (Contains(all, {"transfer"})) return "transferred to";
  return "acquired by";
}

std::string ActorOf(const xmlNode* event) {
  std::string out;
  for (const xmlNode* ea : Children(event, "eventActor")) {
    std::string name = FirstText(ea, {"actorInRole", "actor", "nameActorSet", "appellationValue"});
    if (name.empty()) name = FirstText(ea, {"displayActorInRole"});
    AppendJoined(out, name, " and ");
  }
  return out;
}

std::string PlaceOf(const xmlNode* event) {
  std::string out;
  for (const xmlNode* ep : Children(event, "eventPlace")) {
    std::string name = FirstText(ep, {"displayPlace"});
    if (name.empty()) name = FirstText(ep, {"place", "namePlaceSet", "appellationValue"});
    AppendJoined(out, name, "; ");
  }
  return out;
}

std::string DisplayDateOf(const xmlNode* event) {
  const xmlNode* d = Child(event, "eventDate");
  std::string s = FirstText(d, {"displayDate"});
  if (s.empty()) {
    std::string e = FirstText(d, {"date", "earliestDate"}), l = FirstText(d, {"date", "latestDate"});
    s = e == l || l.empty() ? e : e + "-" + l;
  }
  return s;
}

Result<core::Artifact> MapRecord(const xmlNode* lido, std::string source) {
  json j = json::object();
  const std::string rec_id = FirstText(lido, {"lidoRecID"});
  if (rec_id.empty()) return Status::InvalidArgument("lidoRecID is missing", "lidoRecID");
  j["id"] = LidoArtifactId(rec_id);
  json ids = json::array();
  auto add_id = [&ids](std::string type, std::string value) {
    if (value.empty() || ids.size() >= core::ArtifactLimits::kListItems) return;
    value = Cut(value, core::ArtifactLimits::kListItemText);
    json id = {{"type", type}, {"value", value}};
    for (const auto& e : ids) {
      if (e == id) return;
    }
    ids.push_back(std::move(id));
  };
  add_id("lido_rec_id", rec_id);

  const xmlNode* desc = Child(lido, "descriptiveMetadata");
  if (!desc) return Status::InvalidArgument("descriptiveMetadata is missing", "descriptiveMetadata");
  const xmlNode* cls = Child(desc, "objectClassificationWrap");
  std::string type = TermOf(Path(cls, {"objectWorkTypeWrap", "objectWorkType"}));
  if (type.empty()) type = TermOf(Path(cls, {"classificationWrap", "classification"}));
  if (type.empty()) {
    return Status::InvalidArgument("objectWorkType/term is missing (needed for object_type)",
                                   "object_type");
  }
  j["object_type"] = Cut(type, core::ArtifactLimits::kShortText);

  const xmlNode* ident = Child(desc, "objectIdentificationWrap");
  std::string title = FirstText(ident, {"titleWrap", "titleSet", "appellationValue"});
  if (title.empty()) {
    return Status::InvalidArgument("titleSet/appellationValue is missing (needed for title)",
                                   "title");
  }
  j["title"] = Cut(title, core::ArtifactLimits::kShortText);

  std::string inscriptions;
  for (const xmlNode* ins : All(ident, {"inscriptionsWrap", "inscriptions"})) {
    std::string t;
    for (const xmlNode* tr : Children(ins, "inscriptionTranscription")) AppendJoined(t, Text(tr), " / ");
    if (t.empty()) t = FirstText(ins, {"inscriptionDescription", "descriptiveNoteValue"});
    AppendJoined(inscriptions, t, "; ");
  }
  if (!inscriptions.empty()) j["inscriptions"] = Cut(inscriptions, core::ArtifactLimits::kLongText);

  std::string measurements;
  for (const xmlNode* set : All(ident, {"objectMeasurementsWrap", "objectMeasurementsSet"})) {
    std::string disp;
    for (const xmlNode* d : Children(set, "displayObjectMeasurements")) AppendJoined(disp, Text(d), "; ");
    if (disp.empty()) {
      for (const xmlNode* m : All(set, {"objectMeasurements", "measurementsSet"})) {
        std::string kind = FirstText(m, {"measurementType"}), value = FirstText(m, {"measurementValue"}),
                    unit = FirstText(m, {"measurementUnit"});
        if (value.empty()) continue;
        AppendJoined(disp, (kind.empty() ? "" : kind + ": ") + value + (unit.empty() ? "" : " " + unit), "; ");
      }
    }
    AppendJoined(measurements, disp, "; ");
  }
  if (!measurements.empty()) j["measurements"] = Cut(measurements, core::ArtifactLimits::kShortText);

  std::string description;
  for (const xmlNode* d :
       All(ident, {"objectDescriptionWrap", "objectDescriptionSet", "descriptiveNoteValue"})) {
    AppendJoined(description, Text(d), "\n\n");
  }

  for (const xmlNode* repo : All(ident, {"repositoryWrap", "repositorySet"})) {
    for (const xmlNode* w : Children(repo, "workID")) add_id("inventory_number", Text(w));
  }

  // Events: the first production event gives date, maker, culture, place and
  // materials; the others become provenance periods in document order.
  std::vector<std::string> materials, techniques;
  auto add_term = [](std::vector<std::string>& to, std::string v) {
    v = Cut(v, core::ArtifactLimits::kListItemText);
    if (v.empty() || to.size() >= core::ArtifactLimits::kListItems) return;
    for (const auto& e : to) {
      if (e == v) return;
    }
    to.push_back(std::move(v));
  };
  std::string provenance;
  bool have_production = false;
  std::vector<const xmlNode*> materials_tech_sets;  // production event(s) first
  for (const xmlNode* event : All(desc, {"eventWrap", "eventSet", "event"})) {
    EventKind kind = KindOf(event);
    if (kind == EventKind::kProduction && !have_production) {
      have_production = true;
      const xmlNode* d = Child(event, "eventDate");
      json date = json::object();
      std::string display = DisplayDateOf(event);
      if (!display.empty()) date["display"] = Cut(display, core::ArtifactLimits::kShortText);
      auto e = Year(FirstText(d, {"date", "earliestDate"}));
      auto l = Year(FirstText(d, {"date", "latestDate"}));
      if (e && l && *e > *l) std::swap(e, l);
      if (e) date["earliest"] = *e;
      if (l) date["latest"] = *l;
      if (!date.empty()) j["date"] = date;
      std::string maker = ActorOf(event);
      if (!maker.empty()) j["maker"] = Cut(maker, core::ArtifactLimits::kShortText);
      std::string culture;
      for (const xmlNode* c : Children(event, "culture")) AppendJoined(culture, TermOf(c), "; ");
      if (!culture.empty()) j["culture"] = Cut(culture, core::ArtifactLimits::kShortText);
      std::string place = PlaceOf(event);
      if (!place.empty()) AppendJoined(description, "Place of production: " + place + ".", "\n\n");
      materials_tech_sets.push_back(event);
    } else if (kind == EventKind::kFinding) {
      std::string place = PlaceOf(event);
      if (!place.empty() && !j.contains("find_spot")) {
        j["find_spot"] = Cut(place, core::ArtifactLimits::kShortText);
      }
    } else if (kind == EventKind::kProvenance) {
      std::string actor = ActorOf(event), place = PlaceOf(event), date = DisplayDateOf(event);
      if (actor.empty() && place.empty() && date.empty()) continue;
      std::string period = PhraseFor(event) + " " + (actor.empty() ? "unknown party" : actor);
      if (!place.empty()) period += ", " + place;
      if (!date.empty()) period += ", " + date;
      // '.' ends each period: LIDO does not say whether transfers were direct.
      AppendJoined(provenance, period + ".", " ");
    }
  }
  // Materials and techniques: the production event's (LIDO 1.0) and the
  // object's own objectMaterialsTechWrap (LIDO 1.1).
  std::vector<const xmlNode*> mt_nodes, display_nodes;
  for (const xmlNode* e : materials_tech_sets) {
    for (const xmlNode* m : All(e, {"eventMaterialsTech", "materialsTech"})) mt_nodes.push_back(m);
    for (const xmlNode* d : All(e, {"eventMaterialsTech", "displayMaterialsTech"})) {
      display_nodes.push_back(d);
    }
  }
  for (const xmlNode* m : All(ident, {"objectMaterialsTechWrap", "objectMaterialsTechSet", "materialsTech"})) {
    mt_nodes.push_back(m);
  }
  for (const xmlNode* d :
       All(ident, {"objectMaterialsTechWrap", "objectMaterialsTechSet", "displayMaterialsTech"})) {
    display_nodes.push_back(d);
  }
  for (const xmlNode* mt : mt_nodes) {
    for (const xmlNode* t : Children(mt, "termMaterialsTech")) {
      std::string ttype = Lower(Attr(t, "type"));
      std::string term = TermOf(t);
      if (Contains(ttype, {"technique", "technik", "lido00131"})) {
        add_term(techniques, term);
      } else {
        add_term(materials, term);
      }
    }
  }
  if (materials.empty() && techniques.empty()) {
    // Only the display form ("oil on canvas") -> materials.
    for (const xmlNode* dm : display_nodes) add_term(materials, Text(dm));
  }
  if (!materials.empty()) j["materials"] = materials;
  if (!techniques.empty()) j["techniques"] = techniques;
  if (!description.empty()) j["description"] = Cut(description, core::ArtifactLimits::kLongText);
  if (!provenance.empty()) {
    j["provenance_text"] = Cut(provenance, core::ArtifactLimits::kProvenanceText);
  }

  const xmlNode* admin = Child(lido, "administrativeMetadata");
  const xmlNode* rec = Child(admin, "recordWrap");
  for (const xmlNode* r : Children(rec, "recordID")) add_id("record_id", Text(r));
  for (const xmlNode* src : Children(rec, "recordSource")) {
    add_id("record_source", FirstText(src, {"legalBodyName", "appellationValue"}));
  }
  j["identifiers"] = std::move(ids);
  j["source_lido"] = std::move(source);

  auto a = core::ArtifactFromJson(j);
  if (!a.ok()) return a.status();
  return a;
}

Status Stream(xmlTextReader* reader, ErrorSink& errors, const LidoRecordSink* sink,
              const LidoReadOptions& options, int64_t* count) {
  auto line = [reader] {
    return "line " + std::to_string(xmlTextReaderGetParserLineNumber(reader)) + ": ";
  };
  int64_t records = 0;
  int rc = xmlTextReaderRead(reader);
  // Invariant: when rc == 1 the reader sits on a node not yet examined.
  while (rc == 1) {
    int type = xmlTextReaderNodeType(reader);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
      return Status::InvalidArgument(
          line() + "document type declarations (DOCTYPE) are not accepted in LIDO imports");
    }
    if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
      return Status::InvalidArgument(line() + "entity references are not accepted");
    }
    if (type != XML_READER_TYPE_ELEMENT) {
      rc = xmlTextReaderRead(reader);
      continue;
    }
    if (xmlTextReaderDepth(reader) > options.max_depth) {
      return Status::InvalidArgument(line() + "elements nested deeper than " +
                                     std::to_string(options.max_depth) + " levels");
    }
    const xmlChar* ns = xmlTextReaderConstNamespaceUri(reader);
    const xmlChar* name = xmlTextReaderConstLocalName(reader);
    if (!ns || !name || kLidoNamespace != reinterpret_cast<const char*>(ns) ||
        std::string_view("lido") != reinterpret_cast<const char*>(name)) {
      rc = xmlTextReaderRead(reader);
      continue;
    }
    LidoRecord record;
    record.line = xmlTextReaderGetParserLineNumber(reader);
    // Expand parses this record's subtree only (libxml2's depth limit applies).
    xmlNode* node = xmlTextReaderExpand(reader);
    if (node == nullptr || !errors.first.empty()) {
      return Status::InvalidArgument(errors.first.empty()
                                         ? "line " + std::to_string(record.line) +
                                               ": malformed LIDO record"
                                         : errors.first);
    }
    ++records;
    if (sink != nullptr) {
      record.lido_rec_id = FirstText(node, {"lidoRecID"});
      XmlString outer{xmlTextReaderReadOuterXml(reader)};
      std::string source = outer.str();
      if (source.size() > options.max_record_bytes) {
        record.artifact = Status::InvalidArgument(
            "record is larger than " + std::to_string(options.max_record_bytes) + " bytes");
      } else {
        record.artifact = MapRecord(node, std::move(source));
      }
      CUSTOS_RETURN_IF_ERROR((*sink)(std::move(record)));
    }
    // Skip past the subtree; the reader frees it as it moves on.
    rc = xmlTextReaderNext(reader);
  }
  if (rc < 0 || !errors.first.empty()) {
    return Status::InvalidArgument(errors.first.empty() ? "malformed XML" : errors.first);
  }
  if (records == 0) {
    return Status::InvalidArgument("no LIDO record (lido:lido in namespace " +
                                   std::string(kLidoNamespace) + ") found");
  }
  if (count) *count = records;
  return Status::Ok();
}

Status Run(ReaderPtr reader, const LidoRecordSink* sink, const LidoReadOptions& options,
           int64_t* count) {
  ErrorSink errors;
  xmlTextReaderSetStructuredErrorHandler(reader.get(), &ErrorSink::Handle, &errors);
  return Stream(reader.get(), errors, sink, options, count);
}

}  // namespace

std::string LidoArtifactId(std::string_view rec_id) {
  if (rec_id.empty()) return "";
  if (core::IsValidArtifactId(rec_id)) return std::string(rec_id);
  std::string s;
  for (char c : rec_id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '.' || c == '_' || c == '-';
    s += ok ? c : '-';
    if (s.size() == 47) break;
  }
  if (!((s[0] >= '0' && s[0] <= '9') || (s[0] >= 'a' && s[0] <= 'z') ||
        (s[0] >= 'A' && s[0] <= 'Z'))) {
    s = "L" + s.substr(0, 46);
  }
  return s + "-" + core::Sha256Hex(rec_id).substr(0, 16);
}

Status ReadLidoFile(const std::string& path, const LidoRecordSink& sink,
                    const LidoReadOptions& options) {
  xmlInitParser();
  ReaderPtr reader(xmlReaderForFile(path.c_str(), nullptr, kSafeOptions));
  if (!reader) return Status::IOError("cannot read " + path);
  return Run(std::move(reader), &sink, options, nullptr);
}

Status ReadLidoMemory(std::string_view xml, const LidoRecordSink& sink,
                      const LidoReadOptions& options) {
  xmlInitParser();
  ReaderPtr reader(xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), "memory.xml",
                                      nullptr, kSafeOptions));
  if (!reader) return Status::InvalidArgument("cannot parse XML");
  return Run(std::move(reader), &sink, options, nullptr);
}

Result<int64_t> CheckLidoFile(const std::string& path, const LidoReadOptions& options) {
  xmlInitParser();
  ReaderPtr reader(xmlReaderForFile(path.c_str(), nullptr, kSafeOptions));
  if (!reader) return Status::IOError("cannot read " + path);
  int64_t n = 0;
  CUSTOS_RETURN_IF_ERROR(Run(std::move(reader), nullptr, options, &n));
  return n;
}

namespace {
struct ErrorList {
  std::string text;
  int n = 0;
  static void Handle(void* ctx, xmlErrorPtr err) {
    auto* self = static_cast<ErrorList*>(ctx);
    if (!err || err->level < XML_ERR_ERROR) return;
    if (++self->n > 10) return;
    std::string msg = err->message ? err->message : "error";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    self->text += (self->text.empty() ? "" : "\n") + std::string("line ") +
                  std::to_string(err->line) + ": " + msg;
  }
};

Status ValidateDoc(xmlDoc* doc, const std::string& xsd_path) {
  ErrorList schema_errors;
  SchemaParserCtxtPtr pctx(xmlSchemaNewParserCtxt(xsd_path.c_str()));
  if (!pctx) return Status::IOError("cannot load schema " + xsd_path);
  xmlSchemaSetParserStructuredErrors(pctx.get(), &ErrorList::Handle, &schema_errors);
  SchemaPtr schema(xmlSchemaParse(pctx.get()));
  if (!schema) return Status::IOError("cannot load schema " + xsd_path + ": " + schema_errors.text);
  SchemaValidCtxtPtr vctx(xmlSchemaNewValidCtxt(schema.get()));
  if (!vctx) return Status::IOError("cannot create schema validator");
  ErrorList errors;
  xmlSchemaSetValidStructuredErrors(vctx.get(), &ErrorList::Handle, &errors);
  int rc = xmlSchemaValidateDoc(vctx.get(), doc);
  if (rc == 0) return Status::Ok();
  return Status::InvalidArgument("not valid against " + xsd_path + ":\n" +
                                 (errors.text.empty() ? "validation failed" : errors.text) +
                                 (errors.n > 10 ? "\n(" + std::to_string(errors.n - 10) +
                                                      " more errors)"
                                                : ""));
}
}  // namespace

Status ValidateXmlFileAgainstXsd(const std::string& xml_path, const std::string& xsd_path) {
  xmlInitParser();
  ErrorSink errors;
  DocPtr doc(xmlReadFile(xml_path.c_str(), nullptr, kSafeOptions));
  if (!doc) return Status::InvalidArgument("cannot parse " + xml_path);
  return ValidateDoc(doc.get(), xsd_path);
}

Status ValidateXmlAgainstXsd(std::string_view xml, const std::string& xsd_path) {
  xmlInitParser();
  DocPtr doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "memory.xml", nullptr,
                           kSafeOptions));
  if (!doc) return Status::InvalidArgument("cannot parse XML");
  return ValidateDoc(doc.get(), xsd_path);
}

std::string DefaultLidoSchemaPath() {
  if (const char* env = std::getenv("CUSTOS_LIDO_SCHEMA"); env && *env) return env;
  return std::string(CUSTOS_LIDO_SCHEMA_DIR) + "/lido-v1.1.xsd";
}

}  // namespace custos::archive
