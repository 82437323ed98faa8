// Reading provenance text (AAM / Art Tracks standard) into periods.
//
// Three linear passes, no regular expressions and no recursion: match the
// brackets of the whole text; split it at top-level ';' and sentence-ending
// '.' (and at the "NOTES:" heading); then read each period by phrase matching
// on its comma-separated segments. A period whose shape is not understood is
// kept verbatim as an unparsed period with a warning.
#include <algorithm>
#include <array>

#include "custos/core/provenance.h"
#include "provenance_text.h"

namespace custos::core {
namespace provenance_internal {
namespace {

constexpr size_t kMaxPeriodChars = 2000;  // longer is prose, not a period
constexpr size_t kMaxNameWords = 12;
constexpr size_t kMaxPlaceWords = 16;
constexpr size_t kMaxRoleWords = 8;
constexpr size_t kDateWindow = 8;  // a date spans at most this many trailing segments
constexpr size_t kMaxDateChars = 200;
constexpr size_t npos = std::string_view::npos;

bool InList(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Words after which a '.' does not end a sentence (lower case, without dots),
// sorted for binary search: this is asked at every ". " of the text.
bool IsAbbreviation(std::string_view w) {
  static constexpr std::array<std::string_view, 81> kWords = {
      "abb",  "acc",  "ag",    "approx", "apr", "aug",    "ave",  "bp",   "bros", "ca",   "capt",
      "cat",  "cf",   "cie",   "co",     "col", "coll",   "corp", "dec",  "dept", "dipl", "dr",
      "ed",   "eds",  "esq",   "feb",    "fig", "fl",     "fr",   "ft",   "gebr", "gen",  "gmbh",
      "gov",  "hon",  "hr",    "ill",    "inc", "ing",    "inv",  "jan",  "jr",   "jul",  "jun",
      "kg",   "lt",   "ltd",   "maj",    "mar", "messrs", "mgr",  "mlle", "mme",  "mr",   "mrs",
      "ms",   "mt",   "nachf", "no",     "nos", "nov",    "nr",   "oct",  "pp",   "pres", "prof",
      "publ", "rd",   "rev",   "sa",     "sen", "sep",    "sept", "sgt",  "sr",   "st",   "ste",
      "univ", "verz", "vol",   "vs"};
  if (w.size() > 6) return false;
  return std::binary_search(kWords.begin(), kWords.end(), w);
}

}  // namespace

bool IsSentenceEnd(std::string_view s, size_t i, size_t end) {
  size_t j = i + 1;
  if (j >= end) return true;
  if (!IsSpace(s[j])) return false;           // "1.5", "U.S.A", "sha256:..."
  if (i > 0 && s[i - 1] == '.') return true;  // "Co.." : the abbreviation, then the end
  while (j < end && IsSpace(s[j])) ++j;
  if (j >= end) return true;
  const char next = s[j];
  size_t w = i;
  while (w > 0 && (IsAlpha(s[w - 1]) || s[w - 1] == '.')) --w;
  // A word (not the tail of "1970s"): an abbreviation or initial keeps the sentence going.
  if (w < i && IsAlpha(s[i - 1]) && (w == 0 || !IsDigit(s[w - 1]))) {
    std::string lw;
    bool dotted = false;
    for (size_t k = w; k < i; ++k) {
      if (s[k] == '.') {
        dotted = true;
      } else {
        lw.push_back(ToLower(s[k]));
      }
    }
    if (lw.size() == 1) return false;  // an initial, "c."
    if (dotted)
      return (lw == "bc" || lw == "bce") && IsUpper(next);  // "U.S. Army", "500 B.C. Sold"
    if (IsAbbreviation(lw)) return false;
  }
  return true;
}

namespace {

// The "NOTES:" heading at top level: [begin, end) of the heading, or npos.
std::pair<size_t, size_t> FindNotes(std::string_view s, const std::vector<uint8_t>& top) {
  for (size_t i = 0; i + 5 <= s.size(); ++i) {
    if (!top[i] || ToLower(s[i]) != 'n') continue;
    // The heading starts a sentence: only spaces between it and a '.', ';' or the start.
    size_t b = i;
    while (b > 0 && IsSpace(s[b - 1])) --b;
    if (b > 0 && s[b - 1] != '.' && s[b - 1] != ';') continue;
    size_t j = i;
    std::string word;
    while (j < s.size() && IsAlpha(s[j]) && word.size() < 6) word.push_back(ToLower(s[j++]));
    if (word != "notes" && word != "note") continue;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t') && j - i < 16) ++j;
    if (j < s.size() && s[j] == ':') return {i, j + 1};
  }
  return {npos, npos};
}

// True when the period, written back, holds no separator or NOTES heading.
bool RendersAsOnePeriod(std::string_view t) {
  const Brackets br = MatchBrackets(t);
  for (size_t i = 0; i < t.size(); ++i) {
    if (!br.top_level[i]) continue;
    if (t[i] == ';' || (t[i] == '.' && i + 1 < t.size() && IsSentenceEnd(t, i, t.size()))) {
      return false;
    }
  }
  return FindNotes(t, br.top_level).first == npos;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) words.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

size_t WordCount(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    if (IsSpace(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++n;
    }
  }
  return n;
}

// A 4-digit number 1000..2099 that is not part of a longer number: a year the
// parser did not read as a date.
bool HasYearLike(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (j - i == 4 && (s[i] == '1' || (s[i] == '2' && s[i + 1] == '0'))) return true;
    i = j;
  }
  return false;
}

bool IsKinWord(std::string_view w) {
  return InList(w, {"daughter",
                    "daughters",
                    "son",
                    "sons",
                    "wife",
                    "husband",
                    "widow",
                    "widower",
                    "brother",
                    "brothers",
                    "sister",
                    "sisters",
                    "nephew",
                    "nephews",
                    "niece",
                    "nieces",
                    "grandson",
                    "grandsons",
                    "granddaughter",
                    "granddaughters",
                    "grandchild",
                    "grandchildren",
                    "child",
                    "children",
                    "heir",
                    "heirs",
                    "heiress",
                    "family",
                    "descendant",
                    "descendants",
                    "cousin",
                    "cousins",
                    "father",
                    "mother",
                    "parents",
                    "estate",
                    "executor",
                    "executors",
                    "daughter-in-law",
                    "son-in-law",
                    "stepson",
                    "stepdaughter",
                    "partner",
                    "spouse",
                    "great-grandson",
                    "great-granddaughter",
                    "great-nephew",
                    "great-niece",
                    "grandnephew",
                    "grandniece",
                    "sibling",
                    "siblings",
                    "companion",
                    "widow's"});
}

// "his daughter Margaret Ashby" -> {"his daughter", "Margaret Ashby"}.
std::optional<std::pair<std::string, std::string>> SplitRole(std::string_view seg) {
  const std::vector<std::string> words = SplitWords(seg);
  if (words.size() < 2 || !InList(AsciiLower(words[0]), {"his", "her", "their"})) {
    return std::nullopt;
  }
  for (size_t k = 1; k < words.size() && k <= 4; ++k) {
    if (!IsKinWord(AsciiLower(words[k]))) continue;
    std::string role, rest;
    for (size_t i = 0; i < words.size(); ++i) {
      std::string& out = i <= k ? role : rest;
      if (!out.empty()) out += " ";
      out += words[i];
    }
    return std::make_pair(role, rest);
  }
  return std::nullopt;
}

// Text inside "( )" after a name that reads as life dates: "1880-1952", "b. 1880".
bool IsLifeDates(std::string_view s) {
  bool has_year = false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (IsDigit(c)) {
      size_t j = i;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (j - i >= 3 && j - i <= 4) has_year = true;
      i = j;
    } else if (IsAlpha(c)) {
      size_t j = i;
      std::string w;
      while (j < s.size() && IsAlpha(s[j])) w.push_back(ToLower(s[j++]));
      if (!InList(w, {"b", "d", "born", "died", "active", "fl", "c", "ca", "circa", "after",
                      "before", "bc", "bce", "ad", "ce", "or", "and", "about"})) {
        return false;
      }
      i = j;
    } else if (IsSpace(c) || c == '-' || c == '?' || c == '/' || c == '.' || c == ',') {
      ++i;
    } else if (s.substr(i, 3) == "\xE2\x80\x93") {
      i += 3;
    } else {
      return false;
    }
  }
  return has_year;
}

// Removes "( )" and "[ ]" left empty by taking out citations.
std::string DropEmptyBrackets(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ')' || c == ']') {
      size_t k = out.size();
      while (k > 0 && out[k - 1] == ' ') --k;
      if (k > 0 && out[k - 1] == (c == ')' ? '(' : '[')) {
        out.resize(k - 1);
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

// Splits at commas outside brackets; trims and folds spaces; drops empties.
std::vector<std::string> SplitSegments(std::string_view s, const Brackets& br) {
  std::vector<std::string> segs;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == ',' && br.top_level[i])) {
      std::string seg = CollapseSpace(DropEmptyBrackets(s.substr(start, i - start)));
      if (!seg.empty()) segs.push_back(std::move(seg));
      start = i + 1;
    }
  }
  return segs;
}

std::vector<std::string> SplitSegments(std::string_view s) {
  return SplitSegments(s, MatchBrackets(s));
}

// Words a date phrase can start with (see ParseProvenanceDate); anything else
// that does not start with a digit is not a date, without tokenizing it.
bool MayStartDate(std::string_view text) {
  if (text.empty()) return false;
  if (IsDigit(text[0])) return true;
  size_t i = 0;
  std::string w;
  while (i < text.size() && IsAlpha(text[i]) && w.size() < 16) w.push_back(ToLower(text[i++]));
  static constexpr std::array<std::string_view, 61> kStarts = {
      "possibly", "perhaps",   "probably", "presumably", "likely",
      "until",    "till",      "through",  "thru",       "by",
      "before",   "after",     "between",  "no",         "not",
      "from",     "since",     "in",       "on",         "c",
      "ca",       "circa",     "about",    "around",     "approximately",
      "approx",   "first",     "second",   "early",      "mid",
      "middle",   "late",      "ad",       "january",    "february",
      "march",    "april",     "may",      "june",       "july",
      "august",   "september", "october",  "november",   "december",
      "jan",      "feb",       "mar",      "apr",        "jun",
      "jul",      "aug",       "sep",      "sept",       "oct",
      "nov",      "dec",       "third",    "fourth",     "fifth",
      "sixth"};
  if (std::find(kStarts.begin(), kStarts.end(), w) != kStarts.end()) return true;
  // Other spelled ordinals ("nineteenth century") end in "th" or "st".
  return w.size() > 4 && (w.ends_with("th") || w.ends_with("first"));
}

std::string Join(const std::vector<std::string>& v, size_t b, size_t e) {
  std::string out;
  for (size_t i = b; i < e; ++i) {
    if (i > b) out += ", ";
    out += v[i];
  }
  return out;
}

// Finds the date among the trailing segments: the longest suffix that reads
// as a date, else the longest run of segments inside the window. Removes it
// from segs and stores it in p.
bool TakeDate(std::vector<std::string>* segs, ProvenancePeriod* p) {
  const size_t n = segs->size();
  const size_t lo = n > kDateWindow ? n - kDateWindow : 0;
  const auto try_run = [&](size_t b, size_t e) {
    size_t len = 0;
    for (size_t i = b; i < e; ++i) len += (*segs)[i].size() + 2;
    if (len > kMaxDateChars + 2 || !MayStartDate((*segs)[b])) return false;
    const std::string text = Join(*segs, b, e);
    auto d = ParseProvenanceDate(text);
    if (!d) return false;
    p->date_text = text;
    p->date_certainty = d->certainty;
    p->begin_of_the_begin = d->begin_of_the_begin;
    p->end_of_the_begin = d->end_of_the_begin;
    p->begin_of_the_end = d->begin_of_the_end;
    p->end_of_the_end = d->end_of_the_end;
    segs->erase(segs->begin() + static_cast<std::ptrdiff_t>(b),
                segs->begin() + static_cast<std::ptrdiff_t>(e));
    return true;
  };
  for (size_t k = lo; k < n; ++k) {
    if (try_run(k, n)) return true;
  }
  for (size_t len = n - lo; len-- > 1;) {  // runs that end before the last segment
    for (size_t k = n - len; k-- > lo;) {
      if (try_run(k, k + len)) return true;
    }
  }
  return false;
}

bool TakeLot(std::vector<std::string>* segs, ProvenancePeriod* p) {
  if (segs->empty() || !p->lot.empty()) return false;
  const std::string& last = segs->back();
  if (last.size() < 5 || last.size() > 24 || AsciiLower(last.substr(0, 4)) != "lot ") return false;
  const std::string number = last.substr(4);
  if (number.find(' ') != std::string::npos) return false;
  p->lot = number;
  segs->pop_back();
  return true;
}

// "Sir Henry Ashby? [1880-1952]" -> name, life dates, uncertain.
void ReadName(std::string_view seg, ProvenanceParty* party) {
  std::string s(Trim(seg));
  for (int round = 0; round < 3 && !s.empty(); ++round) {
    if (s.back() == '?') {
      party->uncertain = true;
      s.pop_back();
    } else if (s.back() == ']' || s.back() == ')') {
      const Brackets br = MatchBrackets(s);
      const size_t open = br.partner[s.size() - 1];
      if (open == npos || !party->life_dates.empty()) break;
      const std::string inner =
          CollapseSpace(std::string_view(s).substr(open + 1, s.size() - open - 2));
      if (s.back() == ')' && (open == 0 || !IsLifeDates(inner))) break;
      party->life_dates = inner;
      s.resize(open);
    } else {
      break;
    }
    s = std::string(Trim(s));
  }
  party->name = CollapseSpace(s);
}

// Blanks footnote markers and document hashes out of *w, recording them in p.
// Returns the brackets of *w (blanked markers were matched pairs, so the
// top-level positions of the rest do not change).
Brackets RemoveCitations(std::string* w, ProvenancePeriod* p) {
  Brackets br = MatchBrackets(*w);
  // Footnote markers "[1]".."[999]".
  for (size_t i = 0; i < w->size(); ++i) {
    if ((*w)[i] != '[' || br.partner[i] == npos) continue;
    const size_t close = br.partner[i];
    const size_t digits = close - i - 1;
    if (digits < 1 || digits > 3 || (*w)[i + 1] == '0') continue;
    int n = 0;
    bool ok = true;
    for (size_t k = i + 1; k < close; ++k) {
      if (!IsDigit((*w)[k])) ok = false;
      n = n * 10 + ((*w)[k] - '0');
    }
    if (!ok) continue;
    if (std::find(p->footnotes.begin(), p->footnotes.end(), n) == p->footnotes.end()) {
      p->footnotes.push_back(n);
    }
    for (size_t k = i; k <= close; ++k) {
      (*w)[k] = ' ';
      br.partner[k] = npos;
    }
    i = close;
  }
  // Document hashes, with "sha256:" and words like "see document" before them.
  for (auto [b, e] : FindSha256(*w)) {
    const std::string hex = AsciiLower(std::string_view(*w).substr(b, e - b));
    if (std::find(p->documents.begin(), p->documents.end(), hex) == p->documents.end()) {
      p->documents.push_back(hex);
    }
    size_t start = b;
    if (start >= 7 && AsciiLower(std::string_view(*w).substr(start - 7, 7)) == "sha256:")
      start -= 7;
    for (int words = 0; words < 4; ++words) {  // bounded: blanked text is all spaces
      size_t k = start;
      while (k > 0 && start - k < 4 && IsSpace((*w)[k - 1])) --k;
      size_t ws = k;
      while (ws > 0 && k - ws < 10 && (IsAlpha((*w)[ws - 1]) || (*w)[ws - 1] == '.')) --ws;
      std::string word;
      for (size_t x = ws; x < k; ++x) {
        if ((*w)[x] != '.') word.push_back(ToLower((*w)[x]));
      }
      if (!InList(word,
                  {"see", "document", "documents", "doc", "cf", "also", "archived", "scan"})) {
        break;
      }
      start = ws;
    }
    for (size_t k = start; k < e; ++k) (*w)[k] = ' ';
  }
  return br;
}

// The acquisition phrase that is all of `inner` ("by descent to"), if any:
// some catalogues write the method in parentheses, "(by descent to) Mary
// Smith" or "John Smith (by descent to)", and it is no part of the name.
std::optional<PhraseMatch> WholeParenthesisedPhrase(std::string_view inner) {
  const std::string lower = AsciiLower(CollapseSpace(inner));
  auto m = MatchAcquisitionPhrase(lower);
  if (!m || m->phrase.size() != lower.size() || m->object != PhraseObject::kParty) {
    return std::nullopt;
  }
  return m;
}

// Reads the fields of one period (see ParsePeriodText, which also checks that
// they can be written back).
ProvenancePeriod ReadPeriod(std::string_view raw_in, std::string* warning,
                            std::optional<PhraseMatch>* outgoing) {
  ProvenancePeriod p;
  const std::string_view raw = Trim(raw_in);
  p.raw = std::string(raw);
  std::string reason;
  const auto give_up = [&](std::string why) {
    ProvenancePeriod u;
    u.raw = std::move(p.raw);
    u.footnotes = std::move(p.footnotes);
    u.documents = std::move(p.documents);
    u.unparsed = true;
    if (warning) *warning = std::move(why);
    return u;
  };
  if (warning) warning->clear();

  // Longer is prose, not a period: keep it whole, without reading citations.
  if (raw.size() > kMaxPeriodChars) return give_up("too long to be one period");
  std::string w(raw);
  const Brackets br = RemoveCitations(&w, &p);
  if (!br.balanced) return give_up("unbalanced brackets");
  if (std::none_of(raw.begin(), raw.end(),
                   [](char c) { return IsAlnum(c) || static_cast<unsigned char>(c) >= 0x80; })) {
    return give_up("no words");
  }

  std::vector<std::string> segs = SplitSegments(w, br);

  // [certainty] [acquisition phrase] [certainty]
  const auto take_certainty = [&]() {
    if (segs.empty() || p.certainty != Certainty::kCertain) return;
    const size_t sp = segs[0].find(' ');
    const std::string first = AsciiLower(segs[0].substr(0, sp));
    if (auto c = CertaintyWord(first)) {
      p.certainty = *c;
      segs[0] = sp == std::string::npos ? "" : segs[0].substr(sp + 1);
      if (segs[0].empty()) segs.erase(segs.begin());
    }
  };
  take_certainty();
  // "(by descent to) Mary Smith": the parentheses only set the phrase apart.
  if (!segs.empty() && !segs[0].empty() && segs[0][0] == '(') {
    const size_t close = MatchBrackets(segs[0]).partner[0];
    if (close != npos && WholeParenthesisedPhrase(std::string_view(segs[0]).substr(1, close - 1))) {
      segs[0] = segs[0].substr(1, close - 1) + segs[0].substr(close + 1);
    }
  }
  PhraseObject object = PhraseObject::kParty;
  if (!segs.empty()) {
    if (auto m = MatchAcquisitionPhrase(AsciiLower(segs[0]))) {
      p.method = m->method;
      p.method_phrase = std::string(m->phrase);
      object = m->object;
      segs[0] = std::string(Trim(std::string_view(segs[0]).substr(m->phrase.size())));
      if (segs[0].empty()) {
        segs.erase(segs.begin());
      } else {
        take_certainty();
      }
    }
  }

  TakeLot(&segs, &p);
  TakeDate(&segs, &p);

  std::vector<std::string> places;
  if (object == PhraseObject::kPlace) {
    places = segs;
  } else {
    size_t idx = 0;
    if (!segs.empty()) {
      if (auto role = SplitRole(segs[0])) {
        p.role = role->first;
        if (role->second.empty()) {
          idx = 1;
        } else {
          segs[0] = role->second;
        }
      }
    }
    if (idx < segs.size()) {
      const std::string& seg = segs[idx];
      if (seg.size() >= 2 && seg[0] == '(' && seg.back() == ')' &&
          MatchBrackets(seg).partner[0] == seg.size() - 1) {
        // A dealer: "(Name [life], Place[, date][, lot N])".
        p.party.is_dealer = true;
        std::vector<std::string> inner =
            SplitSegments(std::string_view(seg).substr(1, seg.size() - 2));
        if (!inner.empty()) {
          ReadName(inner[0], &p.party);
          inner.erase(inner.begin());
          TakeLot(&inner, &p);
          if (p.date_text.empty()) TakeDate(&inner, &p);
          places = inner;
        }
      } else {
        ReadName(seg, &p.party);
      }
      ++idx;
    }
    for (; idx < segs.size(); ++idx) places.push_back(segs[idx]);
  }
  p.place = Join(places, 0, places.size());
  // "John Smith (by descent to)": how the object passed to the next party.
  if (!p.party.name.empty() && p.party.name.back() == ')') {
    const size_t open = MatchBrackets(p.party.name).partner[p.party.name.size() - 1];
    if (open != npos && open > 0) {
      if (auto m = WholeParenthesisedPhrase(
              std::string_view(p.party.name).substr(open + 1, p.party.name.size() - open - 2))) {
        p.party.name = CollapseSpace(std::string_view(p.party.name).substr(0, open));
        if (outgoing) *outgoing = m;
      }
    }
  }

  if (WordCount(p.party.name) > kMaxNameWords || WordCount(p.place) > kMaxPlaceWords ||
      WordCount(p.role) > kMaxRoleWords) {
    return give_up("not in the standard form (party, place, date)");
  }
  if (HasYearLike(p.party.name) || HasYearLike(p.place) || HasYearLike(p.role)) {
    return give_up("could not read the date");
  }
  if (p.party.name.empty() && p.role.empty() && p.place.empty() && p.date_text.empty() &&
      p.lot.empty() && p.party.life_dates.empty() && p.method == AcquisitionMethod::kUnknown) {
    return give_up("no party, place or date");
  }
  return p;
}

}  // namespace

