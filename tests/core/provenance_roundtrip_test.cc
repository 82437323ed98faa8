// Round trips: text -> periods -> text -> periods, and periods -> JSON ->
// periods; and the checks ProvenanceFromJson makes on what the API sends.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "custos/core/provenance.h"

namespace custos::core {
namespace {

using nlohmann::json;

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = {
      "Excavated at Tell Umar, Iraq, 1931; Sir Henry Ashby [1880-1952], London, by 1934 until "
      "1952; by inheritance to his daughter, Margaret Ashby, London; sold to Galerie Vesper, "
      "Geneva, June 3, 1968 [1]. Possibly private collection, Munich, 1970s. Seized by customs, "
      "Newark, NJ, 2019. NOTES: [1] Invoice no. 4411, see document.",
      "The artist; (Dealer Hall, Paris), 1911; purchased by Jean Roux, Lyon, probably 1912 until "
      "at least 1939; private collection, France, after 1945; gift to Museum, 1961.",
      "John Smith? [1880-1952], Boston, c. 1920; by descent to his heirs; sold at auction, "
      "Sotheby's, London, July 5, 1989, lot 23; (Sotheby's, London, 3 June 1990, lot 7).",
      "Found at Hoxne, England, November 16, 1992. Looted, Baghdad, April 2003; returned to the "
      "National Museum, Baghdad, 2010.",
      "excavated at ur, 500-400 BCE. probably purchased by Karl Hahn, 5th century BCE",
      "Anna Weiss, Vienna, 1931, see document sha256:"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef [2]; confiscated by the "
      "Gestapo, Vienna, 1938 [3]. NOTES: a preamble. [2] Letter. [3] Receipt "
      "FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210.",
      "Jean Roux, Lyon, 1912 or 1913 perhaps; ((broken. Anna Weiss, 1970s. !!!; Smith & Co. Ltd.",
      "Smith & Co.; Acme Inc. Possibly Foo., London. Seized by U.S. Army, Munich, 1945.",
      "Anna Weiss, 1931, Vienna; Anna Weiss, Vienna, June 3, 1968 until before 1970; Anna "
      "Weiss, between 1920 and 1925; Anna Weiss, first half of the 19th century.",
      "lent to the Metropolitan Museum, New York, 1960 until 1962; deposited with Banque "
      "Suisse, Zurich; commissioned by Count Orlov, 1890; Found Objects Ltd, Leeds.",
      "Her Majesty the Queen, Windsor; given to his nephew, Karl Hahn; bequest to the Louvre, "
      "Paris, 1970; exchanged with the Louvre, 1955.",
      ";;;;Anna Weiss;;;; . . . Karl Hahn",
      "NOTES: [1] only notes",
      "Foo.[1]. Bar [1880-1952]? [2]; (?), 1950; ?, 1960; [1880-1952], 1970. NOTES: [1] x [2] y",
      "Anna Weiss, 1880's; Karl Hahn, 1910-12; Ida Roth, 1968-06; Max Stern, AD 79.",
  };
  return corpus;
}

void ExpectSamePeriods(const Provenance& a, const Provenance& b) {
  ASSERT_EQ(a.periods.size(), b.periods.size());
  for (size_t i = 0; i < a.periods.size(); ++i) {
    EXPECT_TRUE(SamePeriod(a.periods[i], b.periods[i]))
        << "period " << i << "\n  " << ProvenancePeriodToJson(a.periods[i]).dump() << "\n  "
        << ProvenancePeriodToJson(b.periods[i]).dump();
  }
  EXPECT_EQ(a.footnotes, b.footnotes);
}

class ProvenanceRoundTripTest : public testing::TestWithParam<size_t> {};

TEST_P(ProvenanceRoundTripTest, TextToPeriodsToTextKeepsThePeriods) {
  const std::string& text = Corpus()[GetParam()];
  const Provenance first = ParseProvenance(text);
  const std::string rendered = RenderProvenance(first);
  SCOPED_TRACE(rendered);
  const Provenance second = ParseProvenance(rendered);
  ExpectSamePeriods(first, second);
  EXPECT_EQ(RenderProvenance(second), rendered);  // rendering is a fixed point
}

TEST_P(ProvenanceRoundTripTest, PeriodsToJsonToPeriodsKeepsEverything) {
  const Provenance first = ParseProvenance(Corpus()[GetParam()]);
  const json j = ProvenanceToJson(first);
  auto whole = ProvenanceFromJson(j);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->periods, first.periods);
  EXPECT_EQ(whole->footnotes, first.footnotes);
  EXPECT_EQ(whole->warnings, first.warnings);
  auto periods_only = ProvenanceFromJson(j["periods"]);
  ASSERT_TRUE(periods_only.ok()) << periods_only.status().ToString();
  EXPECT_EQ(periods_only->periods, first.periods);
  // The JSON serialises (valid UTF-8, no exceptions).
  EXPECT_FALSE(j.dump().empty());
}

