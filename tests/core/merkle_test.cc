#include "custos/core/merkle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "custos/core/encoding.h"

namespace custos::core {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kMerkleData = fs::path(CUSTOS_SHARED_TESTDATA) / "merkle";

std::string B64(const json& j) {
  auto s = Base64Decode(j.get<std::string>());
  EXPECT_TRUE(s.has_value()) << j;
  return s.value_or("");
}

std::vector<std::string> ProofOf(const json& j) {
  std::vector<std::string> out;
  if (j.is_null()) return out;
  for (const json& h : j) out.push_back(B64(h));
  return out;
}

std::vector<fs::path> Vectors(const std::string& kind) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kMerkleData / kind)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json Load(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// The RFC 6962 reference tree: the leaves the shared vectors are built from.
std::vector<std::string> ReferenceLeafHashes() {
  const char* hex[] = {"",
                       "00",
                       "10",
                       "2021",
                       "3031",
                       "40414243",
                       "5051525354555657",
                       "606162636465666768696a6b6c6d6e6f"};
  std::vector<std::string> out;
  for (const char* h : hex) out.push_back(MerkleLeafHash(*HexDecode(h)));
  return out;
}

TEST(MerkleTest, PassesEveryInclusionVector) {
  const auto files = Vectors("inclusion");
  ASSERT_GE(files.size(), 50u) << "test vectors missing under " << kMerkleData;
  for (const fs::path& f : files) {
    const json v = Load(f);
    Status s = VerifyMerkleInclusion(v["leafIdx"].get<uint64_t>(), v["treeSize"].get<uint64_t>(),
                                     B64(v["leafHash"]), ProofOf(v["proof"]), B64(v["root"]));
    EXPECT_EQ(s.ok(), !v["wantErr"].get<bool>()) << f << ": " << v["desc"] << " " << s.ToString();
  }
}

// One checker carried across all the vectors (so each meets the remembered
// steps of the one before) answers as VerifyMerkleInclusion does.
TEST(MerkleTest, InclusionCheckerPassesEveryInclusionVector) {
  MerkleInclusionChecker checker;
  for (const fs::path& f : Vectors("inclusion")) {
    const json v = Load(f);
    const uint64_t index = v["leafIdx"].get<uint64_t>(), size = v["treeSize"].get<uint64_t>();
    const std::string leaf = B64(v["leafHash"]), root = B64(v["root"]);
    const std::vector<std::string> proof = ProofOf(v["proof"]);
    Status s = checker.Verify(index, size, leaf, proof, root);
    EXPECT_EQ(s.ok(), !v["wantErr"].get<bool>()) << f << ": " << v["desc"] << " " << s.ToString();
    EXPECT_EQ(s.ToString(), VerifyMerkleInclusion(index, size, leaf, proof, root).ToString()) << f;
  }
}

// Proofs of neighbouring leaves share their upper steps, which the checker
// takes from the proof before; a changed hash at any step of any proof, or a
// changed leaf, must still fail right after its untouched neighbour passed.
TEST(MerkleTest, InclusionCheckerReusesSharedStepsAndStillCatchesEveryChange) {
  const uint64_t n = 1000;
  std::vector<std::string> leaves;
  for (uint64_t i = 0; i < n; ++i) leaves.push_back(MerkleLeafHash("entry " + std::to_string(i)));
  SpanMerkleHashReader reader(leaves);
  const std::string root = MerkleRoot(leaves);
  std::vector<std::vector<std::string>> proofs;
  size_t steps = 0;
  for (uint64_t i = 0; i < n; ++i) {
    proofs.push_back(*MerkleInclusionProof(reader, i, n));
    steps += proofs.back().size();
  }
  MerkleInclusionChecker checker;
  for (uint64_t i = 0; i < n; ++i) {
    ASSERT_TRUE(checker.Verify(i, n, leaves[i], proofs[i], root).ok()) << i;
  }
  EXPECT_GT(checker.reused(), steps / 2) << "neighbours share most of their steps";
  for (uint64_t i = 1; i < n; i += 37) {
    for (size_t step = 0; step < proofs[i].size(); ++step) {
      ASSERT_TRUE(checker.Verify(i - 1, n, leaves[i - 1], proofs[i - 1], root).ok());
      std::vector<std::string> bad = proofs[i];
      bad[step][31] ^= 1;
      EXPECT_FALSE(checker.Verify(i, n, leaves[i], bad, root).ok()) << i << " step " << step;
    }
    ASSERT_TRUE(checker.Verify(i - 1, n, leaves[i - 1], proofs[i - 1], root).ok());
    EXPECT_FALSE(checker.Verify(i, n, leaves[i - 1], proofs[i], root).ok()) << i;
    EXPECT_FALSE(checker.Verify(i - 1, n, leaves[i - 1], proofs[i], root).ok()) << i;
  }
  // In reverse, and every other leaf, the answers stay right.
  for (uint64_t i = n; i-- > 0;) ASSERT_TRUE(checker.Verify(i, n, leaves[i], proofs[i], root).ok());
  for (uint64_t i = 0; i < n; i += 2) {
    ASSERT_TRUE(checker.Verify(i, n, leaves[i], proofs[i], root).ok());
  }
}

TEST(MerkleTest, PassesEveryConsistencyVector) {
  const auto files = Vectors("consistency");
  ASSERT_GE(files.size(), 50u) << "test vectors missing under " << kMerkleData;
  for (const fs::path& f : files) {
    const json v = Load(f);
    Status s = VerifyMerkleConsistency(v["size1"].get<uint64_t>(), v["size2"].get<uint64_t>(),
                                       ProofOf(v["proof"]), B64(v["root1"]), B64(v["root2"]));
    EXPECT_EQ(s.ok(), !v["wantErr"].get<bool>()) << f << ": " << v["desc"] << " " << s.ToString();
  }
}

TEST(MerkleTest, GeneratesTheHappyPathProofsOfTheVectors) {
  const auto leaves = ReferenceLeafHashes();
  SpanMerkleHashReader reader(leaves);
  for (const fs::path& f : Vectors("inclusion")) {
    if (f.filename() != "happy-path.json") continue;
    const json v = Load(f);
    const uint64_t size = v["treeSize"], index = v["leafIdx"];
    if (size > leaves.size()) continue;
    EXPECT_EQ(MerkleRoot(std::span(leaves).first(size)), B64(v["root"])) << f;
    auto proof = MerkleInclusionProof(reader, index, size);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, ProofOf(v["proof"])) << f;
  }
  for (const fs::path& f : Vectors("consistency")) {
    if (f.filename() != "happy-path.json") continue;
    const json v = Load(f);
    const uint64_t size1 = v["size1"], size2 = v["size2"];
    auto proof = MerkleConsistencyProof(reader, size1, size2);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, ProofOf(v["proof"])) << f;
  }
}

