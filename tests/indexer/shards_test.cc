// Index shards (indexer/src/shards.h): the on-disk layout, the placement of
// records, that every shard count answers every query alike, that a shard
// which lost its last commit is caught up, and that a generation written
// before shards keeps working.
#include "shards.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "test_corpus.h"

namespace custos::indexer::testing {
namespace {

namespace fs = std::filesystem;

TEST(ShardsTest, ARecordsShardIsFixedAndIdsSpreadEvenly) {
  // Part of the on-disk format: these must never change.
  EXPECT_EQ(shards::ShardOf("luristan-horse", 1), 0);
  EXPECT_EQ(shards::ShardOf("art-0001", 2), shards::ShardOf("art-0001", 2));
  std::vector<int> pinned;
  for (const char* id : {"a", "coin-1", "coin-2", "coin-3", "art-0001", "art-0002"}) {
    pinned.push_back(shards::ShardOf(id, 2));
  }
  EXPECT_EQ(pinned, (std::vector<int>{1, 0, 0, 0, 1, 0}));

  for (int n : {2, 3, 4}) {
    std::vector<int> count(n);
    const int ids = 12000;
    for (int i = 0; i < ids; ++i) ++count[shards::ShardOf("coin-" + std::to_string(i), n)];
    for (int k = 0; k < n; ++k) {
      EXPECT_GT(count[k], ids / n * 9 / 10) << "shard " << k << " of " << n;
      EXPECT_LT(count[k], ids / n * 11 / 10) << "shard " << k << " of " << n;
    }
  }
}

TEST(ShardsTest, TheStubNamesTheShardsInOrderOrTheGenerationIsCorrupt) {
  TempDir dir;
  const fs::path gen = dir.path / "gen-1";
  int inits = 0;
  ASSERT_TRUE(shards::Create(gen, 3, [&](Xapian::WritableDatabase&) { ++inits; }).ok());
  EXPECT_EQ(inits, 3);
  auto paths = shards::Paths(gen);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, (std::vector<fs::path>{gen / "shard-0", gen / "shard-1", gen / "shard-2"}));
  // Xapian itself opens the generation through the stub.
  EXPECT_EQ(Xapian::Database(gen.string()).size(), 3u);
  // Creating it again changes nothing.
  ASSERT_TRUE(shards::Create(gen, 3, [&](Xapian::WritableDatabase&) { ++inits; }).ok());
  EXPECT_EQ(inits, 3);

  // A generation without a stub is one database (written before shards).
  EXPECT_EQ(*shards::Paths(dir.path / "gen-0"), (std::vector<fs::path>{dir.path / "gen-0"}));

  for (const char* stub :
       {"glass shard-1\n", "glass shard-0\nglass ../elsewhere\n", "\n", "chert shard-0\n"}) {
    std::ofstream(gen / "XAPIANDB") << stub;
    auto bad = shards::Paths(gen);
    ASSERT_FALSE(bad.ok()) << stub;
    EXPECT_EQ(bad.status().code(), core::StatusCode::kCorruption) << stub;
  }
  for (int n : {0, 17}) {
    auto s = shards::Create(dir.path / "gen-9", n, [](Xapian::WritableDatabase&) {});
    EXPECT_EQ(s.code(), core::StatusCode::kInvalidArgument) << n;
  }
}

// The corpus indexed with `n` shards.
class Indexed {
 public:
  explicit Indexed(int n) {
    for (const auto& a : Corpus()) EXPECT_TRUE(store.CreateArtifact(a, "tester").ok());
    XapianSearchIndexOptions o;
    o.shards = n;
    auto opened = XapianSearchIndex::Open((dir.path / "index").string(), o);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    index = std::move(opened).value();
    FollowerOptions f;
    f.batch_size = 5;
    follower = std::make_unique<IndexFollower>(store, *index, f);
    EXPECT_TRUE(follower->CatchUp().ok());
  }
  fs::path Gen() const { return dir.path / "index" / index->CurrentGeneration(); }

  TempDir dir;
  fakes::InMemoryRecordStore store;
  std::unique_ptr<XapianSearchIndex> index;
  std::unique_ptr<IndexFollower> follower;
};

std::set<std::string> Ids(const std::vector<core::SearchHit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.id);
  return out;
}

