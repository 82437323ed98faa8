// PartyStore: the registry of parties (persons and organisations) named in
// the records' provenance periods and custody entries, on SqliteDatabase
// (migration 5), and the network of transfers between them.
//
// Derived and curated data are kept apart so that re-reading a record never
// undoes a curator's decision:
//   party_names     normalised name (core::PartyNameKey) -> party. A mention
//                   is attached to a party through its name, so a merge (which
//                   moves the names) holds for every later re-read.
//   party_mentions  derived from the records: one row per mention, replaced
//                   whenever the record or its custody chain changes.
//   party_revisions every curator change (merge, split, alias, undo) with what
//                   it changed, so that it can be undone.
//
// Freshness. Sync() follows the change feed and the custody log from cursors
// kept in the same transaction as the mentions it writes, so a crash loses
// nothing and a `custos import` from another process is picked up by the
// next Sync(). It works in batches of records, reading, deleting and writing
// each batch with a handful of statements. A batch reads its records and
// derives their mentions on a reader, and takes the one writer only to
// store them: custody appends and record edits do not wait for the
// deriving. If the cursors or the generation moved in between (another
// process synced, a curator merged), the batch reads again on the writer.
// Rebuild() re-derives every
// mention from the records. The server runs Sync() in its index follower
// (before each batch of index changes), so requests rarely find work to do.
//
// Curator changes write a change-feed row for every live record naming a
// party they touched, so the search index re-reads those records with the
// party's new names (SearchNames).
//
// Reads go through an immutable in-memory PartyGraph snapshot, rebuilt when a
// write (here or in another process) has bumped the stored generation. The
// snapshot holds, per edge and per access level, the visible counts and the
// first artifact ids, so a network or path query never walks the transfers.
//
// Access: each mention carries the visibility of its record. A caller that
// may not see restricted records sees a party only through its public
// mentions (names, counts, edges and paths included); a party known only
// from restricted records does not exist for it.
//
// Thread-safe; every call blocks on SQLite.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "custos/archive/sqlite_database.h"
#include "custos/core/clock.h"
#include "custos/core/party.h"
#include "custos/core/status.h"

namespace custos::archive {

// Who is reading: restricted mentions count only when `restricted` is true.
struct PartyAccess {
  bool restricted = false;
};

struct PartyName {
  std::string name;
  std::string origin;    // derived | alias
  int64_t mentions = 0;  // visible mentions written this way
};

struct PartyArtifactRef {
  std::string artifact_id;
  std::string title;
  std::string source;  // provenance | custody
  int position = 0;
  std::string name;  // as written in this record
  std::string role, method, place, date_text;
  std::optional<int> first_year, last_year;
  std::vector<std::string> flags;  // gap findings of the record
};

struct PartySummary {
  int64_t id = 0;
  std::string name;
  std::string kind;
  int64_t artifacts = 0;          // distinct visible artifacts
  int64_t flagged_artifacts = 0;  // of which carry gap findings
  std::optional<int> first_year, last_year;
};

struct PartyRevisionInfo {
  int64_t id = 0;
  std::string op;  // merge | split | alias | undo
  int64_t party_id = 0;
  std::optional<int64_t> other_id;
  std::string actor, time;
  std::optional<int64_t> undone_by;
  std::string detail;  // JSON
};

struct PartyDetail {
  PartySummary summary;
  std::vector<PartyName> names;
  std::vector<PartyArtifactRef> artifacts;     // one per mention, by artifact id then position
  std::vector<PartySummary> proposed_matches;  // core::PartyMatch::kProbable, not applied
  std::vector<PartyRevisionInfo> revisions;
};

struct PartyEdge {
  int64_t from = 0, to = 0;            // from passed objects to `to` (by the first transfer seen)
  int64_t transfers = 0;               // visible transfers, both directions
  int64_t flagged = 0;                 // of which on artifacts with gap findings
  int64_t artifact_count = 0;          // distinct visible artifacts behind the edge
  std::vector<std::string> artifacts;  // the first of them (see PartyGraph's caps)
};

struct PartyNetwork {
  std::vector<PartySummary> nodes;  // nodes[0] is the centre
  std::vector<int> depth;           // per node
  std::vector<PartyEdge> edges;
  // Nodes beyond kMaxNetworkNodes were left out (the nearest, and among
  // equally near ones those joined by the most transfers, are kept).
  bool truncated = false;
  // Edges between the nodes shown beyond kMaxNetworkEdges were left out:
  // the edges that reach each node are kept, then the heaviest others.
  bool edges_truncated = false;
};

struct PartyHop {
  int64_t from = 0, to = 0;
  std::vector<std::string> artifacts;  // behind this hop
};
struct PartyPath {
  std::vector<int64_t> parties;  // from .. to
  std::vector<PartyHop> hops;
};

// An immutable snapshot of the parties and their transfers. Thread-safe.
// Queries never block and allocate in proportion to what they return (plus
// an int per party for a network, two for a path search).
//
// Parties, records and edges are held through shared pointers, so that the
// next snapshot after a write shares everything the write did not touch
// (PartyStore builds it from the previous one and the changed rows).
class PartyGraph {
 public:
  static constexpr size_t kMaxEdgeArtifacts = 50;        // per path hop
  static constexpr size_t kMaxNetworkEdgeArtifacts = 5;  // per network edge
  static constexpr size_t kMaxNetworkNodes = 500;
  static constexpr size_t kMaxNetworkEdges = 1000;
  // Adjacency entries a path search may scan before it gives up.
  static constexpr size_t kMaxPathScan = 4'000'000;