INSTANTIATE_TEST_SUITE_P(ProvenanceCorpus, ProvenanceRoundTripTest,
                         testing::Range<size_t>(0, Corpus().size()));

TEST(ProvenanceRoundTripTest, RendersTheIssueExamplesAsWritten) {
  for (size_t i : {0u, 1u}) {
    EXPECT_EQ(RenderProvenance(ParseProvenance(Corpus()[i])), Corpus()[i]);
  }
}

TEST(ProvenanceRoundTripTest, RendersStructuredPeriodsInTheStandardForm) {
  Provenance p;
  ProvenancePeriod a;
  a.party.name = "Dealer Hall";
  a.party.is_dealer = true;
  a.place = "Paris";
  a.begin_of_the_begin = "1911-01-01";
  a.end_of_the_begin = "1911-12-31";
  a.direct_transfer = true;
  ProvenancePeriod b;
  b.method = AcquisitionMethod::kPurchase;
  b.certainty = Certainty::kProbable;
  b.party.name = "Jean Roux";
  b.party.life_dates = "1870-1950";
  b.end_of_the_begin = "1912-03-01";
  b.begin_of_the_end = "1939-01-01";
  b.footnotes = {1};
  p.periods = {a, b};
  p.footnotes = {{1, "Stock book.", {}}};
  EXPECT_EQ(RenderProvenance(p),
            "(Dealer Hall, Paris), 1911; probably purchased by Jean Roux [1870-1950], by March 1, "
            "1912 until at least 1939 [1]. NOTES: [1] Stock book.");
}

// ---- ProvenanceFromJson: what the API accepts and rejects ----

json Period(json fields) {
  json p = {{"party", {{"name", "Anna Weiss"}}}, {"place", "Vienna"}};
  for (auto& [k, v] : fields.items()) p[k] = v;
  return p;
}

