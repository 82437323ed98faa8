#include "schema.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <string>

#include "custos/indexer/xapian_search_index.h"

namespace custos::indexer {
namespace {

TEST(NormaliseIdentifierTest, KeepsLowerCasedLettersAndDigitsOnly) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"INV 1931.4/22", "inv1931422"},
      {"inv-1931-4-22", "inv1931422"},
      {"  Inv.1931.4 / 22 ", "inv1931422"},
      {"ÄGYPT-Ä 12", "ägyptä12"},
      {"---", ""},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(NormaliseIdentifier(c.in), c.want) << c.in;
}

TEST(CenturyKeyTest, CountsCenturiesAsCataloguersDo) {
  struct Case {
    int year;
    const char* want;
  } cases[] = {
      {1800, "c+19"}, {1899, "c+19"}, {1900, "c+20"},  {1, "c+01"},
      {99, "c+01"},   {100, "c+02"},  {2024, "c+21"},  {0, "c-01"},
      {-1, "c-01"},   {-100, "c-01"}, {-101, "c-02"},  {-401, "c-05"},
      {-500, "c-05"}, {-501, "c-06"}, {-3000, "c-30"}, {-10000, "c-100"},
  };
  for (const auto& c : cases) EXPECT_EQ(CenturyKey(c.year), c.want) << c.year;
}

Xapian::termcount Wdf(const Xapian::Document& doc, const std::string& term) {
  Xapian::TermIterator t = doc.termlist_begin();
  t.skip_to(term);
  return t != doc.termlist_end() && *t == term ? t.get_wdf() : 0;
}

TEST(BuildDocumentTest, IndexesStructuredProvenanceOnlyWhereTheTextDoesNotSayIt) {
  core::IndexedArtifact in;
  in.artifact.id = "p1";
  in.artifact.provenance_text = "Galerie Nefer, Zurich, by 1970";
  // As derived from the text on save, plus a lot only the structure holds.
  in.artifact.provenance = nlohmann::json::array({{
      {"party", {{"name", "Galerie Nefer"}, {"life_dates", ""}}},
      {"place", "Zurich"},
      {"date_text", "by 1970"},
      {"begin_of_the_begin", "1969-01-01"},
      {"end_of_the_end", "1970-12-31"},
      {"method", "purchase"},
      {"lot", "Seventeen"},
      {"raw", "Galerie Nefer, Zurich, by 1970"},
  }});
  Xapian::TermGenerator tg;
  const schema::BuiltDocument built = schema::BuildDocument(in, tg);
  // The text's words once, prefixed and not, however often the structure repeats them.
  EXPECT_EQ(Wdf(built.doc, "XPnefer"), 1u);
  EXPECT_EQ(Wdf(built.doc, "nefer"), 1u);
  EXPECT_EQ(Wdf(built.doc, "XPzurich"), 1u);
  EXPECT_EQ(Wdf(built.doc, "XP1970"), 1u);
  // What only the structure says is searchable, in provenance: too.
  EXPECT_EQ(Wdf(built.doc, "XPseventeen"), 1u);
  EXPECT_EQ(Wdf(built.doc, "seventeen"), 1u);
  EXPECT_EQ(Wdf(built.doc, "XPpurchase"), 1u);
  // The ISO days the parser derives from "by 1970" are not words anyone wrote.
  EXPECT_EQ(Wdf(built.doc, "XP1969"), 0u);
  EXPECT_EQ(Wdf(built.doc, "XP31"), 0u);
}

}  // namespace
}  // namespace custos::indexer
