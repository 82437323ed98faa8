// IndexFollower: keeps a SearchIndex in step with a RecordStore's change feed,
// and RebuildIndex, which builds a fresh index generation from the store and
// swaps it in while readers keep answering.
//
// The follower applies change-feed rows in seq order, in batches: for each
// changed id it re-reads the record (NotFound -> the record was deleted and
// leaves the index), then commits the batch together with the last applied
// seq (SearchIndex::ApplyBatch). After a crash it resumes from the stored
// seq, so nothing committed to the store is lost; re-applying a change is
// harmless because records are re-read.
//
// Batches adapt to the backlog. A Xapian commit merges the buffered
// postings into the on-disk B-trees, rewriting their blocks, and syncs them:
// catching up 10,000 imported records in batches of 1,000, the server wrote 264 MB,
// against 139 MB when batches grow to 10,000, and the commits get dearer as
// the index grows. So while a round keeps finding full batches it doubles
// the batch, up to max_batch_size, and a round starts at batch_size again:
// live changes (a few rows) are committed as soon as they are read. While a
// backlog is worked off, the next batch is read on a helper thread as the
// current one is indexed.
//
// Thread-safety: CatchUp, Notify, Start and Stop may be called from any
// thread; catch-ups are serialised by an internal mutex. CatchUp calls the
// store and the providers from a helper thread too (one call at a time).
// The store and index must outlive the follower (it holds references).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "custos/core/record_store.h"
#include "custos/core/search_index.h"
#include "custos/core/status.h"

namespace custos::indexer {

// Providers are asked once per batch, for all of its records at once (one
// statement each rather than one per record: preparing the statements
// cost the follower more than running them). Both must be thread-safe.

// Returns, for each of `artifact_ids` in order, the extracted text of the
// documents attached to it (one entry per page). NotFound is treated as "no
// documents" for all of them.
using DocumentTextProvider =
    std::function<core::Result<std::vector<std::vector<core::DocumentText>>>(
        const std::vector<std::string>& artifact_ids)>;

// Returns, for each of `artifacts` in order, the further names under which
// it should be found (core::IndexedArtifact::party_names).
using PartyNamesProvider = std::function<core::Result<std::vector<std::vector<std::string>>>(
    const std::vector<core::IndexedArtifact>& artifacts)>;

struct FollowerOptions {
  // Change-feed rows in the first commit of a round; doubled after each full
  // batch up to max_batch_size (raised to batch_size when smaller). The
  // upper bound also bounds memory: a batch holds its records until its
  // commit (two batches are held while the next is read ahead), and Xapian
  // buffers the batch's postings and positions until then. Rebuilding
  // 100,000 records peaked at 1,159 MiB with batches of up to 10,000 and
  // at 463 MiB with 4,000, and took no longer (176 s and 156 s).
  int batch_size = 1000;
  int max_batch_size = 4000;
  std::chrono::milliseconds poll_interval{200};
  DocumentTextProvider documents;  // optional
  PartyNamesProvider party_names;  // optional
  // Optional: called at the start of every catch-up round (even one that
  // finds no change rows) and again after each batch of change rows is read,
  // before its records are: brings data derived from the same feed (the
  // parties behind party_names) up to date first. An error ends the round.
  std::function<core::Status()> prepare;
};

class IndexFollower {
 public:
  IndexFollower(const core::RecordStore& store, core::SearchIndex& index,
                FollowerOptions options = {});
  ~IndexFollower();  // Stop()s the thread
  IndexFollower(const IndexFollower&) = delete;
  IndexFollower& operator=(const IndexFollower&) = delete;

  // Applies every change after the index's stored seq, batch by batch, until
  // the feed has nothing newer. Returns the number of change rows applied.
  // Blocks. Errors: whatever the store or index returned; batches committed
  // before the error stay committed.
  core::Result<int64_t> CatchUp();

  // Starts a background thread that catches up every poll_interval, or at
  // once after Notify(). Errors are kept in last_error() and retried on the
  // next round. No-op when already started.
  void Start();
  // Stops and joins the thread. Idempotent.
  void Stop();
  // Wakes the background thread (writers call this after a commit).
  void Notify();

  // The status of the last background round (ok when none failed).
  core::Status last_error() const;
  // Total change rows applied by this follower since construction.
  int64_t applied() const { return applied_.load(); }

 private:
  // Change rows after `after` (at most `limit`) and the records they name,
  // read after options_.prepare ran. rows == 0 when the feed has nothing
  // newer; full when it returned `limit` rows (more are probably waiting).
  struct PendingBatch {
    int64_t rows = 0;
    bool full = false;
    core::IndexBatch batch;
  };
  core::Result<PendingBatch> ReadBatch(int64_t after, int limit);
  void Run();

  const core::RecordStore& store_;
  core::SearchIndex& index_;
  FollowerOptions options_;
  std::mutex catch_up_mu_;

  mutable std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  bool running_ = false;
  bool stop_ = false;
  bool notified_ = false;
  core::Status last_error_;
  std::thread thread_;
  std::atomic<int64_t> applied_{0};
};

// The lock file RebuildIndex holds (flock, exclusive) under the index dir.
inline constexpr char kRebuildLockFile[] = "REBUILD.lock";

struct RebuildStats {
  std::string generation;  // the new live generation ("gen-4")
  int64_t last_seq = 0;    // change-feed seq the new generation is built to
  int64_t documents = 0;   // records indexed
};

// Builds a new generation under `index_dir` from the whole change feed of
// `store` (every live record, with `documents` text when given), then
// publishes it by renaming CURRENT over, and deletes generations older than
// the previous one. Processes and XapianSearchIndex objects that have the
// index open move to the new generation on their next call; a running
// follower then catches up from the new generation's stored seq. Blocks for
// the whole rebuild. One rebuild of an index runs at a time: it holds an
// flock on index_dir/REBUILD.lock, and another one meanwhile fails at once
// with Unavailable, changing nothing. Errors: Unavailable, IOError, and the
// store's errors.
core::Result<RebuildStats> RebuildIndex(const std::string& index_dir,
                                        const core::RecordStore& store,
                                        const DocumentTextProvider& documents = {});
// The same with the providers and hook of `options` (its batch size and
// poll interval are the rebuild's own).
core::Result<RebuildStats> RebuildIndex(const std::string& index_dir,
                                        const core::RecordStore& store,
                                        const FollowerOptions& options);

}  // namespace custos::indexer
