// Table-driven tests of ParseProvenance and ParseProvenanceDate: every
// construct of the AAM / Art Tracks text form, one row per string.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "custos/core/provenance.h"

namespace custos::core {
namespace {

using M = AcquisitionMethod;
using C = Certainty;

constexpr const char* kHashA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr const char* kHashB = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

// One string and what its period `index` must hold. Every field is checked:
// the defaults are what a plain period has (nullptr bound = unbounded).
struct Row {
  std::string text;
  std::string name = "";
  M method = M::kUnknown;
  const char* b0 = nullptr;  // begin_of_the_begin
  const char* b1 = nullptr;  // end_of_the_begin
  const char* e0 = nullptr;  // begin_of_the_end
  const char* e1 = nullptr;  // end_of_the_end
  std::string place = "";
  std::string role = "";
  std::string life = "";
  bool dealer = false;
  bool uncertain = false;
  C certainty = C::kCertain;
  C date_certainty = C::kCertain;
  bool direct = false;
  std::vector<int> footnotes = {};
  std::vector<std::string> documents = {};
  std::string lot = "";
  size_t index = 0;
  size_t count = 1;  // periods expected in the text
};

std::optional<std::string> Opt(const char* s) {
  return s ? std::optional<std::string>(s) : std::nullopt;
}

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      // ---- parties: names, life dates, dealers, '?', roles ----
      {.text = "Sir Henry Ashby [1880-1952], London, by 1934 until 1952",
       .name = "Sir Henry Ashby",
       .b1 = "1934-12-31",
       .e0 = "1952-01-01",
       .e1 = "1952-12-31",
       .place = "London",
       .life = "1880-1952"},
      {.text = "The artist; (Dealer Hall, Paris), 1911",
       .name = "Dealer Hall",
       .b0 = "1911-01-01",
       .b1 = "1911-12-31",
       .place = "Paris",
       .dealer = true,
       .index = 1,
       .count = 2},
      {.text = "The artist; (Dealer Hall, Paris), 1911",
       .name = "The artist",
       .direct = true,
       .count = 2},
      {.text = "(Duveen Brothers [1869-1939], New York), 1925",
       .name = "Duveen Brothers",
       .b0 = "1925-01-01",
       .b1 = "1925-12-31",
       .place = "New York",
       .life = "1869-1939",
       .dealer = true},
      {.text = "(Dealer Hall), Paris, 1911",
       .name = "Dealer Hall",
       .b0 = "1911-01-01",
       .b1 = "1911-12-31",
       .place = "Paris",
       .dealer = true},
      {.text = "John Smith?, Boston, 1950",
       .name = "John Smith",
       .b0 = "1950-01-01",
       .b1 = "1950-12-31",
       .place = "Boston",
       .uncertain = true},
      {.text = "John Smith? [1880-1952], Boston",
       .name = "John Smith",
       .place = "Boston",
       .life = "1880-1952",
       .uncertain = true},
      {.text = "John Smith [1880-1952]?, Boston",
       .name = "John Smith",
       .place = "Boston",
       .life = "1880-1952",
       .uncertain = true},
      {.text = "John Smith (1880-1952), Boston",
       .name = "John Smith",
       .place = "Boston",
       .life = "1880-1952"},
      {.text = "Galerie Mars (Paris branch), Geneva",
       .name = "Galerie Mars (Paris branch)",
       .place = "Geneva"},
      {.text = "Anna Weiss [b. 1901], Vienna",
       .name = "Anna Weiss",
       .place = "Vienna",
       .life = "b. 1901"},
      {.text = "by inheritance to his daughter, Margaret Ashby, London",
       .name = "Margaret Ashby",
       .method = M::kInheritance,
       .place = "London",
       .role = "his daughter"},
      {.text = "by descent to his heirs", .name = "", .method = M::kDescent, .role = "his heirs"},
      {.text = "by descent to her son Paul Roux, Paris, 1950",
       .name = "Paul Roux",
       .method = M::kDescent,
       .b0 = "1950-01-01",
       .b1 = "1950-12-31",
       .place = "Paris",
       .role = "her son"},
      {.text = "by inheritance to their eldest daughter, Ines Vidal",
       .name = "Ines Vidal",
       .method = M::kInheritance,
       .role = "their eldest daughter"},
      {.text = "Her Majesty the Queen, Windsor",
       .name = "Her Majesty the Queen",
       .place = "Windsor"},
      {.text = "private collection, France, after 1945",
       .name = "private collection",
       .b0 = "1946-01-01",
       .place = "France"},
      {.text = "Seized by customs, Newark, NJ, 2019",
       .name = "customs",
       .method = M::kSeizure,
       .b0 = "2019-01-01",
       .b1 = "2019-12-31",
       .place = "Newark, NJ"},

