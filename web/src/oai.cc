// OAI-PMH 2.0 provider at /oai (GET, and POST application/x-www-form-urlencoded).
//
// What it serves (see ARCHITECTURE.md, "OAI-PMH"):
// - public records only, whoever asks (RecordStore::ListModified's public
//   view): a record never public is never listed, and GetRecord answers
//   idDoesNotExist for it;
// - identifiers "oai:REPOSITORY-ID:ARTIFACT-ID" (ServerConfig::oai_repository_id);
// - datestamps are the record's last modification (or deletion) time, at the
//   declared granularity YYYY-MM-DDThh:mm:ssZ; from/until also accept YYYY-MM-DD;
// - metadata formats oai_dc and lido (LIDO 1.1, from the LIDO writer);
// - sets: "status" with "status:<status>" (in_collection, seized, ...) and
//   "country" with "country:<ISO 3166-1 alpha-2>" (one per country in use);
// - deletedRecord=persistent: a public record that stops being harvestable,
//   deleted or made restricted, stays listed for ever as <header
//   status="deleted">, dated by that change, in the sets of its last public
//   version and without metadata (so harvesters that have it drop it and
//   learn nothing newer); made public again, it is live again;
// - resumption tokens are stateless: base64url of a small JSON object with the
//   list's arguments and the (datestamp, id) of the last record returned. The
//   list is ordered by (modification time, id), so records that do not change
//   during a harvest are returned exactly once, whatever else is written; a
//   record changed meanwhile moves to the end and is returned again.
//
// The XML is written with libxml2's xmlTextWriter (which escapes every value);
// the LIDO element comes from the LIDO writer, also libxml2.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MediaType.h>
#include <libxml/xmlwriter.h>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <set>

#include "app.h"
#include "custos/archive/lido_writer.h"
#include "custos/archive/xml_ptr.h"
#include "custos/core/encoding.h"
#include "interchange.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

constexpr int kPageSize = 100;
constexpr const char* kOaiNs = "http://www.openarchives.org/OAI/2.0/";
constexpr const char* kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
constexpr const char* kOaiDcNs = "http://www.openarchives.org/OAI/2.0/oai_dc/";
constexpr const char* kDcNs = "http://purl.org/dc/elements/1.1/";

struct Format {
  const char* prefix;
  const char* schema;
  const char* ns;
};
constexpr Format kFormats[] = {
    {"oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", kOaiDcNs},
    {"lido", "http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd", "http://www.lido-schema.org"},
};

bool KnownFormat(const std::string& prefix) {
  for (const auto& f : kFormats) {
    if (prefix == f.prefix) return true;
  }
  return false;
}

using archive::XmlPtr;
using WriterPtr = XmlPtr<xmlTextWriter, &xmlFreeTextWriter>;
using BufferPtr = XmlPtr<xmlBuffer, &xmlBufferFree>;

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// Drops what XML 1.0 cannot carry (C0 controls other than tab, LF, CR; U+FFFE,
// U+FFFF). Stored text is valid UTF-8 (it went through JSON).
std::string XmlSafe(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    if (c == 0xEF && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(in[i + 2]) & 0xFE) == 0xBE) {
      i += 2;
      continue;
    }
    out += in[i];
  }
  return out;
}

void SanitizeJsonStrings(json& j) {
  if (j.is_string()) {
    j = XmlSafe(j.get<std::string>());
  } else if (j.is_structured()) {
    for (auto& v : j) SanitizeJsonStrings(v);
  }
}

// The record with every string made XML-safe (for the LIDO writer).
core::Artifact XmlSafeArtifact(const core::Artifact& a) {
  json j = core::ArtifactToJson(a, /*include_restricted=*/false);
  SanitizeJsonStrings(j);
  auto back = core::ArtifactFromStoredJson(j);
  return back.ok() ? *back : a;
}

