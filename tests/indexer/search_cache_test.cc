// The caches behind exact facet counts (indexer/src/revision_cache.h) and
// counting through term bitmaps (indexer/src/match_bitmap.h): whatever they
// answer must be what counting every match afresh answers, for the current
// revision and the caller's access level.
#include <gtest/gtest.h>
#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "facet_columns.h"
#include "match_bitmap.h"
#include "revision_cache.h"
#include "test_corpus.h"

namespace custos::indexer::testing {
namespace {

TEST(RevisionCacheTest, AnswersOnlyForTheRevisionItWasFilledOn) {
  // Revisions of a two-shard index: one Xapian revision per shard.
  RevisionCache<int> c(2);
  c.Put("db-a", {5, 3}, "k", std::make_shared<const int>(1));
  ASSERT_NE(c.Get("db-a", {5, 3}, "k"), nullptr);
  EXPECT_EQ(*c.Get("db-a", {5, 3}, "k"), 1);
  EXPECT_EQ(c.Get("db-a", {6, 3}, "k"), nullptr);  // shard 0 committed since
  EXPECT_EQ(c.Get("db-a", {5, 4}, "k"), nullptr);  // shard 1 committed since
  EXPECT_EQ(c.Get("db-b", {5, 3}, "k"), nullptr);  // another generation
  EXPECT_EQ(c.Get("db-a", {5, 3}, "other"), nullptr);

  // A reader still on an older revision (of either shard) cannot store into
  // the newer one.
  c.Put("db-a", {4, 3}, "old", std::make_shared<const int>(2));
  c.Put("db-a", {5, 2}, "old", std::make_shared<const int>(2));
  EXPECT_EQ(c.Get("db-a", {4, 3}, "old"), nullptr);
  EXPECT_EQ(c.Get("db-a", {5, 2}, "old"), nullptr);
  EXPECT_NE(c.Get("db-a", {5, 3}, "k"), nullptr);

  // The first entry of a newer revision drops the older ones.
  c.Put("db-a", {5, 4}, "k2", std::make_shared<const int>(3));
  EXPECT_EQ(c.Get("db-a", {5, 3}, "k"), nullptr);
  EXPECT_EQ(c.stats().entries, 1);
}

TEST(RevisionCacheTest, EarlierMeansNoShardAheadAndOneBehind) {
  EXPECT_TRUE(shards::Earlier({4, 3}, {5, 3}));
  EXPECT_TRUE(shards::Earlier({4, 2}, {5, 3}));
  EXPECT_FALSE(shards::Earlier({5, 3}, {5, 3}));
  EXPECT_FALSE(shards::Earlier({6, 2}, {5, 3}));  // neither is earlier
  EXPECT_FALSE(shards::Earlier({5, 3}, {4, 3}));
  EXPECT_FALSE(shards::Earlier({4}, {5, 3}));  // another set of shards
  EXPECT_TRUE(shards::Earlier({4}, {5}));
}

TEST(RevisionCacheTest, EvictsTheLeastRecentlyUsed) {
  RevisionCache<int> c(2);
  c.Put("db", {1}, "a", std::make_shared<const int>(1));
  c.Put("db", {1}, "b", std::make_shared<const int>(2));
  ASSERT_NE(c.Get("db", {1}, "a"), nullptr);  // b is now the least recent
  c.Put("db", {1}, "c", std::make_shared<const int>(3));
  EXPECT_NE(c.Get("db", {1}, "a"), nullptr);
  EXPECT_EQ(c.Get("db", {1}, "b"), nullptr);
  EXPECT_NE(c.Get("db", {1}, "c"), nullptr);
  EXPECT_EQ(c.stats().entries, 2);

  RevisionCache<int> off(0);
  off.Put("db", {1}, "a", std::make_shared<const int>(1));
  EXPECT_EQ(off.Get("db", {1}, "a"), nullptr);
}

// The corpus indexed with the count cache on for every query, however few
// matches, so that the small corpus exercises it.
class SearchCacheTest : public IndexedCorpusTest {
 protected:
  XapianSearchIndexOptions IndexOptions() const override {
    XapianSearchIndexOptions o;
    o.facet_cache_entries = 256;
    o.facet_cache_min_matches = 0;
    return o;
  }

