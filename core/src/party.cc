#include "custos/core/party.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <set>

#include "custos/core/provenance.h"
#include "utf8.h"

namespace custos::core {

namespace {

// ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A), lower case. Two-letter folds ("ss", "ae", "oe", "th") are
// spelt out; a space means "not a letter" (×, ÷).
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinFold = {
    // U+00C0..U+00FF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  //
    "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "ss",  //
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  //
    "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u", "u", "y", "th", "y",  //
    // U+0100..U+017F
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  //
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  //
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  //
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  //
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  //
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  //
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  //
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  //
};

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Lower-case, diacritic-free text in which every character is a letter or
// digit, a '.', or a space; other punctuation becomes a space, apostrophes
// vanish ("Christie's" -> "christies") and "&" becomes " and ".
std::string FoldText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp = 0;
    if (!internal::DecodeUtf8(s, &pos, &cp)) {
      ++pos;
      out.push_back(' ');
      continue;
    }
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (std::isalnum(static_cast<unsigned char>(c))) {
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (c == '.') {
        out.push_back('.');
      } else if (c == '\'') {
        // dropped
      } else if (c == '&') {
        out += " and ";
      } else {
        out.push_back(' ');
      }
    } else if (cp >= 0xC0 && cp < 0x180) {
      out += kLatinFold[cp - 0xC0];
    } else if (cp == 0x2019 || cp == 0x2018 || cp == 0xB4) {
      // typographic apostrophes: dropped
    } else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp < 0xC0) {
      out.push_back(' ');  // spaces, dashes, quotes, Latin-1 symbols
    } else {
      AppendUtf8(cp, &out);  // other scripts kept as written
    }
  }
  return out;
}

std::vector<std::string> SplitWords(std::string_view folded) {
  std::vector<std::string> raw;
  std::string cur;
  for (char c : folded) {
    if (c == ' ') {
      if (!cur.empty()) raw.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) raw.push_back(std::move(cur));
  // Dots: "S.A." -> "sa" (all pieces single letters), "J.Smith" -> "j smith".
  std::vector<std::string> words;
  for (const std::string& w : raw) {
    std::vector<std::string> pieces;
    std::string p;
    for (char c : w) {
      if (c == '.') {
        if (!p.empty()) pieces.push_back(std::move(p));
        p.clear();
      } else {
        p.push_back(c);
      }
    }
    if (!p.empty()) pieces.push_back(std::move(p));
    if (pieces.empty()) continue;
    bool all_single = std::all_of(pieces.begin(), pieces.end(),
                                  [](const std::string& x) { return x.size() == 1; });
    if (all_single && pieces.size() > 1) {
      std::string joined;
      for (auto& x : pieces) joined += x;
      words.push_back(joined);
    } else {
      for (auto& x : pieces) words.push_back(std::move(x));
    }
  }
  return words;
}

bool IsCompanySuffix(std::string_view w) {
  static const std::set<std::string_view> k = {
      "inc", "incorporated", "ltd", "limited", "sa", "sas", "sarl", "gmbh", "ag", "kg",
      "co", "company", "cie", "corp", "corporation", "llc", "plc", "bv", "nv", "srl",
      "spa", "sl", "ab", "as", "oy", "lp", "llp"};
  return k.count(w) > 0;
}

std::vector<std::string> KeyWords(std::string_view name) {
  std::vector<std::string> w = SplitWords(FoldText(name));
  if (!w.empty() && w.front() == "the" && w.size() > 1) w.erase(w.begin());
  // Trailing suffixes, repeatedly: "Smith & Co. Ltd." -> "smith".
  while (w.size() > 1 && (IsCompanySuffix(w.back()) || w.back() == "and")) w.pop_back();
  return w;
}

std::string Join(const std::vector<std::string>& w, size_t begin = 0, size_t end = std::string::npos) {
  std::string out;
  end = std::min(end, w.size());
  for (size_t i = begin; i < end; ++i) {
    if (!out.empty()) out.push_back(' ');
    out += w[i];
  }
  return out;
}

bool HasOrganisationWord(const std::vector<std::string>& words) {
  static const std::set<std::string_view> k = {
      "gallery", "galleries", "galerie", "galeria", "galleria", "museum", "museo", "musee",
      "museen", "museum", "collection", "foundation", "fondation", "stiftung", "auction",
      "auctions", "auctioneers", "auktion", "auktionen", "sothebys", "christies", "bonhams",
      "phillips", "drouot", "dorotheum", "antiques", "antiquities", "antiquites", "arts",
      "fine", "trust", "institute", "university", "library", "society", "ministry",
      "customs", "police", "department", "office", "service", "agency", "interpol", "fbi",
      "carabinieri", "court", "bank", "trading", "company", "corporation", "inc", "ltd",
      "gmbh", "sa", "co", "llc", "and", "brothers", "bros", "sons", "freres", "kunsthandel",
      "kunsthaus", "house", "shop", "dealers", "ag", "state", "government", "republic",
      "kingdom", "national", "royal", "expedition", "mission", "excavation", "survey", "school",
      "church", "abbey", "monastery", "cathedral", "temple", "archive", "archives"};
  for (const auto& w : words) {
    if (k.count(w)) return true;
  }
  return false;
}

// Words of a person's name that are titles, not names.
bool IsTitleWord(std::string_view w) {
  static const std::set<std::string_view> k = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir",
                                               "dame", "lady", "lord", "baron", "baroness",
                                               "count", "countess", "rev", "madame", "mme",
                                               "monsieur", "m", "herr", "frau", "jr", "sr"};
  return k.count(w) > 0;
}