      // ---- certainty ----
      {.text = "Possibly private collection, Munich, 1970s",
       .name = "private collection",
       .b0 = "1970-01-01",
       .b1 = "1979-12-31",
       .place = "Munich",
       .certainty = C::kPossible},
      {.text = "Probably purchased by Jean Roux, Lyon, 1912",
       .name = "Jean Roux",
       .method = M::kPurchase,
       .b0 = "1912-01-01",
       .b1 = "1912-12-31",
       .place = "Lyon",
       .certainty = C::kProbable},
      {.text = "Perhaps John Smith, Rome",
       .name = "John Smith",
       .place = "Rome",
       .certainty = C::kPossible},
      {.text = "sold to presumably Jean Roux, 1920",
       .name = "Jean Roux",
       .method = M::kSale,
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .certainty = C::kProbable},
      {.text = "purchased by Jean Roux, Lyon, probably 1912 until at least 1939",
       .name = "Jean Roux",
       .method = M::kPurchase,
       .b0 = "1912-01-01",
       .b1 = "1912-12-31",
       .e0 = "1939-01-01",
       .place = "Lyon",
       .date_certainty = C::kProbable},

      // ---- acquisition methods ----
      {.text = "purchased by Adele Brun, 1950",
       .name = "Adele Brun",
       .method = M::kPurchase,
       .b0 = "1950-01-01",
       .b1 = "1950-12-31"},
      {.text = "bought by Adele Brun", .name = "Adele Brun", .method = M::kPurchase},
      // "... from X": X is the party, not "Acquired from X".
      {.text = "Acquired from Sotheby's, Basel, 1945",
       .name = "Sotheby's",
       .method = M::kAcquisition,
       .b0 = "1945-01-01",
       .b1 = "1945-12-31",
       .place = "Basel"},
      {.text = "acquired from Galerie Moreau", .name = "Galerie Moreau", .method = M::kAcquisition},
      {.text = "purchased from Jean Roux, Lyon, 1912",
       .name = "Jean Roux",
       .method = M::kPurchase,
       .b0 = "1912-01-01",
       .b1 = "1912-12-31",
       .place = "Lyon"},
      {.text = "Bought from Hotel Drouot, Paris",
       .name = "Hotel Drouot",
       .method = M::kPurchase,
       .place = "Paris"},
      {.text = "sold to Galerie Vesper, Geneva, June 3, 1968",
       .name = "Galerie Vesper",
       .method = M::kSale,
       .b0 = "1968-06-03",
       .b1 = "1968-06-03",
       .place = "Geneva"},
      {.text = "gift to Museum, 1961",
       .name = "Museum",
       .method = M::kGift,
       .b0 = "1961-01-01",
       .b1 = "1961-12-31"},
      {.text = "donated to the City of Lyon", .name = "the City of Lyon", .method = M::kGift},
      {.text = "given to his nephew, Karl Hahn",
       .name = "Karl Hahn",
       .method = M::kGift,
       .role = "his nephew"},
      {.text = "bequest to the Louvre, Paris, 1970",
       .name = "the Louvre",
       .method = M::kBequest,
       .b0 = "1970-01-01",
       .b1 = "1970-12-31",
       .place = "Paris"},
      {.text = "bequeathed to Marie Ney", .name = "Marie Ney", .method = M::kBequest},
      {.text = "Excavated at Tell Umar, Iraq, 1931",
       .name = "",
       .method = M::kExcavation,
       .b0 = "1931-01-01",
       .b1 = "1931-12-31",
       .place = "Tell Umar, Iraq"},
      {.text = "excavated by Leonard Woolley, Ur, 1922",
       .name = "Leonard Woolley",
       .method = M::kExcavation,
       .b0 = "1922-01-01",
       .b1 = "1922-12-31",
       .place = "Ur"},
      {.text = "Excavated, Nimrud, 1950s",
       .name = "",
       .method = M::kExcavation,
       .b0 = "1950-01-01",
       .b1 = "1959-12-31",
       .place = "Nimrud"},
      {.text = "Found at Hoxne, England, November 16, 1992",
       .name = "",
       .method = M::kFind,
       .b0 = "1992-11-16",
       .b1 = "1992-11-16",
       .place = "Hoxne, England"},
      {.text = "Discovered in a cave near Qumran, 1947",
       .name = "",
       .method = M::kFind,
       .b0 = "1947-01-01",
       .b1 = "1947-12-31",
       .place = "a cave near Qumran"},
      {.text = "Stolen from the Museum, 1990",
       .name = "the Museum",
       .method = M::kTheft,
       .b0 = "1990-01-01",
       .b1 = "1990-12-31"},
      {.text = "Looted, Baghdad, April 2003",
       .name = "",
       .method = M::kLooting,
       .b0 = "2003-04-01",
       .b1 = "2003-04-30",
       .place = "Baghdad"},
      {.text = "consigned to (Kunsthandel Nord, Berlin), 1936",
       .name = "Kunsthandel Nord",
       .method = M::kConsignment,
       .b0 = "1936-01-01",
       .b1 = "1936-12-31",
       .place = "Berlin",
       .dealer = true},
      {.text = "exchanged with the Louvre, 1955",
       .name = "the Louvre",
       .method = M::kExchange,
       .b0 = "1955-01-01",
       .b1 = "1955-12-31"},
      {.text = "confiscated by the Gestapo, Vienna, 1938",
       .name = "the Gestapo",
       .method = M::kConfiscation,
       .b0 = "1938-01-01",
       .b1 = "1938-12-31",
       .place = "Vienna"},
      {.text = "sold at auction, Sotheby's, London, July 5, 1989, lot 23",
       .name = "Sotheby's",
       .method = M::kAuction,
       .b0 = "1989-07-05",
       .b1 = "1989-07-05",
       .place = "London",
       .lot = "23"},
      {.text = "Sale, Christie's, London, 1920, lot 5",
       .name = "Christie's",
       .method = M::kAuction,
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .place = "London",
       .lot = "5"},
      {.text = "(Sotheby's, London, July 5, 1989, lot 23)",
       .name = "Sotheby's",
       .b0 = "1989-07-05",
       .b1 = "1989-07-05",
       .place = "London",
       .dealer = true,
       .lot = "23"},
      {.text = "acquired by the museum, 1990",
       .name = "the museum",
       .method = M::kAcquisition,
       .b0 = "1990-01-01",
       .b1 = "1990-12-31"},
      {.text = "transferred to the State Museum, Berlin, 1950",
       .name = "the State Museum",
       .method = M::kTransfer,
       .b0 = "1950-01-01",
       .b1 = "1950-12-31",
       .place = "Berlin"},
      {.text = "restituted to the heirs of Max Stern, 1998",
       .name = "the heirs of Max Stern",
       .method = M::kRestitution,
       .b0 = "1998-01-01",
       .b1 = "1998-12-31"},
      {.text = "returned to the National Museum, Baghdad, 2010",
       .name = "the National Museum",
       .method = M::kRestitution,
       .b0 = "2010-01-01",
       .b1 = "2010-12-31",
       .place = "Baghdad"},
      {.text = "lent to the Metropolitan Museum, New York, 1960 until 1962",
       .name = "the Metropolitan Museum",
       .method = M::kLoan,
       .b0 = "1960-01-01",
       .b1 = "1960-12-31",
       .e0 = "1962-01-01",
       .e1 = "1962-12-31",
       .place = "New York"},
      {.text = "deposited with Banque Suisse, Zurich",
       .name = "Banque Suisse",
       .method = M::kDeposit,
       .place = "Zurich"},
      {.text = "commissioned by Count Orlov, 1890",
       .name = "Count Orlov",
       .method = M::kCommission,
       .b0 = "1890-01-01",
       .b1 = "1890-12-31"},
      {.text = "Found Objects Ltd, Leeds", .name = "Found Objects Ltd", .place = "Leeds"},

