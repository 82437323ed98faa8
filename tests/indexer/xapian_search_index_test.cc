#include "custos/indexer/xapian_search_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <string>
#include <vector>

#include "test_corpus.h"

namespace custos::indexer::testing {
namespace {

using ::testing::ElementsAre;

using XapianSearchIndexTest = IndexedCorpusTest;

TEST_F(XapianSearchIndexTest, IndexesEveryRecordOfTheStore) {
  auto n = index_->DocumentCount();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, *store_.CountArtifacts());
  EXPECT_EQ(*index_->LastAppliedSeq(), *store_.LastChangeSeq());
}

struct QueryCase {
  const char* q;
  std::vector<std::string> want;  // sorted ids, public records only
};

TEST_F(XapianSearchIndexTest, FieldPrefixesPhrasesOperatorsWildcardsNearAndStemming) {
  const QueryCase cases[] = {
      // Field prefixes.
      {"title:amphora", {"attic-amphora"}},
      {"title:painter", {}},  // the maker is not in the title
      {"maker:painter", {"attic-amphora"}},
      {"maker:gogh", {"painting"}},
      {"material:terracotta", {"attic-amphora"}},
      {"material:canvas", {"painting"}},
      {"country:gr amphora", {"attic-amphora"}},
      {"country:GR title:amphora", {"attic-amphora"}},
      {"country:nl", {"painting"}},
      {"provenance:nefer", {"luristan-horse"}},
      {"provenance:goldschmidt", {"painting"}},
      {"provenance:zurich", {"luristan-horse"}},
      {"doc:hildebrand", {"painting"}},
      {"doc:cypresses", {}},  // title words are not document text
      {"id:\"INV 1931.4/22\"", {"luristan-horse"}},
      {"id:inv1931422", {"luristan-horse"}},
      {"status:repatriated", {"attic-amphora"}},
      {"type:vase", {"attic-amphora"}},
      {"flag:nazi_era", {"painting"}},
      {"century:c-05 amphora", {"attic-amphora"}},
      // Phrases.
      {"\"cast bronze figurine\"", {"luristan-horse"}},
      {"\"figurine bronze cast\"", {}},
      // Boolean operators and love/hate.
      {"bronze AND horse", {"luristan-horse"}},
      {"bronze AND NOT horse", {"german-figures", "script-bowl"}},
      {"amphora OR mask", {"attic-amphora", "undated-mask"}},
      {"+bronze -bowl -horse", {"german-figures"}},
      {"NOT tetradrachm NOT bronze NOT ledger", {"attic-amphora", "painting", "undated-mask"}},
      // Wildcards.
      {"amph*", {"attic-amphora"}},
      {"title:cypress*", {"painting"}},
      // NEAR.
      {"horse NEAR rider", {"luristan-horse"}},
      {"horse NEAR missing", {}},  // too far apart
      // Stemming (English by default).
      {"figurines horses", {"luristan-horse"}},
      {"carved", {"undated-mask"}},
      {"carving", {"undated-mask"}},
      // Other fields are searchable unprefixed.
      {"luristan", {"luristan-horse"}},
      {"lotus", {"script-bowl"}},
      {"kithara", {"attic-amphora"}},
      {"goldschmidt", {"painting"}},
  };
  for (const auto& c : cases) {
    auto r = Search(c.q);
    EXPECT_EQ(SortedIds(r), c.want) << c.q;
  }
}

TEST_F(XapianSearchIndexTest, RecordLanguageStemmerIsUsedWhenIndexing) {
  core::SearchQuery q;
  q.q = "figur bronzen";  // German stems of "Figuren", "Bronzene"
  q.language = "de";
  auto r = Search(q);
  EXPECT_THAT(Ids(r), ElementsAre("german-figures"));
  // An English query finds the words as written.
  EXPECT_THAT(Ids(Search("figuren bronzene")), ElementsAre("german-figures"));
  EXPECT_THAT(Ids(Search("\"bronzene figuren\"")), ElementsAre("german-figures"));
  // An unknown language falls back to English.
  q.q = "horses";
  q.language = "xx";
  EXPECT_THAT(Ids(Search(q)), ElementsAre("luristan-horse"));
}

TEST_F(XapianSearchIndexTest, ExactIdentifierComesFirst) {
  for (const char* q : {"INV 1931.4/22", "inv 1931.4/22", "INV-1931-4-22", "inv1931422"}) {
    auto r = Search(q);
    ASSERT_FALSE(r.hits.empty()) << q;
    EXPECT_EQ(r.hits[0].id, "luristan-horse") << q;
    EXPECT_EQ(r.hits[0].percent, 100) << q;
  }
  // The ledger pages mention the number too and still come after it.
  auto r = Search("INV 1931.4/22");
  EXPECT_GE(r.total, 2);
  EXPECT_TRUE(Has(r, "inv-mention-1"));
  for (size_t i = 1; i < r.hits.size(); ++i) EXPECT_LT(r.hits[i].percent, 100);
  // Without the pin the ledger pages would outrank it on the words alone:
  // "INV 1931" finds the ledgers first.
  auto loose = Search("INV 1931");
  ASSERT_FALSE(loose.hits.empty());
  EXPECT_NE(loose.hits[0].id, "luristan-horse");
}

TEST_F(XapianSearchIndexTest, DateRangeMatchesOverlappingDates) {
  struct Case {
    std::optional<int> from, to;
    std::vector<std::string> want;
  } cases[] = {
      // attic-amphora -490..-460 overlaps; luristan -1000..-650 does not.
      {-500, -470, {"attic-amphora"}},
      {-470, -465, {"attic-amphora"}},
      {-660, -640, {"luristan-horse"}},
      {-710, -650, {"luristan-horse", "script-bowl"}},
      {1800, 1899, {"painting"}},
      {1890, 2000, {}},
      {std::nullopt, -900, {"luristan-horse"}},  // restricted bull is hidden
      {1000, std::nullopt, {"painting"}},
  };
  for (const auto& c : cases) {
    core::SearchQuery q;
    q.q = "";
    q.from = c.from;
    q.to = c.to;
    q.filters["type"] = {"figurine", "vase", "bowl", "painting", "mask"};
    q.per_page = 100;
    auto r = Search(q);
    std::vector<std::string> ids = SortedIds(r);
    std::erase(ids, "german-figures");  // -800..-450 overlaps too many ranges
    auto want = c.want;
    EXPECT_EQ(ids, want) << (c.from ? *c.from : 0) << ".." << (c.to ? *c.to : 0);
  }
  core::SearchQuery bad;
  bad.from = 10;
  bad.to = -10;
  auto r = index_->Search(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "from");
}

TEST_F(XapianSearchIndexTest, SortsByDateWithUndatedLast) {
  core::SearchQuery q;
  q.filters["type"] = {"figurine", "vase", "bowl", "painting", "mask"};
  q.sort = core::SearchSort::kDateAscending;
  q.per_page = 100;
  EXPECT_THAT(Ids(Search(q)), ElementsAre("luristan-horse", "script-bowl", "german-figures",
                                          "attic-amphora", "painting", "undated-mask"));
  q.sort = core::SearchSort::kDateDescending;
  EXPECT_THAT(Ids(Search(q)), ElementsAre("painting", "german-figures", "attic-amphora",
                                          "luristan-horse", "script-bowl", "undated-mask"));
}

TEST_F(XapianSearchIndexTest, FacetsCountTheWholeMatchSetNotThePage) {
  core::SearchQuery q;
  q.q = "tetradrachm";
  q.per_page = 5;
  auto r = Search(q);
  EXPECT_EQ(r.total, 30);
  EXPECT_FALSE(r.total_is_estimate);
  EXPECT_EQ(r.hits.size(), 5u);
  EXPECT_EQ(r.facets["country"]["GR"], 20);
  EXPECT_EQ(r.facets["country"]["TR"], 10);
  EXPECT_EQ(r.facets["status"]["seized"], 10);
  EXPECT_EQ(r.facets["status"]["in_collection"], 20);
  EXPECT_EQ(r.facets["material"]["silver"], 30);
  EXPECT_EQ(r.facets["type"]["coin"], 30);
  EXPECT_EQ(r.facets["century"]["c-04"], 30);
  EXPECT_FALSE(r.facets_are_estimates);  // 30 matches, under facet_sample

  // Paging: six pages of five, no duplicates.
  std::set<std::string> seen;
  for (int page = 1; page <= 7; ++page) {
    q.page = page;
    auto p = Search(q);
    for (const auto& h : p.hits) EXPECT_TRUE(seen.insert(h.id).second) << h.id;
    if (page == 7) {
      EXPECT_TRUE(p.hits.empty());
    }
  }
  EXPECT_EQ(seen.size(), 30u);

  // Filters narrow totals and facets alike; values of one facet are ORed.
  q.page = 1;
  q.filters["country"] = {"tr"};
  r = Search(q);
  EXPECT_EQ(r.total, 10);
  EXPECT_EQ(r.facets["country"].size(), 1u);
  q.filters["country"] = {"TR", "GR"};
  q.filters["status"] = {"seized"};
  EXPECT_EQ(Search(q).total, 10);

  // Multi-valued facets and flags.
  auto all = Search("", true);
  EXPECT_EQ(all.facets["material"]["bronze"], 4);
  EXPECT_EQ(all.facets["material"]["silver"], 31);
  EXPECT_EQ(all.facets["flag"]["gap"], 1);
  EXPECT_EQ(all.facets["flag"]["nazi_era"], 1);
  EXPECT_EQ(all.facets["century"]["c-07"], 2);  // luristan (-1000..-650), german (-790..-450)
}

TEST_F(XapianSearchIndexTest, UnknownFilterIsInvalidArgument) {
  core::SearchQuery q;
  q.filters["colour"] = {"red"};
  auto r = index_->Search(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "colour");
}

TEST_F(XapianSearchIndexTest, SuggestsBetterSpellingWhenFewResults) {
  auto r = Search("brnze");
  EXPECT_EQ(r.total, 0);
  ASSERT_TRUE(r.suggestion.has_value());
  EXPECT_EQ(*r.suggestion, "bronze");
  r = Search("tetradrahm");
  ASSERT_TRUE(r.suggestion.has_value());
  EXPECT_EQ(*r.suggestion, "tetradrachm");
  // No suggestion when the query finds plenty.
  EXPECT_FALSE(Search("tetradrachm").suggestion.has_value());
  // Nor when every word is one the archive knows, even with few results:
  // only unknown words are corrected (operators and numbers aside).
  r = Search("tetradrachm AND bronze");
  EXPECT_LT(r.total, 5);
  EXPECT_FALSE(r.suggestion.has_value()) << *r.suggestion;
  r = Search("brnze AND horse");
  ASSERT_TRUE(r.suggestion.has_value());
  EXPECT_EQ(*r.suggestion, "bronze AND horse");
}

TEST_F(XapianSearchIndexTest, SpellingNeverSuggestsWordsOfRestrictedRecords) {
  // "auction" only occurs in the restricted record.
  auto r = Search("auctoin");
  EXPECT_FALSE(r.suggestion.has_value()) << *r.suggestion;
  // And restricted case data is not indexed at all, not even for spelling.
  r = Search("qwertyuiopp", true);
  EXPECT_FALSE(r.suggestion.has_value());
}

TEST_F(XapianSearchIndexTest, SimilarFindsRecordsLikeThisOne) {
  auto r = index_->Similar("coin-3", 10, false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 10u);
  for (const auto& h : *r) {
    EXPECT_NE(h.id, "coin-3");
    EXPECT_EQ(h.id.rfind("coin-", 0), 0u) << h.id;
  }
  auto horse = index_->Similar("luristan-horse", 5, false);
  ASSERT_TRUE(horse.ok());
  for (const auto& h : *horse) EXPECT_NE(h.id, "restricted-bronze");
  auto with = index_->Similar("luristan-horse", 5, true);
  ASSERT_TRUE(with.ok());
  bool found = false;
  for (const auto& h : *with) found |= h.id == "restricted-bronze";
  EXPECT_TRUE(found);  // the other bronze figurine

  auto missing = index_->Similar("no-such-id", 5, true);
  EXPECT_EQ(missing.status().code(), core::StatusCode::kNotFound);
  auto hidden = index_->Similar("restricted-bronze", 5, false);
  EXPECT_EQ(hidden.status().code(), core::StatusCode::kNotFound);
  EXPECT_TRUE(index_->Similar("restricted-bronze", 5, true).ok());
  EXPECT_EQ(index_->Similar("coin-1", 0, true).status().code(), core::StatusCode::kInvalidArgument);
}

TEST_F(XapianSearchIndexTest, SnippetsHighlightMatchesAndEscapeHtml) {
  auto r = Search("bowl");
  ASSERT_EQ(r.hits.size(), 1u);
  const auto& h = r.hits[0];
  EXPECT_EQ(h.title, "<script>alert(1)</script> Bronze bowl");  // plain text
  EXPECT_EQ(h.title_html.find("<script>"), std::string::npos) << h.title_html;
  EXPECT_NE(h.title_html.find("&lt;script&gt;"), std::string::npos) << h.title_html;
  EXPECT_NE(h.title_html.find("<mark>bowl</mark>"), std::string::npos) << h.title_html;
  EXPECT_NE(h.snippet.find("<mark>bowl</mark>"), std::string::npos) << h.snippet;
  EXPECT_EQ(h.snippet.find("<b>"), std::string::npos) << h.snippet;
  EXPECT_NE(h.snippet.find("&lt;b&gt;engraved&lt;/b&gt;"), std::string::npos) << h.snippet;
  EXPECT_NE(h.snippet.find("&amp;"), std::string::npos) << h.snippet;
  EXPECT_EQ(h.country, "IR");
  EXPECT_EQ(h.date_earliest, -800);
  EXPECT_EQ(h.date_display, "8th century BCE");

  // A hit in a document says which document and page.
  r = Search("hildebrand");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].doc_kind, "invoice");
  EXPECT_EQ(r.hits[0].doc_page, 3);
  EXPECT_EQ(r.hits[0].doc_sha256, "aa11");
  EXPECT_NE(r.hits[0].snippet.find("<mark>Hildebrand</mark>"), std::string::npos)
      << r.hits[0].snippet;
  // Words searched in a field are highlighted too.
  r = Search("doc:hildebrand");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].doc_page, 3);
  EXPECT_NE(r.hits[0].snippet.find("<mark>Hildebrand</mark>"), std::string::npos)
      << r.hits[0].snippet;
  r = Search("maker:berlin country:gr");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet.find("<mark>Berlin</mark>"), std::string::npos) << r.hits[0].snippet;
  // The provenance snippet of a provenance hit.
  r = Search("nefer");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet.find("<mark>Nefer</mark>"), std::string::npos) << r.hits[0].snippet;
  EXPECT_TRUE(r.hits[0].doc_kind.empty());
}

