#include "schema.h"

#include <cctype>
#include <set>

#include "custos/core/party.h"
#include "custos/indexer/xapian_search_index.h"

namespace custos::indexer {

std::string NormaliseIdentifier(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (Xapian::Utf8Iterator it(value.data(), value.size()); it != Xapian::Utf8Iterator(); ++it) {
    unsigned ch = *it;
    switch (Xapian::Unicode::get_category(ch)) {
      case Xapian::Unicode::UPPERCASE_LETTER:
      case Xapian::Unicode::LOWERCASE_LETTER:
      case Xapian::Unicode::TITLECASE_LETTER:
      case Xapian::Unicode::MODIFIER_LETTER:
      case Xapian::Unicode::OTHER_LETTER:
      case Xapian::Unicode::DECIMAL_DIGIT_NUMBER:
      case Xapian::Unicode::LETTER_NUMBER:
      case Xapian::Unicode::OTHER_NUMBER:
        Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(ch));
        break;
      default:
        break;
    }
  }
  return out;
}

namespace {
// Signed century number: +19 for 1800..1899, -5 for -500..-401; never 0.
int CenturyNumber(int year) {
  if (year > 0) return year / 100 + 1;
  int bce = year == 0 ? 1 : -year;
  return -((bce - 1) / 100 + 1);
}

std::string CenturyName(int c) {
  std::string digits = std::to_string(c < 0 ? -c : c);
  if (digits.size() < 2) digits.insert(0, "0");
  return std::string("c") + (c < 0 ? "-" : "+") + digits;
}
}  // namespace

std::string CenturyKey(int year) { return CenturyName(CenturyNumber(year)); }

namespace schema {

const std::vector<Facet>& Facets() {
  static const std::vector<Facet> kFacets = {
      {core::kFacetStatus, kStatus, false, false}, {core::kFacetCountry, kCountry, false, true},
      {core::kFacetType, kType, false, false},     {core::kFacetMaterial, kMaterial, true, false},
      {core::kFacetFlag, kFlag, true, false},      {core::kFacetCentury, kCentury, true, false},
      {core::kFacetParty, kParty, true, false},
  };
  return kFacets;
}

const Facet* FindFacet(std::string_view name) {
  for (const auto& f : Facets()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
    Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(*it));
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
    Xapian::Unicode::append_utf8(out, Xapian::Unicode::toupper(*it));
  }
  return out;
}

