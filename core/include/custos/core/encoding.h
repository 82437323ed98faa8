// Byte encodings used across custos: lowercase hex and RFC 4648 base64
// (standard and URL-safe, unpadded). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace custos::core {

std::string HexEncode(std::string_view bytes);
// Returns nullopt on odd length or a non-hex character (either case accepted).
std::optional<std::string> HexDecode(std::string_view hex);

// Standard alphabet with '=' padding.
std::string Base64Encode(std::string_view bytes);
// Accepts padded standard base64 only; nullopt on any malformed input.
std::optional<std::string> Base64Decode(std::string_view b64);
// URL-safe alphabet, no padding (tokens).
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace custos::core
