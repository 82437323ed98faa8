#include "custos/indexer/index_follower.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "test_corpus.h"

namespace custos::indexer::testing {
namespace {

using namespace std::chrono_literals;

// A store whose GetArtifact fails for one id until healed: a crash or an
// outage in the middle of a catch-up.
class FlakyStore final : public fakes::InMemoryRecordStore {
 public:
  core::Result<core::Artifact> GetArtifact(std::string_view id) const override {
    if (id == fail_id) return core::Status::IOError("disk on fire");
    return InMemoryRecordStore::GetArtifact(id);
  }
  std::string fail_id;
};

int64_t Total(const core::SearchIndex& index, const std::string& text, bool restricted = true) {
  core::SearchQuery q;
  q.q = text;
  q.include_restricted = restricted;
  auto r = index.Search(q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->total : -1;
}

std::string StoredSeqMetadata(const std::filesystem::path& index_dir, const std::string& gen) {
  Xapian::Database db((index_dir / gen).string());
  return db.get_metadata("custos:last_seq");
}

// Passes everything on to a real index and notes the size of each batch.
class BatchRecordingIndex final : public core::SearchIndex {
 public:
  explicit BatchRecordingIndex(core::SearchIndex& inner) : inner_(inner) {}
  core::Status ApplyBatch(const core::IndexBatch& batch) override {
    sizes.push_back(static_cast<int>(batch.upserts.size() + batch.deletes.size()));
    return inner_.ApplyBatch(batch);
  }
  core::Result<int64_t> LastAppliedSeq() const override { return inner_.LastAppliedSeq(); }
  core::Result<core::SearchResults> Search(const core::SearchQuery& query) const override {
    return inner_.Search(query);
  }
  core::Result<std::vector<core::SearchHit>> Similar(std::string_view id, int n,
                                                     bool include_restricted) const override {
    return inner_.Similar(id, n, include_restricted);
  }
  core::Result<int64_t> DocumentCount() const override { return inner_.DocumentCount(); }

  std::vector<int> sizes;

 private:
  core::SearchIndex& inner_;
};

TEST(IndexFollowerTest, StoresLastSeqWithTheBatchAndResumesAfterACrash) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  FlakyStore store;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store
                    .CreateArtifact(MakeArtifact("r" + std::to_string(i),
                                                 "Amulet number" + std::to_string(i) + " faience"),
                                    "t")
                    .ok());
  }
  store.fail_id = "r7";  // the batch r6..r8 cannot be read
  {
    auto index = XapianSearchIndex::Open(index_dir.string());
    ASSERT_TRUE(index.ok());
    FollowerOptions opts;
    opts.batch_size = 3;
    opts.max_batch_size = 3;  // batches of exactly 3, even in a backlog
    IndexFollower follower(store, **index, opts);
    auto r = follower.CatchUp();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), core::StatusCode::kIOError);
    // Batches r0-r2 and r3-r5 are committed with their seq; r6.. are not.
    EXPECT_EQ(*(*index)->LastAppliedSeq(), 6);
    EXPECT_EQ(*(*index)->DocumentCount(), 6);
    EXPECT_EQ(Total(**index, "faience"), 6);
    EXPECT_EQ(StoredSeqMetadata(index_dir, (*index)->CurrentGeneration()), "6");
    // The process dies here: the index object goes away without ceremony.
  }
  store.fail_id.clear();
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("r10", "Faience amulet, late"), "t").ok());
  ASSERT_TRUE(store.DeleteArtifact("r0", std::nullopt, "t").ok());

  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(*(*index)->LastAppliedSeq(), 6);
  IndexFollower follower(store, **index);
  auto r = follower.CatchUp();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 6);  // seq 7..12, not from the start
  EXPECT_EQ(*(*index)->LastAppliedSeq(), 12);
  EXPECT_EQ(*(*index)->DocumentCount(), *store.CountArtifacts());
  EXPECT_EQ(Total(**index, "faience"), 10);
  EXPECT_EQ(Total(**index, "amulet0"), 0);
  // Nothing more to do.
  EXPECT_EQ(*follower.CatchUp(), 0);
  (*index)->CloseWriter();
  EXPECT_EQ(StoredSeqMetadata(index_dir, (*index)->CurrentGeneration()), "12");
}

