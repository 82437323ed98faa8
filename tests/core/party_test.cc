#include "custos/core/party.h"

#include <gtest/gtest.h>

#include "custos/core/artifact_derive.h"
#include "custos/core/provenance.h"

namespace custos::core {
namespace {

TEST(PartyNameKeyTest, FoldsCaseDiacriticsPunctuationAndSuffixes) {
  struct Case {
    const char* name;
    const char* key;
  };
  const Case cases[] = {
      {"John Smith", "john smith"},
      {"  JOHN   smith ", "john smith"},
      {"Jürgen Müller", "jurgen muller"},
      {"Élodie Dupré-Łukasz", "elodie dupre lukasz"},
      {"Christie's", "christies"},
      {"Christie\xE2\x80\x99s", "christies"},
      {"Spink & Son", "spink and son"},
      {"Smith & Co.", "smith"},
      {"Smith and Co", "smith"},
      {"Acme Trading Inc.", "acme trading"},
      {"Acme Trading, Ltd.", "acme trading"},
      {"Galerie Vesper S.A.", "galerie vesper"},
      {"Kunsthandel Berg GmbH", "kunsthandel berg"},
      {"The Phoenix Gallery", "phoenix gallery"},
      {"J.Smith", "j smith"},
      {"Inc.", "inc"},
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PartyNameKey(c.name), c.key) << c.name;
  }
}

struct MatchCase {
  const char* a;
  YearSpan a_years;
  const char* b;
  YearSpan b_years;
};

TEST(MatchPartyNamesTest, PairsThatMustMatch) {
  const MatchCase cases[] = {
      {"John Smith", {}, "JOHN SMITH", {}},
      {"Jürgen Müller", {}, "Jurgen Muller", {}},
      {"Spink & Son", {}, "Spink and Son", {}},
      {"Acme Trading Inc.", {}, "Acme Trading Ltd", {}},
      {"Galerie Vesper S.A.", {}, "Galerie Vesper", {}},
      {"The Phoenix Gallery", {}, "Phoenix Gallery", {}},
      {"Sir Henry Ashby", {}, "Henry Ashby", {}},
      {"Christie's", {}, "Christies", {}},
      {"John Smith", {1900, 1950}, "John Smith", {1920, 1990}},
      {"John Smith", {}, "John Smith", {1720, 1730}},  // one side undated
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchPartyNames(c.a, c.a_years, c.b, c.b_years), PartyMatch::kSame)
        << c.a << " / " << c.b;
    EXPECT_EQ(MatchPartyNames(c.b, c.b_years, c.a, c.a_years), PartyMatch::kSame)
        << c.b << " / " << c.a << " (symmetric)";
  }
}

TEST(MatchPartyNamesTest, PairsThatMustBeProposed) {
  const MatchCase cases[] = {
      {"J. Smith", {}, "John Smith", {}},
      {"J Smith", {}, "John Smith", {}},
      {"John A. Smith", {}, "John Smith", {}},
      {"J. A. Smith", {}, "John Arthur Smith", {}},
      {"Smith", {}, "John Smith", {}},
      {"Galerie Vesper", {}, "Galerie Vesper Geneva", {}},
      {"É. Dupré", {1920, 1930}, "Élodie Dupré", {1925, 1960}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchPartyNames(c.a, c.a_years, c.b, c.b_years), PartyMatch::kProbable)
        << c.a << " / " << c.b;
    EXPECT_EQ(MatchPartyNames(c.b, c.b_years, c.a, c.a_years), PartyMatch::kProbable)
        << c.b << " / " << c.a << " (symmetric)";
  }
}

