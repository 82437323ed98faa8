#include "search.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "custos/indexer/xapian_search_index.h"
#include "facet_columns.h"
#include "facet_spy.h"
#include "schema.h"

namespace custos::indexer {

namespace {

using core::SearchQuery;
using core::Status;

// Weight given to the record whose identifier equals the whole query, far
// above any BM25 weight, so that it ranks first.
constexpr double kPinWeight = 1e9;
// Wildcards expand to at most this many terms (the most frequent ones).
constexpr Xapian::termcount kMaxWildcardTerms = 256;
// Without facets, totals are exact up to this many matches.
constexpr Xapian::doccount kExactTotalsUpTo = 10000;
// Exact counts go through bitmaps when the ranked pass estimates at least
// 1/kBitmapShare of the documents match (match_bitmap.h); fewer matches are
// cheaper for the matcher, which skips through the rarest term.
constexpr Xapian::doccount kBitmapShare = 20;
// Suggest a spelling when the query finds fewer records than this.
constexpr int64_t kFewResults = 5;
constexpr size_t kSnippetBytes = 240;
constexpr size_t kMaxFilterValueBytes = 200;

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;  // continuation bytes
    unsigned cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Maps the text after a boolean field prefix ("id:INV 1931.4/22" quoted, or
// "country:gr") onto the term the indexer wrote.
class TermProcessor final : public Xapian::FieldProcessor {
 public:
  enum class Norm { kLower, kUpper, kIdentifier };
  TermProcessor(std::string prefix, Norm norm) : prefix_(std::move(prefix)), norm_(norm) {}
  Xapian::Query operator()(const std::string& str) override {
    switch (norm_) {
      case Norm::kIdentifier:
        return Xapian::Query(prefix_ + NormaliseIdentifier(str));
      case Norm::kUpper:
        return Xapian::Query(prefix_ + schema::Upper(str));
      case Norm::kLower:
        break;
    }
    return Xapian::Query(prefix_ + schema::Lower(str));
  }

 private:
  std::string prefix_;
  Norm norm_;
};

void ConfigureParser(Xapian::QueryParser& qp, const Xapian::Database& db, const Xapian::Stem& stem,
                     bool match_any) {
  using Norm = TermProcessor::Norm;
  qp.set_database(db);
  qp.set_stemmer(stem);
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_default_op(match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
  qp.set_max_expansion(kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                       Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
  qp.add_prefix("title", schema::kTitle);
  qp.add_prefix("maker", schema::kMaker);
  qp.add_prefix("material", schema::kMaterialText);
  qp.add_prefix("provenance", schema::kProvenance);
  qp.add_prefix("doc", schema::kDocText);
  qp.add_boolean_prefix("id",
                        (new TermProcessor(schema::kIdentifier, Norm::kIdentifier))->release());
  qp.add_boolean_prefix("country", (new TermProcessor(schema::kCountry, Norm::kUpper))->release());
  qp.add_boolean_prefix("status", (new TermProcessor(schema::kStatus, Norm::kLower))->release());
  qp.add_boolean_prefix("type", (new TermProcessor(schema::kType, Norm::kLower))->release());
  qp.add_boolean_prefix("flag", (new TermProcessor(schema::kFlag, Norm::kLower))->release());
  qp.add_boolean_prefix("century", (new TermProcessor(schema::kCentury, Norm::kLower))->release());
}

// Spelling correction is not among the parse flags: it costs far more than
// the match (bench/RESULTS.md), so it runs only when a query finds few records.
constexpr unsigned kFullFlags = Xapian::QueryParser::FLAG_DEFAULT |
                                Xapian::QueryParser::FLAG_WILDCARD |
                                Xapian::QueryParser::FLAG_PURE_NOT;
// Words only: no operators, quotes, wildcards or +/-.
constexpr unsigned kPlainFlags = 0;

// The spelling-corrected form of `text` ("" when there is none or it does
// not parse).
std::string CorrectedQuery(Xapian::QueryParser& qp, const std::string& text, bool relaxed) {
  try {
    qp.parse_query(text, (relaxed ? kPlainFlags : kFullFlags) |
                             Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
    return qp.get_corrected_query_string();
  } catch (const Xapian::QueryParserError&) {
    return "";
  }
}

// Whether every word of `text` (lower-cased, split as PlainWords splits) is
// in the spelling table, which holds only words of public records. Xapian's
// correction (FLAG_SPELLING_CORRECTION) runs a trigram search per word even
// for a word it knows, and that was most of the time of a query with few
// results (bench/RESULTS.md). We suggest spellings only for words the
// archive does not know, so a query of known words skips it: one table
// lookup per word instead.
bool AllWordsAreSpellingWords(const Xapian::Database& db, std::string_view text) {
  static const std::set<std::string, std::less<>> kOperators = {"AND", "OR",  "NOT", "XOR",
                                                                "NEAR", "ADJ"};
  std::string word, raw;
  bool all = true;
  auto check = [&] {
    // Words with digits (inventory numbers) never enter the spelling table
    // (schema::SpellingWords), so no suggestion can be built from them.
    const bool digits = std::any_of(word.begin(), word.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (!word.empty() && all && !digits && !kOperators.contains(raw)) {
      Xapian::TermIterator t = db.spellings_begin();
      t.skip_to(word);
      all = t != db.spellings_end() && *t == word;
    }
    word.clear();
    raw.clear();
  };
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator() && all;
       ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(raw, *it);
      Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(*it));
    } else {
      check();
    }
  }
  check();
  return all;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// Words of `s` as lower-cased terms, for a query nothing else can parse.
Xapian::Query PlainWords(std::string_view s, bool match_any) {
  std::vector<Xapian::Query> terms;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) terms.emplace_back(word);
    word.clear();
  };
  for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) {
      Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(*it));
    } else {
      flush();
    }
  }
  flush();
  return Xapian::Query(match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND, terms.begin(),
                       terms.end());
}

