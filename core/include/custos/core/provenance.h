// Provenance: the ownership history of an object, held both as structured
// periods and as text in the museum standard (the AAM guideline as structured
// by the Art Tracks project).
//
// Text form. Periods are listed earliest first. A period ends with ';' when the
// object passed directly to the next party, and with '.' when no direct
// transfer is known. A period reads
//
//   [certainty] [acquisition phrase] [role,] party [?] [[life dates]] [, place]
//   [, date] [, lot N] [, see document sha256:HEX] [[n]...]
//
// e.g. "sold to Galerie Vesper, Geneva, June 3, 1968 [1]". Dealers are written
// in parentheses with their place: "(Dealer Hall, Paris), 1911". A trailing
// "NOTES:" section holds footnotes "[1] text"; a period cites them by "[n]".
// Documents in the archive are cited by their SHA-256 (64 hex digits, with or
// without a "sha256:" prefix) in a period or a footnote.
//
// Dates. Each period keeps four bounds, named as in Linked Art: the earliest
// and latest possible start (begin_of_the_begin, end_of_the_begin) and the
// earliest and latest possible end (begin_of_the_end, end_of_the_end). Each is
// an ISO-8601 calendar day "YYYY-MM-DD" in the proleptic Gregorian calendar, or
// empty when unbounded. Years BCE use astronomical numbering with a sign and
// four digits: 1 BCE is "0000", 500 BCE is "-0499" (so "500 BCE" spans
// "-0499-01-01".."-0499-12-31"). See ParseProvenanceDate for the phrases.
//
// Thread-safety: every function here is pure (no shared state) and may be
// called concurrently. None blocks.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::core {

// How the party of a period came to hold the object.
enum class AcquisitionMethod {
  kUnknown,
  kPurchase,      // purchased by, bought by
  kSale,          // sold to
  kGift,          // gift to, given to, donated to, presented to
  kBequest,       // bequest to, bequeathed to
  kInheritance,   // by inheritance to, inherited by
  kDescent,       // by descent to
  kExcavation,    // excavated [at|in|from|near|by]
  kFind,          // found / discovered [at|in|near|by]
  kSeizure,       // seized by, impounded by
  kTheft,         // stolen [from|by]
  kLooting,       // looted [from|by], plundered by
  kConsignment,   // consigned to
  kExchange,      // exchanged with, by exchange to, traded to
  kConfiscation,  // confiscated [by|from]
  kAuction,       // sold at auction, auctioned, sale
  kAcquisition,   // acquired by
  kTransfer,      // transferred to
  kRestitution,   // restituted to, returned to, repatriated to
  kLoan,          // lent to, loaned to, on loan to
  kDeposit,       // deposited with
  kCommission,    // commissioned by
};

// Stable snake_case names used in JSON ("purchase", "by_descent" is not used:
// "descent"). FromName returns nullopt for an unknown name.
std::string_view AcquisitionMethodName(AcquisitionMethod method);
std::optional<AcquisitionMethod> AcquisitionMethodFromName(std::string_view name);

// The acquisition phrase written when a period has a method but no phrase
// ("purchased by" for kPurchase); empty for kUnknown.
std::string_view CanonicalAcquisitionPhrase(AcquisitionMethod method);

// The method a phrase stands for ("bought by" -> kPurchase), or nullopt when
// the phrase is not one the parser knows. Case-insensitive.
std::optional<AcquisitionMethod> AcquisitionMethodOfPhrase(std::string_view phrase);

// "possibly" -> kPossible, "probably" -> kProbable; no word -> kCertain.
enum class Certainty { kCertain, kProbable, kPossible };
std::string_view CertaintyName(Certainty certainty);  // "certain" | "probable" | "possible"
std::optional<Certainty> CertaintyFromName(std::string_view name);

struct ProvenanceParty {
  std::string name;        // "Sir Henry Ashby", "private collection"; may be empty
  std::string life_dates;  // text inside "[...]" after the name: "1880-1952"
  bool is_dealer = false;  // written in parentheses
  bool uncertain = false;  // '?' after the name
  bool operator==(const ProvenanceParty&) const = default;
};

struct ProvenancePeriod {
  ProvenanceParty party;
  std::string role;   // relationship to the previous party: "his daughter"
  std::string place;  // "London", "Newark, NJ"; for excavations and finds, the site
  AcquisitionMethod method = AcquisitionMethod::kUnknown;
  std::string method_phrase;  // as written, lower case: "by inheritance to"; "" when none
  Certainty certainty = Certainty::kCertain;  // of the party / the transfer

  std::string date_text;  // "probably 1912 until at least 1939"; "" when undated
  Certainty date_certainty = Certainty::kCertain;
  std::optional<std::string> begin_of_the_begin;
  std::optional<std::string> end_of_the_begin;
  std::optional<std::string> begin_of_the_end;
  std::optional<std::string> end_of_the_end;

  std::string lot;  // auction lot number: "lot 23" -> "23"
  // True when this period passed directly to the next one (ended with ';').
  bool direct_transfer = false;
  std::vector<int> footnotes;          // numbers cited by "[n]", in order of first use
  std::vector<std::string> documents;  // SHA-256 hex (lower case) cited in the period text

  // True when the text could not be read: only raw, footnotes, documents and
  // direct_transfer are meaningful, and rendering writes raw verbatim.
  bool unparsed = false;
  // The period's source text as written (without its closing ';' or '.').
  std::string raw;

