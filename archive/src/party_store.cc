#include "custos/archive/party_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

constexpr int kSyncBatch = 1000;

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

std::optional<int> FromNullable(const Poco::Nullable<int>& v) {
  return v.isNull() ? std::nullopt : std::optional<int>(v.value());
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

}  // namespace

// ---- PartyGraph --------------------------------------------------------

namespace {

std::vector<std::string> Words(const std::string& key) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < key.size()) {
    size_t sp = key.find(' ', at);
    if (sp == std::string::npos) sp = key.size();
    if (sp > at) out.push_back(key.substr(at, sp - at));
    at = sp + 1;
  }
  return out;
}

}  // namespace

bool PartyGraph::Visible(const Node& n, const PartyAccess& access) const {
  return n.summaries[Level(access)].artifacts > 0;
}

PartySummary PartyGraph::Summarise(const Node& n, const PartyAccess& access) const {
  PartySummary out;
  out.id = n.id;
  out.kind = n.kind;
  core::YearSpan span;
  // Mentions are in artifact order, so distinct artifacts are runs.
  int32_t last_artifact = -1;
  for (const Mention& m : n.mentions) {
    const Artifact& a = ArtifactAt(m.artifact);
    if (a.restricted && !access.restricted) continue;
    span.Extend({m.first_year, m.last_year});
    if (m.artifact != last_artifact) {
      last_artifact = m.artifact;
      ++out.artifacts;
      if (!a.flags.empty()) ++out.flagged_artifacts;
    }
  }
  // The name shown is the most used visible spelling (the first by name on
  // a tie): the stored name may come from a restricted record.
  out.name = n.name;
  int32_t best = 0;
  for (const Spelling& s : n.spellings) {
    int32_t count = access.restricted ? s.mentions : s.public_mentions;
    if (count > best) {
      best = count;
      out.name = s.name;
    }
  }
  out.first_year = span.first;
  out.last_year = span.last;
  return out;
}

std::optional<int64_t> PartyGraph::Resolve(int64_t id) const {
  for (int hops = 0; hops < 64; ++hops) {
    if (NodeAt(id)) return id;
    auto it = merged_into_.find(id);
    if (it == merged_into_.end()) return std::nullopt;
    id = it->second;
  }
  return std::nullopt;
}

std::optional<PartyRevisionInfo> PartyGraph::Revision(int64_t id) const {
  if (!revisions_) return std::nullopt;
  auto it = std::lower_bound(revisions_->begin(), revisions_->end(), id,
                             [](const PartyRevisionInfo& r, int64_t v) { return r.id < v; });
  if (it == revisions_->end() || it->id != id) return std::nullopt;
  return *it;
}

const PartyGraph::Node* PartyGraph::Find(int64_t id, const PartyAccess& access) const {
  auto live = Resolve(id);
  if (!live) return nullptr;
  const Node* n = NodeAt(*live);
  return n && Visible(*n, access) ? n : nullptr;
}

std::optional<PartySummary> PartyGraph::Summary(int64_t id, const PartyAccess& access) const {
  const Node* n = Find(id, access);
  if (!n) return std::nullopt;
  return n->summaries[Level(access)];
}

std::vector<std::string> PartyGraph::ArtifactIds(const EdgeView& v, size_t limit) const {
  std::vector<std::string> out;
  out.reserve(std::min(limit, v.artifacts.size()));
  for (size_t i = 0; i < v.artifacts.size() && i < limit; ++i) {
    out.push_back(ArtifactAt(v.artifacts[i]).id);
  }
  return out;
}

