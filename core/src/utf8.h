// Strict UTF-8 decoding shared by canonical JSON, signed notes and the ZIP
// reader. Internal to custos_core (not installed). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace custos::core::internal {

// Decodes one code point of `s` starting at `*pos` and advances `*pos` past it.
// Returns false (leaving `*pos` unchanged) on any malformed sequence: a stray
// continuation byte, a truncated sequence, an overlong encoding, a surrogate
// (U+D800..U+DFFF) or a value above U+10FFFF. `*pos` must be < s.size().
bool DecodeUtf8(std::string_view s, size_t* pos, char32_t* code_point);

// True when all of `s` is well-formed UTF-8 per RFC 3629.
bool IsValidUtf8(std::string_view s);

}  // namespace custos::core::internal
