// Gap findings over structured provenance: see gap_rules.h for the rules.
#include "custos/core/gap_rules.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "provenance_text.h"

namespace custos::core {
namespace {

using namespace provenance_internal;

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;
constexpr int64_t kNegInf = -kInf;

const int64_t kNaziFrom = DaysFromCivil(1933, 1, 1);
const int64_t kNaziTo = DaysFromCivil(1945, 12, 31);
const int64_t kBefore1946 = DaysFromCivil(1946, 1, 1);
const int64_t kUnesco = DaysFromCivil(1970, 11, 17);

struct Dates {
  std::optional<int64_t> b0, b1, e0, e1;
  bool dated() const { return b0 || b1 || e0 || e1; }
  // The earliest / latest date the record ties to the period (dated only).
  int64_t first_known() const { return b0 ? *b0 : b1 ? *b1 : e0 ? *e0 : *e1; }
  int64_t last_known() const { return e1 ? *e1 : e0 ? *e0 : b1 ? *b1 : *b0; }
};

std::optional<int64_t> Day(const std::optional<std::string>& iso) {
  return iso ? IsoDayToDayNumber(*iso) : std::nullopt;
}

// Creation years in the context use -500 for 500 BCE; days use astronomical years.
int64_t YearStartOf(int year) { return DaysFromCivil(year < 0 ? year + 1 : year, 1, 1); }

bool IsCreator(const ProvenancePeriod& p) {
  const std::string name = AsciiLower(p.party.name);
  return name == "the artist" || name == "artist" || name == "the maker" ||
         name == "the sculptor" || name == "the painter" || name == "the potter" ||
         name == "the photographer" || name == "the architect" || name == "the craftsman" ||
         name == "the designer" || name == "the author" ||
         p.method == AcquisitionMethod::kCommission;
}

bool IsFind(const ProvenancePeriod& p) {
  return p.method == AcquisitionMethod::kExcavation || p.method == AcquisitionMethod::kFind;
}

// At most 40 bytes, cut at a UTF-8 character boundary.
std::string Excerpt(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::string Label(const Provenance& prov, size_t i) {
  const ProvenancePeriod& p = prov.periods[i];
  std::string what = !p.party.name.empty() ? p.party.name
                     : !p.place.empty()    ? p.place
                     : !p.role.empty()     ? p.role
                                           : Excerpt(Trim(p.raw));
  std::string label = "period " + std::to_string(i + 1);
  if (!what.empty()) label += " (" + what + ")";
  return label;
}

std::string Cap(std::string s) {
  if (!s.empty()) s[0] = ToUpper(s[0]);
  return s;
}

// "between 1933 and 1938", or "in 1938" when both ends read the same.
std::string Between(int64_t lo, int64_t hi) {
  const std::string a = HumanDay(lo), b = HumanDay(hi);
  return a == b ? "in " + a : "between " + a + " and " + b;
}

std::string Iso(int64_t d) { return DayNumberToIsoDay(d); }

std::vector<int> Range(size_t from, size_t to) {
  std::vector<int> out;
  for (size_t k = from; k <= to; ++k) out.push_back(static_cast<int>(k));
  return out;
}

bool ChainDirect(const Provenance& prov, size_t from, size_t to) {
  for (size_t k = from; k < to; ++k) {
    if (!prov.periods[k].direct_transfer) return false;
  }
  return true;
}

struct Gap {
  size_t from_period, to_period;
  int64_t from, to;
};

}  // namespace

std::vector<GapFlag> FindGaps(const Provenance& prov, const GapContext& ctx) {
  const size_t n = prov.periods.size();
  std::vector<Dates> d(n);
  std::vector<size_t> dated;
  std::vector<std::string> country(n);  // of each period's place, "" when unknown
  for (size_t k = 0; k < n; ++k) {
    const ProvenancePeriod& p = prov.periods[k];
    if (!p.place.empty()) country[k] = CountryOfPlace(p.place);
    d[k] = {Day(p.begin_of_the_begin), Day(p.end_of_the_begin), Day(p.begin_of_the_end),
            Day(p.end_of_the_end)};
    if (d[k].dated()) dated.push_back(k);
  }

  // Intervals between consecutive dated periods that no holder accounts for.
  std::vector<Gap> gaps, undocumented;
  for (size_t x = 0; x + 1 < dated.size(); ++x) {
    const size_t a = dated[x], b = dated[x + 1];
    if (ChainDirect(prov, a, b)) continue;
    const int64_t from = d[a].last_known(), to = d[b].first_known();
    if (to > from + 1) {
      gaps.push_back({a, b, from, to});
    } else {
      undocumented.push_back({a, b, std::min(from, to), std::max(from, to)});
    }
  }

  std::vector<GapFlag> nazi, unesco, gap, undated;
  const auto flag = [](std::vector<GapFlag>* out, const char* rule, int64_t from, int64_t to,
                       std::string message, std::vector<int> periods) {
    GapFlag f;
    f.rule = rule;
    if (from > kNegInf) f.from = Iso(from);
    if (to < kInf) f.to = Iso(to);
    f.message = std::move(message);
    f.periods = std::move(periods);
    out->push_back(std::move(f));
  };

  // ---- nazi_era ----
  bool existed = false;
  if (ctx.date_earliest) {
    existed = *ctx.date_earliest <= 1945;
  } else if (ctx.date_latest) {
    existed = *ctx.date_latest <= 1945;
  } else {
    existed = std::any_of(dated.begin(), dated.end(),
                          [&](size_t k) { return d[k].first_known() < kBefore1946; });
  }
  const int64_t creation = ctx.date_earliest ? YearStartOf(*ctx.date_earliest) : kNegInf;
  const std::string era = " within the Nazi era (1933-1945)";
  std::vector<bool> gap_in_era(gaps.size(), false);
  if (existed) {
    for (size_t g = 0; g < gaps.size(); ++g) {
      const Gap& x = gaps[g];
      const int64_t lo = std::max(x.from, kNaziFrom), hi = std::min(x.to, kNaziTo);
      if (lo >= hi) continue;
      gap_in_era[g] = x.from >= kNaziFrom - 1 && x.to <= kNaziTo + 1;
      flag(&nazi, "nazi_era", lo, hi,
           "No holder is known between " + HumanDay(lo) + " and " + HumanDay(hi) +
               ": the passage from " + Label(prov, x.from_period) + " to " +
               Label(prov, x.to_period) + " is not documented," + era + ".",
           Range(x.from_period, x.to_period));
    }
    if (dated.empty()) {
      flag(&nazi, "nazi_era", kNaziFrom, kNaziTo,
           n == 0 ? "The object existed before 1946 but has no provenance for 1933-1945."
                  : "The object existed before 1946 but no dated provenance covers 1933-1945.",
           n == 0 ? std::vector<int>{} : Range(0, n - 1));
    } else {
      const size_t f = dated.front();
      const int64_t first = d[f].first_known();
      const bool creator_covers = IsCreator(prov.periods[0]) && ChainDirect(prov, 0, f);
      const int64_t lo = std::max(kNaziFrom, creation), hi = std::min(first, kNaziTo);
      if (!creator_covers && lo < hi) {
        flag(&nazi, "nazi_era", lo, hi,
             f > 0 ? "The holders before " + Label(prov, f) +
                         " are undated, so who held the object between " + HumanDay(lo) + " and " +
                         HumanDay(hi) + " is not documented," + era + "."
                   : "The provenance begins with " + Label(prov, f) + " in " + HumanDay(first) +
                         ": who held the object between " + HumanDay(lo) + " and " + HumanDay(hi) +
                         " is not documented," + era + ".",
             Range(0, f));
      }
      const size_t last = dated.back();
      const int64_t end = d[last].last_known();
      if ((d[last].e0 || d[last].e1) && end < kNaziTo &&
          (last + 1 == n || !ChainDirect(prov, last, n - 1))) {
        const int64_t from = std::max(end, kNaziFrom);
        flag(&nazi, "nazi_era", from, kNaziTo,
             "After " + Label(prov, last) + " ends in " + HumanDay(end) +
                 " no holder is known until 1945," + era + ".",
             Range(last, n - 1));
      }
    }
    for (const Gap& x : undocumented) {
      if (x.to < kNaziFrom || x.from > kNaziTo) continue;
      flag(&nazi, "nazi_era", std::max(x.from, kNaziFrom), std::min(x.to, kNaziTo),
           "The transfer from " + Label(prov, x.from_period) + " to " + Label(prov, x.to_period) +
               " around " + HumanDay(x.to) + " is not documented as direct," + era + ".",
           {static_cast<int>(x.from_period), static_cast<int>(x.to_period)});
    }
    // Chronology: a period starts no earlier than any earlier period's earliest
    // start, and no later than any later period's latest start.
    std::vector<int64_t> floor(n, kNegInf), ceil(n, kInf), next_known(n, kInf);
    for (size_t k = 1; k < n; ++k) {
      floor[k] = std::max(floor[k - 1], d[k - 1].b0.value_or(kNegInf));
    }
    for (size_t k = n; k-- > 1;) {
      ceil[k - 1] = std::min(ceil[k], d[k].b1.value_or(kInf));
      next_known[k - 1] = d[k].dated() ? d[k].first_known() : next_known[k];
    }
    for (size_t k = 0; k < n; ++k) {
      const ProvenancePeriod& p = prov.periods[k];
      if (p.unparsed) continue;
      if (p.certainty != Certainty::kCertain || p.party.uncertain) {
        const int64_t lo = std::max(d[k].dated() ? d[k].first_known() : floor[k], creation);
        const int64_t hi = d[k].e1 ? *d[k].e1 : d[k].e0 ? *d[k].e0 : next_known[k];
        if (lo <= kNaziTo && hi >= kNaziFrom) {
          flag(&nazi, "nazi_era", std::max(lo, kNaziFrom), std::min(hi, kNaziTo),
               Cap(Label(prov, k)) + " is an uncertain party (" +
                   (p.certainty == Certainty::kPossible   ? "possibly"
                    : p.certainty == Certainty::kProbable ? "probably"
                                                          : "marked '?'") +
                   ") that may have held the object" + era + ".",
               {static_cast<int>(k)});
        }
      }
      if ((k == 0 && (IsCreator(p) || IsFind(p))) || IsFind(p)) continue;
      const bool eu_here = IsContinentalEurope(country[k]);
      const bool eu_before = k > 0 && IsContinentalEurope(country[k - 1]);
      if (!eu_here && !eu_before) continue;
      int64_t lo = std::max({d[k].b0.value_or(kNegInf), floor[k], creation});
      int64_t hi = std::min({d[k].b1.value_or(kInf), d[k].e1.value_or(kInf), ceil[k]});
      if (k > 0) {
        lo = std::max(lo, d[k - 1].e0.value_or(kNegInf));
        if (prov.periods[k - 1].direct_transfer) hi = std::min(hi, d[k - 1].e1.value_or(kInf));
      }
      if (lo > hi) {  // inconsistent dates: fall back to the period's own
        lo = d[k].b0.value_or(kNegInf);
        hi = d[k].b1.value_or(kInf);
      }
      if (lo > kNaziTo || hi < kNaziFrom) continue;
      const std::string where = eu_here ? p.place : prov.periods[k - 1].place;
      flag(&nazi, "nazi_era", std::max(lo, kNaziFrom), std::min(hi, kNaziTo),
           "The object changed hands in continental Europe (" + where + ") when " + Label(prov, k) +
               " acquired it, possibly " + Between(std::max(lo, kNaziFrom), std::min(hi, kNaziTo)) +
               "," + era + ".",
           k > 0 ? std::vector<int>{static_cast<int>(k - 1), static_cast<int>(k)}
                 : std::vector<int>{static_cast<int>(k)});
    }
  }

  // ---- unesco_1970 ----
  const bool archaeological =
      IsArchaeologicalOrEthnographic(ctx.object_type) ||
      std::any_of(prov.periods.begin(), prov.periods.end(), [](const ProvenancePeriod& p) {
        return IsFind(p) || p.method == AcquisitionMethod::kLooting;
      });
  if (archaeological && !ctx.has_export_licence) {
    std::string origin;
    for (char c : ctx.country_of_origin) origin.push_back(ToUpper(c));
    std::vector<int> finds;
    for (size_t k = 0; k < n; ++k) {
      if (!IsFind(prov.periods[k])) continue;
      finds.push_back(static_cast<int>(k));
      if (origin.empty()) origin = country[k];
    }
    bool documented = false;
    std::vector<int> abroad_later;
    for (size_t k = 0; k < n && !documented; ++k) {
      const ProvenancePeriod& p = prov.periods[k];
      if (p.unparsed || IsFind(p)) continue;
      if (country[k].empty() || country[k] == origin) continue;
      std::optional<int64_t> known_by;
      for (const auto& x : {d[k].b1, d[k].e0, d[k].e1}) {
        if (x && (!known_by || *x < *known_by)) known_by = x;
      }
      const bool certain = p.certainty == Certainty::kCertain && !p.party.uncertain;
      if (certain && known_by && *known_by < kUnesco) {
        documented = true;
      } else {
        abroad_later.push_back(static_cast<int>(k));
      }
    }
    if (!documented) {
      std::string message =
          "Archaeological or ethnographic object with no documented presence outside " +
          (origin.empty() ? std::string("its country of origin")
                          : "its country of origin (" + origin + ")") +
          " before 17 November 1970 (UNESCO 1970 Convention) and no export licence";
      if (!abroad_later.empty()) {
        message += "; first recorded abroad: " + Label(prov, static_cast<size_t>(abroad_later[0]));
      }
      message += ".";
      std::vector<int> involved = finds;
      involved.insert(involved.end(), abroad_later.begin(), abroad_later.end());
      std::sort(involved.begin(), involved.end());
      flag(&unesco, "unesco_1970", kNegInf, kUnesco, std::move(message), std::move(involved));
    }
  }

  // ---- gap ----
  for (size_t g = 0; g < gaps.size(); ++g) {
    const Gap& x = gaps[g];
    if (gap_in_era[g]) continue;  // already a nazi_era finding
    flag(&gap, "gap", x.from, x.to,
         "No holder is known between " + HumanDay(x.from) + " and " + HumanDay(x.to) +
             ": the passage from " + Label(prov, x.from_period) + " to " +
             Label(prov, x.to_period) + " is not documented.",
         Range(x.from_period, x.to_period));
  }

  // ---- undated ----
  for (size_t k = 0; k < n; ++k) {
    if (d[k].dated() || (k == 0 && IsCreator(prov.periods[k]))) continue;
    flag(&undated, "undated", kNegInf, kInf,
         Cap(Label(prov, k)) + " has no date" +
             (prov.periods[k].unparsed ? " (its text could not be read)." : "."),
         {static_cast<int>(k)});
  }

  std::vector<GapFlag> out;
  for (auto* v : {&nazi, &unesco, &gap, &undated}) {
    out.insert(out.end(), std::make_move_iterator(v->begin()), std::make_move_iterator(v->end()));
  }
  return out;
}

nlohmann::json GapFlagsToJson(const std::vector<GapFlag>& flags) {
  nlohmann::json out = nlohmann::json::array();
  for (const GapFlag& f : flags) {
    out.push_back({{"rule", f.rule},
                   {"from", f.from ? nlohmann::json(*f.from) : nlohmann::json(nullptr)},
                   {"to", f.to ? nlohmann::json(*f.to) : nlohmann::json(nullptr)},
                   {"message", f.message},
                   {"periods", f.periods}});
  }
  return out;
}

}  // namespace custos::core