TEST_F(XapianSearchIndexTest, RestrictedRecordsAreFilteredFromTotalsFacetsAndPages) {
  auto pub = Search("bronze", false);
  auto all = Search("bronze", true);
  EXPECT_EQ(pub.total, 3);
  EXPECT_EQ(all.total, 4);
  EXPECT_FALSE(Has(pub, "restricted-bronze"));
  EXPECT_TRUE(Has(all, "restricted-bronze"));
  EXPECT_EQ(pub.facets["country"].count("IQ"), 0u);
  EXPECT_EQ(all.facets["country"]["IQ"], 1);
  EXPECT_EQ(pub.facets["status"].count("under_investigation"), 0u);
  EXPECT_EQ(all.facets["status"]["under_investigation"], 1);
  EXPECT_EQ(pub.facets["material"]["bronze"], 3);
  EXPECT_EQ(all.facets["material"]["bronze"], 4);
  EXPECT_EQ(pub.facets["century"].count("c-26"), 0u);

  // Everything, as anonymous and as investigator.
  auto everything_pub = Search("", false);
  auto everything_all = Search("", true);
  EXPECT_EQ(everything_pub.total + 1, everything_all.total);
  int64_t sum = 0;
  for (const auto& [v, n] : everything_pub.facets["status"]) sum += n;
  EXPECT_EQ(sum, everything_pub.total);

  // Boolean prefixes cannot get around the filter.
  EXPECT_EQ(Search("country:iq", false).total, 0);
  EXPECT_EQ(Search("country:iq", true).total, 1);
  EXPECT_EQ(Search("status:under_investigation", false).total, 0);
  // Nor can the identifier pin or a wildcard.
  EXPECT_EQ(Search("bu*", false).total, 0);
  EXPECT_TRUE(Search("bu*", true).total >= 1);
}

