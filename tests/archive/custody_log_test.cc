#include "custos/archive/custody_log.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "custos/core/checkpoint.h"
#include "custos/core/merkle.h"
#include "custos/core/thread.h"
#include "fakes/fixed_clock.h"
#include "temp_dir.h"

namespace custos::archive {
namespace {

using core::Result;
using core::StatusCode;

CustodyAppend Entry(const std::string& artifact, core::CustodyEvent event = core::CustodyEvent::kStorage) {
  CustodyAppend a;
  a.artifact_id = artifact;
  a.event = event;
  a.actor = "Museum of Antiquities";
  a.location = "Vault 3";
  a.time = "2025-01-02T03:04:05Z";
  a.submitted_by = "curator";
  return a;
}

class CustodyLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.file("custos.db"));
    ASSERT_TRUE(db.ok());
    db_ = *db;
    Reopen();
  }
  void Reopen() {
    log_.reset();
    auto keys = LogKeys::LoadOrCreate(dir_.file("keys"), "custos.test/log");
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    auto log = CustodyLog::Open(db_, *keys, clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }
  testing::TempDir dir_;
  testing::FixedClock clock_;
  std::shared_ptr<SqliteDatabase> db_;
  std::unique_ptr<CustodyLog> log_;
};

// Name and nice value of each named thread of this process, from /proc.
std::multimap<std::string, int> NamedThreads() {
  std::multimap<std::string, int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string line((std::istreambuf_iterator<char>(in)), {});
    const size_t open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 19; ++i) rest >> field;  // field 19: nice
    out.emplace(line.substr(open + 1, close - open - 1), std::stoi(field));
  }
  return out;
}

int NiceOfThisThread() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

// Every append waits on the committer, so it and its signing helpers run
// ahead of the request threads where the process may raise a priority
// (the same as a scratch thread can: root or CAP_SYS_NICE).
TEST_F(CustodyLogTest, CommitterAndSignersAreNamedAndRunAheadWherePermitted) {
  ASSERT_TRUE(log_->Append(Entry("A1")).ok());
  bool may_raise = false;
  std::thread([&] { may_raise = core::SetThisThreadNice(-5); }).join();
  // Without the permission a thread keeps the nice value of its creator.
  const int want = may_raise ? -5 : NiceOfThisThread();
  auto threads = NamedThreads();
  ASSERT_EQ(threads.count("custody-commit"), 1u);
  EXPECT_EQ(threads.find("custody-commit")->second, want);
  if (std::thread::hardware_concurrency() > 1) {
    auto [first, last] = threads.equal_range("custody-sign");
    ASSERT_NE(first, last) << "no signing helper";
    for (auto it = first; it != last; ++it) EXPECT_EQ(it->second, want);
  }
}

TEST_F(CustodyLogTest, ChainsPerArtifactAcrossRestarts) {
  ASSERT_TRUE(log_->Append(Entry("a")).ok());
  ASSERT_TRUE(log_->Append(Entry("b")).ok());
  Reopen();
  auto third = log_->Append(Entry("a"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->entry.seq, 1u);
  EXPECT_EQ(third->log_index, 2u);
  auto entries = log_->EntriesFor("a");
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ(*(*entries)[1].entry.prev,
            core::CustodyLinkHash(*core::CanonicalCustodyJson((*entries)[0].entry)));
  EXPECT_TRUE(log_->Audit()->empty());
}

TEST_F(CustodyLogTest, InvalidEntryIsRejectedAndNothingIsLogged) {
  CustodyAppend bad = Entry("a");
  bad.time = "last tuesday";
  auto r = log_->Append(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "time");
  EXPECT_EQ(log_->size(), 0u);
  EXPECT_TRUE(log_->Append(Entry("a")).ok());
  EXPECT_EQ(log_->EntriesFor("a")->front().entry.seq, 0u);
}

TEST_F(CustodyLogTest, ConcurrentAppendsShareCheckpointsAndKeepChainsWhole) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) ASSERT_TRUE(log_->Append(Entry("art-" + std::to_string(t % 4))).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(log_->size(), 400u);
  int checkpoints = 0;
  Poco::Data::Session s("SQLite", dir_.file("custos.db"));
  s << "SELECT count(*) FROM checkpoints", Poco::Data::Keywords::into(checkpoints),
      Poco::Data::Keywords::now;
  EXPECT_LT(checkpoints, 400) << "appends were not batched";
  auto audit = log_->Audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty()) << audit->front();
  for (int a = 0; a < 4; ++a) EXPECT_EQ(log_->EntriesFor("art-" + std::to_string(a))->size(), 100u);
}

