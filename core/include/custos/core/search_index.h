// SearchIndex: the full-text search index over artifact records and the text
// of their scanned documents. It is derived data: the RecordStore is the
// source of truth, and an index follower (custos::indexer::IndexFollower)
// applies the store's change feed to it in order, recording the last applied
// sequence number in the same commit as the changes. The index can always be
// rebuilt from the store.
//
// Access control happens inside the query: with `include_restricted == false`
// restricted records are excluded by a boolean filter before counting, so
// totals, facet counts, suggestions and pages never reveal them. Restricted
// case data (Artifact::restricted) is never indexed at all.
//
// Implementations are thread-safe: any number of concurrent readers (Search,
// Similar, counts) and one writer (ApplyBatch) at a time; ApplyBatch calls are
// serialised internally. Every call blocks on disk I/O.
//
// This header is library-free (no Xapian types): see
// custos/indexer/xapian_search_index.h for the implementation and its schema.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/artifact.h"
#include "custos/core/status.h"

namespace custos::core {

// The extracted text of one page of a scanned document attached to an
// artifact (OCR or text layer). The documents module feeds these in through
// the follower's DocumentTextProvider. Documents marked restricted are not
// indexed (their text must not be matchable by anonymous users).
struct DocumentText {
  std::string sha256;  // hex, the blob address
  std::string kind;    // invoice, export_licence, auction_catalogue, ...
  int page = 0;        // 1-based; 0 when the document has no pages
  std::string text;
  bool restricted = false;
};

// One artifact to (re)index, with its document text.
struct IndexedArtifact {
  Artifact artifact;
  std::vector<DocumentText> documents;
  // Further names of the parties the record names (curator aliases, the
  // spellings other records use for a merged party), fed in through the
  // follower's PartyNamesProvider: indexed as provenance text, so searching
  // any of them finds the record; never shown.
  std::vector<std::string> party_names;
};

// One atomic unit of index change. Each artifact id appears at most once
// across `upserts` and `deletes`. `last_seq` is the change-feed sequence
// number the index has caught up to once the batch is applied; it is stored
// in the same commit. The stored value never moves backwards: a batch whose
// last_seq is below the stored one is still applied (records are re-read,
// so re-applying is harmless) but leaves the stored seq alone.
struct IndexBatch {
  std::vector<IndexedArtifact> upserts;
  std::vector<std::string> deletes;
  int64_t last_seq = 0;
};

enum class SearchSort { kRelevance, kDateAscending, kDateDescending };

// Facet names, used as keys of SearchResults::facets and SearchQuery::filters.
inline constexpr std::string_view kFacetStatus = "status";
inline constexpr std::string_view kFacetCountry = "country";
inline constexpr std::string_view kFacetType = "type";          // object_type, lower-cased
inline constexpr std::string_view kFacetMaterial = "material";  // lower-cased
inline constexpr std::string_view kFacetFlag = "flag";          // flags[].rule
inline constexpr std::string_view kFacetCentury = "century";    // "c+19", "c-05"
inline constexpr std::string_view kFacetParty = "party";  // core::PartyNameKey of each party

struct SearchQuery {
  // User query text (Xapian QueryParser syntax: AND OR NOT, "phrases",
  // wild*, NEAR, +must -mustnot, field prefixes title: maker: material:
  // country: provenance: doc: id: status: type: flag: century:).
  // Empty means "everything" (browse with filters). At most kMaxQueryBytes.
  std::string q;
  // Facet filters: facet name -> accepted values. Values within one facet
  // are ORed, facets are ANDed. Unknown facet names are InvalidArgument.
  std::map<std::string, std::vector<std::string>, std::less<>> filters;
  // Object date overlapping [from, to] (years, negative for BCE): an object
  // dated [earliest, latest] matches when earliest <= to and latest >= from.
  // Undated objects never match a date range.
  std::optional<int> from;
  std::optional<int> to;
  SearchSort sort = SearchSort::kRelevance;
  int page = 1;       // 1-based
  int per_page = 20;  // 1..kMaxPerPage
  bool include_restricted = false;
  // Compute facet counts over the whole match set (costs a full match).
  bool facets = true;
  // 0 (the default): facet counts and the total are exact, over the whole
  // match set; a rare value always shows up, which investigators rely on.
  // N > 0: exact while the query matches at most N records; above that the
  // matcher stops after checking N and the counts are scaled up from them to
  // the estimated total (SearchResults::facets_are_estimates), so a very
  // common word does not cost a full match, but a value outside the sample is
  // missing. Restricted records are excluded by the query's filter before any
  // counting, so a sample never holds them. bench/search_inproc measures both.
  int64_t facet_sample = 0;
  // Words with no operator between them: all must match (false) or any (true).
  bool match_any = false;
  // ISO 639-1 stemmer for the query words; empty means English.
  std::string language;

