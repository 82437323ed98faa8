// The index schema: term prefixes, value slots and how an artifact becomes a
// Xapian::Document. The table is in custos/indexer/xapian_search_index.h;
// keep the two in step and bump kSchemaVersion when terms or slots change.
#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/search_index.h"

namespace custos::indexer::schema {

// 2: the party facet (issue 9).
// 3: strings of the structured provenance that the provenance text holds
//    are not indexed a second time.
inline constexpr std::string_view kSchemaVersion = "3";
inline constexpr char kMetaLastSeq[] = "custos:last_seq";
inline constexpr char kMetaSchema[] = "custos:schema";

// Free-text prefixes.
inline constexpr char kTitle[] = "S";
inline constexpr char kMaker[] = "A";
inline constexpr char kMaterialText[] = "XM";
inline constexpr char kProvenance[] = "XP";
inline constexpr char kDocText[] = "XD";
inline constexpr char kIdentifierText[] = "XI";

// Boolean prefixes.
inline constexpr char kIdTerm[] = "Q";
inline constexpr char kIdentifier[] = "XID:";
inline constexpr char kVisibility[] = "XV:";
inline constexpr char kStatus[] = "XFS:";
inline constexpr char kCountry[] = "XFC:";
inline constexpr char kType[] = "XFT:";
inline constexpr char kMaterial[] = "XFM:";
inline constexpr char kFlag[] = "XFF:";
inline constexpr char kCentury[] = "XFY:";
inline constexpr char kParty[] = "XFP:";

inline constexpr Xapian::valueno kSlotEarliest = 0;
inline constexpr Xapian::valueno kSlotLatest = 1;
inline constexpr Xapian::valueno kSlotDateAsc = 2;
inline constexpr Xapian::valueno kSlotFacets = 3;

// Separators in kSlotFacets: between facets, and between values of one.
inline constexpr char kFacetSep = '\x1e';
inline constexpr char kMultiSep = '\x1f';

struct Facet {
  std::string_view name;  // core::kFacet*
  const char* prefix;     // boolean term prefix
  bool multi;
  bool upper;  // values are upper-cased (country codes)
};
// All facets, in a fixed order.
const std::vector<Facet>& Facets();
const Facet* FindFacet(std::string_view name);

// Lower-cases UTF-8 text with Xapian's Unicode tables.
std::string Lower(std::string_view s);
std::string Upper(std::string_view s);
// A facet value as stored: trimmed, lower-cased (upper for countries), with
// the separators removed.
std::string FacetValue(const Facet& f, std::string_view raw);

std::string IdTerm(std::string_view id);

// The century keys an object dated [earliest, latest] spans (empty when
// undated or spanning more than 30 centuries).
std::vector<std::string> CenturyKeys(std::optional<int> earliest, std::optional<int> latest);

// The Xapian stemmer for an ISO 639-1 code; English when empty or unknown.
Xapian::Stem StemmerFor(std::string_view language);

struct BuiltDocument {
  Xapian::Document doc;
  bool is_public = false;
};

// Builds the document of an artifact (restricted case data is never read).
BuiltDocument BuildDocument(const core::IndexedArtifact& in, Xapian::TermGenerator& tg);

// The words of a document that go into spelling data: unprefixed, unstemmed
// terms of 3+ letters without digits.
std::vector<std::string> SpellingWords(const Xapian::Document& doc);

}  // namespace custos::indexer::schema
