// Internal to custos_core: small text helpers shared by the provenance parser,
// renderer, date reader and JSON reader. Byte-oriented and ASCII-only where
// they classify characters; every helper runs in time linear in its input and
// uses no recursion, so untrusted text of any length is safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custos/core/provenance.h"

namespace custos::core::provenance_internal {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
inline char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

std::string AsciiLower(std::string_view s);
std::string_view Trim(std::string_view s);
// Trims and folds every run of whitespace into one space.
std::string CollapseSpace(std::string_view s);
bool IsValidUtf8(std::string_view s);
// Replaces each byte that is not part of a well-formed UTF-8 sequence by
// U+FFFD; *changed tells whether any was.
std::string SanitizeUtf8(std::string_view s, bool* changed);

// Matching of (), [] and {}: partner[i] is the index of the bracket that
// matches the one at i, or npos. A closer matches only the innermost open
// bracket, and only of its own kind; anything else stays unmatched and is then
// treated as an ordinary character. top_level[i] is 1 when position i is
// outside every matched pair (an outermost pair's own brackets count as
// outside).
struct Brackets {
  std::vector<size_t> partner;
  std::vector<uint8_t> top_level;
  bool balanced = true;  // no unmatched bracket
};
Brackets MatchBrackets(std::string_view s);

// Spans [begin, end) of SHA-256 hex tokens: exactly 64 hex digits, not
// preceded or followed by a letter or digit.
std::vector<std::pair<size_t, size_t>> FindSha256(std::string_view s);

// The acquisition phrase that starts `lower` (lower case, single spaces), the
// longest one that ends at a word boundary.
enum class PhraseObject {
  kParty,  // "sold to X", "sold at auction, X": a party follows
  kPlace,  // "excavated at X", "looted, X": a place follows, no party
};
struct PhraseMatch {
  AcquisitionMethod method;
  std::string_view phrase;  // canonical spelling from the table
  PhraseObject object;
  // The phrase ends its segment and is followed by ", " ("sold at auction, X");
  // otherwise by " " ("sold to X").
  bool standalone = false;
};
std::optional<PhraseMatch> MatchAcquisitionPhrase(std::string_view lower);
// The table entry of a phrase (lower case); a party phrase joined by " " when unknown.
PhraseMatch PhraseInfo(std::string_view phrase);

// "possibly", "perhaps" -> kPossible; "probably", "presumably", "likely" ->
// kProbable. `lower` is one lower-case word.
std::optional<Certainty> CertaintyWord(std::string_view lower);
std::string_view CertaintyAdverb(Certainty certainty);  // "possibly" / "probably" / ""

// s[i] is a '.' outside brackets, before `end` (the end of the periods): true
// when it ends a period rather than an abbreviation ("St."), an initial
// ("J."), a number ("1.5") or a dotted word ("U.S.").
bool IsSentenceEnd(std::string_view s, size_t i, size_t end);

// Reads one period's text (no separator). Sets *warning (when not null) to a
// reason when the period had to be kept unparsed or something in it was
// dropped from the structured fields; empty otherwise.
// When `outgoing` is not null it receives a parenthesised acquisition phrase
// written after the party ("John Smith (by descent to)"), which is taken out
// of the name: it says how the NEXT period's party acquired the object.
ProvenancePeriod ParsePeriodText(std::string_view raw, std::string* warning,
                                 std::optional<PhraseMatch>* outgoing = nullptr);

// Day numbers (days since 1970-01-01, proleptic Gregorian, astronomical years).
int64_t DaysFromCivil(int64_t y, int m, int d);
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d);
int DaysInMonth(int64_t y, int m);
// For messages: "1968" for a first or last day of a year, else "June 3, 1968".
std::string HumanDay(int64_t day_number);

}  // namespace custos::core::provenance_internal
