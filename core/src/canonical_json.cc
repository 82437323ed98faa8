#include "custos/core/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <utility>
#include <vector>

#include "utf8.h"

namespace custos::core {
namespace {

using nlohmann::json;

// UTF-16 code units of a (valid) UTF-8 string: the RFC 8785 sort key.
std::u16string ToUtf16(std::string_view utf8) {
  std::u16string out;
  out.reserve(utf8.size());
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    [[maybe_unused]] bool ok = internal::DecodeUtf8(utf8, &pos, &cp);
    assert(ok && "validated before sorting");
    if (cp < 0x10000) {
      out.push_back(static_cast<char16_t>(cp));
    } else {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    }
  }
  return out;
}

std::string EscapePointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

Status AppendString(std::string_view s, const std::string& where, std::string* out) {
  if (!internal::IsValidUtf8(s)) {
    return Status::InvalidArgument("string is not well-formed UTF-8 at '" + where + "'", where);
  }
  out->push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
  return Status::Ok();
}

Status Append(const json& v, const std::string& where, std::string* out) {
  switch (v.type()) {
    case json::value_t::null:
      *out += "null";
      return Status::Ok();
    case json::value_t::boolean:
      *out += v.get<bool>() ? "true" : "false";
      return Status::Ok();
    case json::value_t::number_integer: {
      const std::int64_t i = v.get<std::int64_t>();
      const std::uint64_t mag =
          i < 0 ? ~static_cast<std::uint64_t>(i) + 1 : static_cast<std::uint64_t>(i);
      if (mag > kMaxCanonicalJsonInteger) {
        return Status::InvalidArgument("integer beyond 2^53 at '" + where + "'", where);
      }
      *out += std::to_string(i);
      return Status::Ok();
    }
    case json::value_t::number_unsigned: {
      const std::uint64_t u = v.get<std::uint64_t>();
      if (u > kMaxCanonicalJsonInteger) {
        return Status::InvalidArgument("integer beyond 2^53 at '" + where + "'", where);
      }
      *out += std::to_string(u);
      return Status::Ok();
    }
    case json::value_t::number_float: {
      auto s = FormatJsonNumber(v.get<double>());
      if (!s.ok())
        return Status::InvalidArgument(s.status().message() + " at '" + where + "'", where);
      *out += *s;
      return Status::Ok();
    }
    case json::value_t::string:
      return AppendString(v.get_ref<const std::string&>(), where, out);
    case json::value_t::array: {
      out->push_back('[');
      size_t i = 0;
      for (const auto& item : v) {
        if (i != 0) out->push_back(',');
        CUSTOS_RETURN_IF_ERROR(Append(item, where + "/" + std::to_string(i), out));
        ++i;
      }
      out->push_back(']');
      return Status::Ok();
    }
    case json::value_t::object: {
      std::vector<std::pair<std::u16string, const json::object_t::value_type*>> members;
      members.reserve(v.size());
      for (const auto& member : v.get_ref<const json::object_t&>()) {
        if (!internal::IsValidUtf8(member.first)) {
          return Status::InvalidArgument("member name is not well-formed UTF-8 in '" + where + "'",
                                         where);
        }
        members.emplace_back(ToUtf16(member.first), &member);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      bool first = true;
      for (const auto& [key16, member] : members) {
        if (!first) out->push_back(',');
        first = false;
        const std::string child = where + "/" + EscapePointerToken(member->first);
        CUSTOS_RETURN_IF_ERROR(AppendString(member->first, child, out));
        out->push_back(':');
        CUSTOS_RETURN_IF_ERROR(Append(member->second, child, out));
      }
      out->push_back('}');
      return Status::Ok();
    }
    case json::value_t::binary:
      return Status::InvalidArgument("binary value at '" + where + "' has no JSON form", where);
    case json::value_t::discarded:
    default:
      return Status::InvalidArgument("discarded value at '" + where + "'", where);
  }
}

}  // namespace

Result<std::string> FormatJsonNumber(double value) {
  if (!std::isfinite(value)) return Status::InvalidArgument("NaN or Infinity is not JSON");
  if (value == 0) return std::string("0");  // both +0 and -0
  // std::to_chars in scientific form yields the shortest digit string that
  // round-trips (the same digits ECMAScript's algorithm picks): "d.ddde+XX".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  assert(ec == std::errc());
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const size_t e_pos = sci.find('e');
  assert(e_pos != std::string_view::npos);
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+'), sci.data() + sci.size(), exp10);
  // ECMAScript: value = 0.d1d2...dk * 10^n with k digits.
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

Status AppendCanonicalJsonString(std::string_view utf8, const std::string& where,
                                 std::string* out) {
  return AppendString(utf8, where, out);
}

Result<std::string> CanonicalJson(const nlohmann::json& value) {
  std::string out;
  CUSTOS_RETURN_IF_ERROR(Append(value, "", &out));
  return out;
}

}  // namespace custos::core