TEST(IndexFollowerTest, ABacklogIsCommittedInGrowingBatchesAndLiveChangesAtOnce) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  fakes::InMemoryRecordStore store;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(
        store
            .CreateArtifact(
                MakeArtifact("b" + std::to_string(i), "Alabastron no" + std::to_string(i)), "t")
            .ok());
  }
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_TRUE(index.ok());
  BatchRecordingIndex recording(**index);
  FollowerOptions opts;
  opts.batch_size = 4;
  opts.max_batch_size = 32;
  IndexFollower follower(store, recording, opts);
  auto r = follower.CatchUp();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 100);
  // Doubling while every read comes back full; the rest in the last one.
  EXPECT_EQ(recording.sizes, (std::vector<int>{4, 8, 16, 32, 32, 8}));
  EXPECT_EQ(*(*index)->LastAppliedSeq(), *store.LastChangeSeq());
  EXPECT_EQ(*(*index)->DocumentCount(), 100);
  EXPECT_EQ(Total(**index, "alabastron"), 100);
  for (int i : {0, 3, 4, 50, 91, 92, 99}) {
    EXPECT_EQ(Total(**index, "no" + std::to_string(i)), 1) << i;
  }

  // Live changes start from batch_size again and are committed at once.
  recording.sizes.clear();
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("live1", "Live lekythos"), "t").ok());
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("live2", "Live lekythos"), "t").ok());
  EXPECT_EQ(*follower.CatchUp(), 2);
  EXPECT_EQ(recording.sizes, (std::vector<int>{2}));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store.CreateArtifact(MakeArtifact("more" + std::to_string(i), "Pyxis"), "t").ok());
  }
  EXPECT_EQ(*follower.CatchUp(), 5);
  EXPECT_EQ(recording.sizes, (std::vector<int>{2, 4, 1}));
  EXPECT_EQ(Total(**index, "lekythos"), 2);
  EXPECT_EQ(Total(**index, "pyxis"), 5);
  (*index)->CloseWriter();
  EXPECT_EQ(StoredSeqMetadata(index_dir, (*index)->CurrentGeneration()),
            std::to_string(*store.LastChangeSeq()));
}

TEST(IndexFollowerTest, AFailedReadAheadLeavesTheBatchBeingIndexedCommitted) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  FlakyStore store;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store
                    .CreateArtifact(
                        MakeArtifact("r" + std::to_string(i), "Rhyton " + std::to_string(i)), "t")
                    .ok());
  }
  // r0-r1 are indexed while r2-r5, the next (doubled) batch, are read: r4
  // cannot be.
  store.fail_id = "r4";
  {
    auto index = XapianSearchIndex::Open(index_dir.string());
    ASSERT_TRUE(index.ok());
    FollowerOptions opts;
    opts.batch_size = 2;
    opts.max_batch_size = 8;
    IndexFollower follower(store, **index, opts);
    auto r = follower.CatchUp();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), core::StatusCode::kIOError);
    EXPECT_EQ(*(*index)->LastAppliedSeq(), 2);
    EXPECT_EQ(*(*index)->DocumentCount(), 2);
    EXPECT_EQ(follower.applied(), 2);
  }
  store.fail_id.clear();
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_TRUE(index.ok());
  IndexFollower follower(store, **index);
  auto r = follower.CatchUp();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 8);
  EXPECT_EQ(Total(**index, "rhyton"), 10);
  EXPECT_EQ(*(*index)->LastAppliedSeq(), 10);
}

