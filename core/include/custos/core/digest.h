// Streaming message digests by name (md5, sha1, sha224, sha256, sha384,
// sha512), for formats that let the producer choose the algorithm (BagIt
// manifests). Use Sha256 in crypto.h for custos's own hashing. MD5 and SHA-1
// are here only to check other people's fixity data.
//
// Not thread-safe: one Digester per stream. The free functions are pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "custos/core/status.h"

namespace custos::core {

class Digester {
 public:
  // InvalidArgument for an unknown algorithm name (lower case as in BagIt).
  static Result<std::unique_ptr<Digester>> Create(std::string_view algorithm);
  ~Digester();
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  void Update(std::string_view data);
  // Lowercase hex of the digest; the digester must not be used afterwards.
  std::string FinishHex();

 private:
  struct Impl;
  explicit Digester(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True for the algorithm names Digester::Create accepts.
bool IsKnownDigest(std::string_view algorithm);

// Lowercase hex digest of a whole file read in chunks; IOError when it cannot
// be read. Blocks on file I/O.
Result<std::string> DigestFileHex(std::string_view algorithm, const std::string& path);

}  // namespace custos::core
