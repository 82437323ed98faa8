// InMemoryRecordStore: a RecordStore held in memory, with revisions, audit
// rows and a change feed, for tests of the modules that consume the store
// (the indexer's follower, web handlers). Thread-safe (one mutex). Times are
// a fixed fake clock that advances one second per write.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/record_store.h"

namespace custos::fakes {

class InMemoryRecordStore : public core::RecordStore {
 public:
  core::Result<core::Artifact> CreateArtifact(core::Artifact a, std::string_view actor) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (a.id.empty()) a.id = "a-" + std::to_string(++next_id_);
    if (records_.count(a.id) != 0) return core::Status::Conflict("artifact " + a.id + " exists");
    a.version = 1;
    a.created_at = a.updated_at = Now();
    a.created_by = a.updated_by = std::string(actor);
    records_[a.id] = Entry{a, false, {}};
    Record(a, "create", actor);
    return a;
  }

  core::Result<std::vector<core::Result<core::UpsertOutcome>>> UpsertArtifacts(
      std::vector<core::Artifact> batch, std::string_view actor) override {
    std::vector<core::Result<core::UpsertOutcome>> out;
    for (auto& a : batch) {
      std::unique_lock<std::mutex> lock(mu_);
      auto it = a.id.empty() ? records_.end() : records_.find(a.id);
      if (it == records_.end()) {
        lock.unlock();
        auto r = CreateArtifact(std::move(a), actor);
        if (r.ok()) {
          out.emplace_back(core::UpsertOutcome::kCreated);
        } else {
          out.emplace_back(r.status());
        }
        continue;
      }
      if (it->second.deleted) {
        out.emplace_back(core::Status::Conflict("artifact " + a.id + " was deleted"));
        continue;
      }
      if (SameContent(it->second.current, a)) {
        out.emplace_back(core::UpsertOutcome::kUnchanged);
        continue;
      }
      const int64_t v = it->second.current.version;
      lock.unlock();
      auto r = UpdateArtifact(std::move(a), v, actor);
      if (r.ok()) {
        out.emplace_back(core::UpsertOutcome::kUpdated);
      } else {
        out.emplace_back(r.status());
      }
    }
    return out;
  }

  core::Result<core::Artifact> GetArtifact(std::string_view id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(std::string(id));
    if (it == records_.end() || it->second.deleted) {
      return core::Status::NotFound("no artifact " + std::string(id));
    }
    return it->second.current;
  }