      // ---- dates ----
      {.text = "Anna Weiss, 3 June 1968",
       .name = "Anna Weiss",
       .b0 = "1968-06-03",
       .b1 = "1968-06-03"},
      {.text = "Anna Weiss, Sept. 3, 1968",
       .name = "Anna Weiss",
       .b0 = "1968-09-03",
       .b1 = "1968-09-03"},
      {.text = "Anna Weiss, June 1968",
       .name = "Anna Weiss",
       .b0 = "1968-06-01",
       .b1 = "1968-06-30"},
      {.text = "Anna Weiss, 1968-06-03",
       .name = "Anna Weiss",
       .b0 = "1968-06-03",
       .b1 = "1968-06-03"},
      {.text = "Anna Weiss, 1970s", .name = "Anna Weiss", .b0 = "1970-01-01", .b1 = "1979-12-31"},
      {.text = "Anna Weiss, early 1970s",
       .name = "Anna Weiss",
       .b0 = "1970-01-01",
       .b1 = "1973-12-31"},
      {.text = "Anna Weiss, mid-1970s",
       .name = "Anna Weiss",
       .b0 = "1974-01-01",
       .b1 = "1976-12-31"},
      {.text = "Anna Weiss, late 1968",
       .name = "Anna Weiss",
       .b0 = "1968-09-01",
       .b1 = "1968-12-31"},
      {.text = "Anna Weiss, 19th century",
       .name = "Anna Weiss",
       .b0 = "1800-01-01",
       .b1 = "1899-12-31"},
      {.text = "Anna Weiss, early 20th century",
       .name = "Anna Weiss",
       .b0 = "1900-01-01",
       .b1 = "1932-12-31"},
      {.text = "Anna Weiss, first half of the 19th century",
       .name = "Anna Weiss",
       .b0 = "1800-01-01",
       .b1 = "1849-12-31"},
      {.text = "Excavated at Ur, 500 BCE",
       .method = M::kExcavation,
       .b0 = "-0499-01-01",
       .b1 = "-0499-12-31",
       .place = "Ur"},
      {.text = "Excavated at Ur, 500 BC",
       .method = M::kExcavation,
       .b0 = "-0499-01-01",
       .b1 = "-0499-12-31",
       .place = "Ur"},
      {.text = "Excavated at Ur, 5th century BCE",
       .method = M::kExcavation,
       .b0 = "-0499-01-01",
       .b1 = "-0400-12-31",
       .place = "Ur"},
      {.text = "Excavated at Ur, 500-400 BCE",
       .method = M::kExcavation,
       .b0 = "-0499-01-01",
       .b1 = "-0499-12-31",
       .e0 = "-0399-01-01",
       .e1 = "-0399-12-31",
       .place = "Ur"},
      {.text = "Found at Pompeii, AD 79",
       .method = M::kFind,
       .b0 = "0079-01-01",
       .b1 = "0079-12-31",
       .place = "Pompeii"},
      {.text = "Anna Weiss, c. 1920", .name = "Anna Weiss", .b0 = "1915-01-01", .b1 = "1925-12-31"},
      {.text = "Anna Weiss, ca. 1920",
       .name = "Anna Weiss",
       .b0 = "1915-01-01",
       .b1 = "1925-12-31"},
      {.text = "Anna Weiss, circa June 1968",
       .name = "Anna Weiss",
       .b0 = "1968-05-01",
       .b1 = "1968-07-31"},
      {.text = "Anna Weiss, by 1934", .name = "Anna Weiss", .b1 = "1934-12-31"},
      {.text = "Anna Weiss, until 1952",
       .name = "Anna Weiss",
       .e0 = "1952-01-01",
       .e1 = "1952-12-31"},
      {.text = "Anna Weiss, after 1945", .name = "Anna Weiss", .b0 = "1946-01-01"},
      {.text = "Anna Weiss, before 1900", .name = "Anna Weiss", .b1 = "1899-12-31"},
      {.text = "Anna Weiss, until at least 1939", .name = "Anna Weiss", .e0 = "1939-01-01"},
      {.text = "Anna Weiss, 1920-1935",
       .name = "Anna Weiss",
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .e0 = "1935-01-01",
       .e1 = "1935-12-31"},
      {.text = "Anna Weiss, 1920 to 1935",
       .name = "Anna Weiss",
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .e0 = "1935-01-01",
       .e1 = "1935-12-31"},
      {.text = "Anna Weiss, 1920-35",
       .name = "Anna Weiss",
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .e0 = "1935-01-01",
       .e1 = "1935-12-31"},
      {.text = "Anna Weiss, from 1920 until 1935",
       .name = "Anna Weiss",
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .e0 = "1935-01-01",
       .e1 = "1935-12-31"},
      {.text = "Anna Weiss, between 1920 and 1925",
       .name = "Anna Weiss",
       .b0 = "1920-01-01",
       .b1 = "1925-12-31"},
      {.text = "Anna Weiss, June 3, 1968 until until before 1970", .name = "", .count = 1},
      {.text = "Anna Weiss, Vienna, June 3, 1968 until before 1970",
       .name = "Anna Weiss",
       .b0 = "1968-06-03",
       .b1 = "1968-06-03",
       .e1 = "1969-12-31",
       .place = "Vienna"},
      {.text = "Anna Weiss, 1931, Vienna",
       .name = "Anna Weiss",
       .b0 = "1931-01-01",
       .b1 = "1931-12-31",
       .place = "Vienna"},

