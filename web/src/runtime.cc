#include "custos/web/runtime.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/extraction_worker.h"
#include "custos/archive/fixity_checker.h"
#include "custos/archive/log_keys.h"
#include "custos/core/thread.h"
#include "custos/indexer/index_follower.h"
#include "custos/indexer/xapian_search_index.h"

namespace custos::web {

using core::Result;
using core::Status;

struct Runtime::Impl {
  Impl(archive::Archive& a, const core::Clock& c, RuntimeOptions o)
      : archive(a), clock(c), options(std::move(o)) {}
  // A Start() that failed after the follower started: stop the follower
  // before the warmer state it calls into (declared after it) goes away.
  ~Impl() {
    follower.reset();
    StopWarmer();
  }

  archive::Archive& archive;
  const core::Clock& clock;
  RuntimeOptions options;
  std::unique_ptr<archive::CustodyLog> custody;
  std::unique_ptr<indexer::XapianSearchIndex> index;
  std::unique_ptr<indexer::IndexFollower> follower;
  std::unique_ptr<archive::ExtractionWorker> extraction;
  std::thread fixity;
  std::mutex fixity_mu;
  std::condition_variable fixity_cv;
  std::atomic<bool> stopping{false};
  bool stopped = false;
  // The party snapshot is loaded again on a thread of its own, when the
  // feed goes quiet: loading it after a large import takes seconds to
  // minutes, and on the index follower's thread it held up indexing.
  std::thread warmer;
  std::mutex warm_mu;
  std::condition_variable warm_cv;
  bool warm_wanted = false, warm_stop = false;
  std::atomic<bool> parties_cold{true};  // changed since the last warm-up

  void Log(const std::string& line) const {
    if (options.log) options.log(line);
  }

  void RequestWarm() {
    {
      std::lock_guard lock(warm_mu);
      warm_wanted = true;
    }
    warm_cv.notify_one();
  }

  void WarmLoop() {
    while (true) {
      {
        std::unique_lock lock(warm_mu);
        warm_cv.wait(lock, [&] { return warm_wanted || warm_stop; });
        if (warm_stop) return;
        warm_wanted = false;
      }
      auto graph = archive.parties().Graph();
      if (!graph.ok()) {
        parties_cold = true;  // the next quiet round tries again
        Log("parties: " + graph.status().ToString());
      }
    }
  }

  void StopWarmer() {
    {
      std::lock_guard lock(warm_mu);
      warm_stop = true;
    }
    warm_cv.notify_all();
    if (warmer.joinable()) warmer.join();
  }

