// Parties: the persons and organisations named in provenance periods and
// custody entries (collectors, dealers, galleries, auction houses, museums,
// excavations, agencies), how their names are compared, and how mentions of
// them are read out of one artifact record.
//
// Name matching. Two written names are compared through a normal form
// (PartyNameKey): case folded, Latin diacritics removed ("Müller" ->
// "muller"), punctuation dropped, "&" read as "and", a leading "the" and
// trailing company suffixes (Inc., Ltd., S.A., GmbH, & Co., ...) removed.
// MatchPartyNames then says:
//   kSame      same normal form and compatible dates: one party;
//   kProbable  the same surname with compatible given names where at least
//              one is only an initial or missing ("J. Smith" / "John Smith",
//              "John A. Smith" / "John Smith"), or an organisation name that
//              contains the other's ("Galerie Vesper" / "Galerie Vesper
//              Geneva"): proposed to a curator, never applied by itself;
//   kDifferent otherwise, and always when both sides carry activity years
//              whose centuries do not overlap (two John Smiths, one active in
//              the 1700s and one in the 1900s).
//
// Thread-safety: pure functions over values, safe to call concurrently;
// nothing blocks.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/artifact.h"
#include "custos/core/custody.h"

namespace custos::core {

enum class PartyMatch { kDifferent, kProbable, kSame };
std::string_view PartyMatchName(PartyMatch m);  // "different" | "probable" | "same"

// Person or organisation (museum, gallery, auction house, agency, ...),
// guessed from words in the name.
enum class PartyKind { kPerson, kOrganisation };
std::string_view PartyKindName(PartyKind k);  // "person" | "organisation"
PartyKind GuessPartyKind(std::string_view name);

// The normal form of a name: lower-case ASCII words separated by single
// spaces (non-Latin letters are kept as UTF-8). "" when nothing is left
// (e.g. for "Inc."). Deterministic: equal keys mean "same written name".
std::string PartyNameKey(std::string_view name);

// The years a party was active (or alive); either bound may be missing.
struct YearSpan {
  std::optional<int> first;
  std::optional<int> last;
  bool known() const { return first.has_value() || last.has_value(); }
  // Widens this span to cover `other`.
  void Extend(const YearSpan& other);
};

// True when both spans are known and the centuries they touch do not
// overlap (1750-1790 vs 1905-1950): such names are not the same party.
bool CenturiesDisjoint(const YearSpan& a, const YearSpan& b);

// Compares two written names with their activity years (see above).
PartyMatch MatchPartyNames(std::string_view a, const YearSpan& a_years, std::string_view b,
                           const YearSpan& b_years);
inline PartyMatch MatchPartyNames(std::string_view a, std::string_view b) {
  return MatchPartyNames(a, {}, b, {});
}

// True for names that stand for nobody in particular ("private collection",
// "unknown", "anonymous collector", "his heirs"): they are not parties.
bool IsAnonymousPartyName(std::string_view name);

// The year of an ISO day "YYYY-MM-DD" / "-YYYY-MM-DD"; nullopt when malformed.
std::optional<int> YearOfIsoDay(std::string_view iso_day);

// Reads "1880-1952", "b. 1901", "d. 1950", "1880-" as a year span.
YearSpan ParseLifeDates(std::string_view life_dates);

// One mention of a party in one artifact.
struct PartyMention {
  enum class Source { kProvenance, kCustody };
  Source source = Source::kProvenance;
  int position = 0;    // period index, or custody seq
  std::string name;    // as written (after resolving "the artist")
  std::string key;     // PartyNameKey(name), never empty
  PartyKind kind = PartyKind::kPerson;
  // owner | dealer | auction | excavation | finder | museum | agency | custody
  std::string role;
  std::string method;  // AcquisitionMethodName, or the custody event name
  std::string place;
  YearSpan years;      // of the period / the custody entry
  YearSpan life;       // life dates written with the name
  std::string date_text;
  // True when the object passed directly from this mention to the next
  // mention of the same source (`next_position`): an edge of the network.
  bool transfers_to_next = false;
  int next_position = -1;
};
std::string_view PartyMentionSourceName(PartyMention::Source s);  // "provenance" | "custody"

// The party mentions of `artifact` in chain order: its provenance periods
// (the structured periods, read as stored: they were validated when the
// record was written; or the text parsed when there are none) and then
// the actors of its custody entries (in seq order). Periods with an empty or
// anonymous party are skipped and break the chain (no transfer across them).
// "the artist" is read as the artifact's maker when one is recorded, and
// skipped otherwise.
std::vector<PartyMention> ExtractPartyMentions(const Artifact& artifact,
                                               std::span<const CustodyEntry> custody);

}  // namespace custos::core