// Writes fail for every batch holding a "FAIL-WRITE" entry (a trigger makes
// SQLite abort the transaction). The committer links and signs the next
// batch while one is being written, so a failed write must also undo and
// redo the batch linked onto it. Whatever happens, every acknowledged entry
// is in the log, nothing else is, and every chain stays whole.
TEST_F(CustodyLogTest, FailedWritesAckNothingAndLeaveChainsWholeUnderLoad) {
  {
    Poco::Data::Session s("SQLite", dir_.file("custos.db"));
    s << "CREATE TRIGGER inject_write_failure BEFORE INSERT ON log_leaves "
         "WHEN NEW.note LIKE '%FAIL-WRITE%' BEGIN SELECT RAISE(ABORT, 'injected'); END",
        Poco::Data::Keywords::now;
  }
  struct Outcome {
    bool poisoned;
    Result<LoggedEntry> result;
  };
  std::mutex mu;
  std::vector<Outcome> outcomes;
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        CustodyAppend a = Entry("art-" + std::to_string((t + i) % 4));
        const bool poisoned = (t * 30 + i) % 7 == 3;
        a.notes = poisoned ? "FAIL-WRITE" : "ok " + std::to_string(t) + "/" + std::to_string(i);
        auto r = log_->Append(a);
        std::lock_guard lock(mu);
        outcomes.push_back({poisoned, std::move(r)});
      }
    });
  }
  for (auto& t : threads) t.join();

  uint64_t acked = 0, failed_clean = 0;
  for (const auto& o : outcomes) {
    if (o.poisoned) {
      EXPECT_FALSE(o.result.ok()) << "a write that failed was acknowledged";
      continue;
    }
    if (!o.result.ok()) {
      ++failed_clean;  // shared a batch with a poisoned entry
      continue;
    }
    ++acked;
    auto stored = log_->Entry(o.result->log_index);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(stored->note, o.result->note) << "log index " << o.result->log_index;
  }
  EXPECT_GT(acked, 0u);
  EXPECT_EQ(log_->size(), acked) << failed_clean << " clean entries failed with a poisoned one";
  auto audit = log_->Audit();
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_TRUE(audit->empty()) << audit->front();
  uint64_t in_chains = 0;
  for (int a = 0; a < 4; ++a) {
    auto entries = log_->EntriesFor("art-" + std::to_string(a));
    ASSERT_TRUE(entries.ok());
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto& e = (*entries)[i].entry;
      EXPECT_EQ(e.seq, i);
      EXPECT_EQ(e.prev.has_value(), i > 0);
      if (i > 0) {
        EXPECT_EQ(*e.prev, core::CustodyLinkHash(*core::CanonicalCustodyJson((*entries)[i - 1].entry)));
      }
    }
    in_chains += entries->size();
  }
  EXPECT_EQ(in_chains, acked);

  // After a restart the log and the chains go on from what was committed.
  Reopen();
  EXPECT_EQ(log_->size(), acked);
  auto next = log_->Append(Entry("art-0"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->entry.seq, log_->EntriesFor("art-0")->size() - 1);
  EXPECT_EQ(next->log_index, acked);
  EXPECT_TRUE(log_->Audit()->empty());
}

TEST_F(CustodyLogTest, ProofsMatchTheCheckpoint) {
  for (int i = 0; i < 13; ++i) ASSERT_TRUE(log_->Append(Entry("x")).ok());
  auto cp = log_->LatestCheckpoint();
  auto opened = core::OpenCheckpoint(cp->note, log_->keys().verifiers(), "custos.test/log");
  ASSERT_TRUE(opened.ok());
  for (uint64_t i = 0; i < 13; ++i) {
    auto proof = log_->InclusionProof(i, 13);
    ASSERT_TRUE(proof.ok());
    auto leaf = core::MerkleLeafHash(log_->Entry(i)->note);
    EXPECT_TRUE(core::VerifyMerkleInclusion(i, 13, leaf, *proof, opened->root_hash).ok());
  }
  auto old = log_->CheckpointAt(5);
  ASSERT_TRUE(old.ok());
  auto consistency = log_->ConsistencyProof(5, 13);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(core::VerifyMerkleConsistency(5, 13, *consistency, old->root, cp->root).ok());
}

TEST_F(CustodyLogTest, RotationCoSignsCheckpointsAndOldEntriesStayValid) {
  ASSERT_TRUE(log_->Append(Entry("a")).ok());
  const std::string old_vkey = log_->keys().active_vkey();
  log_.reset();
  ASSERT_TRUE(LogKeys::Rotate(dir_.file("keys")).ok());
  EXPECT_EQ(LogKeys::Rotate(dir_.file("keys")).code(), StatusCode::kConflict);
  Reopen();
  EXPECT_NE(log_->keys().active_vkey(), old_vkey);
  ASSERT_TRUE(log_->Append(Entry("a")).ok());
  auto cp = log_->LatestCheckpoint();
  // Both a verifier pinned to the old key and one pinned to the new accept it.
  auto old_key = core::NoteVerifier::Parse(old_vkey);
  auto new_key = core::NoteVerifier::Parse(log_->keys().active_vkey());
  EXPECT_TRUE(core::OpenCheckpoint(cp->note, std::vector{*old_key}).ok());
  EXPECT_TRUE(core::OpenCheckpoint(cp->note, std::vector{*new_key}).ok());

  log_.reset();
  ASSERT_TRUE(LogKeys::FinishRotation(dir_.file("keys")).ok());
  Reopen();
  ASSERT_TRUE(log_->Append(Entry("a")).ok());
  cp = log_->LatestCheckpoint();
  EXPECT_FALSE(core::OpenCheckpoint(cp->note, std::vector{*old_key}).ok());
  EXPECT_TRUE(core::OpenCheckpoint(cp->note, std::vector{*new_key}).ok());
  // The first entry, signed by the retired key, still verifies: fsck is clean.
  EXPECT_EQ(log_->keys().verifiers().size(), 2u);
  auto audit = log_->Audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty()) << audit->front();
}

TEST_F(CustodyLogTest, AuditFindsRewrittenEntriesAndCheckpoints) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(log_->Append(Entry("a")).ok());
  {
    Poco::Data::Session s("SQLite", dir_.file("custos.db"));
    s << "UPDATE log_leaves SET note = replace(note, 'Vault 3', 'Vault 4') WHERE idx = 1",
        Poco::Data::Keywords::now;
  }
  auto audit = log_->Audit();
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  std::string all;
  for (const auto& p : *audit) all += p + "\n";
  EXPECT_NE(all.find("log leaf 1"), std::string::npos) << all;
}

}  // namespace
}  // namespace custos::archive
