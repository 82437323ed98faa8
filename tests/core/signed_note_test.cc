#include "custos/core/signed_note.h"

#include <gtest/gtest.h>

namespace custos::core {
namespace {

// Test vectors from golang.org/x/mod/sumdb/note (note.go, note_test.go).
constexpr std::string_view kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kPeterSkey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kEnochVkey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const NoteSignature kPeter{
    "PeterNeumann", 0xc74f20a3,
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM="};
const NoteSignature kEnoch{
    "EnochRoot", 0xaf0cfe78,
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTG"
    "wnWLox33WWd1RvMc+QQ="};

NoteVerifier V(std::string_view vkey) {
  auto v = NoteVerifier::Parse(vkey);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return std::move(v).value();
}

std::string Msg() { return std::string(kText) + "\n"; }

TEST(SignedNoteTest, ParsesGoVerifierKeyAndRoundTripsIt) {
  NoteVerifier v = V(kPeterVkey);
  EXPECT_EQ(v.name(), "PeterNeumann");
  EXPECT_EQ(v.key_id(), 0xc74f20a3u);
  EXPECT_EQ(v.ToString(), kPeterVkey);
}

TEST(SignedNoteTest, RejectsEveryManglingOfGoVerifierKey) {
  const std::string key(kPeterVkey);
  for (size_t i = 0; i <= key.size(); ++i) {
    for (size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(NoteVerifier::Parse(key.substr(i, j - i)).ok()) << key.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < key.size(); ++i) {
    std::string b = key;
    ++b[i];
    EXPECT_FALSE(NoteVerifier::Parse(b).ok()) << b;
  }
  // Wrong length key and unknown algorithm, each with an adjusted key id.
  EXPECT_FALSE(NoteVerifier::Parse(
                   "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                   .ok());
  EXPECT_FALSE(
      NoteVerifier::Parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .ok());
}

TEST(SignedNoteTest, ParsesGoSignerKeyAndDerivesItsVerifier) {
  auto s = NoteSigner::Parse(kPeterSkey);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->key_id(), 0xc74f20a3u);
  EXPECT_EQ(s->verifier().ToString(), kPeterVkey);
  EXPECT_EQ(s->ToString(), kPeterSkey);
}

TEST(SignedNoteTest, RejectsEveryManglingOfGoSignerKey) {
  const std::string key(kPeterSkey);
  for (size_t i = 0; i <= key.size(); ++i) {
    for (size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(NoteSigner::Parse(key.substr(i, j - i)).ok()) << key.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < key.size(); ++i) {
    std::string b = key;
    ++b[i];
    EXPECT_FALSE(NoteSigner::Parse(b).ok()) << b;
  }
}

TEST(SignedNoteTest, SignProducesGoNoteByteForByte) {
  auto s = NoteSigner::Parse(kPeterSkey);
  ASSERT_TRUE(s.ok());
  auto msg = SignNote(kText, std::span(&*s, 1));
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(*msg, Msg() + kPeterSig);
}

TEST(SignedNoteTest, SignRejectsTextWithoutFinalNewlineOrWithControlCharacters) {
  auto s = NoteSigner::Parse(kPeterSkey);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(SignNote("abc", std::span(&*s, 1)).ok());
  EXPECT_FALSE(SignNote("a\tb\n", std::span(&*s, 1)).ok());
  EXPECT_FALSE(SignNote("abc\n", {}).ok());
  std::vector<NoteSigner> twice = {*s, *s};
  EXPECT_FALSE(SignNote("abc\n", twice).ok());
}

TEST(SignedNoteTest, OpenVerifiesKnownKeyAndListsUnknownOne) {
  std::vector<NoteVerifier> known = {V(kPeterVkey)};
  auto n = OpenNote(Msg() + kPeterSig + kEnochSig, known);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->text, kText);
  EXPECT_EQ(n->verified, std::vector<NoteSignature>{kPeter});
  EXPECT_EQ(n->unverified, std::vector<NoteSignature>{kEnoch});
}

TEST(SignedNoteTest, OpenVerifiesBothGoSignatures) {
  std::vector<NoteVerifier> known = {V(kPeterVkey), V(kEnochVkey)};
  auto n = OpenNote(Msg() + kPeterSig + kEnochSig, known);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->verified, (std::vector<NoteSignature>{kPeter, kEnoch}));
  EXPECT_TRUE(n->unverified.empty());
}

TEST(SignedNoteTest, OpenRejectsNoteWithoutTrustedSignature) {
  auto n = OpenNote(Msg() + kPeterSig + kEnochSig, {});
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kUnauthorized);
  auto parsed = ParseNote(Msg() + kPeterSig + kEnochSig);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->unverified, (std::vector<NoteSignature>{kPeter, kEnoch}));
}

TEST(SignedNoteTest, OpenAcceptsTheSameKeyListedTwice) {
  // Go reports "ambiguous key" here; identical keys are deduplicated instead,
  // so `--key K --key K` on the command line is harmless.
  std::vector<NoteVerifier> known = {V(kEnochVkey), V(kPeterVkey), V(kEnochVkey)};
  EXPECT_TRUE(OpenNote(Msg() + kEnochSig, known).ok());
  EXPECT_TRUE(OpenNote(Msg() + kPeterSig, known).ok());
}

TEST(SignedNoteTest, OpenRejectsTooManySignatures) {
  std::string many = Msg();
  for (int i = 0; i < 101; ++i) many += kPeterSig;
  std::vector<NoteVerifier> known = {V(kPeterVkey)};
  EXPECT_EQ(OpenNote(many, known).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenNote(many, {}).status().code(), StatusCode::kInvalidArgument);
  // 16 (the spec's minimum) and 100 (Go's maximum) are fine.
  std::string hundred = Msg();
  for (int i = 0; i < 100; ++i) hundred += kPeterSig;
  EXPECT_TRUE(OpenNote(hundred, known).ok());
}

TEST(SignedNoteTest, OpenRejectsWholeNoteWhenKnownKeySignatureFails) {
  const std::string bad = kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  std::vector<NoteVerifier> known = {V(kPeterVkey)};
  auto n = OpenNote(Msg() + bad, known);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(n.status().message(), "invalid signature for key PeterNeumann+c74f20a3");
}

TEST(SignedNoteTest, OpenDropsDuplicateSignatures) {
  const std::string enoch_abcd = kEnochSig.substr(0, 60) + "ABCD" + kEnochSig.substr(60);
  // The line's base64 starts after "— EnochRoot " (14 bytes).
  const NoteSignature enoch_abcd_sig{
      "EnochRoot", 0xaf0cfe78, kEnoch.base64.substr(0, 46) + "ABCD" + kEnoch.base64.substr(46)};
  std::vector<NoteVerifier> known = {V(kPeterVkey)};
  auto n = OpenNote(Msg() + kPeterSig + kPeterSig + kEnochSig + kEnochSig + enoch_abcd, known);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->verified, std::vector<NoteSignature>{kPeter});
  EXPECT_EQ(n->unverified, (std::vector<NoteSignature>{kEnoch, enoch_abcd_sig}));
}

TEST(SignedNoteTest, OpenRejectsMalformedNotesFromGoSuite) {
  const std::string text(kText);
  const std::string bad_msgs[] = {
      text,
      text + "\n",
      text + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1),
      "\x01" + text + "\n" + kPeterSig,
      "\xff" + text + "\n" + kPeterSig,
      text + "\n" +
          "\xE2\x80\x94 Bad Name "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      text + "\n" + kPeterSig + "Unexpected line.\n",
      // And a few more: hyphen instead of em dash, short signature, tab.
      text + "\n- PeterNeumann x08go/ZJ\n",
      text + "\n\xE2\x80\x94 PeterNeumann AAAA\n",
      "a\tb\n\n" + kPeterSig,
  };
  std::vector<NoteVerifier> known = {V(kPeterVkey)};
  for (const std::string& msg : bad_msgs) {
    auto n = OpenNote(msg, known);
    ASSERT_FALSE(n.ok()) << msg;
    EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument) << msg;
  }
}