TEST(IndexFollowerTest, RepeatedChangesOfOneRecordIndexItsLatestState) {
  TempDir dir;
  fakes::InMemoryRecordStore store;
  auto a = *store.CreateArtifact(MakeArtifact("x", "Scarab"), "t");
  for (int i = 0; i < 5; ++i) {
    a.title = "Scarab version" + std::to_string(i);
    a = *store.UpdateArtifact(a, a.version, "t");
  }
  auto index = XapianSearchIndex::Open((dir.path / "index").string());
  ASSERT_TRUE(index.ok());
  IndexFollower follower(store, **index);
  EXPECT_EQ(*follower.CatchUp(), 6);
  EXPECT_EQ(Total(**index, "version4"), 1);
  EXPECT_EQ(Total(**index, "version3"), 0);
  // Create then delete inside one batch leaves nothing behind.
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("y", "Ephemeral ushabti"), "t").ok());
  ASSERT_TRUE(store.DeleteArtifact("y", std::nullopt, "t").ok());
  EXPECT_EQ(*follower.CatchUp(), 2);
  EXPECT_EQ(Total(**index, "ushabti"), 0);
  EXPECT_EQ(*(*index)->DocumentCount(), 1);
}

TEST(IndexFollowerTest, BackgroundThreadCatchesUpOnNotify) {
  TempDir dir;
  fakes::InMemoryRecordStore store;
  auto index = XapianSearchIndex::Open((dir.path / "index").string());
  ASSERT_TRUE(index.ok());
  FollowerOptions opts;
  opts.poll_interval = 10s;  // only Notify can wake it in time
  IndexFollower follower(store, **index, opts);
  follower.Start();
  follower.Start();  // idempotent
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("n1", "Cylinder seal"), "t").ok());
  follower.Notify();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (Total(**index, "cylinder") != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(Total(**index, "cylinder"), 1);
  EXPECT_TRUE(follower.last_error().ok());
  follower.Stop();
  follower.Stop();
  EXPECT_EQ(follower.applied(), 1);
}

TEST(IndexFollowerTest, BackgroundThreadPolls) {
  TempDir dir;
  fakes::InMemoryRecordStore store;
  auto index = XapianSearchIndex::Open((dir.path / "index").string());
  ASSERT_TRUE(index.ok());
  FollowerOptions opts;
  opts.poll_interval = 20ms;
  IndexFollower follower(store, **index, opts);
  follower.Start();
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("p1", "Cuneiform tablet"), "t").ok());
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (Total(**index, "cuneiform") != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(Total(**index, "cuneiform"), 1);
}

TEST(IndexFollowerTest, SearchKeepsAnsweringWhileWriting) {
  TempDir dir;
  fakes::InMemoryRecordStore store;
  auto index = XapianSearchIndex::Open((dir.path / "index").string());
  ASSERT_TRUE(index.ok());
  FollowerOptions opts;
  opts.poll_interval = 1ms;
  opts.batch_size = 10;
  IndexFollower follower(store, **index, opts);
  follower.Start();
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> searches{0};
  std::mutex first_failure_mu;
  std::string first_failure;
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        core::SearchQuery q;
        q.q = "papyrus";
        auto r = (*index)->Search(q);
        // Commits are whole batches of 10 (and the final partial one).
        if (!r.ok() || r->total < 0 || r->total > 300) {
          if (++failures == 1) {
            std::lock_guard<std::mutex> lock(first_failure_mu);
            first_failure = r.ok() ? "total " + std::to_string(r->total) : r.status().ToString();
          }
        }
        ++searches;
      }
    });
  }
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(
        store.CreateArtifact(MakeArtifact("p" + std::to_string(i), "Papyrus fragment"), "t").ok());
    if (i % 25 == 0) follower.Notify();
  }
  follower.Notify();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Total(**index, "papyrus") != 300 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  done = true;
  for (auto& t : readers) t.join();
  follower.Stop();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(Total(**index, "papyrus"), 300);
}

