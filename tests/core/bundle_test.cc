#include "custos/core/bundle.h"

#include <gtest/gtest.h>

#include <functional>

#include "custody_fixture.h"
#include "custos/core/checkpoint.h"
#include "custos/core/crypto.h"
#include "custos/core/signed_note.h"
#include "custos/core/zip.h"

namespace custos::core {
namespace {

using testing::StandardBundle;

using Files = std::vector<ZipEntry>;

Files Unzip(const std::string& bytes) {
  auto files = ReadZip(bytes);
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  return files.ok() ? *files : Files{};
}

std::string Rezip(const Files& files) {
  ZipWriter w;
  for (const ZipEntry& f : files) EXPECT_TRUE(w.Add(f.name, f.data).ok()) << f.name;
  return w.Finish();
}

ZipEntry& FileNamed(Files& files, const std::string& name) {
  for (ZipEntry& f : files) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no " << name;
  static ZipEntry none;
  return none;
}

void Remove(Files& files, const std::string& name) {
  std::erase_if(files, [&](const ZipEntry& f) { return f.name == name; });
}

class BundleTest : public ::testing::Test {
 protected:
  BundleReport Verify(const std::string& bytes) {
    std::vector<NoteVerifier> log_keys = {b.log.log_signer().verifier()};
    std::vector<NoteVerifier> entry_keys = {b.log.entry_signer().verifier()};
    // Every check, good or tampered, on one thread and on three: the
    // report must not depend on the number.
    BundleReport one = VerifyBundle(bytes, log_keys, entry_keys, 1);
    BundleReport three = VerifyBundle(bytes, log_keys, entry_keys, 3);
    EXPECT_EQ(Dump(one), Dump(three));
    EXPECT_EQ(one.valid, three.valid);
    return three;
  }
  // Applies `tamper` to the unzipped files and verifies the result.
  BundleReport Tampered(const std::function<void(Files&)>& tamper) {
    Files files = Unzip(b.bytes);
    tamper(files);
    return Verify(Rezip(files));
  }
  static std::string Dump(const BundleReport& r) {
    std::string out;
    for (const std::string& line : r.Lines()) out += line + "\n";
    return out;
  }
  static void ExpectFailed(const BundleReport& r, const std::string& check) {
    EXPECT_FALSE(r.valid) << Dump(r);
    const BundleCheck* c = r.Find(check);
    ASSERT_NE(c, nullptr) << "no check '" << check << "'\n" << Dump(r);
    EXPECT_EQ(c->state, CheckState::kFail) << Dump(r);
  }

  StandardBundle b;
};

TEST_F(BundleTest, GoodBundleVerifiesWithOneLinePerCheck) {
  const BundleReport r = Verify(b.bytes);
  EXPECT_TRUE(r.valid) << Dump(r);
  EXPECT_EQ(r.artifact, "a-1");
  EXPECT_EQ(r.entry_count, 5u);
  for (const char* name :
       {"bundle format", "checkpoint signature", "chain", "manifest", "record hash"}) {
    const BundleCheck* c = r.Find(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->state, CheckState::kPass) << name << ": " << c->detail;
  }
  for (int i = 0; i < 5; ++i) {
    const std::string n = std::to_string(i);
    ASSERT_NE(r.Find("entry " + n + " signature"), nullptr);
    EXPECT_EQ(r.Find("entry " + n + " signature")->state, CheckState::kPass);
    EXPECT_EQ(r.Find("entry " + n + " inclusion proof")->state, CheckState::kPass);
  }
  ASSERT_NE(r.Find("document " + b.doc_a_sha + " hash"), nullptr);
  EXPECT_EQ(r.Find("document " + b.doc_a_sha + " hash")->state, CheckState::kPass);
  EXPECT_EQ(r.Lines().front(), "ok  bundle format: 5 entries");
  // The checks after the chain (record hash, documents) read the same
  // entries the chain check had in hand.
  EXPECT_EQ(r.Find("chain")->detail, "5 entries of a-1, seq 0..4");
}

TEST_F(BundleTest, BundleHoldsTheDocumentedLayoutAndNoKeys) {
  Files files = Unzip(b.bytes);
  std::vector<std::string> names;
  for (const ZipEntry& f : files) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "custos-bundle.json", "checkpoint", "record.json", "entries/000000.note",
                       "entries/000001.note", "entries/000002.note", "entries/000003.note",
                       "entries/000004.note", "proofs/000000.proof", "proofs/000001.proof",
                       "proofs/000002.proof", "proofs/000003.proof", "proofs/000004.proof",
                       "documents/" + b.doc_a_sha}));
  const std::string manifest = FileNamed(files, "custos-bundle.json").data;
  EXPECT_EQ(manifest,
            "{\"artifact\":\"a-1\",\"documents\":[{\"included\":true,\"media_type\":\"application/"
            "pdf\",\"sha256\":\"" +
                b.doc_a_sha +
                "\"},{\"included\":false,\"media_type\":\"image/jpeg\",\"sha256\":\"" +
                b.doc_b_sha +
                "\"}],\"entry_count\":5,\"format\":\"custos-bundle/v1\",\"origin\":\"log.test."
                "custos.example\",\"tree_size\":9}");
  EXPECT_TRUE(FileNamed(files, "proofs/000002.proof")
                  .data.starts_with("c2sp.org/tlog-proof@v1\nindex 4\n"));
  // The vkey is name+keyid+base64(0x01||pub); the base64 part may itself
  // hold '+', so it starts after the second '+' (not the last).
  const std::string vkey = b.log.log_signer().verifier().ToString();
  const size_t name_end = vkey.find('+');
  ASSERT_NE(name_end, std::string::npos);
  const size_t keyid_end = vkey.find('+', name_end + 1);
  ASSERT_NE(keyid_end, std::string::npos);
  const std::string key_b64 = vkey.substr(keyid_end + 1);
  ASSERT_EQ(key_b64.size(), 44u);  // 33 bytes
  for (const ZipEntry& f : files) {
    EXPECT_EQ(f.data.find(key_b64), std::string::npos) << f.name;
  }
}