  // Totals and facets as an index with no cache and matcher counting
  // answers them: a new index object on the same directory each time (one
  // kept open would see commits of index_ only after kReaderRecheck).
  core::SearchResults Reference(const core::SearchQuery& q) {
    XapianSearchIndexOptions o;
    o.facet_cache_entries = 0;
    o.count_by_bitmap = false;
    auto index = XapianSearchIndex::Open((dir_.path / "index").string(), o);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    if (!index.ok()) return {};
    auto r = (*index)->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : core::SearchResults{};
  }

  static core::SearchQuery Query(const std::string& text, bool include_restricted) {
    core::SearchQuery q;
    q.q = text;
    q.include_restricted = include_restricted;
    return q;
  }
};

TEST_F(SearchCacheTest, RepeatedQueryIsAnsweredFromTheCacheWithTheSameCounts) {
  const auto first = Search(Query("tetradrachm", false));
  const auto before = index_->FacetCacheStats();
  const auto second = Search(Query("tetradrachm", false));
  const auto after = index_->FacetCacheStats();
  EXPECT_EQ(after.hits, before.hits + 1);  // not vacuous: the cache answered
  EXPECT_EQ(second.total, 30);
  EXPECT_EQ(second.total, first.total);
  EXPECT_EQ(second.facets, first.facets);
  EXPECT_EQ(second.facets.at("country").at("GR"), 20);
  EXPECT_FALSE(second.total_is_estimate);
}

TEST_F(SearchCacheTest, ACommitMovesTheRevisionAndTheCountsFollowIt) {
  const auto q = Query("tetradrachm", false);
  ASSERT_EQ(Search(q).total, 30);
  ASSERT_EQ(Search(q).total, 30);  // now cached
  ASSERT_GE(index_->FacetCacheStats().hits, 1);

  // A new coin from Italy: a new revision, so the cached count is stale.
  core::Artifact coin = MakeArtifact("coin-new", "Silver tetradrachm coin of Syracuse");
  coin.object_type = "Coin";
  coin.materials = {"silver"};
  coin.country_of_origin = "IT";
  ASSERT_TRUE(store_.CreateArtifact(coin, "tester").ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  auto added = Search(q);
  EXPECT_EQ(added.total, 31);
  EXPECT_EQ(added.facets["country"]["IT"], 1);
  EXPECT_EQ(added.facets["country"]["GR"], 20);
  EXPECT_EQ(added.facets, Reference(q).facets);

  // And a deletion.
  ASSERT_TRUE(store_.DeleteArtifact("coin-0", std::nullopt, "tester").ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  auto removed = Search(q);
  EXPECT_EQ(removed.total, 30);
  EXPECT_EQ(removed.facets["country"]["GR"], 19);
  EXPECT_EQ(removed.facets, Reference(q).facets);
}

TEST_F(SearchCacheTest, AnonymousNeverGetsTheCountsOfAnInvestigatorsIdenticalQuery) {
  for (const std::string text : {"bronze", "", "figurine OR bowl", "country:iq"}) {
    auto investigator = Search(Query(text, true));
    const auto investigator_again = Search(Query(text, true));  // cached
    auto anonymous = Search(Query(text, false));
    const auto anonymous_again = Search(Query(text, false));
    const auto want_public = Reference(Query(text, false));
    const auto want_all = Reference(Query(text, true));
    EXPECT_EQ(anonymous.total, want_public.total) << text;
    EXPECT_EQ(anonymous.facets, want_public.facets) << text;
    EXPECT_EQ(anonymous_again.facets, want_public.facets) << text;
    EXPECT_EQ(anonymous.facets["country"].count("IQ"), 0u) << text;
    EXPECT_EQ(anonymous.facets["status"].count("under_investigation"), 0u) << text;
    EXPECT_EQ(investigator_again.total, want_all.total) << text;
    EXPECT_EQ(investigator_again.facets, want_all.facets) << text;
    EXPECT_EQ(investigator.facets["country"]["IQ"], 1) << text;
    EXPECT_EQ(investigator.total, anonymous.total + 1) << text;
  }
  // And the other way round: an anonymous query first.
  EXPECT_EQ(Search(Query("silver", false)).facets["country"].count("IQ"), 0u);
  EXPECT_EQ(Search(Query("silver", true)).facets["country"]["IQ"], 1);
  EXPECT_GE(index_->FacetCacheStats().hits, 8);
}

TEST_F(SearchCacheTest, CachedAndBitmapCountsEqualTheMatchersForEveryKindOfQuery) {
  // Boolean queries (bitmaps), and ones the matcher counts (phrase, NEAR,
  // wildcard, date range, identifier pin), with and without filters.
  const std::vector<std::string> texts = {"",
                                          "bronze",
                                          "tetradrachm",
                                          "bronze OR silver",
                                          "coin",
                                          "NOT tetradrachm",
                                          "bronze AND NOT horse",
                                          "tetradrachm -heracles",
                                          "amph*",
                                          "\"cast bronze figurine\"",
                                          "horse NEAR rider",
                                          "INV 1931.4/22",
                                          "silver tetradrachm alexander",
                                          "nothingatall"};
  for (int pass = 0; pass < 2; ++pass) {  // the second pass is answered by the cache
    for (bool restricted : {false, true}) {
      for (const auto& text : texts) {
        for (int variant = 0; variant < 3; ++variant) {
          core::SearchQuery q = Query(text, restricted);
          if (variant == 1) q.filters["country"] = {"GR", "IQ"};
          if (variant == 2) q.from = -400;  // a value range: the matcher counts
          const auto got = Search(q);
          const auto want = Reference(q);
          const std::string what = text + " restricted=" + std::to_string(restricted) +
                                   " variant=" + std::to_string(variant);
          EXPECT_EQ(got.total, want.total) << what;
          EXPECT_EQ(got.facets, want.facets) << what;
          EXPECT_FALSE(got.total_is_estimate) << what;
        }
      }
    }
  }
  EXPECT_GT(index_->FacetCacheStats().hits, 0);
}

// CountByBitmap directly against the matcher with ColumnFacetSpy, on the
// set path and on the complement path (more than half the documents), with
// a deleted document leaving a hole in the docids.
class MatchBitmapTest : public IndexedCorpusTest {};

TEST_F(MatchBitmapTest, CountsWhatTheMatcherCountsOnBothPaths) {
  ASSERT_TRUE(store_.DeleteArtifact("painting", std::nullopt, "tester").ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  auto paths = shards::Paths(dir_.path / "index" / index_->CurrentGeneration());
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  const shards::Snapshot snap = shards::Snapshot::Open(*paths);
  ASSERT_GE(snap.shards.size(), 2u);  // bitmaps and columns are per shard
  Xapian::QueryParser qp;
  qp.set_database(snap.db);
  qp.set_default_op(Xapian::Query::OP_AND);
  std::vector<Xapian::Query> queries = {Xapian::Query::MatchAll, Xapian::Query::MatchNothing};
  for (const char* text :
       {"tetradrachm", "bronze OR silver", "coin AND NOT heracles", "NOT tetradrachm",
        "mask OR coin OR bowl", "bronze XOR silver", "coin AND silver", "nothingatall"}) {
    queries.push_back(qp.parse_query(
        text, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT));
  }
  queries.emplace_back(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll,
                       Xapian::Query("XV:restricted"));
  int complement = 0;
  for (const Xapian::Database& db : snap.shards) {
    auto columns = FacetColumns::Build(db);
    RevisionCache<MatchBitmap> terms(16);
    for (int pass = 0; pass < 2; ++pass) {  // the second pass takes term bitmaps from `terms`
      for (const auto& q : queries) {
        ASSERT_TRUE(BitmapEvaluable(q)) << q.get_description();
        Xapian::Enquire e(db);
        e.set_query(q);
        ColumnFacetSpy spy(*columns);
        e.add_matchspy(&spy);
        e.get_mset(0, 0, db.get_doccount());
        auto got = CountByBitmap(db, q, *columns, &terms);
        EXPECT_EQ(got->total, spy.Seen()) << q.get_description();
        EXPECT_EQ(got->facets, spy.Results()) << q.get_description();
        complement += got->total * 2 > static_cast<int64_t>(db.get_lastdocid());
      }
    }
    EXPECT_GT(terms.stats().hits, 0);
  }
  EXPECT_GE(complement, 8);  // MatchAll, NOT tetradrachm, ... took the complement path
  // Positional and value-range queries are left to the matcher.
  EXPECT_FALSE(BitmapEvaluable(qp.parse_query("\"cast bronze figurine\"")));
  EXPECT_FALSE(BitmapEvaluable(
      Xapian::Query(Xapian::Query::OP_VALUE_GE, 1, Xapian::sortable_serialise(-400))));
}

TEST_F(MatchBitmapTest, TermBitmapsOfAnOlderRevisionAreNotUsedAfterACommit) {
  // Default options: the count cache keeps nothing this small, so every
  // search counts, through term bitmaps once the facet columns are fresh.
  core::SearchQuery q;
  q.q = "tetradrachm";
  ASSERT_EQ(Search(q).total, 30);
  ASSERT_EQ(Search(q).total, 30);
  const int64_t reused = index_->FacetCacheStats().term_bitmap_hits;
  ASSERT_GT(reused, 0);  // the bitmap path ran, and kept the term's bitmap

  core::Artifact coin = MakeArtifact("coin-new", "Silver tetradrachm coin of Syracuse");
  coin.materials = {"silver"};
  coin.country_of_origin = "IT";
  ASSERT_TRUE(store_.CreateArtifact(coin, "tester").ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  // Facet columns are rebuilt at most every 2 s (xapian_search_index.cc);
  // after that the bitmap path runs on the new revision.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto after = Search(q);
  EXPECT_EQ(after.total, 31);
  EXPECT_EQ(after.facets["country"]["IT"], 1);
  EXPECT_EQ(after.facets["material"]["silver"], 31);
  auto again = Search(q);  // the new revision's bitmap, reused
  EXPECT_EQ(again.facets, after.facets);
  EXPECT_GT(index_->FacetCacheStats().term_bitmap_hits, reused);
}

// CUSTOS_SEARCH_CACHE sets the cache size; anything but a whole number is
// refused with the variable's name, not ignored.
TEST(SearchCacheEnvironmentTest, OnlyAWholeNumberSetsTheCacheSize) {
  struct Restore {
    ~Restore() { unsetenv("CUSTOS_SEARCH_CACHE"); }
  } restore;
  unsetenv("CUSTOS_SEARCH_CACHE");
  auto unset = XapianSearchIndexOptions::FromEnvironment();
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->facet_cache_entries, XapianSearchIndexOptions{}.facet_cache_entries);
  for (auto [text, want] : {std::pair<const char*, size_t>{"0", 0}, {"512", 512}, {"7", 7}}) {
    setenv("CUSTOS_SEARCH_CACHE", text, 1);
    auto o = XapianSearchIndexOptions::FromEnvironment();
    ASSERT_TRUE(o.ok()) << text << ": " << o.status().ToString();
    EXPECT_EQ(o->facet_cache_entries, want) << text;
  }
  TempDir dir;
  for (const char* text : {"", "abc", "12x", "-1", " 5", "1e3", "99999999999999999999999"}) {
    setenv("CUSTOS_SEARCH_CACHE", text, 1);
    auto o = XapianSearchIndexOptions::FromEnvironment();
    ASSERT_FALSE(o.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(o.status().code(), core::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(o.status().message().find("CUSTOS_SEARCH_CACHE"), std::string::npos)
        << o.status().message();
    auto index = XapianSearchIndex::Open((dir.path / "index").string());
    ASSERT_FALSE(index.ok()) << text;
    EXPECT_EQ(index.status().code(), core::StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace custos::indexer::testing
