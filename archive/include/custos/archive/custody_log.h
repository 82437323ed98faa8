// CustodyLog: the signed chain of custody of every artifact, as leaves of one
// global append-only RFC 9162 Merkle log with signed C2SP checkpoints.
//
// Append() is durable before it returns: the signed entry, its leaf and a new
// checkpoint are committed in one SQLite transaction (synchronous=FULL).
// Concurrent appends are batched by one committer thread into a single
// transaction and a single checkpoint (group commit), so throughput grows
// with concurrency instead of collapsing under fsyncs.
//
// The tree's hashes are kept in memory as complete-subtree levels (2n hashes),
// so proofs cost O(log n). Thread-safe: any number of readers and appenders.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "custos/archive/log_keys.h"
#include "custos/archive/sqlite_database.h"
#include "custos/core/clock.h"
#include "custos/core/custody.h"
#include "custos/core/status.h"

namespace custos::archive {

// What a caller asks to append; the log fills seq and prev.
struct CustodyAppend {
  std::string artifact_id;
  core::CustodyEvent event = core::CustodyEvent::kOther;
  std::string actor;
  std::string location;
  std::string time;  // RFC 3339 UTC
  std::vector<core::CustodyDocument> documents;
  std::string notes;
  std::optional<std::string> record_sha256;  // repatriation: hash of the record's canonical JSON
  std::string submitted_by;                  // the user, for the audit log
  // When set, the entry is refused with NotFound ("no artifact ID", as for
  // an unknown id) unless the record is live and is public or
  // `*may_see_restricted`. The committer checks a whole batch in one read,
  // so a request does not query the store itself.
  std::optional<bool> may_see_restricted;
};

struct LoggedEntry {
  uint64_t log_index = 0;
  core::CustodyEntry entry;
  std::string note;  // the signed note: the leaf data
  std::string submitted_by;
  std::string received_at;
};

struct CheckpointInfo {
  uint64_t size = 0;
  std::string root;  // 32 raw bytes
  std::string note;  // signed checkpoint note
};

class CustodyLog {
 public:
  // Loads the log (all leaf hashes) and starts the committer. The database
  // and clock must outlive the log.
  static core::Result<std::unique_ptr<CustodyLog>> Open(std::shared_ptr<SqliteDatabase> db,
                                                        LogKeys keys, const core::Clock& clock);
  ~CustodyLog();

  // Signs, logs and commits one entry; blocks until it is durable (or failed).
  // InvalidArgument (naming the field) for a bad entry; IOError.
  core::Result<LoggedEntry> Append(CustodyAppend request);

  // The artifact's entries in seq order (empty when none).
  core::Result<std::vector<LoggedEntry>> EntriesFor(const std::string& artifact_id) const;
  // The leaf at `index`. NotFound past the end.
  core::Result<LoggedEntry> Entry(uint64_t index) const;

  uint64_t size() const;
  // The newest checkpoint (size 0 with the empty root before any append).
  core::Result<CheckpointInfo> LatestCheckpoint() const;
  // A stored checkpoint of exactly `size` leaves. NotFound.
  core::Result<CheckpointInfo> CheckpointAt(uint64_t size) const;

  core::Result<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size) const;
  core::Result<std::vector<std::string>> ConsistencyProof(uint64_t from, uint64_t to) const;

  const LogKeys& keys() const;

  // fsck: recomputes the tree from the stored leaves; checks every stored
  // checkpoint's signature and root, consistency between consecutive
  // checkpoints, every entry's signature and every artifact's chain. Returns
  // one line per problem (empty when all is well).
  core::Result<std::vector<std::string>> Audit() const;

  struct Impl;

 private:
  explicit CustodyLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::archive