TEST_F(BundleTest, OneByteChangedInAnEntryFailsThatEntrysSignature) {
  const BundleReport r = Tampered([](Files& f) {
    std::string& note = FileNamed(f, "entries/000002.note").data;
    note[note.find("Registrar")] = 'r';
  });
  ExpectFailed(r, "entry 2 signature");
  EXPECT_EQ(r.Find("entry 1 signature")->state, CheckState::kPass);
}

TEST_F(BundleTest, DroppedEntryFailsTheChain) {
  const BundleReport r = Tampered([](Files& f) {
    Remove(f, "entries/000002.note");
    Remove(f, "proofs/000002.proof");
  });
  ExpectFailed(r, "chain");
}

TEST_F(BundleTest, DroppedAndRenumberedEntryFailsTheChain) {
  const BundleReport r = Tampered([](Files& f) {
    Remove(f, "entries/000002.note");
    Remove(f, "proofs/000002.proof");
    for (int i = 3; i < 5; ++i) {
      FileNamed(f, BundleEntryName(i)).name = BundleEntryName(i - 1);
      FileNamed(f, BundleProofName(i)).name = BundleProofName(i - 1);
    }
  });
  ExpectFailed(r, "chain");
  EXPECT_EQ(r.Find("entry 2 inclusion proof")->state, CheckState::kPass);
}

TEST_F(BundleTest, TwoSwappedEntriesFailTheChain) {
  const BundleReport r = Tampered([](Files& f) {
    std::swap(FileNamed(f, "entries/000001.note").data, FileNamed(f, "entries/000002.note").data);
    std::swap(FileNamed(f, "proofs/000001.proof").data, FileNamed(f, "proofs/000002.proof").data);
  });
  ExpectFailed(r, "chain");
  EXPECT_EQ(r.Find("entry 1 signature")->state, CheckState::kPass);
  EXPECT_EQ(r.Find("entry 1 inclusion proof")->state, CheckState::kPass);
}

TEST_F(BundleTest, ChangedProofHashFailsThatInclusionProof) {
  const BundleReport r = Tampered([](Files& f) {
    std::string& proof = FileNamed(f, "proofs/000001.proof").data;
    const size_t hash_line = proof.find('\n', proof.find("index ")) + 1;
    proof[hash_line] = proof[hash_line] == 'A' ? 'B' : 'A';
  });
  ExpectFailed(r, "entry 1 inclusion proof");
  EXPECT_EQ(r.Find("entry 0 inclusion proof")->state, CheckState::kPass);
}

TEST_F(BundleTest, CheckpointSignedByADifferentKeyFailsTheCheckpointSignature) {
  auto impostor = NoteSigner::Generate(testing::TestCustodyLog::kOrigin);
  ASSERT_TRUE(impostor.ok());
  const std::string forged = b.log.Checkpoint(&*impostor);
  const std::string genuine = b.contents.checkpoint_note;
  const BundleReport r = Tampered([&](Files& f) {
    for (ZipEntry& e : f) {
      if (e.name == "checkpoint") e.data = forged;
      if (e.name.starts_with("proofs/")) {
        e.data.replace(e.data.find(genuine), genuine.size(), forged);
      }
    }
  });
  ExpectFailed(r, "checkpoint signature");
  EXPECT_EQ(r.Find("entry 0 signature")->state, CheckState::kPass);
}

