// Gap findings: for each rule, provenances that must and must not raise it.
#include "custos/core/gap_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "custos/core/provenance.h"

namespace custos::core {
namespace {

struct RuleCase {
  const char* name;
  std::string text;
  GapContext ctx;
  std::string rule;
  bool raised;
};

GapContext Painting(int year) {
  GapContext c;
  c.object_type = "oil painting";
  c.date_earliest = year;
  c.date_latest = year;
  return c;
}

GapContext Antiquity(std::string type, std::string country, bool licence = false) {
  GapContext c;
  c.object_type = std::move(type);
  c.country_of_origin = std::move(country);
  c.date_earliest = -2000;
  c.date_latest = -1800;
  c.has_export_licence = licence;
  return c;
}

std::vector<GapFlag> Flags(const RuleCase& c) { return FindGaps(ParseProvenance(c.text), c.ctx); }

bool Has(const std::vector<GapFlag>& flags, const std::string& rule) {
  return std::any_of(flags.begin(), flags.end(), [&](const GapFlag& f) { return f.rule == rule; });
}

class ProvenanceGapRulesTest : public testing::TestWithParam<RuleCase> {};

TEST_P(ProvenanceGapRulesTest, RaisesOrNot) {
  const RuleCase& c = GetParam();
  SCOPED_TRACE(c.text);
  const auto flags = Flags(c);
  EXPECT_EQ(Has(flags, c.rule), c.raised) << GapFlagsToJson(flags).dump(1);
  for (const GapFlag& f : flags) {
    EXPECT_FALSE(f.message.empty());
    EXPECT_TRUE(f.message.back() == '.') << f.message;
    for (int i : f.periods)
      EXPECT_LT(static_cast<size_t>(i), ParseProvenance(c.text).periods.size());
  }
}

INSTANTIATE_TEST_SUITE_P(
    ProvenanceRules, ProvenanceGapRulesTest,
    testing::Values(
        // ---- nazi_era: must raise ----
        RuleCase{"NaziGap", "Anna Weiss, New York, until 1935. Karl Hahn, New York, 1950.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziUndocumentedTransfer",
                 "Anna Weiss, New York, 1920 until 1938. Karl Hahn, New York, 1938.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziUncertainParty",
                 "Anna Weiss, New York, 1920; possibly Karl Hahn, New York, 1937; gift to "
                 "Museum, New York, 1960.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziQuestionMarkParty",
                 "Anna Weiss, New York, 1920; Karl Hahn?, New York, 1937; gift to Museum, New "
                 "York, 1960.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziChangeOfHandsInEurope",
                 "Anna Weiss, Vienna, 1920; sold to Karl Hahn, Vienna, 1938; gift to Museum, New "
                 "York, 1960.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziDealerInGermany",
                 "Anna Weiss, New York, 1920; (Kunsthandel Nord, Munich), by 1940; gift to "
                 "Museum, New York, 1960.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziProvenanceStartsAfterTheWar", "private collection, New York, 1960.",
                 Painting(1900), "nazi_era", true},
        RuleCase{"NaziNoProvenanceAtAll", "", Painting(1900), "nazi_era", true},
        RuleCase{"NaziIssueExampleWithoutDirectTransfer",
                 "The artist; (Dealer Hall, Paris), 1911; purchased by Jean Roux, Lyon, probably "
                 "1912 until at least 1939. private collection, France, after 1945; gift to "
                 "Museum, 1961.",
                 Painting(1905), "nazi_era", true},
        // ---- nazi_era: must not raise ----
        // Jean Roux held it from 1912 and passed it directly (';') to the
        // private collection after 1945: no gap, no change of hands in the era.
        RuleCase{"NaziIssueExampleAsWritten",
                 "The artist; (Dealer Hall, Paris), 1911; purchased by Jean Roux, Lyon, probably "
                 "1912 until at least 1939; private collection, France, after 1945; gift to "
                 "Museum, 1961.",
                 Painting(1905), "nazi_era", false},
        RuleCase{"NaziMadeAfterTheWar",
                 "Anna Weiss, Vienna, 1950. possibly Karl Hahn, Munich, 1960.", Painting(1950),
                 "nazi_era", false},
        RuleCase{"NaziDirectAndOutsideEurope",
                 "Anna Weiss, New York, 1920; sold to Karl Hahn, New York, 1950.", Painting(1900),
                 "nazi_era", false},
        RuleCase{"NaziCreatorHeldIt", "The artist, New York; sold to Karl Hahn, New York, 1950.",
                 Painting(1930), "nazi_era", false},
        RuleCase{"NaziEuropeanSalesOutsideTheEra",
                 "Anna Weiss, Paris, 1920; sold to Karl Hahn, Paris, 1925; sold to Museum, New "
                 "York, 1950.",
                 Painting(1900), "nazi_era", false},
        RuleCase{"NaziUncertainOnlyAfterTheWar",
                 "Anna Weiss, New York, 1920; possibly Karl Hahn, New York, 1950.", Painting(1900),
                 "nazi_era", false},

        // ---- unesco_1970: must raise ----
        RuleCase{"UnescoNoPresenceAbroadBefore1970",
                 "Excavated at Tell Umar, Iraq, 1931. Sold to Karl Hahn, London, 1985.",
                 Antiquity("cylinder seal", "IQ"), "unesco_1970", true},
        RuleCase{"UnescoNoProvenance", "", Antiquity("antiquity", "GR"), "unesco_1970", true},
        RuleCase{"UnescoOnlyPossiblyAbroad",
                 "Possibly private collection, London, 1960; sold to Karl Hahn, New York, 1990.",
                 Antiquity("Roman coin", "IT"), "unesco_1970", true},
        RuleCase{"UnescoExcavationMakesItArchaeological",
                 "Excavated at Tell Umar, Iraq, 1990; sold to Karl Hahn, Geneva, 1995.",
                 Painting(1900), "unesco_1970", true},
        RuleCase{"UnescoOriginFromTheFindPlace",
                 "Excavated at Tell Umar, Iraq, 1960; Karl Hahn, Baghdad, 1965; sold to Anna "
                 "Weiss, London, 1980.",
                 Antiquity("figurine", ""), "unesco_1970", true},
        RuleCase{"UnescoEthnographicMask", "sold to Karl Hahn, Paris, 1975.",
                 Antiquity("ethnographic mask", "CD"), "unesco_1970", true},
        // ---- unesco_1970: must not raise ----
        RuleCase{"UnescoAbroadBy1934",
                 "Excavated at Tell Umar, Iraq, 1931; Sir Henry Ashby, London, by 1934.",
                 Antiquity("cylinder seal", "IQ"), "unesco_1970", false},
        RuleCase{"UnescoExportLicence", "Sold to Karl Hahn, London, 1985.",
                 Antiquity("cylinder seal", "IQ", true), "unesco_1970", false},
        RuleCase{"UnescoNotArchaeological", "Sold to Karl Hahn, London, 1985.", Painting(1900),
                 "unesco_1970", false},
        RuleCase{"UnescoInNewYorkBy1969", "Karl Hahn, New York, by 1969; gift to Museum, 1990.",
                 Antiquity("Attic red-figure vessel", "GR"), "unesco_1970", false},

        // ---- gap: must raise ----
        RuleCase{"GapBetweenUndocumentedPeriods", "Anna Weiss, 1950. Karl Hahn, 1960.",
                 Painting(1950), "gap", true},
        RuleCase{"GapAfterAnEnd", "Anna Weiss, 1950 until 1952. Karl Hahn, 1960.", Painting(1950),
                 "gap", true},
        RuleCase{"GapAcrossAnUndatedPeriod", "Anna Weiss, 1950. Ida Roth. Karl Hahn, 1990.",
                 Painting(1950), "gap", true},
        // ---- gap: must not raise ----
        RuleCase{"GapNotWhenDirect", "Anna Weiss, 1950; Karl Hahn, 1960.", Painting(1950), "gap",
                 false},
        RuleCase{"GapNotWhenDatesMeet", "Anna Weiss, 1950 until 1955. Karl Hahn, 1955.",
                 Painting(1950), "gap", false},
        RuleCase{"GapNotWhenFuzzyDatesOverlap", "Anna Weiss, 1950s. Karl Hahn, c. 1961.",
                 Painting(1950), "gap", false},
        RuleCase{"GapInsideTheNaziEraIsReportedThere",
                 "Anna Weiss, New York, until 1935. Karl Hahn, New York, 1940.", Painting(1900),
                 "gap", false},

        // ---- undated: must raise ----
        RuleCase{"UndatedMiddlePeriod", "Anna Weiss, 1950; Ida Roth; Karl Hahn, 1970.",
                 Painting(1950), "undated", true},
        RuleCase{"UndatedUnparsedPeriod", "Anna Weiss, 1950; ((broken; Karl Hahn, 1970.",
                 Painting(1950), "undated", true},
        // ---- undated: must not raise ----
        RuleCase{"UndatedNotForTheArtist", "The artist; Karl Hahn, 1950.", Painting(1950),
                 "undated", false},
        RuleCase{"UndatedNotWhenAllDated", "Anna Weiss, 1950; Karl Hahn, until 1970.",
                 Painting(1950), "undated", false}),
    [](const testing::TestParamInfo<RuleCase>& param) { return std::string(param.param.name); });

TEST(ProvenanceGapRulesTest, GapSpanUsesTheNearestKnownDates) {
  const auto flags =
      FindGaps(ParseProvenance("Anna Weiss, 1950 until 1952. Karl Hahn, 1960s."), Painting(1950));
  ASSERT_EQ(flags.size(), 1u) << GapFlagsToJson(flags).dump(1);
  EXPECT_EQ(flags[0].rule, "gap");
  EXPECT_EQ(flags[0].from, "1952-12-31");
  EXPECT_EQ(flags[0].to, "1960-01-01");
  EXPECT_EQ(flags[0].periods, (std::vector<int>{0, 1}));
  EXPECT_NE(flags[0].message.find("Anna Weiss"), std::string::npos);
  EXPECT_NE(flags[0].message.find("Karl Hahn"), std::string::npos);
}

TEST(ProvenanceGapRulesTest, NaziEraFlagsAreClippedToTheEra) {
  const auto flags =
      FindGaps(ParseProvenance("Anna Weiss, New York, until 1930. Karl Hahn, New York, 1950."),
               Painting(1900));
  ASSERT_TRUE(Has(flags, "nazi_era"));
  const GapFlag& f = flags[0];
  EXPECT_EQ(f.rule, "nazi_era");
  EXPECT_EQ(f.from, "1933-01-01");
  EXPECT_EQ(f.to, "1945-12-31");
  // Outside the era the same gap is still reported as a gap.
  EXPECT_TRUE(Has(flags, "gap"));
}

TEST(ProvenanceGapRulesTest, UnescoFlagEndsAtTheConventionDate) {
  const auto flags =
      FindGaps(ParseProvenance("Sold to Karl Hahn, London, 1985."), Antiquity("stele", "EG"));
  const auto it = std::find_if(flags.begin(), flags.end(),
                               [](const GapFlag& f) { return f.rule == "unesco_1970"; });
  ASSERT_NE(it, flags.end());
  EXPECT_EQ(it->from, std::nullopt);
  EXPECT_EQ(it->to, "1970-11-17");
  EXPECT_EQ(it->periods, std::vector<int>{0});
  EXPECT_NE(it->message.find("EG"), std::string::npos);
  // The stele existed before 1946 and its provenance starts in 1985.
  EXPECT_TRUE(Has(flags, "nazi_era"));
}

TEST(ProvenanceGapRulesTest, FlagsSerialise) {
  const auto flags = FindGaps(ParseProvenance("Anna Weiss, 1950. Ida Roth."), Painting(1950));
  const nlohmann::json j = GapFlagsToJson(flags);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["rule"], "undated");
  EXPECT_TRUE(j[0]["from"].is_null());
  EXPECT_EQ(j[0]["periods"], nlohmann::json::array({1}));
  EXPECT_TRUE(j[0]["message"].is_string());
}

TEST(ProvenanceGapRulesTest, RecognisesPlaces) {
  EXPECT_EQ(CountryOfPlace("Munich"), "DE");
  EXPECT_EQ(CountryOfPlace("M\xC3\xBCnchen"), "DE");
  EXPECT_EQ(CountryOfPlace("Newark, NJ"), "US");
  EXPECT_EQ(CountryOfPlace("Tell Umar, Iraq"), "IQ");
  EXPECT_EQ(CountryOfPlace("Cambridge, MA"), "US");
  EXPECT_EQ(CountryOfPlace("The Hague"), "NL");
  EXPECT_EQ(CountryOfPlace("a village in southern Iraq"), "IQ");
  EXPECT_EQ(CountryOfPlace("Atlantis"), "");
  EXPECT_TRUE(IsContinentalEurope("FR"));
  EXPECT_TRUE(IsContinentalEurope("ch"));
  EXPECT_FALSE(IsContinentalEurope("GB"));
  EXPECT_FALSE(IsContinentalEurope("US"));
  EXPECT_TRUE(IsArchaeologicalOrEthnographic("Cylinder seal"));
  EXPECT_TRUE(IsArchaeologicalOrEthnographic("coins"));
  EXPECT_FALSE(IsArchaeologicalOrEthnographic("oil painting"));
  EXPECT_FALSE(IsArchaeologicalOrEthnographic("sealed letter"));
}

}  // namespace
}  // namespace custos::core