std::string FacetValue(const Facet& f, std::string_view raw) {
  size_t b = 0, e = raw.size();
  while (b < e && std::isspace(static_cast<unsigned char>(raw[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(raw[e - 1]))) --e;
  std::string v = f.upper ? Upper(raw.substr(b, e - b)) : Lower(raw.substr(b, e - b));
  std::erase(v, kMultiSep);
  std::erase(v, kFacetSep);
  return v;
}

std::string IdTerm(std::string_view id) { return std::string(kIdTerm) + std::string(id); }

std::vector<std::string> CenturyKeys(std::optional<int> earliest, std::optional<int> latest) {
  if (!earliest && !latest) return {};
  int lo = CenturyNumber(earliest ? *earliest : *latest);
  int hi = CenturyNumber(latest ? *latest : *earliest);
  if (lo > hi) std::swap(lo, hi);
  // Centuries run ... -2, -1, +1, +2 ...: there is no century 0.
  int span = hi - lo + 1 - (lo < 0 && hi > 0 ? 1 : 0);
  if (span > 30) return {};
  std::vector<std::string> keys;
  for (int c = lo; c <= hi; ++c) {
    if (c != 0) keys.push_back(CenturyName(c));
  }
  return keys;
}

Xapian::Stem StemmerFor(std::string_view language) {
  // A fresh object every time: copies of a Xapian::Stem share one
  // implementation with a scratch buffer, so they must not cross threads.
  if (language.empty() || language == "en") return Xapian::Stem("en");
  try {
    return Xapian::Stem(std::string(language));
  } catch (const Xapian::Error&) {
    return Xapian::Stem("en");  // no stemmer for this language
  }
}

namespace {

// The period dates the provenance parser derives from date_text (ISO days):
// the year is in date_text already, and the rest only adds "01" and "31".
bool IsDerivedDateKey(std::string_view key) {
  return key == "begin_of_the_begin" || key == "end_of_the_begin" || key == "begin_of_the_end" ||
         key == "end_of_the_end";
}

// Appends the strings of the structured provenance that `text_lower` (the
// provenance text, lower-cased) does not already hold, one per line. Every
// save derives the structure from the text or the text from the structure
// (core::DeriveArtifactFields), so each period's raw text, party, place,
// date text and phrase are usually substrings of the text, indexed with it;
// indexing them again doubled the provenance terms of a record and was about
// a tenth of the work of indexing it, without finding anything more.
void CollectNewStrings(const nlohmann::json& j, const std::string& text_lower, std::string& out) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.empty() || text_lower.find(Lower(s)) != std::string::npos) return;
    out += s;
    out += '\n';
  } else if (j.is_object()) {
    for (const auto& [key, v] : j.items()) {
      if (!IsDerivedDateKey(key)) CollectNewStrings(v, text_lower, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) CollectNewStrings(v, text_lower, out);
  }
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

BuiltDocument BuildDocument(const core::IndexedArtifact& in, Xapian::TermGenerator& tg) {
  const core::Artifact& a = in.artifact;
  BuiltDocument out;
  out.is_public = a.visibility == core::Visibility::kPublic;
  Xapian::Document& doc = out.doc;
  tg.set_document(doc);
  const Xapian::Stem stem = StemmerFor(a.language);
  const Xapian::Stem english = StemmerFor("en");
  // Queries are stemmed in English unless they say otherwise, so a record in
  // another language also gets English stems (Z terms, no positions) of its
  // unprefixed text: "figuren" then finds a German record in an English
  // query, and "figur" in a German one.
  const bool also_english = stem.get_description() != english.get_description();
  tg.set_stemmer(stem);
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);

  // Each field gets its own stretch of positions, so phrases and NEAR do not
  // match across fields.
  auto text = [&](std::string_view t, Xapian::termcount wdf, const char* prefix) {
    if (t.empty()) return;
    std::string s(t);
    if (prefix != nullptr) {
      tg.index_text(s, wdf, prefix);
      tg.increase_termpos(100);
    }
    tg.index_text(s, wdf);
    tg.increase_termpos(100);
    if (also_english) {
      tg.set_stemmer(english);
      tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
      tg.index_text_without_positions(s, wdf);
      tg.set_stemmer(stem);
      tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    }
  };

  text(a.title, 3, kTitle);
  text(a.maker, 1, kMaker);
  for (const auto& m : a.materials) text(m, 1, kMaterialText);
  for (const auto& id : a.identifiers) text(id.value, 1, kIdentifierText);
  text(a.description, 1, nullptr);
  text(a.inscriptions, 1, nullptr);
  text(a.distinguishing_features, 1, nullptr);
  text(a.subject, 1, nullptr);
  text(a.culture, 1, nullptr);
  text(a.find_spot, 1, nullptr);
  text(a.object_type, 1, nullptr);
  for (const auto& t : a.techniques) text(t, 1, nullptr);
  text(a.provenance_text, 1, kProvenance);
  std::string parties;
  CollectNewStrings(a.provenance, Lower(a.provenance_text), parties);
  text(parties, 1, kProvenance);
  // Further names of the record's parties (curator aliases, other spellings
  // of a merged party): searching any of them finds the record.
  for (const auto& name : in.party_names) text(name, 1, kProvenance);

  nlohmann::json docs = nlohmann::json::array();
  for (const auto& d : in.documents) {
    if (d.restricted || d.text.empty()) continue;
    text(d.text, 1, kDocText);
    docs.push_back({{"sha256", d.sha256}, {"kind", d.kind}, {"page", d.page}, {"text", d.text}});
  }

  // Boolean terms.
  doc.add_boolean_term(IdTerm(a.id));
  doc.add_boolean_term(std::string(kVisibility) + std::string(core::ToString(a.visibility)));
  std::set<std::string> seen_ids;
  for (const auto& id : a.identifiers) {
    std::string n = NormaliseIdentifier(id.value);
    if (!n.empty() && seen_ids.insert(n).second) doc.add_boolean_term(kIdentifier + n);
  }

  std::vector<std::string> flags;
  if (a.flags.is_array()) {
    for (const auto& f : a.flags) {
      if (f.is_object() && f.contains("rule") && f["rule"].is_string()) {
        flags.push_back(f["rule"].get<std::string>());
      }
    }
  }
  std::vector<std::string> centuries = CenturyKeys(a.date.earliest, a.date.latest);
  // The parties named in the provenance periods, by their normal form, so
  // that "J. Smith & Co." and "j smith" are one facet value.
  std::vector<std::string> parties_named;
  for (const auto& m : core::ExtractPartyMentions(a, {})) parties_named.push_back(m.key);
  auto facet_values = [&](const Facet& f) -> std::vector<std::string> {
    if (f.name == core::kFacetStatus) return {std::string(core::ToString(a.status))};
    if (f.name == core::kFacetCountry) return {a.country_of_origin};
    if (f.name == core::kFacetType) return {a.object_type};
    if (f.name == core::kFacetMaterial) return a.materials;
    if (f.name == core::kFacetFlag) return flags;
    if (f.name == core::kFacetParty) return parties_named;
    return centuries;
  };
  std::string packed;
  bool first_facet = true;
  for (const auto& f : Facets()) {
    if (!first_facet) packed += kFacetSep;
    first_facet = false;
    std::set<std::string> values;
    for (const auto& raw : facet_values(f)) {
      std::string v = FacetValue(f, raw);
      if (!v.empty() && v.size() < 200) values.insert(v);
    }
    bool first_value = true;
    for (const auto& v : values) {
      doc.add_boolean_term(f.prefix + v);
      if (!first_value) packed += kMultiSep;
      first_value = false;
      packed += v;
      if (!f.multi) break;
    }
  }
  doc.add_value(kSlotFacets, packed);

  // Date slots.
  std::optional<int> lo = a.date.earliest ? a.date.earliest : a.date.latest;
  std::optional<int> hi = a.date.latest ? a.date.latest : a.date.earliest;
  if (lo && hi) {
    doc.add_value(kSlotEarliest, Xapian::sortable_serialise(*lo));
    doc.add_value(kSlotLatest, Xapian::sortable_serialise(*hi));
    doc.add_value(kSlotDateAsc, Xapian::sortable_serialise(*lo));
  } else {
    // Undated objects sort after every dated one when ascending.
    doc.add_value(kSlotDateAsc, std::string(16, '\xff'));
  }

  // Display fields and the texts snippets are cut from, in the order a
  // snippet prefers them. Restricted case data is never stored here.
  nlohmann::json texts = nlohmann::json::array();
  auto add_text = [&](std::string_view field, const std::string& t) {
    if (!t.empty()) texts.push_back({field, t});
  };
  add_text("description", a.description);
  add_text("inscriptions", a.inscriptions);
  add_text("distinguishing_features", a.distinguishing_features);
  add_text("provenance_text", a.provenance_text);
  add_text("maker", a.maker);
  add_text("culture", a.culture);
  add_text("find_spot", a.find_spot);
  add_text("subject", a.subject);
  add_text("materials", Join(a.materials, ", "));
  std::vector<std::string> ids;
  for (const auto& id : a.identifiers) ids.push_back(id.value);
  add_text("identifiers", Join(ids, "; "));
  add_text("provenance", parties);

  nlohmann::json data = {
      {"id", a.id},
      {"title", a.title},
      {"status", std::string(core::ToString(a.status))},
      {"country", a.country_of_origin},
      {"type", a.object_type},
      {"date_display", a.date.display},
      {"restricted", !out.is_public},
      {"texts", std::move(texts)},
      {"docs", std::move(docs)},
  };
  if (a.date.earliest) data["earliest"] = *a.date.earliest;
  if (a.date.latest) data["latest"] = *a.date.latest;
  doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return out;
}

std::vector<std::string> SpellingWords(const Xapian::Document& doc) {
  std::vector<std::string> words;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& t = *it;
    if (t.size() < 3) continue;
    unsigned char c0 = static_cast<unsigned char>(t[0]);
    // Prefixed terms start with an upper-case ASCII letter (Z for stems).
    if (c0 < 0x80 && !std::islower(c0)) continue;
    bool has_digit = false;
    for (char c : t) has_digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (has_digit) continue;
    words.push_back(t);
  }
  return words;
}

}  // namespace schema
}  // namespace custos::indexer
