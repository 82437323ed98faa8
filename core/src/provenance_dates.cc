// Date phrases of provenance periods: reading "by 1934 until 1952" into four
// day bounds, writing bounds back as a phrase, and ISO day conversion.
//
// A hand-written tokenizer and a reader that never backtracks more than a few
// tokens: each phrase is read in time linear in its length, with no recursion.
#include <algorithm>
#include <array>
#include <cstdio>

#include "custos/core/provenance.h"
#include "provenance_text.h"

namespace custos::core {
namespace provenance_internal {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = m > 2 ? m - 3 : m + 9;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

int DaysInMonth(int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[static_cast<size_t>(m - 1)];
}

}  // namespace provenance_internal

namespace {

using namespace provenance_internal;

std::string DayText(int64_t n);
std::string YearText(int64_t y);

constexpr int64_t kMinYear = -9999;
constexpr int64_t kMaxYear = 9999;

enum class TokKind { kWord, kNumber, kAlnum, kDash, kComma };
struct Tok {
  TokKind kind;
  std::string text;  // words: lower case, dots removed; numbers: the digits
};

// nullopt when the phrase holds a character no date phrase has.
std::optional<std::vector<Tok>> Tokenize(std::string_view s) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (IsSpace(c)) {
      ++i;
    } else if (IsDigit(c)) {
      size_t j = i;
      while (j < s.size() && IsDigit(s[j])) ++j;
      std::string text(s.substr(i, j - i));
      if (j + 1 < s.size() && s[j] == '\'' && (s[j + 1] == 's' || s[j + 1] == 'S')) {
        out.push_back({TokKind::kAlnum, text + "s"});  // "1970's"
        i = j + 2;
      } else if (j < s.size() && IsAlpha(s[j])) {
        size_t k = j;
        while (k < s.size() && IsAlpha(s[k])) ++k;
        out.push_back({TokKind::kAlnum, text + AsciiLower(s.substr(j, k - j))});
        i = k;
      } else {
        out.push_back({TokKind::kNumber, std::move(text)});
        i = j;
      }
      if (out.back().text.size() > 12) return std::nullopt;
    } else if (IsAlpha(c)) {
      std::string word;
      size_t j = i;
      while (j < s.size() && (IsAlpha(s[j]) || s[j] == '.')) {
        if (s[j] != '.') word.push_back(ToLower(s[j]));
        ++j;
      }
      out.push_back({TokKind::kWord, std::move(word)});
      i = j;
    } else if (c == '-') {
      out.push_back({TokKind::kDash, "-"});
      ++i;
    } else if (c == ',') {
      out.push_back({TokKind::kComma, ","});
      ++i;
    } else if (s.substr(i, 3) == "\xE2\x80\x93" || s.substr(i, 3) == "\xE2\x80\x94") {
      out.push_back({TokKind::kDash, "-"});  // en dash, em dash
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

int MonthOfWord(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kFull = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  static constexpr std::array<std::string_view, 12> kShort = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (size_t i = 0; i < 12; ++i) {
    if (w == kFull[i] || w == kShort[i]) return static_cast<int>(i + 1);
  }
  if (w == "sept") return 9;
  return 0;
}

int SpelledOrdinal(std::string_view w) {
  static constexpr std::array<std::string_view, 21> kWords = {
      "",           "first",      "second",     "third",     "fourth",    "fifth",
      "sixth",      "seventh",    "eighth",     "ninth",     "tenth",     "eleventh",
      "twelfth",    "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
      "eighteenth", "nineteenth", "twentieth"};
  for (size_t i = 1; i < kWords.size(); ++i) {
    if (w == kWords[i]) return static_cast<int>(i);
  }
  return 0;
}

// "19th" -> 19, "3rd" -> 3; 0 when not an ordinal.
int NumericOrdinal(std::string_view t) {
  size_t i = 0;
  int v = 0;
  while (i < t.size() && IsDigit(t[i]) && i < 3) v = v * 10 + (t[i++] - '0');
  if (i == 0 || i >= t.size()) return 0;
  const std::string_view suffix = t.substr(i);
  if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") return v;
  return 0;
}

enum class Precision { kDay, kMonth, kYear, kDecade, kCentury };
struct Span {
  int64_t lo, hi;  // day numbers, inclusive
  Precision precision;
  bool plain_year = false;  // a bare year, no era or qualifier: "1920" in "1920-35"
  int64_t year = 0;         // for plain_year
};

int64_t YearStart(int64_t y) { return DaysFromCivil(y, 1, 1); }
int64_t YearEnd(int64_t y) { return DaysFromCivil(y, 12, 31); }
Span Years(int64_t y1, int64_t y2, Precision p) { return {YearStart(y1), YearEnd(y2), p}; }

struct Bounds4 {
  std::optional<int64_t> b0, b1, e0, e1;
};

class DateReader {
 public:
  DateReader(std::vector<Tok> toks, bool default_bce)
      : t_(std::move(toks)), default_bce_(default_bce) {}

  std::optional<std::pair<Bounds4, Certainty>> Phrase() {
    Certainty certainty = Certainty::kCertain;
    if (Kind(0) == TokKind::kWord) {
      if (auto c = CertaintyWord(t_[pos_].text)) {
        certainty = *c;
        ++pos_;
      }
    }
    Bounds4 b;
    if (EatWord("until") || EatWord("till") || EatWord("through") || EatWord("thru")) {
      if (!End(&b, nullptr)) return std::nullopt;
    } else {
      std::optional<Span> start;
      if (!Start(&b, &start)) return std::nullopt;
      if (!AtEnd()) {
        const bool plain = start.has_value();
        if (EatWord("until") || EatWord("till") || EatWord("through") || EatWord("thru") ||
            (plain && (EatWord("to") || EatDash()))) {
          if (!End(&b, plain ? &*start : nullptr)) return std::nullopt;
        } else {
          return std::nullopt;
        }
      }
    }
    if (!AtEnd()) return std::nullopt;
    const auto le = [](const std::optional<int64_t>& a, const std::optional<int64_t>& z) {
      return !a || !z || *a <= *z;
    };
    if (!le(b.b0, b.b1) || !le(b.e0, b.e1) || !le(b.b0, b.e1)) return std::nullopt;
    return std::make_pair(b, certainty);
  }

 private:
  bool AtEnd() const { return pos_ >= t_.size(); }
  std::optional<TokKind> Kind(size_t ahead) const {
    if (pos_ + ahead >= t_.size()) return std::nullopt;
    return t_[pos_ + ahead].kind;
  }
  bool AtWord(std::string_view w, size_t ahead = 0) const {
    return Kind(ahead) == TokKind::kWord && t_[pos_ + ahead].text == w;
  }
  bool EatWord(std::string_view w) {
    if (!AtWord(w)) return false;
    ++pos_;
    return true;
  }
  bool EatWords(std::string_view a, std::string_view b, std::string_view c = {}) {
    if (!AtWord(a) || !AtWord(b, 1) || (!c.empty() && !AtWord(c, 2))) return false;
    pos_ += c.empty() ? 2 : 3;
    return true;
  }
  bool EatDash() {
    if (Kind(0) != TokKind::kDash) return false;
    ++pos_;
    return true;
  }

  // START clause; *plain_start is set when it was a bare POINT.
  bool Start(Bounds4* b, std::optional<Span>* plain_start) {
    std::optional<Span> p, q;
    if (EatWord("by")) {
      if (!(p = Point())) return false;
      b->b1 = p->hi;
    } else if (EatWord("before")) {
      if (!(p = Point())) return false;
      b->b1 = p->lo - 1;
    } else if (EatWord("after")) {
      if (!(p = Point())) return false;
      b->b0 = p->hi + 1;
    } else if (EatWord("between")) {
      if (!(p = Point()) || !EatWord("and") || !(q = Point())) return false;
      b->b0 = p->lo;
      b->b1 = q->hi;
    } else if (EatWords("no", "earlier", "than") || EatWords("not", "before")) {
      if (!(p = Point())) return false;
      b->b0 = p->lo;
    } else if (EatWords("no", "later", "than") || EatWords("not", "after")) {
      if (!(p = Point())) return false;
      b->b1 = p->hi;
    } else {
      if (!EatWord("from") && !EatWord("since") && !EatWord("in")) EatWord("on");
      if (!(p = Point())) return false;
      b->b0 = p->lo;
      b->b1 = p->hi;
      *plain_start = p;
    }
    return true;
  }

  bool End(Bounds4* b, const Span* plain_start) {
    std::optional<Span> p, q;
    if (EatWords("at", "least")) {
      if (!(p = Point())) return false;
      b->e0 = p->lo;
    } else if (EatWord("after")) {
      if (!(p = Point())) return false;
      b->e0 = p->hi + 1;
    } else if (EatWord("before")) {
      if (!(p = Point())) return false;
      b->e1 = p->lo - 1;
    } else if (EatWord("by") || EatWords("no", "later", "than")) {
      if (!(p = Point())) return false;
      b->e1 = p->hi;
    } else if (EatWords("no", "earlier", "than")) {
      if (!(p = Point())) return false;
      b->e0 = p->lo;
    } else if (EatWord("between")) {
      if (!(p = Point()) || !EatWord("and") || !(q = Point())) return false;
      b->e0 = p->lo;
      b->e1 = q->hi;
    } else if (plain_start && plain_start->plain_year && plain_start->year >= 1000 &&
               Kind(0) == TokKind::kNumber && t_[pos_].text.size() == 2 && pos_ + 1 == t_.size()) {
      // "1920-35": the end year shares the century of the start.
      const int64_t y = plain_start->year / 100 * 100 + std::stoi(t_[pos_].text);
      if (y <= plain_start->year) return false;
      ++pos_;
      b->e0 = YearStart(y);
      b->e1 = YearEnd(y);
    } else {
      if (!(p = Point())) return false;
      b->e0 = p->lo;
      b->e1 = p->hi;
    }
    return true;
  }

  // [circa] [first|second half of [the]] [early|mid|late [-]] CORE
  std::optional<Span> Point() {
    const size_t save = pos_;
    bool circa = false;
    for (std::string_view w : {"c", "ca", "circa", "about", "around", "approximately", "approx"}) {
      if (EatWord(w)) {
        circa = true;
        break;
      }
    }
    int half = 0;
    if (EatWords("first", "half", "of")) {
      half = 1;
    } else if (EatWords("second", "half", "of")) {
      half = 2;
    }
    if (half) EatWord("the");
    int third = 0;
    if (EatWord("early")) {
      third = 1;
    } else if (EatWord("mid") || EatWord("middle")) {
      third = 2;
    } else if (EatWord("late")) {
      third = 3;
    }
    if (third) EatDash();
    std::optional<Span> core = Core();
    if (!core) {
      pos_ = save;
      return std::nullopt;
    }
    Span s = *core;
    if (third || half || circa) s.plain_year = false;
    if (third || half) {
      int64_t y0, y1;
      int m0, d0, m1, d1;
      CivilFromDays(s.lo, &y0, &m0, &d0);
      CivilFromDays(s.hi, &y1, &m1, &d1);
      switch (s.precision) {
        case Precision::kYear:
          if (half) {
            s = {DaysFromCivil(y0, half == 1 ? 1 : 7, 1),
                 half == 1 ? DaysFromCivil(y0, 6, 30) : YearEnd(y0), Precision::kYear};
          } else {
            const int first_month = third == 1 ? 1 : third == 2 ? 5 : 9;
            s = {DaysFromCivil(y0, first_month, 1),
                 DaysFromCivil(y0, first_month + 3, DaysInMonth(y0, first_month + 3)),
                 Precision::kYear};
          }
          break;
        case Precision::kDecade:
        case Precision::kCentury: {
          const int64_t len = y1 - y0 + 1;  // 10 or 100 (99 for the 1st century)
          int64_t a, z;
          if (half) {
            a = half == 1 ? 0 : len / 2;
            z = half == 1 ? len / 2 - 1 : len - 1;
          } else if (s.precision == Precision::kDecade) {
            a = third == 1 ? 0 : third == 2 ? 4 : 7;
            z = third == 1 ? 3 : third == 2 ? 6 : 9;
          } else {
            a = third == 1 ? 0 : third == 2 ? 33 : 67;
            z = third == 1 ? 32 : third == 2 ? 66 : len - 1;
          }
          s = Years(y0 + a, y0 + z, s.precision);
          break;
        }
        default:
          pos_ = save;
          return std::nullopt;  // "early June 3, 1968"
      }
    }
    if (circa) {
      int64_t y0, y1;
      int m0, d0, m1, d1;
      CivilFromDays(s.lo, &y0, &m0, &d0);
      CivilFromDays(s.hi, &y1, &m1, &d1);
      switch (s.precision) {
        case Precision::kDay:
          s.lo -= 7;
          s.hi += 7;
          break;
        case Precision::kMonth: {
          const int64_t ym0 = y0 * 12 + (m0 - 1) - 1, ym1 = y1 * 12 + (m1 - 1) + 1;
          const auto floor_div = [](int64_t a, int64_t b) {
            return a >= 0 ? a / b : -((-a + b - 1) / b);
          };
          const int64_t ya = floor_div(ym0, 12), yb = floor_div(ym1, 12);
          const int ma = static_cast<int>(ym0 - ya * 12) + 1,
                    mb = static_cast<int>(ym1 - yb * 12) + 1;
          s.lo = DaysFromCivil(ya, ma, 1);
          s.hi = DaysFromCivil(yb, mb, DaysInMonth(yb, mb));
          break;
        }
        case Precision::kYear:
        case Precision::kDecade:
          s.lo = YearStart(y0 - 5);
          s.hi = YearEnd(y1 + 5);
          break;
        case Precision::kCentury:
          s.lo = YearStart(y0 - 25);
          s.hi = YearEnd(y1 + 25);
          break;
      }
    }
    if (s.lo < YearStart(kMinYear) || s.hi > YearEnd(kMaxYear)) {
      pos_ = save;
      return std::nullopt;
    }
    return s;
  }

  // [ad] digits [bc|bce|ad|ce]: an astronomical year.
  std::optional<int64_t> Year(bool* explicit_era) {
    const size_t save = pos_;
    const bool prefix_ad = EatWord("ad");
    if (Kind(0) != TokKind::kNumber) {
      pos_ = save;
      return std::nullopt;
    }
    const std::string& digits = t_[pos_].text;
    if (digits.size() > 4 || digits[0] == '0') {
      pos_ = save;
      return std::nullopt;
    }
    const int64_t v = std::stoi(digits);
    ++pos_;
    bool bce = false, era = prefix_ad;
    if (!prefix_ad) {
      if (EatWord("bc") || EatWord("bce")) {
        bce = era = true;
      } else if (EatWord("ad") || EatWord("ce")) {
        era = true;
      }
    }
    if (!era) {
      if (default_bce_) {
        bce = true;
      } else if (digits.size() < 3) {
        pos_ = save;
        return std::nullopt;
      }
    }
    if (v < 1) {
      pos_ = save;
      return std::nullopt;
    }
    *explicit_era = era;
    return bce ? 1 - v : v;
  }

  std::optional<int64_t> DayOfMonth() {
    if (Kind(0) == TokKind::kNumber && t_[pos_].text.size() <= 2) {
      return std::stoi(t_[pos_++].text);
    }
    if (Kind(0) == TokKind::kAlnum) {
      if (int v = NumericOrdinal(t_[pos_].text); v > 0 && v <= 31) {
        ++pos_;
        return v;
      }
    }
    return std::nullopt;
  }

  std::optional<Span> MakeDay(int64_t y, int m, int64_t d) {
    if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
    const int64_t n = DaysFromCivil(y, m, static_cast<int>(d));
    return Span{n, n, Precision::kDay};
  }

  std::optional<Span> Century(int n) {
    if (!EatWord("century") && !EatWord("cent")) return std::nullopt;
    if (n < 1 || n > 99) return std::nullopt;
    bool bce = default_bce_;
    if (EatWord("bc") || EatWord("bce")) {
      bce = true;
    } else if (EatWord("ad") || EatWord("ce")) {
      bce = false;
    }
    if (bce) return Years(1 - int64_t{n} * 100, -(int64_t{n} - 1) * 100, Precision::kCentury);
    return Years(n == 1 ? 1 : (int64_t{n} - 1) * 100, (int64_t{n} - 1) * 100 + 99,
                 Precision::kCentury);
  }

  std::optional<Span> Core() {
    const size_t save = pos_;
    const auto fail = [&]() -> std::optional<Span> {
      pos_ = save;
      return std::nullopt;
    };
    if (AtEnd()) return std::nullopt;
    const Tok& a = t_[pos_];
    bool era = false;
    if (a.kind == TokKind::kWord) {
      if (int m = MonthOfWord(a.text)) {
        ++pos_;
        const size_t after_month = pos_;
        if (auto d = DayOfMonth()) {
          if (Kind(0) == TokKind::kComma) ++pos_;
          if (auto y = Year(&era)) {
            if (auto s = MakeDay(*y, m, *d)) return s;
            return fail();
          }
          pos_ = after_month;
        }
        if (auto y = Year(&era)) {
          return Span{DaysFromCivil(*y, m, 1), DaysFromCivil(*y, m, DaysInMonth(*y, m)),
                      Precision::kMonth};
        }
        return fail();
      }
      if (int n = SpelledOrdinal(a.text)) {
        ++pos_;
        if (auto s = Century(n)) return s;
        return fail();
      }
      if (a.text == "ad") {
        if (auto y = Year(&era)) return Years(*y, *y, Precision::kYear);
      }
      return fail();
    }
    if (a.kind == TokKind::kAlnum) {
      if (int n = NumericOrdinal(a.text)) {
        ++pos_;
        if (auto s = Century(n)) return s;
        // "3rd June 1968"
        if (n <= 31 && Kind(0) == TokKind::kWord) {
          if (int m = MonthOfWord(t_[pos_].text)) {
            ++pos_;
            if (auto y = Year(&era)) {
              if (auto s = MakeDay(*y, m, n)) return s;
            }
          }
        }
        return fail();
      }
      // "1970s"
      if (a.text.size() == 5 && a.text[4] == 's' && IsDigit(a.text[0]) && a.text[0] != '0' &&
          IsDigit(a.text[1]) && IsDigit(a.text[2]) && a.text[3] == '0') {
        ++pos_;
        const int64_t y = std::stoi(a.text.substr(0, 4));
        return Years(y, y + 9, Precision::kDecade);
      }
      return fail();
    }
    if (a.kind == TokKind::kNumber) {
      // ISO day "1968-06-03" and month "1968-06".
      if (a.text.size() == 4 && Kind(1) == TokKind::kDash && Kind(2) == TokKind::kNumber &&
          t_[pos_ + 2].text.size() == 2) {
        const int64_t y = std::stoi(a.text);
        const int m = std::stoi(t_[pos_ + 2].text);
        if (Kind(3) == TokKind::kDash && Kind(4) == TokKind::kNumber &&
            t_[pos_ + 4].text.size() == 2) {
          const int d = std::stoi(t_[pos_ + 4].text);
          pos_ += 5;
          if (auto s = MakeDay(y, m, d)) return s;
          return fail();
        }
        const bool short_range_ok = y / 100 * 100 + m > y;  // "1910-12" is 1910 to 1912
        if (m >= 1 && m <= 12 && (t_[pos_ + 2].text[0] == '0' || !short_range_ok)) {
          pos_ += 3;
          return Span{DaysFromCivil(y, m, 1), DaysFromCivil(y, m, DaysInMonth(y, m)),
                      Precision::kMonth};
        }
      }
      // "3 June 1968"
      if (a.text.size() <= 2 && Kind(1) == TokKind::kWord) {
        if (int m = MonthOfWord(t_[pos_ + 1].text)) {
          const int d = std::stoi(a.text);
          pos_ += 2;
          if (auto y = Year(&era)) {
            if (auto s = MakeDay(*y, m, d)) return s;
          }
          return fail();
        }
      }
      if (auto y = Year(&era)) {
        Span s = Years(*y, *y, Precision::kYear);
        s.plain_year = !era && *y > 0;
        s.year = *y;
        return s;
      }
      return fail();
    }
    return fail();
  }

  std::vector<Tok> t_;
  size_t pos_ = 0;
  bool default_bce_;
};

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

std::string YearText(int64_t y) {
  if (y <= 0) return std::to_string(1 - y) + " BCE";
  if (y < 100) return std::to_string(y) + " CE";
  return std::to_string(y);
}

std::string DayText(int64_t n) {
  int64_t y;
  int m, d;
  CivilFromDays(n, &y, &m, &d);
  return std::string(kMonthNames[static_cast<size_t>(m - 1)]) + " " + std::to_string(d) + ", " +
         YearText(y);
}

// lo..hi as one POINT when it is a whole day, month, year or decade; else as
// "between DAY and DAY".
std::string SpanText(int64_t lo, int64_t hi) {
  if (lo == hi) return DayText(lo);
  int64_t y0, y1;
  int m0, d0, m1, d1;
  CivilFromDays(lo, &y0, &m0, &d0);
  CivilFromDays(hi, &y1, &m1, &d1);
  if (d0 == 1 && y0 == y1 && m0 == m1 && d1 == DaysInMonth(y1, m1)) {
    return std::string(kMonthNames[static_cast<size_t>(m0 - 1)]) + " " + YearText(y0);
  }
  if (m0 == 1 && d0 == 1 && m1 == 12 && d1 == 31) {
    if (y0 == y1) return YearText(y0);
    if (y0 >= 1000 && y0 % 10 == 0 && y1 == y0 + 9) return std::to_string(y0) + "s";
  }
  return "between " + DayText(lo) + " and " + DayText(hi);
}

// The coarsest POINT whose first day is n ("1939" for 1939-01-01).
std::string LoText(int64_t n) {
  int64_t y;
  int m, d;
  CivilFromDays(n, &y, &m, &d);
  if (d != 1) return DayText(n);
  if (m != 1) return std::string(kMonthNames[static_cast<size_t>(m - 1)]) + " " + YearText(y);
  return YearText(y);
}

// The coarsest POINT whose last day is n ("1934" for 1934-12-31).
std::string HiText(int64_t n) {
  int64_t y;
  int m, d;
  CivilFromDays(n, &y, &m, &d);
  if (d != DaysInMonth(y, m)) return DayText(n);
  if (m != 12) return std::string(kMonthNames[static_cast<size_t>(m - 1)]) + " " + YearText(y);
  return YearText(y);
}

std::optional<int64_t> ToDays(const std::optional<std::string>& iso) {
  if (!iso) return std::nullopt;
  return IsoDayToDayNumber(*iso);
}

}  // namespace

namespace provenance_internal {
std::string HumanDay(int64_t n) {
  int64_t y;
  int m, d;
  CivilFromDays(n, &y, &m, &d);
  if ((m == 1 && d == 1) || (m == 12 && d == 31)) return YearText(y);
  return DayText(n);
}
}  // namespace provenance_internal

std::optional<DateBounds> ParseProvenanceDate(std::string_view phrase) {
  if (phrase.size() > 200) return std::nullopt;  // no date phrase is this long
  auto toks = Tokenize(phrase);
  if (!toks || toks->empty()) return std::nullopt;
  const Tok& last = toks->back();
  const bool default_bce = last.kind == TokKind::kWord && (last.text == "bc" || last.text == "bce");
  DateReader reader(std::move(*toks), default_bce);
  auto r = reader.Phrase();
  if (!r) return std::nullopt;
  const auto iso = [](const std::optional<int64_t>& d) -> std::optional<std::string> {
    if (!d) return std::nullopt;
    return DayNumberToIsoDay(*d);
  };
  DateBounds out;
  out.begin_of_the_begin = iso(r->first.b0);
  out.end_of_the_begin = iso(r->first.b1);
  out.begin_of_the_end = iso(r->first.e0);
  out.end_of_the_end = iso(r->first.e1);
  out.certainty = r->second;
  return out;
}

std::string FormatProvenanceDate(const DateBounds& bounds) {
  const auto b0 = ToDays(bounds.begin_of_the_begin), b1 = ToDays(bounds.end_of_the_begin);
  const auto e0 = ToDays(bounds.begin_of_the_end), e1 = ToDays(bounds.end_of_the_end);
  std::string start, end;
  if (b0 && b1) {
    start = SpanText(*b0, *b1);
  } else if (b1) {
    start = "by " + HiText(*b1);
  } else if (b0) {
    start = "no earlier than " + LoText(*b0);
  }
  if (e0 && e1) {
    end = "until " + SpanText(*e0, *e1);
  } else if (e0) {
    end = "until at least " + LoText(*e0);
  } else if (e1) {
    end = "until no later than " + HiText(*e1);
  }
  std::string out = start;
  if (!end.empty()) out += (out.empty() ? "" : " ") + end;
  if (out.empty()) return out;
  const std::string_view adverb = CertaintyAdverb(bounds.certainty);
  if (!adverb.empty()) out = std::string(adverb) + " " + out;
  return out;
}

std::optional<int64_t> IsoDayToDayNumber(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(s[i])) return std::nullopt;
  }
  const auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int64_t y = negative ? -int64_t{num(0, 4)} : num(0, 4);
  const int m = num(5, 2), d = num(8, 2);
  if (negative && y == 0) return std::nullopt;  // "-0000" is not a year
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::string DayNumberToIsoDay(int64_t n) {
  n = std::max(n, DaysFromCivil(kMinYear, 1, 1));
  n = std::min(n, DaysFromCivil(kMaxYear, 12, 31));
  int64_t y;
  int m, d;
  CivilFromDays(n, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%04lld-%02d-%02d", y < 0 ? "-" : "",
                static_cast<long long>(y < 0 ? -y : y), m, d);
  return buf;
}

}  // namespace custos::core