      // ---- footnotes, documents, separators ----
      {.text = "sold to Galerie Vesper, Geneva, June 3, 1968 [1]. NOTES: [1] Invoice no. 4411.",
       .name = "Galerie Vesper",
       .method = M::kSale,
       .b0 = "1968-06-03",
       .b1 = "1968-06-03",
       .place = "Geneva",
       .footnotes = {1}},
      {.text = "Anna Weiss [1], Vienna, 1931 [2]",
       .name = "Anna Weiss",
       .b0 = "1931-01-01",
       .b1 = "1931-12-31",
       .place = "Vienna",
       .footnotes = {1, 2}},
      {.text = std::string("sold to Jean Roux, 1968, see document sha256:") + kHashA,
       .name = "Jean Roux",
       .method = M::kSale,
       .b0 = "1968-01-01",
       .b1 = "1968-12-31",
       .documents = {kHashA}},
      {.text = std::string("Jean Roux, Lyon, 1968, ") + "FEDCBA9876543210FEDCBA9876543210"
                                                        "FEDCBA9876543210FEDCBA9876543210",
       .name = "Jean Roux",
       .b0 = "1968-01-01",
       .b1 = "1968-12-31",
       .place = "Lyon",
       .documents = {kHashB}},
      {.text = "Anna Weiss, 1931. Karl Hahn, 1950",
       .name = "Anna Weiss",
       .b0 = "1931-01-01",
       .b1 = "1931-12-31",
       .direct = false,
       .count = 2},
      {.text = "Anna Weiss, 1931; Karl Hahn, 1950.",
       .name = "Karl Hahn",
       .b0 = "1950-01-01",
       .b1 = "1950-12-31",
       .direct = false,
       .index = 1,
       .count = 2},
      {.text = "Anna Weiss, 1931; Karl Hahn, 1950.",
       .name = "Anna Weiss",
       .b0 = "1931-01-01",
       .b1 = "1931-12-31",
       .direct = true,
       .count = 2},
      {.text = "St. Louis Art Museum, St. Louis, 1950",
       .name = "St. Louis Art Museum",
       .b0 = "1950-01-01",
       .b1 = "1950-12-31",
       .place = "St. Louis"},
      {.text = "J. P. Morgan, New York, by 1910",
       .name = "J. P. Morgan",
       .b1 = "1910-12-31",
       .place = "New York"},
      {.text = "Seized by U.S. Army, Munich, 1945",
       .name = "U.S. Army",
       .method = M::kSeizure,
       .b0 = "1945-01-01",
       .b1 = "1945-12-31",
       .place = "Munich"},
      {.text = "Excavated at Ur, 500 B.C. Sold to Karl Hahn, 1950",
       .name = "Karl Hahn",
       .method = M::kSale,
       .b0 = "1950-01-01",
       .b1 = "1950-12-31",
       .index = 1,
       .count = 2},
      {.text = "Anna Weiss, 1970s. Karl Hahn", .name = "Karl Hahn", .index = 1, .count = 2},
      {.text = "Anna Weiss, 1950. possibly Karl Hahn",
       .name = "Karl Hahn",
       .certainty = C::kPossible,
       .index = 1,
       .count = 2},
      {.text = "Smith & Co. Ltd., London, 1920",
       .name = "Smith & Co. Ltd.",
       .b0 = "1920-01-01",
       .b1 = "1920-12-31",
       .place = "London"},
      {.text = ";;;;Anna Weiss;;;;", .name = "Anna Weiss", .direct = true},
  };
  return rows;
}

