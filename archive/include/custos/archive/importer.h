// RecordImporter: the one import pipeline behind `POST /api/v1/import` (and
// reusable by `custos import`): takes parsed records one at a time, derives
// their provenance fields, resolves which stored record each one is, and
// writes them in batches through RecordStore::UpsertArtifacts.
//
// Matching (idempotent re-import): a record with an id is that record; a
// record without one is the live record that shares one of its identifiers
// ({type, value} equal), when exactly one does; several is a per-record error;
// none creates a new record. Records without id in the same import match each
// other the same way.
//
// Access: with `may_see_restricted` false (a curator), restricted records are
// invisible: they are neither matched by identifier nor updatable by id (the
// id is reported as taken), a record carrying case data is rejected, and an
// update keeps the stored case data.
//
// Memory: an import of records that all carry ids holds one batch at a time;
// the first record without an id loads the identifiers of every record the
// policy may see, and from then on the importer remembers each record's. A dry
// run remembers every record (nothing reaches the store).
//
// Dry run: nothing is written; the report says what would have happened.
// Not thread-safe (one importer per import); blocks on the store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "custos/core/record_store.h"

namespace custos::archive {

struct ImportPolicy {
  std::string actor = "import";
  bool dry_run = false;
  bool may_see_restricted = true;
  size_t batch_size = 1000;
};

struct ImportRejection {
  int64_t where = 0;  // line (JSON Lines, LIDO) or row (CSV)
  std::string id;
  std::string reason;
};

struct ImportReport {
  int64_t read = 0, created = 0, updated = 0, unchanged = 0, rejected = 0;
  std::vector<ImportRejection> rejections;  // the first kMaxRejections
  static constexpr size_t kMaxRejections = 1000;
};

class RecordImporter {
 public:
  RecordImporter(core::RecordStore& store, ImportPolicy policy);

  // Takes one record (or the reason it could not be read) found at `where`
  // with id `id_hint` as written. Per-record problems land in the report;
  // returns non-ok only when a batch write fails (that batch is not written).
  core::Status Add(int64_t where, const std::string& id_hint, core::Result<core::Artifact> a);
  // Writes what is queued. Same errors as Add.
  core::Status Finish();
  const ImportReport& report() const { return report_; }

 private:
  struct Pending {
    int64_t where;
    core::Artifact record;
  };
  void Reject(int64_t where, const std::string& id, const std::string& why);
  core::Status Flush();
  // Loads the identifiers of the stored records (those the policy may see)
  // and of the pending batch, once, on the first id-less record.
  core::Status LoadIdentifierIndex();
  void Remember(const core::Artifact& a);
  // The id an id-less record resolves to ("" for a new record); InvalidArgument
  // when its identifiers match several records.
  core::Result<std::string> MatchByIdentifiers(const core::Artifact& a);
  core::Status Predict(int64_t where, const core::Artifact& a);

  core::RecordStore& store_;
  ImportPolicy policy_;
  ImportReport report_;
  std::vector<Pending> pending_;
  bool index_loaded_ = false;
  std::map<std::pair<std::string, std::string>, std::string> by_identifier_;
  std::map<std::string, core::Artifact> predicted_;  // dry run: what earlier records would store
};

}  // namespace custos::archive