struct Parsed {
  Xapian::Query query;
  std::string corrected;  // spelling-corrected query string, or empty
  bool relaxed = false;
};

Parsed Parse(Xapian::QueryParser& qp, const std::string& text, bool match_any) {
  Parsed p;
  if (IsBlank(text)) {
    p.query = Xapian::Query::MatchAll;
    return p;
  }
  try {
    p.query = qp.parse_query(text, kFullFlags);
  } catch (const Xapian::QueryParserError&) {
    p.relaxed = true;
    try {
      p.query = qp.parse_query(text, kPlainFlags);
    } catch (const Xapian::QueryParserError&) {
      p.query = PlainWords(text, match_any);
      return p;
    }
  }
  return p;
}

// What every match must pass: the caller's access, facet filters, date range.
struct Filter {
  Xapian::Query must;     // facet filters, date range, [public term] (empty: none)
  Xapian::Query exclude;  // records the caller may not see (empty: none)
};

// Every document has exactly one visibility term (schema::BuildDocument), so
// "not restricted" is "public". Excluding the restricted records (AND_NOT, a
// skip_to per match into a short or empty list) costs far less than
// intersecting with the public ones (FILTER, a second walk of a list of
// nearly every document): the ranked page of a word in every record of the
// 100k bench corpus took 11 ms with FILTER and 4 ms with AND_NOT. Should the
// counts ever not add up, the public term goes into `must` instead. Returns
// the query of the records to exclude.
Xapian::Query AccessExclusion(const Xapian::Database& db, std::vector<Xapian::Query>& must) {
  const std::string public_term =
      std::string(schema::kVisibility) + std::string(core::ToString(core::Visibility::kPublic));
  const std::string restricted_term =
      std::string(schema::kVisibility) + std::string(core::ToString(core::Visibility::kRestricted));
  if (db.get_termfreq(public_term) + db.get_termfreq(restricted_term) == db.get_doccount()) {
    return Xapian::Query(restricted_term);
  }
  must.emplace_back(public_term);
  return Xapian::Query();
}