// Accumulates the first failure of a sequence of xmlTextWriter calls.
class Xml {
 public:
  Xml() : buf_(xmlBufferCreate()) {
    if (buf_) writer_.reset(xmlNewTextWriterMemory(buf_.get(), 0));
    ok_ = writer_ != nullptr;
    if (ok_) {
      xmlTextWriterSetIndent(writer_.get(), 1);
      Check(xmlTextWriterStartDocument(writer_.get(), nullptr, "UTF-8", nullptr));
    }
  }
  void Start(const char* name) {
    if (ok_) Check(xmlTextWriterStartElement(writer_.get(), X(name)));
  }
  void End() {
    if (ok_) Check(xmlTextWriterEndElement(writer_.get()));
  }
  void Attr(const char* name, const std::string& v) {
    if (ok_) Check(xmlTextWriterWriteAttribute(writer_.get(), X(name), X(XmlSafe(v).c_str())));
  }
  void Text(const std::string& v) {
    if (ok_) Check(xmlTextWriterWriteString(writer_.get(), X(XmlSafe(v).c_str())));
  }
  void Leaf(const char* name, const std::string& v) {
    Start(name);
    Text(v);
    End();
  }
  void LeafIf(const char* name, const std::string& v) {
    if (!v.empty()) Leaf(name, v);
  }
  // Markup produced by libxml2 elsewhere (the LIDO writer).
  void Raw(const std::string& xml) {
    if (ok_) Check(xmlTextWriterWriteRaw(writer_.get(), X(xml.c_str())));
  }
  Result<std::string> Finish() {
    if (ok_) Check(xmlTextWriterEndDocument(writer_.get()));
    writer_.reset();
    if (!ok_) return Status::Internal("OAI-PMH response writer failed");
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf_.get())),
                       static_cast<size_t>(xmlBufferLength(buf_.get())));
  }

 private:
  void Check(int rc) {
    if (rc < 0) ok_ = false;
  }
  BufferPtr buf_;
  WriterPtr writer_;
  bool ok_ = false;
};

struct OaiError {
  std::string code;
  std::string message;
};

using Args = std::multimap<std::string, std::string>;

// "2025-11-22T08:26:40.123Z" -> "2025-11-22T08:26:40Z".
std::string Datestamp(const std::string& rfc3339) {
  if (rfc3339.size() >= 19) return rfc3339.substr(0, 19) + "Z";
  return rfc3339;
}

bool Digits(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int Num(const std::string& s, size_t pos, size_t n) { return std::atoi(s.substr(pos, n).c_str()); }

// A from/until argument: its granularity and the stored-time bound it means.
struct DateArg {
  bool day = false;  // YYYY-MM-DD (else YYYY-MM-DDThh:mm:ssZ)
  std::string bound;
};

std::optional<DateArg> ParseOaiDate(const std::string& s, bool upper) {
  if (!(Digits(s, 0, 4) && s.size() >= 10 && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' &&
        Digits(s, 8, 2))) {
    return std::nullopt;
  }
  int month = Num(s, 5, 2), day = Num(s, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (s.size() == 10) {
    return DateArg{true, s + (upper ? "T23:59:59.999Z" : "T00:00:00.000Z")};
  }
  if (s.size() != 20 || s[10] != 'T' || !Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) ||
      s[16] != ':' || !Digits(s, 17, 2) || s[19] != 'Z') {
    return std::nullopt;
  }
  if (Num(s, 11, 2) > 23 || Num(s, 14, 2) > 59 || Num(s, 17, 2) > 59) return std::nullopt;
  return DateArg{false, s.substr(0, 19) + (upper ? ".999Z" : ".000Z")};
}

// A stored modification time as a resumption position (RFC 3339 with millis).
bool IsStoredTime(const std::string& s) {
  return s.size() == 24 && ParseOaiDate(s.substr(0, 19) + "Z", false) && s[19] == '.' &&
         Digits(s, 20, 3) && s[23] == 'Z';
}

// A list request: its arguments (also what a resumption token carries).
struct ListArgs {
  std::string prefix, set, from, until;  // as the harvester gave them
  std::string after_time, after_id;      // position of the last record returned
  int64_t cursor = 0;                    // records returned before this page
};

std::string TokenEncode(const ListArgs& a) {
  json j = {{"p", a.prefix},     {"s", a.set},      {"f", a.from},  {"u", a.until},
            {"t", a.after_time}, {"i", a.after_id}, {"c", a.cursor}};
  return core::Base64UrlEncode(j.dump());
}

std::optional<ListArgs> TokenDecode(const std::string& token) {
  if (token.empty() || token.size() > 2048) return std::nullopt;
  std::string b64;
  for (char c : token) {
    if (c == '-') {
      b64 += '+';
    } else if (c == '_') {
      b64 += '/';
    } else if (std::isalnum(static_cast<unsigned char>(c))) {
      b64 += c;
    } else {
      return std::nullopt;
    }
  }
  while (b64.size() % 4) b64 += '=';
  auto raw = core::Base64Decode(b64);
  if (!raw) return std::nullopt;
  json j = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.size() != 7) return std::nullopt;
  ListArgs a;
  for (auto [key, field] : {std::pair{"p", &a.prefix},
                            {"s", &a.set},
                            {"f", &a.from},
                            {"u", &a.until},
                            {"t", &a.after_time},
                            {"i", &a.after_id}}) {
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
    *field = j[key].get<std::string>();
  }
  if (!j.contains("c") || !j["c"].is_number_integer()) return std::nullopt;
  a.cursor = j["c"].get<int64_t>();
  if (a.cursor <= 0 || !IsStoredTime(a.after_time) || !core::IsValidArtifactId(a.after_id)) {
    return std::nullopt;
  }
  return a;
}

