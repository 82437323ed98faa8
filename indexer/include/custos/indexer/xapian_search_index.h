// XapianSearchIndex: core::SearchIndex on a Xapian (glass) database.
//
// On disk, `dir` holds generations of the database and a CURRENT file naming
// the live one:
//
//   dir/CURRENT     "gen-3\n" (replaced by write-temp + fsync + rename)
//   dir/gen-3/      the live generation: shard-0/ .. shard-(N-1)/, Xapian
//                   databases, and the Xapian stub file XAPIANDB naming them
//                   (indexer/src/shards.h); an artifact lives in shard
//                   FNV-1a(id), mixed, mod N. Generations made before shards are one
//                   database and are used as one shard.
//   dir/gen-2/      the previous one, kept so readers still on it can finish
//
// A rebuild (RebuildIndex in index_follower.h) writes a new generation and
// renames CURRENT over; readers and the writer of every process that has the
// index open move to it on their next call.
//
// Schema (one Xapian document per live artifact, unique term Q<id>):
//
//   | source field                   | free-text terms        | query prefix  |
//   |--------------------------------|------------------------|---------------|
//   | title (wdf x3)                 | S + unprefixed         | title:        |
//   | maker                          | A + unprefixed         | maker:        |
//   | materials[]                    | XM + unprefixed        | material:     |
//   | provenance_text, provenance[]  | XP + unprefixed        | provenance:   |
//   |   (of the structured periods, only strings the text does not hold,  |
//   |   such as method and certainty names; not the derived ISO dates)      |
//   | document text (public pages)   | XD + unprefixed        | doc:          |
//   | identifiers[].value            | XI + unprefixed        |               |
//   | description, inscriptions,     | unprefixed             |               |
//   |   distinguishing_features,     |                        |               |
//   |   subject, culture, find_spot, |                        |               |
//   |   object_type, techniques[]    |                        |               |
//
//   Words are stemmed with the record's `language` (ISO 639-1) when Xapian
//   has that stemmer, else English (STEM_SOME: stemmed Z-terms plus exact
//   terms with positions, so phrases and NEAR work). A record in another
//   language also gets English Z-terms (no positions) of its unprefixed text,
//   because queries are stemmed in English unless SearchQuery::language says
//   otherwise. Fields are 100 positions apart: no phrase spans two fields.
//
//   | boolean term        | meaning                           | query prefix |
//   |---------------------|-----------------------------------|--------------|
//   | Q<id>               | unique id                         |              |
//   | XID:<normalised>    | identifier, case-folded, only     | id:          |
//   |                     |  letters and digits kept          |              |
//   |                     |  ("INV 1931.4/22" -> inv1931422)  |              |
//   | XV:public|restricted| visibility (access filter)        |              |
//   | XFS:<status>        | status facet ("seized")           | status:      |
//   | XFC:<CC>            | country of origin, ISO alpha-2    | country:     |
//   | XFT:<type>          | object type, lower-cased          | type:        |
//   | XFM:<material>      | material, lower-cased             |              |
//   | XFF:<rule>          | flags[].rule (nazi_era, gap, ...) | flag:        |
//   | XFY:<century>       | every century the date spans      | century:     |
//   |                     |  "c+19" = 1800..1899 CE,          |              |
//   |                     |  "c-05" = 500..401 BCE (-500..-401); spans over|
//   |                     |  30 centuries get none            |              |
//   | XFP:<party key>     | party named in provenance, as     |              |
//   |                     |  core::PartyNameKey (schema 2)    |              |
//
//   | value slot | content                                              |
//   |------------|------------------------------------------------------|
//   | 0          | date earliest (else latest), sortable_serialise      |
//   | 1          | date latest (else earliest), sortable_serialise      |
//   | 2          | ascending date sort key (slot 0, undated sort last)  |
//   | 3          | all facet values of the record, packed so that a    |
//   |            |  facet count reads one value per match: facets in    |
//   |            |  the order status, country, type, material, flag,    |
//   |            |  century, separated by \x1e; values by \x1f          |
//
//   Document data: JSON with the display fields and the texts snippets are
//   cut from. Spelling data: words of public records only, so suggestions
//   cannot leak restricted records. Metadata (each shard): custos:last_seq,
//   custos:schema.
//
// Thread-safety: all methods are safe to call concurrently. Searches lease a
// Xapian::Database from a pool (one per concurrent search; Xapian objects are
// not thread-safe), reopening it when this process committed since or at
// least every 100 ms for commits of other processes. Writes go through one
// WritableDatabase per shard, opened on the first write and guarded by a
// mutex; a batch's shards are written side by side on threads of their own,
// each in one transaction that also stores custos:last_seq, and the index
// has applied what its least advanced shard has. Only one process may write
// a generation at a time (Unavailable otherwise).
//
// Exact facet counts and totals of recent queries are cached for the latest
// revision searched (XapianSearchIndexOptions): an answer from the cache is
// the one counting would give, since any commit makes a new revision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/search_index.h"
#include "custos/core/status.h"

