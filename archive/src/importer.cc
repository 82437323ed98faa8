// The import pipeline. See importer.h.
#include "custos/archive/importer.h"

#include <set>

#include "custos/archive/sqlite_record_store.h"
#include "custos/core/artifact_derive.h"

namespace custos::archive {

using core::Artifact;
using core::Result;
using core::Status;

namespace {

nlohmann::json ContentOf(Artifact a) {
  a.version = 0;
  a.created_at = a.updated_at = a.created_by = a.updated_by = "";
  return core::ArtifactToJson(a, true);
}

bool HasCaseData(const Artifact& a) { return !a.restricted.is_null() && !a.restricted.empty(); }

}  // namespace

RecordImporter::RecordImporter(core::RecordStore& store, ImportPolicy policy)
    : store_(store), policy_(std::move(policy)) {
  if (policy_.batch_size == 0) policy_.batch_size = 1;
}

void RecordImporter::Reject(int64_t where, const std::string& id, const std::string& why) {
  ++report_.rejected;
  if (report_.rejections.size() < ImportReport::kMaxRejections) {
    report_.rejections.push_back({where, id, why});
  }
}

Status RecordImporter::LoadIdentifierIndex() {
  if (index_loaded_) return Status::Ok();
  constexpr int kPage = 1000;
  for (int64_t offset = 0;; offset += kPage) {
    CUSTOS_ASSIGN_OR_RETURN(auto page,
                            store_.ListArtifacts(offset, kPage, policy_.may_see_restricted));
    for (const auto& a : page.items) {
      for (const auto& i : a.identifiers) by_identifier_.emplace(std::pair(i.type, i.value), a.id);
    }
    if (page.items.size() < static_cast<size_t>(kPage)) break;
  }
  // The queued batch is not in the store yet, and is newer than it.
  for (const auto& p : pending_) Remember(p.record);
  index_loaded_ = true;
  return Status::Ok();
}

void RecordImporter::Remember(const Artifact& a) {
  for (const auto& i : a.identifiers) by_identifier_[{i.type, i.value}] = a.id;
}

Result<std::string> RecordImporter::MatchByIdentifiers(const Artifact& a) {
  if (a.identifiers.empty()) return std::string();
  CUSTOS_RETURN_IF_ERROR(LoadIdentifierIndex());
  std::set<std::string> ids;
  for (const auto& i : a.identifiers) {
    auto it = by_identifier_.find({i.type, i.value});
    if (it != by_identifier_.end()) ids.insert(it->second);
  }
  if (ids.size() > 1) {
    std::string all;
    for (const auto& id : ids) all += (all.empty() ? "" : ", ") + id;
    return Status::InvalidArgument("its identifiers match several records (" + all +
                                   "); give the record id");
  }
  return ids.empty() ? std::string() : *ids.begin();
}

Status RecordImporter::Add(int64_t where, const std::string& id_hint, Result<Artifact> in) {
  ++report_.read;
  if (!in.ok()) {
    Reject(where, id_hint, in.status().ToString());
    return Status::Ok();
  }
  Artifact a = std::move(in).value();
  if (!policy_.may_see_restricted && HasCaseData(a)) {
    Reject(where, a.id, "only investigators and admins may write restricted case data");
    return Status::Ok();
  }
  if (Status st = core::DeriveArtifactFields(a); !st.ok()) {
    Reject(where, a.id, st.ToString());
    return Status::Ok();
  }
  if (a.id.empty()) {
    auto match = MatchByIdentifiers(a);
    if (!match.ok()) {
      if (match.status().code() != core::StatusCode::kInvalidArgument) return match.status();
      Reject(where, "", match.status().message());
      return Status::Ok();
    }
    a.id = match->empty() ? NewArtifactId() : *match;
  }
  // The stored state of this id (tombstones and restricted records included),
  // needed only to guard restricted records and to predict a dry run; a
  // trusted import leaves the comparison to UpsertArtifacts.
  std::optional<core::ModifiedRecord> stored;
  if (!policy_.may_see_restricted || policy_.dry_run) {
    core::ModifiedQuery q;
    q.id = a.id;
    q.include_restricted = true;
    q.include_deleted = true;
    q.limit = 1;
    CUSTOS_ASSIGN_OR_RETURN(auto rows, store_.ListModified(q));
    if (!rows.empty()) stored = rows.front();
  }
  if (!policy_.may_see_restricted && stored &&
      stored->record.visibility == core::Visibility::kRestricted) {
    // Indistinguishable from any other taken id.
    Reject(where, a.id, "an artifact with id " + a.id + " exists or existed");
    return Status::Ok();
  }
  if (!policy_.may_see_restricted && stored && !stored->deleted) {
    a.restricted = stored->record.restricted;  // kept, as on a curator's edit
  }
  // Later id-less records match this one by identifier. Until the first of
  // them loads the index, the store (and the pending batch) has the
  // identifiers: an import whose records all carry ids (every LIDO file)
  // keeps no per-record state, so its memory does not grow with the file. A
  // dry run writes nothing, so it remembers everything.
  if (index_loaded_ || policy_.dry_run) Remember(a);

  if (policy_.dry_run) {
    const Artifact* before = nullptr;
    if (auto it = predicted_.find(a.id); it != predicted_.end()) {
      before = &it->second;
    } else if (stored) {
      if (stored->deleted) {
        Reject(where, a.id, "artifact " + a.id + " was deleted; not re-created");
        return Status::Ok();
      }
      before = &stored->record;
    }
    if (!before) {
      ++report_.created;
    } else if (ContentOf(a) == ContentOf(*before)) {
      ++report_.unchanged;
    } else {
      ++report_.updated;
    }
    predicted_[a.id] = std::move(a);
    return Status::Ok();
  }
  pending_.push_back({where, std::move(a)});
  if (pending_.size() >= policy_.batch_size) return Flush();
  return Status::Ok();
}

Status RecordImporter::Flush() {
  if (pending_.empty()) return Status::Ok();
  // The records move into the batch (each carries its original XML, so a
  // copy would double the batch's memory); only where and id stay behind.
  std::vector<Artifact> batch;
  std::vector<std::pair<int64_t, std::string>> where_id;
  batch.reserve(pending_.size());
  where_id.reserve(pending_.size());
  for (auto& p : pending_) {
    where_id.emplace_back(p.where, p.record.id);
    batch.push_back(std::move(p.record));
  }
  pending_.clear();
  CUSTOS_ASSIGN_OR_RETURN(auto outcomes, store_.UpsertArtifacts(std::move(batch), policy_.actor));
  for (size_t i = 0; i < outcomes.size() && i < where_id.size(); ++i) {
    const auto& r = outcomes[i];
    if (!r.ok()) {
      Reject(where_id[i].first, where_id[i].second, r.status().ToString());
      continue;
    }
    switch (*r) {
      case core::UpsertOutcome::kCreated:
        ++report_.created;
        break;
      case core::UpsertOutcome::kUpdated:
        ++report_.updated;
        break;
      case core::UpsertOutcome::kUnchanged:
        ++report_.unchanged;
        break;
    }
  }
  return Status::Ok();
}

Status RecordImporter::Finish() { return Flush(); }

}  // namespace custos::archive