  core::Result<core::Artifact> UpdateArtifact(core::Artifact a, int64_t expected_version,
                                              std::string_view actor) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(a.id);
    if (it == records_.end() || it->second.deleted) {
      return core::Status::NotFound("no artifact " + a.id);
    }
    if (it->second.current.version != expected_version) {
      return core::Status::PreconditionFailed("stale version");
    }
    a.version = expected_version + 1;
    a.created_at = it->second.current.created_at;
    a.created_by = it->second.current.created_by;
    a.updated_at = Now();
    a.updated_by = std::string(actor);
    it->second.current = a;
    Record(a, "update", actor);
    return a;
  }

  core::Result<int64_t> DeleteArtifact(std::string_view id, std::optional<int64_t> expected_version,
                                       std::string_view actor) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(std::string(id));
    if (it == records_.end() || it->second.deleted) {
      return core::Status::NotFound("no artifact " + std::string(id));
    }
    if (expected_version && *expected_version != it->second.current.version) {
      return core::Status::PreconditionFailed("stale version");
    }
    it->second.deleted = true;
    core::Artifact gone = it->second.current;
    gone.version += 1;
    it->second.current.version = gone.version;
    Record(gone, "delete", actor);
    return gone.version;
  }

  core::Result<std::vector<core::Revision>> History(std::string_view id) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = records_.find(std::string(id));
    if (it == records_.end()) return core::Status::NotFound("no artifact " + std::string(id));
    return it->second.revisions;
  }

  core::Result<core::ArtifactPage> ListArtifacts(int64_t offset, int limit,
                                                 bool include_restricted) const override {
    std::lock_guard<std::mutex> lock(mu_);
    core::ArtifactPage page;
    for (const auto& [id, e] : records_) {
      if (e.deleted) continue;
      if (!include_restricted && e.current.visibility == core::Visibility::kRestricted) continue;
      if (page.total >= offset && static_cast<int>(page.items.size()) < limit) {
        page.items.push_back(e.current);
      }
      ++page.total;
    }
    return page;
  }

  core::Result<std::vector<core::ModifiedRecord>> ListModified(
      const core::ModifiedQuery& q) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<core::ModifiedRecord> all;
    for (const auto& [id, e] : records_) {
      std::optional<core::ModifiedRecord> view =
          q.include_restricted ? core::ModifiedRecord{e.current, e.deleted} : PublicView(e);
      if (!view) continue;
      const core::Artifact& a = view->record;
      if (view->deleted && !q.include_deleted) continue;
      if (!q.id.empty() && id != q.id) continue;
      if (!q.from.empty() && a.updated_at < q.from) continue;
      if (!q.until.empty() && a.updated_at > q.until) continue;
      if (!q.status.empty() && core::ToString(a.status) != q.status) continue;
      if (q.country == "*" ? a.country_of_origin.empty()
                           : !q.country.empty() && a.country_of_origin != q.country) {
        continue;
      }
      if (!q.after_time.empty() &&
          std::pair(a.updated_at, id) <= std::pair(q.after_time, q.after_id)) {
        continue;
      }
      all.push_back(*view);
    }
    std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
      return std::pair(x.record.updated_at, x.record.id) <
             std::pair(y.record.updated_at, y.record.id);
    });
    if (static_cast<int>(all.size()) > q.limit) all.resize(static_cast<size_t>(q.limit));
    return all;
  }

  core::Result<std::vector<std::string>> DistinctCountries(
      bool include_restricted) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& [id, e] : records_) {
      if (e.deleted || e.current.country_of_origin.empty()) continue;
      if (!include_restricted && e.current.visibility == core::Visibility::kRestricted) continue;
      out.push_back(e.current.country_of_origin);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  core::Result<std::vector<core::Change>> ChangesSince(int64_t after_seq,
                                                       int limit) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<core::Change> out;
    auto it = std::upper_bound(feed_.begin(), feed_.end(), after_seq,
                               [](int64_t s, const core::Change& c) { return s < c.seq; });
    for (; it != feed_.end() && static_cast<int>(out.size()) < limit; ++it) out.push_back(*it);
    return out;
  }

  core::Result<int64_t> LastChangeSeq() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return feed_.empty() ? 0 : feed_.back().seq;
  }

  core::Result<int64_t> CountArtifacts() const override {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t n = 0;
    for (const auto& [id, e] : records_) n += e.deleted ? 0 : 1;
    return n;
  }

  core::Status AppendAudit(std::string_view actor, std::string_view action, std::string_view target,
                           std::string_view detail) override {
    std::lock_guard<std::mutex> lock(mu_);
    audit_.push_back(core::AuditEntry{static_cast<int64_t>(audit_.size() + 1), Now(),
                                      std::string(actor), std::string(action), std::string(target),
                                      std::string(detail)});
    return core::Status::Ok();
  }

  core::Result<std::vector<core::AuditEntry>> RecentAudit(int limit) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<core::AuditEntry> out(audit_.rbegin(), audit_.rend());
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
    return out;
  }

 private:
  static bool SameContent(core::Artifact x, core::Artifact y) {
    for (core::Artifact* a : {&x, &y}) {
      a->version = 0;
      a->created_at.clear();
      a->updated_at.clear();
      a->created_by.clear();
      a->updated_by.clear();
    }
    return x == y;
  }

  struct Entry {
    core::Artifact current;
    bool deleted = false;
    std::vector<core::Revision> revisions;
  };

  // ListModified's public view of a record, from its revisions: live while
  // public; once public and then restricted or deleted, a tombstone dated by
  // that revision with the last public status and country; never public, none.
  static std::optional<core::ModifiedRecord> PublicView(const Entry& e) {
    const core::Revision* last_public = nullptr;
    const core::Revision* stopped = nullptr;
    for (const auto& r : e.revisions) {
      if (r.op != "delete" && r.record.visibility == core::Visibility::kPublic) {
        last_public = &r;
        stopped = nullptr;
      } else if (last_public && !stopped) {
        stopped = &r;
      }
    }
    if (!last_public) return std::nullopt;
    if (!stopped) return core::ModifiedRecord{e.current, false};
    core::ModifiedRecord t;
    t.record.id = e.current.id;
    t.record.status = last_public->record.status;
    t.record.country_of_origin = last_public->record.country_of_origin;
    t.record.updated_at = stopped->time;
    t.deleted = true;
    return t;
  }

  std::string Now() {
    ++clock_;
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-01-01T%02d:%02d:%02dZ",
                  static_cast<int>((clock_ / 3600) % 24), static_cast<int>((clock_ / 60) % 60),
                  static_cast<int>(clock_ % 60));
    return buf;
  }

  void Record(const core::Artifact& a, const char* op, std::string_view actor) {
    const std::string t = a.updated_at.empty() ? Now() : a.updated_at;
    records_[a.id].revisions.push_back(
        core::Revision{a.id, a.version, op, std::string(actor), t, a});
    feed_.push_back(core::Change{static_cast<int64_t>(feed_.size()) + 1, a.id, a.version, op, t});
  }

  mutable std::mutex mu_;
  std::map<std::string, Entry> records_;
  std::vector<core::Change> feed_;
  std::vector<core::AuditEntry> audit_;
  int64_t next_id_ = 0;
  int64_t clock_ = 0;
};

}  // namespace custos::fakes