  void FixityLoop() {
    archive::FixityChecker checker(archive.documents(), archive.blobs(), clock);
    while (true) {
      {
        std::unique_lock lock(fixity_mu);
        if (fixity_cv.wait_for(lock, options.fixity_interval, [&] { return stopping.load(); }))
          return;
      }
      auto report = checker.CheckAll(&stopping);
      if (!report.ok()) {
        Log("fixity: " + report.status().ToString());
      } else {
        for (const auto& f : report->failures) {
          std::string cited;
          for (const auto& id : f.artifact_ids) cited += (cited.empty() ? "" : ", ") + id;
          Log("fixity: FAILED " + f.sha256 + " (" + std::string(archive::ToString(f.outcome)) +
              ")" + (cited.empty() ? "" : ", cited by " + cited));
        }
      }
    }
  }
};

void SetArchiveProviders(archive::Archive& archive, indexer::FollowerOptions& options) {
  auto* documents = &archive.documents();
  auto* parties = &archive.parties();
  options.documents = [documents](const std::vector<std::string>& ids) {
    return documents->TextForArtifacts(ids);
  };
  // A restricted record is also found under spellings known only from
  // restricted records; a public one is not: one statement for each kind.
  options.party_names = [parties](const std::vector<core::IndexedArtifact>& records)
      -> Result<std::vector<std::vector<std::string>>> {
    std::vector<std::vector<std::string>> out(records.size());
    for (const bool restricted : {false, true}) {
      std::vector<std::string> ids;
      std::vector<size_t> at;
      for (size_t i = 0; i < records.size(); ++i) {
        if ((records[i].artifact.visibility == core::Visibility::kRestricted) != restricted)
          continue;
        ids.push_back(records[i].artifact.id);
        at.push_back(i);
      }
      if (ids.empty()) continue;
      CUSTOS_ASSIGN_OR_RETURN(auto names, parties->SearchNames(ids, restricted));
      for (size_t k = 0; k < at.size(); ++k) out[at[k]] = std::move(names[k]);
    }
    return out;
  };
}

Runtime::Runtime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Runtime::~Runtime() { Stop(); }

Result<std::unique_ptr<Runtime>> Runtime::Start(archive::Archive& archive,
                                                const core::Clock& clock,
                                                RuntimeOptions options) {
  auto impl = std::make_unique<Impl>(archive, clock, std::move(options));
  CUSTOS_ASSIGN_OR_RETURN(auto keys,
                          archive::LogKeys::LoadOrCreate(archive.paths().keys(),
                                                         impl->options.origin));
  CUSTOS_ASSIGN_OR_RETURN(impl->custody,
                          archive::CustodyLog::Open(archive.database_ptr(), keys, clock));
  auto* parties = &archive.parties();
  Impl* raw = impl.get();
  impl->warmer = std::thread([raw] {
    core::NameThisThread("party-warmer");
    raw->WarmLoop();
  });
  indexer::FollowerOptions fo;
  fo.poll_interval = impl->options.index_poll;
  SetArchiveProviders(archive, fo);
  // Parties follow the same feed (and the custody log), one step ahead of
  // the index: each round and each batch first brings them and their
  // snapshot up to date, so that records are indexed under their parties'
  // current names, and party reads (after a start, a custody entry or a
  // large import) find the work done.
  //
  // The snapshot is warmed once the feed is quiet, not after every batch:
  // under a stream of custody appends each refresh would re-read every
  // touched record's mentions, and a reader that finds the snapshot stale
  // patches it itself. The warm-up runs on the warmer thread; the follower
  // only asks for it.
  fo.prepare = [parties, raw]() -> Status {
    bool synced = false;
    CUSTOS_RETURN_IF_ERROR(parties->Sync(-1, &synced));
    if (synced) {
      raw->parties_cold = true;
    } else if (raw->parties_cold.exchange(false)) {
      raw->RequestWarm();
    }
    return Status::Ok();
  };
  auto index = indexer::XapianSearchIndex::Open(archive.paths().index());
  if (!index.ok() && index.status().code() == core::StatusCode::kCorruption) {
    // The index is derived data: one written by an older schema (or with an
    // unreadable CURRENT) is rebuilt from the store instead of refusing to start.
    impl->Log("search index: " + index.status().message() + "; rebuilding it from the store");
    CUSTOS_ASSIGN_OR_RETURN(auto stats,
                            indexer::RebuildIndex(archive.paths().index(), archive.records(), fo));
    impl->Log("search index: rebuilt " + std::to_string(stats.documents) + " records into " +
              stats.generation);
    index = indexer::XapianSearchIndex::Open(archive.paths().index());
  }
  if (!index.ok()) return index.status();
  impl->index = std::move(index).value();
  impl->follower = std::make_unique<indexer::IndexFollower>(archive.records(), *impl->index, fo);
  // The follower catches up in the background: after a large import the
  // server answers at once and search fills in as the index catches up.
  impl->follower->Start();

  archive::ExtractionOptions eo;
  eo.poll_interval = impl->options.extraction_poll;
  eo.log = [raw](std::string_view line) { raw->Log(std::string(line)); };
  impl->extraction = std::make_unique<archive::ExtractionWorker>(archive.documents(),
                                                                 archive.blobs(), eo);
  CUSTOS_RETURN_IF_ERROR(impl->extraction->Start());
  // Finished extractions write change rows; the follower polls for them.
  if (impl->options.fixity_interval.count() > 0) {
    impl->fixity = std::thread([raw] {
      core::NameThisThread("fixity");
      raw->FixityLoop();
    });
  }
  return std::unique_ptr<Runtime>(new Runtime(std::move(impl)));
}

Server::Deps Runtime::deps() {
  auto* follower = impl_->follower.get();
  return Server::Deps{impl_->archive, impl_->clock, impl_->custody.get(), impl_->index.get(),
                      [follower] { follower->Notify(); }};
}

Status Runtime::SyncIndex() {
  auto r = impl_->follower->CatchUp();
  return r.ok() ? Status::Ok() : r.status();
}

void Runtime::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->stopping = true;
  impl_->fixity_cv.notify_all();
  if (impl_->fixity.joinable()) impl_->fixity.join();
  impl_->StopWarmer();
  if (impl_->extraction) impl_->extraction->Stop();
  if (impl_->follower) impl_->follower->Stop();
  impl_->follower.reset();
  impl_->index.reset();
  impl_->custody.reset();
}

}  // namespace custos::web