class Oai {
 public:
  Oai(App& app, RequestContext& ctx, Args args) : app_(app), ctx_(ctx), args_(std::move(args)) {}

  Result<Reply> Respond() {
    auto verbs = args_.equal_range("verb");
    std::string verb;
    if (std::distance(verbs.first, verbs.second) == 1) verb = verbs.first->second;
    std::optional<OaiError> err;
    if (verb.empty()) {
      err = OaiError{"badVerb", std::distance(verbs.first, verbs.second) > 1
                                    ? "the verb argument is repeated"
                                    : "the verb argument is missing"};
    } else if (verb == "Identify") {
      err = Check({}, {});
      if (!err) err = Identify();
    } else if (verb == "ListMetadataFormats") {
      err = Check({}, {"identifier"});
      if (!err) err = ListMetadataFormats();
    } else if (verb == "ListSets") {
      err = Check({}, {"resumptionToken"});
      if (!err) err = ListSets();
    } else if (verb == "GetRecord") {
      err = Check({"identifier", "metadataPrefix"}, {});
      if (!err) err = GetRecord();
    } else if (verb == "ListIdentifiers" || verb == "ListRecords") {
      err = CheckList();
      if (!err) err = List(verb == "ListRecords");
    } else {
      err = OaiError{"badVerb", "'" + verb + "' is not an OAI-PMH verb"};
    }
    if (!internal_.ok()) return internal_;
    return Render(verb, err);
  }

 private:
  // Repeated or unknown arguments, missing required ones: badArgument.
  std::optional<OaiError> Check(std::set<std::string> required, std::set<std::string> optional) {
    for (const auto& [k, v] : args_) {
      if (k == "verb") continue;
      if (args_.count(k) > 1) return OaiError{"badArgument", "the argument " + k + " is repeated"};
      if (!required.contains(k) && !optional.contains(k)) {
        return OaiError{"badArgument", "the argument " + k + " is not allowed here"};
      }
    }
    for (const auto& r : required) {
      if (!args_.contains(r)) return OaiError{"badArgument", "the argument " + r + " is missing"};
    }
    return std::nullopt;
  }