namespace custos::indexer {

struct XapianSearchIndexOptions {
  // Exact totals and facet counts of this many recent queries (the counting
  // pass over every match, the cost of a common word) are kept for the
  // latest index revision searched, keyed by the final query, access
  // included. 0 turns the cache off.
  size_t facet_cache_entries = 256;
  // Queries matching fewer records are cheap to count and are not kept.
  int64_t facet_cache_min_matches = 1000;
  // Count the matches of boolean queries that match a good share of the
  // index through bitmaps of their terms' posting lists rather than the
  // matcher's counting pass (same counts, far faster for common words).
  // Off only to compare the two, in tests and benchmarks.
  bool count_by_bitmap = true;
  // Shards of a generation created by this index (the first one, or one
  // OpenGeneration creates for a rebuild): written in parallel, one thread
  // each. Existing generations keep the shards they were created with.
  int shards = 2;

  // The defaults, except that CUSTOS_SEARCH_CACHE=N in the environment sets
  // facet_cache_entries (CUSTOS_SEARCH_CACHE=0: off, to benchmark without)
  // and CUSTOS_INDEX_SHARDS=N sets shards (1-16). InvalidArgument when one
  // is set to anything else.
  static core::Result<XapianSearchIndexOptions> FromEnvironment();
};

class XapianSearchIndex final : public core::SearchIndex {
 public:
  // Opens the index in `dir`, creating the directory and an empty first
  // generation when missing. Does not take the write lock (that happens on
  // the first ApplyBatch). Errors: IOError, Corruption (unreadable CURRENT or
  // a database written by an incompatible schema: rebuild it). The form
  // without options takes them from FromEnvironment, and its InvalidArgument.
  static core::Result<std::unique_ptr<XapianSearchIndex>> Open(const std::string& dir);
  static core::Result<std::unique_ptr<XapianSearchIndex>> Open(
      const std::string& dir, const XapianSearchIndexOptions& options);

  ~XapianSearchIndex() override;
  XapianSearchIndex(const XapianSearchIndex&) = delete;
  XapianSearchIndex& operator=(const XapianSearchIndex&) = delete;

  core::Status ApplyBatch(const core::IndexBatch& batch) override;
  core::Result<int64_t> LastAppliedSeq() const override;
  core::Result<core::SearchResults> Search(const core::SearchQuery& query) const override;
  core::Result<std::vector<core::SearchHit>> Similar(std::string_view id, int n,
                                                     bool include_restricted) const override;
  core::Result<int64_t> DocumentCount() const override;

  // The live generation's directory name ("gen-3"), as of the last call.
  std::string CurrentGeneration() const;

  // Releases the write lock (closes the writer) until the next ApplyBatch.
  void CloseWriter();

  // Counters of the facet count cache since Open (for tests and benchmarks),
  // and of the term bitmaps (match_bitmap.h) reused.
  struct CacheStats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t entries = 0;  // held now
    int64_t term_bitmap_hits = 0;
  };
  CacheStats FacetCacheStats() const;

  // Opens one generation `generation` ("gen-4") under `dir` without
  // following CURRENT, creating it when missing. For RebuildIndex, which
  // fills a generation before publishing it.
  static core::Result<std::unique_ptr<XapianSearchIndex>> OpenGeneration(
      const std::string& dir, const std::string& generation);

  struct Impl;

 private:
  explicit XapianSearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Lower-level helpers, exposed for tests and tools.
// "INV 1931.4/22" -> "inv1931422": Unicode letters and digits, lower-cased.
std::string NormaliseIdentifier(std::string_view value);
// The century key of a year, as cataloguers count: 1800 and 1899 -> "c+19",
// 1900 -> "c+20", 1 -> "c+01"; -500 and -401 -> "c-05", -501 -> "c-06",
// 0 -> "c-01" (0 is treated as 1 BCE).
std::string CenturyKey(int year);

}  // namespace custos::indexer