ProvenancePeriod ParsePeriodText(std::string_view raw, std::string* warning,
                                 std::optional<PhraseMatch>* outgoing) {
  if (outgoing) outgoing->reset();
  ProvenancePeriod p = ReadPeriod(raw, warning, outgoing);
  if (p.unparsed) return p;
  // What is written back must read back as this same one period: taking a
  // citation out of "J.[1] Smith" leaves "J. Smith", a name "Notes: x" would
  // start the NOTES once it comes first, "his daughter[1880-1952]" becomes a
  // role, and so on. Rather than change such text, keep it as written.
  const std::string text = RenderProvenancePeriod(p);
  if (RendersAsOnePeriod(text)) {
    const ProvenancePeriod again = ReadPeriod(text, nullptr, nullptr);
    if (SamePeriod(p, again)) return p;
  }
  ProvenancePeriod u;
  u.raw = std::move(p.raw);
  u.footnotes = std::move(p.footnotes);
  u.documents = std::move(p.documents);
  u.unparsed = true;
  if (warning) *warning = "not in the standard form";
  if (outgoing) outgoing->reset();
  return u;
}

namespace {

std::vector<ProvenanceFootnote> ParseNotes(std::string_view s, const std::vector<uint8_t>& top,
                                           size_t offset) {
  struct Marker {
    size_t begin, end;
    int number;
  };
  std::vector<Marker> markers;
  int last = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '[' || !top[offset + i]) continue;
    if (i > 0 && IsAlnum(s[i - 1])) continue;
    size_t j = i + 1;
    int n = 0;
    while (j < s.size() && IsDigit(s[j]) && j - i <= 3) n = n * 10 + (s[j++] - '0');
    if (j == i + 1 || j >= s.size() || s[j] != ']' || s[i + 1] == '0' || n <= last) continue;
    markers.push_back({i, j + 1, n});
    last = n;
  }
  std::vector<ProvenanceFootnote> notes;
  const auto add = [&](int number, std::string_view text) {
    ProvenanceFootnote note;
    note.number = number;
    note.text = CollapseSpace(text);
    for (auto [b, e] : FindSha256(note.text)) {
      const std::string hex = AsciiLower(std::string_view(note.text).substr(b, e - b));
      if (std::find(note.documents.begin(), note.documents.end(), hex) == note.documents.end()) {
        note.documents.push_back(hex);
      }
    }
    notes.push_back(std::move(note));
  };
  const size_t first = markers.empty() ? s.size() : markers[0].begin;
  if (!Trim(s.substr(0, first)).empty()) add(0, s.substr(0, first));
  for (size_t k = 0; k < markers.size(); ++k) {
    const size_t end = k + 1 < markers.size() ? markers[k + 1].begin : s.size();
    add(markers[k].number, s.substr(markers[k].end, end - markers[k].end));
  }
  return notes;
}

