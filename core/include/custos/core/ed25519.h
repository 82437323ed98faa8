// Ed25519 (RFC 8032) keys, signatures and key files, on OpenSSL 3.
//
// Keys are immutable values holding a shared OpenSSL handle: copying is cheap,
// and one key may be used from many threads at once (OpenSSL 3 allows
// concurrent use of an EVP_PKEY for signing and verifying; each call makes its
// own EVP_MD_CTX). Signatures are pure Ed25519 over the message bytes as given
// (no pre-hash, no context): EVP_DigestSign with a NULL digest.
//
// Raw encodings: the private key is the 32-byte RFC 8032 seed, the public key
// the 32-byte RFC 8032 encoding, a signature 64 bytes. PEM files are PKCS#8
// ("BEGIN PRIVATE KEY", unencrypted) and SubjectPublicKeyInfo ("BEGIN PUBLIC
// KEY"), as written and read by `openssl genpkey -algorithm ed25519` and
// `openssl pkey -pubout`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "custos/core/status.h"

namespace custos::core {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class Ed25519PublicKey {
 public:
  // InvalidArgument unless `raw` is 32 bytes that OpenSSL accepts.
  static Result<Ed25519PublicKey> FromRaw(std::string_view raw);
  // Parses a SubjectPublicKeyInfo PEM; InvalidArgument when it is not one or
  // holds a key other than Ed25519.
  static Result<Ed25519PublicKey> FromPem(std::string_view pem);

  // The 32-byte public key.
  const std::string& raw() const;
  // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----..."). Internal on an
  // OpenSSL failure.
  Result<std::string> ToPem() const;
  // True only when `signature` is a valid 64-byte Ed25519 signature of
  // `message` by this key. Never blocks on I/O.
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  struct Impl;
  explicit Ed25519PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend class Ed25519PrivateKey;
};

class Ed25519PrivateKey {
 public:
  // A fresh key from the OS CSPRNG. Internal on an OpenSSL failure.
  static Result<Ed25519PrivateKey> Generate();
  // InvalidArgument unless `seed` is 32 bytes.
  static Result<Ed25519PrivateKey> FromSeed(std::string_view seed);
  // Parses an unencrypted PKCS#8 PEM; InvalidArgument when it is not an
  // Ed25519 private key.
  static Result<Ed25519PrivateKey> FromPem(std::string_view pem);

  // The 64-byte signature of `message` (the exact bytes given are signed).
  // Internal on an OpenSSL failure.
  Result<std::string> Sign(std::string_view message) const;
  const Ed25519PublicKey& public_key() const { return public_key_; }
  // The 32-byte secret seed. Callers own the copy and its secrecy.
  std::string seed() const;
  // Unencrypted PKCS#8 PEM of the private key ("-----BEGIN PRIVATE KEY-----").
  Result<std::string> ToPem() const;

 private:
  struct Impl;
  Ed25519PrivateKey(std::shared_ptr<const Impl> impl, Ed25519PublicKey pub)
      : impl_(std::move(impl)), public_key_(std::move(pub)) {}
  std::shared_ptr<const Impl> impl_;  // seed is wiped when the last copy goes
  Ed25519PublicKey public_key_;
};

// Writes `key` as PKCS#8 PEM to a new file `path`, created with
// open(O_CREAT|O_EXCL, 0600) (never replacing an existing file), fsynced, and
// its directory fsynced. Conflict when `path` exists, IOError on other
// failures (the partial file is removed). Blocks on disk I/O.
Status WritePrivateKeyFile(const std::string& path, const Ed25519PrivateKey& key);

// Reads a PKCS#8 PEM private key file. Forbidden when the file is readable or
// writable by group or others (like ssh, a leaked key file is refused), NotFound
// when absent, IOError on read errors, InvalidArgument when not an Ed25519 key.
// Blocks on disk I/O.
Result<Ed25519PrivateKey> ReadPrivateKeyFile(const std::string& path);

}  // namespace custos::core
