// Runtime: the background parts of a running archive, started together and
// stopped in order: the custody log (with its committer), the search index
// and the follower that keeps it caught up with the change feed (deriving
// the parties first, so records are indexed under their parties' names), the
// text extraction worker, and the scheduled fixity check.
//
// `custos serve` and the end-to-end tests use it; Deps() hands the server
// what its handlers need. Thread-safe; Stop() is idempotent.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "custos/core/status.h"
#include "custos/indexer/index_follower.h"
#include "custos/web/server.h"

namespace custos::archive {
class Archive;
}

namespace custos::web {

// The index follower's providers over `archive` (which must outlive them):
// the text of the records' documents, and their parties' further names
// (curator aliases). Shared by the server and `custos reindex`.
void SetArchiveProviders(archive::Archive& archive, indexer::FollowerOptions& options);

struct RuntimeOptions {
  std::string origin = "custos.local/log";  // used when the log is created
  // How often the server re-hashes every blob (0: never).
  std::chrono::seconds fixity_interval = std::chrono::hours(24);
  // How often the follower polls the change feed (writes also wake it).
  std::chrono::milliseconds index_poll = std::chrono::milliseconds(200);
  std::chrono::milliseconds extraction_poll = std::chrono::milliseconds(2000);
  // Lines for the server log (failed extractions, fixity failures, ...).
  std::function<void(const std::string&)> log;
};

class Runtime {
 public:
  // Opens the log keys, custody log and search index of `archive` and starts
  // the background threads (the index catches up in the background). `archive` and `clock`
  // must outlive the runtime.
  static core::Result<std::unique_ptr<Runtime>> Start(archive::Archive& archive,
                                                      const core::Clock& clock,
                                                      RuntimeOptions options = {});
  ~Runtime();  // Stop()s

  Server::Deps deps();
  // Waits until the index has applied every change committed so far.
  core::Status SyncIndex();
  void Stop();

  struct Impl;

 private:
  explicit Runtime(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::web
