#include "custos/archive/party_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "custos/core/artifact.h"
#include "custos/core/custody.h"

namespace custos::archive {

using core::Result;
using core::Status;
using nlohmann::json;
using namespace Poco::Data::Keywords;
using Poco::Int64;
using Session = Poco::Data::Session;

namespace {

constexpr int kSyncBatch = 500;

Int64 FeedValue(Session& s, const std::string& name) {
  Int64 v = 0;
  s << "SELECT value FROM party_feed WHERE name = ?", bind(name), into(v), now;
  return v;
}

void SetFeedValue(Session& s, const std::string& name, Int64 v) {
  s << "UPDATE party_feed SET value = ? WHERE name = ?", bind(v), bind(name), now;
}

void BumpGeneration(Session& s) {
  s << "UPDATE party_feed SET value = value + 1 WHERE name = 'generation'", now;
}

Int64 LastRowId(Session& s) {
  Int64 id = 0;
  s << "SELECT last_insert_rowid()", into(id), now;
  return id;
}

Poco::Nullable<int> ToNullable(const std::optional<int>& v) {
  return v ? Poco::Nullable<int>(*v) : Poco::Nullable<int>();
}
std::optional<int> FromNullable(const Poco::Nullable<int>& v) {
  return v.isNull() ? std::nullopt : std::optional<int>(v.value());
}

// The gap findings of a record, as their rule names.
std::vector<std::string> FlagNames(const json& flags) {
  std::vector<std::string> out;
  if (!flags.is_array()) return out;
  for (const auto& f : flags) {
    if (f.is_object() && f.contains("rule") && f["rule"].is_string()) {
      out.push_back(f["rule"].get<std::string>());
    } else if (f.is_string()) {
      out.push_back(f.get<std::string>());
    }
  }
  return out;
}

bool PartyLive(Session& s, Int64 id) {
  int n = 0;
  s << "SELECT count(*) FROM parties WHERE id = ? AND merged_into IS NULL", bind(id), into(n), now;
  return n > 0;
}

Int64 NewParty(Session& s, const std::string& name, const std::string& kind,
               const std::string& time) {
  s << "INSERT INTO parties (name, kind, created_at, updated_at) VALUES (?,?,?,?)", bind(name),
      bind(kind), bind(time), bind(time), now;
  return LastRowId(s);
}

void TouchParty(Session& s, Int64 id, const std::string& time) {
  s << "UPDATE parties SET version = version + 1, updated_at = ? WHERE id = ?", bind(time),
      bind(id), now;
}

// The party a mention's name stands for: the one it had before this re-read
// when that party still holds the name, else a live party holding the name
// whose activity centuries are compatible, else a new party.
Int64 ResolveMention(Session& s, const core::PartyMention& m,
                     const std::map<std::string, Int64>& before, const std::string& time) {
  std::vector<Int64> candidates;
  std::string key = m.key;
  s << "SELECT n.party_id FROM party_names n JOIN parties p ON p.id = n.party_id "
       "WHERE n.key = ? AND p.merged_into IS NULL ORDER BY n.party_id",
      bind(key), into(candidates), now;
  if (auto it = before.find(m.key); it != before.end()) {
    if (std::find(candidates.begin(), candidates.end(), it->second) != candidates.end()) {
      return it->second;
    }
  }
  core::YearSpan span = m.life.known() ? m.life : m.years;
  for (Int64 c : candidates) {
    if (candidates.size() == 1 && !span.known()) return c;
    Poco::Nullable<int> lo, hi;
    s << "SELECT min(coalesce(first_year, last_year)), max(coalesce(last_year, first_year)) "
         "FROM party_mentions WHERE party_id = ?",
        bind(c), into(lo), into(hi), now;
    core::YearSpan party_span{FromNullable(lo), FromNullable(hi)};
    if (!core::CenturiesDisjoint(span, party_span)) return c;
  }
  Int64 id = NewParty(s, m.name, std::string(core::PartyKindName(m.kind)), time);
  std::string origin = "derived";
  s << "INSERT INTO party_names (key, party_id, name, origin) VALUES (?,?,?,?)", bind(key),
      bind(id), bind(m.name), bind(origin), now;
  return id;
}

// Re-derives the mentions of one artifact from its stored record and custody
// entries, inside the caller's transaction.
Status RefreshArtifact(Session& s, const std::string& artifact_id, const std::string& time) {
  std::map<std::string, Int64> before;
  {
    std::vector<std::string> keys;
    std::vector<Int64> parties;
    s << "SELECT key, party_id FROM party_mentions WHERE artifact_id = ?", bind(artifact_id),
        into(keys), into(parties), now;
    for (size_t i = 0; i < keys.size(); ++i) before.emplace(keys[i], parties[i]);
  }
  s << "DELETE FROM party_mentions WHERE artifact_id = ?", bind(artifact_id), now;
  s << "DELETE FROM party_artifacts WHERE artifact_id = ?", bind(artifact_id), now;

  std::vector<std::string> docs;
  std::vector<int> deleted;
  s << "SELECT doc, deleted FROM artifacts WHERE id = ?", bind(artifact_id), into(docs),
      into(deleted), now;
  if (docs.empty() || deleted[0] != 0) return Status::Ok();
  // A record that does not read back is fsck's business; it must not stop
  // the parties of every later record, so it simply names nobody here.
  json j = json::parse(docs[0], nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Ok();
  auto artifact = core::ArtifactFromStoredJson(j);
  if (!artifact.ok()) return Status::Ok();

  std::vector<std::string> notes;
  s << "SELECT note FROM log_leaves WHERE artifact_id = ? ORDER BY seq", bind(artifact_id),
      into(notes), now;
  std::vector<core::CustodyEntry> custody;
  for (const std::string& note : notes) {
    auto parsed = core::ParseCustodyNote(note);
    if (parsed.ok()) custody.push_back(parsed->entry);
  }
  std::vector<core::PartyMention> mentions = core::ExtractPartyMentions(*artifact, custody);
  if (mentions.empty()) return Status::Ok();

  int restricted = artifact->visibility == core::Visibility::kRestricted ? 1 : 0;
  std::string flags = json(FlagNames(artifact->flags)).dump();
  s << "INSERT INTO party_artifacts (artifact_id, title, restricted, flags) VALUES (?,?,?,?)",
      bind(artifact_id), bind(artifact->title), bind(restricted), bind(flags), now;
  for (const core::PartyMention& m : mentions) {
    Int64 party = ResolveMention(s, m, before, time);
    std::string source(core::PartyMentionSourceName(m.source));
    int position = m.position;
    int next = m.transfers_to_next ? m.next_position : -1;
    Poco::Nullable<int> first = ToNullable(m.years.first), last = ToNullable(m.years.last);
    s << "INSERT INTO party_mentions (artifact_id, source, position, party_id, key, name, role, "
         "method, place, date_text, first_year, last_year, next_position) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        bind(artifact_id), bind(source), bind(position), bind(party), bind(m.key), bind(m.name),
        bind(m.role), bind(m.method), bind(m.place), bind(m.date_text), bind(first), bind(last),
        bind(next), now;
  }
  return Status::Ok();
}

}  // namespace

// ---- PartyGraph --------------------------------------------------------

bool PartyGraph::Visible(const Node& n, const PartyAccess& access) const {
  if (access.restricted) return !n.mentions.empty();
  return std::any_of(n.mentions.begin(), n.mentions.end(), [&](const Mention& m) {
    return !artifacts_[static_cast<size_t>(m.artifact)].restricted;
  });
}

bool PartyGraph::EdgeVisible(const Edge& e, const PartyAccess& access) const {
  if (access.restricted) return !e.transfers.empty();
  return std::any_of(e.transfers.begin(), e.transfers.end(), [&](const Transfer& t) {
    return !artifacts_[static_cast<size_t>(t.artifact)].restricted;
  });
}

PartySummary PartyGraph::Summarise(const Node& n, const PartyAccess& access) const {
  PartySummary out;
  out.id = n.id;
  out.kind = n.kind;
  std::set<int32_t> seen;
  std::map<std::string, int> spellings;
  core::YearSpan span;
  for (const Mention& m : n.mentions) {
    const Artifact& a = artifacts_[static_cast<size_t>(m.artifact)];
    if (a.restricted && !access.restricted) continue;
    ++spellings[m.name];
    span.Extend({m.first_year, m.last_year});
    if (seen.insert(m.artifact).second) {
      ++out.artifacts;
      if (!a.flags.empty()) ++out.flagged_artifacts;
    }
  }
  // The name shown is the most used visible spelling: the stored name may
  // come from a restricted record.
  out.name = n.name;
  int best = -1;
  for (const auto& [name, count] : spellings) {
    if (count > best) {
      best = count;
      out.name = name;
    }
  }
  out.first_year = span.first;
  out.last_year = span.last;
  return out;
}

std::optional<int64_t> PartyGraph::Resolve(int64_t id) const {
  for (int hops = 0; hops < 64; ++hops) {
    if (index_.count(id)) return id;
    auto it = merged_into_.find(id);
    if (it == merged_into_.end()) return std::nullopt;
    id = it->second;
  }
  return std::nullopt;
}

std::optional<PartyRevisionInfo> PartyGraph::Revision(int64_t id) const {
  auto it = std::lower_bound(revisions_.begin(), revisions_.end(), id,
                             [](const PartyRevisionInfo& r, int64_t v) { return r.id < v; });
  if (it == revisions_.end() || it->id != id) return std::nullopt;
  return *it;
}

std::optional<int32_t> PartyGraph::IndexOf(int64_t id, const PartyAccess& access) const {
  auto live = Resolve(id);
  if (!live) return std::nullopt;
  int32_t idx = index_.at(*live);
  if (!Visible(nodes_[static_cast<size_t>(idx)], access)) return std::nullopt;
  return idx;
}

std::vector<PartySummary> PartyGraph::Search(const std::string& q, const PartyAccess& access,
                                             size_t limit) const {
  const std::string needle = core::PartyNameKey(q);
  std::vector<PartySummary> out;
  for (const Node& n : nodes_) {
    if (!Visible(n, access)) continue;
    bool hit = needle.empty();
    for (size_t i = 0; !hit && i < n.mentions.size(); ++i) {
      const Mention& m = n.mentions[i];
      if (artifacts_[static_cast<size_t>(m.artifact)].restricted && !access.restricted) continue;
      hit = m.key.find(needle) != std::string::npos;
    }
    for (size_t i = 0; !hit && i < n.names.size(); ++i) {
      hit = n.names[i].first.find(needle) != std::string::npos;
    }
    if (hit) out.push_back(SummaryOf(static_cast<int32_t>(&n - nodes_.data()), access));
  }
  std::sort(out.begin(), out.end(), [](const PartySummary& a, const PartySummary& b) {
    if (a.artifacts != b.artifacts) return a.artifacts > b.artifacts;
    return a.id < b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<PartyDetail> PartyGraph::Detail(int64_t id, const PartyAccess& access) const {
  auto idx = IndexOf(id, access);
  if (!idx) return Status::NotFound("no party " + std::to_string(id));
  const Node& n = nodes_[static_cast<size_t>(*idx)];
  PartyDetail d;
  d.summary = Summarise(n, access);
  std::map<std::string, int64_t> spellings;
  for (const Mention& m : n.mentions) {
    const Artifact& a = artifacts_[static_cast<size_t>(m.artifact)];
    if (a.restricted && !access.restricted) continue;
    ++spellings[m.name];
    PartyArtifactRef r;
    r.artifact_id = a.id;
    r.title = a.title;
    r.source = m.custody ? "custody" : "provenance";
    r.position = m.position;
    r.name = m.name;
    r.role = m.role;
    r.method = m.method;
    r.place = m.place;
    r.date_text = m.date_text;
    r.first_year = m.first_year;
    r.last_year = m.last_year;
    r.flags = a.flags;
    d.artifacts.push_back(std::move(r));
  }
  for (const auto& [name, count] : spellings) d.names.push_back({name, "derived", count});
  for (const auto& [key, name] : n.names) d.names.push_back({name, "alias", 0});

  // Proposals: visible parties sharing a word with one of this party's
  // visible names that MatchPartyNames calls probable.
  std::set<std::string> words;
  for (const auto& [name, count] : spellings) {
    std::string key = core::PartyNameKey(name);
    size_t sp = key.rfind(' ');
    words.insert(sp == std::string::npos ? key : key.substr(sp + 1));
  }
  core::YearSpan mine{d.summary.first_year, d.summary.last_year};
  for (const Node& other : nodes_) {
    if (other.id == n.id || !Visible(other, access)) continue;
    PartySummary os;
    bool summarised = false;
    bool proposed = false;
    for (const Mention& m : other.mentions) {
      if (proposed) break;
      if (artifacts_[static_cast<size_t>(m.artifact)].restricted && !access.restricted) continue;
      size_t sp = m.key.rfind(' ');
      std::string last = sp == std::string::npos ? m.key : m.key.substr(sp + 1);
      bool shares = words.count(last) > 0;
      if (!shares) {
        for (const std::string& w : words) {
          if (w.size() > 2 && m.key.find(w) != std::string::npos) shares = true;
        }
      }
      if (!shares) continue;
      if (!summarised) {
        os = Summarise(other, access);
        summarised = true;
      }
      core::YearSpan theirs{os.first_year, os.last_year};
      for (const auto& [name, count] : spellings) {
        if (core::MatchPartyNames(name, mine, m.name, theirs) != core::PartyMatch::kDifferent) {
          proposed = true;
          break;
        }
      }
    }
    if (proposed) d.proposed_matches.push_back(os);
    if (d.proposed_matches.size() >= 20) break;
  }
  for (const PartyRevisionInfo& r : revisions_) {
    if (r.party_id == n.id || (r.other_id && *r.other_id == n.id)) d.revisions.push_back(r);
  }
  return d;
}

Result<PartyNetwork> PartyGraph::Network(int64_t id, int depth, const PartyAccess& access) const {
  auto centre = IndexOf(id, access);
  if (!centre) return Status::NotFound("no party " + std::to_string(id));
  PartyNetwork out;
  std::unordered_map<int32_t, int> dist{{*centre, 0}};
  std::vector<int32_t> order{*centre};
  std::deque<int32_t> queue{*centre};
  while (!queue.empty()) {
    int32_t cur = queue.front();
    queue.pop_front();
    int dcur = dist[cur];
    if (dcur >= depth) continue;
    for (const auto& [other, edge] : nodes_[static_cast<size_t>(cur)].adjacent) {
      if (dist.count(other)) continue;
      if (!EdgeVisible(edges_[static_cast<size_t>(edge)], access)) continue;
      if (order.size() >= kMaxNetworkNodes) {
        out.truncated = true;
        break;
      }
      dist[other] = dcur + 1;
      order.push_back(other);
      queue.push_back(other);
    }
  }
  for (int32_t n : order) {
    out.nodes.push_back(SummaryOf(n, access));
    out.depth.push_back(dist[n]);
  }
  std::set<int32_t> edges_done;
  for (int32_t n : order) {
    for (const auto& [other, edge] : nodes_[static_cast<size_t>(n)].adjacent) {
      if (!dist.count(other) || !edges_done.insert(edge).second) continue;
      const Edge& e = edges_[static_cast<size_t>(edge)];
      PartyEdge pe;
      std::set<int32_t> arts;
      for (const Transfer& t : e.transfers) {
        const Artifact& a = artifacts_[static_cast<size_t>(t.artifact)];
        if (a.restricted && !access.restricted) continue;
        if (pe.transfers == 0) {
          pe.from = nodes_[static_cast<size_t>(t.from)].id;
          pe.to = nodes_[static_cast<size_t>(t.from == e.a ? e.b : e.a)].id;
        }
        ++pe.transfers;
        if (!a.flags.empty()) ++pe.flagged;
        if (arts.insert(t.artifact).second && pe.artifacts.size() < kMaxEdgeArtifacts) {
          pe.artifacts.push_back(a.id);
        }
      }
      if (pe.transfers > 0) out.edges.push_back(std::move(pe));
    }
  }
  return out;
}

Result<std::vector<PartyPath>> PartyGraph::Paths(int64_t from, int64_t to,
                                                 const PartyAccess& access, size_t max_paths,
                                                 int max_hops) const {
  auto src = IndexOf(from, access);
  if (!src) return Status::NotFound("no party " + std::to_string(from));
  auto dst = IndexOf(to, access);
  if (!dst) return Status::NotFound("no party " + std::to_string(to));
  std::vector<PartyPath> out;
  if (*src == *dst) {
    out.push_back({{nodes_[static_cast<size_t>(*src)].id}, {}});
    return out;
  }
  // Breadth-first from src, keeping every shortest-path parent.
  std::unordered_map<int32_t, int> dist{{*src, 0}};
  std::unordered_map<int32_t, std::vector<std::pair<int32_t, int32_t>>> parents;
  std::deque<int32_t> queue{*src};
  while (!queue.empty()) {
    int32_t cur = queue.front();
    queue.pop_front();
    int dcur = dist[cur];
    if (dist.count(*dst) && dcur >= dist[*dst]) break;
    if (dcur >= max_hops) continue;
    for (const auto& [other, edge] : nodes_[static_cast<size_t>(cur)].adjacent) {
      if (!EdgeVisible(edges_[static_cast<size_t>(edge)], access)) continue;
      auto it = dist.find(other);
      if (it == dist.end()) {
        dist[other] = dcur + 1;
        parents[other].push_back({cur, edge});
        queue.push_back(other);
      } else if (it->second == dcur + 1) {
        parents[other].push_back({cur, edge});
      }
    }
  }
  if (!dist.count(*dst)) return out;
  // Walk back from dst over the parents (depth-first), up to max_paths.
  std::vector<std::pair<int32_t, int32_t>> stack;  // (node, edge used to reach it)
  std::function<void(int32_t)> walk = [&](int32_t node) {
    if (out.size() >= max_paths) return;
    if (node == *src) {
      PartyPath p;
      p.parties.push_back(nodes_[static_cast<size_t>(*src)].id);
      int32_t prev = *src;
      for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
        const auto& [n, edge] = *it;
        PartyHop hop;
        hop.from = nodes_[static_cast<size_t>(prev)].id;
        hop.to = nodes_[static_cast<size_t>(n)].id;
        std::set<int32_t> arts;
        for (const Transfer& t : edges_[static_cast<size_t>(edge)].transfers) {
          const Artifact& a = artifacts_[static_cast<size_t>(t.artifact)];
          if (a.restricted && !access.restricted) continue;
          if (arts.insert(t.artifact).second && hop.artifacts.size() < kMaxEdgeArtifacts) {
            hop.artifacts.push_back(a.id);
          }
        }
        p.parties.push_back(hop.to);
        p.hops.push_back(std::move(hop));
        prev = n;
      }
      out.push_back(std::move(p));
      return;
    }
    for (const auto& [parent, edge] : parents[node]) {
      stack.push_back({node, edge});
      walk(parent);
      stack.pop_back();
      if (out.size() >= max_paths) return;
    }
  };
  walk(*dst);
  return out;
}

std::vector<PartySummary> PartyGraph::Hubs(const PartyAccess& access, size_t limit) const {
  std::vector<PartySummary> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const PartySummary& s = SummaryOf(static_cast<int32_t>(i), access);
    if (s.artifacts > 0 && s.flagged_artifacts > 0) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const PartySummary& a, const PartySummary& b) {
    if (a.flagged_artifacts != b.flagged_artifacts) return a.flagged_artifacts > b.flagged_artifacts;
    if (a.artifacts != b.artifacts) return a.artifacts > b.artifacts;
    return a.id < b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

// ---- PartyStore --------------------------------------------------------

PartyStore::PartyStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock)
    : db_(std::move(db)), clock_(clock) {}

Status PartyStore::SyncBatch(bool* more) {
  *more = false;
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  return db_->Write([&](Session& s) -> Status {
    Int64 changes_cursor = FeedValue(s, "changes");
    Int64 leaves_cursor = FeedValue(s, "leaves");
    std::vector<Int64> seqs, idxs;
    std::vector<std::string> changed, custody;
    Int64 limit = kSyncBatch;
    s << "SELECT seq, artifact_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        bind(changes_cursor), bind(limit), into(seqs), into(changed), now;
    s << "SELECT idx, artifact_id FROM log_leaves WHERE idx >= ? ORDER BY idx LIMIT ?",
        bind(leaves_cursor), bind(limit), into(idxs), into(custody), now;
    if (seqs.empty() && idxs.empty()) return Status::Ok();
    *more = seqs.size() == static_cast<size_t>(kSyncBatch) ||
            idxs.size() == static_cast<size_t>(kSyncBatch);
    std::set<std::string> touched(changed.begin(), changed.end());
    touched.insert(custody.begin(), custody.end());
    for (const std::string& id : touched) CUSTOS_RETURN_IF_ERROR(RefreshArtifact(s, id, time));
    if (!seqs.empty()) SetFeedValue(s, "changes", seqs.back());
    if (!idxs.empty()) SetFeedValue(s, "leaves", idxs.back() + 1);
    BumpGeneration(s);
    return Status::Ok();
  });
}

Status PartyStore::Sync() {
  // Cheap check first, so that reads do not queue on the writer when
  // nothing changed.
  Int64 changes = 0, leaves = 0, last_seq = 0, next_leaf = 0;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Session& s) -> Status {
    changes = FeedValue(s, "changes");
    leaves = FeedValue(s, "leaves");
    s << "SELECT coalesce(max(seq), 0) FROM changes", into(last_seq), now;
    s << "SELECT coalesce(max(idx) + 1, 0) FROM log_leaves", into(next_leaf), now;
    return Status::Ok();
  }));
  if (last_seq <= changes && next_leaf <= leaves) return Status::Ok();
  bool more = true;
  while (more) CUSTOS_RETURN_IF_ERROR(SyncBatch(&more));
  return Status::Ok();
}

Status PartyStore::Rebuild() {
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Session& s) -> Status {
    s << "DELETE FROM party_mentions", now;
    s << "DELETE FROM party_artifacts", now;
    SetFeedValue(s, "changes", 0);
    SetFeedValue(s, "leaves", 0);
    BumpGeneration(s);
    return Status::Ok();
  }));
  return Sync();
}

