// Exact total and facet counts of a boolean query through bitmaps over
// docids, for queries that match a large share of the index.
//
// The matcher's counting pass costs about 80 ns per match (a word in every
// record of 100k: 8 ms). Here each term's posting list becomes a bitmap
// (bitmaps of frequent terms are kept per revision, so a common word is
// decoded once), the query's operators become word-wise AND/OR/AND NOT, and
// the matches are counted through FacetColumns; when more than half of the
// documents match, the counts are those of the whole revision minus those
// of the documents that do not match, so a word in nearly every record
// costs the few records without it. Exact: the tests compare every count
// with the matcher's.
//
// Only terms, MatchAll/MatchNothing and the boolean operators (AND, OR,
// AND_NOT, XOR, AND_MAYBE, FILTER, SYNONYM, MAX, SCALE_WEIGHT) are
// evaluated; a query with phrases, NEAR, wildcards, value ranges or posting
// sources is counted by the matcher.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "facet_columns.h"
#include "revision_cache.h"

namespace custos::indexer {

// Bit d (of word d / 64) set: document d matches.
using MatchBitmap = std::vector<uint64_t>;

// Whether CountByBitmap can evaluate `q`.
bool BitmapEvaluable(const Xapian::Query& q);

// The total and facet counts of the matches of `q` (BitmapEvaluable) on db,
// one shard, whose current revision `columns` must be of. `terms` (may be null) keeps the
// bitmaps of frequent terms of the revision. May throw Xapian::Error.
std::shared_ptr<const FacetCount> CountByBitmap(const Xapian::Database& db, const Xapian::Query& q,
                                                const FacetColumns& columns,
                                                RevisionCache<MatchBitmap>* terms);

}  // namespace custos::indexer
