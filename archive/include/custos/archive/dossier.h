// The BagIt dossier of an artifact: one BagIt 1.0 bag (RFC 8493) holding
// everything custos knows about a record that the reader may see, for
// `custos export dossier` and GET /api/v1/artifacts/{id}/dossier.
//
// Layout (BASE is "custos-dossier-<id>"):
//   BASE/bagit.txt                 BagIt-Version: 1.0, UTF-8
//   BASE/bag-info.txt              Source-Organization, Bagging-Date,
//                                  External-Identifier, Payload-Oxum, ...
//   BASE/manifest-sha256.txt, manifest-sha512.txt          every payload file
//   BASE/tagmanifest-sha256.txt, tagmanifest-sha512.txt    bagit.txt, bag-info.txt
//                                                          and the payload manifests
//   BASE/data/record.json          the record as the reader sees it (pretty JSON)
//   BASE/data/record.lido.xml      LIDO 1.1 (public descriptive fields only)
//   BASE/data/documents.json       metadata of the documents included
//   BASE/data/documents/<sha256>.<ext>   the linked documents' bytes
//   BASE/data/custody-bundle.zip   the verification bundle, when the record has
//                                  custody entries (custos-verify checks it)
//
// Thread-safe (reads only); blocks on storage I/O; builds in memory, so the
// documents are capped (kMaxDossierDocumentBytes).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/core/artifact.h"

namespace custos::archive {

inline constexpr uint64_t kMaxDossierDocumentBytes = 1ull << 30;

struct DossierOptions {
  // Case data and restricted documents are included only when true (the
  // reader's role may see restricted data).
  bool include_restricted = false;
  std::string source_organization = "custos";
  std::string bagging_date;  // YYYY-MM-DD (from the caller's clock)
};

struct DossierFile {
  std::string path;  // relative to the bag's base directory ("data/record.json")
  std::string data;
};

// The bag's files (payload first, then tag files). `log` may be null (no
// custody bundle). TooLarge over kMaxDossierDocumentBytes of documents;
// Corruption when a stored document no longer matches its hash; IOError.
core::Result<std::vector<DossierFile>> BuildDossier(Archive& archive, const CustodyLog* log,
                                                    const core::Artifact& artifact,
                                                    const DossierOptions& options);

// "custos-dossier-<id>": the base directory name of the bag.
std::string DossierBaseName(const core::Artifact& artifact);

// The bag as a ZIP whose single top-level directory is `base` (RFC 8493 §4.2).
core::Result<std::string> DossierZip(const std::vector<DossierFile>& files,
                                     const std::string& base);

// Writes the bag under `dir` (created; must not exist yet). IOError,
// Conflict when `dir` exists.
core::Status WriteDossierDirectory(const std::vector<DossierFile>& files, const std::string& dir);

}  // namespace custos::archive