class ProvenanceParserTest : public testing::TestWithParam<size_t> {};

TEST_P(ProvenanceParserTest, ReadsRow) {
  const Row& row = Rows()[GetParam()];
  SCOPED_TRACE(row.text);
  const Provenance prov = ParseProvenance(row.text);
  ASSERT_EQ(prov.periods.size(), row.count);
  const ProvenancePeriod& p = prov.periods[row.index];
  if (row.name.empty() && row.method == M::kUnknown && !row.b0 && !row.b1 && !row.e0 && !row.e1 &&
      row.place.empty() && row.role.empty()) {
    // A row that only expects the period to be kept unparsed.
    EXPECT_TRUE(p.unparsed);
    return;
  }
  EXPECT_FALSE(p.unparsed) << (prov.warnings.empty() ? "" : prov.warnings[0]);
  EXPECT_EQ(p.party.name, row.name);
  EXPECT_EQ(p.method, row.method);
  EXPECT_EQ(p.begin_of_the_begin, Opt(row.b0));
  EXPECT_EQ(p.end_of_the_begin, Opt(row.b1));
  EXPECT_EQ(p.begin_of_the_end, Opt(row.e0));
  EXPECT_EQ(p.end_of_the_end, Opt(row.e1));
  EXPECT_EQ(p.place, row.place);
  EXPECT_EQ(p.role, row.role);
  EXPECT_EQ(p.party.life_dates, row.life);
  EXPECT_EQ(p.party.is_dealer, row.dealer);
  EXPECT_EQ(p.party.uncertain, row.uncertain);
  EXPECT_EQ(p.certainty, row.certainty);
  EXPECT_EQ(p.date_certainty, row.date_certainty);
  EXPECT_EQ(p.direct_transfer, row.direct);
  EXPECT_EQ(p.footnotes, row.footnotes);
  EXPECT_EQ(p.documents, row.documents);
  EXPECT_EQ(p.lot, row.lot);
  EXPECT_FALSE(p.raw.empty());
}

