// C2SP signed notes (https://c2sp.org/signed-note), Ed25519 only, compatible
// with golang.org/x/mod/sumdb/note and other implementations.
//
// A signed note is bytes:
//
//   text            (UTF-8, ends in "\n", may contain empty lines)
//   "\n"            (the blank line: the LAST "\n\n" in the note splits text
//                    from signatures)
//   one or more "— " (U+2014, U+0020) name " " base64(key_id(4, big-endian) ||
//                    signature(64)) "\n"
//
// The Ed25519 signature is over the text bytes exactly, including its final
// "\n" but not the blank line. Key ids are
//   key_id = big-endian uint32 of SHA-256(name || 0x0A || 0x01 || pub(32))[:4]
// Verifier keys are  `name+<8 lowercase hex key id>+base64(0x01 || pub)`;
// signer keys are    `PRIVATE+KEY+name+<key id>+base64(0x01 || seed)`.
// Names are non-empty UTF-8 without Unicode spaces or '+'.
//
// All types are immutable values, safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/ed25519.h"
#include "custos/core/status.h"

namespace custos::core {

// Signature type byte of Ed25519 in the signed-note registry.
inline constexpr unsigned char kNoteAlgEd25519 = 0x01;
// Limits enforced when opening a note. The spec asks verifiers to accept at
// least 16 signatures; Go accepts 100, so do we. The size bound keeps a hostile
// note from costing more than a bounded amount of work.
inline constexpr size_t kMaxNoteSignatures = 100;
inline constexpr size_t kMaxNoteSize = 1 << 20;

// True when `name` is a valid key name: non-empty, UTF-8, no '+', and no
// Unicode white space (the Go unicode.IsSpace set).
bool IsValidNoteKeyName(std::string_view name);

// SHA-256(name || "\n" || key)[:4] as a big-endian uint32, where `key` is the
// signature type byte followed by the public key bytes.
uint32_t NoteKeyId(std::string_view name, std::string_view type_and_key);

// A trusted public key for note signatures.
class NoteVerifier {
 public:
  // Parses `name+hexid+base64(0x01||pub)`. InvalidArgument when malformed,
  // when the algorithm byte is not Ed25519, or when the id does not match.
  static Result<NoteVerifier> Parse(std::string_view vkey);
  static Result<NoteVerifier> FromEd25519(std::string_view name, const Ed25519PublicKey& key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const Ed25519PublicKey& public_key() const { return key_; }
  // The verifier key string (`name+hexid+base64`).
  std::string ToString() const;
  // True when `signature` (the bytes after the 4-byte key id) signs `text`.
  bool Verify(std::string_view text, std::string_view signature) const;

 private:
  NoteVerifier(std::string name, uint32_t id, Ed25519PublicKey key)
      : name_(std::move(name)), key_id_(id), key_(std::move(key)) {}
  std::string name_;
  uint32_t key_id_;
  Ed25519PublicKey key_;
};

// A private key that signs notes under a name.
class NoteSigner {
 public:
  // Parses `PRIVATE+KEY+name+hexid+base64(0x01||seed)`; InvalidArgument when
  // malformed or when the id does not match the derived public key.
  static Result<NoteSigner> Parse(std::string_view skey);
  static Result<NoteSigner> FromEd25519(std::string_view name, const Ed25519PrivateKey& key);
  // A new random key named `name`.
  static Result<NoteSigner> Generate(std::string_view name);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const Ed25519PrivateKey& private_key() const { return key_; }
  NoteVerifier verifier() const;
  // The secret signer key string; callers own its secrecy.
  std::string ToString() const;
  // The 64-byte Ed25519 signature of `text`.
  Result<std::string> Sign(std::string_view text) const;

 private:
  NoteSigner(std::string name, uint32_t id, Ed25519PrivateKey key)
      : name_(std::move(name)), key_id_(id), key_(std::move(key)) {}
  std::string name_;
  uint32_t key_id_;
  Ed25519PrivateKey key_;
};

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string base64;  // base64(key_id || signature), as in the note
  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;                       // including its final "\n"
  std::vector<NoteSignature> verified;    // by trusted keys, in note order
  std::vector<NoteSignature> unverified;  // by unknown keys, duplicates dropped
};

// Signs `text` (which must end in "\n" and be a valid note text) with every
// signer, in order. InvalidArgument for a bad text, an empty signer list or
// two signers with the same name and key id.
Result<std::string> SignNote(std::string_view text, std::span<const NoteSigner> signers);

// Parses `msg` without checking any signature: every signature is returned in
// `unverified`. InvalidArgument ("malformed note: ...") when `msg` breaks the
// format rules: invalid UTF-8, a control character other than "\n", no blank
// line, a signature line without the em dash prefix, a bad name or base64, a
// signature shorter than 5 bytes, more than kMaxNoteSignatures signatures, or
// more than kMaxNoteSize bytes.
Result<Note> ParseNote(std::string_view msg);

// Parses `msg` and verifies it against `known` keys, per the spec: signatures
// by keys not in `known` (name and id both matching) are ignored and listed in
// `unverified`; a repeated signature by one known key is checked once.
// Errors: InvalidArgument for a malformed note, or when two different known
// keys share the name and id of a signature in the note; Corruption when a
// signature by a known key fails to verify (the whole note is rejected);
// Unauthorized when no signature by a known key is present.
Result<Note> OpenNote(std::string_view msg, std::span<const NoteVerifier> known);

}  // namespace custos::core