Filter BuildFilter(const Xapian::Database& db, const SearchQuery& q) {
  Filter f;
  std::vector<Xapian::Query> parts;
  if (!q.include_restricted) f.exclude = AccessExclusion(db, parts);
  for (const auto& [name, values] : q.filters) {
    const schema::Facet* facet = schema::FindFacet(name);
    std::vector<Xapian::Query> any;
    for (const auto& v : values) {
      std::string fv = schema::FacetValue(*facet, v);
      if (!fv.empty()) any.emplace_back(facet->prefix + fv);
    }
    if (!any.empty()) parts.emplace_back(Xapian::Query::OP_OR, any.begin(), any.end());
  }
  // [earliest, latest] overlaps [from, to].
  if (q.to) {
    parts.emplace_back(Xapian::Query::OP_VALUE_LE, schema::kSlotEarliest,
                       Xapian::sortable_serialise(*q.to));
  }
  if (q.from) {
    parts.emplace_back(Xapian::Query::OP_VALUE_GE, schema::kSlotLatest,
                       Xapian::sortable_serialise(*q.from));
  }
  if (!parts.empty()) f.must = Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  return f;
}

Xapian::Query ApplyFilter(const Xapian::Query& main, const Filter& f) {
  Xapian::Query q = main;
  if (!f.must.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, f.must);
  if (!f.exclude.empty()) q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, f.exclude);
  return q;
}

bool HasTerm(const Xapian::Document& doc, const std::string& term) {
  Xapian::TermIterator t = doc.termlist_begin();
  t.skip_to(term);
  return t != doc.termlist_end() && *t == term;
}

// No SNIPPET_BACKGROUND_MODEL: it looks up the term frequency of every
// distinct word of every text it is given, one B-tree lookup each, and was
// most of the cost of a search (bench/RESULTS.md). Without it the window is
// chosen by the query's own terms, which is what the reader looks for.
std::string Snip(const Xapian::MSet& mset, const std::string& text, const Xapian::Stem& stem,
                 bool need_match, size_t length = kSnippetBytes,
                 const std::string& omit = "\xE2\x80\xA6") {
  unsigned flags = 0;
  if (need_match) flags |= Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH;
  return mset.snippet(text, length, stem, flags, "<mark>", "</mark>", omit);
}

std::optional<int> OptInt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// Builds the page of hits, with snippets highlighted by `snip`'s query.
// `pin_term` (may be empty) marks records found by exact identifier: they
// score 100 and the others are scored against the rest of the query's
// maximum weight.
std::vector<core::SearchHit> BuildHits(const Xapian::MSet& mset, const Xapian::MSet& snip,
                                       const Xapian::Stem& stem, const std::string& pin_term) {
  std::vector<core::SearchHit> hits;
  hits.reserve(mset.size());
  double rest_max = mset.get_max_possible() - (pin_term.empty() ? 0 : kPinWeight);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Xapian::Document doc = it.get_document();
    nlohmann::json data = nlohmann::json::parse(doc.get_data(), nullptr, false);
    if (data.is_discarded() || !data.is_object()) data = nlohmann::json::object();
    core::SearchHit h;
    h.id = Str(data, "id");
    h.title = Str(data, "title");
    h.status = Str(data, "status");
    h.country = Str(data, "country");
    h.object_type = Str(data, "type");
    h.date_display = Str(data, "date_display");
    h.date_earliest = OptInt(data, "earliest");
    h.date_latest = OptInt(data, "latest");
    h.restricted = data.value("restricted", false);
    h.weight = it.get_weight();
    if (pin_term.empty()) {
      h.percent = it.get_percent();
    } else if (HasTerm(doc, pin_term)) {
      h.percent = 100;
      h.weight -= kPinWeight;
    } else {
      h.percent =
          rest_max > 0
              ? static_cast<int>(std::lround(std::clamp(h.weight / rest_max, 0.0, 0.99) * 100))
              : 0;
    }
    {
      h.title_html = Snip(snip, h.title, stem, false, h.title.size() + 1, "");
      const nlohmann::json& texts = data.contains("texts") ? data["texts"] : nlohmann::json();
      bool found = false;
      if (texts.is_array()) {
        for (const auto& t : texts) {
          if (!t.is_array() || t.size() != 2 || !t[1].is_string()) continue;
          std::string s = Snip(snip, t[1].get<std::string>(), stem, true);
          if (!s.empty()) {
            h.snippet = std::move(s);
            found = true;
            break;
          }
        }
      }
      const nlohmann::json& docs = data.contains("docs") ? data["docs"] : nlohmann::json();
      if (!found && docs.is_array()) {
        for (const auto& d : docs) {
          std::string s = Snip(snip, Str(d, "text"), stem, true);
          if (!s.empty()) {
            h.snippet = std::move(s);
            h.doc_sha256 = Str(d, "sha256");
            h.doc_kind = Str(d, "kind");
            h.doc_page = d.value("page", 0);
            found = true;
            break;
          }
        }
      }
      if (!found && texts.is_array() && !texts.empty() && texts[0].is_array() &&
          texts[0].size() == 2 && texts[0][1].is_string()) {
        h.snippet = Snip(snip, texts[0][1].get<std::string>(), stem, false);
      }
    }
    hits.push_back(std::move(h));
  }
  return hits;
}

