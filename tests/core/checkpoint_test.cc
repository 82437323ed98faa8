#include "custos/core/checkpoint.h"

#include <gtest/gtest.h>

#include "custos/core/encoding.h"
#include "custos/core/merkle.h"
#include "custos/core/tlog_proof.h"

namespace custos::core {
namespace {

// The example from c2sp.org/tlog-checkpoint.
constexpr std::string_view kSpecText =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

TEST(CheckpointTest, ParsesTheSpecExampleAndFormatsItBack) {
  auto cp = ParseCheckpointText(kSpecText);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(Base64Encode(cp->root_hash), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_TRUE(cp->extensions.empty());
  EXPECT_EQ(*FormatCheckpointText(*cp), kSpecText);
}

TEST(CheckpointTest, KeepsExtensionLines) {
  const std::string text = std::string(kSpecText) + "ext one\next two\n";
  auto cp = ParseCheckpointText(text);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->extensions, (std::vector<std::string>{"ext one", "ext two"}));
  EXPECT_EQ(*FormatCheckpointText(*cp), text);
}

TEST(CheckpointTest, RejectsMalformedTexts) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::string bad[] = {
      "",
      "origin\n5\n",                                                // two lines
      "origin\n5\n" + root,                                         // no final newline
      "\n5\n" + root + "\n",                                        // empty origin
      "origin\n05\n" + root + "\n",                                 // leading zero
      "origin\n+5\n" + root + "\n",                                 // sign
      "origin\n-5\n" + root + "\n",                                 // negative
      "origin\n18446744073709551616\n" + root + "\n",               // beyond uint64
      "origin\n5\nAAAA\n",                                          // root not 32 bytes
      "origin\n5\n" + root + "\n\n",                                // empty extension line
      "origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  // non-canonical base64
  };
  for (const std::string& t : bad) {
    EXPECT_FALSE(ParseCheckpointText(t).ok()) << t;
  }
  EXPECT_TRUE(ParseCheckpointText("origin\n0\n" + root + "\n").ok());
}

TEST(CheckpointTest, FormatRejectsBadFields) {
  EXPECT_EQ(FormatCheckpointText({"", 1, std::string(32, 'x'), {}}).status().field(), "origin");
  EXPECT_EQ(FormatCheckpointText({"a\nb", 1, std::string(32, 'x'), {}}).status().field(), "origin");
  EXPECT_EQ(FormatCheckpointText({"o", 1, "short", {}}).status().field(), "root_hash");
  EXPECT_EQ(FormatCheckpointText({"o", 1, std::string(32, 'x'), {""}}).status().field(),
            "extensions");
}

TEST(CheckpointTest, SignsAndOpensWithTheLogKey) {
  auto log = NoteSigner::Generate("log.example");
  ASSERT_TRUE(log.ok());
  const Checkpoint cp{"log.example", 42, MerkleLeafHash("x"), {}};
  auto note = SignCheckpoint(cp, std::span(&*log, 1));
  ASSERT_TRUE(note.ok());
  std::vector<NoteVerifier> keys = {log->verifier()};
  auto opened = OpenCheckpoint(*note, keys, "log.example");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, cp);
  EXPECT_EQ(OpenCheckpoint(*note, keys, "other.example").status().code(),
            StatusCode::kUnauthorized);
  auto stranger = NoteSigner::Generate("log.example");
  std::vector<NoteVerifier> wrong = {stranger->verifier()};
  EXPECT_EQ(OpenCheckpoint(*note, wrong).status().code(), StatusCode::kUnauthorized);
}

TEST(CheckpointTest, CheckpointSignedByOldAndNewKeyDuringRotationOpensWithEither) {
  auto old_key = NoteSigner::Generate("log.example");
  auto new_key = NoteSigner::Generate("log.example");
  ASSERT_TRUE(old_key.ok() && new_key.ok());
  std::vector<NoteSigner> both = {*old_key, *new_key};
  auto note = SignCheckpoint({"log.example", 7, MerkleLeafHash("y"), {}}, both);
  ASSERT_TRUE(note.ok());
  std::vector<NoteVerifier> only_old = {old_key->verifier()};
  std::vector<NoteVerifier> only_new = {new_key->verifier()};
  EXPECT_TRUE(OpenCheckpoint(*note, only_old).ok());
  EXPECT_TRUE(OpenCheckpoint(*note, only_new).ok());
}

TEST(TlogProofTest, FormatsAndParsesRoundTrip) {
  TlogProof p{std::nullopt,
              73894,
              {MerkleLeafHash("a"), MerkleLeafHash("b")},
              "log\n1\nAAAA\n\n\xE2\x80\x94 log AAAA\n"};
  auto text = FormatTlogProof(p);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->starts_with("c2sp.org/tlog-proof@v1\nindex 73894\n"));
  auto back = ParseTlogProof(*text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
  p.extra = "opaque";
  p.hashes.clear();
  auto with_extra = FormatTlogProof(p);
  ASSERT_TRUE(with_extra.ok());
  EXPECT_TRUE(with_extra->starts_with("c2sp.org/tlog-proof@v1\nextra b3BhcXVl\nindex 73894\n\n"));
  EXPECT_EQ(*ParseTlogProof(*with_extra), p);
}

TEST(TlogProofTest, ParsesTheSpecExampleLayout) {
  const std::string spec =
      "c2sp.org/tlog-proof@v1\n"
      "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
      "index 73894\n"
      "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
      "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
      "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
      "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
      "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
      "\n"
      "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n"
      "\xE2\x80\x94 example.com/fancylog hI2DJw==\n";
  auto p = ParseTlogProof(spec);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->index, 73894u);
  EXPECT_EQ(p->hashes.size(), 5u);
  EXPECT_TRUE(p->checkpoint.starts_with("example.com/fancylog\n109482\n"));
}

TEST(TlogProofTest, RejectsMalformedProofs) {
  const std::string h = Base64Encode(MerkleLeafHash("a"));
  const std::string cp = "log\n1\nAAAA\n\n\xE2\x80\x94 log AAAA\n";
  const std::string bad[] = {
      "c2sp.org/tlog-proof@v2\nindex 1\n\n" + cp,       "c2sp.org/tlog-proof@v1\nindex 01\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex -1\n\n" + cp,
      "c2sp.org/tlog-proof@v1\nindex 1\n" + h + "\n",    // no blank line / checkpoint
      "c2sp.org/tlog-proof@v1\nindex 1\n" + h + "\n\n",  // empty checkpoint
      "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n" + cp,  // short hash
      "c2sp.org/tlog-proof@v1\n" + h + "\n\n" + cp,      // no index
  };
  for (const std::string& t : bad) EXPECT_FALSE(ParseTlogProof(t).ok()) << t;
}

}  // namespace
}  // namespace custos::core
