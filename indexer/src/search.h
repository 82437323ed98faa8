// Query side of XapianSearchIndex: parsing, filters, facets, snippets,
// spelling and more-like-this, on one Xapian::Database. These functions may
// throw Xapian::Error; the caller translates it (see xapian_search_index.cc).
#pragma once

#include <xapian.h>

#include <string_view>
#include <vector>

#include "custos/core/search_index.h"

namespace custos::indexer {

// InvalidArgument naming the field for bad parameters; ok otherwise.
core::Status ValidateQuery(const core::SearchQuery& q);

class FacetColumns;

// `columns` (may be null) speeds up exact facet counts when it was built
// from db's current revision; otherwise the facet values are read per match.
core::Result<core::SearchResults> RunSearch(const Xapian::Database& db, const core::SearchQuery& q,
                                            const FacetColumns* columns = nullptr);

core::Result<std::vector<core::SearchHit>> RunSimilar(const Xapian::Database& db,
                                                      std::string_view id, int n,
                                                      bool include_restricted);

}  // namespace custos::indexer
