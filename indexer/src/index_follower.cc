#include "custos/indexer/index_follower.h"

#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "custos/indexer/xapian_search_index.h"
#include "generations.h"

namespace custos::indexer {

using core::Result;
using core::Status;

IndexFollower::IndexFollower(const core::RecordStore& store, core::SearchIndex& index,
                             FollowerOptions options)
    : store_(store), index_(index), options_(std::move(options)) {
  if (options_.batch_size < 1) options_.batch_size = 1;
}

IndexFollower::~IndexFollower() { Stop(); }

Result<int64_t> IndexFollower::CatchUp() {
  std::lock_guard<std::mutex> lock(catch_up_mu_);
  CUSTOS_ASSIGN_OR_RETURN(int64_t last, index_.LastAppliedSeq());
  if (options_.prepare) CUSTOS_RETURN_IF_ERROR(options_.prepare());
  int64_t applied = 0;
  for (;;) {
    CUSTOS_ASSIGN_OR_RETURN(std::vector<core::Change> changes,
                            store_.ChangesSince(last, options_.batch_size));
    if (changes.empty()) break;

    // Each id once, at its last position: the record is re-read, so only
    // its current state matters.
    std::vector<std::string> ids;
    std::unordered_set<std::string> seen;
    for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
      if (seen.insert(it->artifact_id).second) ids.push_back(it->artifact_id);
    }
    std::reverse(ids.begin(), ids.end());

    if (options_.prepare) CUSTOS_RETURN_IF_ERROR(options_.prepare());
    core::IndexBatch batch;
    batch.last_seq = changes.back().seq;
    for (const auto& id : ids) {
      Result<core::Artifact> a = store_.GetArtifact(id);
      if (!a.ok()) {
        if (a.status().code() != core::StatusCode::kNotFound) return a.status();
        batch.deletes.push_back(id);
        continue;
      }
      core::IndexedArtifact item{std::move(a).value(), {}, {}};
      if (options_.documents) {
        Result<std::vector<core::DocumentText>> docs = options_.documents(id);
        if (docs.ok()) {
          item.documents = std::move(docs).value();
        } else if (docs.status().code() != core::StatusCode::kNotFound) {
          return docs.status();
        }
      }
      if (options_.party_names) {
        CUSTOS_ASSIGN_OR_RETURN(item.party_names, options_.party_names(item.artifact));
      }
      batch.upserts.push_back(std::move(item));
    }
    CUSTOS_RETURN_IF_ERROR(index_.ApplyBatch(batch));
    applied += static_cast<int64_t>(changes.size());
    applied_.fetch_add(static_cast<int64_t>(changes.size()));
    last = batch.last_seq;
  }
  return applied;
}

void IndexFollower::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  stop_ = false;
  notified_ = true;  // catch up at once
  thread_ = std::thread(&IndexFollower::Run, this);
}

void IndexFollower::Stop() {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
}

void IndexFollower::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

Status IndexFollower::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

void IndexFollower::Run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, options_.poll_interval, [&] { return stop_ || notified_; });
      if (stop_) return;
      notified_ = false;
    }
    Result<int64_t> r = CatchUp();
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = r.ok() ? Status::Ok() : r.status();
  }
}

Result<RebuildStats> RebuildIndex(const std::string& index_dir, const core::RecordStore& store,
                                  const DocumentTextProvider& documents) {
  FollowerOptions options;
  options.documents = documents;
  return RebuildIndex(index_dir, store, options);
}

Result<RebuildStats> RebuildIndex(const std::string& index_dir, const core::RecordStore& store,
                                  const FollowerOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(index_dir, ec);
  if (ec) return Status::IOError("cannot create " + index_dir + ": " + ec.message());
  Result<std::string> previous = generations::ReadCurrent(index_dir);
  if (!previous.ok() && previous.status().code() != core::StatusCode::kNotFound) {
    return previous.status();
  }

  RebuildStats stats;
  stats.generation = generations::Next(index_dir);
  {
    CUSTOS_ASSIGN_OR_RETURN(std::unique_ptr<XapianSearchIndex> fresh,
                            XapianSearchIndex::OpenGeneration(index_dir, stats.generation));
    // Replaying the whole feed (rather than listing records page by page)
    // cannot miss a record that moves while we read: every live record has a
    // change row, and the stored seq says where the live follower resumes.
    FollowerOptions opts = options;
    opts.batch_size = 2000;
    IndexFollower follower(store, *fresh, opts);
    Result<int64_t> applied = follower.CatchUp();
    if (!applied.ok()) {
      fresh->CloseWriter();
      fs::remove_all(fs::path(index_dir) / stats.generation, ec);
      return applied.status();
    }
    CUSTOS_ASSIGN_OR_RETURN(stats.last_seq, fresh->LastAppliedSeq());
    CUSTOS_ASSIGN_OR_RETURN(stats.documents, fresh->DocumentCount());
    fresh->CloseWriter();  // release the lock before others move onto it
  }
  CUSTOS_RETURN_IF_ERROR(generations::WriteCurrent(index_dir, stats.generation));
  generations::PruneExcept(index_dir, stats.generation, previous.ok() ? *previous : std::string());
  return stats;
}

}  // namespace custos::indexer