TEST(RebuildIndexTest, SwapsInANewGenerationWhileReadersKeepAnswering) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  fakes::InMemoryRecordStore store;
  for (const auto& a : Corpus()) ASSERT_TRUE(store.CreateArtifact(a, "t").ok());
  ASSERT_TRUE(store.DeleteArtifact("coin-0", std::nullopt, "t").ok());
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_TRUE(index.ok());
  IndexFollower follower(store, **index);
  ASSERT_TRUE(follower.CatchUp().ok());
  EXPECT_EQ((*index)->CurrentGeneration(), "gen-1");
  const int64_t coins = Total(**index, "tetradrachm");
  EXPECT_EQ(coins, 29);

  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> searches{0};
  std::thread reader([&] {
    while (!done) {
      core::SearchQuery q;
      q.q = "tetradrachm";
      auto r = (*index)->Search(q);
      if (!r.ok() || r->total != coins) ++bad;
      ++searches;
    }
  });
  while (searches.load() < 3) std::this_thread::yield();
  auto stats = RebuildIndex(index_dir.string(), store);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->generation, "gen-2");
  EXPECT_EQ(stats->last_seq, *store.LastChangeSeq());
  EXPECT_EQ(stats->documents, *store.CountArtifacts());
  const int before = searches.load();
  while (searches.load() < before + 3) std::this_thread::yield();
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ((*index)->CurrentGeneration(), "gen-2");

  // The live follower's writes now land in the new generation.
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("late", "Late arrival: ivory comb"), "t").ok());
  auto applied = follower.CatchUp();
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, 1);
  EXPECT_EQ(Total(**index, "ivory"), 1);
  EXPECT_EQ(*(*index)->DocumentCount(), *store.CountArtifacts());
  EXPECT_TRUE(std::filesystem::exists(index_dir / "gen-1"));  // kept for stragglers

  // A second rebuild prunes generations older than the previous one.
  auto again = RebuildIndex(index_dir.string(), store);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->generation, "gen-3");
  EXPECT_FALSE(std::filesystem::exists(index_dir / "gen-1"));
  EXPECT_TRUE(std::filesystem::exists(index_dir / "gen-2"));
  EXPECT_EQ(Total(**index, "ivory"), 1);
  EXPECT_EQ(Total(**index, "kithara", false), 1);
  EXPECT_EQ(Total(**index, "bull", false), 0);
  EXPECT_EQ(Total(**index, "bull", true), 1);
}

TEST(RebuildIndexTest, ASecondRebuildWhileOneRunsIsRefusedAndChangesNothing) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  fakes::InMemoryRecordStore store;
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("one", "Bronze figurine"), "t").ok());
  auto first = RebuildIndex(index_dir.string(), store);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->generation, "gen-1");

  // Another process's rebuild holds the lock, as RebuildIndex does.
  const std::string lock_path = (index_dir / kRebuildLockFile).string();
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  auto refused = RebuildIndex(index_dir.string(), store);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("another rebuild"), std::string::npos)
      << refused.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(index_dir / "gen-2"));
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_TRUE(index.ok());
  EXPECT_EQ((*index)->CurrentGeneration(), "gen-1");

  // Once it is released (or its process dies), the next rebuild runs.
  ::close(fd);
  auto second = RebuildIndex(index_dir.string(), store);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->generation, "gen-2");
  EXPECT_EQ(Total(**index, "figurine"), 1);
}

TEST(RebuildIndexTest, BuildsAFreshIndexWhenNoneExists) {
  TempDir dir;
  fakes::InMemoryRecordStore store;
  ASSERT_TRUE(store.CreateArtifact(MakeArtifact("only", "Lonely lekythos"), "t").ok());
  auto stats = RebuildIndex((dir.path / "index").string(), store);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->generation, "gen-1");
  auto index = XapianSearchIndex::Open((dir.path / "index").string());
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(Total(**index, "lekythos"), 1);
  EXPECT_EQ(*(*index)->LastAppliedSeq(), 1);
}

TEST(XapianSearchIndexOpenTest, RejectsAnIndexOfAnotherSchema) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  {
    auto index = XapianSearchIndex::Open(index_dir.string());
    ASSERT_TRUE(index.ok());
  }
  {
    Xapian::WritableDatabase w((index_dir / "gen-1").string());
    w.set_metadata("custos:schema", "0");
    w.commit();
  }
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), core::StatusCode::kCorruption);
}

TEST(XapianSearchIndexOpenTest, GarbageCurrentIsCorruption) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  std::filesystem::create_directories(index_dir);
  std::ofstream(index_dir / "CURRENT") << "../../etc\n";
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), core::StatusCode::kCorruption);
}

}  // namespace
}  // namespace custos::indexer::testing