Result<std::shared_ptr<const PartyGraph>> PartyStore::Graph() {
  std::lock_guard<std::mutex> lock(mu_);
  auto generation = db_->ReadInt64("SELECT value FROM party_feed WHERE name = 'generation'");
  if (!generation.ok()) return generation.status();
  if (graph_ && *generation == generation_) return graph_;

  auto g = std::make_shared<PartyGraph>();
  Int64 loaded_generation = 0;
  Status st = db_->Read([&](Session& s) -> Status {
    loaded_generation = FeedValue(s, "generation");
    {
      std::vector<Int64> ids;
      std::vector<std::string> names, kinds;
      std::vector<Poco::Nullable<Int64>> merged;
      s << "SELECT id, name, kind, merged_into FROM parties ORDER BY id", into(ids), into(names),
          into(kinds), into(merged), now;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (!merged[i].isNull()) {
          g->merged_into_[ids[i]] = merged[i].value();
          continue;
        }
        g->index_[ids[i]] = static_cast<int32_t>(g->nodes_.size());
        PartyGraph::Node n;
        n.id = ids[i];
        n.name = names[i];
        n.kind = kinds[i];
        g->nodes_.push_back(std::move(n));
      }
    }
    {
      std::vector<std::string> keys, names;
      std::vector<Int64> parties;
      s << "SELECT key, party_id, name FROM party_names WHERE origin = 'alias' ORDER BY key",
          into(keys), into(parties), into(names), now;
      for (size_t i = 0; i < keys.size(); ++i) {
        auto it = g->index_.find(parties[i]);
        if (it != g->index_.end()) g->nodes_[static_cast<size_t>(it->second)].names.push_back({keys[i], names[i]});
      }
    }
    std::unordered_map<std::string, int32_t> artifact_index;
    {
      std::vector<std::string> ids, titles, flags;
      std::vector<int> restricted;
      s << "SELECT artifact_id, title, restricted, flags FROM party_artifacts ORDER BY artifact_id",
          into(ids), into(titles), into(restricted), into(flags), now;
      g->artifacts_.reserve(ids.size());
      for (size_t i = 0; i < ids.size(); ++i) {
        PartyGraph::Artifact a;
        a.id = ids[i];
        a.title = titles[i];
        a.restricted = restricted[i] != 0;
        json f = json::parse(flags[i], nullptr, false);
        if (f.is_array()) {
          for (const auto& x : f) {
            if (x.is_string()) a.flags.push_back(x.get<std::string>());
          }
        }
        artifact_index[a.id] = static_cast<int32_t>(g->artifacts_.size());
        g->artifacts_.push_back(std::move(a));
      }
    }
    {
      std::vector<std::string> artifact_ids, sources, keys, names, roles, methods, places, dates;
      std::vector<int> positions, nexts;
      std::vector<Int64> parties;
      std::vector<Poco::Nullable<int>> firsts, lasts;
      s << "SELECT artifact_id, source, position, party_id, key, name, role, method, place, "
           "date_text, first_year, last_year, next_position FROM party_mentions "
           "ORDER BY artifact_id, source, position",
          into(artifact_ids), into(sources), into(positions), into(parties), into(keys),
          into(names), into(roles), into(methods), into(places), into(dates), into(firsts),
          into(lasts), into(nexts), now;
      std::map<std::pair<int32_t, int32_t>, int32_t> edge_of;
      // Mentions of one (artifact, source) are consecutive rows: link each
      // to its next_position within the group.
      size_t group = 0;
      for (size_t i = 0; i < artifact_ids.size(); ++i) {
        auto ait = artifact_index.find(artifact_ids[i]);
        auto pit = g->index_.find(parties[i]);
        if (ait == artifact_index.end() || pit == g->index_.end()) continue;
        PartyGraph::Mention m;
        m.artifact = ait->second;
        m.position = positions[i];
        m.custody = sources[i] == "custody";
        m.key = keys[i];
        m.name = names[i];
        m.role = roles[i];
        m.method = methods[i];
        m.place = places[i];
        m.date_text = dates[i];
        m.first_year = FromNullable(firsts[i]);
        m.last_year = FromNullable(lasts[i]);
        g->nodes_[static_cast<size_t>(pit->second)].mentions.push_back(std::move(m));
        if (i == 0 || artifact_ids[i] != artifact_ids[i - 1] || sources[i] != sources[i - 1]) {
          group = i;
        }
        (void)group;
        if (nexts[i] < 0) continue;
        for (size_t k = i + 1; k < artifact_ids.size() && artifact_ids[k] == artifact_ids[i] &&
                               sources[k] == sources[i];
             ++k) {
          if (positions[k] != nexts[i]) continue;
          auto qit = g->index_.find(parties[k]);
          if (qit == g->index_.end() || qit->second == pit->second) break;
          int32_t a = std::min(pit->second, qit->second), b = std::max(pit->second, qit->second);
          auto [eit, inserted] =
              edge_of.emplace(std::make_pair(a, b), static_cast<int32_t>(g->edges_.size()));
          if (inserted) {
            g->edges_.push_back({a, b, {}});
            g->nodes_[static_cast<size_t>(a)].adjacent.push_back({b, eit->second});
            g->nodes_[static_cast<size_t>(b)].adjacent.push_back({a, eit->second});
          }
          g->edges_[static_cast<size_t>(eit->second)].transfers.push_back(
              {ait->second, pit->second});
          break;
        }
      }
    }
    {
      std::vector<Int64> ids, parties;
      std::vector<Poco::Nullable<Int64>> others, undone;
      std::vector<std::string> ops, details, actors, times;
      s << "SELECT id, op, party_id, other_id, detail, actor, time, undone_by "
           "FROM party_revisions ORDER BY id",
          into(ids), into(ops), into(parties), into(others), into(details), into(actors),
          into(times), into(undone), now;
      for (size_t i = 0; i < ids.size(); ++i) {
        PartyRevisionInfo r;
        r.id = ids[i];
        r.op = ops[i];
        r.party_id = parties[i];
        if (!others[i].isNull()) r.other_id = others[i].value();
        if (!undone[i].isNull()) r.undone_by = undone[i].value();
        r.detail = details[i];
        r.actor = actors[i];
        r.time = times[i];
        g->revisions_.push_back(std::move(r));
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  g->summary_public_.reserve(g->nodes_.size());
  g->summary_all_.reserve(g->nodes_.size());
  for (const auto& n : g->nodes_) {
    g->summary_public_.push_back(g->Summarise(n, PartyAccess{false}));
    g->summary_all_.push_back(g->Summarise(n, PartyAccess{true}));
  }
  graph_ = std::move(g);
  generation_ = loaded_generation;
  return graph_;
}

Status PartyStore::CheckVisible(int64_t party, const PartyAccess& access) {
  auto g = Graph();
  if (!g.ok()) return g.status();
  auto idx = (*g)->Resolve(party);
  if (!idx || *idx != party) return Status::NotFound("no party " + std::to_string(party));
  auto d = (*g)->Detail(party, access);
  return d.ok() ? Status::Ok() : d.status();
}

namespace {

Int64 WriteRevision(Session& s, const std::string& op, Int64 party, std::optional<Int64> other,
                    const json& detail, const std::string& actor, const std::string& time) {
  std::string d = detail.dump();
  Poco::Nullable<Int64> o = other ? Poco::Nullable<Int64>(*other) : Poco::Nullable<Int64>();
  s << "INSERT INTO party_revisions (op, party_id, other_id, detail, actor, time) "
       "VALUES (?,?,?,?,?,?)",
      bind(op), bind(party), bind(o), bind(d), bind(actor), bind(time), now;
  Int64 id = LastRowId(s);
  BumpGeneration(s);
  return id;
}

Status NoParty(Int64 id) { return Status::NotFound("no party " + std::to_string(id)); }

}  // namespace

Result<int64_t> PartyStore::Merge(int64_t target, int64_t source, const std::string& actor) {
  if (target == source) {
    return Status::InvalidArgument("a party cannot be merged into itself", "from");
  }
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Int64 revision = 0;
  Status st = db_->Write([&](Session& s) -> Status {
    Int64 t = target, src = source;
    if (!PartyLive(s, t)) return NoParty(t);
    if (!PartyLive(s, src)) return NoParty(src);
    std::vector<std::string> keys, names, origins;
    s << "SELECT key, name, origin FROM party_names WHERE party_id = ? ORDER BY key", bind(src),
        into(keys), into(names), into(origins), now;
    json moved = json::array();
    for (size_t i = 0; i < keys.size(); ++i) {
      int exists = 0;
      s << "SELECT count(*) FROM party_names WHERE key = ? AND party_id = ?", bind(keys[i]),
          bind(t), into(exists), now;
      if (exists == 0) {
        s << "INSERT INTO party_names (key, party_id, name, origin) VALUES (?,?,?,?)",
            bind(keys[i]), bind(t), bind(names[i]), bind(origins[i]), now;
      }
      s << "DELETE FROM party_names WHERE key = ? AND party_id = ?", bind(keys[i]), bind(src),
          now;
      moved.push_back({{"key", keys[i]}, {"name", names[i]}, {"origin", origins[i]},
                       {"added", exists == 0}});
    }
    // Mentions under a name the target held already cannot be told apart
    // by name afterwards: remember them one by one.
    json rows = json::array();
    {
      std::vector<std::string> artifacts, sources, mkeys;
      std::vector<int> positions;
      s << "SELECT artifact_id, source, position, key FROM party_mentions WHERE party_id = ?",
          bind(src), into(artifacts), into(sources), into(positions), into(mkeys), now;
      for (size_t i = 0; i < artifacts.size(); ++i) {
        rows.push_back({artifacts[i], sources[i], positions[i], mkeys[i]});
      }
    }
    s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ?", bind(t), bind(src), now;
    s << "UPDATE parties SET merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
        bind(t), bind(time), bind(src), now;
    TouchParty(s, t, time);
    revision = WriteRevision(s, "merge", t, src, {{"names", moved}, {"mentions", rows}}, actor,
                             time);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return revision;
}

Result<int64_t> PartyStore::Split(int64_t party, const std::vector<std::string>& names,
                                  const std::string& actor, int64_t* new_party) {
  if (names.empty()) return Status::InvalidArgument("name at least one name to split off", "names");
  std::vector<std::string> keys;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string k = core::PartyNameKey(names[i]);
    if (k.empty()) {
      return Status::InvalidArgument("not a name", "names[" + std::to_string(i) + "]");
    }
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Int64 revision = 0, created = 0;
  Status st = db_->Write([&](Session& s) -> Status {
    Int64 p = party;
    if (!PartyLive(s, p)) return NoParty(p);
    std::vector<std::string> held, held_names;
    std::vector<std::string> kinds;
    s << "SELECT key, name FROM party_names WHERE party_id = ? ORDER BY key", bind(p), into(held),
        into(held_names), now;
    s << "SELECT kind FROM parties WHERE id = ?", bind(p), into(kinds), now;
    std::string first_name;
    for (size_t i = 0; i < keys.size(); ++i) {
      auto it = std::find(held.begin(), held.end(), keys[i]);
      if (it == held.end()) {
        return Status::InvalidArgument("party " + std::to_string(p) + " has no name \"" +
                                           names[i] + "\"",
                                       "names[" + std::to_string(i) + "]");
      }
      if (first_name.empty()) first_name = held_names[static_cast<size_t>(it - held.begin())];
    }
    if (keys.size() >= held.size()) {
      return Status::InvalidArgument("a split must leave the party at least one name", "names");
    }
    created = NewParty(s, first_name, kinds.empty() ? "person" : kinds[0], time);
    for (const std::string& k : keys) {
      s << "UPDATE party_names SET party_id = ? WHERE party_id = ? AND key = ?", bind(created),
          bind(p), bind(k), now;
      s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ? AND key = ?", bind(created),
          bind(p), bind(k), now;
    }
    TouchParty(s, p, time);
    revision = WriteRevision(s, "split", p, created, {{"keys", keys}}, actor, time);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (new_party) *new_party = created;
  return revision;
}

Result<int64_t> PartyStore::AddAlias(int64_t party, const std::string& name,
                                     const std::string& actor) {
  const std::string key = core::PartyNameKey(name);
  if (key.empty() || name.size() > core::ArtifactLimits::kShortText) {
    return Status::InvalidArgument("an alias is a name of 1-500 bytes with letters or digits",
                                   "name");
  }
  if (core::IsAnonymousPartyName(name)) {
    return Status::InvalidArgument("\"" + name + "\" names nobody in particular", "name");
  }
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Int64 revision = 0;
  Status st = db_->Write([&](Session& s) -> Status {
    Int64 p = party;
    if (!PartyLive(s, p)) return NoParty(p);
    std::vector<Int64> holders;
    s << "SELECT n.party_id FROM party_names n JOIN parties p ON p.id = n.party_id "
         "WHERE n.key = ? AND p.merged_into IS NULL",
        bind(key), into(holders), now;
    if (std::find(holders.begin(), holders.end(), p) != holders.end()) {
      return Status::Conflict("party " + std::to_string(p) + " already has the name \"" + name +
                              "\"");
    }
    if (!holders.empty()) {
      return Status::Conflict("the name \"" + name + "\" belongs to party " +
                              std::to_string(holders[0]) + ": merge the two parties instead");
    }
    std::string origin = "alias";
    std::string written = name;
    s << "INSERT INTO party_names (key, party_id, name, origin) VALUES (?,?,?,?)", bind(key),
        bind(p), bind(written), bind(origin), now;
    TouchParty(s, p, time);
    revision = WriteRevision(s, "alias", p, std::nullopt, {{"key", key}, {"name", name}}, actor,
                             time);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return revision;
}

Result<int64_t> PartyStore::Undo(int64_t revision, const std::string& actor) {
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Int64 undo_id = 0;
  Status st = db_->Write([&](Session& s) -> Status {
    Int64 rev = revision;
    std::vector<std::string> ops, details;
    std::vector<Int64> parties;
    std::vector<Poco::Nullable<Int64>> others, undone;
    s << "SELECT op, party_id, other_id, detail, undone_by FROM party_revisions WHERE id = ?",
        bind(rev), into(ops), into(parties), into(others), into(details), into(undone), now;
    if (ops.empty()) return Status::NotFound("no party revision " + std::to_string(rev));
    if (!undone[0].isNull()) {
      return Status::Conflict("revision " + std::to_string(rev) + " was undone already");
    }
    const std::string& op = ops[0];
    const Int64 p = parties[0];
    json detail = json::parse(details[0], nullptr, false);
    if (detail.is_discarded()) return Status::Corruption("party revision detail is not JSON");
    const auto later = [&](const std::string& why) {
      return Status::Conflict("revision " + std::to_string(rev) + " cannot be undone: " + why +
                              " (undo the later change first)");
    };
    if (op == "merge") {
      const Int64 src = others[0].value();
      Int64 merged_into = -1;
      std::vector<Poco::Nullable<Int64>> m;
      s << "SELECT merged_into FROM parties WHERE id = ?", bind(src), into(m), now;
      if (m.empty() || m[0].isNull() || m[0].value() != p || !PartyLive(s, p)) {
        return later("a party it joined has changed since");
      }
      (void)merged_into;
      std::vector<std::string> added_keys, kept_keys;
      for (const auto& n : detail["names"]) {
        std::string key = n["key"], name = n["name"], origin = n["origin"];
        bool added = n["added"];
        int exists = 0;
        s << "SELECT count(*) FROM party_names WHERE key = ? AND party_id = ?", bind(key),
            bind(p), into(exists), now;
        if (added && exists == 0) return later("the name \"" + name + "\" has moved since");
        s << "INSERT INTO party_names (key, party_id, name, origin) VALUES (?,?,?,?)", bind(key),
            bind(src), bind(name), bind(origin), now;
        if (added) {
          s << "DELETE FROM party_names WHERE key = ? AND party_id = ?", bind(key), bind(p), now;
          added_keys.push_back(key);
        } else {
          kept_keys.push_back(key);
        }
      }
      for (const std::string& key : added_keys) {
        s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ? AND key = ?", bind(src),
            bind(p), bind(key), now;
      }
      for (const auto& row : detail["mentions"]) {
        std::string key = row[3];
        if (std::find(kept_keys.begin(), kept_keys.end(), key) == kept_keys.end()) continue;
        std::string artifact = row[0], source = row[1];
        int position = row[2];
        s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ? AND artifact_id = ? AND "
             "source = ? AND position = ? AND key = ?",
            bind(src), bind(p), bind(artifact), bind(source), bind(position), bind(key), now;
      }
      s << "UPDATE parties SET merged_into = NULL, version = version + 1, updated_at = ? "
           "WHERE id = ?",
          bind(time), bind(src), now;
      TouchParty(s, p, time);
      undo_id = WriteRevision(s, "undo", p, src, {{"undoes", rev}, {"op", op}}, actor, time);
    } else if (op == "split") {
      const Int64 created = others[0].value();
      if (!PartyLive(s, created) || !PartyLive(s, p)) {
        return later("a party it made has changed since");
      }
      for (const auto& k : detail["keys"]) {
        std::string key = k;
        int exists = 0;
        s << "SELECT count(*) FROM party_names WHERE key = ? AND party_id = ?", bind(key),
            bind(created), into(exists), now;
        if (exists == 0) return later("a name it split off has moved since");
      }
      // Names the new party gained later (aliases, merges) go back with it.
      s << "UPDATE party_names SET party_id = ? WHERE party_id = ? AND key NOT IN "
           "(SELECT key FROM party_names WHERE party_id = ?)",
          bind(p), bind(created), bind(p), now;
      s << "DELETE FROM party_names WHERE party_id = ?", bind(created), now;
      s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ?", bind(p), bind(created),
          now;
      s << "UPDATE parties SET merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
          bind(p), bind(time), bind(created), now;
      TouchParty(s, p, time);
      undo_id = WriteRevision(s, "undo", p, created, {{"undoes", rev}, {"op", op}}, actor, time);
    } else if (op == "alias") {
      std::string key = detail["key"];
      std::vector<std::string> origins;
      s << "SELECT origin FROM party_names WHERE key = ? AND party_id = ?", bind(key), bind(p),
          into(origins), now;
      if (origins.empty() || !PartyLive(s, p)) return later("the alias has moved since");
      s << "DELETE FROM party_names WHERE key = ? AND party_id = ?", bind(key), bind(p), now;
      // Records that named the party by the alias since then now name a
      // party of their own again.
      int n = 0;
      s << "SELECT count(*) FROM party_mentions WHERE party_id = ? AND key = ?", bind(p),
          bind(key), into(n), now;
      if (n > 0) {
        std::string name = detail["name"];
        std::vector<std::string> kinds;
        s << "SELECT kind FROM parties WHERE id = ?", bind(p), into(kinds), now;
        Int64 fresh = NewParty(s, name, kinds.empty() ? "person" : kinds[0], time);
        std::string origin = "derived";
        s << "INSERT INTO party_names (key, party_id, name, origin) VALUES (?,?,?,?)", bind(key),
            bind(fresh), bind(name), bind(origin), now;
        s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ? AND key = ?", bind(fresh),
            bind(p), bind(key), now;
      }
      TouchParty(s, p, time);
      undo_id = WriteRevision(s, "undo", p, std::nullopt, {{"undoes", rev}, {"op", op}}, actor,
                              time);
    } else {
      return Status::Conflict("an undo cannot be undone; make the change again instead");
    }
    s << "UPDATE party_revisions SET undone_by = ? WHERE id = ?", bind(undo_id), bind(rev), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return undo_id;
}

}  // namespace custos::archive