TEST_F(BundleTest, BundleCheckedAgainstTheWrongKeysFails) {
  auto other_log = NoteSigner::Generate(testing::TestCustodyLog::kOrigin);
  auto other_entries = NoteSigner::Generate("registry.test.custos.example");
  ASSERT_TRUE(other_log.ok() && other_entries.ok());
  std::vector<NoteVerifier> log_keys = {other_log->verifier()};
  std::vector<NoteVerifier> entry_keys = {other_entries->verifier()};
  const BundleReport r = VerifyBundle(b.bytes, log_keys, entry_keys);
  ExpectFailed(r, "checkpoint signature");
  ExpectFailed(r, "entry 0 signature");
  // The right log key alone is not enough either.
  std::vector<NoteVerifier> right_log = {b.log.log_signer().verifier()};
  const BundleReport r2 = VerifyBundle(b.bytes, right_log, entry_keys);
  EXPECT_EQ(r2.Find("checkpoint signature")->state, CheckState::kPass);
  ExpectFailed(r2, "entry 3 signature");
}

TEST_F(BundleTest, AlteredDocumentFailsItsHashCheck) {
  const BundleReport r =
      Tampered([&](Files& f) { FileNamed(f, "documents/" + b.doc_a_sha).data += " (edited)"; });
  ExpectFailed(r, "document " + b.doc_a_sha + " hash");
}

TEST_F(BundleTest, UnreferencedDocumentFails) {
  const std::string stray = "not referenced";
  const BundleReport r = Tampered([&](Files& f) {
    f.push_back({"documents/" + Sha256Hex(stray), stray});
  });
  ExpectFailed(r, "document " + Sha256Hex(stray) + " hash");
}

TEST_F(BundleTest, AlteredRecordFailsTheRecordHash) {
  const BundleReport r = Tampered([](Files& f) {
    std::string& rec = FileNamed(f, "record.json").data;
    rec.replace(rec.find("repatriated"), 11, "in_collecti");
  });
  ExpectFailed(r, "record hash");
}

TEST_F(BundleTest, ManifestThatDisagreesWithSignedDataFails) {
  const BundleReport r = Tampered([](Files& f) {
    std::string& m = FileNamed(f, "custos-bundle.json").data;
    m.replace(m.find("\"entry_count\":5"), 15, "\"entry_count\":4");
  });
  ExpectFailed(r, "manifest");
  const BundleReport r2 = Tampered([](Files& f) {
    FileNamed(f, "custos-bundle.json").data = "{\"format\":\"custos-bundle/v1\",\"documents\":7}";
  });
  ExpectFailed(r2, "manifest");
}

TEST_F(BundleTest, UnexpectedFilesAndNonZipInputFailTheFormatCheck) {
  ExpectFailed(Tampered([](Files& f) { f.push_back({"keys/log.vkey", "x"}); }), "bundle format");
  ExpectFailed(Tampered([](Files& f) { Remove(f, "checkpoint"); }), "bundle format");
  ExpectFailed(Tampered([](Files& f) { Remove(f, "proofs/000003.proof"); }),
               "entry 3 inclusion proof");
  ExpectFailed(Verify("PK\x03\x04 not really"), "bundle format");
  ExpectFailed(Verify(b.bytes.substr(0, b.bytes.size() / 2)), "bundle format");
}

TEST_F(BundleTest, BundleWithoutRepatriationSkipsTheRecordHash) {
  const BundleContents c = b.log.Contents("a-2", "{\"id\":\"a-2\"}");
  auto bytes = BuildBundle(c);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  const BundleReport r = Verify(*bytes);
  EXPECT_TRUE(r.valid) << Dump(r);
  EXPECT_EQ(r.Find("record hash")->state, CheckState::kSkip);
}

TEST_F(BundleTest, BuilderRefusesInconsistentContents) {
  BundleContents c = b.contents;
  c.entries[1].inclusion_proof[0][0] ^= 1;
  EXPECT_EQ(BuildBundle(c).status().code(), StatusCode::kInvalidArgument);
  c = b.contents;
  std::swap(c.entries[1], c.entries[2]);
  EXPECT_FALSE(BuildBundle(c).ok());
  c = b.contents;
  c.record_json = "{\"id\":\"a-1\"}";
  EXPECT_FALSE(BuildBundle(c).ok());
  c = b.contents;
  c.document_contents[b.doc_b_sha] = "wrong content";
  EXPECT_FALSE(BuildBundle(c).ok());
  c = b.contents;
  c.entries.clear();
  EXPECT_FALSE(BuildBundle(c).ok());
}

}  // namespace
}  // namespace custos::core