// Snippets are cut from unprefixed text, and MSet::snippet only highlights
// the query's own terms: "doc:invoice" searches XDinvoice, which no word of
// the text is. So a query with free-text field prefixes gets its words
// highlighted through a second query of the same terms without prefixes
// (stems keep their Z). Boolean filter terms (XFC:GR) are left out.
// Returns an empty query when no term has a prefix.
Xapian::Query HighlightQuery(const Xapian::Query& q) {
  std::vector<std::string> terms;
  bool prefixed = false;
  for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it) {
    std::string t = *it;
    std::string z;
    if (t.size() > 1 && t[0] == 'Z' && std::isupper(static_cast<unsigned char>(t[1]))) {
      z = "Z";
      t.erase(0, 1);
    } else if (t.size() > 1 && t[0] == 'Z') {
      terms.push_back(t);  // a stemmed unprefixed word
      continue;
    }
    size_t n = 0;
    while (n < t.size() && std::isupper(static_cast<unsigned char>(t[n]))) ++n;
    if (n == 0) {
      terms.push_back(z + t);
      continue;
    }
    if (n == t.size() || t[n] == ':') continue;  // boolean term
    prefixed = true;
    terms.push_back(z + t.substr(n));
  }
  if (!prefixed) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// Accepts unprefixed, unstemmed words of 3+ bytes for more-like-this.
class WordsOnly final : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() < 3) return false;
    unsigned char c0 = static_cast<unsigned char>(term[0]);
    return c0 >= 0x80 || std::islower(c0) != 0 || std::isdigit(c0) != 0;
  }
};

// Key of the counts of `filtered` (the query exactly as counted) for a
// caller with the given access; "" when the query cannot be serialised (a
// posting source without serialise()), which is then not cached. The access
// level is in the filter already; it is in the key as well so that no
// change of the filter can ever share counts across access levels.
std::string CountKey(const Xapian::Query& filtered, bool include_restricted) {
  try {
    return (include_restricted ? "R" : "P") + filtered.serialise();
  } catch (const Xapian::UnimplementedError&) {
    return "";
  }
}

// Exact total and facet counts of every match of `filtered` in one shard: a
// boolean pass of the matcher (BoolWeight: no BM25 per document, docid
// order) in which a spy sees every match. `columns` (may be null) are the
// shard's at its current revision.
std::shared_ptr<const FacetCount> CountByMatcher(const Xapian::Database& db,
                                                 const Xapian::Query& filtered,
                                                 const FacetColumns* columns) {
  Xapian::Enquire count(db);
  count.set_query(filtered);
  count.set_weighting_scheme(Xapian::BoolWeight());
  count.set_docid_order(Xapian::Enquire::ASCENDING);
  auto out = std::make_shared<FacetCount>();
  const auto count_with = [&](auto&& spy) {
    count.add_matchspy(&spy);
    (void)count.get_mset(0, 0, db.get_doccount());
    out->total = spy.Seen();
    out->facets = spy.Results();
  };
  if (columns != nullptr) {
    count_with(ColumnFacetSpy(*columns));
  } else {
    count_with(FacetSpy());
  }
  return out;
}