TEST(MatchPartyNamesTest, PairsThatMustNotMatch) {
  const MatchCase cases[] = {
      {"John Smith", {}, "Jane Smith", {}},
      {"John Smith", {}, "John Smyth", {}},
      {"J. Smith", {}, "Peter Smith", {}},
      {"Arthur John Smith", {}, "John Smith", {}},  // a different first name
      // Two people of the same name in different centuries.
      {"John Smith", {1750, 1790}, "John Smith", {1905, 1950}},
      {"J. Smith", {1750, 1790}, "John Smith", {1905, 1950}},
      {"private collection", {}, "Private Collection", {}},
      {"Galerie Vesper", {}, "Galerie Mars", {}},
      {"Gallery", {}, "Phoenix Gallery", {}},
      {"Inc.", {}, "Acme Inc.", {}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchPartyNames(c.a, c.a_years, c.b, c.b_years), PartyMatch::kDifferent)
        << c.a << " / " << c.b;
    EXPECT_EQ(MatchPartyNames(c.b, c.b_years, c.a, c.a_years), PartyMatch::kDifferent)
        << c.b << " / " << c.a << " (symmetric)";
  }
}

TEST(PartyKindTest, GuessesOrganisations) {
  EXPECT_EQ(GuessPartyKind("Sotheby's"), PartyKind::kOrganisation);
  EXPECT_EQ(GuessPartyKind("Galerie Vesper"), PartyKind::kOrganisation);
  EXPECT_EQ(GuessPartyKind("Metropolitan Museum of Art"), PartyKind::kOrganisation);
  EXPECT_EQ(GuessPartyKind("Spink & Son"), PartyKind::kOrganisation);
  EXPECT_EQ(GuessPartyKind("John Smith"), PartyKind::kPerson);
}

TEST(ParseLifeDatesTest, ReadsCommonForms) {
  auto s = ParseLifeDates("1880-1952");
  EXPECT_EQ(s.first, 1880);
  EXPECT_EQ(s.last, 1952);
  s = ParseLifeDates("b. 1901");
  EXPECT_EQ(s.first, 1901);
  EXPECT_FALSE(s.last.has_value());
  s = ParseLifeDates("d. 1950");
  EXPECT_FALSE(s.first.has_value());
  EXPECT_EQ(s.last, 1950);
  EXPECT_FALSE(ParseLifeDates("").known());
}

Artifact WithProvenance(const std::string& text, const std::string& maker = "") {
  Artifact a;
  a.id = "a-1";
  a.title = "Test";
  a.maker = maker;
  a.provenance_text = text;
  EXPECT_TRUE(DeriveArtifactFields(a).ok());
  return a;
}

TEST(ExtractPartyMentionsTest, ReadsPeriodsRolesDatesAndTransfers) {
  Artifact a = WithProvenance(
      "Excavated by Henri Lamy, 1911; (Dealer Hall, Paris), 1920; sold to John Smith [1880-1952], "
      "London, 1931. private collection, France; Sotheby's, London, June 3, 1968, lot 23.");
  auto m = ExtractPartyMentions(a, {});
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].name, "Henri Lamy");
  EXPECT_EQ(m[0].role, "excavation");
  EXPECT_EQ(m[0].position, 0);
  EXPECT_EQ(m[0].years.first, 1911);
  EXPECT_TRUE(m[0].transfers_to_next);
  EXPECT_EQ(m[0].next_position, 1);
  EXPECT_EQ(m[1].name, "Dealer Hall");
  EXPECT_EQ(m[1].role, "dealer");
  EXPECT_EQ(m[1].place, "Paris");
  EXPECT_TRUE(m[1].transfers_to_next);
  EXPECT_EQ(m[2].key, "john smith");
  EXPECT_EQ(m[2].method, "sale");
  EXPECT_EQ(m[2].life.first, 1880);
  EXPECT_EQ(m[2].years.first, 1931);
  EXPECT_FALSE(m[2].transfers_to_next) << "the period ends with '.'";
  // "private collection" (position 3) is not a party and breaks the chain.
  EXPECT_EQ(m[3].name, "Sotheby's");
  EXPECT_EQ(m[3].position, 4);
  EXPECT_EQ(m[3].role, "auction");
  EXPECT_FALSE(m[3].transfers_to_next);
}

