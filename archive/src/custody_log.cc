#include "custos/archive/custody_log.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>

#include "custos/core/artifact.h"
#include "custos/core/checkpoint.h"
#include "custos/core/encoding.h"
#include "custos/core/merkle.h"
#include "custos/core/parallel_for.h"
#include "custos/core/thread.h"

namespace custos::archive {

using core::Result;
using core::Status;
using namespace Poco::Data::Keywords;

namespace {

constexpr size_t kMaxBatch = 4096;

// Every complete subtree hash of the tree, level by level: levels[0] holds the
// leaf hashes, levels[l][i] the root of leaves [i << l, (i + 1) << l).
class MerkleLevels final : public core::MerkleHashReader {
 public:
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  void Append(std::string leaf_hash) {
    if (levels_.empty()) levels_.emplace_back();
    levels_[0].push_back(std::move(leaf_hash));
    size_t level = 0;
    uint64_t index = levels_[0].size() - 1;
    while (index % 2 == 1) {
      const auto& row = levels_[level];
      std::string parent = core::MerkleNodeHash(row[index - 1], row[index]);
      if (levels_.size() == level + 1) levels_.emplace_back();
      levels_[level + 1].push_back(std::move(parent));
      ++level;
      index /= 2;
    }
  }

  // Drops leaves past `n` (undo of appends whose commit failed).
  void Truncate(uint64_t n) {
    for (size_t l = 0; l < levels_.size(); ++l) {
      uint64_t keep = n >> l;
      if (levels_[l].size() > keep) levels_[l].resize(keep);
    }
  }

  Result<std::string> LeafHash(uint64_t index) const override {
    if (index >= size()) return Status::NotFound("no leaf " + std::to_string(index));
    return levels_[0][index];
  }
  Result<std::string> SubtreeHash(unsigned level, uint64_t index) const override {
    if (level < levels_.size() && index < levels_[level].size()) return levels_[level][index];
    return MerkleHashReader::SubtreeHash(level, index);
  }

 private:
  std::vector<std::vector<std::string>> levels_;
};

struct Link {
  uint64_t next_seq = 0;
  std::optional<std::string> prev;
};

struct Pending {
  CustodyAppend request;
  std::promise<Result<LoggedEntry>> done;
};

// The committer signs each batch's entries on these helpers and itself:
// Ed25519 signing is most of the committer's work, and the committer is one
// thread.
unsigned SigningHelpers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? std::min(cores - 1, 3u) : 0;
}

// Every append waits on the committer, and at the end of each batch it wakes
// the batch's request threads, which the scheduler would otherwise let take
// the core from it. So where the process may (root or CAP_SYS_NICE), the
// committer and its signing helpers run ahead of the request threads: at 16
// clients this measured +3% on an idle machine and +11-21% with other
// work on the CPUs (bench/RESULTS.md).
constexpr int kCommitterNice = -5;

void StartCommitterThread(const char* name) {
  core::NameThisThread(name);
  core::SetThisThreadNice(kCommitterNice);
}

}  // namespace

struct CustodyLog::Impl {
  std::shared_ptr<SqliteDatabase> db;
  LogKeys keys;
  const core::Clock& clock;

  mutable std::shared_mutex tree_mu;  // guards tree, committed_size, latest
  MerkleLevels tree;
  uint64_t committed_size = 0;
  CheckpointInfo latest;

  std::mutex links_mu;  // guards links (the committer writes, nobody else reads)
  std::map<std::string, Link> links;

  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<Pending*> queue;
  bool stopping = false;
  std::thread committer;
  core::ParallelFor signing{SigningHelpers(), [] { StartCommitterThread("custody-sign"); }};

  Impl(std::shared_ptr<SqliteDatabase> d, LogKeys k, const core::Clock& c)
      : db(std::move(d)), keys(std::move(k)), clock(c) {}

