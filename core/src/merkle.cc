#include "custos/core/merkle.h"

#include <bit>

#include "custos/core/crypto.h"

namespace custos::core {
namespace {

// Largest power of two strictly less than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]). Complete, aligned subtrees go to reader.SubtreeHash so a
// store can serve cached interior nodes; anything else splits as MTH does.
Result<std::string> RangeHash(const MerkleHashReader& reader, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return MerkleEmptyRoot();
  if (std::has_single_bit(n) && begin % n == 0) {
    return reader.SubtreeHash(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  const uint64_t k = SplitPoint(n);
  CUSTOS_ASSIGN_OR_RETURN(std::string left, RangeHash(reader, begin, begin + k));
  CUSTOS_ASSIGN_OR_RETURN(std::string right, RangeHash(reader, begin + k, end));
  return MerkleNodeHash(left, right);
}

// PATH(m, D[begin:end]) appended to `out`, leaf-sibling first.
Status Path(const MerkleHashReader& reader, uint64_t m, uint64_t begin, uint64_t end,
            std::vector<std::string>* out) {
  const uint64_t n = end - begin;
  if (n <= 1) return Status::Ok();
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    CUSTOS_RETURN_IF_ERROR(Path(reader, m, begin, begin + k, out));
    CUSTOS_ASSIGN_OR_RETURN(std::string h, RangeHash(reader, begin + k, end));
    out->push_back(std::move(h));
  } else {
    CUSTOS_RETURN_IF_ERROR(Path(reader, m - k, begin + k, end, out));
    CUSTOS_ASSIGN_OR_RETURN(std::string h, RangeHash(reader, begin, begin + k));
    out->push_back(std::move(h));
  }
  return Status::Ok();
}

// SUBPROOF(m, D[begin:end], b) appended to `out`.
Status Subproof(const MerkleHashReader& reader, uint64_t m, uint64_t begin, uint64_t end,
                bool whole, std::vector<std::string>* out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (whole) return Status::Ok();
    CUSTOS_ASSIGN_OR_RETURN(std::string h, RangeHash(reader, begin, end));
    out->push_back(std::move(h));
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    CUSTOS_RETURN_IF_ERROR(Subproof(reader, m, begin, begin + k, whole, out));
    CUSTOS_ASSIGN_OR_RETURN(std::string h, RangeHash(reader, begin + k, end));
    out->push_back(std::move(h));
  } else {
    CUSTOS_RETURN_IF_ERROR(Subproof(reader, m - k, begin + k, end, false, out));
    CUSTOS_ASSIGN_OR_RETURN(std::string h, RangeHash(reader, begin, begin + k));
    out->push_back(std::move(h));
  }
  return Status::Ok();
}

Status Fail(const std::string& why) { return Status::Corruption(why); }

}  // namespace

std::string MerkleLeafHash(std::string_view data) {
  // Bytes hashed: 0x00 || data.
  std::string buf;
  buf.reserve(1 + data.size());
  buf.push_back('\x00');
  buf.append(data);
  return Sha256(buf);
}

std::string MerkleNodeHash(std::string_view left, std::string_view right) {
  // Bytes hashed: 0x01 || left || right.
  std::string buf;
  buf.reserve(1 + left.size() + right.size());
  buf.push_back('\x01');
  buf.append(left).append(right);
  return Sha256(buf);
}

std::string MerkleEmptyRoot() { return Sha256(""); }

Result<std::string> MerkleHashReader::SubtreeHash(unsigned level, uint64_t index) const {
  if (level == 0) return LeafHash(index);
  CUSTOS_ASSIGN_OR_RETURN(std::string left, SubtreeHash(level - 1, index * 2));
  CUSTOS_ASSIGN_OR_RETURN(std::string right, SubtreeHash(level - 1, index * 2 + 1));
  return MerkleNodeHash(left, right);
}

Result<std::string> SpanMerkleHashReader::LeafHash(uint64_t index) const {
  if (index >= leaves_.size()) {
    return Status::InvalidArgument("leaf index " + std::to_string(index) + " beyond " +
                                   std::to_string(leaves_.size()) + " leaves");
  }
  return leaves_[index];
}

Result<std::string> MerkleRoot(const MerkleHashReader& reader, uint64_t size) {
  return RangeHash(reader, 0, size);
}

std::string MerkleRoot(std::span<const std::string> leaf_hashes) {
  SpanMerkleHashReader reader(leaf_hashes);
  auto root = RangeHash(reader, 0, leaf_hashes.size());
  assert(root.ok() && "in-memory reader cannot fail within range");
  return std::move(root).value();
}

Result<std::vector<std::string>> MerkleInclusionProof(const MerkleHashReader& reader,
                                                      uint64_t index, uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument("leaf index " + std::to_string(index) + " not in tree of size " +
                                   std::to_string(size));
  }
  std::vector<std::string> proof;
  CUSTOS_RETURN_IF_ERROR(Path(reader, index, 0, size, &proof));
  return proof;
}