INSTANTIATE_TEST_SUITE_P(ProvenanceRows, ProvenanceParserTest,
                         testing::Range<size_t>(0, Rows().size()));

TEST(ProvenanceParserTest, HasAtLeastSixtyRows) { EXPECT_GE(Rows().size(), 60u); }

TEST(ProvenanceParserTest, ReadsTheFirstIssueExampleWithFootnotes) {
  const Provenance p = ParseProvenance(
      "Excavated at Tell Umar, Iraq, 1931; Sir Henry Ashby [1880-1952], London, by 1934 until "
      "1952; by inheritance to his daughter, Margaret Ashby, London; sold to Galerie Vesper, "
      "Geneva, June 3, 1968 [1]. Possibly private collection, Munich, 1970s. Seized by customs, "
      "Newark, NJ, 2019. NOTES: [1] Invoice no. 4411, see document.");
  ASSERT_EQ(p.periods.size(), 6u);
  EXPECT_TRUE(p.warnings.empty()) << p.warnings[0];
  const std::vector<bool> direct = {true, true, true, false, false, false};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p.periods[i].direct_transfer, direct[i]) << i;
    EXPECT_FALSE(p.periods[i].unparsed) << i;
  }
  EXPECT_EQ(p.periods[0].method, M::kExcavation);
  EXPECT_EQ(p.periods[2].role, "his daughter");
  EXPECT_EQ(p.periods[3].footnotes, std::vector<int>{1});
  EXPECT_EQ(p.periods[4].certainty, C::kPossible);
  EXPECT_EQ(p.periods[5].place, "Newark, NJ");
  ASSERT_EQ(p.footnotes.size(), 1u);
  EXPECT_EQ(p.footnotes[0].number, 1);
  EXPECT_EQ(p.footnotes[0].text, "Invoice no. 4411, see document.");
}

TEST(ProvenanceParserTest, ReadsTheSecondIssueExample) {
  const Provenance p = ParseProvenance(
      "The artist; (Dealer Hall, Paris), 1911; purchased by Jean Roux, Lyon, probably 1912 "
      "until at least 1939; private collection, France, after 1945; gift to Museum, 1961.");
  ASSERT_EQ(p.periods.size(), 5u);
  EXPECT_TRUE(p.warnings.empty());
  EXPECT_EQ(p.periods[0].party.name, "The artist");
  EXPECT_TRUE(p.periods[1].party.is_dealer);
  EXPECT_EQ(p.periods[2].date_text, "probably 1912 until at least 1939");
  EXPECT_EQ(p.periods[3].begin_of_the_begin, "1946-01-01");
  EXPECT_EQ(p.periods[4].method, M::kGift);
  EXPECT_FALSE(p.periods[4].direct_transfer);
}