  bool operator==(const ProvenancePeriod&) const = default;
};

// True when a and b say the same thing: every field equal except raw, which
// only counts for unparsed periods. This is the equality the round trip
// Parse(Render(Parse(t))) == Parse(t) guarantees.
bool SamePeriod(const ProvenancePeriod& a, const ProvenancePeriod& b);

struct ProvenanceFootnote {
  int number = 0;  // 0 for text in the NOTES section before the first "[n]"
  std::string text;
  std::vector<std::string> documents;  // SHA-256 hex (lower case) cited in text
  bool operator==(const ProvenanceFootnote&) const = default;
};

struct Provenance {
  std::vector<ProvenancePeriod> periods;
  std::vector<ProvenanceFootnote> footnotes;
  std::vector<std::string> warnings;  // for people: "period 3: could not read ..."
};

// Parses provenance text. Never fails and never throws on any input, in time
// linear in its length. What cannot be read becomes an unparsed period that
// keeps its text, with a warning; the separators ';' / '.' and the "NOTES:"
// heading are the only non-space text not kept in some period's raw or some
// footnote's "[n]" + text. Invalid UTF-8 bytes are replaced by U+FFFD (with a
// warning), so every string in the result is valid UTF-8.
Provenance ParseProvenance(std::string_view text);

// Writes the standard text form. For any text t, ParseProvenance(
// RenderProvenance(ParseProvenance(t))) has periods SamePeriod to those of
// ParseProvenance(t), and equal footnotes. Dates are written from date_text
// when it reads back as the period's bounds, else from the bounds.
std::string RenderProvenance(const Provenance& provenance);

// One period in the text form, without its separator.
std::string RenderProvenancePeriod(const ProvenancePeriod& period);

// {"periods":[...], "footnotes":[{"number","text","documents"}], "warnings":[...]}.
// A period object has the snake_case keys of ProvenancePeriod, with "party" an
// object {"name","life_dates","is_dealer","uncertain"}, method and certainties
// as their names, and each date bound an ISO day string or null.
nlohmann::json ProvenanceToJson(const Provenance& provenance);
nlohmann::json ProvenancePeriodToJson(const ProvenancePeriod& period);

// Reads the API's provenance[]: an array of period objects as
// ProvenancePeriodToJson writes them, or the whole object ProvenanceToJson
// writes. Keys may be omitted (defaults as in ProvenancePeriod); when only
// date_text is given the bounds are computed from it, when only bounds are
// given date_text is written from them, and when both disagree the bounds win
// (with a warning). Returns InvalidArgument, field like
// "provenance[2].end_of_the_end", for unknown keys, wrong types, invalid days,
// bounds out of order, unknown method or certainty names, invalid UTF-8, and
// for values the text form cannot carry (e.g. a comma in party.name), so that
// RenderProvenance never loses what was stored.
Result<Provenance> ProvenanceFromJson(const nlohmann::json& periods_array);

// ---- Dates ---------------------------------------------------------------

struct DateBounds {
  std::optional<std::string> begin_of_the_begin;
  std::optional<std::string> end_of_the_begin;
  std::optional<std::string> begin_of_the_end;
  std::optional<std::string> end_of_the_end;
  Certainty certainty = Certainty::kCertain;  // "probably 1912" -> kProbable
  bool operator==(const DateBounds&) const = default;
};

// Reads a date phrase of a period; nullopt when it is not one. A phrase is
//   [probably|possibly] START [until END] | until END | POINT (-|to) POINT
// START: POINT (begins within it) | by POINT (begins no later than its last
//   day) | before POINT (no later than the day before it) | after POINT (no
//   earlier than the day after it) | between POINT and POINT (within the
//   first's first day and the second's last) | from/in/since POINT |
//   no earlier than POINT | no later than POINT.
// END: POINT | at least POINT (ends no earlier than its first day) | by POINT |
//   before POINT | after POINT | between POINT and POINT | no later than POINT.
// POINT: days ("June 3, 1968", "3 June 1968", "1968-06-03"), months ("June
//   1968"), years ("1931", "500 BCE", "AD 79", "79 CE"), decades ("1970s"),
//   centuries ("19th century" = 1800-1899; "5th century BCE" = 500-401 BCE),
//   optionally "early" / "mid" / "late" (thirds) or "first half of" / "second
//   half of", and "c." / "ca." / "circa" / "about", which widens a day by 7
//   days, a month by one month, a year or decade by 5 years, a century by 25.
//   "1920-35" is 1920 to 1935; an era at the end ("500-400 BCE") applies to
//   both years. Bounds are inclusive days.
std::optional<DateBounds> ParseProvenanceDate(std::string_view phrase);

// A phrase that ParseProvenanceDate reads back as exactly `bounds` ("1968",
// "June 3, 1968 until 1970s", "by March 1, 1934", ...); "" when all are empty.
std::string FormatProvenanceDate(const DateBounds& bounds);

// Days since 1970-01-01 of an ISO day "YYYY-MM-DD" / "-YYYY-MM-DD" (years
// -9999..9999); nullopt when malformed or not a real day.
std::optional<int64_t> IsoDayToDayNumber(std::string_view iso_day);
// The inverse; years outside -9999..9999 are clamped.
std::string DayNumberToIsoDay(int64_t day_number);

}  // namespace custos::core
