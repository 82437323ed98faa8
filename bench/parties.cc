// bench/parties: party network depth 2 and path queries over the parties of
// a generated corpus (bench/gen_corpus), in process.
//
//   parties CORPUS.jsonl DB [QUERIES=1000] [SEED=7]
//
// Imports the corpus into DB (a fresh SQLite file; skipped when DB already
// holds records), derives the parties (PartyStore::Sync), builds the graph,
// then times QUERIES network(depth=2) and QUERIES path queries between
// random parties that have at least one transfer, for anonymous callers
// (public records) and for investigators (all records), and QUERIES party
// details. "network+json" adds building and dumping the reply body the way
// the API does. Last, it rewrites one record and times the Sync() and graph
// rebuild the next read pays. Prints p50/p99/max in ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "custos/archive/party_store.h"
#include "custos/archive/sqlite_database.h"
#include "custos/archive/sqlite_record_store.h"
#include "custos/core/artifact_derive.h"
#include "custos/core/clock.h"
#include "parties.h"  // web/src: the party API's JSON

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

class WallClock final : public custos::core::Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

void Report(const char* what, std::vector<double> ms) {
  if (ms.empty()) {
    std::printf("%-22s no samples\n", what);
    return;
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf("%-22s n=%zu p50=%.3f ms p99=%.3f ms max=%.3f ms\n", what, ms.size(), at(0.50),
              at(0.99), ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: parties CORPUS.jsonl DB [QUERIES] [SEED]\n");
    return 2;
  }
  const std::string corpus = argv[1], db_path = argv[2];
  const int queries = argc > 3 ? std::atoi(argv[3]) : 1000;
  const unsigned seed = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 7;
  WallClock clock;
  auto db = custos::archive::SqliteDatabase::Open(db_path);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  custos::archive::SqliteRecordStore records(*db, clock);
  auto count = records.CountArtifacts();
  if (count.ok() && *count == 0) {
    auto t0 = Clock::now();
    std::ifstream in(corpus);
    std::string line;
    std::vector<custos::core::Artifact> batch;
    long n = 0;
    auto flush = [&] {
      auto r = records.UpsertArtifacts(std::move(batch), "bench");
      if (!r.ok()) std::fprintf(stderr, "import: %s\n", r.status().ToString().c_str());
      batch.clear();
    };
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      auto a = custos::core::ArtifactFromJson(j);
      if (!a.ok()) continue;
      if (!custos::core::DeriveArtifactFields(*a).ok()) continue;
      batch.push_back(std::move(*a));
      ++n;
      if (batch.size() == 1000) flush();
    }
    if (!batch.empty()) flush();
    std::printf("import: %ld records in %.1f s\n", n, Ms(Clock::now() - t0) / 1000);
  }
  custos::archive::PartyStore parties(*db, clock);
  auto backlog = (*db)->ReadInt64(
      "SELECT (SELECT coalesce(max(seq), 0) FROM changes) - "
      "(SELECT value FROM party_feed WHERE name = 'changes')");
  auto t0 = Clock::now();
  if (auto s = parties.Sync(); !s.ok()) {
    std::fprintf(stderr, "sync: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("derive parties (Sync): %.1f s for %lld change rows\n", Ms(Clock::now() - t0) / 1000,
              static_cast<long long>(backlog.ok() ? *backlog : -1));
  t0 = Clock::now();
  auto graph = parties.Graph();
  if (!graph.ok()) {
    std::fprintf(stderr, "graph: %s\n", graph.status().ToString().c_str());
    return 1;
  }
  std::printf("build graph: %.1f s, %zu parties\n", Ms(Clock::now() - t0) / 1000,
              (*graph)->party_count());

  for (bool restricted : {false, true}) {
    const custos::archive::PartyAccess access{restricted};
    std::printf("-- %s\n",
                restricted ? "investigator (all records)" : "anonymous (public records)");
    std::vector<int64_t> ids;
    for (const auto& s : (*graph)->Search("", access, 10'000'000)) ids.push_back(s.id);
    // Parties with at least one transfer (others have trivial answers).
    std::vector<int64_t> linked;
    for (int64_t id : ids) {
      auto n = (*graph)->Network(id, 1, access);
      if (n.ok() && n->nodes.size() > 1) linked.push_back(id);
    }
    std::printf("visible parties: %zu, with a transfer: %zu\n", ids.size(), linked.size());
    if (linked.size() < 2) return 1;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<size_t> pick(0, linked.size() - 1);
    std::vector<double> net_ms, json_ms, path_ms, detail_ms;
    size_t nodes_total = 0, edges_total = 0, truncated = 0, bytes = 0, found = 0, gave_up = 0;
    for (int i = 0; i < queries; ++i) {
      int64_t id = linked[pick(rng)];
      auto q0 = Clock::now();
      auto n = (*graph)->Network(id, 2, access);
      net_ms.push_back(Ms(Clock::now() - q0));
      if (!n.ok()) continue;
      nodes_total += n->nodes.size();
      edges_total += n->edges.size();
      truncated += n->truncated || n->edges_truncated;
      // The reply body, by the API's own serialiser.
      const nlohmann::json j = custos::web::PartyNetworkJson(*n, 2);
      bytes += j.dump().size();
      json_ms.push_back(Ms(Clock::now() - q0));
    }
    for (int i = 0; i < queries; ++i) {
      int64_t a = linked[pick(rng)], b = linked[pick(rng)];
      bool search_truncated = false;
      auto q0 = Clock::now();
      auto p = (*graph)->Paths(a, b, access, 5, 8, &search_truncated);
      path_ms.push_back(Ms(Clock::now() - q0));
      if (p.ok() && !p->empty()) ++found;
      gave_up += search_truncated;
    }
    for (int i = 0; i < queries; ++i) {
      int64_t id = linked[pick(rng)];
      auto q0 = Clock::now();
      auto d = (*graph)->Detail(id, access);
      detail_ms.push_back(Ms(Clock::now() - q0));
    }
    Report("network depth=2", net_ms);
    Report("network+json", json_ms);
    std::printf("  mean per network: %.1f nodes, %.1f edges, %.0f bytes; truncated: %zu of %d\n",
                static_cast<double>(nodes_total) / queries,
                static_cast<double>(edges_total) / queries, static_cast<double>(bytes) / queries,
                truncated, queries);
    Report("path (max 5, 8 hops)", path_ms);
    std::printf("  pairs connected: %zu of %d, searches given up: %zu\n", found, queries, gave_up);
    Report("detail", detail_ms);
  }

  // One record rewritten: what the next read pays (Sync, then the graph).
  auto some = records.ListArtifacts(0, 1, false);
  if (some.ok() && !some->items.empty()) {
    custos::core::Artifact a = some->items.front();
    const int64_t version = a.version;
    a.title += " (edited)";
    auto r = records.UpdateArtifact(a, version, "bench");
    if (!r.ok()) std::fprintf(stderr, "edit: %s\n", r.status().ToString().c_str());
    t0 = Clock::now();
    auto synced = parties.Sync();
    double sync_ms = Ms(Clock::now() - t0);
    t0 = Clock::now();
    auto rebuilt = parties.Graph();
    std::printf("after one edit: Sync %.1f ms, graph rebuild %.1f ms (%s)\n", sync_ms,
                Ms(Clock::now() - t0), synced.ok() && rebuilt.ok() ? "ok" : "failed");
  }
  return 0;
}