// Shards change where documents live, not what a search answers: totals,
// facet counts, the records found, suggestions and similar records are
// those of one database. (Ties in rank may order differently: docids
// differ. So all similar records are compared, not the first ten.)
TEST(ShardedIndexTest, EveryShardCountAnswersEveryQueryAlike) {
  Indexed one(1), two(2), three(3);
  ASSERT_EQ(shards::Paths(one.Gen())->size(), 1u);
  ASSERT_EQ(shards::Paths(two.Gen())->size(), 2u);
  ASSERT_EQ(shards::Paths(three.Gen())->size(), 3u);
  const auto three_paths = *shards::Paths(three.Gen());
  for (const auto& path : three_paths) {
    EXPECT_GT(Xapian::Database(path.string()).get_doccount(), 3u) << path;
  }
  const std::vector<std::string> queries = {"",
                                            "bronze",
                                            "coin OR tetradrachm",
                                            "\"red-figure amphora\"",
                                            "bronz*",
                                            "title:figurine",
                                            "INV 1931.4/22",
                                            "brnze",
                                            "NOT coin",
                                            "bronze NEAR horse",
                                            "country:GR",
                                            "wheat field"};
  int compared = 0;
  for (const auto& text : queries) {
    for (bool restricted : {false, true}) {
      core::SearchQuery q;
      q.q = text;
      q.include_restricted = restricted;
      q.per_page = 100;
      auto a = one.index->Search(q);
      ASSERT_TRUE(a.ok()) << text << ": " << a.status().ToString();
      for (Indexed* other : {&two, &three}) {
        auto b = other->index->Search(q);
        ASSERT_TRUE(b.ok()) << text << ": " << b.status().ToString();
        EXPECT_EQ(b->total, a->total) << text;
        EXPECT_EQ(b->facets, a->facets) << text;
        EXPECT_EQ(Ids(b->hits), Ids(a->hits)) << text;
        EXPECT_EQ(b->suggestion, a->suggestion) << text;
        // The best hit scores the same everywhere; but for wildcards, which
        // Xapian 1.4 expands shard by shard, with that shard's statistics.
        if (!a->hits.empty() && text.find('*') == std::string::npos) {
          EXPECT_NEAR(b->hits[0].weight, a->hits[0].weight, 1e-9) << text;
        }
      }
      compared += a->total > 0;
    }
  }
  EXPECT_GE(compared, 18);
  for (const char* id : {"coin-3", "luristan-horse"}) {
    auto a = one.index->Similar(id, 100, false);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_FALSE(a->empty()) << id;
    for (Indexed* other : {&two, &three}) {
      auto b = other->index->Similar(id, 100, false);
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      EXPECT_EQ(Ids(*b), Ids(*a)) << id;
    }
  }
}

std::string Seq(const fs::path& shard) {
  return Xapian::Database(shard.string()).get_metadata("custos:last_seq");
}

// A crash between two shards' commits of one batch: one shard has the
// batch, the other not. The index has applied what its least advanced shard
// has, and catching up applies the batch again, which changes nothing in
// the shard that had it.
TEST(ShardedIndexTest, AShardThatLostItsLastCommitIsCaughtUpFromTheSmallestSeq) {
  Indexed ix(2);
  const auto paths = *shards::Paths(ix.Gen());
  const int64_t before = *ix.index->LastAppliedSeq();
  ix.index->CloseWriter();
  const fs::path saved = ix.dir.path / "shard-1.saved";
  fs::copy(paths[1], saved, fs::copy_options::recursive);

  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(ix.store
                    .CreateArtifact(MakeArtifact("late-" + std::to_string(i),
                                                 "Faience scarab number" + std::to_string(i)),
                                    "t")
                    .ok());
  }
  ASSERT_TRUE(ix.store.DeleteArtifact("luristan-horse", std::nullopt, "t").ok());
  ASSERT_TRUE(ix.follower->CatchUp().ok());
  const int64_t after = *ix.index->LastAppliedSeq();
  ASSERT_GT(after, before);
  ix.index.reset();  // the process dies; shard 1's last commits never reached the disk
  fs::remove_all(paths[1]);
  fs::rename(saved, paths[1]);
  EXPECT_EQ(Seq(paths[0]), std::to_string(after));
  EXPECT_EQ(Seq(paths[1]), std::to_string(before));

  auto index = XapianSearchIndex::Open((ix.dir.path / "index").string());
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(*(*index)->LastAppliedSeq(), before);
  const auto total = [&](const std::string& text) {
    core::SearchQuery q;
    q.q = text;
    q.include_restricted = true;
    auto r = (*index)->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  };
  EXPECT_LT(total("scarab"), 12);  // shard 1's share is missing
  IndexFollower follower(ix.store, **index);
  auto applied = follower.CatchUp();
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, after - before);
  EXPECT_EQ(*(*index)->LastAppliedSeq(), after);
  EXPECT_EQ(total("scarab"), 12);
  EXPECT_EQ(total("horse"), 0);
  EXPECT_EQ(*(*index)->DocumentCount(), *ix.store.CountArtifacts());
  (*index)->CloseWriter();
  EXPECT_EQ(Seq(paths[0]), std::to_string(after));
  EXPECT_EQ(Seq(paths[1]), std::to_string(after));
}

