// custos reindex: rebuilds the search index from the store into a new
// generation and swaps it in; a running server moves to it without downtime.
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/data_dir.h"
#include "custos/indexer/index_follower.h"
#include "custos/web/runtime.h"

namespace custos::tools {

int RunReindex(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 1, {"data"}, {"help"});
  if (!args.ok() || args->Has("help") || !args->positional.empty()) {
    (args.ok() && args->Has("help") ? std::cout : std::cerr)
        << "usage: custos reindex [--data DIR]\n\n"
           "Rebuilds the search index from the store (records and document text) into a new\n"
           "generation and swaps it in atomically. A running server keeps answering and moves\n"
           "to the new index on its next search.\n";
    return args.ok() && args->Has("help") ? 0 : 2;
  }
  core::SystemClock clock;
  auto archive = archive::Archive::Open(DataDirFrom(*args), clock);
  if (!archive.ok()) {
    std::cerr << "custos reindex: " << archive.status().ToString() << "\n";
    return 1;
  }
  auto* parties = &(*archive)->parties();
  indexer::FollowerOptions options;
  // Records are indexed under their parties' names too (curator aliases).
  web::SetArchiveProviders(**archive, options);
  options.prepare = [parties] { return parties->Sync(); };
  auto stats = indexer::RebuildIndex((*archive)->paths().index(), (*archive)->records(), options);
  if (!stats.ok()) {
    std::cerr << "custos reindex: " << stats.status().ToString() << "\n";
    return 1;
  }
  std::cout << "reindexed " << stats->documents << " records up to change " << stats->last_seq
            << " into " << stats->generation << "\n";
  return 0;
}

}  // namespace custos::tools
