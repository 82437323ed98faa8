// RFC 9162 (Certificate Transparency v2, same tree as RFC 6962) Merkle tree
// hashing, proof generation and proof verification, with SHA-256.
//
//   leaf hash  = SHA-256(0x00 || leaf data)
//   node hash  = SHA-256(0x01 || left child hash || right child hash)
//   MTH({})    = SHA-256("")  (the empty tree)
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
//
// Hashes are 32-byte std::strings. Free functions are pure and thread-safe;
// the generation functions are as thread-safe as the MerkleHashReader given.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::core {

inline constexpr size_t kMerkleHashSize = 32;

// SHA-256(0x00 || data).
std::string MerkleLeafHash(std::string_view data);
// SHA-256(0x01 || left || right).
std::string MerkleNodeHash(std::string_view left, std::string_view right);
// SHA-256 of the empty string: the root of the tree with no leaves.
std::string MerkleEmptyRoot();

// Where proof generation gets hashes from, so that a store can serve them
// without loading the whole log (and may cache complete subtrees).
class MerkleHashReader {
 public:
  virtual ~MerkleHashReader() = default;
  // The leaf hash at `index` (< the tree size the caller asks about).
  virtual Result<std::string> LeafHash(uint64_t index) const = 0;
  // The root of the complete subtree holding leaves
  // [index << level, (index + 1) << level). The default computes it from
  // LeafHash (2^level reads); override it to serve cached interior hashes.
  virtual Result<std::string> SubtreeHash(unsigned level, uint64_t index) const;
};

// A MerkleHashReader over leaf hashes held in memory (not owned: the span must
// outlive the reader).
class SpanMerkleHashReader final : public MerkleHashReader {
 public:
  explicit SpanMerkleHashReader(std::span<const std::string> leaf_hashes) : leaves_(leaf_hashes) {}
  Result<std::string> LeafHash(uint64_t index) const override;

 private:
  std::span<const std::string> leaves_;
};

// MTH of leaves [0, size) of `reader`. Errors are the reader's.
Result<std::string> MerkleRoot(const MerkleHashReader& reader, uint64_t size);
// MTH of the given leaf hashes.
std::string MerkleRoot(std::span<const std::string> leaf_hashes);

// RFC 9162 2.1.3.1 PATH(index, D[size]): sibling hashes from the leaf up.
// InvalidArgument unless index < size.
Result<std::vector<std::string>> MerkleInclusionProof(const MerkleHashReader& reader,
                                                      uint64_t index, uint64_t size);
// RFC 9162 2.1.4.1 PROOF(size1, D[size2]). InvalidArgument unless
// 0 < size1 <= size2 (the proof is empty when size1 == size2).
Result<std::vector<std::string>> MerkleConsistencyProof(const MerkleHashReader& reader,
                                                        uint64_t size1, uint64_t size2);

// RFC 9162 2.1.3.2. Ok when `proof` shows `leaf_hash` at `index` in the tree
// of `size` leaves with root `root`. Corruption otherwise, with the reason:
// index >= size, a hash that is not 32 bytes, a proof of the wrong length, or
// a computed root that differs.
Status VerifyMerkleInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                             std::span<const std::string> proof, std::string_view root);

// Recomputes the root from an inclusion proof (RFC 9162 2.1.3.2 steps 1-4).
// Corruption when the proof cannot belong to (index, size).
Result<std::string> MerkleRootFromInclusionProof(uint64_t index, uint64_t size,
                                                 std::string_view leaf_hash,
                                                 std::span<const std::string> proof);

// VerifyMerkleInclusion for many proofs in a row (a verifier checking every
// entry of a bundle against one checkpoint). Proofs of nearby leaves share
// their upper nodes, so it keeps the last proof's steps and, where a step
// hashes the same two inputs again, takes the remembered result instead of
// hashing: byte-for-byte the same answers as VerifyMerkleInclusion, in any
// order. Not thread-safe; one per thread.
class MerkleInclusionChecker {
 public:
  Status Verify(uint64_t index, uint64_t size, std::string_view leaf_hash,
                std::span<const std::string> proof, std::string_view root);
  // How many node hashes were taken from the last proof instead of computed.
  uint64_t reused() const { return reused_; }

 private:
  struct Step {
    std::string left, right, parent;
  };
  std::vector<Step> last_;
  uint64_t reused_ = 0;
};

// RFC 9162 2.1.4.2. Ok when `proof` shows the tree of size1 leaves with root
// `root1` is a prefix of the tree of size2 leaves with root `root2`.
// Policy for the edge cases (matching the shared test vectors):
// - size1 > size2: Corruption;
// - size1 == 0: Corruption (every tree extends the empty tree, so such a
//   "proof" proves nothing; callers should not ask for it);
// - size1 == size2: Ok only when the proof is empty and root1 == root2;
// - otherwise the RFC algorithm, with every hash required to be 32 bytes.
Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2, std::span<const std::string> proof,
                               std::string_view root1, std::string_view root2);

}  // namespace custos::core