// Exact total and facet counts of every match of `filtered`, shard by shard
// (the counts of shards add up). When a good share of the index matches
// (`estimate` is the ranked pass's estimate) and the query is boolean,
// through bitmaps (match_bitmap.h); otherwise by the matcher.
// `uuid` and `revision` are the snapshot's (empty when `columns` is null).
std::shared_ptr<const FacetCount> CountMatches(
    const shards::Snapshot& snap, const std::string& uuid, const shards::Revision& revision,
    const Xapian::Query& filtered, Xapian::doccount estimate, const SnapshotColumns* columns,
    const SearchCaches& caches) {
  const bool fresh_columns = columns != nullptr && columns->revision == revision &&
                             columns->uuid == uuid && columns->shards.size() == snap.shards.size();
  const bool by_bitmap = caches.count_by_bitmap && fresh_columns &&
                         estimate * kBitmapShare >= snap.db.get_doccount() &&
                         BitmapEvaluable(filtered);
  auto out = std::make_shared<FacetCount>();
  for (size_t k = 0; k < snap.shards.size(); ++k) {
    const FacetColumns* shard_columns = fresh_columns ? columns->shards[k].get() : nullptr;
    RevisionCache<MatchBitmap>* bitmaps =
        caches.term_bitmaps != nullptr && k < caches.term_bitmaps->size()
            ? (*caches.term_bitmaps)[k].get()
            : nullptr;
    const std::shared_ptr<const FacetCount> part =
        by_bitmap ? CountByBitmap(snap.shards[k], filtered, *shard_columns, bitmaps)
                  : CountByMatcher(snap.shards[k], filtered, shard_columns);
    out->total += part->total;
    for (const auto& [facet, values] : part->facets) {
      auto& into = out->facets[facet];
      for (const auto& [value, n] : values) into[value] += n;
    }
  }
  return out;
}

}  // namespace

core::Status ValidateQuery(const SearchQuery& q) {
  if (q.q.size() > SearchQuery::kMaxQueryBytes) {
    return Status::InvalidArgument(
        "query is longer than " + std::to_string(SearchQuery::kMaxQueryBytes) + " bytes", "q");
  }
  if (!IsValidUtf8(q.q)) return Status::InvalidArgument("query is not valid UTF-8", "q");
  if (q.page < 1) return Status::InvalidArgument("page must be 1 or more", "page");
  if (q.per_page < 1 || q.per_page > SearchQuery::kMaxPerPage) {
    return Status::InvalidArgument(
        "per_page must be between 1 and " + std::to_string(SearchQuery::kMaxPerPage), "per_page");
  }
  if (static_cast<int64_t>(q.page - 1) * q.per_page > SearchQuery::kMaxOffset) {
    return Status::InvalidArgument("page is too deep: refine the query (at most " +
                                       std::to_string(SearchQuery::kMaxOffset) +
                                       " results can be paged through)",
                                   "page");
  }
  if (q.from && q.to && *q.from > *q.to) {
    return Status::InvalidArgument("from is after to", "from");
  }
  for (const auto& [name, values] : q.filters) {
    if (schema::FindFacet(name) == nullptr) {
      return Status::InvalidArgument("unknown filter " + name, name);
    }
    for (const auto& v : values) {
      if (v.size() > kMaxFilterValueBytes || !IsValidUtf8(v)) {
        return Status::InvalidArgument("bad filter value", name);
      }
    }
  }
  return Status::Ok();
}