TEST_F(XapianSearchIndexTest, SampledFacetsAreFlaggedScaledAndNeverLeakRestrictedRecords) {
  // Above facet_sample matches the counts come from the first matches the
  // matcher checked, scaled to the total. The access filter is inside the
  // query, so the sample holds no restricted record.
  core::SearchQuery q;
  q.per_page = 2;
  q.facet_sample = 5;
  const auto exact_pub = Search("", false);
  ASSERT_GT(exact_pub.total, 10);
  EXPECT_FALSE(exact_pub.facets_are_estimates);
  auto pub = Search(q);
  EXPECT_TRUE(pub.facets_are_estimates);
  EXPECT_EQ(pub.hits.size(), 2u);
  EXPECT_EQ(pub.facets["country"].count("IQ"), 0u);
  EXPECT_EQ(pub.facets["status"].count("under_investigation"), 0u);
  EXPECT_EQ(pub.facets["century"].count("c-26"), 0u);
  for (const auto& [facet, counts] : pub.facets) {
    for (const auto& [v, n] : counts) {
      EXPECT_GE(n, 1) << facet << "=" << v;
      EXPECT_LE(n, pub.total) << facet << "=" << v;
      // Every sampled value occurs in the exact public counts.
      EXPECT_EQ(exact_pub.facets.at(facet).count(v), 1u) << facet << "=" << v;
    }
  }
  // The same for a word query and for the restricted-record filter words.
  q.q = "bronze OR tetradrachm";
  EXPECT_EQ(Search(q).facets["country"].count("IQ"), 0u);
  q.q = "country:iq OR tetradrachm";
  EXPECT_EQ(Search(q).facets["country"].count("IQ"), 0u);

  // facet_sample = 0 is always exact.
  q.q = "";
  q.facet_sample = 0;
  auto exact = Search(q);
  EXPECT_FALSE(exact.facets_are_estimates);
  EXPECT_EQ(exact.facets, exact_pub.facets);
}

