// FacetSpy: counts facet values over every document the matcher sees (all
// matches, when get_mset's check_at_least is at least the document count).
// Reads the one packed value slot schema::kSlotFacets per document, so a
// count costs one value lookup per match whatever the number of facets.
#pragma once

#include <xapian.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "schema.h"

namespace custos::indexer {

class FacetSpy final : public Xapian::MatchSpy {
 public:
  FacetSpy() : counts_(schema::Facets().size()) {}

  void operator()(const Xapian::Document& doc, double /*wt*/) override {
    ++seen_;
    const std::string packed = doc.get_value(schema::kSlotFacets);
    size_t facet = 0;
    size_t start = 0;
    for (size_t i = 0; i <= packed.size() && facet < counts_.size(); ++i) {
      if (i == packed.size() || packed[i] == schema::kFacetSep || packed[i] == schema::kMultiSep) {
        if (i > start) Count(counts_[facet], std::string_view(packed).substr(start, i - start));
        if (i < packed.size() && packed[i] == schema::kFacetSep) ++facet;
        start = i + 1;
      }
    }
  }

  static constexpr size_t kMaxPartyValues = 50;

  // Documents counted (the matches the matcher checked).
  int64_t Seen() const { return seen_; }

  // Facet name -> value -> count (the party facet: its kMaxPartyValues most
  // frequent values).
  std::map<std::string, std::map<std::string, int64_t>> Results() const {
    std::map<std::string, std::map<std::string, int64_t>> out;
    const auto& facets = schema::Facets();
    for (size_t i = 0; i < facets.size(); ++i) {
      auto& m = out[std::string(facets[i].name)];
      if (facets[i].name == core::kFacetParty && counts_[i].size() > kMaxPartyValues) {
        // A corpus names tens of thousands of parties: answer the most
        // frequent ones (ties by name), not all of them.
        std::vector<std::pair<std::string_view, int64_t>> top(counts_[i].begin(), counts_[i].end());
        std::partial_sort(top.begin(), top.begin() + kMaxPartyValues, top.end(),
                          [](const auto& a, const auto& b) {
                            return a.second != b.second ? a.second > b.second : a.first < b.first;
                          });
        for (size_t k = 0; k < kMaxPartyValues; ++k) m.emplace(std::string(top[k].first), top[k].second);
        continue;
      }
      for (const auto& [v, n] : counts_[i]) m.emplace(std::string(v), n);
    }
    return out;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Counts = std::unordered_map<std::string, int64_t, Hash, std::equal_to<>>;
  static void Count(Counts& m, std::string_view v) {
    auto it = m.find(v);
    if (it == m.end()) {
      m.emplace(std::string(v), 1);
    } else {
      ++it->second;
    }
  }
  std::vector<Counts> counts_;
  int64_t seen_ = 0;
};

}  // namespace custos::indexer
