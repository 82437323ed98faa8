#include "custos/archive/sqlite_record_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "custos/core/crypto.h"

namespace custos::archive {

using core::Artifact;
using core::Result;
using core::Status;
using nlohmann::json;
using namespace Poco::Data::Keywords;

namespace {

std::string Dump(const Artifact& a) { return core::ArtifactToJson(a, true).dump(); }

Result<Artifact> Load(const std::string& doc) {
  json j = json::parse(doc, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("stored record is not JSON");
  return core::ArtifactFromStoredJson(j);
}

// Writes the revision, audit and change rows that go with every record write.
void WriteHistory(Poco::Data::Session& s, const Artifact& a, const std::string& op,
                  const std::string& actor, const std::string& time, const std::string& doc) {
  std::string id = a.id;
  Poco::Int64 version = a.version;
  s << "INSERT INTO revisions (artifact_id, version, op, actor, time, doc) VALUES (?,?,?,?,?,?)",
      bind(id), bind(version), bind(op), bind(actor), bind(time), bind(doc), now;
  std::string action = "artifact." + op;
  std::string detail = "version " + std::to_string(a.version);
  s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)", bind(time),
      bind(actor), bind(action), bind(id), bind(detail), now;
  s << "INSERT INTO changes (artifact_id, version, op, time) VALUES (?,?,?,?)", bind(id),
      bind(version), bind(op), bind(time), now;
}

// The record as the client wrote it: server-managed fields blanked, so that
// two versions can be compared for "unchanged".
json ContentOf(Artifact a) {
  a.version = 0;
  a.created_at = a.updated_at = a.created_by = a.updated_by = "";
  return core::ArtifactToJson(a, true);
}

bool IsPublic(const Artifact& a) { return a.visibility == core::Visibility::kPublic; }

// The harvest columns (migration 6) follow every write: a public record is
// live at its write time with its own sets; a record that stops being
// harvestable (made restricted, or deleted) becomes a tombstone dated by that
// write, keeping its last public sets; a record never public has none.
void InsertRow(Poco::Data::Session& s, const Artifact& a, const std::string& doc) {
  std::string visibility(core::ToString(a.visibility));
  std::string status(core::ToString(a.status));
  Poco::Nullable<std::string> harvest_time, harvest_status, harvest_country;
  if (IsPublic(a)) {
    harvest_time = a.updated_at;
    harvest_status = status;
    harvest_country = a.country_of_origin;
  }
  s << "INSERT INTO artifacts (id, version, visibility, status, title, deleted, doc, "
       "created_at, updated_at, harvest_time, harvest_deleted, harvest_status, harvest_country) "
       "VALUES (?, 1, ?, ?, ?, 0, ?, ?, ?, ?, 0, ?, ?)",
      bind(a.id), bind(visibility), bind(status), bind(a.title), bind(doc), bind(a.created_at),
      bind(a.updated_at), bind(harvest_time), bind(harvest_status), bind(harvest_country), now;
}

// Updates the live row at `expected` to `a` (already at expected + 1).
// Returns false when the row moved on meanwhile.
bool UpdateRow(Poco::Data::Session& s, const Artifact& a, int64_t expected,
               const std::string& doc) {
  std::string visibility(core::ToString(a.visibility));
  std::string status(core::ToString(a.status));
  Poco::Int64 version = a.version, exp = expected;
  Poco::Data::Statement update(s);
  update << "UPDATE artifacts SET version = ?, visibility = ?, status = ?, title = ?, doc = ?, "
            "updated_at = ?, ",
      bind(version), bind(visibility), bind(status), bind(a.title), bind(doc), bind(a.updated_at);
  if (IsPublic(a)) {
    update << "harvest_time = ?, harvest_deleted = 0, harvest_status = ?, harvest_country = ? ",
        bind(a.updated_at), bind(status), bind(a.country_of_origin);
  } else {
    // Right-hand sides see the row as it was: only a live public row is
    // withdrawn (and dated); a tombstone keeps its date, so later edits of a
    // restricted record are not visible to harvesters.
    update << "harvest_time = CASE WHEN harvest_deleted = 0 AND harvest_time IS NOT NULL "
              "THEN ? ELSE harvest_time END, harvest_deleted = harvest_time IS NOT NULL ",
        bind(a.updated_at);
  }
  update << "WHERE id = ? AND version = ? AND deleted = 0", bind(a.id), bind(exp);
  return update.execute() == 1;
}

// Reads the row of `id`: nullopt when absent; `deleted` tells a tombstone.
std::optional<std::pair<Artifact, bool>> ReadRow(Poco::Data::Session& s, const std::string& id,
                                                 Status& error) {
  std::vector<std::string> docs;
  std::vector<int> deleted;
  s << "SELECT doc, deleted FROM artifacts WHERE id = ?", bind(id), into(docs), into(deleted), now;
  if (docs.empty()) return std::nullopt;
  auto a = Load(docs.front());
  if (!a.ok()) {
    error = a.status();
    return std::nullopt;
  }
  return std::make_pair(std::move(a).value(), deleted.front() != 0);
}

}  // namespace

std::string NewArtifactId() {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  auto bytes = core::RandomBytes(10);
  assert(bytes.ok());
  std::string out;
  uint64_t acc = 0;
  int bits = 0;
  for (unsigned char c : *bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

SqliteRecordStore::SqliteRecordStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock)
    : db_(std::move(db)), clock_(clock) {}

Result<Artifact> SqliteRecordStore::CreateArtifact(Artifact a, std::string_view actor_sv) {
  const std::string actor(actor_sv);
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  const bool generated = a.id.empty();
  Status st = db_->Write([&](Poco::Data::Session& s) -> Status {
    for (int attempt = 0; attempt < 4; ++attempt) {
      if (generated) a.id = NewArtifactId();
      int exists = 0;
      s << "SELECT count(*) FROM artifacts WHERE id = ?", bind(a.id), into(exists), now;
      if (!exists) break;
      if (!generated) {
        return Status::Conflict("an artifact with id " + a.id + " exists or existed");
      }
    }
    a.version = 1;
    a.created_at = a.updated_at = time;
    a.created_by = a.updated_by = actor;
    std::string doc = Dump(a);
    InsertRow(s, a, doc);
    WriteHistory(s, a, "create", actor, time, doc);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return a;
}

namespace {

// What an upsert does to `a`, given its stored row (nullopt: none; second:
// a tombstone): the outcome and, for a create or an update, the row to write.
// Sets `a`'s server-managed fields to match.
struct UpsertStep {
  Result<core::UpsertOutcome> outcome = core::UpsertOutcome::kUnchanged;
  std::string doc;
  int64_t expected_version = 0;  // an update's guard
};

UpsertStep DecideUpsert(Artifact& a, const std::optional<std::pair<Artifact, bool>>& row,
                        const std::string& time, const std::string& actor) {
  UpsertStep step;
  if (!row) {
    a.version = 1;
    a.created_at = a.updated_at = time;
    a.created_by = a.updated_by = actor;
    step.outcome = core::UpsertOutcome::kCreated;
    step.doc = Dump(a);
    return step;
  }
  const auto& [current, deleted] = *row;
  if (deleted) {
    step.outcome = Status::Conflict("artifact " + a.id + " was deleted; not re-created");
    return step;
  }
  if (ContentOf(a) == ContentOf(current)) return step;  // unchanged
  a.version = current.version + 1;
  a.created_at = current.created_at;
  a.created_by = current.created_by;
  a.updated_at = time;
  a.updated_by = actor;
  step.outcome = core::UpsertOutcome::kUpdated;
  step.doc = Dump(a);
  step.expected_version = current.version;
  return step;
}

// Writes what `step` decided.
Status ApplyUpsert(Poco::Data::Session& s, const Artifact& a, const UpsertStep& step,
                   const std::string& time, const std::string& actor) {
  if (!step.outcome.ok() || *step.outcome == core::UpsertOutcome::kUnchanged) return Status::Ok();
  const bool created = *step.outcome == core::UpsertOutcome::kCreated;
  if (created) {
    InsertRow(s, a, step.doc);
  } else if (!UpdateRow(s, a, step.expected_version, step.doc)) {
    return Status::Internal("row of " + a.id + " moved inside the write transaction");
  }
  WriteHistory(s, a, created ? "create" : "update", actor, time, step.doc);
  return Status::Ok();
}

using RowState = std::pair<int64_t, bool>;  // version, deleted

// (version, deleted) of the rows of `ids` that exist.
std::unordered_map<std::string, RowState> RowStates(Poco::Data::Session& s,
                                                    const std::string& id_list) {
  std::vector<std::string> ids;
  std::vector<Poco::Int64> versions;
  std::vector<int> deleted;
  s << "SELECT id, version, deleted FROM artifacts WHERE id IN (SELECT value FROM json_each(?))",
      bind(id_list), into(ids), into(versions), into(deleted), now;
  std::unordered_map<std::string, RowState> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    out.emplace(ids[i], RowState{versions[i], deleted[i] != 0});
  }
  return out;
}

}  // namespace

Result<std::vector<Result<core::UpsertOutcome>>> SqliteRecordStore::UpsertArtifacts(
    std::vector<Artifact> batch, std::string_view actor_sv) {
  const std::string actor(actor_sv);
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  std::vector<std::string> ids;
  ids.reserve(batch.size());
  for (Artifact& a : batch) {
    if (a.id.empty()) a.id = NewArtifactId();
    ids.push_back(a.id);
  }
  CUSTOS_ASSIGN_OR_RETURN(std::string id_list, JsonArrayParam(ids));

  // On a reader, outside the one writer: each record decided against its
  // row as read (most of an import's work). A decision stands only if the
  // row is still at that state inside the write; nullopt: decided there.
  std::vector<std::optional<std::pair<UpsertStep, std::optional<RowState>>>> planned(batch.size());
  {
    std::vector<std::string> found, docs;
    std::vector<Poco::Int64> versions;
    std::vector<int> deleted;
    CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) {
      s << "SELECT id, version, deleted, doc FROM artifacts "
           "WHERE id IN (SELECT value FROM json_each(?))",
          bind(id_list), into(found), into(versions), into(deleted), into(docs), now;
      return Status::Ok();
    }));
    std::unordered_map<std::string, size_t> row_of;
    for (size_t r = 0; r < found.size(); ++r) row_of.emplace(found[r], r);
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < batch.size(); ++i) {
      Artifact& a = batch[i];
      // A later occurrence of an id depends on what the first one writes.
      if (!seen.insert(a.id).second) continue;
      auto r = row_of.find(a.id);
      if (r == row_of.end()) {
        planned[i].emplace(DecideUpsert(a, std::nullopt, time, actor), std::nullopt);
        continue;
      }
      auto current = Load(docs[r->second]);
      if (!current.ok()) continue;  // reported from inside the write
      const bool is_deleted = deleted[r->second] != 0;
      planned[i].emplace(
          DecideUpsert(a, std::make_pair(std::move(current).value(), is_deleted), time, actor),
          RowState{versions[r->second], is_deleted});
    }
  }
  if (upsert_interleave_) upsert_interleave_();

  std::vector<Result<core::UpsertOutcome>> out;
  Status st = db_->Write([&](Poco::Data::Session& s) -> Status {
    out.clear();
    const auto rows = RowStates(s, id_list);
    for (size_t i = 0; i < batch.size(); ++i) {
      Artifact& a = batch[i];
      if (planned[i]) {
        const auto& [step, as_read] = *planned[i];
        auto now_row = rows.find(a.id);
        const std::optional<RowState> as_now =
            now_row == rows.end() ? std::nullopt : std::optional(now_row->second);
        if (as_now == as_read) {
          CUSTOS_RETURN_IF_ERROR(ApplyUpsert(s, a, step, time, actor));
          out.push_back(step.outcome);
          continue;
        }
      }
      // Not planned, or the row moved since it was read: decided on the row
      // as it is now.
      Status error;
      auto row = ReadRow(s, a.id, error);
      if (!error.ok()) return error;
      UpsertStep step = DecideUpsert(a, row, time, actor);
      CUSTOS_RETURN_IF_ERROR(ApplyUpsert(s, a, step, time, actor));
      out.push_back(std::move(step.outcome));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Artifact> SqliteRecordStore::GetArtifact(std::string_view id_sv) const {
  std::string id(id_sv);
  std::vector<std::string> docs;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT doc FROM artifacts WHERE id = ? AND deleted = 0", bind(id), into(docs), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (docs.empty()) return Status::NotFound("no artifact " + id);
  return Load(docs.front());
}

Result<std::vector<std::optional<Artifact>>> SqliteRecordStore::GetArtifacts(
    const std::vector<std::string>& ids) const {
  if (ids.empty()) return std::vector<std::optional<Artifact>>();
  // One statement for the lot: preparing a statement costs SQLite more than
  // running this one, and the index follower reads thousands of ids a batch.
  CUSTOS_ASSIGN_OR_RETURN(std::string list, JsonArrayParam(ids));
  std::vector<std::string> found, docs;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    // "+deleted": without it SQLite walks every live record through the
    // artifacts_live index and tests each against the list.
    s << "SELECT id, doc FROM artifacts WHERE +deleted = 0 "
         "AND id IN (SELECT value FROM json_each(?))",
        bind(list), into(found), into(docs), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::unordered_map<std::string, Artifact> by_id;
  for (size_t r = 0; r < found.size(); ++r) {
    CUSTOS_ASSIGN_OR_RETURN(Artifact a, Load(docs[r]));
    by_id.emplace(std::move(found[r]), std::move(a));
  }
  return InInputOrder<std::optional<Artifact>>(ids, std::move(by_id));
}

Result<Artifact> SqliteRecordStore::UpdateArtifact(Artifact a, int64_t expected_version,
                                                   std::string_view actor_sv) {
  const std::string actor(actor_sv);
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Status st = db_->Write([&](Poco::Data::Session& s) -> Status {
    std::vector<std::string> docs;
    s << "SELECT doc FROM artifacts WHERE id = ? AND deleted = 0", bind(a.id), into(docs), now;
    if (docs.empty()) return Status::NotFound("no artifact " + a.id);
    auto current = Load(docs.front());
    if (!current.ok()) return current.status();
    if (current->version != expected_version) {
      return Status::PreconditionFailed("artifact " + a.id + " is at version " +
                                        std::to_string(current->version) + ", not " +
                                        std::to_string(expected_version));
    }
    a.version = current->version + 1;
    a.created_at = current->created_at;
    a.created_by = current->created_by;
    a.updated_at = time;
    a.updated_by = actor;
    std::string doc = Dump(a);
    if (!UpdateRow(s, a, expected_version, doc)) {
      return Status::PreconditionFailed("artifact " + a.id + " changed meanwhile");
    }
    WriteHistory(s, a, "update", actor, time, doc);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return a;
}

Result<int64_t> SqliteRecordStore::DeleteArtifact(std::string_view id_sv,
                                                  std::optional<int64_t> expected_version,
                                                  std::string_view actor_sv) {
  const std::string id(id_sv), actor(actor_sv);
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  int64_t new_version = 0;
  Status st = db_->Write([&](Poco::Data::Session& s) -> Status {
    std::vector<std::string> docs;
    s << "SELECT doc FROM artifacts WHERE id = ? AND deleted = 0", bind(id), into(docs), now;
    if (docs.empty()) return Status::NotFound("no artifact " + id);
    auto current = Load(docs.front());
    if (!current.ok()) return current.status();
    if (expected_version && current->version != *expected_version) {
      return Status::PreconditionFailed("artifact " + id + " is at version " +
                                        std::to_string(current->version) + ", not " +
                                        std::to_string(*expected_version));
    }
    // The tombstone keeps the record as it was, under a new version.
    Artifact a = std::move(current).value();
    a.version += 1;
    a.updated_at = time;
    a.updated_by = actor;
    new_version = a.version;
    std::string doc = Dump(a);
    Poco::Int64 version = a.version;
    s << "UPDATE artifacts SET version = ?, deleted = 1, doc = ?, updated_at = ?, "
         "harvest_time = CASE WHEN harvest_deleted = 0 AND harvest_time IS NOT NULL THEN ? "
         "ELSE harvest_time END, harvest_deleted = harvest_time IS NOT NULL WHERE id = ?",
        bind(version), bind(doc), bind(time), bind(time), bind(id), now;
    WriteHistory(s, a, "delete", actor, time, doc);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return new_version;
}

Result<std::vector<core::Revision>> SqliteRecordStore::History(std::string_view id_sv) const {
  std::string id(id_sv);
  std::vector<Poco::Int64> versions;
  std::vector<std::string> ops, actors, times, docs;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT version, op, actor, time, doc FROM revisions WHERE artifact_id = ? "
         "ORDER BY version",
        bind(id), into(versions), into(ops), into(actors), into(times), into(docs), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (versions.empty()) return Status::NotFound("no artifact " + id);
  std::vector<core::Revision> out;
  out.reserve(versions.size());
  for (size_t i = 0; i < versions.size(); ++i) {
    auto rec = Load(docs[i]);
    if (!rec.ok()) return rec.status();
    out.push_back({id, versions[i], ops[i], actors[i], times[i], std::move(rec).value()});
  }
  return out;
}

Result<core::ArtifactPage> SqliteRecordStore::ListArtifacts(int64_t offset, int limit,
                                                            bool include_restricted) const {
  core::ArtifactPage page;
  std::vector<std::string> docs;
  Poco::Int64 off = offset, lim = limit, total = 0;
  std::string filter = include_restricted ? "" : " AND visibility = 'public'";
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT count(*) FROM artifacts WHERE deleted = 0" + filter, into(total), now;
    s << "SELECT doc FROM artifacts WHERE deleted = 0" + filter + " ORDER BY id LIMIT ? OFFSET ?",
        bind(lim), bind(off), into(docs), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  page.total = total;
  for (const auto& d : docs) {
    auto rec = Load(d);
    if (!rec.ok()) return rec.status();
    page.items.push_back(std::move(rec).value());
  }
  return page;
}

Result<std::vector<core::ModifiedRecord>> SqliteRecordStore::ListModified(
    const core::ModifiedQuery& q) const {
  // Two views of the same rows. Trusted (include_restricted): the records as
  // stored, by updated_at. Public: the harvest columns (see InsertRow), so a
  // record that stopped being public stays as a tombstone; its document is
  // not even read. Only bound parameters carry caller values; the SQL text is
  // fixed per combination of filters. The public view's time filters, order
  // and resumption position are served by artifacts_by_harvest_time.
  const bool pub = !q.include_restricted;
  const std::string time = pub ? "harvest_time" : "updated_at";
  std::string sql = pub ? "SELECT id, harvest_time, harvest_deleted, harvest_status, "
                          "harvest_country, CASE WHEN harvest_deleted THEN '' ELSE doc END "
                          "FROM artifacts WHERE harvest_time IS NOT NULL"
                        : "SELECT id, updated_at, deleted, status, '', doc FROM artifacts "
                          "WHERE 1 = 1";
  std::vector<std::string> params;
  auto where = [&](const std::string& clause, const std::string& value) {
    sql += clause;
    params.push_back(value);
  };
  if (!q.include_deleted) sql += pub ? " AND harvest_deleted = 0" : " AND deleted = 0";
  if (!q.id.empty()) where(" AND id = ?", q.id);
  if (!q.from.empty()) where(" AND " + time + " >= ?", q.from);
  if (!q.until.empty()) where(" AND " + time + " <= ?", q.until);
  if (!q.status.empty()) where(pub ? " AND harvest_status = ?" : " AND status = ?", q.status);
  const std::string country =
      pub ? "harvest_country" : "coalesce(json_extract(doc, '$.country_of_origin'), '')";
  if (q.country == "*") {
    sql += " AND " + country + " <> ''";
  } else if (!q.country.empty()) {
    where(" AND " + country + " = ?", q.country);
  }
  if (!q.after_time.empty()) {
    sql += " AND (" + time + ", id) > (?, ?)";
    params.push_back(q.after_time);
    params.push_back(q.after_id);
  }
  sql += " ORDER BY " + time + ", id LIMIT ?";
  Poco::Int64 lim = std::max(q.limit, 0);
  std::vector<std::string> ids, times, statuses, countries, docs;
  std::vector<int> deleted;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    Poco::Data::Statement stmt(s);
    stmt << sql;
    for (auto& p : params) stmt, use(p);
    stmt, use(lim), into(ids), into(times), into(deleted), into(statuses), into(countries),
        into(docs), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::vector<core::ModifiedRecord> out;
  out.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    core::ModifiedRecord r;
    r.deleted = deleted[i] != 0;
    if (pub && r.deleted) {
      // What a harvester may know of a withdrawn record: no more than this.
      r.record.id = ids[i];
      r.record.status = core::ParseArtifactStatus(statuses[i]).value_or(r.record.status);
      r.record.country_of_origin = countries[i];
    } else {
      auto rec = Load(docs[i]);
      if (!rec.ok()) return rec.status();
      r.record = std::move(rec).value();
    }
    r.record.updated_at = times[i];
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<std::string>> SqliteRecordStore::DistinctCountries(
    bool include_restricted) const {
  std::vector<std::string> out;
  std::string sql =
      "SELECT DISTINCT json_extract(doc, '$.country_of_origin') AS c FROM artifacts "
      "WHERE deleted = 0 AND coalesce(c, '') <> ''";
  if (!include_restricted) sql += " AND visibility = 'public'";
  sql += " ORDER BY c";
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << sql, into(out), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<core::Change>> SqliteRecordStore::ChangesSince(int64_t after_seq,
                                                                 int limit) const {
  std::vector<Poco::Int64> seqs, versions;
  std::vector<std::string> ids, ops, times;
  Poco::Int64 after = after_seq, lim = limit;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT seq, artifact_id, version, op, time FROM changes WHERE seq > ? ORDER BY seq "
         "LIMIT ?",
        bind(after), bind(lim), into(seqs), into(ids), into(versions), into(ops), into(times),
        now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::vector<core::Change> out;
  out.reserve(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    out.push_back({seqs[i], ids[i], versions[i], ops[i], times[i]});
  }
  return out;
}

Result<int64_t> SqliteRecordStore::LastChangeSeq() const {
  return db_->ReadInt64("SELECT coalesce(max(seq), 0) FROM changes");
}

Result<int64_t> SqliteRecordStore::CountArtifacts() const {
  return db_->ReadInt64("SELECT count(*) FROM artifacts WHERE deleted = 0");
}

Status SqliteRecordStore::AppendAudit(std::string_view actor, std::string_view action,
                                      std::string_view target, std::string_view detail) {
  std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  std::string a(actor), ac(action), t(target), d(detail);
  return db_->Write([&](Poco::Data::Session& s) {
    s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)", bind(time),
        bind(a), bind(ac), bind(t), bind(d), now;
    return Status::Ok();
  });
}

Result<std::vector<core::AuditEntry>> SqliteRecordStore::RecentAudit(int limit) const {
  std::vector<Poco::Int64> ids;
  std::vector<std::string> times, actors, actions, targets, details;
  Poco::Int64 lim = limit;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT id, time, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?",
        bind(lim), into(ids), into(times), into(actors), into(actions), into(targets),
        into(details), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::vector<core::AuditEntry> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    out.push_back({ids[i], times[i], actors[i], actions[i], targets[i], details[i]});
  }
  return out;
}

}  // namespace custos::archive