  // Parties whose visible names contain `q` (normalised), most artifacts
  // first; every visible party when q is empty.
  std::vector<PartySummary> Search(const std::string& q, const PartyAccess& access,
                                   size_t limit) const;
  // NotFound when unknown or invisible. A merged party id answers with the
  // party it was merged into (see Resolve).
  core::Result<PartyDetail> Detail(int64_t id, const PartyAccess& access) const;
  // The summary of a visible party (a merged id answers with the party it
  // went into); nullopt when unknown or invisible.
  std::optional<PartySummary> Summary(int64_t id, const PartyAccess& access) const;
  // Parties within `depth` transfers (1..4) of `id`, and the edges between
  // them: at most kMaxNetworkNodes nodes and kMaxNetworkEdges edges (see the
  // truncation flags), each edge with at most kMaxNetworkEdgeArtifacts ids.
  // NotFound.
  core::Result<PartyNetwork> Network(int64_t id, int depth, const PartyAccess& access) const;
  // The shortest chains of transfers linking `from` and `to` (either
  // direction), at most `max_paths`, no longer than `max_hops`, each hop with
  // at most kMaxEdgeArtifacts ids. NotFound for an unknown or invisible
  // party; an empty list when unconnected. Searches from both ends; when it
  // scans more than kMaxPathScan adjacency entries it stops and sets
  // *search_truncated (when given), so an empty answer is then no proof that
  // the two are unconnected.
  core::Result<std::vector<PartyPath>> Paths(int64_t from, int64_t to, const PartyAccess& access,
                                             size_t max_paths, int max_hops,
                                             bool* search_truncated = nullptr) const;
  // Parties ranked by the number of flagged artifacts that passed through
  // them (then by artifacts); only those with at least one.
  std::vector<PartySummary> Hubs(const PartyAccess& access, size_t limit) const;
  // A curator revision by id; nullopt when unknown.
  std::optional<PartyRevisionInfo> Revision(int64_t id) const;
  // The live party an id stands for (following merges); nullopt when unknown.
  std::optional<int64_t> Resolve(int64_t id) const;
  // Live parties, visible or not.
  size_t party_count() const { return live_; }

