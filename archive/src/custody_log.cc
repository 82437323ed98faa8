#include "custos/archive/custody_log.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <thread>

#include "custos/core/artifact.h"
#include "custos/core/checkpoint.h"
#include "custos/core/encoding.h"
#include "custos/core/merkle.h"
#include "custos/core/parallel_for.h"

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
// Ed25519 signing is most of the committer's work.
unsigned SigningHelpers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? std::min(cores - 1, 3u) : 0;
}

// One batch, linked, signed and placed in the tree, waiting to be written.
struct PreparedBatch {
  struct Entry {
    Pending* pending;
    LoggedEntry logged;
    std::string leaf_hash;
  };
  std::vector<Entry> entries;
  std::map<std::string, Link> heads;  // each artifact's chain head after this batch
  std::string received;
  uint64_t old_size = 0, new_size = 0;  // the tree before and after this batch
  std::string root, checkpoint;
};

// A batch handed to the writer, with what undoes it in the committer's
// state if its write fails.
struct WriteJob {
  PreparedBatch batch;
  std::map<std::string, std::optional<Link>> undo;  // heads before the batch
};

}  // namespace

// Appends go through two threads, so that one batch is linked and signed
// while the one before it is written and fsynced:
//
//   committer: take the queue -> check visibility -> link -> sign (with
//              helpers) -> extend the tree -> sign the checkpoint -> hand off
//   writer:    one transaction (leaves, audit rows, checkpoint) -> publish
//              the new size and checkpoint -> answer the batch's callers
//
// At most one batch is with the writer. The committer links batch k+1 onto
// batch k's heads and tree before k is durable; if k's write fails, its
// callers get the error, and the committer undoes k (tree truncated to k's
// old size, heads restored) and links and signs k+1 again on the committed
// state, so nothing is acknowledged that is not on disk and no chain has a
// gap. Readers only ever see committed_size.
struct CustodyLog::Impl {
  std::shared_ptr<SqliteDatabase> db;
  LogKeys keys;
  const core::Clock& clock;

  mutable std::shared_mutex tree_mu;  // guards tree, committed_size, latest
  MerkleLevels tree;
  uint64_t committed_size = 0;
  CheckpointInfo latest;

  // Chain heads after every batch handed to the writer. Committer only.
  std::map<std::string, Link> heads;

  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<Pending*> queue;
  bool stopping = false;
  std::thread committer;
  core::ParallelFor signing{SigningHelpers()};

  std::mutex write_mu;
  std::condition_variable write_cv;
  std::optional<WriteJob> in_flight;  // with the writer
  std::optional<WriteJob> failed;     // written and failed, not yet undone
  bool writer_stopping = false;
  std::thread writer;

  Impl(std::shared_ptr<SqliteDatabase> d, LogKeys k, const core::Clock& c)
      : db(std::move(d)), keys(std::move(k)), clock(c) {}

  Result<Link> HeadOf(const std::string& artifact) {
    if (auto it = heads.find(artifact); it != heads.end()) return it->second;
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
    heads[artifact] = link;
    return link;
  }