TEST_F(XapianSearchIndexTest, RestrictedCaseDataNeverMatches) {
  for (const char* q : {"qwertyuiop", "smugglerson", "xyzzy", "CASE-XYZZY-77", "id:CASE-XYZZY-77",
                        "suspect", "xanadoodle", "informant", "doc:informant"}) {
    EXPECT_EQ(Search(q, true).total, 0) << q;
    EXPECT_EQ(Search(q, false).total, 0) << q;
  }
}

TEST_F(XapianSearchIndexTest, DeleteRemovesFromResults) {
  ASSERT_EQ(Search("kithara").total, 1);
  ASSERT_TRUE(store_.DeleteArtifact("attic-amphora", std::nullopt, "tester").ok());
  auto n = follower_->CatchUp();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Search("kithara").total, 0);
  EXPECT_EQ(Search("", true).facets["country"].count("GR"), 1u);  // coins remain
  EXPECT_EQ(Search("", true).facets["type"].count("vase"), 0u);
  EXPECT_EQ(*index_->DocumentCount(), *store_.CountArtifacts());
  // Its words leave the spelling data: no suggestion toward it.
  EXPECT_FALSE(Search("kithra").suggestion.has_value());
}

TEST_F(XapianSearchIndexTest, UpdateReplacesTheDocument) {
  auto a = *store_.GetArtifact("undated-mask");
  a.title = "Wooden dance mask";
  a.visibility = core::Visibility::kRestricted;
  ASSERT_TRUE(store_.UpdateArtifact(a, a.version, "tester").ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  EXPECT_EQ(Search("dance", false).total, 0);
  EXPECT_EQ(Search("dance", true).total, 1);
  EXPECT_EQ(Search("raffia", true).total, 1);
  EXPECT_EQ(*index_->DocumentCount(), *store_.CountArtifacts());
}

TEST_F(XapianSearchIndexTest, BadQueriesNeverThrowAndGiveResultsOrInvalidArgument) {
  const std::string huge(10000, 'a');
  std::string many_words;
  for (int i = 0; i < 150; ++i) many_words += "w" + std::to_string(i) + "* ";
  const std::string bad_utf8 = "bronze \xff\xfe";
  const std::vector<std::string> queries = {
      "\"unbalanced quote",
      "bronze \"",
      "AND",
      "OR",
      "NOT",
      "bronze AND",
      "AND bronze",
      "(bronze",
      "bronze)",
      "(((",
      "title:",
      "title:\"",
      "id:",
      "id:\"",
      "country:",
      "maker: title: doc:",
      "*",
      "a*",
      "**",
      "NEAR",
      "bronze NEAR",
      "NEAR/3 bronze",
      "bronze NEAR/999999 horse",
      "+",
      "-",
      "+-+-",
      "bronze ADJ/",
      "\"\"",
      "''",
      "\\",
      "%00",
      "🏺 amphora",
      "<script>alert(1)</script>",
      many_words.substr(0, 1000),
      huge,
      bad_utf8,
  };
  for (const auto& text : queries) {
    core::SearchQuery q;
    q.q = text;
    core::Result<core::SearchResults> r = index_->Search(q);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument) << text.substr(0, 40);
      EXPECT_EQ(r.status().field(), "q");
      EXPECT_FALSE(r.status().message().empty());
    }
  }
  core::SearchQuery q;
  q.q = huge;
  auto r = index_->Search(q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("1000"), std::string::npos);
  q.q = "bronze \"figurine";  // still finds what it can
  r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->total, 1);
  q.q = "horse AND";
  r = index_->Search(q);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->total, 1);
}

