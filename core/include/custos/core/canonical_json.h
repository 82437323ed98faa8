// RFC 8785 JSON Canonicalization Scheme (JCS) for nlohmann::json values.
//
// The canonical form is what custos hashes and signs (custody entries, the
// artifact record covered by a repatriation entry, the bundle manifest), so it
// must be byte-for-byte what any other JCS implementation produces:
//
// - no whitespace; object members sorted by their names compared as arrays of
//   UTF-16 code units (so U+1F600, a surrogate pair D83D DE00, sorts before
//   U+FB33), duplicates impossible (nlohmann objects are maps);
// - strings: '"' and '\\' escaped, U+0008/09/0A/0C/0D as \b \t \n \f \r, every
//   other code point below U+0020 as \u00xx with lowercase hex, everything
//   else (including '/', U+007F, U+2028 and U+2029) written as raw UTF-8;
// - numbers: integers (nlohmann integer types) as plain decimal; IEEE-754
//   doubles per ECMAScript Number.prototype.toString (shortest round-trip
//   digits, "1e+30", "0.002", "-0" written as "0").
//
// Rejected with Status::InvalidArgument (the message names the JSON pointer of
// the offending value):
// - strings (member names included) that are not well-formed UTF-8 (RFC 8785
//   requires I-JSON; lone surrogates cannot be represented);
// - integers whose magnitude exceeds 2^53 (not exactly representable as an
//   I-JSON number, so other implementations would disagree);
// - NaN and +-Infinity (not JSON);
// - binary and discarded values.
//
// Pure function of its input, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "custos/core/status.h"

namespace custos::core {

// Largest integer magnitude accepted: 2^53 (RFC 8785 / I-JSON interoperable range).
inline constexpr std::uint64_t kMaxCanonicalJsonInteger = 9007199254740992ull;

// Returns the canonical serialisation of `value` (UTF-8, no trailing newline).
Result<std::string> CanonicalJson(const nlohmann::json& value);

// Appends `utf8` as a canonical JSON string (quoted and escaped as above),
// for serialisers of a fixed schema that write their members in canonical
// order themselves. InvalidArgument, naming `where`, when it is not
// well-formed UTF-8; `out` is then unchanged.
Status AppendCanonicalJsonString(std::string_view utf8, const std::string& where,
                                 std::string* out);

// Formats a finite double the way ECMAScript's Number.prototype.toString does
// (RFC 8785 section 3.2.2.3). InvalidArgument for NaN or infinities.
Result<std::string> FormatJsonNumber(double value);

}  // namespace custos::core
