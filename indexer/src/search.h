// Query side of XapianSearchIndex: parsing, filters, facets, snippets,
// spelling and more-like-this, on a snapshot of the index's shards (one
// Xapian::Database over them, and each on its own). These functions may
// throw Xapian::Error; the caller translates it (see xapian_search_index.cc).
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/search_index.h"
#include "facet_columns.h"
#include "match_bitmap.h"
#include "revision_cache.h"
#include "shards.h"

namespace custos::indexer {

// InvalidArgument naming the field for bad parameters; ok otherwise.
core::Status ValidateQuery(const core::SearchQuery& q);

// The facet columns of each shard of one revision of a snapshot (a match
// spy sees shard docids, so counting with columns goes shard by shard).
struct SnapshotColumns {
  std::string uuid;  // of the snapshot's database
  shards::Revision revision;
  std::vector<std::shared_ptr<const FacetColumns>> shards;
};

// Caches of derived data shared by the readers (revision_cache.h); each may
// be null.
struct SearchCaches {
  // Exact total and facet counts by final query (CountKey in search.cc), kept
  // for match sets of at least counts_min_total.
  RevisionCache<FacetCount>* counts = nullptr;
  int64_t counts_min_total = 0;
  // Count large match sets through bitmaps (match_bitmap.h), keeping those
  // of frequent terms in term_bitmaps, one cache per shard (fewer than the
  // shards: no cache for the others).
  bool count_by_bitmap = true;
  const std::vector<std::unique_ptr<RevisionCache<MatchBitmap>>>* term_bitmaps = nullptr;
};

// `columns` (may be null) speeds up exact facet counts when it was built
// from the snapshot's current revision; otherwise the facet values are read
// per match.
core::Result<core::SearchResults> RunSearch(const shards::Snapshot& snap,
                                            const core::SearchQuery& q,
                                            const SnapshotColumns* columns = nullptr,
                                            const SearchCaches& caches = {});

core::Result<std::vector<core::SearchHit>> RunSimilar(const Xapian::Database& db,
                                                      std::string_view id, int n,
                                                      bool include_restricted);

}  // namespace custos::indexer
