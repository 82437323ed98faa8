// search_inproc: the in-process baselines for bench/search.sh. Runs every
// query of QUERIES (one per line) single-threaded against the index
// directory of a custos data dir (DATA/index), three ways:
//
//   lib      custos::indexer::XapianSearchIndex::Search, facets on, anonymous
//            (public records only): exactly what the HTTP handler calls.
//   raw+fac  raw Xapian: QueryParser (English, STEM_SOME, AND) + XV:public
//            filter + get_mset(0, 20, checkatleast = doccount) with a
//            ValueCountMatchSpy on the packed facet slot (3): the minimal
//            work to get top-20 + exact total + facet counts.
//   raw      raw Xapian top-20 without facets (default checkatleast).
//   lib-2k   `lib` with SearchQuery::facet_sample = kSuggestedFacetSample
//            (2,000): facet counts scaled from a sample above 2,000 matches
//            (opt-in; the server answers exact counts).
//   lib-nofac  `lib` with SearchQuery::facets = false (attribution).
//   raw+fac2k  `raw+fac` with checkatleast = kSuggestedFacetSample (2,000): the
//            raw baseline for `lib-2k`.
//   raw+spl  `raw` with FLAG_SPELLING_CORRECTION (attribution: custos
//            parses every query with it).
//
//   search_inproc INDEXDIR QUERIES [PASSES]
// Each way: one warm-up pass (not timed), then PASSES (default 1) timed
// passes. Prints p50/p90/p99/max in ms and queries/s.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "custos/indexer/xapian_search_index.h"

namespace {

using Clock = std::chrono::steady_clock;

void Report(const char* name, std::vector<double>& ms, double wall) {
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("%-8s n=%zu p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms  %.0f q/s\n", name,
              ms.size(), pct(0.50), pct(0.90), pct(0.99), ms.back(), ms.size() / wall);
}

void Run(const char* name, const std::vector<std::string>& qs, int passes,
         const std::function<long(const std::string&)>& fn) {
  long sink = 0;
  for (const auto& q : qs) sink += fn(q);  // warm-up
  std::vector<double> ms;
  ms.reserve(qs.size() * passes);
  auto w0 = Clock::now();
  for (int p = 0; p < passes; ++p) {
    for (const auto& q : qs) {
      auto t0 = Clock::now();
      sink += fn(q);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
  }
  double wall = std::chrono::duration<double>(Clock::now() - w0).count();
  Report(name, ms, wall);
  std::fprintf(stderr, "(%s checksum %ld)\n", name, sink);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: search_inproc INDEXDIR QUERIES [PASSES]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const int passes = argc > 3 ? std::atoi(argv[3]) : 1;
  std::vector<std::string> qs;
  {
    std::ifstream in(argv[2]);
    for (std::string l; std::getline(in, l);) if (!l.empty()) qs.push_back(l);
  }
  auto idx = custos::indexer::XapianSearchIndex::Open(dir);
  if (!idx.ok()) {
    std::cerr << "open: " << idx.status().ToString() << "\n";
    return 1;
  }
  std::string gen = (*idx)->CurrentGeneration();
  std::printf("index %s/%s, %lld docs, %zu queries x %d passes\n", dir.c_str(), gen.c_str(),
              static_cast<long long>(*(*idx)->DocumentCount()), qs.size(), passes);

  Run("lib", qs, passes, [&](const std::string& q) -> long {
    custos::core::SearchQuery sq;
    sq.q = q;
    auto r = (*idx)->Search(sq);
    return r.ok() ? static_cast<long>(r->total) : -1;
  });

  Run("lib-2k", qs, passes, [&](const std::string& q) -> long {
    custos::core::SearchQuery sq;
    sq.q = q;
    sq.facet_sample = custos::core::SearchQuery::kSuggestedFacetSample;
    auto r = (*idx)->Search(sq);
    return r.ok() ? static_cast<long>(r->total) : -1;
  });

  Run("lib-nofac", qs, passes, [&](const std::string& q) -> long {
    custos::core::SearchQuery sq;
    sq.q = q;
    sq.facets = false;
    auto r = (*idx)->Search(sq);
    return r.ok() ? static_cast<long>(r->total) : -1;
  });

  Xapian::Database db(dir + "/" + gen);
  const Xapian::doccount ndocs = db.get_doccount();
  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_stemmer(Xapian::Stem("english"));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_default_op(Xapian::Query::OP_AND);
  const Xapian::Query filter("XV:public");
  auto raw = [&](const std::string& q, bool facets, bool spell = false,
                 Xapian::doccount facet_checks = 0) -> long {
    Xapian::Enquire e(db);
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT |
                           (spell ? unsigned{Xapian::QueryParser::FLAG_SPELLING_CORRECTION} : 0u);
    e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, qp.parse_query(q, flags), filter));
    Xapian::ValueCountMatchSpy spy(3);
    if (facets) e.add_matchspy(&spy);
    Xapian::MSet m = e.get_mset(0, 20, facets ? (facet_checks ? facet_checks : ndocs) : 0);
    long s = static_cast<long>(m.get_matches_estimated());
    for (auto it = m.begin(); it != m.end(); ++it) s += static_cast<long>(it.get_document().get_data().size() & 1);
    return s;
  };
  Run("raw+fac", qs, passes, [&](const std::string& q) { return raw(q, true); });
  Run("raw+fac2k", qs, passes, [&](const std::string& q) {
    return raw(q, true, false,
               std::min<Xapian::doccount>(
                   ndocs, static_cast<Xapian::doccount>(
                              custos::core::SearchQuery::kSuggestedFacetSample)));
  });
  Run("raw", qs, passes, [&](const std::string& q) { return raw(q, false); });
  Run("raw+spl", qs, passes, [&](const std::string& q) { return raw(q, false, true); });
  return 0;
}