TEST(ExtractPartyMentionsTest, AnonymousPeriodBreaksTheChain) {
  Artifact a = WithProvenance("Anna Weiss, Vienna; private collection; Galerie Mars, Geneva.");
  auto m = ExtractPartyMentions(a, {});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_FALSE(m[0].transfers_to_next);
}

TEST(ExtractPartyMentionsTest, TheArtistIsTheMaker) {
  Artifact a = WithProvenance("the artist; sold to Anna Weiss, 1931.", "Paul Klee");
  auto m = ExtractPartyMentions(a, {});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name, "Paul Klee");
  EXPECT_TRUE(m[0].transfers_to_next);
  Artifact b = WithProvenance("the artist; sold to Anna Weiss, 1931.");
  m = ExtractPartyMentions(b, {});
  ASSERT_EQ(m.size(), 1u) << "no maker: the artist is nobody we can name";
  EXPECT_EQ(m[0].name, "Anna Weiss");
}

TEST(ExtractPartyMentionsTest, ByDescentNamesOnlyTheHeir) {
  Artifact a = WithProvenance(
      "John Smith, London; by descent to his son Peter Smith, 1950; by descent to Mary Smith.");
  auto m = ExtractPartyMentions(a, {});
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[1].name, "Peter Smith");
  EXPECT_EQ(m[2].name, "Mary Smith");
  for (const auto& x : m) {
    EXPECT_EQ(x.name.find('('), std::string::npos) << x.name;
    EXPECT_EQ(x.name.find("descent"), std::string::npos) << x.name;
  }
}

TEST(ExtractPartyMentionsTest, FromPhrasesNameTheSellerNotThePhrase) {
  // The corpus generator's (and many catalogues') "Acquired from X".
  struct Case {
    const char* text;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      {"Purchased by Paul Marchetti, Vienna, 1929; Acquired from Sotheby's, Basel, 1945.",
       {"Paul Marchetti", "Sotheby's"}},
      {"Anna Weiss; acquired from Galerie Moreau, Paris, 1950; sold to Jean Weber, 1971.",
       {"Anna Weiss", "Galerie Moreau", "Jean Weber"}},
      {"Purchased from Hotel Drouot, 1901. Bought from Spink, London, 1930.",
       {"Hotel Drouot", "Spink"}},
  };
  for (const Case& c : cases) {
    auto m = ExtractPartyMentions(WithProvenance(c.text), {});
    std::vector<std::string> names;
    for (const auto& x : m) names.push_back(x.name);
    EXPECT_EQ(names, c.names) << c.text;
  }
  auto m = ExtractPartyMentions(WithProvenance(cases[0].text), {});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].key, "sothebys");
  EXPECT_EQ(m[1].method, "acquisition");
  EXPECT_EQ(m[1].place, "Basel");
  EXPECT_TRUE(m[0].transfers_to_next);
}

TEST(ExtractPartyMentionsTest, CustodyActorsFormAChain) {
  Artifact a = WithProvenance("");
  std::vector<CustodyEntry> c(3);
  c[0].actor = "HSI Newark";
  c[0].seq = 0;
  c[0].event = CustodyEvent::kSeizure;
  c[0].time = "2019-05-01T00:00:00Z";
  c[1].actor = "HSI Newark";
  c[1].seq = 1;
  c[1].time = "2019-06-01T00:00:00Z";
  c[2].actor = "Ministry of Culture";
  c[2].seq = 2;
  c[2].event = CustodyEvent::kRepatriation;
  c[2].time = "2021-01-01T00:00:00Z";
  auto m = ExtractPartyMentions(a, c);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].source, PartyMention::Source::kCustody);
  EXPECT_EQ(m[0].method, "seizure");
  EXPECT_EQ(m[0].years.first, 2019);
  EXPECT_FALSE(m[0].transfers_to_next) << "same actor twice is no transfer";
  EXPECT_TRUE(m[1].transfers_to_next);
  EXPECT_EQ(m[1].next_position, 2);
  EXPECT_EQ(m[2].role, "custody");
}

}  // namespace
}  // namespace custos::core