TEST(MerkleTest, HashesLeavesAndNodesWithDomainSeparation) {
  EXPECT_EQ(HexEncode(MerkleEmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(MerkleLeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(HexEncode(MerkleRoot(ReferenceLeafHashes())),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  EXPECT_EQ(MerkleRoot(std::span<const std::string>()), MerkleEmptyRoot());
}

TEST(MerkleTest, GeneratedProofsVerifyForEverySizeAndIndexUpTo64) {
  std::vector<std::string> leaves;
  for (int i = 0; i < 64; ++i) leaves.push_back(MerkleLeafHash("leaf " + std::to_string(i)));
  SpanMerkleHashReader reader(leaves);
  std::vector<std::string> roots(65);
  for (uint64_t n = 1; n <= 64; ++n) roots[n] = MerkleRoot(std::span(leaves).first(n));
  for (uint64_t n = 1; n <= 64; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = MerkleInclusionProof(reader, i, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyMerkleInclusion(i, n, leaves[i], *proof, roots[n]).ok()) << i << "/" << n;
      // The same proof must not verify another leaf or index. (It may verify
      // the same index in another size of the same shape: the checkpoint, not
      // the proof, binds the size.)
      EXPECT_FALSE(VerifyMerkleInclusion(i, n, leaves[(i + 1) % 64], *proof, roots[n]).ok());
      if (n > 1) {
        EXPECT_FALSE(VerifyMerkleInclusion((i + 1) % n, n, leaves[i], *proof, roots[n]).ok());
      }
    }
    for (uint64_t m = 1; m <= n; ++m) {
      auto proof = MerkleConsistencyProof(reader, m, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyMerkleConsistency(m, n, *proof, roots[m], roots[n]).ok()) << m << "->" << n;
      if (m < n) {
        EXPECT_FALSE(VerifyMerkleConsistency(m, n, *proof, roots[n], roots[m]).ok());
        std::vector<std::string> bad = *proof;
        bad.back()[0] ^= 1;
        EXPECT_FALSE(VerifyMerkleConsistency(m, n, bad, roots[m], roots[n]).ok());
      }
    }
  }
}

TEST(MerkleTest, GenerationRejectsOutOfRangeArguments) {
  std::vector<std::string> leaves = {MerkleLeafHash("a"), MerkleLeafHash("b")};
  SpanMerkleHashReader reader(leaves);
  EXPECT_EQ(MerkleInclusionProof(reader, 2, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MerkleConsistencyProof(reader, 0, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MerkleConsistencyProof(reader, 3, 2).status().code(), StatusCode::kInvalidArgument);
  // A size beyond what the reader holds surfaces the reader's error.
  EXPECT_FALSE(MerkleInclusionProof(reader, 0, 3).ok());
}

// A reader that serves complete subtrees from a cache, as a store would.
class CachingReader final : public MerkleHashReader {
 public:
  explicit CachingReader(std::vector<std::string> leaves) : leaves_(std::move(leaves)) {}
  Result<std::string> LeafHash(uint64_t index) const override {
    ++leaf_reads;
    return leaves_.at(index);
  }
  Result<std::string> SubtreeHash(unsigned level, uint64_t index) const override {
    ++subtree_reads;
    const uint64_t n = uint64_t{1} << level;
    return MerkleRoot(std::span(leaves_).subspan(index * n, n));  // "cached"
  }
  mutable int leaf_reads = 0;
  mutable int subtree_reads = 0;

 private:
  std::vector<std::string> leaves_;
};

TEST(MerkleTest, ProofGenerationUsesSubtreeHashesFromTheReader) {
  std::vector<std::string> leaves;
  for (int i = 0; i < 1000; ++i) leaves.push_back(MerkleLeafHash(std::to_string(i)));
  CachingReader reader(leaves);
  auto proof = MerkleInclusionProof(reader, 517, 1000);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(reader.leaf_reads, 0);
  EXPECT_LE(reader.subtree_reads, 20);
  EXPECT_TRUE(VerifyMerkleInclusion(517, 1000, leaves[517], *proof, MerkleRoot(leaves)).ok());
  auto consistency = MerkleConsistencyProof(reader, 300, 1000);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(VerifyMerkleConsistency(300, 1000, *consistency,
                                      MerkleRoot(std::span(leaves).first(300)), MerkleRoot(leaves))
                  .ok());
}

}  // namespace
}  // namespace custos::core