std::vector<PartySummary> PartyGraph::Search(const std::string& q, const PartyAccess& access,
                                             size_t limit) const {
  const std::string needle = core::PartyNameKey(q);
  const size_t level = Level(access);
  std::vector<PartySummary> out;
  for (const auto& node : nodes_) {
    if (!node || !Visible(*node, access)) continue;
    const Node& n = *node;
    bool hit = needle.empty();
    for (size_t k = 0; !hit && k < n.spellings.size(); ++k) {
      const Spelling& s = n.spellings[k];
      if ((level ? s.mentions : s.public_mentions) == 0) continue;
      hit = s.key.find(needle) != std::string::npos;
    }
    for (size_t k = 0; !hit && k < n.names.size(); ++k) {
      hit = n.names[k].first.find(needle) != std::string::npos;
    }
    if (hit) out.push_back(n.summaries[level]);
  }
  std::sort(out.begin(), out.end(), [](const PartySummary& a, const PartySummary& b) {
    if (a.artifacts != b.artifacts) return a.artifacts > b.artifacts;
    return a.id < b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<PartyDetail> PartyGraph::Detail(int64_t id, const PartyAccess& access) const {
  const Node* found = Find(id, access);
  if (!found) return Status::NotFound("no party " + std::to_string(id));
  const Node& n = *found;
  const size_t level = Level(access);
  PartyDetail d;
  d.summary = n.summaries[level];
  for (const Mention& m : n.mentions) {
    const Artifact& a = ArtifactAt(m.artifact);
    if (a.restricted && !access.restricted) continue;
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
  std::vector<const Spelling*> mine;
  for (const Spelling& s : n.spellings) {
    int32_t count = level ? s.mentions : s.public_mentions;
    if (count == 0) continue;
    d.names.push_back({s.name, "derived", count});
    mine.push_back(&s);
  }
  for (const auto& [key, name] : n.names) d.names.push_back({name, "alias", 0});

  // Proposals: visible parties with a visible spelling that MatchPartyNames
  // does not call different from one of ours. Such a pair always shares the
  // last word of one of the two names (a surname, or the last word of the
  // shorter organisation name), so only parties indexed under those words
  // are compared.
  std::vector<int32_t> candidates;
  for (const Spelling* s : mine) {
    std::vector<std::string> words = Words(s->key);
    if (words.empty() || !words_) continue;
    if (auto it = words_->by_word.find(words.back()); it != words_->by_word.end()) {
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
    for (const std::string& w : words) {
      if (auto it = words_->by_last_word.find(w); it != words_->by_last_word.end()) {
        candidates.insert(candidates.end(), it->second.begin(), it->second.end());
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const core::YearSpan years{d.summary.first_year, d.summary.last_year};
  for (int32_t c : candidates) {
    const Node* other = NodeAt(c);
    if (c == n.id || !other || !Visible(*other, access)) continue;
    const PartySummary& os = other->summaries[level];
    const core::YearSpan theirs{os.first_year, os.last_year};
    bool proposed = false;
    for (size_t k = 0; !proposed && k < other->spellings.size(); ++k) {
      const Spelling& t = other->spellings[k];
      if ((level ? t.mentions : t.public_mentions) == 0) continue;
      for (const Spelling* s : mine) {
        if (core::MatchPartyNames(s->name, years, t.name, theirs) != core::PartyMatch::kDifferent) {
          proposed = true;
          break;
        }
      }
    }
    if (proposed) d.proposed_matches.push_back(os);
    if (d.proposed_matches.size() >= 20) break;
  }
  if (revisions_) {
    for (const PartyRevisionInfo& r : *revisions_) {
      if (r.party_id == n.id || (r.other_id && *r.other_id == n.id)) d.revisions.push_back(r);
    }
  }
  return d;
}

Result<PartyNetwork> PartyGraph::Network(int64_t id, int depth, const PartyAccess& access) const {
  const Node* centre = Find(id, access);
  if (!centre) return Status::NotFound("no party " + std::to_string(id));
  const size_t level = Level(access);
  PartyNetwork out;
  // Breadth-first, layer by layer; within a node the heaviest edges come
  // first, so a truncated network keeps the strongest links.
  std::vector<int32_t> slot(nodes_.size(), -1);  // party -> position in `order`
  std::vector<const Node*> order{centre};
  std::vector<const Edge*> reached_by{nullptr};  // the edge that found each node
  out.depth.push_back(0);
  slot[static_cast<size_t>(centre->id)] = 0;
  for (size_t head = 0; head < order.size() && !out.truncated; ++head) {
    const int dcur = out.depth[head];
    if (dcur >= depth) break;  // layers are in order: nothing further to expand
    for (const Link& l : order[head]->adjacent[level]) {
      if (slot[static_cast<size_t>(l.other)] >= 0) continue;
      if (order.size() >= kMaxNetworkNodes) {
        out.truncated = true;
        break;
      }
      slot[static_cast<size_t>(l.other)] = static_cast<int32_t>(order.size());
      order.push_back(NodeAt(l.other));
      reached_by.push_back(l.edge);
      out.depth.push_back(dcur + 1);
    }
  }
  out.nodes.reserve(order.size());
  for (const Node* n : order) out.nodes.push_back(n->summaries[level]);

  // The visible edges between the nodes shown: the ones that reached each
  // node first, then the heaviest others, up to kMaxNetworkEdges.
  std::vector<const Edge*> chosen(reached_by.begin() + 1, reached_by.end());
  std::vector<const Edge*> others;
  for (size_t i = 0; i < order.size(); ++i) {
    const Node* n = order[i];
    for (const Link& l : n->adjacent[level]) {
      // Each edge once, from its lower end.
      if (l.other < n->id) continue;
      const int32_t at = slot[static_cast<size_t>(l.other)];
      if (at < 0) continue;
      const Edge* e = l.edge;
      if (e == reached_by[static_cast<size_t>(at)] || e == reached_by[i]) continue;
      others.push_back(e);
    }
  }
  const size_t room = kMaxNetworkEdges > chosen.size() ? kMaxNetworkEdges - chosen.size() : 0;
  const auto heavier = [level](const Edge* x, const Edge* y) {
    const int32_t tx = x->views[level].transfers, ty = y->views[level].transfers;
    if (tx != ty) return tx > ty;
    return x->a != y->a ? x->a < y->a : x->b < y->b;
  };
  if (others.size() > room) {
    out.edges_truncated = true;
    std::nth_element(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(room),
                     others.end(), heavier);
    others.resize(room);
  }
  std::sort(others.begin(), others.end(), heavier);
  chosen.insert(chosen.end(), others.begin(), others.end());
  out.edges.reserve(chosen.size());
  for (const Edge* e : chosen) {
    const EdgeView& v = e->views[level];
    PartyEdge pe;
    pe.from = v.from;
    pe.to = v.from == e->a ? e->b : e->a;
    pe.transfers = v.transfers;
    pe.flagged = v.flagged;
    pe.artifact_count = v.artifact_count;
    pe.artifacts = ArtifactIds(v, kMaxNetworkEdgeArtifacts);
    out.edges.push_back(std::move(pe));
  }
  return out;
}

Result<std::vector<PartyPath>> PartyGraph::Paths(int64_t from, int64_t to,
                                                 const PartyAccess& access, size_t max_paths,
                                                 int max_hops, bool* search_truncated) const {
  if (search_truncated) *search_truncated = false;
  const Node* src = Find(from, access);
  if (!src) return Status::NotFound("no party " + std::to_string(from));
  const Node* dst = Find(to, access);
  if (!dst) return Status::NotFound("no party " + std::to_string(to));
  std::vector<PartyPath> out;
  if (src == dst) {
    out.push_back({{src->id}, {}});
    return out;
  }
  if (max_paths == 0 || max_hops < 1) return out;
  const size_t level = Level(access);

  // Breadth-first from both ends, a whole layer at a time, always growing
  // the smaller frontier, keeping every parent on a shortest route. When the
  // layer just grown touches the other side, the shortest paths are exactly
  // those through the touching nodes.
  struct Side {
    std::vector<int32_t> dist;
    std::unordered_map<int32_t, std::vector<std::pair<int32_t, const Edge*>>> parents;
    std::vector<int32_t> frontier;
    int layer = 0;
  };
  Side sides[2];
  for (int k = 0; k < 2; ++k) {
    const int32_t start = static_cast<int32_t>((k == 0 ? src : dst)->id);
    sides[k].dist.assign(nodes_.size(), -1);
    sides[k].dist[static_cast<size_t>(start)] = 0;
    sides[k].frontier.push_back(start);
  }
  size_t scanned = 0;
  std::vector<int32_t> meeting;
  while (meeting.empty()) {
    if (sides[0].layer + sides[1].layer >= max_hops) return out;
    const int k = sides[0].frontier.size() <= sides[1].frontier.size() ? 0 : 1;
    Side& side = sides[k];
    const Side& far = sides[1 - k];
    if (side.frontier.empty()) return out;  // unconnected
    std::vector<int32_t> next;
    const int32_t d = side.layer + 1;
    for (int32_t cur : side.frontier) {
      const auto& adjacent = NodeAt(cur)->adjacent[level];
      scanned += adjacent.size();
      for (const Link& l : adjacent) {
        int32_t& dist = side.dist[static_cast<size_t>(l.other)];
        if (dist >= 0 && dist < d) continue;
        if (dist < 0) {
          dist = d;
          next.push_back(l.other);
          if (far.dist[static_cast<size_t>(l.other)] >= 0) meeting.push_back(l.other);
        }
        side.parents[l.other].push_back({cur, l.edge});
      }
    }
    if (scanned > kMaxPathScan && meeting.empty()) {
      if (search_truncated) *search_truncated = true;
      return out;
    }
    side.frontier = std::move(next);
    side.layer = d;
  }
  std::sort(meeting.begin(), meeting.end());

  // Half-routes from a meeting node back to one end: (node, edge to the
  // node before it), starting next to the meeting node.
  using Route = std::vector<std::pair<int32_t, const Edge*>>;
  const auto routes = [&](const Side& side, int32_t start) {
    std::vector<Route> found;
    Route stack;
    std::function<void(int32_t)> walk = [&](int32_t node) {
      if (found.size() >= max_paths) return;
      auto it = side.parents.find(node);
      if (it == side.parents.end()) {  // the end itself
        found.push_back(stack);
        return;
      }
      for (const auto& [parent, edge] : it->second) {
        stack.push_back({parent, edge});
        walk(parent);
        stack.pop_back();
        if (found.size() >= max_paths) return;
      }
    };
    walk(start);
    return found;
  };
  const auto hop = [&](int32_t a, int32_t b, const Edge* edge) {
    PartyHop h;
    h.from = a;
    h.to = b;
    h.artifacts = ArtifactIds(edge->views[level], kMaxEdgeArtifacts);
    return h;
  };
  for (int32_t m : meeting) {
    const std::vector<Route> heads = routes(sides[0], m), tails = routes(sides[1], m);
    for (const Route& head : heads) {
      for (const Route& tail : tails) {
        if (out.size() >= max_paths) return out;
        PartyPath p;
        // head runs from m back to src: walk it backwards.
        int32_t prev = static_cast<int32_t>(src->id);
        p.parties.push_back(prev);
        for (size_t i = head.size(); i-- > 0;) {
          const int32_t next = i == 0 ? m : head[i - 1].first;
          p.hops.push_back(hop(prev, next, head[i].second));
          p.parties.push_back(next);
          prev = next;
        }
        // tail runs from m on to dst.
        for (const auto& [next, edge] : tail) {
          p.hops.push_back(hop(prev, next, edge));
          p.parties.push_back(next);
          prev = next;
        }
        out.push_back(std::move(p));
      }
    }
  }
  return out;
}

std::vector<PartySummary> PartyGraph::Hubs(const PartyAccess& access, size_t limit) const {
  std::vector<PartySummary> out;
  for (const auto& n : nodes_) {
    if (!n) continue;
    const PartySummary& s = n->summaries[Level(access)];
    if (s.artifacts > 0 && s.flagged_artifacts > 0) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const PartySummary& a, const PartySummary& b) {
    if (a.flagged_artifacts != b.flagged_artifacts)
      return a.flagged_artifacts > b.flagged_artifacts;
    if (a.artifacts != b.artifacts) return a.artifacts > b.artifacts;
    return a.id < b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

// ---- Building snapshots ------------------------------------------------

// The rows a snapshot is built from: everything (a full build) or only what
// changed since the previous snapshot (a patch), which then shares the rest.
struct PartyGraphBuilder {
  struct ArtifactRow {
    std::string id, title, flags;
    bool restricted = false;
  };
  struct MentionRow {
    std::string artifact_id, key, name, role, method, place, date_text;
    bool custody = false;
    int position = 0, next = -1;
    int32_t party = 0;
    std::optional<int> first, last;
  };
  struct PartyRow {
    int32_t id = 0;
    std::string name, kind;
    std::optional<int64_t> merged_into;
  };
  std::vector<std::string> reread;  // records whose mentions are all in `mentions`
  std::vector<ArtifactRow> artifacts;
  std::vector<MentionRow> mentions;  // by artifact id, source, position
  std::vector<PartyRow> parties;     // every party a mention names, and any renamed or merged
  std::unordered_map<int32_t, std::vector<std::pair<std::string, std::string>>> aliases;
  std::optional<std::vector<PartyRevisionInfo>> revisions;

  static int32_t Rank(bool custody, int position) {
    // Rows come ordered by source ("custody" < "provenance"), then position.
    return (custody ? 0 : 1 << 30) + position;
  }

  // The snapshot `old` (null: an empty one) with these rows applied.
  // `slots` maps record ids to artifact slots; it only grows.
  std::shared_ptr<PartyGraph> Apply(const PartyGraph* old,
                                    std::unordered_map<std::string, int32_t>& slots);
};

std::shared_ptr<PartyGraph> PartyGraphBuilder::Apply(
    const PartyGraph* old, std::unordered_map<std::string, int32_t>& slots) {
  using Node = PartyGraph::Node;
  using Edge = PartyGraph::Edge;
  using Link = PartyGraph::Link;
  auto g = old ? std::make_shared<PartyGraph>(*old) : std::make_shared<PartyGraph>();
  std::set<int32_t> affected;  // parties to rebuild
  std::unordered_set<int32_t> reread_slots;

  // The records re-read: forget what they said.
  for (const std::string& id : reread) {
    auto [it, added] = slots.emplace(id, static_cast<int32_t>(g->artifacts_.size()));
    if (added) g->artifacts_.push_back(nullptr);
    auto& slot = g->artifacts_[static_cast<size_t>(it->second)];
    reread_slots.insert(it->second);
    if (slot) affected.insert(slot->parties.begin(), slot->parties.end());
    slot = nullptr;
  }
  std::unordered_map<int32_t, std::shared_ptr<PartyGraph::Artifact>> fresh;
  for (ArtifactRow& r : artifacts) {
    auto it = slots.find(r.id);
    if (it == slots.end()) continue;
    auto a = std::make_shared<PartyGraph::Artifact>();
    a->id = std::move(r.id);
    a->title = std::move(r.title);
    a->restricted = r.restricted;
    json f = json::parse(r.flags, nullptr, false);
    if (f.is_array()) {
      for (const auto& x : f) {
        if (x.is_string()) a->flags.push_back(x.get<std::string>());
      }
    }
    fresh[it->second] = a;
    g->artifacts_[static_cast<size_t>(it->second)] = a;
  }

  // Parties re-read: renamed, merged away or back.
  std::unordered_map<int32_t, const PartyRow*> rows;
  int32_t max_id = 0;
  for (const PartyRow& r : parties) {
    rows[r.id] = &r;
    affected.insert(r.id);
    max_id = std::max(max_id, r.id);
    if (r.merged_into) {
      g->merged_into_[r.id] = *r.merged_into;
    } else {
      g->merged_into_.erase(r.id);
    }
  }
  if (g->nodes_.size() <= static_cast<size_t>(max_id)) {
    g->nodes_.resize(static_cast<size_t>(max_id) + 1);
  }
  const auto live = [&](int32_t id) {
    if (auto it = rows.find(id); it != rows.end()) return !it->second->merged_into;
    return g->NodeAt(id) != nullptr;
  };

  // What the re-read records say now: mentions, and transfers (edges).
  std::unordered_map<int32_t, std::vector<PartyGraph::Mention>> added;
  std::unordered_map<uint64_t, std::vector<PartyGraph::Transfer>> transfers;  // a << 32 | b
  const auto pair_key = [](int32_t a, int32_t b) {
    return (static_cast<uint64_t>(std::min(a, b)) << 32) | static_cast<uint32_t>(std::max(a, b));
  };
  for (size_t i = 0; i < mentions.size(); ++i) {
    MentionRow& r = mentions[i];
    auto sit = slots.find(r.artifact_id);
    if (sit == slots.end() || !g->artifacts_[static_cast<size_t>(sit->second)] || !live(r.party)) {
      continue;
    }
    const int32_t slot = sit->second;
    affected.insert(r.party);
    fresh[slot]->parties.push_back(r.party);
    if (r.next >= 0) {
      for (size_t k = i + 1; k < mentions.size() && mentions[k].artifact_id == r.artifact_id &&
                             mentions[k].custody == r.custody;
           ++k) {
        if (mentions[k].position != r.next) continue;
        const int32_t q = mentions[k].party;
        if (q == r.party || !live(q)) break;
        transfers[pair_key(r.party, q)].push_back({slot, r.party, Rank(r.custody, r.position)});
        break;
      }
    }
    PartyGraph::Mention m;
    m.artifact = slot;
    m.position = r.position;
    m.custody = r.custody;
    m.key = std::move(r.key);
    m.name = std::move(r.name);
    m.role = std::move(r.role);
    m.method = std::move(r.method);
    m.place = std::move(r.place);
    m.date_text = std::move(r.date_text);
    m.first_year = r.first;
    m.last_year = r.last;
    added[r.party].push_back(std::move(m));
  }
  for (auto& [slot, a] : fresh) {
    std::sort(a->parties.begin(), a->parties.end());
    a->parties.erase(std::unique(a->parties.begin(), a->parties.end()), a->parties.end());
  }

  // Edges: an old edge is replaced when a re-read record gave or gives it a
  // transfer; it keeps what the other records say. Both its ends are then
  // affected parties (each is named in that record).
  if (old) {
    std::unordered_set<const Edge*> seen;
    for (int32_t p : affected) {
      const Node* n = old->NodeAt(p);
      if (!n) continue;
      for (const auto& edge : n->edges) {
        const Edge* e = edge.get();
        if (!seen.insert(e).second) continue;
        const uint64_t key = pair_key(e->a, e->b);
        auto it = transfers.find(key);
        const bool touched =
            it != transfers.end() || std::any_of(e->transfers.begin(), e->transfers.end(),
                                                 [&](const PartyGraph::Transfer& t) {
                                                   return reread_slots.count(t.artifact);
                                                 });
        if (!touched) continue;
        auto& list = transfers[key];
        for (const auto& t : e->transfers) {
          if (!reread_slots.count(t.artifact)) list.push_back(t);
        }
      }
    }
  }
  std::unordered_map<int32_t, std::vector<std::shared_ptr<const Edge>>> incident;
  for (auto& [key, list] : transfers) {
    if (list.empty()) continue;  // the edge is gone
    auto e = std::make_shared<Edge>();
    e->a = static_cast<int32_t>(key >> 32);
    e->b = static_cast<int32_t>(key & 0xffffffffu);
    if (old) {
      std::sort(list.begin(), list.end(), [&](const auto& x, const auto& y) {
        if (x.artifact != y.artifact)
          return g->ArtifactAt(x.artifact).id < g->ArtifactAt(y.artifact).id;
        return x.rank < y.rank;
      });
    }
    for (size_t level = 0; level < 2; ++level) {
      PartyGraph::EdgeView& v = e->views[level];
      int32_t last_artifact = -1;  // transfers are in artifact order
      for (const auto& t : list) {
        const PartyGraph::Artifact& a = g->ArtifactAt(t.artifact);
        if (a.restricted && level == 0) continue;
        if (v.from < 0) v.from = t.from;
        ++v.transfers;
        if (!a.flags.empty()) ++v.flagged;
        if (t.artifact != last_artifact) {
          last_artifact = t.artifact;
          ++v.artifact_count;
          if (v.artifacts.size() < PartyGraph::kMaxEdgeArtifacts) v.artifacts.push_back(t.artifact);
        }
      }
    }
    e->transfers = std::move(list);
    incident[e->a].push_back(e);
    incident[e->b].push_back(e);
  }

  // Rebuild the affected parties.
  bool words_changed = old == nullptr;
  for (int32_t p : affected) {
    const Node* before = old ? old->NodeAt(p) : nullptr;
    auto& place = g->nodes_[static_cast<size_t>(p)];
    const auto row = rows.find(p);
    if (!live(p) || (row == rows.end() && !before)) {
      words_changed |= before != nullptr;
      place = nullptr;
      continue;
    }
    auto n = std::make_shared<Node>();
    n->id = p;
    if (row != rows.end()) {
      n->name = row->second->name;
      n->kind = row->second->kind;
      if (auto a = aliases.find(p); a != aliases.end()) n->names = a->second;
    } else {
      n->name = before->name;
      n->kind = before->kind;
      n->names = before->names;
    }
    if (before) {
      for (const auto& m : before->mentions) {
        if (!reread_slots.count(m.artifact)) n->mentions.push_back(m);
      }
    }
    if (auto a = added.find(p); a != added.end()) {
      for (auto& m : a->second) n->mentions.push_back(std::move(m));
    }
    if (old) {
      std::sort(n->mentions.begin(), n->mentions.end(), [&](const auto& x, const auto& y) {
        if (x.artifact != y.artifact)
          return g->ArtifactAt(x.artifact).id < g->ArtifactAt(y.artifact).id;
        return Rank(x.custody, x.position) < Rank(y.custody, y.position);
      });
    }
    if (before) {
      for (const auto& e : before->edges) {
        if (!transfers.count(pair_key(e->a, e->b))) n->edges.push_back(e);
      }
    }
    if (auto it = incident.find(p); it != incident.end()) {
      for (auto& e : it->second) n->edges.push_back(e);
    }
    for (size_t level = 0; level < 2; ++level) {
      auto& links = n->adjacent[level];
      for (const auto& e : n->edges) {
        if (e->views[level].transfers == 0) continue;
        links.push_back({e->a == p ? e->b : e->a, e->views[level].transfers, e.get()});
      }
      std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
        return x.transfers != y.transfers ? x.transfers > y.transfers : x.other < y.other;
      });
    }
    std::map<std::string, PartyGraph::Spelling> by_name;
    for (const auto& m : n->mentions) {
      auto& s = by_name[m.name];
      if (s.mentions == 0) {
        s.name = m.name;
        s.key = m.key;
      }
      ++s.mentions;
      if (!g->ArtifactAt(m.artifact).restricted) ++s.public_mentions;
    }
    for (auto& [name, s] : by_name) n->spellings.push_back(std::move(s));
    for (size_t level = 0; level < 2; ++level) {
      n->summaries[level] = g->Summarise(*n, PartyAccess{level == 1});
    }
    if (!words_changed) {
      const auto keys = [](const Node& x) {
        std::vector<std::string> k;
        for (const auto& s : x.spellings) k.push_back(s.key);
        std::sort(k.begin(), k.end());
        k.erase(std::unique(k.begin(), k.end()), k.end());
        return k;
      };
      words_changed = !before || keys(*before) != keys(*n);
    }
    place = std::move(n);
  }

  if (words_changed) {
    auto words = std::make_shared<PartyGraph::WordIndex>();
    for (const auto& n : g->nodes_) {
      if (!n) continue;
      const int32_t id = static_cast<int32_t>(n->id);
      for (const auto& s : n->spellings) {
        std::vector<std::string> w = Words(s.key);
        for (const std::string& word : w) {
          auto& list = words->by_word[word];
          if (list.empty() || list.back() != id) list.push_back(id);
        }
        if (!w.empty()) {
          auto& list = words->by_last_word[w.back()];
          if (list.empty() || list.back() != id) list.push_back(id);
        }
      }
    }
    g->words_ = std::move(words);
  }
  if (revisions) {
    g->revisions_ = std::make_shared<const std::vector<PartyRevisionInfo>>(std::move(*revisions));
  }
  g->live_ = static_cast<size_t>(std::count_if(g->nodes_.begin(), g->nodes_.end(),
                                               [](const auto& n) { return n != nullptr; }));
  return g;
}

// ---- PartyStore --------------------------------------------------------

// What a Sync() remembers between its batches: the activity span of each
// party it has looked at (over the party's stored mentions), valid while
// the stored generation is the one its last batch wrote.
struct PartyStore::SyncCache {
  struct Span {
    std::optional<int> lo, hi;  // min(first ?? last), max(last ?? first)
    void Add(const std::optional<int>& first, const std::optional<int>& last) {
      const std::optional<int> a = first ? first : last, b = last ? last : first;
      if (a && (!lo || *a < *lo)) lo = a;
      if (b && (!hi || *b > *hi)) hi = b;
    }
  };
  int64_t generation = -1;
  std::unordered_map<Int64, Span> spans;
};

PartyStore::PartyStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock)
    : db_(std::move(db)), clock_(clock), sync_cache_(std::make_unique<SyncCache>()) {}

PartyStore::~PartyStore() = default;

namespace {

// The condition `IN (the values of one JSON array parameter)`, bound with
// JsonArrayParam: one statement for a list of any length. On artifacts,
// write "+deleted = 0" beside it: with plain "deleted = 0" SQLite walks
// every live record through the artifacts_live index and tests each one
// against the list, instead of looking the ids up by primary key.
constexpr const char* kInList = " IN (SELECT value FROM json_each(?))";

// A year bound as stored: NULL for an unknown bound. Bulk binding has no
// nulls, so unknown bounds travel as kNoYear and the INSERT turns that value
// (written out in its SQL) back into NULL.
constexpr int kNoYear = std::numeric_limits<int>::min();
static_assert(kNoYear == -2147483648LL);
int YearOrNone(const std::optional<int>& y) { return y ? *y : kNoYear; }

}  // namespace

namespace {

// What one sync batch reads and derives before it writes anything: the feed
// position it starts from, and the mentions of each record it touches.
// Reading records and custody notes and deriving their mentions is most of a
// batch's work. Done on a reader, it does not hold the one writer, which
// custody appends and record edits wait for.
struct SyncRead {
  struct Derived {
    std::string id, title, flags;
    int restricted = 0;
    std::vector<core::PartyMention> mentions;
    // A record with only new custody entries: its last stored custody
    // mention (position, key), to link to the first new one.
    std::optional<std::pair<int, std::string>> last_custody;
  };
  Int64 generation = 0, changes_cursor = 0, leaves_cursor = 0;
  std::vector<Int64> seqs, idxs;  // the changes and log leaves this batch consumes
  std::vector<std::string> touched, rederived;
  // What the batch's records had before (a mention keeps its party when
  // that party still holds the name).
  std::unordered_map<std::string, std::map<std::string, Int64>> before;
  std::vector<Int64> replaced_parties;  // parties of the mentions a re-read replaces
  std::vector<Derived> derived;
  std::set<std::string> keys;  // every name key the derived mentions use

  bool empty() const { return seqs.empty() && idxs.empty(); }
  bool more() const {
    return seqs.size() == static_cast<size_t>(kSyncBatch) ||
           idxs.size() == static_cast<size_t>(kSyncBatch);
  }
  // Nothing this batch read can have moved: the cursors and the party
  // generation are where they were. (Records and custody notes that changed
  // since have their own later changes and leaves, for the next batch.)
  bool StillCurrent(Session& s) const {
    return FeedValue(s, "generation") == generation && FeedValue(s, "changes") == changes_cursor &&
           FeedValue(s, "leaves") == leaves_cursor;
  }
};

// Reads the next batch of changes and custody leaves and derives the
// mentions of the records they touch. Writes nothing.
Status ReadSyncBatch(Session& s, SyncRead* r) {
  r->generation = FeedValue(s, "generation");
  r->changes_cursor = FeedValue(s, "changes");
  r->leaves_cursor = FeedValue(s, "leaves");
  std::vector<std::string> changed, custody, leaf_notes;
  Int64 limit = kSyncBatch;
  s << "SELECT seq, artifact_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
      bind(r->changes_cursor), bind(limit), into(r->seqs), into(changed), now;
  s << "SELECT idx, artifact_id, note FROM log_leaves WHERE idx >= ? ORDER BY idx LIMIT ?",
      bind(r->leaves_cursor), bind(limit), into(r->idxs), into(custody), into(leaf_notes), now;
  if (r->empty()) return Status::Ok();
  // A changed record is derived again whole. A record that only has new
  // custody entries keeps its mentions, and only the new entries are read
  // and added: an object can carry thousands of entries, and reading them
  // all again after every append made syncing a busy log quadratic.
  const std::set<std::string> changed_set(changed.begin(), changed.end());
  std::map<std::string, std::vector<std::string>> appended;  // id -> new notes, in seq order
  for (size_t i = 0; i < custody.size(); ++i) {
    if (!changed_set.contains(custody[i])) appended[custody[i]].push_back(std::move(leaf_notes[i]));
  }
  std::set<std::string> touched_set = changed_set;
  touched_set.insert(custody.begin(), custody.end());
  r->touched.assign(touched_set.begin(), touched_set.end());
  r->rederived.assign(changed_set.begin(), changed_set.end());

  // Of each live record, only the fields that name parties, taken out of
  // the stored document by SQLite (parsing whole documents was most of the
  // cost of a sync). A record whose document does not read back names
  // nobody here: it is fsck's business, and must not stop the others.
  struct Fields {
    std::string values;  // JSON [title, visibility, maker, provenance, provenance_text]
    std::string flags;   // JSON array of rule names
  };
  std::unordered_map<std::string, Fields> docs;
  std::unordered_map<std::string, std::vector<std::string>> notes;
  if (!r->rederived.empty()) {
    CUSTOS_ASSIGN_OR_RETURN(std::string list, JsonArrayParam(r->rederived));
    {
      std::vector<std::string> ids, keys;
      std::vector<Int64> parties;
      s << std::string("SELECT artifact_id, key, party_id FROM party_mentions WHERE artifact_id") +
               kInList + " ORDER BY artifact_id, source, position",
          bind(list), into(ids), into(keys), into(parties), now;
      for (size_t i = 0; i < ids.size(); ++i) r->before[ids[i]].emplace(keys[i], parties[i]);
      r->replaced_parties = std::move(parties);
    }
    {
      std::vector<std::string> ids, texts;
      s << std::string("SELECT artifact_id, note FROM log_leaves WHERE artifact_id") + kInList +
               " ORDER BY artifact_id, seq",
          bind(list), into(ids), into(texts), now;
      for (size_t i = 0; i < ids.size(); ++i) notes[ids[i]].push_back(std::move(texts[i]));
    }
  }
  {
    CUSTOS_ASSIGN_OR_RETURN(std::string list, JsonArrayParam(r->touched));
    std::vector<std::string> ids, values, flags;
    // One json_extract with several paths parses the document once.
    s << std::string(
             "SELECT id, json_extract(doc, '$.title', '$.visibility', '$.maker', "
             "'$.provenance', '$.provenance_text'), "
             // The rule names of the gap findings (objects with a rule, or strings).
             "(SELECT json_group_array(r) FROM (SELECT CASE f.type "
             "   WHEN 'object' THEN json_extract(f.value, '$.rule') WHEN 'text' THEN f.value END "
             "   AS r FROM json_each(doc, '$.flags') f) WHERE typeof(r) = 'text') "
             "FROM artifacts WHERE +deleted = 0 AND json_valid(doc) AND id") +
             kInList,
        bind(list), into(ids), into(values), into(flags), now;
    for (size_t i = 0; i < ids.size(); ++i) {
      docs[ids[i]] = {std::move(values[i]), std::move(flags[i])};
    }
  }

  // Each record's mentions.
  for (const std::string& id : r->touched) {
    auto d = docs.find(id);
    if (d == docs.end()) continue;  // deleted, or does not read back
    const json values = json::parse(d->second.values, nullptr, /*allow_exceptions=*/false);
    if (!values.is_array() || values.size() != 5) continue;
    const auto text = [&](size_t i) {
      return values[i].is_string() ? values[i].get<std::string>() : std::string();
    };
    const auto added = appended.find(id);
    const bool whole = added == appended.end();
    core::Artifact artifact;
    artifact.id = id;
    artifact.title = text(0);
    artifact.visibility = text(1) == core::ToString(core::Visibility::kRestricted)
                              ? core::Visibility::kRestricted
                              : core::Visibility::kPublic;
    if (whole) {
      artifact.maker = text(2);
      if (values[3].is_array() || values[3].is_object()) artifact.provenance = values[3];
      artifact.provenance_text = text(4);
    }
    // Without provenance, only the custody mentions come out (the new
    // entries', linked among themselves).
    std::vector<core::CustodyEntry> entries;
    for (const std::string& note : whole ? notes[id] : added->second) {
      auto parsed = core::ParseCustodyNote(note);
      if (parsed.ok()) entries.push_back(parsed->entry);
    }
    SyncRead::Derived out;
    out.mentions = core::ExtractPartyMentions(artifact, entries);
    if (out.mentions.empty()) continue;
    if (!whole) {
      // The last stored custody mention, which the first new one follows,
      // as a whole re-read would link them (consecutive actors with
      // different names).
      std::vector<int> positions;
      std::vector<std::string> keys;
      s << "SELECT position, key FROM party_mentions WHERE artifact_id = ? AND "
           "source = 'custody' ORDER BY position DESC LIMIT 1",
          bind(id), into(positions), into(keys), now;
      if (!positions.empty()) out.last_custody.emplace(positions[0], std::move(keys[0]));
      // The party this record already gives each new entry's name (its
      // first mention of the name, as the whole re-read keeps it): one
      // seek per name in party_mentions_by_artifact_key, however many
      // mentions a busy actor has.
      std::set<std::string> new_keys;
      for (const auto& m : out.mentions) new_keys.insert(m.key);
      for (std::string key : new_keys) {
        std::vector<Int64> parties;
        std::string artifact_id = id;
        s << "SELECT party_id FROM party_mentions WHERE artifact_id = ? AND key = ? "
             "ORDER BY source, position LIMIT 1",
            bind(artifact_id), bind(key), into(parties), now;
        if (!parties.empty()) r->before[id].emplace(key, parties[0]);
      }
    }
    out.id = id;
    out.title = std::move(artifact.title);
    out.restricted = artifact.visibility == core::Visibility::kRestricted ? 1 : 0;
    out.flags = d->second.flags.empty() ? "[]" : std::move(d->second.flags);
    for (const auto& m : out.mentions) r->keys.insert(m.key);
    r->derived.push_back(std::move(out));
  }
  return Status::Ok();
}

}  // namespace

Status PartyStore::SyncBatch(bool* more) {
  *more = false;
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  SyncCache& cache = *sync_cache_;
  // Read and derive on a reader, then write on the writer if nothing the
  // batch read has moved meanwhile; if something has (another process
  // synced, or a party was merged or edited), read again on the writer.
  SyncRead r;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Session& s) { return ReadSyncBatch(s, &r); }));
  if (r.empty()) return Status::Ok();
  if (sync_interleave_) sync_interleave_();
  bool noted = false;  // NoteChange was called: forget it if the commit fails
  Status st = db_->Write([&](Session& s) -> Status {
    if (!r.StillCurrent(s)) {
      r = SyncRead{};
      CUSTOS_RETURN_IF_ERROR(ReadSyncBatch(s, &r));
      if (r.empty()) return Status::Ok();
    }
    if (r.generation != cache.generation) cache.spans.clear();
    for (Int64 party : r.replaced_parties) cache.spans.erase(party);  // its mentions change
    if (!r.rederived.empty()) {
      CUSTOS_ASSIGN_OR_RETURN(std::string list, JsonArrayParam(r.rederived));
      for (const char* table : {"party_mentions", "party_artifacts"}) {
        s << std::string("DELETE FROM ") + table + " WHERE artifact_id" + kInList, bind(list), now;
      }
    }
    for (const SyncRead::Derived& d : r.derived) {
      if (!d.last_custody || d.last_custody->second == d.mentions.front().key) continue;
      int next = d.mentions.front().position;
      int position = d.last_custody->first;
      std::string id = d.id;
      s << "UPDATE party_mentions SET next_position = ? WHERE artifact_id = ? AND "
           "source = 'custody' AND position = ?",
          bind(next), bind(id), bind(position), now;
    }

    // The live parties holding each name the batch uses, oldest first.
    std::unordered_map<std::string, std::vector<Int64>> holders;
    if (!r.keys.empty()) {
      CUSTOS_ASSIGN_OR_RETURN(
          std::string list, JsonArrayParam(std::vector<std::string>(r.keys.begin(), r.keys.end())));
      std::vector<std::string> keys;
      std::vector<Int64> parties;
      s << std::string(
               "SELECT n.key, n.party_id FROM party_names n JOIN parties p "
               "ON p.id = n.party_id WHERE p.merged_into IS NULL AND n.key") +
               kInList + " ORDER BY n.party_id",
          bind(list), into(keys), into(parties), now;
      for (size_t i = 0; i < keys.size(); ++i) holders[keys[i]].push_back(parties[i]);
    }

    const auto span_of = [&](Int64 party) -> SyncCache::Span& {
      auto it = cache.spans.find(party);
      if (it != cache.spans.end()) return it->second;
      Poco::Nullable<int> lo, hi;
      s << "SELECT min(coalesce(first_year, last_year)), max(coalesce(last_year, first_year)) "
           "FROM party_mentions WHERE party_id = ?",
          bind(party), into(lo), into(hi), now;
      return cache.spans[party] = SyncCache::Span{FromNullable(lo), FromNullable(hi)};
    };

    // The party each mention stands for: the one it had before this re-read
    // when that party still holds the name, else a live party holding the
    // name whose activity centuries are compatible, else a new party.
    std::vector<std::string> m_artifact, m_source, m_key, m_name, m_role, m_method, m_place, m_date;
    std::vector<int> m_position, m_first, m_last, m_next;
    std::vector<Int64> m_party;
    const std::string derived_origin = "derived";
    for (const SyncRead::Derived& d : r.derived) {
      const auto b = r.before.find(d.id);
      for (const core::PartyMention& m : d.mentions) {
        std::vector<Int64>& candidates = holders[m.key];
        std::optional<Int64> party;
        if (b != r.before.end()) {
          if (auto it = b->second.find(m.key);
              it != b->second.end() &&
              std::find(candidates.begin(), candidates.end(), it->second) != candidates.end()) {
            party = it->second;
          }
        }
        const core::YearSpan span = m.life.known() ? m.life : m.years;
        for (size_t i = 0; !party && i < candidates.size(); ++i) {
          if (candidates.size() == 1 && !span.known()) {
            party = candidates[i];
            break;
          }
          const SyncCache::Span& known = span_of(candidates[i]);
          if (!core::CenturiesDisjoint(span, core::YearSpan{known.lo, known.hi})) {
            party = candidates[i];
          }
        }
        if (!party) {
          party = NewParty(s, m.name, std::string(core::PartyKindName(m.kind)), time);
          std::string key = m.key, name = m.name;
          s << "INSERT INTO party_names (key, party_id, name, origin) VALUES (?,?,?,?)", bind(key),
              bind(*party), bind(name), bind(derived_origin), now;
          candidates.push_back(*party);
          cache.spans[*party] = {};
        }
        // Later mentions in this batch see this one in the party's span.
        span_of(*party).Add(m.years.first, m.years.last);
        m_artifact.push_back(d.id);
        m_source.emplace_back(core::PartyMentionSourceName(m.source));
        m_position.push_back(m.position);
        m_party.push_back(*party);
        m_key.push_back(m.key);
        m_name.push_back(m.name);
        m_role.push_back(m.role);
        m_method.push_back(m.method);
        m_place.push_back(m.place);
        m_date.push_back(m.date_text);
        m_first.push_back(YearOrNone(m.years.first));
        m_last.push_back(YearOrNone(m.years.last));
        m_next.push_back(m.transfers_to_next ? m.next_position : -1);
      }
    }
    if (!r.derived.empty()) {
      std::vector<std::string> a_id, a_title, a_flags;
      std::vector<int> a_restricted;
      for (const SyncRead::Derived& d : r.derived) {
        a_id.push_back(d.id);
        a_title.push_back(d.title);
        a_restricted.push_back(d.restricted);
        a_flags.push_back(d.flags);
      }
      // REPLACE: a record with new custody entries only keeps its row.
      s << "INSERT OR REPLACE INTO party_artifacts (artifact_id, title, restricted, flags) "
           "VALUES (?,?,?,?)",
          use(a_id), use(a_title), use(a_restricted), use(a_flags), now;
      s << "INSERT INTO party_mentions (artifact_id, source, position, party_id, key, name, role, "
           "method, place, date_text, first_year, last_year, next_position) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,NULLIF(?,-2147483648),NULLIF(?,-2147483648),?)",
          use(m_artifact), use(m_source), use(m_position), use(m_party), use(m_key), use(m_name),
          use(m_role), use(m_method), use(m_place), use(m_date), use(m_first), use(m_last),
          use(m_next), now;
    }
    if (!r.seqs.empty()) SetFeedValue(s, "changes", r.seqs.back());
    if (!r.idxs.empty()) SetFeedValue(s, "leaves", r.idxs.back() + 1);
    BumpGeneration(s);
    cache.generation = r.generation + 1;
    noted = true;
    NoteChange(r.generation, r.touched, {}, false);
    return Status::Ok();
  });
  // A rolled-back batch may have left spans of mentions that were never
  // stored.
  if (!st.ok()) {
    *sync_cache_ = SyncCache{};
    if (noted) ForgetChanges();
  }
  if (st.ok()) *more = r.more();
  return st;
}

Status PartyStore::Sync(int64_t max_backlog, bool* synced) {
  if (synced) *synced = false;
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
  const Int64 backlog =
      std::max<Int64>(0, last_seq - changes) + std::max<Int64>(0, next_leaf - leaves);
  if (backlog == 0 || (max_backlog >= 0 && backlog > max_backlog)) return Status::Ok();
  std::lock_guard<std::mutex> lock(sync_mu_);
  bool more = true;
  while (more) CUSTOS_RETURN_IF_ERROR(SyncBatch(&more));
  if (synced) *synced = true;
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

namespace {

// Reads party_artifacts / party_mentions rows, all of them or those of
// `ids` (sorted), in artifact id order.
Status LoadRecords(Session& s, const std::vector<std::string>* ids, PartyGraphBuilder* b) {
  std::string list, where;
  if (ids) {
    CUSTOS_ASSIGN_OR_RETURN(list, JsonArrayParam(*ids));
    where = std::string(" WHERE artifact_id") + kInList;
    b->reread = *ids;
  }
  {
    std::vector<std::string> ids_out, titles, flags;
    std::vector<int> restricted;
    Poco::Data::Statement q(s);
    q << "SELECT artifact_id, title, restricted, flags FROM party_artifacts" + where +
             " ORDER BY artifact_id";
    if (ids) q, use(list);
    q, into(ids_out), into(titles), into(restricted), into(flags), now;
    b->artifacts.reserve(b->artifacts.size() + ids_out.size());
    for (size_t i = 0; i < ids_out.size(); ++i) {
      if (!ids) b->reread.push_back(ids_out[i]);
      b->artifacts.push_back(
          {std::move(ids_out[i]), std::move(titles[i]), std::move(flags[i]), restricted[i] != 0});
    }
  }
  std::vector<std::string> artifact_ids, sources, keys, names, roles, methods, places, dates;
  std::vector<int> positions, nexts;
  std::vector<Int64> parties;
  std::vector<Poco::Nullable<int>> firsts, lasts;
  Poco::Data::Statement q(s);
  q << "SELECT artifact_id, source, position, party_id, key, name, role, method, place, "
       "date_text, first_year, last_year, next_position FROM party_mentions" +
           where + " ORDER BY artifact_id, source, position";
  if (ids) q, use(list);
  q, into(artifact_ids), into(sources), into(positions), into(parties), into(keys), into(names),
      into(roles), into(methods), into(places), into(dates), into(firsts), into(lasts), into(nexts),
      now;
  b->mentions.reserve(b->mentions.size() + artifact_ids.size());
  for (size_t i = 0; i < artifact_ids.size(); ++i) {
    PartyGraphBuilder::MentionRow m;
    m.artifact_id = std::move(artifact_ids[i]);
    m.custody = sources[i] == "custody";
    m.position = positions[i];
    m.party = static_cast<int32_t>(parties[i]);
    m.key = std::move(keys[i]);
    m.name = std::move(names[i]);
    m.role = std::move(roles[i]);
    m.method = std::move(methods[i]);
    m.place = std::move(places[i]);
    m.date_text = std::move(dates[i]);
    m.first = FromNullable(firsts[i]);
    m.last = FromNullable(lasts[i]);
    m.next = nexts[i];
    b->mentions.push_back(std::move(m));
  }
  return Status::Ok();
}

// Reads parties rows and their aliases, all of them or those of `ids`.
void LoadParties(Session& s, const std::vector<Int64>* ids, PartyGraphBuilder* b) {
  const std::string list = ids ? JsonArrayParam(*ids) : std::string();
  const std::string in = std::string(kInList);
  std::vector<Int64> pids;
  std::vector<std::string> names, kinds;
  std::vector<Poco::Nullable<Int64>> merged;
  {
    Poco::Data::Statement q(s);
    q << "SELECT id, name, kind, merged_into FROM parties" +
             (ids ? " WHERE id" + in : std::string()) + " ORDER BY id";
    if (ids) q, bind(list);
    q, into(pids), into(names), into(kinds), into(merged), now;
  }
  for (size_t i = 0; i < pids.size(); ++i) {
    PartyGraphBuilder::PartyRow r;
    r.id = static_cast<int32_t>(pids[i]);
    r.name = std::move(names[i]);
    r.kind = std::move(kinds[i]);
    if (!merged[i].isNull()) r.merged_into = merged[i].value();
    b->parties.push_back(std::move(r));
  }
  std::vector<std::string> keys, alias_names;
  std::vector<Int64> owners;
  Poco::Data::Statement q(s);
  q << "SELECT key, party_id, name FROM party_names WHERE origin = 'alias'" +
           (ids ? " AND party_id" + in : std::string()) + " ORDER BY key";
  if (ids) q, bind(list);
  q, into(keys), into(owners), into(alias_names), now;
  for (size_t i = 0; i < keys.size(); ++i) {
    b->aliases[static_cast<int32_t>(owners[i])].push_back(
        {std::move(keys[i]), std::move(alias_names[i])});
  }
}

std::vector<PartyRevisionInfo> LoadRevisions(Session& s) {
  std::vector<Int64> ids, parties;
  std::vector<Poco::Nullable<Int64>> others, undone;
  std::vector<std::string> ops, details, actors, times;
  s << "SELECT id, op, party_id, other_id, detail, actor, time, undone_by "
       "FROM party_revisions ORDER BY id",
      into(ids), into(ops), into(parties), into(others), into(details), into(actors), into(times),
      into(undone), now;
  std::vector<PartyRevisionInfo> out;
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
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

// What changed since the snapshot `graph_` (at generation `from`): every
// write records, inside its transaction, the generation it moves from and
// what it touched, so that the next snapshot can re-read only that. `to` is
// the highest generation a recorded write moves to; a generation above it
// means a write this object did not see (another process, Rebuild()), and
// the next snapshot is built from scratch.
struct PartyStore::Delta {
  int64_t from = 0, to = 0;
  std::set<std::string> artifacts;  // records whose mentions may have changed
  std::set<int64_t> parties;        // parties renamed, merged, split, aliased
  bool revisions = false;
};

void PartyStore::NoteChange(int64_t before, const std::vector<std::string>& artifacts,
                            const std::vector<int64_t>& parties, bool revisions) {
  std::lock_guard<std::mutex> lock(delta_mu_);
  if (!delta_) {
    delta_ = std::make_unique<Delta>();
    delta_->from = delta_->to = before;
  } else if (delta_->to < before) {
    // A write we did not see: start again from here (the next snapshot is
    // built from scratch, as no delta starts at its generation).
    *delta_ = Delta{};
    delta_->from = delta_->to = before;
  }
  delta_->to = std::max(delta_->to, before + 1);
  delta_->artifacts.insert(artifacts.begin(), artifacts.end());
  delta_->parties.insert(parties.begin(), parties.end());
  delta_->revisions |= revisions;
}

void PartyStore::ForgetChanges() {
  std::lock_guard<std::mutex> lock(delta_mu_);
  delta_.reset();  // the next snapshot is built from scratch
}

Result<std::shared_ptr<const PartyGraph>> PartyStore::Graph() {
  std::lock_guard<std::mutex> lock(mu_);
  auto generation = db_->ReadInt64("SELECT value FROM party_feed WHERE name = 'generation'");
  if (!generation.ok()) return generation.status();
  if (graph_ && *generation == generation_) return graph_;

  PartyGraphBuilder rows;
  Int64 loaded = 0;
  bool patch = false;
  Status st = db_->Read([&](Session& s) -> Status {
    loaded = FeedValue(s, "generation");
    // What changed since graph_, if every write up to `loaded` was recorded
    // (a write still in flight may be recorded too: re-reading more is
    // harmless).
    std::vector<std::string> artifacts;
    std::set<Int64> parties;
    bool revisions = false;
    {
      std::lock_guard<std::mutex> delta_lock(delta_mu_);
      patch = graph_ && delta_ && delta_->from == generation_ && loaded <= delta_->to;
      if (patch) {
        artifacts.assign(delta_->artifacts.begin(), delta_->artifacts.end());
        parties.insert(delta_->parties.begin(), delta_->parties.end());
        revisions = delta_->revisions;
      }
    }
    if (!patch) {
      CUSTOS_RETURN_IF_ERROR(LoadRecords(s, nullptr, &rows));
      LoadParties(s, nullptr, &rows);
      rows.revisions = LoadRevisions(s);
      return Status::Ok();
    }
    CUSTOS_RETURN_IF_ERROR(LoadRecords(s, &artifacts, &rows));
    for (const auto& m : rows.mentions) parties.insert(m.party);
    const std::vector<Int64> ids(parties.begin(), parties.end());
    LoadParties(s, &ids, &rows);
    if (revisions) rows.revisions = LoadRevisions(s);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!patch) artifact_slots_.clear();
  graph_ = rows.Apply(patch ? graph_.get() : nullptr, artifact_slots_);
  generation_ = loaded;
  std::lock_guard<std::mutex> delta_lock(delta_mu_);
  if (delta_) {
    if (delta_->to <= loaded) {
      delta_.reset();
    } else if (delta_->from <= loaded) {
      delta_->from = loaded;  // a write still in flight: re-read its records next time
    }
  }
  return graph_;
}

Status PartyStore::CheckVisible(int64_t party, const PartyAccess& access) {
  auto g = Graph();
  if (!g.ok()) return g.status();
  auto idx = (*g)->Resolve(party);
  if (!idx || *idx != party || !(*g)->Summary(party, access)) {
    return Status::NotFound("no party " + std::to_string(party));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> PartyStore::SearchNames(const std::string& artifact_id,
                                                         bool restricted_names) const {
  CUSTOS_ASSIGN_OR_RETURN(auto names,
                          SearchNames(std::vector<std::string>{artifact_id}, restricted_names));
  return std::move(names.front());
}

Result<std::vector<std::vector<std::string>>> PartyStore::SearchNames(
    const std::vector<std::string>& artifact_ids, bool restricted_names) const {
  if (artifact_ids.empty()) return std::vector<std::vector<std::string>>();
  CUSTOS_ASSIGN_OR_RETURN(std::string list, JsonArrayParam(artifact_ids));
  std::unordered_map<std::string, std::vector<std::string>> by_id;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Session& s) -> Status {
    // Names of each record's parties under another key than the record's
    // own mentions use; a derived spelling only when a visible record uses
    // it (aliases come from curators, not from records).
    int all = restricted_names ? 1 : 0;
    std::vector<std::string> ids, names;
    s << "SELECT DISTINCT r.value, n.name FROM json_each(?) r JOIN party_names n "
         "ON n.party_id IN (SELECT party_id FROM party_mentions WHERE artifact_id = r.value) "
         "WHERE n.key NOT IN (SELECT key FROM party_mentions WHERE artifact_id = r.value) "
         "AND (n.origin = 'alias' OR EXISTS (SELECT 1 FROM party_mentions m "
         "  JOIN party_artifacts a ON a.artifact_id = m.artifact_id "
         "  WHERE m.party_id = n.party_id AND m.key = n.key AND (? OR a.restricted = 0))) "
         "ORDER BY r.value, n.name",
        bind(list), bind(all), into(ids), into(names), now;
    for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]].push_back(std::move(names[i]));
    return Status::Ok();
  }));
  return InInputOrder<std::vector<std::string>>(artifact_ids, std::move(by_id));
}

namespace {

// What a curator change wrote: its revision, the generation it moved from,
// and the records and parties it touched.
struct Written {
  Int64 revision = 0, generation = 0;
  std::vector<std::string> artifacts;
  std::vector<int64_t> parties;
};

// Writes the revision row and bumps the generation; and, for every live
// record naming one of the parties involved (the change moved mentions only
// among them), a change-feed row (op "update", current version), so that the
// search index re-reads it with the parties' names as they are now
// (PartyStore::SearchNames).
Written WriteRevision(Session& s, const std::string& op, Int64 party, std::optional<Int64> other,
                      const json& detail, const std::string& actor, const std::string& time,
                      std::vector<Int64> involved = {}) {
  Written w;
  involved.push_back(party);
  if (other) involved.push_back(*other);
  w.parties.assign(involved.begin(), involved.end());
  const std::string parties = JsonArrayParam(involved);
  s << std::string("SELECT DISTINCT artifact_id FROM party_mentions WHERE party_id") + kInList +
           " ORDER BY artifact_id",
      bind(parties), into(w.artifacts), now;
  // A change-feed row for each live one among them, in id order.
  s << std::string(
           "INSERT INTO changes (artifact_id, version, op, time) "
           "SELECT id, version, 'update', ? FROM artifacts WHERE +deleted = 0 AND id IN "
           "(SELECT artifact_id FROM party_mentions WHERE party_id") +
           kInList + ") ORDER BY id",
      bind(time), bind(parties), now;
  std::string d = detail.dump();
  Poco::Nullable<Int64> o = other ? Poco::Nullable<Int64>(*other) : Poco::Nullable<Int64>();
  s << "INSERT INTO party_revisions (op, party_id, other_id, detail, actor, time) "
       "VALUES (?,?,?,?,?,?)",
      bind(op), bind(party), bind(o), bind(d), bind(actor), bind(time), now;
  w.revision = LastRowId(s);
  w.generation = FeedValue(s, "generation");
  BumpGeneration(s);
  return w;
}

Status NoParty(Int64 id) { return Status::NotFound("no party " + std::to_string(id)); }

}  // namespace

Result<int64_t> PartyStore::Merge(int64_t target, int64_t source, const std::string& actor) {
  if (target == source) {
    return Status::InvalidArgument("a party cannot be merged into itself", "from");
  }
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Int64 revision = 0;
  bool noted = false;  // NoteChange was called: forget it if the commit fails
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
      s << "DELETE FROM party_names WHERE key = ? AND party_id = ?", bind(keys[i]), bind(src), now;
      moved.push_back(
          {{"key", keys[i]}, {"name", names[i]}, {"origin", origins[i]}, {"added", exists == 0}});
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
    Written w =
        WriteRevision(s, "merge", t, src, {{"names", moved}, {"mentions", rows}}, actor, time);
    noted = true;
    NoteChange(w.generation, w.artifacts, w.parties, true);
    revision = w.revision;
    return Status::Ok();
  });
  if (!st.ok()) {
    if (noted) ForgetChanges();
    return st;
  }
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
  bool noted = false;  // NoteChange was called: forget it if the commit fails
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
        return Status::InvalidArgument(
            "party " + std::to_string(p) + " has no name \"" + names[i] + "\"",
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
    Written w = WriteRevision(s, "split", p, created, {{"keys", keys}}, actor, time);
    noted = true;
    NoteChange(w.generation, w.artifacts, w.parties, true);
    revision = w.revision;
    return Status::Ok();
  });
  if (!st.ok()) {
    if (noted) ForgetChanges();
    return st;
  }
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
  bool noted = false;  // NoteChange was called: forget it if the commit fails
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
    Written w =
        WriteRevision(s, "alias", p, std::nullopt, {{"key", key}, {"name", name}}, actor, time);
    noted = true;
    NoteChange(w.generation, w.artifacts, w.parties, true);
    revision = w.revision;
    return Status::Ok();
  });
  if (!st.ok()) {
    if (noted) ForgetChanges();
    return st;
  }
  return revision;
}