  struct Mention {
    int32_t artifact = 0;  // index in artifacts_
    int32_t position = 0;
    bool custody = false;
    std::string key, name, role, method, place, date_text;
    std::optional<int> first_year, last_year;
  };
  struct Artifact {
    std::string id, title;
    bool restricted = false;
    std::vector<std::string> flags;
    std::vector<int32_t> parties;  // named in it, ascending
  };
  struct Transfer {
    int32_t artifact = 0;
    int32_t from = 0;  // the party that gave
    int32_t rank = 0;  // order within the artifact (custody first, then by position)
  };
  // An edge as one access level sees it (views[0] public, views[1] all).
  struct EdgeView {
    int32_t from = -1;  // party that gave in the first visible transfer; -1: invisible
    int32_t transfers = 0, flagged = 0, artifact_count = 0;
    std::vector<int32_t> artifacts;  // distinct, in transfer order, at most kMaxEdgeArtifacts
  };
  struct Edge {
    int32_t a = 0, b = 0;             // party ids, a < b
    std::vector<Transfer> transfers;  // by artifact id, then rank
    EdgeView views[2];
  };
  // One end's view of an edge, at one access level.
  struct Link {
    int32_t other = 0;
    int32_t transfers = 0;       // edge->views[level].transfers
    const Edge* edge = nullptr;  // owned by Node::edges
  };
  // A distinct spelling of a party's name in its mentions.
  struct Spelling {
    std::string name, key;
    int32_t public_mentions = 0, mentions = 0;
  };
  struct Node {
    int64_t id = 0;
    std::string name, kind;
    std::vector<std::pair<std::string, std::string>> names;  // key, name (origin alias)
    std::vector<Mention> mentions;    // by artifact id, then custody first, then position
    std::vector<Spelling> spellings;  // by name
    std::vector<std::shared_ptr<const Edge>> edges;
    // Per access level, the edges visible at that level, heaviest (by the
    // transfers visible at that level) first: what a caller sees, and the
    // order in which a truncated network keeps nodes, never depends on
    // records it may not see.
    std::vector<Link> adjacent[2];
    PartySummary summaries[2];  // per access level
  };
  // Every word of every spelling key, and the last word of each, -> parties
  // (ascending): the candidates for proposals.
  struct WordIndex {
    std::unordered_map<std::string, std::vector<int32_t>> by_word, by_last_word;
  };

 private:
  friend class PartyStore;
  friend struct PartyGraphBuilder;
  static size_t Level(const PartyAccess& access) { return access.restricted ? 1 : 0; }
  const Node* NodeAt(int64_t id) const {
    return id >= 0 && static_cast<size_t>(id) < nodes_.size()
               ? nodes_[static_cast<size_t>(id)].get()
               : nullptr;
  }
  const Artifact& ArtifactAt(int32_t slot) const { return *artifacts_[static_cast<size_t>(slot)]; }
  bool Visible(const Node& n, const PartyAccess& access) const;
  PartySummary Summarise(const Node& n, const PartyAccess& access) const;
  const Node* Find(int64_t id, const PartyAccess& access) const;  // live and visible
  std::vector<std::string> ArtifactIds(const EdgeView& v, size_t limit) const;

  std::vector<std::shared_ptr<const Node>> nodes_;  // by party id; null: not a live party
  // By slot (assigned by PartyStore); null: a record that names nobody now.
  std::vector<std::shared_ptr<const Artifact>> artifacts_;
  std::map<int64_t, int64_t> merged_into_;  // merged party id -> target
  std::shared_ptr<const std::vector<PartyRevisionInfo>> revisions_;
  std::shared_ptr<const WordIndex> words_;
  size_t live_ = 0;
};

class PartyStore {
 public:
  // `db` and `clock` must outlive the store.
  PartyStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock);
  ~PartyStore();

  // Catches up with the change feed and the custody log. IOError.
  // Serialised with other Sync() calls; blocks. With `max_backlog` >= 0 it
  // does nothing when more than that many change rows and custody entries
  // are waiting (readers leave a bulk import to the server's follower).
  // `synced`, when given, says whether anything was brought in.
  core::Status Sync(int64_t max_backlog = -1, bool* synced = nullptr);
  // Tests only: `hook` runs in every sync batch between its read and its
  // write, so that a test can make another writer move in between.
  void SetSyncInterleaveForTesting(std::function<void()> hook) {
    sync_interleave_ = std::move(hook);
  }
  // Drops every derived mention and re-derives them from the records; the
  // curators' merges, splits and aliases stay (they live in party_names).
  core::Status Rebuild();

