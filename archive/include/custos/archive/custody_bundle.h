// Assembling an artifact's verification bundle, for the HTTP endpoint and
// `custos export bundle`. Thread-safe (reads only).
#pragma once

#include <string>

#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/core/artifact.h"

namespace custos::archive {

// RFC 8785 JSON of the record as the public sees it (no case data): what a
// repatriation entry's record_sha256 hashes and what a bundle carries.
core::Result<std::string> PublicRecordJson(const core::Artifact& a);

// The bundle ZIP of `artifact`: every custody entry with an inclusion proof
// against the newest checkpoint, the checkpoint, the record's canonical JSON
// (as it was when repatriated, when there is a repatriation entry) and, as
// `documents` says, the bytes of the documents the entries cite.
// NotFound when the artifact has no custody entries; TooLarge when the
// documents would make the bundle larger than kMaxBundleDocumentBytes (the
// bundle is built in memory); IOError, Corruption when a stored document no
// longer matches its hash.
enum class BundleDocuments {
  kNone,    // hashes only (the entries always carry them)
  kPublic,  // the bytes of cited documents whose visibility is public
  kAll,     // the bytes of every cited document (for roles that may see case data)
};
inline constexpr uint64_t kMaxBundleDocumentBytes = 1ull << 30;

core::Result<std::string> BuildCustodyBundle(Archive& archive, const CustodyLog& log,
                                             const core::Artifact& artifact,
                                             BundleDocuments documents);

}  // namespace custos::archive