TEST(SignedNoteTest, IgnoresSignatureSharingOnlyNameOrOnlyKeyIdWithKnownKey) {
  // Name matches but id differs (and vice versa): an unknown key, ignored.
  auto other = NoteSigner::Generate("PeterNeumann");
  ASSERT_TRUE(other.ok());
  auto msg = SignNote(kText, std::span(&*other, 1));
  ASSERT_TRUE(msg.ok());
  std::vector<NoteVerifier> known = {V(kPeterVkey)};
  auto n = OpenNote(*msg + kPeterSig, known);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->verified, std::vector<NoteSignature>{kPeter});
  ASSERT_EQ(n->unverified.size(), 1u);
  EXPECT_EQ(n->unverified[0].name, "PeterNeumann");
}

TEST(SignedNoteTest, TextMayContainBlankLinesAndIsSplitAtTheLastOne) {
  auto s = NoteSigner::Generate("example.com/log");
  ASSERT_TRUE(s.ok());
  const std::string text = "first\n\nthird\n\n";
  auto msg = SignNote(text, std::span(&*s, 1));
  ASSERT_TRUE(msg.ok());
  std::vector<NoteVerifier> known = {s->verifier()};
  auto n = OpenNote(*msg, known);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->text, text);
}

TEST(SignedNoteTest, GeneratedKeysRoundTripThroughTheirStrings) {
  auto s = NoteSigner::Generate("custos.example/log");
  ASSERT_TRUE(s.ok());
  auto parsed = NoteSigner::Parse(s->ToString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->key_id(), s->key_id());
  EXPECT_EQ(parsed->private_key().seed(), s->private_key().seed());
  auto v = NoteVerifier::Parse(s->verifier().ToString());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->public_key().raw(), s->private_key().public_key().raw());
  // Key id = SHA-256(name || "\n" || 0x01 || pub)[:4], big-endian.
  std::string typed(1, '\x01');
  typed += s->private_key().public_key().raw();
  EXPECT_EQ(NoteKeyId("custos.example/log", typed), s->key_id());
}

TEST(SignedNoteTest, ValidatesKeyNames) {
  EXPECT_TRUE(IsValidNoteKeyName("example.com/log42"));
  EXPECT_TRUE(IsValidNoteKeyName("\xC3\xA9t\xC3\xA9"));
  for (const char* bad : {"", "a b", "a+b", "a\tb",
                          "a\xC2\xA0"
                          "b",
                          "a\xE3\x80\x80"
                          "b",
                          "a\xE2\x80\x8A"
                          "b",
                          "\xff"}) {
    EXPECT_FALSE(IsValidNoteKeyName(bad)) << bad;
    EXPECT_FALSE(NoteSigner::Generate(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace custos::core
