#include "custos/core/signed_note.h"

#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "custos/core/crypto.h"
#include "custos/core/encoding.h"
#include "utf8.h"

namespace custos::core {
namespace {

constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, U+0020

// Go's unicode.IsSpace: Latin-1 spaces plus the White_Space property.
bool IsUnicodeSpace(char32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::pair<std::string_view, std::string_view> Chop(std::string_view s, char sep) {
  const size_t i = s.find(sep);
  if (i == std::string_view::npos) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

std::string HexId(uint32_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, id >>= 4) out[static_cast<size_t>(i)] = kHex[id & 0xF];
  return out;
}

bool ParseHexId(std::string_view s, uint32_t* out) {
  if (s.size() != 8) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// The note text rules: UTF-8, no control characters but "\n".
bool IsValidNoteBytes(std::string_view s) {
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < s.size()) {
    if (!internal::DecodeUtf8(s, &pos, &cp)) return false;
    if (cp < 0x20 && cp != '\n') return false;
  }
  return true;
}

Status Malformed(const std::string& why) {
  return Status::InvalidArgument("malformed note: " + why);
}

struct RawSignature {
  NoteSignature sig;
  std::string signature;  // the bytes after the key id
  std::string_view line;  // after the em dash prefix, for duplicate detection
};

struct ParsedNote {
  std::string_view text;
  std::vector<RawSignature> sigs;
};

Result<ParsedNote> Split(std::string_view msg) {
  if (msg.size() > kMaxNoteSize) {
    return Malformed("larger than " + std::to_string(kMaxNoteSize) + " bytes");
  }
  if (!IsValidNoteBytes(msg)) return Malformed("not UTF-8 or contains control characters");
  const size_t split = msg.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("no blank line before signatures");
  ParsedNote out;
  out.text = msg.substr(0, split + 1);
  std::string_view sigs = msg.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') return Malformed("signature block must end in newline");
  while (!sigs.empty()) {
    const size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (!line.starts_with(kSigPrefix)) return Malformed("signature line without em dash prefix");
    line.remove_prefix(kSigPrefix.size());
    auto [name, b64] = Chop(line, ' ');
    auto raw = Base64Decode(b64);
    if (!raw || !IsValidNoteKeyName(name) || b64.empty() || raw->size() < 5) {
      return Malformed("bad signature line");
    }
    if (out.sigs.size() + 1 > kMaxNoteSignatures) {
      return Malformed("more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    const auto* b = reinterpret_cast<const unsigned char*>(raw->data());
    const uint32_t id =
        (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    out.sigs.push_back(
        RawSignature{NoteSignature{std::string(name), id, std::string(b64)}, raw->substr(4), line});
  }
  return out;
}

}  // namespace

bool IsValidNoteKeyName(std::string_view name) {
  if (name.empty() || name.find('+') != std::string_view::npos) return false;
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < name.size()) {
    if (!internal::DecodeUtf8(name, &pos, &cp) || IsUnicodeSpace(cp)) return false;
  }
  return true;
}

uint32_t NoteKeyId(std::string_view name, std::string_view type_and_key) {
  // SHA-256(name || 0x0A || type || key), first 4 bytes big-endian.
  std::string input;
  input.reserve(name.size() + 1 + type_and_key.size());
  input.append(name).push_back('\n');
  input.append(type_and_key);
  const std::string h = Sha256(input);
  const auto* b = reinterpret_cast<const unsigned char*>(h.data());
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

// ---- NoteVerifier ----

Result<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  auto [name, rest] = Chop(vkey, '+');
  auto [hex, b64] = Chop(rest, '+');
  uint32_t id = 0;
  auto key = Base64Decode(b64);
  if (!ParseHexId(hex, &id) || !key || !IsValidNoteKeyName(name) || key->empty()) {
    return Status::InvalidArgument("malformed verifier key");
  }
  if (id != NoteKeyId(name, *key)) {
    return Status::InvalidArgument("verifier key id does not match name and key");
  }
  if (static_cast<unsigned char>((*key)[0]) != kNoteAlgEd25519) {
    return Status::InvalidArgument("unknown verifier key algorithm");
  }
  if (key->size() != 1 + kEd25519PublicKeySize) {
    return Status::InvalidArgument("malformed verifier key: Ed25519 key must be 32 bytes");
  }
  CUSTOS_ASSIGN_OR_RETURN(Ed25519PublicKey pub, Ed25519PublicKey::FromRaw(key->substr(1)));
  return NoteVerifier(std::string(name), id, std::move(pub));
}

Result<NoteVerifier> NoteVerifier::FromEd25519(std::string_view name, const Ed25519PublicKey& key) {
  if (!IsValidNoteKeyName(name)) return Status::InvalidArgument("invalid key name", "name");
  std::string typed(1, static_cast<char>(kNoteAlgEd25519));
  typed += key.raw();
  return NoteVerifier(std::string(name), NoteKeyId(name, typed), key);
}

std::string NoteVerifier::ToString() const {
  std::string typed(1, static_cast<char>(kNoteAlgEd25519));
  typed += key_.raw();
  return name_ + "+" + HexId(key_id_) + "+" + Base64Encode(typed);
}

bool NoteVerifier::Verify(std::string_view text, std::string_view signature) const {
  return key_.Verify(text, signature);
}

// ---- NoteSigner ----

Result<NoteSigner> NoteSigner::Parse(std::string_view skey) {
  auto [priv1, r1] = Chop(skey, '+');
  auto [priv2, r2] = Chop(r1, '+');
  auto [name, r3] = Chop(r2, '+');
  auto [hex, b64] = Chop(r3, '+');
  uint32_t id = 0;
  auto key = Base64Decode(b64);
  if (priv1 != "PRIVATE" || priv2 != "KEY" || !ParseHexId(hex, &id) || !key ||
      !IsValidNoteKeyName(name) || key->empty()) {
    return Status::InvalidArgument("malformed signer key");
  }
  if (static_cast<unsigned char>((*key)[0]) != kNoteAlgEd25519) {
    return Status::InvalidArgument("unknown signer key algorithm");
  }
  if (key->size() != 1 + kEd25519SeedSize) {
    return Status::InvalidArgument("malformed signer key: Ed25519 seed must be 32 bytes");
  }
  auto priv = Ed25519PrivateKey::FromSeed(key->substr(1));
  std::fill(key->begin(), key->end(), '\0');
  if (!priv.ok()) return priv.status();
  CUSTOS_ASSIGN_OR_RETURN(NoteSigner signer, FromEd25519(name, *priv));
  if (signer.key_id() != id) {
    return Status::InvalidArgument("signer key id does not match name and key");
  }
  return signer;
}

Result<NoteSigner> NoteSigner::FromEd25519(std::string_view name, const Ed25519PrivateKey& key) {
  CUSTOS_ASSIGN_OR_RETURN(NoteVerifier v, NoteVerifier::FromEd25519(name, key.public_key()));
  return NoteSigner(std::string(name), v.key_id(), key);
}

Result<NoteSigner> NoteSigner::Generate(std::string_view name) {
  if (!IsValidNoteKeyName(name)) return Status::InvalidArgument("invalid key name", "name");
  CUSTOS_ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  return FromEd25519(name, key);
}

NoteVerifier NoteSigner::verifier() const {
  auto v = NoteVerifier::FromEd25519(name_, key_.public_key());
  assert(v.ok() && "name validated at construction");
  return std::move(v).value();
}

std::string NoteSigner::ToString() const {
  std::string typed(1, static_cast<char>(kNoteAlgEd25519));
  typed += key_.seed();
  return "PRIVATE+KEY+" + name_ + "+" + HexId(key_id_) + "+" + Base64Encode(typed);
}

Result<std::string> NoteSigner::Sign(std::string_view text) const { return key_.Sign(text); }

// ---- notes ----

Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner> signers) {
  if (text.empty() || text.back() != '\n') return Malformed("text must end in newline");
  if (!IsValidNoteBytes(text)) return Malformed("text not UTF-8 or contains control characters");
  if (signers.empty()) return Status::InvalidArgument("no signers");
  // Bytes: text || "\n" || for each signer: "— " name " " base64(id_be32 || sig) "\n".
  std::string out(text);
  out.push_back('\n');
  std::set<std::pair<std::string, uint32_t>> seen;
  for (const NoteSigner& s : signers) {
    if (!seen.emplace(s.name(), s.key_id()).second) {
      return Status::InvalidArgument("two signers with key " + s.name() + "+" + HexId(s.key_id()));
    }
    CUSTOS_ASSIGN_OR_RETURN(std::string sig, s.Sign(text));
    out.append(kSigPrefix).append(s.name()).push_back(' ');
    out.append(Base64Encode(BigEndian32(s.key_id()) + sig)).push_back('\n');
  }
  if (out.size() > kMaxNoteSize) return Malformed("signed note would exceed the size limit");
  return out;
}

Result<Note> ParseNote(std::string_view msg) {
  CUSTOS_ASSIGN_OR_RETURN(ParsedNote parsed, Split(msg));
  Note note;
  note.text = std::string(parsed.text);
  for (auto& raw : parsed.sigs) note.unverified.push_back(std::move(raw.sig));
  return note;
}

Result<Note> OpenNote(std::string_view msg, std::span<const NoteVerifier> known) {
  CUSTOS_ASSIGN_OR_RETURN(ParsedNote parsed, Split(msg));
  // (name, id) -> known keys; identical keys given twice count once.
  std::map<std::pair<std::string_view, uint32_t>, std::vector<const NoteVerifier*>> by_id;
  for (const NoteVerifier& v : known) {
    auto& list = by_id[{v.name(), v.key_id()}];
    bool dup = false;
    for (const NoteVerifier* other : list) dup |= other->public_key().raw() == v.public_key().raw();
    if (!dup) list.push_back(&v);
  }
  Note note;
  note.text = std::string(parsed.text);
  std::set<std::pair<std::string_view, uint32_t>> seen;
  std::set<std::string_view> seen_unverified;
  for (const RawSignature& raw : parsed.sigs) {
    const auto key = std::make_pair(std::string_view(raw.sig.name), raw.sig.key_id);
    auto it = by_id.find(key);
    if (it == by_id.end()) {
      if (seen_unverified.insert(raw.line).second) note.unverified.push_back(raw.sig);
      continue;
    }
    const std::string label = raw.sig.name + "+" + HexId(raw.sig.key_id);
    if (it->second.size() > 1) return Status::InvalidArgument("ambiguous key " + label);
    if (!seen.insert(key).second) continue;  // one check per known key, as Go does
    if (!it->second.front()->Verify(parsed.text, raw.signature)) {
      return Status::Corruption("invalid signature for key " + label);
    }
    note.verified.push_back(raw.sig);
  }
  if (note.verified.empty()) {
    return Status::Unauthorized(
        "note has no verifiable signatures (no signature by a trusted key)");
  }
  return note;
}

}  // namespace custos::core