core::Result<core::SearchResults> RunSearch(const shards::Snapshot& snap, const SearchQuery& q,
                                            const SnapshotColumns* columns,
                                            const SearchCaches& caches) {
  CUSTOS_RETURN_IF_ERROR(ValidateQuery(q));
  const Xapian::Database& db = snap.db;
  const Xapian::Stem stem = schema::StemmerFor(q.language);
  Xapian::QueryParser qp;
  ConfigureParser(qp, db, stem, q.match_any);
  Parsed parsed = Parse(qp, q.q, q.match_any);

  // An identifier typed as the whole query ranks its record first.
  Xapian::Query main = parsed.query;
  std::string pin_term;
  std::string norm = NormaliseIdentifier(q.q);
  if (norm.size() >= 3 && db.term_exists(schema::kIdentifier + norm)) {
    pin_term = schema::kIdentifier + norm;
    Xapian::Query pin(Xapian::Query::OP_AND,
                      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(pin_term), 0.0),
                      Xapian::Query((new Xapian::FixedWeightPostingSource(kPinWeight))->release()));
    main = main.empty() ? pin : Xapian::Query(Xapian::Query::OP_OR, main, pin);
  }

  const Filter filter = BuildFilter(db, q);
  core::SearchResults out;
  out.page = q.page;
  out.per_page = q.per_page;
  out.query_relaxed = parsed.relaxed;
  if (main.empty()) {  // e.g. only punctuation or stopwords
    return out;
  }

  const Xapian::Query filtered = ApplyFilter(main, filter);
  Xapian::Enquire enquire(db);
  enquire.set_query(filtered);
  switch (q.sort) {
    case core::SearchSort::kRelevance:
      break;
    case core::SearchSort::kDateAscending:
      enquire.set_sort_by_value_then_relevance(schema::kSlotDateAsc, false);
      break;
    case core::SearchSort::kDateDescending:
      enquire.set_sort_by_value_then_relevance(schema::kSlotLatest, true);
      break;
  }
  const Xapian::doccount first = static_cast<Xapian::doccount>((q.page - 1) * q.per_page);
  const Xapian::doccount per_page = static_cast<Xapian::doccount>(q.per_page);
  FacetSpy spy;
  Xapian::MSet mset;
  if (q.facets && q.facet_sample <= 0) {
    // Exact facet counts need every match, but ranking needs only the page.
    // So two passes: the page with the matcher's usual pruning (it may stop
    // early, knowing no later document can rank higher), and a boolean
    // counting pass over every match, which also makes the total exact. The
    // count depends only on the final query and the revision, so a repeated
    // query takes it from the cache (revision_cache.h).
    mset = enquire.get_mset(first, per_page, first + per_page);
    const std::string key =
        caches.counts != nullptr ? CountKey(filtered, q.include_restricted) : "";
    std::shared_ptr<const FacetCount> counted;
    // The snapshot's identity, read once: over several shards get_uuid()
    // joins the shards' uuids into a new string on every call.
    std::string uuid;
    shards::Revision revision;
    if (!key.empty() || columns != nullptr) {
      uuid = db.get_uuid();
      revision = snap.revision();
    }
    if (!key.empty()) counted = caches.counts->Get(uuid, revision, key);
    if (!counted) {
      counted = CountMatches(snap, uuid, revision, filtered, mset.get_matches_estimated(), columns,
                             caches);
      if (!key.empty() && counted->total >= caches.counts_min_total) {
        caches.counts->Put(uuid, revision, key, counted);
      }
    }
    out.total = counted->total;
    out.facets = counted->facets;
    out.total_is_estimate = false;
  } else {
    if (q.facets) enquire.add_matchspy(&spy);
    // With a facet sample the spy sees the first q.facet_sample matches, and
    // counts are scaled above it (below). Without facets totals are exact up
    // to kExactTotalsUpTo.
    const Xapian::doccount facet_checks = static_cast<Xapian::doccount>(
        std::min<int64_t>(q.facet_sample, static_cast<int64_t>(db.get_doccount())));
    const Xapian::doccount check_at_least = q.facets
                                                ? std::max(facet_checks, first + per_page)
                                                : std::max(kExactTotalsUpTo, first + per_page);
    mset = enquire.get_mset(first, per_page, check_at_least);
    out.total = mset.get_matches_estimated();
    out.total_is_estimate = mset.get_matches_lower_bound() != mset.get_matches_upper_bound();
  }
  Xapian::MSet snip = mset;
  if (!mset.empty()) {
    Xapian::Query highlight = HighlightQuery(main);
    if (!highlight.empty()) {
      Xapian::Enquire e(db);
      e.set_query(highlight);
      snip = e.get_mset(0, 0);
    }
  }
  out.hits = BuildHits(mset, snip, stem, pin_term);
  if (q.facets && q.facet_sample > 0) {
    out.facets = spy.Results();
    // The spy saw only the matches the matcher checked. When that is not all
    // of them, scale its counts up to the estimated total. The filter is
    // part of the query, so neither the sample nor the estimate includes a
    // record the caller may not see.
    const int64_t seen = spy.Seen();
    if (out.total_is_estimate || seen < out.total) {
      out.facets_are_estimates = true;
      const double scale = seen > 0 ? std::max(1.0, static_cast<double>(out.total) / seen) : 1.0;
      for (auto& [name, counts] : out.facets) {
        for (auto& [value, n] : counts) {
          n = std::min(out.total, std::max<int64_t>(1, std::llround(n * scale)));
        }
      }
    }
  }

  if (out.total < kFewResults && !IsBlank(q.q) && !AllWordsAreSpellingWords(db, q.q)) {
    parsed.corrected = CorrectedQuery(qp, q.q, parsed.relaxed);
  }
  if (out.total < kFewResults && !parsed.corrected.empty() && parsed.corrected != q.q) {
    Xapian::Query better;
    try {
      better = qp.parse_query(parsed.corrected, kFullFlags);
    } catch (const Xapian::QueryParserError&) {
      better = Xapian::Query();
    }
    if (!better.empty()) {
      Xapian::Enquire e2(db);
      e2.set_query(ApplyFilter(better, filter));
      Xapian::MSet m2 = e2.get_mset(0, 0, kExactTotalsUpTo);
      if (static_cast<int64_t>(m2.get_matches_estimated()) > out.total) {
        out.suggestion = parsed.corrected;
      }
    }
  }
  return out;
}