std::vector<std::string> PersonWords(std::string_view name) {
  std::vector<std::string> w = KeyWords(name);
  std::erase_if(w, [](const std::string& x) { return IsTitleWord(x); });
  return w;
}

int CenturyOf(int year) {
  // Floor division so that 1 BCE (0) and 1 CE are in neighbouring centuries.
  return year >= 0 ? year / 100 : -((-year + 99) / 100);
}

}  // namespace

std::string_view PartyMatchName(PartyMatch m) {
  switch (m) {
    case PartyMatch::kSame: return "same";
    case PartyMatch::kProbable: return "probable";
    case PartyMatch::kDifferent: break;
  }
  return "different";
}

std::string_view PartyKindName(PartyKind k) {
  return k == PartyKind::kOrganisation ? "organisation" : "person";
}

PartyKind GuessPartyKind(std::string_view name) {
  std::vector<std::string> raw = SplitWords(FoldText(name));
  return HasOrganisationWord(raw) ? PartyKind::kOrganisation : PartyKind::kPerson;
}

std::string PartyNameKey(std::string_view name) { return Join(KeyWords(name)); }

void YearSpan::Extend(const YearSpan& o) {
  for (const auto& y : {o.first, o.last}) {
    if (!y) continue;
    if (!first || *y < *first) first = y;
    if (!last || *y > *last) last = y;
  }
}

bool CenturiesDisjoint(const YearSpan& a, const YearSpan& b) {
  if (!a.known() || !b.known()) return false;
  int a0 = CenturyOf(a.first.value_or(*a.last)), a1 = CenturyOf(a.last.value_or(*a.first));
  int b0 = CenturyOf(b.first.value_or(*b.last)), b1 = CenturyOf(b.last.value_or(*b.first));
  return a1 < b0 || b1 < a0;
}

PartyMatch MatchPartyNames(std::string_view a, const YearSpan& a_years, std::string_view b,
                           const YearSpan& b_years) {
  if (CenturiesDisjoint(a_years, b_years)) return PartyMatch::kDifferent;
  std::string ka = PartyNameKey(a), kb = PartyNameKey(b);
  if (ka.empty() || kb.empty()) return PartyMatch::kDifferent;
  if (IsAnonymousPartyName(a) || IsAnonymousPartyName(b)) return PartyMatch::kDifferent;
  if (ka == kb) return PartyMatch::kSame;

  const bool org = GuessPartyKind(a) == PartyKind::kOrganisation ||
                   GuessPartyKind(b) == PartyKind::kOrganisation;
  if (org) {
    // One name's words, in order, inside the other's: "galerie vesper" in
    // "galerie vesper geneva". Single words are too weak to propose.
    std::vector<std::string> wa = KeyWords(a), wb = KeyWords(b);
    if (wa.size() > wb.size()) std::swap(wa, wb);
    if (wa.size() < 2) return PartyMatch::kDifferent;
    for (size_t i = 0; i + wa.size() <= wb.size(); ++i) {
      if (std::equal(wa.begin(), wa.end(), wb.begin() + static_cast<std::ptrdiff_t>(i))) {
        return PartyMatch::kProbable;
      }
    }
    return PartyMatch::kDifferent;
  }

  std::vector<std::string> wa = PersonWords(a), wb = PersonWords(b);
  if (wa.empty() || wb.empty()) return PartyMatch::kDifferent;
  if (wa == wb) return PartyMatch::kSame;  // differ only by a title
  if (wa.back() != wb.back() || wa.back().size() < 2) return PartyMatch::kDifferent;
  // Given names, in order. Each of the shorter list must be matched, in
  // order, by one of the longer (an initial matches a name with its letter);
  // the longer may have extra middle names. At least one side of the pair
  // must be uncertain (an initial, or a name left out), else they differ.
  std::vector<std::string> ga(wa.begin(), wa.end() - 1), gb(wb.begin(), wb.end() - 1);
  if (ga.size() > gb.size()) std::swap(ga, gb);
  if (ga.empty()) return PartyMatch::kProbable;  // "Smith" / "John Smith"
  size_t j = 0;
  for (const std::string& g : ga) {
    bool found = false;
    while (j < gb.size()) {
      const std::string& h = gb[j++];
      if (g == h || ((g.size() == 1 || h.size() == 1) && g[0] == h[0])) {
        found = true;
        break;
      }
      // Only a middle name of the longer list may be skipped, never its first.
      if (j == 1) return PartyMatch::kDifferent;
    }
    if (!found) return PartyMatch::kDifferent;
  }
  return PartyMatch::kProbable;
}