Result<int64_t> PartyStore::Undo(int64_t revision, const std::string& actor) {
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Int64 undo_id = 0;
  bool noted = false;  // NoteChange was called: forget it if the commit fails
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
    Written written;
    std::vector<Int64> involved;
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
        s << "SELECT count(*) FROM party_names WHERE key = ? AND party_id = ?", bind(key), bind(p),
            into(exists), now;
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
      written = WriteRevision(s, "undo", p, src, {{"undoes", rev}, {"op", op}}, actor, time);
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
      s << "UPDATE party_mentions SET party_id = ? WHERE party_id = ?", bind(p), bind(created), now;
      s << "UPDATE parties SET merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
          bind(p), bind(time), bind(created), now;
      TouchParty(s, p, time);
      written = WriteRevision(s, "undo", p, created, {{"undoes", rev}, {"op", op}}, actor, time);
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
      s << "SELECT count(*) FROM party_mentions WHERE party_id = ? AND key = ?", bind(p), bind(key),
          into(n), now;
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
        involved.push_back(fresh);
      }
      TouchParty(s, p, time);
      written = WriteRevision(s, "undo", p, std::nullopt, {{"undoes", rev}, {"op", op}}, actor,
                              time, involved);
    } else {
      return Status::Conflict("an undo cannot be undone; make the change again instead");
    }
    undo_id = written.revision;
    s << "UPDATE party_revisions SET undone_by = ? WHERE id = ?", bind(undo_id), bind(rev), now;
    noted = true;
    NoteChange(written.generation, written.artifacts, written.parties, true);
    return Status::Ok();
  });
  if (!st.ok()) {
    if (noted) ForgetChanges();
    return st;
  }
  return undo_id;
}

}  // namespace custos::archive