  std::optional<OaiError> CheckList() {
    if (args_.contains("resumptionToken")) {
      if (auto e = Check({"resumptionToken"}, {})) {
        return OaiError{"badArgument", "resumptionToken is an exclusive argument"};
      }
      auto t = TokenDecode(Arg("resumptionToken"));
      if (!t) return OaiError{"badResumptionToken", "the resumption token is invalid"};
      list_ = *t;
      resumed_ = true;
      // A token we made carries valid arguments; anything else is forged.
      if (!KnownFormat(list_.prefix) || ValidateListArgs()) {
        return OaiError{"badResumptionToken", "the resumption token is invalid"};
      }
      return std::nullopt;
    }
    if (auto e = Check({"metadataPrefix"}, {"from", "until", "set"})) return e;
    list_.prefix = Arg("metadataPrefix");
    list_.set = Arg("set");
    list_.from = Arg("from");
    list_.until = Arg("until");
    if (auto e = ValidateListArgs()) return e;
    if (!KnownFormat(list_.prefix)) {
      return OaiError{"cannotDisseminateFormat",
                      "metadataPrefix " + list_.prefix + " is not supported (oai_dc, lido)"};
    }
    return std::nullopt;
  }

  // Fills query_ from list_ (from, until, set); badArgument when they are not valid.
  std::optional<OaiError> ValidateListArgs() {
    std::optional<DateArg> from, until;
    if (args_.contains("from") || !list_.from.empty()) {
      from = ParseOaiDate(list_.from, false);
      if (!from) {
        return OaiError{"badArgument", "from must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"};
      }
      query_.from = from->bound;
    }
    if (args_.contains("until") || !list_.until.empty()) {
      until = ParseOaiDate(list_.until, true);
      if (!until) {
        return OaiError{"badArgument", "until must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"};
      }
      query_.until = until->bound;
    }
    if (from && until) {
      if (from->day != until->day) {
        return OaiError{"badArgument", "from and until must have the same granularity"};
      }
      if (from->bound > until->bound) return OaiError{"badArgument", "from is later than until"};
    }
    if (args_.contains("set") || !list_.set.empty()) {
      const std::string& s = list_.set;
      if (s == "status") {
      } else if (s.starts_with("status:") && core::ParseArtifactStatus(s.substr(7))) {
        query_.status = s.substr(7);
      } else if (s == "country") {
        query_.country = "*";
      } else if (s.starts_with("country:") && s.size() == 10 &&
                 core::IsIsoCountryCode(s.substr(8))) {
        query_.country = s.substr(8);
      } else {
        return OaiError{"badArgument", "no such set: " + s + " (see ListSets)"};
      }
    }
    return std::nullopt;
  }

  std::string Arg(const std::string& k) const {
    auto it = args_.find(k);
    return it == args_.end() ? "" : it->second;
  }

  std::string BaseUrl() const {
    if (!app_.config.oai_base_url.empty()) return app_.config.oai_base_url;
    return PublicBaseUrl(app_, ctx_) + "/oai";
  }

  std::string OaiId(const std::string& id) const {
    return "oai:" + app_.config.oai_repository_id + ":" + id;
  }

  // The harvestable record behind an OAI identifier, if any.
  std::optional<core::ModifiedRecord> Lookup(const std::string& identifier) {
    const std::string prefix = "oai:" + app_.config.oai_repository_id + ":";
    if (!identifier.starts_with(prefix)) return std::nullopt;
    std::string id = identifier.substr(prefix.size());
    if (!core::IsValidArtifactId(id)) return std::nullopt;
    core::ModifiedQuery q;
    q.id = id;
    q.limit = 1;
    auto rows = app_.archive.records().ListModified(q);
    if (!rows.ok()) {
      internal_ = rows.status();
      return std::nullopt;
    }
    if (rows->empty()) return std::nullopt;
    return rows->front();
  }

