#include "custos/archive/fixity_checker.h"

#include <algorithm>
#include <set>

#include "custos/core/crypto.h"
#include "custos/core/encoding.h"

namespace custos::archive {

using core::Result;
using core::Status;

namespace {

constexpr size_t kChunk = 1 << 20;

// The hash of the blob's bytes; NotFound when it is absent.
Result<std::string> HashBlob(const core::BlobStore& blobs, const std::string& sha) {
  CUSTOS_ASSIGN_OR_RETURN(std::unique_ptr<core::BlobReader> reader, blobs.Open(sha));
  core::Sha256Hasher hasher;
  uint64_t offset = 0;
  for (;;) {
    CUSTOS_ASSIGN_OR_RETURN(std::string chunk, reader->ReadAt(offset, kChunk));
    if (chunk.empty()) break;
    hasher.Update(chunk);
    offset += chunk.size();
  }
  return core::HexEncode(hasher.Finish());
}

}  // namespace

FixityChecker::FixityChecker(DocumentStore& documents, const core::BlobStore& blobs,
                             const core::Clock& clock)
    : documents_(documents), blobs_(blobs), clock_(clock) {}

Result<FixityEvent> FixityChecker::Check(std::string_view sha256) {
  auto sha = core::NormalizeSha256Hex(sha256);
  if (!sha) return Status::InvalidArgument("not a SHA-256 (64 hex digits)", "sha256");
  FixityEvent event;
  event.sha256 = *sha;
  event.expected = *sha;
  auto actual = HashBlob(blobs_, *sha);
  if (actual.ok()) {
    event.actual = *actual;
    event.outcome = *actual == *sha ? FixityOutcome::kPass : FixityOutcome::kFail;
  } else if (actual.status().code() == core::StatusCode::kNotFound) {
    event.outcome = FixityOutcome::kMissing;
  } else {
    event.outcome = FixityOutcome::kFail;
    event.detail = actual.status().message();
  }
  event.time = core::FormatRfc3339Millis(clock_.NowMillis());
  return documents_.RecordFixity(std::move(event));
}

Result<FixityReport> FixityChecker::CheckAll(const std::atomic<bool>* cancel) {
  FixityReport report;
  report.started_at = core::FormatRfc3339Millis(clock_.NowMillis());
  CUSTOS_ASSIGN_OR_RETURN(std::vector<DocumentMetadata> docs, documents_.ListAll());
  CUSTOS_ASSIGN_OR_RETURN(std::vector<std::string> present, blobs_.List());
  std::set<std::string> all(present.begin(), present.end());
  for (const auto& d : docs) all.insert(d.sha256);
  for (const std::string& sha : all) {
    if (cancel != nullptr && cancel->load()) {
      report.complete = false;
      break;
    }
    CUSTOS_ASSIGN_OR_RETURN(FixityEvent event, Check(sha));
    ++report.checked;
    if (event.outcome == FixityOutcome::kPass) {
      ++report.passed;
      continue;
    }
    FixityFailure failure;
    failure.sha256 = sha;
    failure.outcome = event.outcome;
    failure.actual = event.actual;
    failure.detail = event.detail;
    auto citing = documents_.ArtifactsCiting(sha);
    if (citing.ok()) failure.artifact_ids = std::move(citing).value();
    report.failures.push_back(std::move(failure));
  }
  report.finished_at = core::FormatRfc3339Millis(clock_.NowMillis());
  return report;
}

Result<std::optional<FixityEvent>> FixityChecker::LastFixity(std::string_view sha256) const {
  return documents_.LastFixity(sha256);
}

}  // namespace custos::archive
