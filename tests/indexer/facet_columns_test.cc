// FacetColumns and ColumnFacetSpy (indexer/src/facet_columns.h) against
// FacetSpy, which reads the packed facet value of each match: over the same
// matches both must count exactly the same, for every facet.
#include "facet_columns.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include "facet_spy.h"
#include "shards.h"
#include "test_corpus.h"

namespace custos::indexer {
namespace {

class FacetColumnsTest : public custos::indexer::testing::IndexedCorpusTest {
 protected:
  shards::Snapshot Snap() {
    auto paths = shards::Paths(dir_.path / "index" / index_->CurrentGeneration());
    EXPECT_TRUE(paths.ok()) << paths.status().ToString();
    return shards::Snapshot::Open(*paths);
  }
};

// Columns are per shard (a match spy sees a document's docid in its shard):
// each shard's against the value spy on that shard.
TEST_F(FacetColumnsTest, CountsWhatTheValueSpyCountsForEveryQuery) {
  const shards::Snapshot snap = Snap();
  ASSERT_GE(snap.shards.size(), 2u);
  Xapian::QueryParser qp;
  qp.set_database(snap.db);
  const std::vector<std::string> queries = {"tetradrachm", "bronze OR silver", "coin", "mask",
                                            "painting OR amphora OR figurine", "nothingatall"};
  std::vector<Xapian::Query> all = {Xapian::Query::MatchAll};
  for (const auto& text : queries) all.push_back(qp.parse_query(text));
  int nonempty = 0;
  for (size_t k = 0; k < snap.shards.size(); ++k) {
    const Xapian::Database& db = snap.shards[k];
    auto columns = FacetColumns::Build(db);
    EXPECT_EQ(columns->uuid(), db.get_uuid());
    EXPECT_EQ(columns->revision(), db.get_revision());
    EXPECT_GT(columns->Bytes(), 0u);
    for (const auto& q : all) {
      Xapian::Enquire a(db), b(db);
      a.set_query(q);
      b.set_query(q);
      FacetSpy by_value;
      ColumnFacetSpy by_column(*columns);
      a.add_matchspy(&by_value);
      b.add_matchspy(&by_column);
      a.get_mset(0, 0, db.get_doccount());
      b.get_mset(0, 0, db.get_doccount());
      EXPECT_EQ(by_column.Seen(), by_value.Seen()) << q.get_description();
      EXPECT_EQ(by_column.Results(), by_value.Results()) << q.get_description();
      nonempty += by_value.Seen() > 0;
    }
  }
  EXPECT_GE(nonempty, 10);  // the comparison was not vacuous in either shard
}

TEST_F(FacetColumnsTest, SearchAfterAnUpdateCountsTheNewRevision) {
  // The first search builds the columns; the update is a new revision, for
  // which the old columns must not be used.
  core::SearchQuery q;
  q.include_restricted = true;
  auto before = Search(q);
  ASSERT_GT(before.total, 0);
  auto a = *store_.GetArtifact("undated-mask");
  const std::string old_country = a.country_of_origin;
  a.country_of_origin = "IT";
  ASSERT_TRUE(store_.UpdateArtifact(a, a.version, "tester").ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  auto after = Search(q);
  EXPECT_EQ(after.facets["country"]["IT"], before.facets["country"]["IT"] + 1);
  if (!old_country.empty()) {
    EXPECT_EQ(after.facets["country"][old_country], before.facets["country"][old_country] - 1);
  }
  EXPECT_EQ(after.total, before.total);
}

TEST_F(FacetColumnsTest, ServerSearchFacetsEqualTheUnsampledValueSpy) {
  // Search with facet_sample 0 counts through the columns; a sample larger
  // than the index makes it read values for every match instead.
  for (bool restricted : {false, true}) {
    for (const std::string text : {"", "tetradrachm", "bronze OR silver", "mask OR coin"}) {
      core::SearchQuery q;
      q.q = text;
      q.include_restricted = restricted;
      auto by_column = Search(q);
      q.facet_sample = 1000000;
      auto by_value = Search(q);
      EXPECT_EQ(by_column.total, by_value.total) << text;
      EXPECT_EQ(by_column.facets, by_value.facets) << text << " restricted=" << restricted;
      EXPECT_FALSE(by_column.facets_are_estimates);
      EXPECT_FALSE(by_value.facets_are_estimates);
    }
  }
}

}  // namespace
}  // namespace custos::indexer