  // The current snapshot (after Sync()). When writes made through this
  // object are all that changed since the last snapshot, the new one re-reads
  // only the records and parties they touched and shares the rest; after a
  // write it did not see (another process, Rebuild()) it reads everything.
  core::Result<std::shared_ptr<const PartyGraph>> Graph();

  // Curator changes. Each is one transaction writing the change and its
  // revision row; returns the revision id. Parties are named by id (a merged
  // id is NotFound: act on the party it went into).
  //
  // Merge: `source`'s names and mentions move to `target`; NotFound,
  //   InvalidArgument when source == target.
  core::Result<int64_t> Merge(int64_t target, int64_t source, const std::string& actor);
  // Split: the given names (as written, or any spelling with the same key)
  //   move with their mentions to a new party; InvalidArgument when a name is
  //   not the party's or when no name would be left. Returns the revision;
  //   *new_party receives the new id.
  core::Result<int64_t> Split(int64_t party, const std::vector<std::string>& names,
                              const std::string& actor, int64_t* new_party);
  // Alias: a further name for the party, so that later records naming it
  //   attach here and searches find it. InvalidArgument for an empty name,
  //   Conflict when another party already holds that name (merge instead) or
  //   the party has it already.
  core::Result<int64_t> AddAlias(int64_t party, const std::string& name, const std::string& actor);
  // Undoes a revision. NotFound; Conflict when it was undone already, is
  // itself an undo, or a later change stands in its way (undo that first).
  core::Result<int64_t> Undo(int64_t revision, const std::string& actor);

  // Access check for writes: whether `party` is live and visible.
  core::Status CheckVisible(int64_t party, const PartyAccess& access);

  // The further names under which the search index should find the record
  // `artifact_id`: every name of each party the record names (curator
  // aliases, and the spellings other records use for a merged party), other
  // than the names the record itself uses. For a public record
  // (`restricted_names` false) a spelling known only from restricted records
  // is left out. Reads the mentions written by Sync(); an empty list for a
  // record not synced yet. IOError.
  core::Result<std::vector<std::string>> SearchNames(const std::string& artifact_id,
                                                     bool restricted_names) const;
  // The same for many records in one statement: one list per id, in order.
  // InvalidArgument for an id that is not UTF-8.
  core::Result<std::vector<std::vector<std::string>>> SearchNames(
      const std::vector<std::string>& artifact_ids, bool restricted_names) const;

 private:
  struct SyncCache;
  struct Delta;
  core::Status SyncBatch(bool* more);
  // Called inside every write transaction, which moves the stored
  // generation from `before` to before + 1: what it changed, so that the
  // next snapshot re-reads only that (see Graph()).
  void NoteChange(int64_t before, const std::vector<std::string>& artifacts,
                  const std::vector<int64_t>& parties, bool revisions);
  // After a transaction that called NoteChange failed to commit: what was
  // noted did not happen, and a write made elsewhere could now pass for it.
  void ForgetChanges();
  std::shared_ptr<SqliteDatabase> db_;
  const core::Clock& clock_;
  std::mutex mu_;  // guards graph_, generation_, artifact_slots_; held while building
  std::shared_ptr<const PartyGraph> graph_;
  int64_t generation_ = -1;
  // Never held while waiting for anything: writers take it inside their
  // transaction, so it must not wait for a snapshot being built.
  std::mutex delta_mu_;  // guards delta_
  std::unique_ptr<Delta> delta_;
  std::unordered_map<std::string, int32_t> artifact_slots_;  // record id -> artifact slot
  std::mutex sync_mu_;  // one Sync() at a time; guards sync_cache_
  std::unique_ptr<SyncCache> sync_cache_;
  std::function<void()> sync_interleave_;  // see SetSyncInterleaveForTesting
};

}  // namespace custos::archive