// Some catalogues put the method in parentheses; it is not part of a name.
TEST(ProvenanceParserTest, ParenthesisedMethodIsNotPartOfTheName) {
  const Provenance p = ParseProvenance(
      "John Smith (by descent to); Mary Smith, London; (by descent to) Paul Roux, Paris, 1950.");
  ASSERT_EQ(p.periods.size(), 3u);
  EXPECT_EQ(p.periods[0].party.name, "John Smith");
  EXPECT_EQ(p.periods[0].method, M::kUnknown);
  EXPECT_EQ(p.periods[1].party.name, "Mary Smith");
  EXPECT_EQ(p.periods[1].method, M::kDescent) << "the phrase after John Smith is how Mary got it";
  EXPECT_EQ(p.periods[1].place, "London");
  EXPECT_EQ(p.periods[2].party.name, "Paul Roux");
  EXPECT_EQ(p.periods[2].method, M::kDescent);
  EXPECT_EQ(p.periods[2].place, "Paris");
  for (const auto& period : p.periods) EXPECT_FALSE(period.unparsed) << period.raw;
  // And the round trip holds.
  const Provenance again = ParseProvenance(RenderProvenance(p));
  ASSERT_EQ(again.periods.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(SamePeriod(p.periods[i], again.periods[i])) << i;
}

TEST(ProvenanceParserTest, LinksFootnotesAndTheirDocuments) {
  const Provenance p = ParseProvenance(
      std::string("Anna Weiss, Vienna, 1931 [1]; sold to Karl Hahn, 1938 [2]. NOTES: [1] See "
                  "the dealer's stock book, sha256:") +
      kHashA + ". [2] Bill of sale " + kHashB + " and a letter.");
  ASSERT_EQ(p.footnotes.size(), 2u);
  EXPECT_EQ(p.footnotes[0].number, 1);
  EXPECT_EQ(p.footnotes[0].documents, std::vector<std::string>{kHashA});
  EXPECT_EQ(p.footnotes[1].number, 2);
  EXPECT_EQ(p.footnotes[1].documents, std::vector<std::string>{kHashB});
  EXPECT_EQ(p.periods[0].footnotes, std::vector<int>{1});
  EXPECT_EQ(p.periods[1].footnotes, std::vector<int>{2});
  EXPECT_TRUE(p.warnings.empty());
}

TEST(ProvenanceParserTest, WarnsAboutFootnotesThatDoNotMatch) {
  const Provenance p = ParseProvenance("Anna Weiss, 1931 [3]. NOTES: [1] Unused note.");
  ASSERT_EQ(p.warnings.size(), 2u);
  EXPECT_NE(p.warnings[0].find("[3]"), std::string::npos);
  EXPECT_NE(p.warnings[1].find("[1]"), std::string::npos);
}

TEST(ProvenanceParserTest, KeepsWhatItCannotReadAsUnparsedWithAWarning) {
  for (const char* text : {"Jean Roux, Lyon, 1912 or 1913 perhaps", "((Anna Weiss, 1931", "!!! ???",
                           "Anna Weiss ] Vienna"}) {
    SCOPED_TRACE(text);
    const Provenance p = ParseProvenance(text);
    ASSERT_EQ(p.periods.size(), 1u);
    EXPECT_TRUE(p.periods[0].unparsed);
    EXPECT_EQ(p.periods[0].raw, text);
    EXPECT_EQ(p.periods[0].party.name, "");
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_NE(p.warnings[0].find("period 1"), std::string::npos);
  }
}

TEST(ProvenanceParserTest, KeepsTheRawTextOfEveryPeriod) {
  const Provenance p = ParseProvenance("  Anna  Weiss, Vienna ,1931 [1];sold to Karl Hahn.  ");
  ASSERT_EQ(p.periods.size(), 2u);
  EXPECT_EQ(p.periods[0].raw, "Anna  Weiss, Vienna ,1931 [1]");
  EXPECT_EQ(p.periods[0].party.name, "Anna Weiss");
  EXPECT_EQ(p.periods[0].place, "Vienna");
  EXPECT_EQ(p.periods[1].raw, "sold to Karl Hahn");
}

TEST(ProvenanceParserTest, ReplacesInvalidUtf8AndWarns) {
  const Provenance p = ParseProvenance("Anna \xFF Weiss, Wien, 1931");
  ASSERT_EQ(p.periods.size(), 1u);
  EXPECT_EQ(p.periods[0].party.name, "Anna \xEF\xBF\xBD Weiss");
  ASSERT_FALSE(p.warnings.empty());
  EXPECT_NE(p.warnings[0].find("UTF-8"), std::string::npos);
}

TEST(ProvenanceParserTest, EmptyTextHasNoPeriods) {
  EXPECT_TRUE(ParseProvenance("").periods.empty());
  EXPECT_TRUE(ParseProvenance(" \n\t ").periods.empty());
  EXPECT_TRUE(ParseProvenance("").warnings.empty());
}

// ---- date phrases on their own ----

struct DateRow {
  const char* phrase;
  const char* b0;
  const char* b1;
  const char* e0;
  const char* e1;
};

class ProvenanceDateTest : public testing::TestWithParam<DateRow> {};

TEST_P(ProvenanceDateTest, ReadsBounds) {
  const DateRow& r = GetParam();
  SCOPED_TRACE(r.phrase);
  const auto d = ParseProvenanceDate(r.phrase);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->begin_of_the_begin, Opt(r.b0));
  EXPECT_EQ(d->end_of_the_begin, Opt(r.b1));
  EXPECT_EQ(d->begin_of_the_end, Opt(r.e0));
  EXPECT_EQ(d->end_of_the_end, Opt(r.e1));
  // Whatever it reads, the formatter writes a phrase that reads the same.
  const std::string again = FormatProvenanceDate(*d);
  EXPECT_EQ(ParseProvenanceDate(again), d) << again;
}

