// Text helpers for the provenance code: see provenance_text.h.
#include "provenance_text.h"

namespace custos::core::provenance_internal {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0 (RFC 3629 table).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  }
  return n;
}

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s, bool* changed) {
  *changed = false;
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      *changed = true;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

Brackets MatchBrackets(std::string_view s) {
  // Raw pointers in the loops: this runs over every byte of untrusted text,
  // and also in unoptimised (Debug + ASan) builds.
  Brackets r;
  const size_t n = s.size();
  r.partner.assign(n, std::string_view::npos);
  r.top_level.assign(n, 1);
  const char* c = s.data();
  size_t* partner = r.partner.data();
  uint8_t* top = r.top_level.data();
  std::vector<size_t> open;  // heap, not the call stack: depth is unbounded
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    const char ch = c[i];
    if (ch == '(' || ch == '[' || ch == '{') {
      open.push_back(i);
      any = true;
    } else if (ch == ')' || ch == ']' || ch == '}') {
      any = true;
      const char want = ch == ')' ? '(' : ch == ']' ? '[' : '{';
      if (!open.empty() && c[open.back()] == want) {
        partner[i] = open.back();
        partner[open.back()] = i;
        open.pop_back();
      } else {
        r.balanced = false;
      }
    }
  }
  if (!open.empty()) r.balanced = false;
  if (!any) return r;
  int64_t depth = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t p = partner[i];
    if (p != std::string_view::npos) {
      if (p > i) {
        top[i] = depth == 0 ? 1 : 0;
        ++depth;
      } else {
        --depth;
        top[i] = depth == 0 ? 1 : 0;
      }
      continue;
    }
    top[i] = depth == 0 ? 1 : 0;
  }
  return r;
}

std::vector<std::pair<size_t, size_t>> FindSha256(std::string_view s) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t i = 0;
  while (i < s.size()) {
    if (!IsAlnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsAlnum(s[j])) ++j;
    if (j - i == 64) {
      bool all_hex = true;
      for (size_t k = i; k < j && all_hex; ++k) all_hex = IsHex(s[k]);
      if (all_hex) spans.emplace_back(i, j);
    }
    i = j;
  }
  return spans;
}

std::optional<Certainty> CertaintyWord(std::string_view lower) {
  if (lower == "possibly" || lower == "perhaps") return Certainty::kPossible;
  if (lower == "probably" || lower == "presumably" || lower == "likely") {
    return Certainty::kProbable;
  }
  return std::nullopt;
}

std::string_view CertaintyAdverb(Certainty certainty) {
  switch (certainty) {
    case Certainty::kPossible:
      return "possibly";
    case Certainty::kProbable:
      return "probably";
    case Certainty::kCertain:
      break;
  }
  return "";
}

}  // namespace custos::core::provenance_internal