  std::optional<OaiError> Identify() {
    core::ModifiedQuery q;
    q.limit = 1;
    auto first = app_.archive.records().ListModified(q);
    if (!first.ok()) {
      internal_ = first.status();
      return std::nullopt;
    }
    std::string earliest = first->empty()
                               ? Datestamp(core::FormatRfc3339Millis(app_.clock.NowMillis()))
                               : Datestamp(first->front().record.updated_at);
    body_ = [this, earliest](Xml& x) {
      x.Leaf("repositoryName", app_.config.oai_repository_name);
      x.Leaf("baseURL", BaseUrl());
      x.Leaf("protocolVersion", "2.0");
      x.Leaf("adminEmail", app_.config.oai_admin_email);
      x.Leaf("earliestDatestamp", earliest);
      x.Leaf("deletedRecord", "persistent");
      x.Leaf("granularity", "YYYY-MM-DDThh:mm:ssZ");
      x.Start("description");
      x.Start("oai-identifier");
      x.Attr("xmlns", "http://www.openarchives.org/OAI/2.0/oai-identifier");
      x.Attr("xmlns:xsi", kXsiNs);
      x.Attr("xsi:schemaLocation",
             "http://www.openarchives.org/OAI/2.0/oai-identifier "
             "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd");
      x.Leaf("scheme", "oai");
      x.Leaf("repositoryIdentifier", app_.config.oai_repository_id);
      x.Leaf("delimiter", ":");
      x.Leaf("sampleIdentifier", OaiId("0123456789abcdef"));
      x.End();
      x.End();
    };
    return std::nullopt;
  }

  std::optional<OaiError> ListMetadataFormats() {
    if (args_.contains("identifier") && !Lookup(Arg("identifier"))) {
      if (!internal_.ok()) return std::nullopt;
      return OaiError{"idDoesNotExist", "no record " + Arg("identifier")};
    }
    // Every record, deleted ones included, can be disseminated in both
    // formats, so noMetadataFormats never arises.
    body_ = [](Xml& x) {
      for (const auto& f : kFormats) {
        x.Start("metadataFormat");
        x.Leaf("metadataPrefix", f.prefix);
        x.Leaf("schema", f.schema);
        x.Leaf("metadataNamespace", f.ns);
        x.End();
      }
    };
    return std::nullopt;
  }

  std::optional<OaiError> ListSets() {
    if (args_.contains("resumptionToken")) {
      // The set list comes whole; no token of ours ever continues it.
      return OaiError{"badResumptionToken", "the resumption token is invalid"};
    }
    auto countries = app_.archive.records().DistinctCountries(/*include_restricted=*/false);
    if (!countries.ok()) {
      internal_ = countries.status();
      return std::nullopt;
    }
    body_ = [c = *countries](Xml& x) {
      auto set = [&x](const std::string& spec, const std::string& name) {
        x.Start("set");
        x.Leaf("setSpec", spec);
        x.Leaf("setName", name);
        x.End();
      };
      set("status", "Records by status");
      for (auto s : core::AllArtifactStatuses()) {
        set("status:" + std::string(s), "Status: " + std::string(s));
      }
      set("country", "Records by country of origin");
      for (const auto& cc : c) set("country:" + cc, "Country of origin: " + cc);
    };
    return std::nullopt;
  }

  std::optional<OaiError> GetRecord() {
    const std::string prefix = Arg("metadataPrefix");
    auto rec = Lookup(Arg("identifier"));
    if (!internal_.ok()) return std::nullopt;
    if (!rec) return OaiError{"idDoesNotExist", "no record " + Arg("identifier")};
    if (!KnownFormat(prefix)) {
      return OaiError{"cannotDisseminateFormat",
                      "metadataPrefix " + prefix + " is not supported (oai_dc, lido)"};
    }
    auto lido = Metadata(*rec, prefix);
    if (!lido.ok()) {
      internal_ = lido.status();
      return std::nullopt;
    }
    body_ = [this, r = *rec, prefix, m = *lido](Xml& x) { WriteRecord(x, r, prefix, m); };
    return std::nullopt;
  }

