#include "custos/archive/custody_bundle.h"

#include <set>

#include "custos/core/bundle.h"
#include "custos/core/canonical_json.h"
#include "custos/core/crypto.h"

namespace custos::archive {

using core::Result;
using core::Status;

Result<std::string> PublicRecordJson(const core::Artifact& a) {
  return core::CanonicalJson(core::ArtifactToJson(a, /*include_restricted=*/false));
}

Result<std::string> BuildCustodyBundle(Archive& archive, const CustodyLog& log,
                                       const core::Artifact& artifact,
                                       BundleDocuments documents) {
  CUSTOS_ASSIGN_OR_RETURN(auto entries, log.EntriesFor(artifact.id));
  if (entries.empty()) return Status::NotFound("artifact " + artifact.id + " has no custody entries");
  CUSTOS_ASSIGN_OR_RETURN(auto checkpoint, log.LatestCheckpoint());
  core::BundleContents contents;
  contents.checkpoint_note = checkpoint.note;
  std::optional<std::string> repatriated_hash;
  for (const auto& e : entries) {
    CUSTOS_ASSIGN_OR_RETURN(auto proof, log.InclusionProof(e.log_index, checkpoint.size));
    contents.entries.push_back({e.note, e.log_index, std::move(proof)});
    if (e.entry.record_sha256) repatriated_hash = e.entry.record_sha256;
  }
  CUSTOS_ASSIGN_OR_RETURN(contents.record_json, PublicRecordJson(artifact));
  if (repatriated_hash && core::Sha256Hex(contents.record_json) != *repatriated_hash) {
    // The record changed after the repatriation: carry the version that was
    // signed, found in the record's history.
    CUSTOS_ASSIGN_OR_RETURN(auto history, archive.records().History(artifact.id));
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      auto json = PublicRecordJson(it->record);
      if (json.ok() && core::Sha256Hex(*json) == *repatriated_hash) {
        contents.record_json = *json;
        break;
      }
    }
  }
  if (documents != BundleDocuments::kNone) {
    std::set<std::string> cited;
    for (const auto& e : entries) {
      for (const auto& d : e.entry.documents) cited.insert(d.sha256);
    }
    uint64_t total = 0;
    for (const std::string& sha : cited) {
      CUSTOS_ASSIGN_OR_RETURN(auto doc, archive.documents().GetDocument(sha, false));
      if (documents == BundleDocuments::kPublic &&
          doc.metadata.visibility != core::Visibility::kPublic) {
        continue;  // listed by hash in the entries, bytes withheld
      }
      total += doc.metadata.size;
      if (total > kMaxBundleDocumentBytes) {
        return Status::TooLarge("the cited documents exceed " +
                                std::to_string(kMaxBundleDocumentBytes >> 20) +
                                " MiB; download them separately");
      }
      CUSTOS_ASSIGN_OR_RETURN(std::string bytes, archive.blobs().ReadAll(sha, kMaxBundleDocumentBytes));
      if (core::Sha256Hex(bytes) != sha) {
        return Status::Corruption("stored document " + sha +
                                  " no longer matches its hash; run custos fsck");
      }
      contents.document_contents.emplace(sha, std::move(bytes));
    }
  }
  return core::BuildBundle(contents);
}

}  // namespace custos::archive
