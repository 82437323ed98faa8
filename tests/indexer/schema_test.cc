#include <gtest/gtest.h>

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

}  // namespace
}  // namespace custos::indexer
