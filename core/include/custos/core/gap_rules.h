// Gap findings: the parts of a provenance that matter legally and that a
// researcher should look at, computed from the structured periods.
//
// Rules (GapFlag::rule):
//  - "nazi_era": the object existed before 1946 and its history between
//    1933-01-01 and 1945-12-31 has a gap, an undocumented transfer (no direct
//    transfer), an uncertain party, or a change of hands in continental Europe
//    (AAM / AAMD guidelines on Nazi-era provenance).
//  - "unesco_1970": an archaeological or ethnographic object (by its type, or
//    because a period is an excavation or find) with no documented presence
//    outside its country of origin before 1970-11-17 (the UNESCO 1970
//    Convention) and no export licence.
//  - "gap": an interval between the first and the last dated period in which
//    no holder is known (the transfer is not documented as direct and the
//    dates do not meet), except one that lies wholly inside 1933-1945 and is
//    already reported as "nazi_era".
//  - "undated": a period with no date at all (the creator as first holder
//    excepted).
//
// Fuzzy dates are read conservatively: a gap runs from the latest date tied to
// one period (its latest end, else its latest start) to the earliest date tied
// to the next (its earliest start, else its latest start), so only time that
// no holder can account for is reported.
//
// Thread-safety: pure functions; safe to call concurrently. None blocks.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/provenance.h"

namespace custos::core {

struct GapContext {
  std::string object_type;                        // "cylinder seal", "oil painting", ...
  std::string country_of_origin;                  // ISO 3166-1 alpha-2, "" when unknown
  std::optional<int> date_earliest, date_latest;  // creation years, negative = BCE
  bool has_export_licence = false;
};

struct GapFlag {
  std::string rule;                     // nazi_era | unesco_1970 | gap | undated
  std::optional<std::string> from, to;  // ISO days; null when open
  std::string message;                  // one sentence for people
  std::vector<int> periods;             // indexes into Provenance::periods
  bool operator==(const GapFlag&) const = default;
};

// All findings, ordered by rule (nazi_era, unesco_1970, gap, undated) and then
// by period.
std::vector<GapFlag> FindGaps(const Provenance& provenance, const GapContext& context);

// [{"rule","from","to","message","periods"}], from/to null when open.
nlohmann::json GapFlagsToJson(const std::vector<GapFlag>& flags);

// The ISO 3166-1 alpha-2 code of the country a place is in ("Munich" -> "DE",
// "Newark, NJ" -> "US", "Tell Umar, Iraq" -> "IQ"), from a modest built-in
// gazetteer of countries (with historical names) and major cities; "" when
// unknown. The last comma-separated part that names a place wins.
std::string CountryOfPlace(std::string_view place);

// True for countries of continental Europe (not the UK, Ireland, Iceland).
bool IsContinentalEurope(std::string_view iso_country);

// True when an object type names an archaeological or ethnographic object
// ("antiquity", "cylinder seal", "funerary mask", "coin", ...).
bool IsArchaeologicalOrEthnographic(std::string_view object_type);

}  // namespace custos::core
