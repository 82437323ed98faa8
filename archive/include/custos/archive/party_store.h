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
// next Sync(). Rebuild() re-derives every mention from the records.
//
// Reads go through an immutable in-memory PartyGraph snapshot, rebuilt when a
// write (here or in another process) has bumped the stored generation.
//
// Access: each mention carries the visibility of its record. A caller that
// may not see restricted records sees a party only through its public
// mentions (names, counts, edges and paths included); a party known only
// from restricted records does not exist for it.
//
// Thread-safe; every call blocks on SQLite.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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
  std::string origin;  // derived | alias
  int64_t mentions = 0;  // visible mentions written this way
};

struct PartyArtifactRef {
  std::string artifact_id;
  std::string title;
  std::string source;  // provenance | custody
  int position = 0;
  std::string name;    // as written in this record
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
  std::vector<PartyArtifactRef> artifacts;  // one per mention, by artifact id then position
  std::vector<PartySummary> proposed_matches;  // core::PartyMatch::kProbable, not applied
  std::vector<PartyRevisionInfo> revisions;
};

struct PartyEdge {
  int64_t from = 0, to = 0;  // from passed objects to `to` (by the first transfer seen)
  int64_t transfers = 0;     // visible transfers, both directions
  int64_t flagged = 0;       // of which on artifacts with gap findings
  std::vector<std::string> artifacts;  // ids, at most kMaxEdgeArtifacts
};

struct PartyNetwork {
  std::vector<PartySummary> nodes;  // nodes[0] is the centre
  std::vector<int> depth;           // per node
  std::vector<PartyEdge> edges;
  bool truncated = false;
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
class PartyGraph {
 public:
  static constexpr size_t kMaxEdgeArtifacts = 50;
  static constexpr size_t kMaxNetworkNodes = 500;

  // Parties whose visible names contain `q` (normalised), most artifacts
  // first; every visible party when q is empty.
  std::vector<PartySummary> Search(const std::string& q, const PartyAccess& access,
                                   size_t limit) const;
  // NotFound when unknown or invisible. A merged party id answers with the
  // party it was merged into (see Resolve).
  core::Result<PartyDetail> Detail(int64_t id, const PartyAccess& access) const;
  // Parties within `depth` transfers (1..4) of `id`, and the edges between
  // them, at most kMaxNetworkNodes nodes (truncated = true beyond). NotFound.
  core::Result<PartyNetwork> Network(int64_t id, int depth, const PartyAccess& access) const;
  // The shortest chains of transfers linking `from` and `to` (either
  // direction), at most `max_paths`, no longer than `max_hops`. NotFound for
  // an unknown or invisible party; an empty list when unconnected.
  core::Result<std::vector<PartyPath>> Paths(int64_t from, int64_t to, const PartyAccess& access,
                                             size_t max_paths, int max_hops) const;
  // Parties ranked by the number of flagged artifacts that passed through
  // them (then by artifacts); only those with at least one.
  std::vector<PartySummary> Hubs(const PartyAccess& access, size_t limit) const;
  // A curator revision by id; nullopt when unknown.
  std::optional<PartyRevisionInfo> Revision(int64_t id) const;
  // The live party an id stands for (following merges); nullopt when unknown.
  std::optional<int64_t> Resolve(int64_t id) const;
  // Live parties, visible or not.
  size_t party_count() const { return nodes_.size(); }

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
  };
  struct Transfer {
    int32_t artifact = 0;
    int32_t from = 0;  // node index
  };
  struct Edge {
    int32_t a = 0, b = 0;  // node indices
    std::vector<Transfer> transfers;
  };
  struct Node {
    int64_t id = 0;
    std::string name, kind;
    std::vector<std::pair<std::string, std::string>> names;  // key, name (origin alias)
    std::vector<Mention> mentions;
    std::vector<std::pair<int32_t, int32_t>> adjacent;  // node, edge
  };

 private:
  friend class PartyStore;
  friend struct PartyGraphBuilder;
  bool Visible(const Node& n, const PartyAccess& access) const;
  bool EdgeVisible(const Edge& e, const PartyAccess& access) const;
  PartySummary Summarise(const Node& n, const PartyAccess& access) const;
  // Summarise, precomputed per node for both access levels when built.
  const PartySummary& SummaryOf(int32_t node, const PartyAccess& access) const {
    return (access.restricted ? summary_all_ : summary_public_)[static_cast<size_t>(node)];
  }
  std::optional<int32_t> IndexOf(int64_t id, const PartyAccess& access) const;

  std::vector<Node> nodes_;
  std::vector<Artifact> artifacts_;
  std::vector<Edge> edges_;
  std::map<int64_t, int32_t> index_;        // live party id -> node
  std::map<int64_t, int64_t> merged_into_;  // merged party id -> target
  std::vector<PartyRevisionInfo> revisions_;
  std::vector<PartySummary> summary_public_, summary_all_;
};

class PartyStore {
 public:
  // `db` and `clock` must outlive the store.
  PartyStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock);

  // Catches up with the change feed and the custody log. IOError.
  core::Status Sync();
  // Drops every derived mention and re-derives them from the records; the
  // curators' merges, splits and aliases stay (they live in party_names).
  core::Status Rebuild();

  // The current snapshot (after Sync()).
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
  core::Result<int64_t> AddAlias(int64_t party, const std::string& name,
                                 const std::string& actor);
  // Undoes a revision. NotFound; Conflict when it was undone already, is
  // itself an undo, or a later change stands in its way (undo that first).
  core::Result<int64_t> Undo(int64_t revision, const std::string& actor);

  // Access check for writes: whether `party` is live and visible.
  core::Status CheckVisible(int64_t party, const PartyAccess& access);

 private:
  core::Status SyncBatch(bool* more);
  std::shared_ptr<SqliteDatabase> db_;
  const core::Clock& clock_;
  std::mutex mu_;  // guards graph_ / generation_
  std::shared_ptr<const PartyGraph> graph_;
  int64_t generation_ = -1;
};

}  // namespace custos::archive