  std::optional<OaiError> List(bool records) {
    query_.include_restricted = false;
    query_.include_deleted = true;
    query_.after_time = list_.after_time;
    query_.after_id = list_.after_id;
    query_.limit = kPageSize + 1;
    auto rows = app_.archive.records().ListModified(query_);
    if (!rows.ok()) {
      internal_ = rows.status();
      return std::nullopt;
    }
    if (rows->empty()) {
      if (resumed_) {
        // Nothing after the token's position any more (the records there
        // changed and moved behind it): end the list.
        body_ = [cursor = list_.cursor](Xml& x) {
          x.Start("resumptionToken");
          x.Attr("cursor", std::to_string(cursor));
          x.End();
        };
        return std::nullopt;
      }
      return OaiError{"noRecordsMatch", "no records match the request"};
    }
    bool more = rows->size() > static_cast<size_t>(kPageSize);
    if (more) rows->resize(kPageSize);
    std::vector<std::string> metadata;
    if (records) {
      for (const auto& r : *rows) {
        auto m = Metadata(r, list_.prefix);
        if (!m.ok()) {
          internal_ = m.status();
          return std::nullopt;
        }
        metadata.push_back(std::move(m).value());
      }
    }
    ListArgs next = list_;
    next.after_time = rows->back().record.updated_at;
    next.after_id = rows->back().record.id;
    next.cursor = list_.cursor + static_cast<int64_t>(rows->size());
    std::string token = more ? TokenEncode(next) : "";
    body_ = [this, records, rows = std::move(rows).value(), metadata = std::move(metadata), token,
             more](Xml& x) {
      for (size_t i = 0; i < rows.size(); ++i) {
        if (records) {
          WriteRecord(x, rows[i], list_.prefix, metadata[i]);
        } else {
          WriteHeader(x, rows[i]);
        }
      }
      if (more || resumed_) {
        x.Start("resumptionToken");
        x.Attr("cursor", std::to_string(list_.cursor));
        if (more) x.Text(token);
        x.End();
      }
    };
    return std::nullopt;
  }

  // The metadata of a live record in `prefix`, pre-rendered where another
  // writer makes it (LIDO); empty for oai_dc and for deleted records.
  Result<std::string> Metadata(const core::ModifiedRecord& r, const std::string& prefix) {
    if (r.deleted || prefix != "lido") return std::string();
    return archive::ArtifactToLidoElement(XmlSafeArtifact(r.record));
  }

  void WriteHeader(Xml& x, const core::ModifiedRecord& r) {
    x.Start("header");
    if (r.deleted) x.Attr("status", "deleted");
    x.Leaf("identifier", OaiId(r.record.id));
    x.Leaf("datestamp", Datestamp(r.record.updated_at));
    x.Leaf("setSpec", "status:" + std::string(core::ToString(r.record.status)));
    if (!r.record.country_of_origin.empty()) {
      x.Leaf("setSpec", "country:" + r.record.country_of_origin);
    }
    x.End();
  }

  void WriteRecord(Xml& x, const core::ModifiedRecord& r, const std::string& prefix,
                   const std::string& lido) {
    x.Start("record");
    WriteHeader(x, r);
    if (!r.deleted) {
      x.Start("metadata");
      if (prefix == "lido") {
        x.Raw(lido);
      } else {
        WriteDublinCore(x, r.record);
      }
      x.End();
    }
    x.End();
  }