TEST(ProvenanceFromJsonTest, ComputesBoundsFromDateText) {
  auto r = ProvenanceFromJson(json::array({Period({{"date_text", "by 1934 until 1952"}})}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ProvenancePeriod& p = r->periods[0];
  EXPECT_EQ(p.begin_of_the_begin, std::nullopt);
  EXPECT_EQ(p.end_of_the_begin, "1934-12-31");
  EXPECT_EQ(p.begin_of_the_end, "1952-01-01");
  EXPECT_EQ(p.end_of_the_end, "1952-12-31");
  EXPECT_EQ(p.raw, "Anna Weiss, Vienna, by 1934 until 1952");
  EXPECT_TRUE(r->warnings.empty());
}

TEST(ProvenanceFromJsonTest, WritesDateTextFromBounds) {
  auto r = ProvenanceFromJson(json::array(
      {Period({{"begin_of_the_begin", "1968-06-03"}, {"end_of_the_begin", "1968-06-03"}})}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->periods[0].date_text, "June 3, 1968");
}

TEST(ProvenanceFromJsonTest, BoundsWinOverADisagreeingDateTextWithAWarning) {
  auto r = ProvenanceFromJson(json::array({Period({{"date_text", "1931"},
                                                   {"begin_of_the_begin", "1932-01-01"},
                                                   {"end_of_the_begin", "1932-12-31"}})}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->periods[0].date_text, "1932");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("provenance[0].date_text"), std::string::npos);
}

TEST(ProvenanceFromJsonTest, FillsTheCanonicalPhraseForAMethod) {
  auto r = ProvenanceFromJson(json::array({Period({{"method", "sale"}})}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->periods[0].method_phrase, "sold to");
  EXPECT_EQ(RenderProvenancePeriod(r->periods[0]), "sold to Anna Weiss, Vienna");
}

struct BadJson {
  json input;
  std::string field;
};

class ProvenanceFromJsonRejectTest : public testing::TestWithParam<BadJson> {};

TEST_P(ProvenanceFromJsonRejectTest, NamesTheField) {
  auto r = ProvenanceFromJson(GetParam().input);
  ASSERT_FALSE(r.ok()) << GetParam().input.dump();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), GetParam().field) << r.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    ProvenanceCases, ProvenanceFromJsonRejectTest,
    testing::Values(
        BadJson{json("text"), "provenance"}, BadJson{json::array({42}), "provenance[0]"},
        BadJson{json::array({Period({{"colour", "red"}})}), "provenance[0].colour"},
        BadJson{json::array({Period({}), Period({{"place", 7}})}), "provenance[1].place"},
        BadJson{json::array({Period({{"party", {{"name", "A"}, {"age", 3}}}})}),
                "provenance[0].party.age"},
        BadJson{json::array({Period({{"party", {{"is_dealer", "yes"}}}})}),
                "provenance[0].party.is_dealer"},
        BadJson{json::array({Period({{"end_of_the_end", "1952-02-30"}})}),
                "provenance[0].end_of_the_end"},
        BadJson{json::array({Period({{"begin_of_the_begin", "1968"}})}),
                "provenance[0].begin_of_the_begin"},
        BadJson{json::array({Period({{"begin_of_the_end", "1960-01-01"},
                                     {"end_of_the_end", "1950-01-01"}})}),
                "provenance[0].end_of_the_end"},
        BadJson{json::array({Period({{"begin_of_the_begin", "1960-01-01"},
                                     {"end_of_the_end", "1950-01-01"}})}),
                "provenance[0].end_of_the_end"},
        BadJson{json::array({Period({{"method", "teleportation"}})}), "provenance[0].method"},
        BadJson{json::array({Period({{"method", "gift"}, {"method_phrase", "sold to"}})}),
                "provenance[0].method_phrase"},
        BadJson{json::array({Period({{"certainty", "maybe"}})}), "provenance[0].certainty"},
        BadJson{json::array({Period({{"date_text", "whenever"}})}), "provenance[0].date_text"},
        BadJson{json::array({Period({{"footnotes", {0}}})}), "provenance[0].footnotes[0]"},
        BadJson{json::array({Period({{"documents", {"abc"}}})}), "provenance[0].documents[0]"},
        BadJson{json::array({Period({{"unparsed", true}})}), "provenance[0].raw"},
        BadJson{json::array({Period({{"party", {{"name", "Smith, John"}}}})}),
                "provenance[0].party.name"},
        BadJson{json::array({Period({{"place", "Vienna; Berlin"}})}), "provenance[0]"},
        BadJson{json::array({Period({{"role", "the heir"}})}), "provenance[0].role"},
        BadJson{json::array({Period({{"party", {{"name", "Smith 1920"}}}})}), "provenance[0]"},
        BadJson{json::array({Period({{"party", {{"name", "Anna \xC3"}}}})}),
                "provenance[0].party.name"},
        BadJson{json{{"periods", json::array()}, {"extra", 1}}, "provenance.extra"},
        BadJson{json{{"footnotes", {{{"number", 1}, {"text", "a [2] b"}}}}},
                "provenance.footnotes[0].text"},
        BadJson{json{{"footnotes", {{{"number", 1}}, {{"number", 1}}}}},
                "provenance.footnotes[1].number"}));

}  // namespace
}  // namespace custos::core