bool IsAnonymousPartyName(std::string_view name) {
  std::string k = PartyNameKey(name);
  if (k.empty()) return true;
  static const std::set<std::string_view> kExact = {
      "private collection", "private collector", "a private collector", "private",
      "unknown", "unknown owner", "unknown collector", "anonymous", "anonymous collector",
      "anonymous owner", "a private collection", "his heirs", "her heirs", "their heirs",
      "heirs", "the heirs", "by descent", "family", "the family", "his family", "her family",
      "his son", "her son", "his daughter", "her daughter", "his widow", "her husband",
      "his wife", "private owner", "an american private collection", "swiss private collection",
      "european private collection", "artist", "the artist"};
  if (kExact.count(k)) return true;
  // "private collection, ..." style names with a place: the place is not a party.
  return k.rfind("private collection", 0) == 0 || k.rfind("anonymous ", 0) == 0;
}

std::optional<int> YearOfIsoDay(std::string_view d) {
  if (d.empty()) return std::nullopt;
  bool neg = d[0] == '-';
  size_t i = neg ? 1 : 0;
  size_t start = i;
  while (i < d.size() && std::isdigit(static_cast<unsigned char>(d[i]))) ++i;
  if (i == start || i - start > 6) return std::nullopt;
  int y = std::atoi(std::string(d.substr(start, i - start)).c_str());
  return neg ? -y : y;
}

YearSpan ParseLifeDates(std::string_view s) {
  YearSpan span;
  std::vector<int> years;
  bool born = false, died = false;
  std::string folded = FoldText(s);
  for (const std::string& w : SplitWords(folded)) {
    if (w == "b") born = true;
    if (w == "d") died = true;
  }
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && cur.size() <= 4) years.push_back(std::atoi(cur.c_str()));
    cur.clear();
  };
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      cur.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  if (years.empty()) return span;
  if (years.size() >= 2) {
    span.first = years[0];
    span.last = years[1];
  } else if (died) {
    span.last = years[0];
  } else {
    span.first = years[0];
    (void)born;
  }
  return span;
}

std::string_view PartyMentionSourceName(PartyMention::Source s) {
  return s == PartyMention::Source::kCustody ? "custody" : "provenance";
}

