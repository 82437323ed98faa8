// search_inproc: the in-process baselines for bench/search.sh. Runs every
// query of QUERIES (one per line) single-threaded against the index
// directory of a custos data dir (DATA/index), three ways:
//
//   lib      custos::indexer::XapianSearchIndex::Search, facets on, anonymous
//            (public records only): exactly what the HTTP handler calls,
//            facet count cache on (its own index object, cold at the start
//            of the timed pass: the warm-up runs on `lib-nocache`'s).
//   lib-nocache  `lib` with the facet count cache off (facet_cache_entries 0).
//   lib-matcher  `lib-nocache` counting with the matcher's pass instead of
//            term bitmaps (count_by_bitmap false): the counting before them.
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
//   search_inproc INDEXDIR QUERIES [PASSES] [--ways lib,raw,...] [--detail FILE]
// Each way: one warm-up pass (not timed), then PASSES (default 1) timed
// passes. Prints p50/p90/p99/max in ms and queries/s. --ways runs only the
// named ways (default all); --detail appends
// "way<TAB>ms<TAB>total<TAB>query<TAB>cpu ms" per timed query to FILE, to
// see which queries make the tail. The cpu figures are the thread's CPU
// time, which a loaded machine does not inflate as it does wall time.
#include <xapian.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "custos/indexer/xapian_search_index.h"

namespace {

using Clock = std::chrono::steady_clock;

// This thread's CPU time in ms: unlike wall time, not inflated when other
// processes hold the cores (a loaded machine).
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void Report(const char* name, std::vector<double>& ms, std::vector<double>& cpu, double wall) {
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  auto pct = [](const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  std::printf(
      "%-8s n=%zu p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms  %.0f q/s"
      "  (cpu p50=%.3f p90=%.3f p99=%.3f ms)\n",
      name, ms.size(), pct(ms, 0.50), pct(ms, 0.90), pct(ms, 0.99), ms.back(), ms.size() / wall,
      pct(cpu, 0.50), pct(cpu, 0.90), pct(cpu, 0.99));
}

struct Settings {
  int passes = 1;
  std::set<std::string> ways;  // empty: all
  std::FILE* detail = nullptr;
};

// `warm` (defaults to fn) runs the untimed warm-up pass.
void Run(const char* name, const std::vector<std::string>& qs, const Settings& st,
         const std::function<long(const std::string&)>& fn,
         const std::function<long(const std::string&)>& warm = nullptr) {
  if (!st.ways.empty() && !st.ways.contains(name)) return;
  long sink = 0;
  for (const auto& q : qs) sink += warm ? warm(q) : fn(q);
  std::vector<double> ms, cpu;
  ms.reserve(qs.size() * st.passes);
  cpu.reserve(qs.size() * st.passes);
  auto w0 = Clock::now();
  for (int p = 0; p < st.passes; ++p) {
    for (const auto& q : qs) {
      const double c0 = ThreadCpuMs();
      auto t0 = Clock::now();
      const long total = fn(q);
      sink += total;
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      cpu.push_back(ThreadCpuMs() - c0);
      if (st.detail) {
        std::fprintf(st.detail, "%s\t%.3f\t%ld\t%s\t%.3f\n", name, ms.back(), total, q.c_str(),
                     cpu.back());
      }
    }
  }
  double wall = std::chrono::duration<double>(Clock::now() - w0).count();
  Report(name, ms, cpu, wall);
  std::fprintf(stderr, "(%s checksum %ld)\n", name, sink);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: search_inproc INDEXDIR QUERIES [PASSES] [--ways a,b] [--detail FILE]\n";
    return 2;
  }
  const std::string dir = argv[1];
  Settings st;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--ways" && i + 1 < argc) {
      std::istringstream in(argv[++i]);
      for (std::string w; std::getline(in, w, ',');) st.ways.insert(w);
    } else if (a == "--detail" && i + 1 < argc) {
      st.detail = std::fopen(argv[++i], "a");
    } else {
      st.passes = std::atoi(a.c_str());
    }
  }
  const int passes = st.passes;
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

  // The index objects of `lib` and `lib-nocache`: the cached one warms up
  // on one query outside the list (builds its facet columns), so its timed
  // pass starts with an empty cache.
  custos::indexer::XapianSearchIndexOptions no_cache;
  no_cache.facet_cache_entries = 0;
  auto uncached = custos::indexer::XapianSearchIndex::Open(dir, no_cache);
  if (!uncached.ok()) {
    std::cerr << "open: " << uncached.status().ToString() << "\n";
    return 1;
  }
  auto lib = [](const custos::indexer::XapianSearchIndex& index, const std::string& q) -> long {
    custos::core::SearchQuery sq;
    sq.q = q;
    auto r = index.Search(sq);
    return r.ok() ? static_cast<long>(r->total) : -1;
  };
  (void)lib(**idx, "");
  Run("lib", qs, st, [&](const std::string& q) { return lib(**idx, q); },
      [&](const std::string& q) { return lib(**uncached, q); });
  Run("lib-nocache", qs, st, [&](const std::string& q) { return lib(**uncached, q); });
  custos::indexer::XapianSearchIndexOptions by_matcher = no_cache;
  by_matcher.count_by_bitmap = false;
  auto matcher = custos::indexer::XapianSearchIndex::Open(dir, by_matcher);
  if (!matcher.ok()) {
    std::cerr << "open: " << matcher.status().ToString() << "\n";
    return 1;
  }
  Run("lib-matcher", qs, st, [&](const std::string& q) { return lib(**matcher, q); });

  Run("lib-2k", qs, st, [&](const std::string& q) -> long {
    custos::core::SearchQuery sq;
    sq.q = q;
    sq.facet_sample = custos::core::SearchQuery::kSuggestedFacetSample;
    auto r = (*idx)->Search(sq);
    return r.ok() ? static_cast<long>(r->total) : -1;
  });

  Run("lib-nofac", qs, st, [&](const std::string& q) -> long {
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
  Run("raw+fac", qs, st, [&](const std::string& q) { return raw(q, true); });
  Run("raw+fac2k", qs, st, [&](const std::string& q) {
    return raw(q, true, false,
               std::min<Xapian::doccount>(
                   ndocs, static_cast<Xapian::doccount>(
                              custos::core::SearchQuery::kSuggestedFacetSample)));
  });
  Run("raw", qs, st, [&](const std::string& q) { return raw(q, false); });
  Run("raw+spl", qs, st, [&](const std::string& q) { return raw(q, false, true); });
  if (st.detail) std::fclose(st.detail);
  return 0;
}
