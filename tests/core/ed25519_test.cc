#include "custos/core/ed25519.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>
#include <vector>

#include "custody_fixture.h"
#include "custos/core/encoding.h"

namespace custos::core {
namespace {

using testing::HaveCommand;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

std::string Unhex(std::string_view hex) {
  auto b = HexDecode(hex);
  EXPECT_TRUE(b.has_value());
  return b.value_or("");
}

TEST(Ed25519Test, MatchesRfc8032TestVectors) {
  struct Vector {
    const char *seed, *pub, *msg, *sig;
  };
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
       "f9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0"
       "f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const Vector& v : vectors) {
    auto key = Ed25519PrivateKey::FromSeed(Unhex(v.seed));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(HexEncode(key->public_key().raw()), v.pub);
    auto sig = key->Sign(Unhex(v.msg));
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(HexEncode(*sig), v.sig);
    auto pub = Ed25519PublicKey::FromRaw(Unhex(v.pub));
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->Verify(Unhex(v.msg), Unhex(v.sig)));
    EXPECT_FALSE(pub->Verify(Unhex(v.msg) + "x", Unhex(v.sig)));
  }
}

TEST(Ed25519Test, RejectsTamperedOrMalformedSignatures) {
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  auto sig = key->Sign("message");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(key->public_key().Verify("message", *sig));
  std::string bad = *sig;
  bad[10] ^= 1;
  EXPECT_FALSE(key->public_key().Verify("message", bad));
  EXPECT_FALSE(key->public_key().Verify("message", sig->substr(0, 63)));
  EXPECT_FALSE(key->public_key().Verify("message", ""));
  auto other = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->public_key().Verify("message", *sig));
}

TEST(Ed25519Test, OneKeyVerifiesManyMessagesFromManyThreads) {
  // Verification contexts are reused between calls; a failed check must not
  // poison the next one, and threads must not share a context.
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const Ed25519PublicKey pub = key->public_key();
  std::vector<std::pair<std::string, std::string>> signed_messages;
  for (int i = 0; i < 64; ++i) {
    std::string m = "entry " + std::to_string(i);
    signed_messages.emplace_back(m, key->Sign(m).value());
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < signed_messages.size(); ++i) {
          const auto& [m, sig] = signed_messages[i];
          const bool tamper = (i + static_cast<size_t>(t + round)) % 3 == 0;
          std::string s = sig;
          if (tamper) s[5] ^= 0x40;
          if (pub.Verify(m, s) == tamper) ++wrong;
          // The neighbour's signature never verifies this message.
          if (pub.Verify(m, signed_messages[(i + 1) % signed_messages.size()].second)) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Ed25519Test, RejectsWrongSizedKeys) {
  EXPECT_EQ(Ed25519PrivateKey::FromSeed(std::string(31, 'a')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromRaw(std::string(33, 'a')).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, PemRoundTripsPrivateAndPublicKeys) {
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  auto pem = key->ToPem();
  ASSERT_TRUE(pem.ok());
  EXPECT_NE(pem->find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  auto back = Ed25519PrivateKey::FromPem(*pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seed(), key->seed());
  auto pub_pem = key->public_key().ToPem();
  ASSERT_TRUE(pub_pem.ok());
  auto pub = Ed25519PublicKey::FromPem(*pub_pem);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->raw(), key->public_key().raw());
  EXPECT_FALSE(Ed25519PublicKey::FromPem("not pem").ok());
  EXPECT_FALSE(Ed25519PrivateKey::FromPem(*pub_pem).ok());
}

TEST(Ed25519Test, OurSignatureVerifiesWithOpensslCommandLine) {
  if (!HaveCommand("openssl")) GTEST_SKIP() << "openssl command not installed";
  TempDir dir;
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string msg = "custos.custody/v1\n{\"seq\":0}\n";
  WriteFile(dir.File("pub.pem"), *key->public_key().ToPem());
  WriteFile(dir.File("msg"), msg);
  WriteFile(dir.File("sig"), *key->Sign(msg));
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.File("pub.pem") +
                             " -rawin -in " + dir.File("msg") + " -sigfile " + dir.File("sig") +
                             " >/dev/null 2>&1";
  EXPECT_EQ(RunCommand(verify), 0);
  WriteFile(dir.File("msg"), msg + "tampered");
  EXPECT_NE(RunCommand(verify), 0);
}

TEST(Ed25519Test, OpensslCommandLineSignatureVerifiesWithOurCode) {
  if (!HaveCommand("openssl")) GTEST_SKIP() << "openssl command not installed";
  TempDir dir;
  const std::string msg = "example.com/log\n42\nAAAA\n";
  WriteFile(dir.File("msg"), msg);
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm ed25519 -out " + dir.File("priv.pem") +
                       " >/dev/null 2>&1"),
            0);
  ASSERT_EQ(RunCommand("openssl pkey -in " + dir.File("priv.pem") + " -pubout -out " +
                       dir.File("pub.pem") + " >/dev/null 2>&1"),
            0);
  ASSERT_EQ(RunCommand("openssl pkeyutl -sign -inkey " + dir.File("priv.pem") + " -rawin -in " +
                       dir.File("msg") + " -out " + dir.File("sig") + " >/dev/null 2>&1"),
            0);
  auto pub = Ed25519PublicKey::FromPem(ReadFile(dir.File("pub.pem")));
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  const std::string sig = ReadFile(dir.File("sig"));
  EXPECT_TRUE(pub->Verify(msg, sig));
  EXPECT_FALSE(pub->Verify(msg + "x", sig));
  // Their private key file is one we read, and it signs identically (Ed25519
  // is deterministic).
  auto priv = Ed25519PrivateKey::FromPem(ReadFile(dir.File("priv.pem")));
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(priv->public_key().raw(), pub->raw());
  EXPECT_EQ(*priv->Sign(msg), sig);
}

TEST(Ed25519Test, WritesPrivateKeyFileWithMode0600AndReadsItBack) {
  TempDir dir;
  const std::string path = dir.File("log.key");
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(WritePrivateKeyFile(path, *key).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = ReadPrivateKeyFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seed(), key->seed());
}

TEST(Ed25519Test, RefusesToOverwriteAnExistingKeyFile) {
  TempDir dir;
  const std::string path = dir.File("log.key");
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(WritePrivateKeyFile(path, *key).ok());
  const std::string before = ReadFile(path);
  auto other = Ed25519PrivateKey::Generate();
  EXPECT_EQ(WritePrivateKeyFile(path, *other).code(), StatusCode::kConflict);
  EXPECT_EQ(ReadFile(path), before);
}

TEST(Ed25519Test, RefusesKeyFileReadableByOthersAndReportsMissingOnes) {
  TempDir dir;
  const std::string path = dir.File("log.key");
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(WritePrivateKeyFile(path, *key).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(ReadPrivateKeyFile(path).status().code(), StatusCode::kForbidden);
  EXPECT_EQ(ReadPrivateKeyFile(dir.File("absent")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace custos::core