  // Simple Dublin Core of the public fields.
  static void WriteDublinCore(Xml& x, const core::Artifact& a) {
    x.Start("oai_dc:dc");
    x.Attr("xmlns:oai_dc", kOaiDcNs);
    x.Attr("xmlns:dc", kDcNs);
    x.Attr("xmlns:xsi", kXsiNs);
    x.Attr("xsi:schemaLocation",
           std::string(kOaiDcNs) + " http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
    x.LeafIf("dc:title", a.title);
    x.LeafIf("dc:creator", a.maker);
    x.LeafIf("dc:subject", a.subject);
    x.LeafIf("dc:description", a.description);
    x.LeafIf("dc:description", a.inscriptions.empty() ? "" : "Inscriptions: " + a.inscriptions);
    x.LeafIf("dc:description", a.provenance_text.empty() ? "" : "Provenance: " + a.provenance_text);
    x.LeafIf("dc:date", a.date.display);
    x.LeafIf("dc:type", a.object_type);
    for (const auto& m : a.materials) x.Leaf("dc:format", m);
    x.LeafIf("dc:format", a.measurements);
    x.Leaf("dc:identifier", a.id);
    for (const auto& i : a.identifiers) x.Leaf("dc:identifier", i.type + ": " + i.value);
    x.LeafIf("dc:language", a.language);
    x.LeafIf("dc:coverage", a.country_of_origin);
    x.LeafIf("dc:coverage", a.culture);
    x.LeafIf("dc:coverage", a.find_spot);
    x.End();
  }

  Result<Reply> Render(const std::string& verb, const std::optional<OaiError>& err) {
    Xml x;
    x.Start("OAI-PMH");
    x.Attr("xmlns", kOaiNs);
    x.Attr("xmlns:xsi", kXsiNs);
    x.Attr("xsi:schemaLocation",
           std::string(kOaiNs) + " http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd");
    x.Leaf("responseDate", Datestamp(core::FormatRfc3339Millis(app_.clock.NowMillis())));
    x.Start("request");
    // After badVerb or badArgument the request element carries no attributes.
    if (!err || (err->code != "badVerb" && err->code != "badArgument")) {
      for (const auto& [k, v] : args_) x.Attr(k.c_str(), v);
    }
    x.Text(BaseUrl());
    x.End();
    if (err) {
      x.Start("error");
      x.Attr("code", err->code);
      x.Text(err->message);
      x.End();
    } else {
      x.Start(verb.c_str());
      if (body_) body_(x);
      x.End();
    }
    x.End();
    CUSTOS_ASSIGN_OR_RETURN(std::string xml, x.Finish());
    Reply r;
    r.content_type = "text/xml; charset=utf-8";
    r.body = std::move(xml);
    return r;
  }

  App& app_;
  RequestContext& ctx_;
  Args args_;
  ListArgs list_;
  core::ModifiedQuery query_;
  bool resumed_ = false;
  std::function<void(Xml&)> body_;
  Status internal_;  // a storage failure: answered 500, not as an OAI error
};

Result<Args> ReadArgs(RequestContext& ctx) {
  auto& req = ctx.request;
  Args args;
  Poco::Net::HTMLForm form;
  form.setFieldLimit(50);
  try {
    if (req.getMethod() == "POST") {
      Poco::Net::MediaType type(req.getContentType());
      if (!type.matches("application", "x-www-form-urlencoded")) {
        return Status(core::StatusCode::kUnsupportedMediaType,
                      "OAI-PMH POST requests are application/x-www-form-urlencoded");
      }
      constexpr int64_t kMax = 64 << 10;
      if (!req.hasContentLength() || req.getContentLength64() > kMax) {
        return Status::TooLarge("the request body is too large (64 KiB at most)");
      }
      // The form holds the body's arguments only (not the URL's).
      Poco::Net::HTTPRequest body_only(req.getMethod(), "/oai", req.getVersion());
      body_only.setContentType(req.getContentType());
      body_only.setContentLength64(req.getContentLength64());
      form.load(body_only, req.stream());
      ctx.body_consumed = true;
    } else {
      form.load(req);
    }
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("malformed OAI-PMH request: " + e.displayText());
  }
  for (const auto& [k, v] : form) args.emplace(k, v);
  return args;
}

Result<Reply> Handle(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(Args args, ReadArgs(ctx));
  Oai oai(app, ctx, std::move(args));
  return oai.Respond();
}

}  // namespace

void AddOaiRoutes(Router& router, App& app) {
  router.Add("GET", "/oai", [&app](RequestContext& c) { return Handle(app, c); });
  router.Add("POST", "/oai", [&app](RequestContext& c) { return Handle(app, c); });
}

}  // namespace custos::web