Result<std::vector<std::string>> MerkleConsistencyProof(const MerkleHashReader& reader,
                                                        uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return Status::InvalidArgument("consistency proof needs 0 < size1 <= size2, got " +
                                   std::to_string(size1) + ", " + std::to_string(size2));
  }
  std::vector<std::string> proof;
  CUSTOS_RETURN_IF_ERROR(Subproof(reader, size1, 0, size2, true, &proof));
  return proof;
}

namespace {

// RFC 9162 2.1.3.2 steps 1-4; node(step, left, right) gives each step's hash.
template <typename NodeFn>
Result<std::string> RootFromInclusionProof(uint64_t index, uint64_t size,
                                           std::string_view leaf_hash,
                                           std::span<const std::string> proof, NodeFn&& node) {
  if (index >= size) {
    return Fail("leaf index " + std::to_string(index) + " not in tree of size " +
                std::to_string(size));
  }
  if (leaf_hash.size() != kMerkleHashSize) return Fail("leaf hash is not 32 bytes");
  uint64_t fn = index;
  uint64_t sn = size - 1;
  std::string r(leaf_hash);
  for (size_t step = 0; step < proof.size(); ++step) {
    const std::string& p = proof[step];
    if (p.size() != kMerkleHashSize) return Fail("proof hash is not 32 bytes");
    if (sn == 0) return Fail("inclusion proof too long");
    if ((fn & 1) != 0 || fn == sn) {
      r = node(step, p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node(step, r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Fail("inclusion proof too short");
  return r;
}

}  // namespace

Result<std::string> MerkleRootFromInclusionProof(uint64_t index, uint64_t size,
                                                 std::string_view leaf_hash,
                                                 std::span<const std::string> proof) {
  return RootFromInclusionProof(index, size, leaf_hash, proof,
                                [](size_t, std::string_view left, std::string_view right) {
                                  return MerkleNodeHash(left, right);
                                });
}

Status MerkleInclusionChecker::Verify(uint64_t index, uint64_t size, std::string_view leaf_hash,
                                      std::span<const std::string> proof, std::string_view root) {
  if (root.size() != kMerkleHashSize) return Fail("root hash is not 32 bytes");
  if (last_.size() < proof.size()) last_.resize(proof.size());
  auto node = [this](size_t step, std::string_view left, std::string_view right) {
    Step& s = last_[step];
    // A pure function of its two inputs: the same inputs, the same hash.
    if (!s.parent.empty() && s.left == left && s.right == right) {
      ++reused_;
      return s.parent;
    }
    s.left = left;
    s.right = right;
    s.parent = MerkleNodeHash(left, right);
    return s.parent;
  };
  CUSTOS_ASSIGN_OR_RETURN(std::string computed,
                          RootFromInclusionProof(index, size, leaf_hash, proof, node));
  if (computed != root) return Fail("inclusion proof does not lead to the root");
  return Status::Ok();
}

Status VerifyMerkleInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                             std::span<const std::string> proof, std::string_view root) {
  if (root.size() != kMerkleHashSize) return Fail("root hash is not 32 bytes");
  CUSTOS_ASSIGN_OR_RETURN(std::string computed,
                          MerkleRootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) return Fail("inclusion proof does not lead to the root");
  return Status::Ok();
}

Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2, std::span<const std::string> proof,
                               std::string_view root1, std::string_view root2) {
  if (size1 > size2) return Fail("size1 > size2");
  if (size1 == 0) return Fail("consistency with the empty tree proves nothing");
  if (size1 == size2) {
    if (!proof.empty()) return Fail("equal sizes need an empty proof");
    if (root1 != root2) return Fail("equal sizes but different roots");
    return Status::Ok();
  }
  if (proof.empty()) return Fail("empty consistency proof");
  if (root1.size() != kMerkleHashSize || root2.size() != kMerkleHashSize) {
    return Fail("root hash is not 32 bytes");
  }
  for (const std::string& p : proof) {
    if (p.size() != kMerkleHashSize) return Fail("proof hash is not 32 bytes");
  }
  // Step 2: when size1 is a power of two, root1 is the first node of the path.
  std::vector<std::string> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.emplace_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0];
  std::string sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) return Fail("consistency proof too long");
    if ((fn & 1) != 0 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Fail("consistency proof too short");
  if (fr != root1) return Fail("consistency proof does not lead to root1");
  if (sr != root2) return Fail("consistency proof does not lead to root2");
  return Status::Ok();
}

}  // namespace custos::core
