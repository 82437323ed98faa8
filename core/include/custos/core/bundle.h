// Verification bundles: one ZIP file (zip.h, STORED entries) that lets anyone
// check an artifact's chain of custody offline, trusting only keys they pin.
//
// Layout (names exact; NNNNNN is the zero-padded entry position, at least six
// digits, equal to the entry's seq):
//
//   custos-bundle.json   manifest, RFC 8785 canonical JSON:
//                        {"artifact","documents":[{"included","media_type",
//                         "sha256"}],"entry_count","format":"custos-bundle/v1",
//                         "origin","tree_size"}
//                        (informational: every fact in it is re-derived from
//                        the signed data and cross-checked)
//   checkpoint           the log's signed C2SP checkpoint note
//   record.json          the artifact record's canonical JSON (the revision a
//                        repatriation entry's record_sha256 covers)
//   entries/NNNNNN.note  the artifact's signed custody notes (custody.h), seq
//                        0..n-1
//   proofs/NNNNNN.proof  C2SP tlog-proof (tlog_proof.h) of that note's leaf,
//                        SHA-256(0x00 || note bytes), against `checkpoint`
//                        (which each proof repeats verbatim)
//   documents/<sha256>   optional copies of documents the entries reference
//
// A bundle never carries keys: the verifier supplies the log keys it trusts
// for the checkpoint and the keys it trusts for custody entries.
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/signed_note.h"
#include "custos/core/status.h"

namespace custos::core {

inline constexpr std::string_view kBundleFormat = "custos-bundle/v1";
inline constexpr std::string_view kBundleManifestName = "custos-bundle.json";

// "entries/000042.note", "proofs/000042.proof".
std::string BundleEntryName(uint64_t position);
std::string BundleProofName(uint64_t position);

struct BundleEntry {
  std::string note;                          // signed custody note (log leaf data)
  uint64_t log_index = 0;                    // its index in the global log
  std::vector<std::string> inclusion_proof;  // against the bundle's checkpoint
};

struct BundleContents {
  std::string checkpoint_note;       // signed checkpoint the proofs lead to
  std::vector<BundleEntry> entries;  // one artifact's entries, seq 0..n-1
  std::string record_json;           // canonical JSON of the record
  // Optional document contents by lowercase hex SHA-256; each must be
  // referenced by an entry and match its hash.
  std::map<std::string, std::string> document_contents;
};

// Assembles the bundle ZIP. It checks what it packs, so a server bug cannot
// ship a bundle that fails verification: InvalidArgument when the checkpoint
// or an entry does not parse, the entries are not one complete chain, a proof
// does not lead to the checkpoint root, a document is unreferenced or does not
// match its hash. Signatures are not checked (the builder holds no trust
// policy). Does not block.
Result<std::string> BuildBundle(const BundleContents& contents);

enum class CheckState { kPass, kFail, kSkip };

struct BundleCheck {
  std::string name;  // stable: "checkpoint signature", "entry 3 signature", "chain", ...
  CheckState state = CheckState::kFail;
  std::string detail;  // why it failed, or what was checked
};

struct BundleReport {
  std::vector<BundleCheck> checks;  // in the order performed
  bool valid = false;               // every check passed or was skipped, and
                                    // at least one entry and the checkpoint passed
  std::string artifact;             // from the entries, when readable
  uint64_t entry_count = 0;

  // The check named `name`, or nullptr.
  const BundleCheck* Find(std::string_view name) const;
  // One line per check: "ok  NAME[: detail]", "FAIL NAME: detail",
  // "skip NAME: detail".
  std::vector<std::string> Lines() const;
};

// Verifies a bundle against pinned keys. Checks, each reported by name:
//   "bundle format"           ZIP readable, only known file names, one proof per entry
//   "manifest"                manifest agrees with the signed data
//   "checkpoint signature"    by one of `log_keys`
//   "entry N signature"       by one of `entry_keys`, canonical custody JSON
//   "chain"                   seq 0..n-1, prev links, one artifact, log
//                             indexes increasing with seq
//   "entry N inclusion proof" leaf of entry N is in the checkpointed tree
//   "record hash"             record.json matches the last repatriation
//                             entry's record_sha256 (skipped without one)
//   "document H hash"         documents/H hashes to H and an entry lists H
// Never fails as a call: problems are failed checks. The entry signatures
// are checked on `threads` threads (the report is the same for any number).
BundleReport VerifyBundle(std::string_view bundle, std::span<const NoteVerifier> log_keys,
                          std::span<const NoteVerifier> entry_keys, unsigned threads = 1);

}  // namespace custos::core