TEST_F(XapianSearchIndexTest, BadPagingIsInvalidArgument) {
  struct Case {
    int page, per_page;
    const char* field;
  } cases[] = {{0, 10, "page"},
               {-1, 10, "page"},
               {1, 0, "per_page"},
               {1, 101, "per_page"},
               {1000000, 100, "page"}};
  for (const auto& c : cases) {
    core::SearchQuery q;
    q.page = c.page;
    q.per_page = c.per_page;
    auto r = index_->Search(q);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().field(), c.field);
  }
}

TEST_F(XapianSearchIndexTest, WildcardExpansionIsCapped) {
  for (int i = 0; i < 400; ++i) {
    core::Artifact a = MakeArtifact("w-" + std::to_string(i), "Sherd");
    a.description = "zeta" + std::to_string(1000 + i);
    ASSERT_TRUE(store_.CreateArtifact(a, "tester").ok());
  }
  ASSERT_TRUE(follower_->CatchUp().ok());
  auto r = Search("zeta*");
  EXPECT_GT(r.total, 0);
  EXPECT_LE(r.total, 400);
}

TEST_F(XapianSearchIndexTest, ResultsRenderAsJson) {
  core::SearchQuery q;
  q.q = "hildebrand";
  auto r = Search(q);
  nlohmann::json j = core::SearchResultsToJson(r);
  EXPECT_EQ(j["total"], 1);
  EXPECT_EQ(j["results"][0]["id"], "painting");
  EXPECT_EQ(j["results"][0]["document"]["kind"], "invoice");
  EXPECT_EQ(j["results"][0]["document"]["page"], 3);
  EXPECT_EQ(j["facets"]["status"]["in_litigation"], 1);
  EXPECT_FALSE(j.contains("suggestion"));
  EXPECT_NO_THROW(j.dump());
}