namespace {

std::string RoleOf(const ProvenancePeriod& p, PartyKind kind, const std::string& key) {
  using M = AcquisitionMethod;
  if (p.method == M::kExcavation) return "excavation";
  if (p.method == M::kFind) return "finder";
  if (p.method == M::kAuction) return "auction";
  if (p.party.is_dealer) return "dealer";
  if (p.method == M::kSeizure || p.method == M::kConfiscation) return "agency";
  if (kind == PartyKind::kOrganisation) {
    if (key.find("sothebys") != std::string::npos || key.find("christies") != std::string::npos ||
        key.find("auction") != std::string::npos || key.find("bonhams") != std::string::npos ||
        key.find("drouot") != std::string::npos || key.find("dorotheum") != std::string::npos) {
      return "auction";
    }
    if (key.find("museum") != std::string::npos || key.find("musee") != std::string::npos ||
        key.find("museo") != std::string::npos) {
      return "museum";
    }
    if (key.find("galerie") != std::string::npos || key.find("gallery") != std::string::npos ||
        key.find("antiqu") != std::string::npos || key.find("kunsthandel") != std::string::npos) {
      return "dealer";
    }
  }
  return "owner";
}

YearSpan YearsOf(const ProvenancePeriod& p) {
  YearSpan s;
  for (const auto* d : {&p.begin_of_the_begin, &p.end_of_the_begin}) {
    if (*d && !s.first) s.first = YearOfIsoDay(**d);
  }
  for (const auto* d : {&p.end_of_the_end, &p.begin_of_the_end}) {
    if (*d && !s.last) s.last = YearOfIsoDay(**d);
  }
  // A period known only to start in 1950 was active in 1950.
  if (s.first && !s.last && p.end_of_the_begin) s.last = YearOfIsoDay(*p.end_of_the_begin);
  return s;
}

bool IsArtistReference(std::string_view name) {
  std::string k = PartyNameKey(name);
  return k == "artist" || k == "the artist" || k == "the maker" || k == "maker";
}

std::string StringAt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> DayAt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool BoolAt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

// The fields of stored periods that name parties. A record's periods were
// validated (ProvenanceFromJson) when it was written, so they are read as
// they are: validating them again renders and re-parses every period, which
// made reading the parties of a large archive several times slower.
std::vector<ProvenancePeriod> StoredPeriods(const nlohmann::json& stored) {
  const nlohmann::json* periods = &stored;
  if (stored.is_object()) {
    auto it = stored.find("periods");
    if (it == stored.end()) return {};
    periods = &*it;
  }
  std::vector<ProvenancePeriod> out;
  if (!periods->is_array()) return out;
  out.reserve(periods->size());
  for (const nlohmann::json& j : *periods) {
    ProvenancePeriod p;
    if (!j.is_object()) {
      p.unparsed = true;
      out.push_back(std::move(p));
      continue;
    }
    p.unparsed = BoolAt(j, "unparsed");
    if (auto it = j.find("party"); it != j.end() && it->is_object()) {
      p.party.name = StringAt(*it, "name");
      p.party.life_dates = StringAt(*it, "life_dates");
      p.party.is_dealer = BoolAt(*it, "is_dealer");
    }
    p.method = AcquisitionMethodFromName(StringAt(j, "method")).value_or(AcquisitionMethod::kUnknown);
    p.place = StringAt(j, "place");
    p.date_text = StringAt(j, "date_text");
    p.begin_of_the_begin = DayAt(j, "begin_of_the_begin");
    p.end_of_the_begin = DayAt(j, "end_of_the_begin");
    p.begin_of_the_end = DayAt(j, "begin_of_the_end");
    p.end_of_the_end = DayAt(j, "end_of_the_end");
    p.direct_transfer = BoolAt(j, "direct_transfer");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::vector<PartyMention> ExtractPartyMentions(const Artifact& artifact,
                                               std::span<const CustodyEntry> custody) {
  std::vector<PartyMention> out;
  std::vector<ProvenancePeriod> periods = StoredPeriods(artifact.provenance);
  if (periods.empty() && !artifact.provenance_text.empty()) {
    periods = ParseProvenance(artifact.provenance_text).periods;
  }
  out.reserve(periods.size() + custody.size());
  // Index in `out` of the previous mention, kNone after a break in the chain.
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t previous = kNone;
  bool previous_transfers = false;
  for (size_t i = 0; i < periods.size(); ++i) {
    const ProvenancePeriod& p = periods[i];
    std::string name = p.party.name;
    if (IsArtistReference(name)) name = artifact.maker;
    if (p.unparsed || name.empty() || IsAnonymousPartyName(name)) {
      previous = kNone;
      continue;
    }
    PartyMention m;
    m.source = PartyMention::Source::kProvenance;
    m.position = static_cast<int>(i);
    m.name = name;
    m.key = PartyNameKey(name);
    if (m.key.empty()) {
      previous = kNone;
      continue;
    }
    m.kind = GuessPartyKind(name);
    m.role = RoleOf(p, m.kind, m.key);
    m.method = std::string(AcquisitionMethodName(p.method));
    m.place = p.place;
    m.years = YearsOf(p);
    m.life = ParseLifeDates(p.party.life_dates);
    m.date_text = p.date_text;
    if (previous != kNone && previous_transfers) {
      out[previous].transfers_to_next = true;
      out[previous].next_position = m.position;
    }
    out.push_back(std::move(m));
    previous = out.size() - 1;
    previous_transfers = p.direct_transfer;
  }
  size_t custody_begin = out.size();
  for (const CustodyEntry& e : custody) {
    std::string key = PartyNameKey(e.actor);
    if (key.empty() || IsAnonymousPartyName(e.actor)) continue;
    PartyMention m;
    m.source = PartyMention::Source::kCustody;
    m.position = static_cast<int>(e.seq);
    m.name = e.actor;
    m.key = key;
    m.kind = GuessPartyKind(e.actor);
    m.role = "custody";
    m.method = std::string(CustodyEventName(e.event));
    m.place = e.location;
    if (auto y = YearOfIsoDay(e.time)) m.years = YearSpan{y, y};
    m.date_text = e.time.substr(0, 10);
    out.push_back(std::move(m));
  }
  // A custody chain is a chain of direct hand-overs: consecutive actors with
  // different names are linked.
  for (size_t i = custody_begin; i + 1 < out.size(); ++i) {
    if (out[i].key != out[i + 1].key) {
      out[i].transfers_to_next = true;
      out[i].next_position = out[i + 1].position;
    }
  }
  return out;
}

}  // namespace custos::core