std::string Excerpt(std::string_view s) {
  if (s.size() <= 60) return std::string(s);
  size_t cut = 60;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(s.substr(0, cut)) + "...";
}

}  // namespace
}  // namespace provenance_internal

using namespace provenance_internal;

Provenance ParseProvenance(std::string_view input) {
  Provenance out;
  bool changed = false;
  const std::string text = SanitizeUtf8(input, &changed);
  if (changed) out.warnings.push_back("invalid UTF-8 bytes were replaced by U+FFFD");
  const Brackets br = MatchBrackets(text);
  const auto [notes_begin, notes_end] = FindNotes(text, br.top_level);
  const size_t body_end = notes_begin == npos ? text.size() : notes_begin;

  size_t start = 0;
  // A method written after the previous party ("John Smith (by descent to);
  // Mary Smith") is how the next period's party acquired the object.
  std::optional<PhraseMatch> carried;
  const auto add_period = [&](size_t end, bool direct) {
    const std::string_view raw = Trim(std::string_view(text).substr(start, end - start));
    if (raw.empty()) return;
    std::string why;
    std::optional<PhraseMatch> outgoing;
    ProvenancePeriod p = ParsePeriodText(raw, &why, &outgoing);
    if (carried && !p.unparsed && p.method == AcquisitionMethod::kUnknown) {
      p.method = carried->method;
      p.method_phrase = std::string(carried->phrase);
    }
    carried = outgoing;
    p.direct_transfer = direct;
    if (!why.empty()) {
      out.warnings.push_back("period " + std::to_string(out.periods.size() + 1) + ": " + why +
                             "; kept as written: \"" + Excerpt(raw) + "\"");
    }
    out.periods.push_back(std::move(p));
  };
  for (size_t i = 0; i < body_end; ++i) {
    if (!br.top_level[i]) continue;
    if (text[i] == ';' || (text[i] == '.' && IsSentenceEnd(text, i, body_end))) {
      add_period(i, text[i] == ';');
      start = i + 1;
    }
  }
  add_period(body_end, false);

  if (notes_begin != npos) {
    out.footnotes = ParseNotes(std::string_view(text).substr(notes_end), br.top_level, notes_end);
  }
  std::array<bool, 1000> noted{}, cited{};  // footnote numbers are 0..999
  for (const auto& note : out.footnotes) noted[static_cast<size_t>(note.number)] = true;
  for (size_t i = 0; i < out.periods.size(); ++i) {
    for (int n : out.periods[i].footnotes) {
      cited[static_cast<size_t>(n)] = true;
      if (!noted[static_cast<size_t>(n)]) {
        out.warnings.push_back("period " + std::to_string(i + 1) + " cites footnote [" +
                               std::to_string(n) + "] but the NOTES have no [" + std::to_string(n) +
                               "]");
      }
    }
  }
  for (const auto& note : out.footnotes) {
    if (note.number == 0) continue;
    if (!cited[static_cast<size_t>(note.number)]) {
      out.warnings.push_back("footnote [" + std::to_string(note.number) +
                             "] is not cited by any period");
    }
  }
  return out;
}

}  // namespace custos::core
