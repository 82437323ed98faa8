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
// (as it was when repatriated, when there is a repatriation entry) and, when
// `with_documents`, the bytes of the documents the entries cite.
// NotFound when the artifact has no custody entries.
core::Result<std::string> BuildCustodyBundle(Archive& archive, const CustodyLog& log,
                                             const core::Artifact& artifact, bool with_documents);

}  // namespace custos::archive
