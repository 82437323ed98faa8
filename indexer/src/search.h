// Query side of XapianSearchIndex: parsing, filters, facets, snippets,
// spelling and more-like-this, on one Xapian::Database. These functions may
// throw Xapian::Error; the caller translates it (see xapian_search_index.cc).
#pragma once

#include <xapian.h>

#include <string_view>
#include <vector>

#include "custos/core/search_index.h"
#include "facet_columns.h"
#include "match_bitmap.h"
#include "revision_cache.h"

namespace custos::indexer {

// InvalidArgument naming the field for bad parameters; ok otherwise.
core::Status ValidateQuery(const core::SearchQuery& q);

// Caches of derived data shared by the readers (revision_cache.h); each may
// be null.
struct SearchCaches {
  // Exact total and facet counts by final query (CountKey in search.cc), kept
  // for match sets of at least counts_min_total.
  RevisionCache<FacetCount>* counts = nullptr;
  int64_t counts_min_total = 0;
  // Count large match sets through bitmaps (match_bitmap.h), keeping those
  // of frequent terms in term_bitmaps.
  bool count_by_bitmap = true;
  RevisionCache<MatchBitmap>* term_bitmaps = nullptr;
};

// `columns` (may be null) speeds up exact facet counts when it was built
// from db's current revision; otherwise the facet values are read per match.
core::Result<core::SearchResults> RunSearch(const Xapian::Database& db, const core::SearchQuery& q,
                                            const FacetColumns* columns = nullptr,
                                            const SearchCaches& caches = {});

core::Result<std::vector<core::SearchHit>> RunSimilar(const Xapian::Database& db,
                                                      std::string_view id, int n,
                                                      bool include_restricted);

}  // namespace custos::indexer
