// The provenance model: names of methods and certainties, the table of
// acquisition phrases, equality, and JSON in and out.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

#include "custos/core/provenance.h"
#include "provenance_text.h"

namespace custos::core {
namespace provenance_internal {
namespace {

struct PhraseEntry {
  std::string_view phrase;
  AcquisitionMethod method;
  PhraseObject object;
  bool standalone = false;
};

using M = AcquisitionMethod;
using O = PhraseObject;

// The first entry of each method is its canonical phrase.
constexpr std::array kPhrases = {
    PhraseEntry{"purchased by", M::kPurchase, O::kParty},
    PhraseEntry{"bought by", M::kPurchase, O::kParty},
    PhraseEntry{"purchased at auction by", M::kPurchase, O::kParty},
    // "Purchased from X": X sold it, and X is the party of the period.
    PhraseEntry{"purchased from", M::kPurchase, O::kParty},
    PhraseEntry{"bought from", M::kPurchase, O::kParty},
    PhraseEntry{"sold to", M::kSale, O::kParty},
    PhraseEntry{"gift to", M::kGift, O::kParty},
    PhraseEntry{"given to", M::kGift, O::kParty},
    PhraseEntry{"donated to", M::kGift, O::kParty},
    PhraseEntry{"presented to", M::kGift, O::kParty},
    PhraseEntry{"bequest to", M::kBequest, O::kParty},
    PhraseEntry{"bequeathed to", M::kBequest, O::kParty},
    PhraseEntry{"by inheritance to", M::kInheritance, O::kParty},
    PhraseEntry{"inherited by", M::kInheritance, O::kParty},
    PhraseEntry{"by descent to", M::kDescent, O::kParty},
    PhraseEntry{"by descent through", M::kDescent, O::kParty},
    PhraseEntry{"excavated at", M::kExcavation, O::kPlace},
    PhraseEntry{"excavated in", M::kExcavation, O::kPlace},
    PhraseEntry{"excavated from", M::kExcavation, O::kPlace},
    PhraseEntry{"excavated near", M::kExcavation, O::kPlace},
    PhraseEntry{"excavated by", M::kExcavation, O::kParty},
    PhraseEntry{"excavated", M::kExcavation, O::kPlace, true},
    PhraseEntry{"found at", M::kFind, O::kPlace},
    PhraseEntry{"found in", M::kFind, O::kPlace},
    PhraseEntry{"found near", M::kFind, O::kPlace},
    PhraseEntry{"found by", M::kFind, O::kParty},
    PhraseEntry{"found", M::kFind, O::kPlace, true},
    PhraseEntry{"discovered at", M::kFind, O::kPlace},
    PhraseEntry{"discovered in", M::kFind, O::kPlace},
    PhraseEntry{"discovered near", M::kFind, O::kPlace},
    PhraseEntry{"discovered by", M::kFind, O::kParty},
    PhraseEntry{"discovered", M::kFind, O::kPlace, true},
    PhraseEntry{"seized by", M::kSeizure, O::kParty},
    PhraseEntry{"impounded by", M::kSeizure, O::kParty},
    PhraseEntry{"seized", M::kSeizure, O::kPlace, true},
    PhraseEntry{"stolen by", M::kTheft, O::kParty},
    PhraseEntry{"stolen from", M::kTheft, O::kParty},
    PhraseEntry{"stolen", M::kTheft, O::kPlace, true},
    PhraseEntry{"looted by", M::kLooting, O::kParty},
    PhraseEntry{"looted from", M::kLooting, O::kParty},
    PhraseEntry{"plundered by", M::kLooting, O::kParty},
    PhraseEntry{"looted", M::kLooting, O::kPlace, true},
    PhraseEntry{"consigned to", M::kConsignment, O::kParty},
    PhraseEntry{"exchanged with", M::kExchange, O::kParty},
    PhraseEntry{"by exchange to", M::kExchange, O::kParty},
    PhraseEntry{"traded to", M::kExchange, O::kParty},
    PhraseEntry{"confiscated by", M::kConfiscation, O::kParty},
    PhraseEntry{"confiscated from", M::kConfiscation, O::kParty},
    PhraseEntry{"confiscated", M::kConfiscation, O::kPlace, true},
    PhraseEntry{"sold at auction", M::kAuction, O::kParty, true},
    PhraseEntry{"sold at auction to", M::kAuction, O::kParty},
    PhraseEntry{"auctioned by", M::kAuction, O::kParty},
    PhraseEntry{"auctioned", M::kAuction, O::kParty, true},
    PhraseEntry{"sale", M::kAuction, O::kParty, true},
    PhraseEntry{"acquired by", M::kAcquisition, O::kParty},
    PhraseEntry{"acquired from", M::kAcquisition, O::kParty},
    PhraseEntry{"transferred to", M::kTransfer, O::kParty},
    PhraseEntry{"restituted to", M::kRestitution, O::kParty},
    PhraseEntry{"returned to", M::kRestitution, O::kParty},
    PhraseEntry{"repatriated to", M::kRestitution, O::kParty},
    PhraseEntry{"lent to", M::kLoan, O::kParty},
    PhraseEntry{"loaned to", M::kLoan, O::kParty},
    PhraseEntry{"on loan to", M::kLoan, O::kParty},
    PhraseEntry{"deposited with", M::kDeposit, O::kParty},
    PhraseEntry{"commissioned by", M::kCommission, O::kParty},
};

}  // namespace

std::optional<PhraseMatch> MatchAcquisitionPhrase(std::string_view lower) {
  const PhraseEntry* best = nullptr;
  for (const PhraseEntry& e : kPhrases) {
    if (lower.size() < e.phrase.size() || lower.substr(0, e.phrase.size()) != e.phrase) continue;
    const bool at_end = lower.size() == e.phrase.size();
    if (!at_end && lower[e.phrase.size()] != ' ') continue;
    // A standalone phrase must be the whole segment ("Found Objects Ltd" is a name).
    if (e.standalone && !at_end) continue;
    if (!best || e.phrase.size() > best->phrase.size()) best = &e;
  }
  if (!best) return std::nullopt;
  return PhraseMatch{best->method, best->phrase, best->object, best->standalone};
}

PhraseMatch PhraseInfo(std::string_view phrase) {
  const std::string lower = AsciiLower(phrase);
  for (const PhraseEntry& e : kPhrases) {
    if (e.phrase == lower) return {e.method, e.phrase, e.object, e.standalone};
  }
  return {AcquisitionMethod::kUnknown, phrase, PhraseObject::kParty, false};
}

}  // namespace provenance_internal

using namespace provenance_internal;
using nlohmann::json;

namespace {

constexpr std::array<std::pair<AcquisitionMethod, std::string_view>, 22> kMethodNames = {{
    {M::kUnknown, "unknown"},
    {M::kPurchase, "purchase"},
    {M::kSale, "sale"},
    {M::kGift, "gift"},
    {M::kBequest, "bequest"},
    {M::kInheritance, "inheritance"},
    {M::kDescent, "descent"},
    {M::kExcavation, "excavation"},
    {M::kFind, "find"},
    {M::kSeizure, "seizure"},
    {M::kTheft, "theft"},
    {M::kLooting, "looting"},
    {M::kConsignment, "consignment"},
    {M::kExchange, "exchange"},
    {M::kConfiscation, "confiscation"},
    {M::kAuction, "auction"},
    {M::kAcquisition, "acquisition"},
    {M::kTransfer, "transfer"},
    {M::kRestitution, "restitution"},
    {M::kLoan, "loan"},
    {M::kDeposit, "deposit"},
    {M::kCommission, "commission"},
}};

}  // namespace

std::string_view AcquisitionMethodName(AcquisitionMethod method) {
  for (const auto& [m, name] : kMethodNames) {
    if (m == method) return name;
  }
  return "unknown";
}

std::optional<AcquisitionMethod> AcquisitionMethodFromName(std::string_view name) {
  for (const auto& [m, n] : kMethodNames) {
    if (n == name) return m;
  }
  return std::nullopt;
}

std::string_view CanonicalAcquisitionPhrase(AcquisitionMethod method) {
  for (const auto& e : provenance_internal::kPhrases) {
    if (e.method == method) return e.phrase;
  }
  return "";
}

std::optional<AcquisitionMethod> AcquisitionMethodOfPhrase(std::string_view phrase) {
  const std::string lower = CollapseSpace(AsciiLower(phrase));
  for (const auto& e : provenance_internal::kPhrases) {
    if (e.phrase == lower) return e.method;
  }
  return std::nullopt;
}

std::string_view CertaintyName(Certainty certainty) {
  switch (certainty) {
    case Certainty::kProbable:
      return "probable";
    case Certainty::kPossible:
      return "possible";
    case Certainty::kCertain:
      break;
  }
  return "certain";
}

std::optional<Certainty> CertaintyFromName(std::string_view name) {
  if (name == "certain") return Certainty::kCertain;
  if (name == "probable") return Certainty::kProbable;
  if (name == "possible") return Certainty::kPossible;
  return std::nullopt;
}

bool SamePeriod(const ProvenancePeriod& a, const ProvenancePeriod& b) {
  if (a.unparsed || b.unparsed) return a == b;
  ProvenancePeriod x = a;
  x.raw = b.raw;
  return x == b;
}

// ---- JSON out --------------------------------------------------------------

namespace {

json OptionalDay(const std::optional<std::string>& d) { return d ? json(*d) : json(nullptr); }

}  // namespace

json ProvenancePeriodToJson(const ProvenancePeriod& p) {
  json j = json::object();
  j["party"] = {{"name", p.party.name},
                {"life_dates", p.party.life_dates},
                {"is_dealer", p.party.is_dealer},
                {"uncertain", p.party.uncertain}};
  j["role"] = p.role;
  j["place"] = p.place;
  j["method"] = AcquisitionMethodName(p.method);
  j["method_phrase"] = p.method_phrase;
  j["certainty"] = CertaintyName(p.certainty);
  j["date_text"] = p.date_text;
  j["date_certainty"] = CertaintyName(p.date_certainty);
  j["begin_of_the_begin"] = OptionalDay(p.begin_of_the_begin);
  j["end_of_the_begin"] = OptionalDay(p.end_of_the_begin);
  j["begin_of_the_end"] = OptionalDay(p.begin_of_the_end);
  j["end_of_the_end"] = OptionalDay(p.end_of_the_end);
  j["lot"] = p.lot;
  j["direct_transfer"] = p.direct_transfer;
  j["footnotes"] = p.footnotes;
  j["documents"] = p.documents;
  j["unparsed"] = p.unparsed;
  j["raw"] = p.raw;
  return j;
}

json ProvenanceToJson(const Provenance& p) {
  json periods = json::array();
  for (const auto& period : p.periods) periods.push_back(ProvenancePeriodToJson(period));
  json notes = json::array();
  for (const auto& n : p.footnotes) {
    notes.push_back({{"number", n.number}, {"text", n.text}, {"documents", n.documents}});
  }
  return {
      {"periods", std::move(periods)}, {"footnotes", std::move(notes)}, {"warnings", p.warnings}};
}

// ---- JSON in ---------------------------------------------------------------

namespace {

Status Bad(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(field + ": " + message, field);
}

Status CheckKeys(const json& obj, std::initializer_list<std::string_view> keys,
                 const std::string& path) {
  if (!obj.is_object()) return Bad(path, "must be an object");
  for (const auto& [key, value] : obj.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Bad(path + "." + key, "unknown field");
    }
  }
  return Status::Ok();
}

Status ReadString(const json& obj, std::string_view key, const std::string& path,
                  std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  const std::string field = path + "." + std::string(key);
  if (!it->is_string()) return Bad(field, "must be a string");
  const std::string& s = it->get_ref<const std::string&>();
  if (!IsValidUtf8(s)) return Bad(field, "must be valid UTF-8");
  if (s.size() > 100000) return Bad(field, "is too long");
  *out = s;
  return Status::Ok();
}

Status ReadBool(const json& obj, std::string_view key, const std::string& path, bool* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  if (!it->is_boolean()) return Bad(path + "." + std::string(key), "must be true or false");
  *out = it->get<bool>();
  return Status::Ok();
}

Status ReadDay(const json& obj, std::string_view key, const std::string& path,
               std::optional<std::string>* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  const std::string field = path + "." + std::string(key);
  if (!it->is_string() || !IsoDayToDayNumber(it->get_ref<const std::string&>())) {
    return Bad(field,
               "must be null or an ISO day like \"1968-06-03\" (\"-0499-01-01\" for 500 BCE)");
  }
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadCertainty(const json& obj, std::string_view key, const std::string& path, Certainty* out,
                     bool* present) {
  std::string name;
  CUSTOS_RETURN_IF_ERROR(ReadString(obj, key, path, &name));
  *present = obj.contains(key);
  if (!*present) return Status::Ok();
  auto c = CertaintyFromName(name);
  if (!c) return Bad(path + "." + std::string(key), "must be certain, probable or possible");
  *out = *c;
  return Status::Ok();
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

Status ReadDocuments(const json& obj, const std::string& path, std::vector<std::string>* out) {
  auto it = obj.find("documents");
  if (it == obj.end()) return Status::Ok();
  const std::string field = path + ".documents";
  if (!it->is_array()) return Bad(field, "must be an array of SHA-256 hex strings");
  out->clear();
  for (size_t k = 0; k < it->size(); ++k) {
    const json& d = (*it)[k];
    if (!d.is_string() || !IsSha256Hex(d.get_ref<const std::string&>())) {
      return Bad(field + "[" + std::to_string(k) + "]", "must be 64 hex digits (SHA-256)");
    }
    const std::string hex = AsciiLower(d.get<std::string>());
    if (std::find(out->begin(), out->end(), hex) == out->end()) out->push_back(hex);
  }
  return Status::Ok();
}

std::optional<std::string> FirstDifference(const ProvenancePeriod& a, const ProvenancePeriod& b) {
  if (a.role != b.role) return "role";
  if (a.party.name != b.party.name) return "party.name";
  if (a.party.life_dates != b.party.life_dates) return "party.life_dates";
  if (a.party.is_dealer != b.party.is_dealer) return "party.is_dealer";
  if (a.party.uncertain != b.party.uncertain) return "party.uncertain";
  if (a.place != b.place) return "place";
  if (a.method != b.method) return "method";
  if (a.method_phrase != b.method_phrase) return "method_phrase";
  if (a.certainty != b.certainty) return "certainty";
  if (a.date_text != b.date_text) return "date_text";
  if (a.date_certainty != b.date_certainty) return "date_certainty";
  if (a.begin_of_the_begin != b.begin_of_the_begin) return "begin_of_the_begin";
  if (a.end_of_the_begin != b.end_of_the_begin) return "end_of_the_begin";
  if (a.begin_of_the_end != b.begin_of_the_end) return "begin_of_the_end";
  if (a.end_of_the_end != b.end_of_the_end) return "end_of_the_end";
  if (a.lot != b.lot) return "lot";
  if (a.footnotes != b.footnotes) return "footnotes";
  if (a.documents != b.documents) return "documents";
  if (a.direct_transfer != b.direct_transfer) return "direct_transfer";
  return std::nullopt;
}

Result<ProvenancePeriod> PeriodFromJson(const json& j, const std::string& path,
                                        std::vector<std::string>* warnings) {
  CUSTOS_RETURN_IF_ERROR(CheckKeys(
      j,
      {"party", "role", "place", "method", "method_phrase", "certainty", "date_text",
       "date_certainty", "begin_of_the_begin", "end_of_the_begin", "begin_of_the_end",
       "end_of_the_end", "lot", "direct_transfer", "footnotes", "documents", "unparsed", "raw"},
      path));
  ProvenancePeriod p;
  if (auto it = j.find("party"); it != j.end()) {
    const std::string pp = path + ".party";
    CUSTOS_RETURN_IF_ERROR(CheckKeys(*it, {"name", "life_dates", "is_dealer", "uncertain"}, pp));
    CUSTOS_RETURN_IF_ERROR(ReadString(*it, "name", pp, &p.party.name));
    CUSTOS_RETURN_IF_ERROR(ReadString(*it, "life_dates", pp, &p.party.life_dates));
    CUSTOS_RETURN_IF_ERROR(ReadBool(*it, "is_dealer", pp, &p.party.is_dealer));
    CUSTOS_RETURN_IF_ERROR(ReadBool(*it, "uncertain", pp, &p.party.uncertain));
  }
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "role", path, &p.role));
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "place", path, &p.place));
  std::string method_name;
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "method", path, &method_name));
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "method_phrase", path, &p.method_phrase));
  if (j.contains("method")) {
    auto m = AcquisitionMethodFromName(method_name);
    if (!m) return Bad(path + ".method", "unknown acquisition method \"" + method_name + "\"");
    p.method = *m;
  }
  if (!p.method_phrase.empty()) {
    auto m = AcquisitionMethodOfPhrase(p.method_phrase);
    if (!m) return Bad(path + ".method_phrase", "unknown acquisition phrase");
    if (j.contains("method") && *m != p.method) {
      return Bad(path + ".method_phrase", "does not match method \"" + method_name + "\"");
    }
    p.method = *m;
    p.method_phrase = CollapseSpace(AsciiLower(p.method_phrase));
  } else {
    p.method_phrase = std::string(CanonicalAcquisitionPhrase(p.method));
  }
  bool has_certainty = false, has_date_certainty = false;
  CUSTOS_RETURN_IF_ERROR(ReadCertainty(j, "certainty", path, &p.certainty, &has_certainty));
  CUSTOS_RETURN_IF_ERROR(
      ReadCertainty(j, "date_certainty", path, &p.date_certainty, &has_date_certainty));
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "date_text", path, &p.date_text));
  CUSTOS_RETURN_IF_ERROR(ReadDay(j, "begin_of_the_begin", path, &p.begin_of_the_begin));
  CUSTOS_RETURN_IF_ERROR(ReadDay(j, "end_of_the_begin", path, &p.end_of_the_begin));
  CUSTOS_RETURN_IF_ERROR(ReadDay(j, "begin_of_the_end", path, &p.begin_of_the_end));
  CUSTOS_RETURN_IF_ERROR(ReadDay(j, "end_of_the_end", path, &p.end_of_the_end));
  {
    const auto d = [](const std::optional<std::string>& s) -> std::optional<int64_t> {
      return s ? IsoDayToDayNumber(*s) : std::nullopt;
    };
    const auto b0 = d(p.begin_of_the_begin), b1 = d(p.end_of_the_begin);
    const auto e0 = d(p.begin_of_the_end), e1 = d(p.end_of_the_end);
    if (b0 && b1 && *b0 > *b1)
      return Bad(path + ".end_of_the_begin", "is before begin_of_the_begin");
    if (e0 && e1 && *e0 > *e1) return Bad(path + ".end_of_the_end", "is before begin_of_the_end");
    if (b0 && e1 && *b0 > *e1) return Bad(path + ".end_of_the_end", "is before begin_of_the_begin");
  }
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "lot", path, &p.lot));
  CUSTOS_RETURN_IF_ERROR(ReadBool(j, "direct_transfer", path, &p.direct_transfer));
  if (auto it = j.find("footnotes"); it != j.end()) {
    if (!it->is_array()) return Bad(path + ".footnotes", "must be an array of numbers");
    for (size_t k = 0; k < it->size(); ++k) {
      const json& n = (*it)[k];
      if (!n.is_number_integer() || n.get<int64_t>() < 1 || n.get<int64_t>() > 999) {
        return Bad(path + ".footnotes[" + std::to_string(k) + "]", "must be a number 1..999");
      }
      const int v = n.get<int>();
      if (std::find(p.footnotes.begin(), p.footnotes.end(), v) == p.footnotes.end()) {
        p.footnotes.push_back(v);
      }
    }
  }
  CUSTOS_RETURN_IF_ERROR(ReadDocuments(j, path, &p.documents));
  CUSTOS_RETURN_IF_ERROR(ReadBool(j, "unparsed", path, &p.unparsed));
  CUSTOS_RETURN_IF_ERROR(ReadString(j, "raw", path, &p.raw));
  if (p.unparsed) {
    if (Trim(p.raw).empty()) return Bad(path + ".raw", "an unparsed period needs its text");
    return p;
  }

  // Dates: the bounds are authoritative; date_text must read back as them.
  p.date_text = CollapseSpace(p.date_text);
  const bool has_bounds =
      p.begin_of_the_begin || p.end_of_the_begin || p.begin_of_the_end || p.end_of_the_end;
  std::optional<DateBounds> from_text;
  if (!p.date_text.empty()) from_text = ParseProvenanceDate(p.date_text);
  if (!has_bounds && !p.date_text.empty()) {
    if (!from_text) return Bad(path + ".date_text", "is not a date phrase this archive can read");
    p.begin_of_the_begin = from_text->begin_of_the_begin;
    p.end_of_the_begin = from_text->end_of_the_begin;
    p.begin_of_the_end = from_text->begin_of_the_end;
    p.end_of_the_end = from_text->end_of_the_end;
    if (!has_date_certainty) p.date_certainty = from_text->certainty;
  }
  const DateBounds bounds{p.begin_of_the_begin, p.end_of_the_begin, p.begin_of_the_end,
                          p.end_of_the_end, p.date_certainty};
  if (!from_text || *from_text != bounds) {
    const std::string written = FormatProvenanceDate(bounds);
    if (!p.date_text.empty()) {
      warnings->push_back(path + ".date_text: \"" + p.date_text +
                          "\" does not match the date bounds; written as \"" + written + "\"");
    }
    p.date_text = written;
  }
  if (p.date_text.empty()) p.date_certainty = Certainty::kCertain;

  // What the text form cannot carry would be lost on the next render: read
  // the rendered period back and name the first field that changed.
  const std::string text = RenderProvenancePeriod(p);
  const Provenance back = ParseProvenance(text + (p.direct_transfer ? ";" : "."));
  if (back.periods.size() != 1) {
    return Bad(path, "cannot be written as one period of provenance text: \"" + text + "\"");
  }
  if (back.periods[0].unparsed) {
    return Bad(path, "cannot be written as provenance text that reads back (\"" + text + "\")");
  }
  if (auto field = FirstDifference(p, back.periods[0])) {
    return Bad(path + "." + *field, "cannot be written in the provenance text form (\"" + text +
                                        "\" reads back differently)");
  }
  if (p.raw.empty()) p.raw = text;
  return p;
}

}  // namespace

