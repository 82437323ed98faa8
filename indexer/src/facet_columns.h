// FacetColumns: the facet values of every document of one revision of one
// shard of the index (shards.h), decoded once from the packed value slot (schema::kSlotFacets) into
// small integer ids, so that counting facets over a match set is an array
// walk per match instead of a value read and string hashing per match.
//
// A revision's columns are immutable and shared by every reader on that
// revision (XapianSearchIndex keeps the latest one of each shard).
// ColumnFacetSpy counts
// with them and answers exactly what FacetSpy answers over the same matches;
// the tests run both and compare. ColumnCounts counts a set of docids given
// otherwise (match_bitmap.h).
#pragma once

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facet_spy.h"
#include "schema.h"

namespace custos::indexer {

// The exact total and facet counts (as FacetSpy::Results) of a match set.
struct FacetCount {
  int64_t total = 0;
  std::map<std::string, std::map<std::string, int64_t>> facets;
};

class FacetColumns {
 public:
  // Reads the facet slot of every document of `db` (its current revision),
  // one shard: Xapian 1.4 hands a match spy the docid a document has in its
  // own shard, so the columns are per shard, indexed by those.
  static std::shared_ptr<const FacetColumns> Build(const Xapian::Database& db) {
    auto c = std::shared_ptr<FacetColumns>(new FacetColumns());
    c->uuid_ = db.get_uuid();
    c->revision_ = db.get_revision();
    const size_t nfacets = schema::Facets().size();
    c->names_.resize(nfacets);
    std::vector<std::unordered_map<std::string, uint32_t>> ids(nfacets);
    const Xapian::docid last = db.get_lastdocid();
    c->start_.assign(static_cast<size_t>(last) + 2, 0);
    Xapian::docid filled = 0;  // start_[d] is set for every d <= filled
    for (auto it = db.valuestream_begin(schema::kSlotFacets);
         it != db.valuestream_end(schema::kSlotFacets); ++it) {
      const Xapian::docid did = it.get_docid();
      if (did > last) break;
      for (Xapian::docid d = filled + 1; d <= did; ++d) {
        c->start_[d] = static_cast<uint32_t>(c->entries_.size());
      }
      filled = did;
      const std::string packed = *it;
      size_t facet = 0, start = 0;
      for (size_t i = 0; i <= packed.size() && facet < nfacets; ++i) {
        if (i == packed.size() || packed[i] == schema::kFacetSep ||
            packed[i] == schema::kMultiSep) {
          if (i > start) {
            std::string v = packed.substr(start, i - start);
            auto [pos, added] =
                ids[facet].emplace(v, static_cast<uint32_t>(c->names_[facet].size()));
            if (added) c->names_[facet].push_back(std::move(v));
            c->entries_.push_back(static_cast<uint32_t>(facet) << kFacetShift | pos->second);
          }
          if (i < packed.size() && packed[i] == schema::kFacetSep) ++facet;
          start = i + 1;
        }
      }
    }
    for (Xapian::docid d = filled + 1; d <= last + 1; ++d) {
      c->start_[d] = static_cast<uint32_t>(c->entries_.size());
    }
    c->all_.resize(nfacets);
    for (size_t f = 0; f < nfacets; ++f) c->all_[f].assign(c->names_[f].size(), 0);
    for (const uint32_t e : c->entries_) ++c->all_[e >> kFacetShift][e & kValueMask];
    return c;
  }

  const std::string& uuid() const { return uuid_; }
  Xapian::rev revision() const { return revision_; }
  // The highest docid the columns cover (db.get_lastdocid() when built).
  Xapian::docid LastDocid() const { return static_cast<Xapian::docid>(start_.size() - 2); }
  size_t Bytes() const {
    size_t all = 0;
    for (const auto& a : all_) all += a.size() * sizeof(int64_t);
    return start_.size() * sizeof(uint32_t) + entries_.size() * sizeof(uint32_t) + all;
  }

