// SqliteRecordStore: core::RecordStore on SqliteDatabase.
//
// Each write is one transaction writing the artifacts row (the record as JSON
// plus columns for listing), a full revision, an audit row and a change-feed
// row. Version checks happen inside the write transaction, so of two writers
// holding the same version exactly one wins, even across processes.
// An import batch (UpsertArtifacts) reads and compares its records on a
// reader first and takes the writer only to store them; a record whose row
// moved in between is decided again inside the write. Thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "custos/archive/sqlite_database.h"
#include "custos/core/clock.h"
#include "custos/core/record_store.h"

namespace custos::archive {

class SqliteRecordStore final : public core::RecordStore {
 public:
  // `db` and `clock` must outlive the store (clock is borrowed).
  SqliteRecordStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock);

  core::Result<core::Artifact> CreateArtifact(core::Artifact a, std::string_view actor) override;
  core::Result<std::vector<core::Result<core::UpsertOutcome>>> UpsertArtifacts(
      std::vector<core::Artifact> batch, std::string_view actor) override;
  core::Result<core::Artifact> GetArtifact(std::string_view id) const override;
  core::Result<std::vector<std::optional<core::Artifact>>> GetArtifacts(
      const std::vector<std::string>& ids) const override;
  core::Result<core::Artifact> UpdateArtifact(core::Artifact a, int64_t expected_version,
                                              std::string_view actor) override;
  core::Result<int64_t> DeleteArtifact(std::string_view id,
                                       std::optional<int64_t> expected_version,
                                       std::string_view actor) override;
  core::Result<std::vector<core::Revision>> History(std::string_view id) const override;
  core::Result<core::ArtifactPage> ListArtifacts(int64_t offset, int limit,
                                                 bool include_restricted) const override;
  core::Result<std::vector<core::ModifiedRecord>> ListModified(
      const core::ModifiedQuery& q) const override;
  core::Result<std::vector<std::string>> DistinctCountries(
      bool include_restricted) const override;
  core::Result<std::vector<core::Change>> ChangesSince(int64_t after_seq,
                                                       int limit) const override;
  core::Result<int64_t> LastChangeSeq() const override;
  core::Result<int64_t> CountArtifacts() const override;
  core::Status AppendAudit(std::string_view actor, std::string_view action,
                           std::string_view target, std::string_view detail) override;
  core::Result<std::vector<core::AuditEntry>> RecentAudit(int limit) const override;

  // Tests: runs between UpsertArtifacts' read of the batch (on a reader)
  // and its write, so that another writer can move rows in between.
  void SetUpsertInterleaveForTesting(std::function<void()> fn) {
    upsert_interleave_ = std::move(fn);
  }

 private:
  std::shared_ptr<SqliteDatabase> db_;
  const core::Clock& clock_;
  std::function<void()> upsert_interleave_;
};

// A fresh random record id: 16 characters of Crockford base32 (80 bits).
std::string NewArtifactId();

}  // namespace custos::archive
