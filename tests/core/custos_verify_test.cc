// Runs the built custos-verify binary (CUSTOS_VERIFY_BIN) on real files.
#include <gtest/gtest.h>

#include "custody_fixture.h"
#include "custos/core/zip.h"

namespace custos::core {
namespace {

using testing::ReadFile;
using testing::RunCommand;
using testing::StandardBundle;
using testing::TempDir;
using testing::WriteFile;

class CustosVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir.File("good.zip"), b.bytes);
    auto files = ReadZip(b.bytes);
    ASSERT_TRUE(files.ok());
    ZipWriter w;
    for (ZipEntry& f : *files) {
      if (f.name == "entries/000003.note") f.data[f.data.find("Registrar")] = 'r';
      ASSERT_TRUE(w.Add(f.name, f.data).ok());
    }
    WriteFile(dir.File("bad.zip"), w.Finish());
    log_vkey = b.log.log_signer().verifier().ToString();
    entry_vkey = b.log.entry_signer().verifier().ToString();
    WriteFile(dir.File("keys.txt"), "# pinned keys\n" + log_vkey + "\n" + entry_vkey + "\n");
  }
  // Runs the verifier with `args`; stdout and stderr go to files in dir.
  int Verify(const std::string& args) {
    return RunCommand(std::string(CUSTOS_VERIFY_BIN) + " " + args + " >" + dir.File("out") + " 2>" +
                      dir.File("err"));
  }
  std::string Out() { return ReadFile(dir.File("out")); }
  std::string Err() { return ReadFile(dir.File("err")); }

  StandardBundle b;
  TempDir dir;
  std::string log_vkey, entry_vkey;
};

TEST_F(CustosVerifyTest, ExitsZeroForAGoodBundleAndPrintsEachCheck) {
  ASSERT_EQ(Verify(dir.File("good.zip") + " --key " + log_vkey + " --key " + entry_vkey), 0)
      << Out() << Err();
  EXPECT_NE(Out().find("ok  checkpoint signature"), std::string::npos) << Out();
  EXPECT_NE(Out().find("ok  entry 4 inclusion proof"), std::string::npos) << Out();
  EXPECT_NE(Out().find("ok  record hash"), std::string::npos) << Out();
  EXPECT_NE(Out().find("VALID: chain of custody of a-1, 5 entries"), std::string::npos) << Out();
  EXPECT_EQ(Err(), "");
}

TEST_F(CustosVerifyTest, AcceptsKeysFromAFile) {
  EXPECT_EQ(Verify(dir.File("good.zip") + " --key " + dir.File("keys.txt")), 0) << Out() << Err();
  EXPECT_EQ(Verify(dir.File("good.zip") + " --log-key=" + log_vkey + " --entry-key=" + entry_vkey),
            0)
      << Out() << Err();
}

TEST_F(CustosVerifyTest, ExitsOneForATamperedBundleNamingTheFailedCheck) {
  EXPECT_EQ(Verify(dir.File("bad.zip") + " --key " + dir.File("keys.txt")), 1) << Out();
  EXPECT_NE(Out().find("FAIL entry 3 signature: "), std::string::npos) << Out();
  EXPECT_NE(Err().find("FAIL entry 3 signature: "), std::string::npos) << Err();
  EXPECT_NE(Out().find("INVALID: "), std::string::npos) << Out();
}

TEST_F(CustosVerifyTest, ExitsOneAgainstTheWrongKey) {
  auto other = NoteSigner::Generate(testing::TestCustodyLog::kOrigin);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Verify(dir.File("good.zip") + " --key " + other->verifier().ToString()), 1) << Out();
  EXPECT_NE(Out().find("FAIL checkpoint signature"), std::string::npos) << Out();
}

TEST_F(CustosVerifyTest, ExitsTwoOnUsageErrors) {
  EXPECT_EQ(Verify(dir.File("good.zip")), 2);  // no key
  EXPECT_NE(Err().find("usage:"), std::string::npos);
  EXPECT_EQ(Verify(""), 2);
  EXPECT_EQ(Verify(dir.File("good.zip") + " --key"), 2);
  EXPECT_EQ(Verify(dir.File("good.zip") + " --key not-a-key-or-file"), 2);
  EXPECT_EQ(Verify(dir.File("good.zip") + " --bogus x --key " + log_vkey), 2);
  EXPECT_EQ(Verify(dir.File("missing.zip") + " --key " + log_vkey), 2);
  EXPECT_EQ(Verify("a.zip b.zip --key " + log_vkey), 2);
}

TEST_F(CustosVerifyTest, HelpExitsZero) {
  EXPECT_EQ(Verify("--help"), 0);
  EXPECT_NE(Out().find("custos-verify note FILE"), std::string::npos);
}

TEST_F(CustosVerifyTest, VerifiesAnySignedNote) {
  WriteFile(dir.File("checkpoint"), b.contents.checkpoint_note);
  EXPECT_EQ(Verify("note " + dir.File("checkpoint") + " --key " + log_vkey), 0) << Out() << Err();
  EXPECT_NE(Out().find("ok  signature by log.test.custos.example+"), std::string::npos) << Out();
  EXPECT_EQ(Verify("note " + dir.File("checkpoint") + " --key " + entry_vkey), 1) << Out();
  // A note signed by another C2SP implementation (Go's sumdb/note test vector).
  WriteFile(
      dir.File("go.note"),
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n"
      "\n"
      "\xE2\x80\x94 PeterNeumann "
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBw"
      "JnAM=\n");
  EXPECT_EQ(Verify("note " + dir.File("go.note") +
                   " --key PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            0)
      << Out() << Err();
  EXPECT_EQ(Verify("note " + dir.File("go.note")), 2);
}

}  // namespace
}  // namespace custos::core