INSTANTIATE_TEST_SUITE_P(
    ProvenancePhrases, ProvenanceDateTest,
    testing::Values(DateRow{"June 3, 1968", "1968-06-03", "1968-06-03", nullptr, nullptr},
                    DateRow{"3rd June 1968", "1968-06-03", "1968-06-03", nullptr, nullptr},
                    DateRow{"February 29, 2000", "2000-02-29", "2000-02-29", nullptr, nullptr},
                    DateRow{"1968-06", "1968-06-01", "1968-06-30", nullptr, nullptr},
                    DateRow{"1910-12", "1910-01-01", "1910-12-31", "1912-01-01", "1912-12-31"},
                    DateRow{"1880's", "1880-01-01", "1889-12-31", nullptr, nullptr},
                    DateRow{"late 19th century", "1867-01-01", "1899-12-31", nullptr, nullptr},
                    DateRow{"mid 20th century", "1933-01-01", "1966-12-31", nullptr, nullptr},
                    DateRow{"nineteenth century", "1800-01-01", "1899-12-31", nullptr, nullptr},
                    DateRow{"1st century BCE", "-0099-01-01", "0000-12-31", nullptr, nullptr},
                    DateRow{"1 BCE", "0000-01-01", "0000-12-31", nullptr, nullptr},
                    DateRow{"c. 500 B.C.", "-0504-01-01", "-0494-12-31", nullptr, nullptr},
                    DateRow{"79 CE", "0079-01-01", "0079-12-31", nullptr, nullptr},
                    DateRow{"c.1920", "1915-01-01", "1925-12-31", nullptr, nullptr},
                    DateRow{"c. 19th century", "1775-01-01", "1924-12-31", nullptr, nullptr},
                    DateRow{"about June 3, 1968", "1968-05-27", "1968-06-10", nullptr, nullptr},
                    DateRow{"no earlier than March 1, 1934", "1934-03-01", nullptr, nullptr,
                            nullptr},
                    DateRow{"no later than 1934", nullptr, "1934-12-31", nullptr, nullptr},
                    DateRow{"by 1934 until between 1950 and 1952", nullptr, "1934-12-31",
                            "1950-01-01", "1952-12-31"},
                    DateRow{"until no later than 1952", nullptr, nullptr, nullptr, "1952-12-31"},
                    DateRow{"until after 1952", nullptr, nullptr, "1953-01-01", nullptr},
                    DateRow{"after June 3, 1968", "1968-06-04", nullptr, nullptr, nullptr},
                    DateRow{"1920\xE2\x80\x93"
                            "1935",
                            "1920-01-01", "1920-12-31", "1935-01-01", "1935-12-31"},
                    DateRow{"Possibly in 1920", "1920-01-01", "1920-12-31", nullptr, nullptr}));

TEST(ProvenanceDateTest, RejectsWhatIsNotADate) {
  for (const char* s : {"", "London", "1950 until 1920", "February 30, 2000", "12", "June",
                        "1970s BCE", "20000", "early June 3, 1968", "by", "1968-13-01", "10000 BCE",
                        "c. 9999", "between 1930", "1920 -"}) {
    EXPECT_FALSE(ParseProvenanceDate(s).has_value()) << s;
  }
}

TEST(ProvenanceDateTest, KeepsDateCertainty) {
  EXPECT_EQ(ParseProvenanceDate("probably 1912")->certainty, C::kProbable);
  EXPECT_EQ(ParseProvenanceDate("possibly 1912")->certainty, C::kPossible);
  EXPECT_EQ(ParseProvenanceDate("1912")->certainty, C::kCertain);
}

TEST(ProvenanceDateTest, ConvertsIsoDays) {
  EXPECT_EQ(IsoDayToDayNumber("1970-01-01"), 0);
  EXPECT_EQ(IsoDayToDayNumber("1970-01-02"), 1);
  EXPECT_EQ(DayNumberToIsoDay(-1), "1969-12-31");
  EXPECT_EQ(DayNumberToIsoDay(*IsoDayToDayNumber("-0499-01-01")), "-0499-01-01");
  EXPECT_EQ(DayNumberToIsoDay(*IsoDayToDayNumber("0000-02-29")), "0000-02-29");
  for (const char* bad :
       {"1970-1-01", "1970-02-30", "-0000-01-01", "19700101", "x970-01-01", "1900-02-29"}) {
    EXPECT_FALSE(IsoDayToDayNumber(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace custos::core
