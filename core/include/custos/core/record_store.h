// RecordStore: the archival store of artifact records, the single source of
// truth. Every change is one durable transaction that writes the record, a full
// revision, an audit row and a change-feed row with a monotonic sequence
// number. Deletes are tombstones: the record leaves reads and search, its
// history stays.
//
// Implementations are thread-safe; every call blocks on storage I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "custos/core/artifact.h"
#include "custos/core/status.h"

namespace custos::core {

// One stored version of a record, as it was after the operation.
struct Revision {
  std::string artifact_id;
  int64_t version = 0;
  std::string op;     // create | update | delete
  std::string actor;  // user name
  std::string time;   // RFC 3339 UTC
  Artifact record;
};

// One row of the change feed. Consumers (the indexer) apply rows in `seq`
// order and re-read the record; `op == "delete"` means it is gone.
struct Change {
  int64_t seq = 0;
  std::string artifact_id;
  int64_t version = 0;
  std::string op;
  std::string time;
};

struct AuditEntry {
  int64_t id = 0;
  std::string time;
  std::string actor;
  std::string action;  // artifact.create, artifact.read_restricted, user.add, ...
  std::string target;
  std::string detail;
};

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged };

struct ArtifactPage {
  std::vector<Artifact> items;
  int64_t total = 0;
};

// A record in modification order, for harvesting (OAI-PMH): the live record,
// or a tombstone. In the trusted view (ModifiedQuery::include_restricted) a
// tombstone is a deleted record, kept as it was when deleted. In the public
// view it is a record that was public and stopped being harvestable (deleted,
// or made restricted): it carries only id, updated_at (the time it stopped),
// and the status and country_of_origin of its last public version.
struct ModifiedRecord {
  Artifact record;  // record.updated_at is the modification (or deletion) time
  bool deleted = false;
};

// Which records ListModified returns. Times compare as the stored RFC 3339
// strings with milliseconds ("2025-11-22T08:26:40.000Z"), bounds inclusive.
struct ModifiedQuery {
  std::string from;     // updated_at >= from; empty: no lower bound
  std::string until;    // updated_at <= until; empty: no upper bound
  std::string status;   // ArtifactStatus name; empty: any
  std::string country;  // country_of_origin; "*": any non-empty; empty: any
  // Resume strictly after this (updated_at, id) position; empty: from the start.
  std::string after_time;
  std::string after_id;
  std::string id;  // only this record; empty: all
  // false: the public view (what OAI-PMH serves): public records, and
  // tombstones of records once public; records never public do not exist.
  // true: every record as stored, restricted ones included.
  bool include_restricted = false;
  bool include_deleted = true;
  int limit = 100;
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;

  // Stores a new record at version 1. An empty `a.id` gets a fresh random id.
  // Returns the stored record. Conflict when the id exists or existed.
  virtual Result<Artifact> CreateArtifact(Artifact a, std::string_view actor) = 0;

  // Imports a batch in ONE transaction (one fsync): each record is created
  // (empty or unknown id), updated (known id, different content) or left
  // unchanged. Per-record failures (Conflict: the id belongs to a deleted
  // record) are reported in place and do not stop the others. Returns one
  // entry per input, in order; a non-ok overall Result means nothing was
  // written.
  virtual Result<std::vector<Result<UpsertOutcome>>> UpsertArtifacts(
      std::vector<Artifact> batch, std::string_view actor) = 0;

  // The live record. NotFound when unknown or deleted.
  virtual Result<Artifact> GetArtifact(std::string_view id) const = 0;

  // The live records of `ids`, one entry per id in order: nullopt where the
  // id is unknown or deleted. The index follower reads its batches this way;
  // a store that can read them in one go (one statement, not one per id)
  // overrides it. The default asks GetArtifact for each.
  virtual Result<std::vector<std::optional<Artifact>>> GetArtifacts(
      const std::vector<std::string>& ids) const {
    std::vector<std::optional<Artifact>> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
      Result<Artifact> a = GetArtifact(id);
      if (a.ok()) {
        out.emplace_back(std::move(a).value());
      } else if (a.status().code() == StatusCode::kNotFound) {
        out.emplace_back(std::nullopt);
      } else {
        return a.status();
      }
    }
    return out;
  }

  // Replaces the record if its current version is `expected_version`; returns
  // the stored record at version + 1. NotFound, PreconditionFailed (stale).
  virtual Result<Artifact> UpdateArtifact(Artifact a, int64_t expected_version,
                                          std::string_view actor) = 0;

  // Tombstones the record (a revision with op "delete" keeps it as it was).
  // With `expected_version`, PreconditionFailed when stale. NotFound.
  virtual Result<int64_t> DeleteArtifact(std::string_view id,
                                         std::optional<int64_t> expected_version,
                                         std::string_view actor) = 0;

  // Every revision of the record, oldest first, including a deleted record's.
  // NotFound when the id never existed.
  virtual Result<std::vector<Revision>> History(std::string_view id) const = 0;

  // Live records ordered by id; restricted ones only when asked.
  virtual Result<ArtifactPage> ListArtifacts(int64_t offset, int limit,
                                             bool include_restricted) const = 0;

  // Records (and, when asked, tombstones) matching `q`, ordered by
  // (updated_at, id) ascending, at most q.limit. A record changed after a
  // caller's position moves behind it, so a caller paging by position sees
  // every record that stayed unchanged exactly once.
  virtual Result<std::vector<ModifiedRecord>> ListModified(const ModifiedQuery& q) const = 0;
  // The distinct non-empty country_of_origin values of live records, sorted.
  virtual Result<std::vector<std::string>> DistinctCountries(bool include_restricted) const = 0;

  // Change-feed rows with seq > after_seq, ascending, at most `limit`.
  virtual Result<std::vector<Change>> ChangesSince(int64_t after_seq, int limit) const = 0;
  // The highest seq written so far (0 when none).
  virtual Result<int64_t> LastChangeSeq() const = 0;
  // Live (not deleted) record count.
  virtual Result<int64_t> CountArtifacts() const = 0;

  // Appends an audit row in its own transaction (reads of restricted data).
  virtual Status AppendAudit(std::string_view actor, std::string_view action,
                             std::string_view target, std::string_view detail) = 0;
  // The newest audit rows first.
  virtual Result<std::vector<AuditEntry>> RecentAudit(int limit) const = 0;
};

}  // namespace custos::core