// Spelling data counts each public record that has a word once, however
// the batches that brought the changes were cut (a batch sums its changes
// before writing them).
TEST(XapianSearchIndexSpellingTest, FrequenciesFollowPublicRecordsWithinAndAcrossBatches) {
  TempDir dir;
  const auto index_dir = dir.path / "index";
  auto index = XapianSearchIndex::Open(index_dir.string());
  ASSERT_TRUE(index.ok());
  auto item = [](std::string id, std::string title, bool restricted) {
    core::IndexedArtifact it{MakeArtifact(std::move(id), std::move(title)), {}, {}};
    if (restricted) it.artifact.visibility = core::Visibility::kRestricted;
    return it;
  };
  auto frequency = [&](const std::string& word) {
    (*index)->CloseWriter();
    Xapian::Database db((index_dir / (*index)->CurrentGeneration()).string());
    Xapian::TermIterator t = db.spellings_begin();
    t.skip_to(word);
    return t != db.spellings_end() && *t == word ? t.get_termfreq() : Xapian::doccount{0};
  };

  core::IndexBatch first;
  first.upserts = {item("a", "amphora krater", false), item("b", "amphora", false),
                   item("c", "amphora", true)};
  first.last_seq = 3;
  ASSERT_TRUE((*index)->ApplyBatch(first).ok());
  EXPECT_EQ(frequency("amphora"), 2u);
  EXPECT_EQ(frequency("krater"), 1u);

  // a loses the word, b goes, c becomes public; d is written twice in one
  // batch and e is added and deleted in it.
  core::IndexBatch second;
  second.upserts = {item("a", "krater", false), item("c", "amphora", false),
                    item("d", "lekythos", false), item("d", "lekythos pyxis", false),
                    item("e", "rhyton", false)};
  second.deletes = {"b"};
  second.last_seq = 9;
  ASSERT_TRUE((*index)->ApplyBatch(second).ok());
  core::IndexBatch third;
  third.deletes = {"e"};
  third.last_seq = 10;
  ASSERT_TRUE((*index)->ApplyBatch(third).ok());
  EXPECT_EQ(frequency("amphora"), 1u);
  EXPECT_EQ(frequency("krater"), 1u);
  EXPECT_EQ(frequency("lekythos"), 1u);
  EXPECT_EQ(frequency("pyxis"), 1u);
  EXPECT_EQ(frequency("rhyton"), 0u);
  EXPECT_EQ(*(*index)->LastAppliedSeq(), 10);
}

}  // namespace
}  // namespace custos::indexer::testing