  void RunCommitter() {
    while (true) {
      std::vector<Pending*> batch;
      {
        std::unique_lock lock(queue_mu);
        queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) break;  // stopping, and nothing left
        while (!queue.empty() && batch.size() < kMaxBatch) {
          batch.push_back(queue.front());
          queue.pop_front();
        }
      }
      UndoFailedWrite();
      std::optional<PreparedBatch> prepared = Prepare(batch);
      while (prepared && !WaitForWriter()) {
        // The batch before this one failed to write, and this one is linked
        // onto it: undo both (the tree loses this batch's leaves too) and
        // link this one again on the committed state.
        UndoFailedWrite();
        std::vector<Pending*> again;
        for (auto& e : prepared->entries) again.push_back(e.pending);
        prepared = Prepare(again);
      }
      if (prepared) HandOff(std::move(*prepared));
    }
    WaitForWriter();
  }

  void RunWriter() {
    while (true) {
      std::unique_lock lock(write_mu);
      write_cv.wait(lock, [&] { return writer_stopping || in_flight; });
      if (!in_flight) return;
      WriteJob& job = *in_flight;
      lock.unlock();
      const Status st = Write(job.batch);
      if (st.ok()) {
        {
          std::unique_lock tree_lock(tree_mu);
          committed_size = job.batch.new_size;
          latest = CheckpointInfo{job.batch.new_size, job.batch.root, job.batch.checkpoint};
        }
        for (auto& e : job.batch.entries) e.pending->done.set_value(std::move(e.logged));
      } else {
        for (auto& e : job.batch.entries) e.pending->done.set_value(st);
      }
      lock.lock();
      if (!st.ok()) failed = std::move(job);
      in_flight.reset();
      write_cv.notify_all();
    }
  }

  // Waits until the writer has no batch; false when the last one failed
  // (and is not undone yet).
  bool WaitForWriter() {
    std::unique_lock lock(write_mu);
    write_cv.wait(lock, [&] { return !in_flight; });
    return !failed;
  }

  void HandOff(PreparedBatch batch) {
    WriteJob job;
    for (auto& [artifact, head] : batch.heads) {
      auto it = heads.find(artifact);
      job.undo[artifact] = it == heads.end() ? std::nullopt : std::optional<Link>(it->second);
      heads[artifact] = head;
    }
    job.batch = std::move(batch);
    {
      std::lock_guard lock(write_mu);
      in_flight = std::move(job);
    }
    write_cv.notify_all();
  }

  // Undoes a batch whose write failed: its leaves (and any linked after
  // them) leave the tree, and the chain heads it moved go back.
  void UndoFailedWrite() {
    std::optional<WriteJob> job;
    {
      std::lock_guard lock(write_mu);
      job.swap(failed);
    }
    if (!job) return;
    Truncate(job->batch.old_size);
    for (auto& [artifact, head] : job->undo) {
      if (head) {
        heads[artifact] = *head;
      } else {
        heads.erase(artifact);
      }
    }
  }

  void Truncate(uint64_t size) {
    std::unique_lock lock(tree_mu);
    tree.Truncate(size);
  }

  // The visibility of the live records the batch's checked requests name.
  Result<std::map<std::string, std::string>> VisibilityOf(const std::vector<Pending*>& batch) {
    std::set<std::string> ids;
    for (const Pending* p : batch) {
      if (p->request.may_see_restricted) ids.insert(p->request.artifact_id);
    }
    std::map<std::string, std::string> out;
    if (ids.empty()) return out;
    std::vector<std::string> id_list(ids.begin(), ids.end()), found, values;
    Status st = db->Read([&](Poco::Data::Session& s) {
      std::string sql = "SELECT id, visibility FROM artifacts WHERE deleted = 0 AND id IN (";
      for (size_t i = 0; i < id_list.size(); ++i) sql += i ? ",?" : "?";
      Poco::Data::Statement q(s);
      q << sql + ")";
      for (auto& id : id_list) q, use(id);
      q, into(found), into(values), now;
      return Status::Ok();
    });
    if (!st.ok()) return st;
    for (size_t i = 0; i < found.size(); ++i) out.emplace(std::move(found[i]), std::move(values[i]));
    return out;
  }

  // Checks, links and signs the requests of `batch`, extends the tree and
  // signs the checkpoint of the new size. Requests that fail are answered
  // here; nullopt when none is left to write.
  std::optional<PreparedBatch> Prepare(const std::vector<Pending*>& batch) {
    PreparedBatch out;
    out.received = core::FormatRfc3339Millis(clock.NowMillis());
    const core::NoteSigner signers[] = {keys.entry_signer()};
    Result<std::map<std::string, std::string>> visibility = VisibilityOf(batch);
    if (!visibility.ok()) {
      for (Pending* p : batch) p->done.set_value(visibility.status());
      return std::nullopt;
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
      if (auto it = out.heads.find(r.artifact_id); it != out.heads.end()) {
        link = it->second;
      } else {
        link = HeadOf(r.artifact_id);
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
      out.heads[r.artifact_id] = Link{e.seq + 1, core::CustodyLinkHash(*canonical)};
      out.entries.push_back(
          PreparedBatch::Entry{p, LoggedEntry{0, std::move(e), "", r.submitted_by, out.received}, ""});
    }
    if (out.entries.empty()) return std::nullopt;

    // Sign on several cores. The links above already chain each entry to
    // the one before it, so one failed signature fails the whole batch.
    std::vector<Status> signed_ok(out.entries.size());
    signing.Run(out.entries.size(), [&](size_t i) {
      auto note = core::SignCustodyEntry(out.entries[i].logged.entry, signers);
      if (!note.ok()) {
        signed_ok[i] = note.status();
        return;
      }
      out.entries[i].leaf_hash = core::MerkleLeafHash(*note);
      out.entries[i].logged.note = std::move(note).value();
    });
    for (const Status& st : signed_ok) {
      if (st.ok()) continue;
      for (auto& e : out.entries) e.pending->done.set_value(st);
      return std::nullopt;
    }

    // Extend the tree (readers keep seeing only committed_size) and sign the
    // checkpoint of the new size.
    Result<std::string> root = Status::Internal("unset");
    {
      std::unique_lock lock(tree_mu);
      out.old_size = tree.size();
      for (auto& e : out.entries) {
        e.logged.log_index = tree.size();
        tree.Append(e.leaf_hash);
      }
      out.new_size = tree.size();
      root = core::MerkleRoot(tree, out.new_size);
    }
    Result<std::string> checkpoint =
        root.ok() ? core::SignCheckpoint({keys.origin(), out.new_size, *root, {}},
                                         keys.checkpoint_signers())
                  : Result<std::string>(root.status());
    if (!checkpoint.ok()) {
      Truncate(out.old_size);
      for (auto& e : out.entries) e.pending->done.set_value(checkpoint.status());
      return std::nullopt;
    }
    out.root = std::move(root).value();
    out.checkpoint = std::move(checkpoint).value();
    return out;
  }

  // Leaves, audit rows and checkpoint of one batch in one transaction; one
  // statement per table for the whole batch (Poco binds the vectors row by
  // row on one prepared statement), not two per entry.
  Status Write(const PreparedBatch& batch) {
    const size_t n = batch.entries.size();
    std::vector<Poco::Int64> idxs, seqs;
    std::vector<std::string> hashes, notes, artifacts, submitters, details;
    idxs.reserve(n), seqs.reserve(n), hashes.reserve(n), notes.reserve(n);
    artifacts.reserve(n), submitters.reserve(n), details.reserve(n);
    for (const auto& e : batch.entries) {
      idxs.push_back(static_cast<Poco::Int64>(e.logged.log_index));
      seqs.push_back(static_cast<Poco::Int64>(e.logged.entry.seq));
      hashes.push_back(core::HexEncode(e.leaf_hash));
      notes.push_back(e.logged.note);
      artifacts.push_back(e.logged.entry.artifact);
      submitters.push_back(e.logged.submitted_by);
      details.push_back(std::string(core::CustodyEventName(e.logged.entry.event)) + ", seq " +
                        std::to_string(e.logged.entry.seq) + ", log index " +
                        std::to_string(e.logged.log_index));
    }
    std::vector<std::string> times(n, batch.received), actions(n, "custody.append");
    return db->Write([&](Poco::Data::Session& s) {
      s << "INSERT INTO log_leaves (idx, leaf_hash, note, artifact_id, seq, submitted_by, "
           "received_at) VALUES (?,?,?,?,?,?,?)",
          use(idxs), use(hashes), use(notes), use(artifacts), use(seqs), use(submitters),
          use(times), now;
      s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)",
          use(times), use(submitters), use(actions), use(artifacts), use(details), now;
      Poco::Int64 size = static_cast<Poco::Int64>(batch.new_size);
      std::string root_hex = core::HexEncode(batch.root);
      std::string note = batch.checkpoint, received = batch.received;
      s << "INSERT INTO checkpoints (size, root, note, time) VALUES (?,?,?,?)", bind(size),
          bind(root_hex), bind(note), bind(received), now;
      return Status::Ok();
    });
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
  {
    std::lock_guard lock(impl_->write_mu);
    impl_->writer_stopping = true;
  }
  impl_->write_cv.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
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
  impl->writer = std::thread([raw] { raw->RunWriter(); });
  impl->committer = std::thread([raw] { raw->RunCommitter(); });
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