 private:
  friend class ColumnCounts;
  static constexpr unsigned kFacetShift = 27;  // up to 32 facets, 2^27 values each
  static constexpr uint32_t kValueMask = (1u << kFacetShift) - 1;
  FacetColumns() = default;

  std::string uuid_;
  Xapian::rev revision_ = 0;
  std::vector<std::vector<std::string>> names_;  // facet -> value id -> value
  std::vector<uint32_t> start_;    // docid -> first entry; start_[d + 1] ends it
  std::vector<uint32_t> entries_;  // facet << kFacetShift | value id
  std::vector<std::vector<int64_t>> all_;  // facet -> value id -> documents
};

// Facet counts of a set of documents, kept per value id of FacetColumns
// (which must be of the revision the documents come from).
class ColumnCounts {
 public:
  explicit ColumnCounts(const FacetColumns& c) : c_(c), counts_(c.names_.size()) {
    for (size_t f = 0; f < counts_.size(); ++f) counts_[f].assign(c.names_[f].size(), 0);
  }

  void Add(Xapian::docid did) {
    if (did + 1 >= c_.start_.size()) return;  // newer than the columns: cannot happen
    for (uint32_t k = c_.start_[did], end = c_.start_[did + 1]; k < end; ++k) {
      const uint32_t e = c_.entries_[k];
      ++counts_[e >> FacetColumns::kFacetShift][e & FacetColumns::kValueMask];
    }
  }
  void Subtract(Xapian::docid did) {
    if (did + 1 >= c_.start_.size()) return;
    for (uint32_t k = c_.start_[did], end = c_.start_[did + 1]; k < end; ++k) {
      const uint32_t e = c_.entries_[k];
      --counts_[e >> FacetColumns::kFacetShift][e & FacetColumns::kValueMask];
    }
  }
  // Counts every document of the revision: a set of nearly all of them is
  // then counted by subtracting the few it lacks.
  void SetToAll() { counts_ = c_.all_; }

  // As FacetSpy::Results: facet name -> value -> count, the party facet cut
  // to its FacetSpy::kMaxPartyValues most frequent values (ties by name).
  std::map<std::string, std::map<std::string, int64_t>> Results() const {
    std::map<std::string, std::map<std::string, int64_t>> out;
    const auto& facets = schema::Facets();
    for (size_t f = 0; f < facets.size() && f < counts_.size(); ++f) {
      auto& m = out[std::string(facets[f].name)];
      std::vector<std::pair<std::string_view, int64_t>> nonzero;
      for (size_t v = 0; v < counts_[f].size(); ++v) {
        if (counts_[f][v] > 0) nonzero.emplace_back(c_.names_[f][v], counts_[f][v]);
      }
      if (facets[f].name == core::kFacetParty && nonzero.size() > FacetSpy::kMaxPartyValues) {
        std::partial_sort(nonzero.begin(), nonzero.begin() + FacetSpy::kMaxPartyValues,
                          nonzero.end(), [](const auto& a, const auto& b) {
                            return a.second != b.second ? a.second > b.second : a.first < b.first;
                          });
        nonzero.resize(FacetSpy::kMaxPartyValues);
      }
      for (const auto& [v, n] : nonzero) m.emplace(std::string(v), n);
    }
    return out;
  }

 private:
  const FacetColumns& c_;
  std::vector<std::vector<int64_t>> counts_;
};

// Counts facets of the matches through FacetColumns (which must be of the
// revision being searched).
class ColumnFacetSpy final : public Xapian::MatchSpy {
 public:
  explicit ColumnFacetSpy(const FacetColumns& c) : counts_(c) {}

  void operator()(const Xapian::Document& doc, double /*wt*/) override {
    ++seen_;
    counts_.Add(doc.get_docid());
  }

  int64_t Seen() const { return seen_; }
  std::map<std::string, std::map<std::string, int64_t>> Results() const {
    return counts_.Results();
  }

 private:
  ColumnCounts counts_;
  int64_t seen_ = 0;
};

}  // namespace custos::indexer
