#include "custody_fixture.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "custos/core/canonical_json.h"
#include "custos/core/checkpoint.h"
#include "custos/core/crypto.h"
#include "custos/core/merkle.h"

namespace custos::core::testing {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "custos-test-XXXXXX").string();
  char* made = ::mkdtemp(templ.data());
  if (made == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

int RunCommand(const std::string& command) {
  const int rc = std::system(command.c_str());
  if (rc == -1 || !WIFEXITED(rc)) return -1;
  return WEXITSTATUS(rc);
}

bool HaveCommand(const std::string& name) {
  return RunCommand("command -v " + name + " >/dev/null 2>&1") == 0;
}

namespace {

NoteSigner MustSigner(const char* name) {
  auto s = NoteSigner::Generate(name);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

}  // namespace

TestCustodyLog::TestCustodyLog()
    : log_signer_(MustSigner(kOrigin)), entry_signer_(MustSigner("registry.test.custos.example")) {}

uint64_t TestCustodyLog::Append(const std::string& artifact, CustodyEvent event,
                                std::vector<CustodyDocument> documents,
                                std::optional<std::string> record_sha256) {
  auto& chain = by_artifact_[artifact];
  CustodyEntry e;
  e.artifact = artifact;
  e.event = event;
  e.actor = "Registrar " + std::to_string(chain.size());
  e.location = "Store room " + std::to_string(leaves_.size());
  e.time = "2024-03-0" + std::to_string(1 + chain.size() % 9) + "T10:00:00Z";
  e.documents = std::move(documents);
  e.notes = "step " + std::to_string(chain.size());
  e.record_sha256 = std::move(record_sha256);
  Status s = ChainCustodyEntry(chain.empty() ? nullptr : &chain.back().second, &e);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto note = SignCustodyEntry(e, std::span(&entry_signer_, 1));
  EXPECT_TRUE(note.ok()) << note.status().ToString();
  leaves_.push_back(*note);
  leaf_hashes_.push_back(MerkleLeafHash(*note));
  chain.emplace_back(leaves_.size() - 1, e);
  return leaves_.size() - 1;
}

std::string TestCustodyLog::Checkpoint(const NoteSigner* signer) const {
  core::Checkpoint cp{kOrigin, leaves_.size(), MerkleRoot(leaf_hashes_), {}};
  auto note = SignCheckpoint(cp, std::span(signer ? signer : &log_signer_, 1));
  EXPECT_TRUE(note.ok()) << note.status().ToString();
  return note.ok() ? *note : std::string();
}

BundleContents TestCustodyLog::Contents(const std::string& artifact, const std::string& record_json,
                                        const std::map<std::string, std::string>& documents) const {
  BundleContents c;
  c.checkpoint_note = Checkpoint();
  SpanMerkleHashReader reader(leaf_hashes_);
  for (const auto& [index, entry] : by_artifact_.at(artifact)) {
    auto proof = MerkleInclusionProof(reader, index, leaves_.size());
    EXPECT_TRUE(proof.ok());
    c.entries.push_back(BundleEntry{leaves_[index], index, *proof});
  }
  c.record_json = record_json;
  c.document_contents = documents;
  return c;
}

StandardBundle::StandardBundle() {
  record_json = *CanonicalJson(nlohmann::json{
      {"id", "a-1"}, {"title", "Bronze head"}, {"status", "repatriated"}, {"version", 7}});
  doc_a = "%PDF-1.7 export licence scan";
  doc_a_sha = Sha256Hex(doc_a);
  doc_b_sha = Sha256Hex("police report photo");
  log.Append("a-2", CustodyEvent::kIntake);
  log.Append("a-1", CustodyEvent::kSeizure);
  log.Append("a-1", CustodyEvent::kIntake);
  log.Append("a-2", CustodyEvent::kStorage);
  log.Append("a-1", CustodyEvent::kExamination,
             {{doc_a_sha, "application/pdf"}, {doc_b_sha, "image/jpeg"}});
  log.Append("a-1", CustodyEvent::kStorage);
  log.Append("a-2", CustodyEvent::kLoan);
  log.Append("a-1", CustodyEvent::kRepatriation, {}, Sha256Hex(record_json));
  log.Append("a-2", CustodyEvent::kRelease);
  contents = log.Contents("a-1", record_json, {{doc_a_sha, doc_a}});
  auto built = BuildBundle(contents);
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  if (built.ok()) bytes = std::move(built).value();
}

}  // namespace custos::core::testing
