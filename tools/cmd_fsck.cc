// custos fsck: checks everything that can rot or be tampered with; exits
// non-zero on any inconsistency.
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/fixity_checker.h"
#include "custos/indexer/xapian_search_index.h"
#include "custos/archive/log_keys.h"

namespace custos::tools {
namespace {
constexpr const char* kUsage = R"(usage: custos fsck [--data DIR]

Checks the data directory and exits non-zero on any problem:
  records   every stored record and revision parses; the change feed is ordered
  scans     every blob re-hashed (a fixity event is recorded per blob); a missing
            or altered scan is named with the records that cite it
  index     the search index has applied the whole change feed and holds one
            document per live record
  custody   the Merkle tree recomputed from the stored leaves matches every
            signed checkpoint (root and consistency), every entry's signature
            and every artifact's hash chain
)";
}  // namespace

int RunFsck(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 1, {"data"}, {"help"});
  if (!args.ok() || args->Has("help")) {
    (args.ok() ? std::cout : std::cerr) << kUsage;
    return args.ok() ? 0 : 2;
  }
  core::SystemClock clock;
  auto archive = archive::Archive::Open(DataDirFrom(*args), clock);
  if (!archive.ok()) {
    std::cerr << "custos fsck: " << archive.status().ToString() << "\n";
    return 1;
  }
  int problems = 0;
  auto report = [&](const std::string& area, const std::string& what) {
    ++problems;
    std::cout << "FAIL " << area << ": " << what << "\n";
  };

  // Records: every page of the listing parses, with its history.
  auto& records = (*archive)->records();
  int64_t checked = 0;
  for (int64_t offset = 0;; offset += 500) {
    auto page = records.ListArtifacts(offset, 500, true);
    if (!page.ok()) {
      report("records", page.status().ToString());
      break;
    }
    for (const auto& a : page->items) {
      auto h = records.History(a.id);
      if (!h.ok()) report("records", a.id + ": " + h.status().ToString());
      else if (h->back().version != a.version) report("records", a.id + ": history behind record");
    }
    checked += static_cast<int64_t>(page->items.size());
    if (page->items.size() < 500) break;
  }
  auto changes = records.ChangesSince(0, 1 << 30);
  if (changes.ok()) {
    for (size_t i = 1; i < changes->size(); ++i) {
      if ((*changes)[i].seq <= (*changes)[i - 1].seq) report("records", "change feed out of order");
    }
  }
  std::cout << "ok   records: " << checked << " live records checked\n";

  {
    archive::FixityChecker checker((*archive)->documents(), (*archive)->blobs(), clock);
    auto fixity = checker.CheckAll();
    if (!fixity.ok()) {
      report("scans", fixity.status().ToString());
    } else {
      for (const auto& f : fixity->failures) {
        std::string cited;
        for (const auto& id : f.artifact_ids) cited += (cited.empty() ? "" : ", ") + id;
        report("scans", f.sha256 + " " + std::string(archive::ToString(f.outcome)) +
                            (f.actual.empty() ? "" : " (now " + f.actual + ")") +
                            (cited.empty() ? "" : "; cited by " + cited));
      }
      std::cout << (fixity->ok() ? "ok   " : "     ") << "scans: " << fixity->checked
                << " blobs re-hashed\n";
    }
  }
  {
    auto index = indexer::XapianSearchIndex::Open((*archive)->paths().index());
    auto applied = index.ok() ? (*index)->LastAppliedSeq() : core::Result<int64_t>(index.status());
    auto last = records.LastChangeSeq();
    auto live = records.CountArtifacts();
    if (!applied.ok() || !last.ok() || !live.ok()) {
      report("index", !applied.ok() ? applied.status().ToString() : "cannot read the store");
    } else if (*applied > *last) {
      report("index", "the index claims change " + std::to_string(*applied) +
                          " but the store ends at " + std::to_string(*last) +
                          " (run custos reindex)");
    } else if (*applied < *last) {
      std::cout << "note index: " << (*last - *applied)
                << " changes not applied yet (the server applies them when it runs)\n";
    } else {
      auto docs = (*index)->DocumentCount();
      if (!docs.ok() || *docs != *live) {
        report("index", "the index holds " + (docs.ok() ? std::to_string(*docs) : "?") +
                            " records but the store has " + std::to_string(*live) +
                            " (run custos reindex)");
      } else {
        std::cout << "ok   index: " << *docs << " records, caught up to change " << *last << "\n";
      }
    }
  }

  auto keys = archive::LogKeys::LoadOrCreate((*archive)->paths().keys());
  if (!keys.ok()) {
    report("custody", keys.status().ToString());
  } else {
    auto log = archive::CustodyLog::Open((*archive)->database_ptr(), *keys, clock);
    if (!log.ok()) {
      report("custody", log.status().ToString());
    } else {
      auto audit = (*log)->Audit();
      if (!audit.ok()) report("custody", audit.status().ToString());
      else for (const auto& p : *audit) report("custody", p);
      std::cout << (audit.ok() && audit->empty() ? "ok   " : "     ") << "custody: "
                << (*log)->size() << " log entries checked\n";
    }
  }
  std::cout << (problems ? "fsck: " + std::to_string(problems) + " problem(s)\n"
                         : "fsck: clean\n");
  return problems ? 1 : 0;
}

}  // namespace custos::tools