  Result<Link> LinkFor(const std::string& artifact) {
    if (auto it = links.find(artifact); it != links.end()) return it->second;
    std::vector<std::string> notes;
    Status st = db->Read([&](Poco::Data::Session& s) {
      s << "SELECT note FROM log_leaves WHERE artifact_id = ? ORDER BY seq DESC LIMIT 1",
          bind(artifact), into(notes), now;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    Link link;
    if (!notes.empty()) {
      auto parsed = core::ParseCustodyNote(notes[0]);
      if (!parsed.ok()) return Status::Corruption("stored custody note: " + parsed.status().ToString());
      link.next_seq = parsed->entry.seq + 1;
      link.prev = core::CustodyLinkHash(parsed->canonical_json);
    }
    links[artifact] = link;
    return link;
  }

  void Run() {
    while (true) {
      std::vector<Pending*> batch;
      {
        std::unique_lock lock(queue_mu);
        queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and nothing left
        while (!queue.empty() && batch.size() < kMaxBatch) {
          batch.push_back(queue.front());
          queue.pop_front();
        }
      }
      Process(batch);
    }
  }

  // The visibility of the live records the batch's checked requests name.
  Result<std::map<std::string, std::string>> VisibilityOf(const std::vector<Pending*>& batch) {
    std::set<std::string> ids;
    for (const Pending* p : batch) {
      // An id no record can have (any bytes may arrive in a URL) matches
      // nothing, and must not spoil the list for the batch's other requests.
      if (p->request.may_see_restricted && core::IsValidArtifactId(p->request.artifact_id)) {
        ids.insert(p->request.artifact_id);
      }
    }
    std::map<std::string, std::string> out;
    if (ids.empty()) return out;
    CUSTOS_ASSIGN_OR_RETURN(std::string list,
                            JsonArrayParam(std::vector<std::string>(ids.begin(), ids.end())));
    std::vector<std::string> found, values;
    Status st = db->Read([&](Poco::Data::Session& s) {
      // "+deleted" keeps SQLite on the primary key (see GetArtifacts).
      s << "SELECT id, visibility FROM artifacts WHERE +deleted = 0 "
           "AND id IN (SELECT value FROM json_each(?))",
          bind(list), into(found), into(values), now;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    for (size_t i = 0; i < found.size(); ++i) out.emplace(std::move(found[i]), std::move(values[i]));
    return out;
  }

  struct Prepared {
    Pending* pending;
    LoggedEntry logged;
    std::string leaf_hash;
  };

  void Process(std::vector<Pending*>& batch) {
    std::lock_guard links_lock(links_mu);
    const std::string received = core::FormatRfc3339Millis(clock.NowMillis());
    std::map<std::string, Link> working;
    std::vector<Prepared> prepared;
    const core::NoteSigner signers[] = {keys.entry_signer()};
    Result<std::map<std::string, std::string>> visibility = VisibilityOf(batch);
    if (!visibility.ok()) {
      for (Pending* p : batch) p->done.set_value(visibility.status());
      return;
    }
    for (Pending* p : batch) {
      const CustodyAppend& r = p->request;
      if (r.may_see_restricted) {
        auto v = visibility->find(r.artifact_id);
        if (v == visibility->end() ||
            (v->second != core::ToString(core::Visibility::kPublic) && !*r.may_see_restricted)) {
          p->done.set_value(Status::NotFound("no artifact " + r.artifact_id));
          continue;
        }
      }
      Result<Link> link = Status::Internal("unset");
      if (auto it = working.find(r.artifact_id); it != working.end()) {
        link = it->second;
      } else {
        link = LinkFor(r.artifact_id);
      }
      if (!link.ok()) {
        p->done.set_value(link.status());
        continue;
      }
      core::CustodyEntry e;
      e.artifact = r.artifact_id;
      e.seq = link->next_seq;
      e.prev = link->prev;
      e.event = r.event;
      e.actor = r.actor;
      e.location = r.location;
      e.time = r.time;
      e.documents = r.documents;
      e.notes = r.notes;
      e.record_sha256 = r.record_sha256;
      auto canonical = core::CanonicalCustodyJson(e);  // validates
      if (!canonical.ok()) {
        p->done.set_value(canonical.status());
        continue;
      }
      working[r.artifact_id] = Link{e.seq + 1, core::CustodyLinkHash(*canonical)};
      prepared.push_back(Prepared{p, LoggedEntry{0, std::move(e), "", r.submitted_by, received}, ""});
    }
    if (prepared.empty()) return;

    // Sign on several cores. The links above already chain each entry to
    // the one before it, so one failed signature fails the whole batch.
    std::vector<Status> signed_ok(prepared.size());
    signing.Run(prepared.size(), [&](size_t i) {
      auto note = core::SignCustodyEntry(prepared[i].logged.entry, signers);
      if (!note.ok()) {
        signed_ok[i] = note.status();
        return;
      }
      prepared[i].leaf_hash = core::MerkleLeafHash(*note);
      prepared[i].logged.note = std::move(note).value();
    });
    for (const Status& st : signed_ok) {
      if (st.ok()) continue;
      for (auto& prep : prepared) prep.pending->done.set_value(st);
      return;
    }

    // Extend the tree (readers keep seeing only committed_size), sign the
    // checkpoint of the new size, then commit leaves and checkpoint at once.
    uint64_t old_size = 0, new_size = 0;
    Result<std::string> root = Status::Internal("unset");
    {
      std::unique_lock lock(tree_mu);
      old_size = tree.size();
      for (auto& prep : prepared) {
        prep.logged.log_index = tree.size();
        tree.Append(prep.leaf_hash);
      }
      new_size = tree.size();
      root = core::MerkleRoot(tree, new_size);
    }
    Result<std::string> checkpoint = root.ok()
        ? core::SignCheckpoint({keys.origin(), new_size, *root, {}}, keys.checkpoint_signers())
        : Result<std::string>(root.status());
    Status st = checkpoint.ok() ? Status::Ok() : checkpoint.status();
    if (st.ok()) {
      // One statement per table for the whole batch (Poco binds the vectors
      // row by row on one prepared statement), not two per entry.
      const size_t n = prepared.size();
      std::vector<Poco::Int64> idxs, seqs;
      std::vector<std::string> hashes, notes, artifacts, submitters, details;
      idxs.reserve(n), seqs.reserve(n), hashes.reserve(n), notes.reserve(n);
      artifacts.reserve(n), submitters.reserve(n), details.reserve(n);
      for (const auto& prep : prepared) {
        idxs.push_back(static_cast<Poco::Int64>(prep.logged.log_index));
        seqs.push_back(static_cast<Poco::Int64>(prep.logged.entry.seq));
        hashes.push_back(core::HexEncode(prep.leaf_hash));
        notes.push_back(prep.logged.note);
        artifacts.push_back(prep.logged.entry.artifact);
        submitters.push_back(prep.logged.submitted_by);
        details.push_back(std::string(core::CustodyEventName(prep.logged.entry.event)) + ", seq " +
                          std::to_string(prep.logged.entry.seq) + ", log index " +
                          std::to_string(prep.logged.log_index));
      }
      std::vector<std::string> times(n, received), actions(n, "custody.append");
      st = db->Write([&](Poco::Data::Session& s) {
        s << "INSERT INTO log_leaves (idx, leaf_hash, note, artifact_id, seq, submitted_by, "
             "received_at) VALUES (?,?,?,?,?,?,?)",
            use(idxs), use(hashes), use(notes), use(artifacts), use(seqs), use(submitters),
            use(times), now;
        s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)",
            use(times), use(submitters), use(actions), use(artifacts), use(details), now;
        Poco::Int64 size = static_cast<Poco::Int64>(new_size);
        std::string root_hex = core::HexEncode(*root);
        s << "INSERT INTO checkpoints (size, root, note, time) VALUES (?,?,?,?)", bind(size),
            bind(root_hex), bind(*checkpoint), bind(received), now;
        return Status::Ok();
      });
    }
    if (!st.ok()) {
      {
        std::unique_lock lock(tree_mu);
        tree.Truncate(old_size);
      }
      for (auto& prep : prepared) prep.pending->done.set_value(st);
      return;
    }
    for (auto& [artifact, link] : working) links[artifact] = link;
    {
      std::unique_lock lock(tree_mu);
      committed_size = new_size;
      latest = CheckpointInfo{new_size, *root, *checkpoint};
    }
    for (auto& prep : prepared) prep.pending->done.set_value(std::move(prep.logged));
  }
};

CustodyLog::CustodyLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CustodyLog::~CustodyLog() {
  {
    std::lock_guard lock(impl_->queue_mu);
    impl_->stopping = true;
  }
  impl_->queue_cv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
}

Result<std::unique_ptr<CustodyLog>> CustodyLog::Open(std::shared_ptr<SqliteDatabase> db,
                                                     LogKeys keys, const core::Clock& clock) {
  auto impl = std::make_unique<Impl>(std::move(db), std::move(keys), clock);
  std::vector<std::string> hashes;
  std::vector<std::string> notes;
  std::vector<Poco::Int64> sizes;
  std::vector<std::string> roots;
  Status st = impl->db->Read([&](Poco::Data::Session& s) {
    s << "SELECT leaf_hash FROM log_leaves ORDER BY idx", into(hashes), now;
    s << "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1", into(sizes),
        into(roots), into(notes), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  for (auto& h : hashes) {
    auto raw = core::HexDecode(h);
    if (!raw || raw->size() != 32) return Status::Corruption("a stored leaf hash is malformed");
    impl->tree.Append(std::move(*raw));
  }
  impl->committed_size = impl->tree.size();
  if (!sizes.empty()) {
    impl->latest = {static_cast<uint64_t>(sizes[0]), *core::HexDecode(roots[0]), notes[0]};
    if (impl->latest.size != impl->committed_size) {
      return Status::Corruption("the newest checkpoint covers " +
                                std::to_string(impl->latest.size) + " leaves but the log has " +
                                std::to_string(impl->committed_size));
    }
  } else {
    // Before the first append: an (unsigned-on-disk) empty checkpoint.
    auto note = core::SignCheckpoint({impl->keys.origin(), 0, core::MerkleEmptyRoot(), {}},
                                     impl->keys.checkpoint_signers());
    if (!note.ok()) return note.status();
    impl->latest = {0, core::MerkleEmptyRoot(), *note};
  }
  auto* raw = impl.get();
  impl->committer = std::thread([raw] {
    StartCommitterThread("custody-commit");
    raw->Run();
  });
  return std::unique_ptr<CustodyLog>(new CustodyLog(std::move(impl)));
}

Result<LoggedEntry> CustodyLog::Append(CustodyAppend request) {
  Pending pending{std::move(request), {}};
  auto future = pending.done.get_future();
  {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->stopping) return Status::Unavailable("the custody log is shutting down");
    impl_->queue.push_back(&pending);
  }
  impl_->queue_cv.notify_one();
  return future.get();
}

namespace {

Result<std::vector<LoggedEntry>> LoadEntries(SqliteDatabase& db, const std::string& where,
                                             const std::string& key, Poco::Int64 number) {
  std::vector<Poco::Int64> idxs;
  std::vector<std::string> notes, by, at;
  Status st = db.Read([&](Poco::Data::Session& s) {
    std::string sql =
        "SELECT idx, note, submitted_by, received_at FROM log_leaves WHERE " + where;
    if (key.empty()) {
      s << sql, bind(number), into(idxs), into(notes), into(by), into(at), now;
    } else {
      s << sql, bind(key), into(idxs), into(notes), into(by), into(at), now;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::vector<LoggedEntry> out;
  for (size_t i = 0; i < idxs.size(); ++i) {
    auto parsed = core::ParseCustodyNote(notes[i]);
    if (!parsed.ok()) {
      return Status::Corruption("log leaf " + std::to_string(idxs[i]) +
                                " does not parse: " + parsed.status().ToString());
    }
    out.push_back({static_cast<uint64_t>(idxs[i]), std::move(parsed->entry), notes[i], by[i],
                   at[i]});
  }
  return out;
}

}  // namespace

Result<std::vector<LoggedEntry>> CustodyLog::EntriesFor(const std::string& artifact_id) const {
  return LoadEntries(*impl_->db, "artifact_id = ? ORDER BY seq", artifact_id, 0);
}

Result<LoggedEntry> CustodyLog::Entry(uint64_t index) const {
  if (index >= size()) return Status::NotFound("no log entry " + std::to_string(index));
  CUSTOS_ASSIGN_OR_RETURN(auto entries,
                          LoadEntries(*impl_->db, "idx = ?", "", static_cast<Poco::Int64>(index)));
  if (entries.empty()) return Status::NotFound("no log entry " + std::to_string(index));
  return std::move(entries.front());
}

uint64_t CustodyLog::size() const {
  std::shared_lock lock(impl_->tree_mu);
  return impl_->committed_size;
}

Result<CheckpointInfo> CustodyLog::LatestCheckpoint() const {
  std::shared_lock lock(impl_->tree_mu);
  return impl_->latest;
}

Result<CheckpointInfo> CustodyLog::CheckpointAt(uint64_t size) const {
  std::vector<std::string> roots, notes;
  Poco::Int64 n = static_cast<Poco::Int64>(size);
  Status st = impl_->db->Read([&](Poco::Data::Session& s) {
    s << "SELECT root, note FROM checkpoints WHERE size = ?", bind(n), into(roots), into(notes),
        now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (roots.empty()) return Status::NotFound("no checkpoint of size " + std::to_string(size));
  return CheckpointInfo{size, *core::HexDecode(roots[0]), notes[0]};
}

Result<std::vector<std::string>> CustodyLog::InclusionProof(uint64_t index, uint64_t size) const {
  std::shared_lock lock(impl_->tree_mu);
  if (size > impl_->committed_size || index >= size) {
    return Status::InvalidArgument("need index < size <= " +
                                   std::to_string(impl_->committed_size));
  }
  return core::MerkleInclusionProof(impl_->tree, index, size);
}

Result<std::vector<std::string>> CustodyLog::ConsistencyProof(uint64_t from, uint64_t to) const {
  std::shared_lock lock(impl_->tree_mu);
  if (from == 0 || from > to || to > impl_->committed_size) {
    return Status::InvalidArgument("need 0 < from <= to <= " +
                                   std::to_string(impl_->committed_size));
  }
  return core::MerkleConsistencyProof(impl_->tree, from, to);
}

const LogKeys& CustodyLog::keys() const { return impl_->keys; }

Result<std::vector<std::string>> CustodyLog::Audit() const {
  std::vector<std::string> problems;
  std::vector<Poco::Int64> idxs, seqs, sizes;
  std::vector<std::string> hashes, notes, artifacts, roots, cp_notes;
  Status st = impl_->db->Read([&](Poco::Data::Session& s) {
    s << "SELECT idx, leaf_hash, note, artifact_id, seq FROM log_leaves ORDER BY idx",
        into(idxs), into(hashes), into(notes), into(artifacts), into(seqs), now;
    s << "SELECT size, root, note FROM checkpoints ORDER BY size", into(sizes), into(roots),
        into(cp_notes), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;

  MerkleLevels tree;
  std::map<std::string, std::vector<core::SignedCustodyEntry>> chains;
  const auto& verifiers = impl_->keys.verifiers();
  for (size_t i = 0; i < idxs.size(); ++i) {
    std::string where = "log leaf " + std::to_string(idxs[i]);
    if (idxs[i] != static_cast<Poco::Int64>(i)) problems.push_back(where + ": index out of order");
    std::string leaf = core::MerkleLeafHash(notes[i]);
    if (core::HexEncode(leaf) != hashes[i]) problems.push_back(where + ": leaf hash mismatch");
    tree.Append(leaf);
    auto opened = core::OpenCustodyNote(notes[i], verifiers);
    if (!opened.ok()) {
      problems.push_back(where + ": " + opened.status().ToString());
      continue;
    }
    if (opened->entry.artifact != artifacts[i] ||
        opened->entry.seq != static_cast<uint64_t>(seqs[i])) {
      problems.push_back(where + ": indexed columns disagree with the signed entry");
    }
    chains[artifacts[i]].push_back(std::move(opened).value());
  }
  for (auto& [artifact, chain] : chains) {
    std::sort(chain.begin(), chain.end(),
              [](const auto& a, const auto& b) { return a.entry.seq < b.entry.seq; });
    if (auto c = core::VerifyCustodyChain(chain); !c.ok()) {
      problems.push_back("custody chain of " + artifact + ": " + c.message());
    }
  }
  std::optional<std::pair<uint64_t, std::string>> previous;
  for (size_t i = 0; i < sizes.size(); ++i) {
    uint64_t size = static_cast<uint64_t>(sizes[i]);
    std::string where = "checkpoint " + std::to_string(size);
    auto cp = core::OpenCheckpoint(cp_notes[i], verifiers, impl_->keys.origin());
    if (!cp.ok()) {
      problems.push_back(where + ": " + cp.status().ToString());
      continue;
    }
    if (size > tree.size()) {
      problems.push_back(where + ": larger than the log (" + std::to_string(tree.size()) + ")");
      continue;
    }
    auto root = core::MerkleRoot(tree, size);
    if (!root.ok() || *root != cp->root_hash || core::HexEncode(cp->root_hash) != roots[i] ||
        cp->size != size) {
      problems.push_back(where + ": root does not match the stored leaves");
      continue;
    }
    if (previous && previous->first > 0) {
      auto proof = core::MerkleConsistencyProof(tree, previous->first, size);
      Status ok = proof.ok() ? core::VerifyMerkleConsistency(previous->first, size, *proof,
                                                             previous->second, *root)
                             : proof.status();
      if (!ok.ok()) problems.push_back(where + ": not consistent with the previous checkpoint");
    }
    previous = {size, *root};
  }
  if (!sizes.empty() && static_cast<uint64_t>(sizes.back()) != tree.size()) {
    problems.push_back("the newest checkpoint does not cover the whole log");
  }
  return problems;
}

}  // namespace custos::archive
