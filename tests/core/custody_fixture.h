// Test helpers for the custody/crypto tests: a temp dir, file helpers, and an
// in-memory custody log that produces real signed entries, checkpoints, proofs
// and bundles. Not thread-safe; one per test.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "custos/core/bundle.h"
#include "custos/core/custody.h"
#include "custos/core/signed_note.h"

namespace custos::core::testing {

// A fresh directory under TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& data);
std::string ReadFile(const std::string& path);
// Runs `command` with /bin/sh; returns its exit status (-1 if it did not exit).
int RunCommand(const std::string& command);
bool HaveCommand(const std::string& name);

// A log with one log key and one entry-signing key. Every appended entry is
// signed and becomes a leaf; entries of several artifacts interleave.
class TestCustodyLog {
 public:
  static constexpr const char* kOrigin = "log.test.custos.example";
  TestCustodyLog();

  const NoteSigner& log_signer() const { return log_signer_; }
  const NoteSigner& entry_signer() const { return entry_signer_; }

  // Appends the next entry of `artifact`; returns its log index.
  uint64_t Append(const std::string& artifact, CustodyEvent event,
                  std::vector<CustodyDocument> documents = {},
                  std::optional<std::string> record_sha256 = std::nullopt);
  uint64_t size() const { return leaves_.size(); }
  // The checkpoint note at the current size, signed by `signer` (default: the log key).
  std::string Checkpoint(const NoteSigner* signer = nullptr) const;
  // Bundle contents for `artifact` against the current checkpoint.
  BundleContents Contents(const std::string& artifact, const std::string& record_json,
                          const std::map<std::string, std::string>& documents = {}) const;

 private:
  NoteSigner log_signer_;
  NoteSigner entry_signer_;
  std::vector<std::string> leaves_;  // signed notes
  std::vector<std::string> leaf_hashes_;
  std::map<std::string, std::vector<std::pair<uint64_t, CustodyEntry>>> by_artifact_;
};

// A standard bundle: artifact "a-1" with five entries (seizure, intake,
// examination with two documents, storage, repatriation covering the record),
// interleaved with entries of "a-2"; one document included.
struct StandardBundle {
  TestCustodyLog log;
  std::string record_json;
  std::string doc_a, doc_a_sha, doc_b_sha;
  BundleContents contents;
  std::string bytes;
  StandardBundle();
};

}  // namespace custos::core::testing