core::Result<std::vector<core::SearchHit>> RunSimilar(const Xapian::Database& db,
                                                      std::string_view id, int n,
                                                      bool include_restricted) {
  if (n < 1 || n > SearchQuery::kMaxPerPage) {
    return Status::InvalidArgument("n must be between 1 and 100", "n");
  }
  const std::string id_term = schema::IdTerm(id);
  Xapian::PostingIterator p = db.postlist_begin(id_term);
  if (p == db.postlist_end(id_term))
    return Status::NotFound("no indexed artifact " + std::string(id));
  const Xapian::docid did = *p;
  Xapian::Document doc = db.get_document(did);
  const std::string public_term =
      std::string(schema::kVisibility) + std::string(core::ToString(core::Visibility::kPublic));
  if (!include_restricted && !HasTerm(doc, public_term)) {
    return Status::NotFound("no indexed artifact " + std::string(id));
  }

  // The terms that best tell this record apart. USE_EXACT_TERMFREQ: over
  // several shards Xapian otherwise estimates term frequencies, and on a
  // small index the estimates leave few terms with a positive weight.
  Xapian::Enquire enquire(db);
  Xapian::RSet rset;
  rset.add_document(did);
  WordsOnly decider;
  Xapian::ESet eset = enquire.get_eset(24, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
  std::vector<std::string> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) terms.push_back(*it);
  if (terms.empty()) return std::vector<core::SearchHit>{};

  Xapian::Query q(Xapian::Query::OP_OR, terms.begin(), terms.end());
  q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(id_term));
  if (!include_restricted)
    q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(public_term));
  enquire.set_query(q);
  Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(n));
  return BuildHits(mset, mset, schema::StemmerFor(""), "");
}

}  // namespace custos::indexer