Result<Provenance> ProvenanceFromJson(const json& input) {
  Provenance out;
  const json* periods = &input;
  std::string prefix = "provenance";
  if (input.is_object()) {
    CUSTOS_RETURN_IF_ERROR(CheckKeys(input, {"periods", "footnotes", "warnings"}, "provenance"));
    static const json kEmpty = json::array();
    periods = input.contains("periods") ? &input["periods"] : &kEmpty;
    prefix = "provenance.periods";
    if (auto it = input.find("footnotes"); it != input.end()) {
      if (!it->is_array()) return Bad("provenance.footnotes", "must be an array");
      std::set<int> seen;
      for (size_t k = 0; k < it->size(); ++k) {
        const std::string path = "provenance.footnotes[" + std::to_string(k) + "]";
        const json& f = (*it)[k];
        CUSTOS_RETURN_IF_ERROR(CheckKeys(f, {"number", "text", "documents"}, path));
        ProvenanceFootnote note;
        auto n = f.find("number");
        if (n == f.end() || !n->is_number_integer() || n->get<int64_t>() < 0 ||
            n->get<int64_t>() > 999) {
          return Bad(path + ".number", "must be a number 0..999");
        }
        note.number = n->get<int>();
        if (!seen.insert(note.number).second) return Bad(path + ".number", "is repeated");
        CUSTOS_RETURN_IF_ERROR(ReadString(f, "text", path, &note.text));
        note.text = CollapseSpace(note.text);
        std::vector<std::string> given;
        CUSTOS_RETURN_IF_ERROR(ReadDocuments(f, path, &given));
        for (auto [b, e] : FindSha256(note.text)) {
          const std::string hex = AsciiLower(note.text.substr(b, e - b));
          if (std::find(note.documents.begin(), note.documents.end(), hex) ==
              note.documents.end()) {
            note.documents.push_back(hex);
          }
        }
        for (size_t d = 0; d < given.size(); ++d) {
          if (std::find(note.documents.begin(), note.documents.end(), given[d]) ==
              note.documents.end()) {
            return Bad(path + ".documents[" + std::to_string(d) + "]",
                       "is not cited in the footnote text");
          }
        }
        out.footnotes.push_back(std::move(note));
      }
      std::sort(out.footnotes.begin(), out.footnotes.end(),
                [](const auto& a, const auto& b) { return a.number < b.number; });
      Provenance notes_only;
      notes_only.footnotes = out.footnotes;
      const Provenance back = ParseProvenance(RenderProvenance(notes_only));
      for (size_t k = 0; k < out.footnotes.size(); ++k) {
        if (k >= back.footnotes.size() || back.footnotes[k] != out.footnotes[k]) {
          return Bad("provenance.footnotes[" + std::to_string(k) + "].text",
                     "cannot be written in the NOTES section (it holds a note marker)");
        }
      }
    }
    if (auto it = input.find("warnings"); it != input.end()) {
      if (!it->is_array()) return Bad("provenance.warnings", "must be an array of strings");
      for (size_t k = 0; k < it->size(); ++k) {
        if (!(*it)[k].is_string()) {
          return Bad("provenance.warnings[" + std::to_string(k) + "]", "must be a string");
        }
        out.warnings.push_back((*it)[k].get<std::string>());
      }
    }
  }
  if (!periods->is_array()) return Bad(prefix, "must be an array of periods");
  for (size_t i = 0; i < periods->size(); ++i) {
    CUSTOS_ASSIGN_OR_RETURN(
        ProvenancePeriod p,
        PeriodFromJson((*periods)[i], prefix + "[" + std::to_string(i) + "]", &out.warnings));
    out.periods.push_back(std::move(p));
  }
  return out;
}

}  // namespace custos::core