  static constexpr int64_t kSuggestedFacetSample = 2000;  // for callers that opt in
  static constexpr size_t kMaxQueryBytes = 1000;
  static constexpr int kMaxPerPage = 100;
  static constexpr int64_t kMaxOffset = 100000;  // (page-1)*per_page limit
};

struct SearchHit {
  std::string id;
  std::string title;       // plain text: escape it when rendering HTML
  std::string title_html;  // HTML-escaped, matched words in <mark></mark>
  std::string snippet;     // HTML-escaped, matched words in <mark></mark>
  int percent = 0;         // relevance 0..100 relative to the best hit
  double weight = 0;       // raw BM25 weight
  std::string status;
  std::string country;
  std::string object_type;
  std::string date_display;
  std::optional<int> date_earliest;
  std::optional<int> date_latest;
  bool restricted = false;  // only ever true when include_restricted was set
  // Set when the snippet comes from a scanned document's text
  // ("invoice, page 3"); empty otherwise.
  std::string doc_sha256;
  std::string doc_kind;
  int doc_page = 0;
};

struct SearchResults {
  int64_t total = 0;               // matching records (best estimate)
  bool total_is_estimate = false;  // true when total is not exact
  int page = 1;
  int per_page = 20;
  std::vector<SearchHit> hits;
  // Facet name -> value -> record count over the whole match set. Present
  // only when SearchQuery::facets was set.
  std::map<std::string, std::map<std::string, int64_t>> facets;
  // True when the facet counts were scaled from a sample of the matches
  // (more than SearchQuery::facet_sample matched). Each count is then
  // round(sampled count * total / records sampled), at least 1 and at most
  // total.
  bool facets_are_estimates = false;
  // A better-spelled query when this one found few records and the
  // suggestion finds more.
  std::optional<std::string> suggestion;
  // True when the query could not be parsed with operators and was searched
  // as plain words instead.
  bool query_relaxed = false;
};

class SearchIndex {
 public:
  virtual ~SearchIndex() = default;

  // Applies the batch and records batch.last_seq in one commit: either all
  // of it is durable or none. Blocks until committed. Errors: IOError,
  // Unavailable (database locked by another writer), Corruption.
  virtual Status ApplyBatch(const IndexBatch& batch) = 0;

  // The change-feed seq stored by the last committed batch (0 for a new
  // index). Errors: IOError, Corruption.
  virtual Result<int64_t> LastAppliedSeq() const = 0;

  // Runs a query. Errors: InvalidArgument (query too long or not UTF-8, bad
  // page/per_page, unknown facet, from > to) with the field named; IOError.
  // A query with syntax errors is searched as plain words instead
  // (query_relaxed), never an error.
  virtual Result<SearchResults> Search(const SearchQuery& query) const = 0;

  // Up to `n` (1..100) records most like record `id` (relevance feedback on
  // its terms), best first, excluding itself. NotFound when `id` is not
  // indexed or is restricted and include_restricted is false.
  virtual Result<std::vector<SearchHit>> Similar(std::string_view id, int n,
                                                 bool include_restricted) const = 0;

  // Number of indexed records, restricted included (compare with
  // RecordStore::CountArtifacts in fsck).
  virtual Result<int64_t> DocumentCount() const = 0;
};

// JSON shapes for the HTTP API.
// hit: {"id","title","title_html","snippet","score","weight","status",
//       "country","type","date":{"display","earliest"?,"latest"?},
//       "restricted", "document"?:{"sha256","kind","page"}}
inline nlohmann::json SearchHitToJson(const SearchHit& h) {
  nlohmann::json date = {{"display", h.date_display}};
  if (h.date_earliest) date["earliest"] = *h.date_earliest;
  if (h.date_latest) date["latest"] = *h.date_latest;
  nlohmann::json j = {{"id", h.id},
                      {"title", h.title},
                      {"title_html", h.title_html},
                      {"snippet", h.snippet},
                      {"score", h.percent},
                      {"weight", h.weight},
                      {"status", h.status},
                      {"country", h.country},
                      {"type", h.object_type},
                      {"date", std::move(date)},
                      {"restricted", h.restricted}};
  if (!h.doc_sha256.empty()) {
    j["document"] = {{"sha256", h.doc_sha256}, {"kind", h.doc_kind}, {"page", h.doc_page}};
  }
  return j;
}

// {"total","total_is_estimate","page","per_page","results":[hit...],
//  "facets":{"status":{"seized":12,...},"country":{...},...},
//  "facets_are_estimates","suggestion"?, "query_relaxed"}
inline nlohmann::json SearchResultsToJson(const SearchResults& r) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& h : r.hits) results.push_back(SearchHitToJson(h));
  nlohmann::json facets = nlohmann::json::object();
  for (const auto& [name, counts] : r.facets) {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& [value, n] : counts) c[value] = n;
    facets[name] = std::move(c);
  }
  nlohmann::json j = {{"total", r.total},
                      {"total_is_estimate", r.total_is_estimate},
                      {"page", r.page},
                      {"per_page", r.per_page},
                      {"results", std::move(results)},
                      {"facets", std::move(facets)},
                      {"facets_are_estimates", r.facets_are_estimates},
                      {"query_relaxed", r.query_relaxed}};
  if (r.suggestion) j["suggestion"] = *r.suggestion;
  return j;
}

}  // namespace custos::core
