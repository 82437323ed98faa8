// Hashing, randomness and password hashing on OpenSSL 3.
//
// All functions are thread-safe (OpenSSL 3 is, and no state is shared here).
// Failures of the library itself are reported as Status::Internal with
// OpenSSL's error queue in the message.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "custos/core/status.h"

namespace custos::core {

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);
// Lowercase hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Incremental SHA-256 for streams (uploads, blob re-hashing). Not thread-safe:
// one hasher per stream.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::string_view data);
  // Returns the 32-byte digest; the hasher must not be used afterwards.
  std::string Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `n` bytes from the OS CSPRNG (OpenSSL's RAND_bytes, seeded by getrandom).
Result<std::string> RandomBytes(size_t n);

// Constant-time equality for secrets of equal length (false if lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Password hashing with scrypt (memory-hard; N=2^15, r=8, p=1: 32 MiB).
// Returns a self-describing string "scrypt$15$8$1$<salt b64>$<hash b64>".
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `encoded` (a HashPassword result). Malformed
// `encoded` values never match.
bool VerifyPassword(std::string_view password, std::string_view encoded);

}  // namespace custos::core