// A data directory indexed before shards: its generation is one Xapian
// database without a stub. It is read and written as one shard; a rebuild
// moves it to shards.
TEST(ShardedIndexTest, AGenerationWrittenBeforeShardsIsUsedAsOne) {
  TempDir dir;
  const fs::path index_dir = dir.path / "index";
  fs::create_directories(index_dir);
  {
    Xapian::WritableDatabase w((index_dir / "gen-1").string(), Xapian::DB_CREATE);
    w.set_metadata("custos:schema", "3");
    w.commit();
  }
  std::ofstream(index_dir / "CURRENT") << "gen-1\n";
  fakes::InMemoryRecordStore store;
  for (const auto& a : Corpus()) ASSERT_TRUE(store.CreateArtifact(a, "tester").ok());
  XapianSearchIndexOptions o;
  o.shards = 2;  // for generations created from now on
  auto index = XapianSearchIndex::Open(index_dir.string(), o);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  IndexFollower follower(store, **index);
  ASSERT_TRUE(follower.CatchUp().ok());
  EXPECT_EQ((*index)->CurrentGeneration(), "gen-1");
  EXPECT_EQ(*shards::Paths(index_dir / "gen-1"), (std::vector<fs::path>{index_dir / "gen-1"}));
  EXPECT_EQ(*(*index)->DocumentCount(), *store.CountArtifacts());
  core::SearchQuery q;
  q.q = "tetradrachm";
  auto r = (*index)->Search(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->total, 0);
  EXPECT_FALSE(r->facets.empty());
  (*index)->CloseWriter();

  auto rebuilt = RebuildIndex(index_dir.string(), store, FollowerOptions{});
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(shards::Paths(index_dir / rebuilt->generation)->size(),
            static_cast<size_t>(XapianSearchIndexOptions{}.shards));
  auto after = (*index)->Search(q);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->total, r->total);
  EXPECT_EQ(after->facets, r->facets);
}

TEST(ShardedIndexTest, OnlyAShardCountFromOneToSixteenIsTakenFromTheEnvironment) {
  struct Restore {
    ~Restore() { unsetenv("CUSTOS_INDEX_SHARDS"); }
  } restore;
  unsetenv("CUSTOS_INDEX_SHARDS");
  EXPECT_EQ(XapianSearchIndexOptions::FromEnvironment()->shards, 2);
  for (auto [text, want] : {std::pair<const char*, int>{"1", 1}, {"4", 4}, {"16", 16}}) {
    setenv("CUSTOS_INDEX_SHARDS", text, 1);
    auto o = XapianSearchIndexOptions::FromEnvironment();
    ASSERT_TRUE(o.ok()) << text << ": " << o.status().ToString();
    EXPECT_EQ(o->shards, want);
  }
  for (const char* text : {"", "0", "17", "two", "-1", "2 "}) {
    setenv("CUSTOS_INDEX_SHARDS", text, 1);
    auto o = XapianSearchIndexOptions::FromEnvironment();
    ASSERT_FALSE(o.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(o.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_NE(o.status().message().find("CUSTOS_INDEX_SHARDS"), std::string::npos);
  }
  setenv("CUSTOS_INDEX_SHARDS", "3", 1);
  TempDir dir;
  auto index = XapianSearchIndex::Open((dir.path / "index").string());
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(shards::Paths(dir.path / "index" / (*index)->CurrentGeneration())->size(), 3u);
}

}  // namespace
}  // namespace custos::indexer::testing
