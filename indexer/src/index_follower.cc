#include "custos/indexer/index_follower.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "custos/core/thread.h"
#include "custos/indexer/xapian_search_index.h"
#include "generations.h"

namespace custos::indexer {

using core::Result;
using core::Status;

IndexFollower::IndexFollower(const core::RecordStore& store, core::SearchIndex& index,
                             FollowerOptions options)
    : store_(store), index_(index), options_(std::move(options)) {
  if (options_.batch_size < 1) options_.batch_size = 1;
  options_.max_batch_size = std::max(options_.max_batch_size, options_.batch_size);
}

IndexFollower::~IndexFollower() { Stop(); }

Result<IndexFollower::PendingBatch> IndexFollower::ReadBatch(int64_t after, int limit) {
  PendingBatch out;
  CUSTOS_ASSIGN_OR_RETURN(std::vector<core::Change> changes, store_.ChangesSince(after, limit));
  if (changes.empty()) return out;
  out.rows = static_cast<int64_t>(changes.size());
  out.full = out.rows >= limit;

  // Each id once, at its last position: the record is re-read, so only
  // its current state matters.
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (seen.insert(it->artifact_id).second) ids.push_back(it->artifact_id);
  }
  std::reverse(ids.begin(), ids.end());

  if (options_.prepare) CUSTOS_RETURN_IF_ERROR(options_.prepare());
  core::IndexBatch& batch = out.batch;
  batch.last_seq = changes.back().seq;
  CUSTOS_ASSIGN_OR_RETURN(std::vector<std::optional<core::Artifact>> records,
                          store_.GetArtifacts(ids));
  if (records.size() != ids.size()) return Status::Internal("store returned a short batch");
  std::vector<std::string> live;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!records[i]) {
      batch.deletes.push_back(ids[i]);
      continue;
    }
    live.push_back(ids[i]);
    batch.upserts.push_back(core::IndexedArtifact{std::move(*records[i]), {}, {}});
  }
  if (options_.documents && !live.empty()) {
    Result<std::vector<std::vector<core::DocumentText>>> docs = options_.documents(live);
    if (docs.ok()) {
      if (docs->size() != live.size()) return Status::Internal("document texts for a short batch");
      for (size_t i = 0; i < live.size(); ++i) batch.upserts[i].documents = std::move((*docs)[i]);
    } else if (docs.status().code() != core::StatusCode::kNotFound) {
      return docs.status();
    }
  }
  if (options_.party_names && !batch.upserts.empty()) {
    CUSTOS_ASSIGN_OR_RETURN(std::vector<std::vector<std::string>> names,
                            options_.party_names(batch.upserts));
    if (names.size() != batch.upserts.size()) return Status::Internal("names for a short batch");
    for (size_t i = 0; i < names.size(); ++i) batch.upserts[i].party_names = std::move(names[i]);
  }
  return out;
}

Result<int64_t> IndexFollower::CatchUp() {
  std::lock_guard<std::mutex> lock(catch_up_mu_);
  CUSTOS_ASSIGN_OR_RETURN(int64_t last, index_.LastAppliedSeq());
  if (options_.prepare) CUSTOS_RETURN_IF_ERROR(options_.prepare());
  int64_t applied = 0;
  int limit = options_.batch_size;
  CUSTOS_ASSIGN_OR_RETURN(PendingBatch next, ReadBatch(last, limit));
  while (next.rows > 0) {
    PendingBatch current = std::move(next);
    // A full batch means a backlog: commit less often from now on.
    limit = current.full
                ? static_cast<int>(std::min<int64_t>(int64_t{limit} * 2, options_.max_batch_size))
                : options_.batch_size;
    // In a backlog, the next batch is read (SQLite, JSON, the providers:
    // about a fifth of the CPU of a batch) on another thread while this one
    // is indexed. Reads stay in feed order, one batch after the other, and
    // a batch is read only after the previous one was read in full.
    std::future<Result<PendingBatch>> ahead;
    if (current.full) {
      try {
        ahead = std::async(std::launch::async, [this, after = current.batch.last_seq, limit] {
          return ReadBatch(after, limit);
        });
      } catch (const std::system_error&) {
        // No thread to be had: read it afterwards, on this one.
      }
    }
    const Status indexed = index_.ApplyBatch(current.batch);
    std::optional<Result<PendingBatch>> following;
    if (ahead.valid()) following.emplace(ahead.get());  // joined before any return
    CUSTOS_RETURN_IF_ERROR(indexed);
    applied += current.rows;
    applied_.fetch_add(current.rows);
    // Without a read-ahead (the feed was drained when this batch was read,
    // or no thread), read on this thread.
    if (!following) following.emplace(ReadBatch(current.batch.last_seq, limit));
    CUSTOS_ASSIGN_OR_RETURN(next, std::move(*following));
  }
  return applied;
}

void IndexFollower::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  stop_ = false;
  notified_ = true;  // catch up at once
  thread_ = std::thread([this] {
    core::NameThisThread("index-follower");
    Run();
  });
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

namespace {

// An exclusive flock on index_dir/REBUILD.lock for the life of the object.
// Two rebuilds of one index (two `custos reindex`, or one beside a server
// rebuilding an index of an older schema) would pick the same next
// generation and write into it together; the second one is refused instead.
// The kernel drops the lock when the process dies, so a killed rebuild
// leaves nothing to clean up by hand.
class RebuildLock {
 public:
  static Result<RebuildLock> Acquire(const std::filesystem::path& index_dir) {
    const std::string path = (index_dir / kRebuildLockFile).string();
    RebuildLock lock(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.fd_ < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
    if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        return Status::Unavailable("another rebuild of " + index_dir.string() +
                                   " is running (it holds " + path + "); wait for it to finish");
      }
      return Status::IOError("cannot lock " + path + ": " + std::strerror(errno));
    }
    return lock;
  }
  RebuildLock(RebuildLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RebuildLock& operator=(RebuildLock&&) = delete;
  ~RebuildLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit RebuildLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

Result<RebuildStats> RebuildIndex(const std::string& index_dir, const core::RecordStore& store,
                                  const FollowerOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(index_dir, ec);
  if (ec) return Status::IOError("cannot create " + index_dir + ": " + ec.message());
  CUSTOS_ASSIGN_OR_RETURN(RebuildLock lock, RebuildLock::Acquire(index_dir));
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
    opts.max_batch_size = FollowerOptions{}.max_batch_size;  // the bound on memory
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
