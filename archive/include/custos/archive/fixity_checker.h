// FixityChecker: proves that stored documents are unchanged. It re-hashes
// every blob (each document's blob, and any blob on disk without a document)
// and records a PREMIS-style fixity-check event per blob in the
// DocumentStore: time, outcome (pass | fail | missing), expected hash (the
// address) and the hash actually found. The report names each missing or
// altered blob and the artifacts that cite it, so `custos fsck` can print
// them and exit non-zero.
//
// Thread-safe; CheckAll reads every byte of the archive, so it blocks for a
// long time: run it on its own thread (fsck, or a scheduled server task).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/archive/document_store.h"
#include "custos/core/blob_store.h"
#include "custos/core/status.h"

namespace custos::archive {

struct FixityFailure {
  std::string sha256;
  FixityOutcome outcome = FixityOutcome::kFail;  // kFail or kMissing
  std::string actual;                            // empty when missing or unreadable
  std::string detail;                            // e.g. an I/O error
  std::vector<std::string> artifact_ids;         // live artifacts citing it
};

struct FixityReport {
  std::string started_at;
  std::string finished_at;
  int64_t checked = 0;  // blobs checked (passed + failures)
  int64_t passed = 0;
  std::vector<FixityFailure> failures;  // by sha256
  bool complete = true;                 // false when cancelled part-way
  bool ok() const { return failures.empty() && complete; }
};

class FixityChecker {
 public:
  // `documents`, `blobs` and `clock` must outlive the checker.
  FixityChecker(DocumentStore& documents, const core::BlobStore& blobs, const core::Clock& clock);

  // Re-hashes one blob and records the event. Returns it (outcome pass, fail
  // or missing). InvalidArgument for a bad hash; IOError when the event
  // cannot be recorded.
  core::Result<FixityEvent> Check(std::string_view sha256);

  // Checks every blob (documents' blobs and any other blob present), sorted
  // by hash. Stops early, with complete = false, when `*cancel` becomes true.
  // IOError when the documents or blobs cannot be listed.
  core::Result<FixityReport> CheckAll(const std::atomic<bool>* cancel = nullptr);

  // The newest fixity event of `sha256`; nullopt when never checked.
  core::Result<std::optional<FixityEvent>> LastFixity(std::string_view sha256) const;

 private:
  DocumentStore& documents_;
  const core::BlobStore& blobs_;
  const core::Clock& clock_;
};

}  // namespace custos::archive
