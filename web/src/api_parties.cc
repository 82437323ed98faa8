// Parties and their network (issue 9):
//   GET  /api/v1/parties?q=&limit=             search by any name or alias
//   GET  /api/v1/parties/hubs?limit=           ranked by flagged artifacts
//   GET  /api/v1/parties/path?from=&to=&max=   shortest chains of transfers
//   GET  /api/v1/parties/{id}                  names, artifacts, proposals, revisions
//   GET  /api/v1/parties/{id}/network?depth=N  parties within N transfers
//   POST /api/v1/parties/{id}/merge            {"from": ID}      (curator, admin)
//   POST /api/v1/parties/{id}/split            {"names": [...]}  (curator, admin)
//   POST /api/v1/parties/{id}/aliases          {"name": "..."}   (curator, admin)
//   POST /api/v1/parties/revisions/{rev}/undo                    (curator, admin)
// and the HTML party page /parties/{id} (pages_parties.cc).
#include <charconv>

#include "app.h"
#include "custos/archive/party_store.h"
#include "parties.h"

namespace custos::web {

using archive::PartyAccess;
using archive::PartyGraph;
using archive::PartyStore;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

Result<int64_t> IdFrom(const std::string& text, const std::string& what, bool in_path) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v <= 0) {
    if (in_path) return Status::NotFound("no " + what + " " + text);
    return Status::InvalidArgument(what + " must be a party id", what);
  }
  return v;
}

json YearOrNull(const std::optional<int>& y) { return y ? json(*y) : json(nullptr); }

json RevisionJson(const archive::PartyRevisionInfo& r) {
  json j = {{"id", r.id},       {"op", r.op},     {"party", r.party_id},
            {"actor", r.actor}, {"time", r.time}, {"undone_by", nullptr}};
  j["other"] = r.other_id ? json(*r.other_id) : json(nullptr);
  if (r.undone_by) j["undone_by"] = *r.undone_by;
  return j;
}

Result<json> ReadIdMember(const json& body, const std::string& name) {
  if (!body.contains(name)) return Status::InvalidArgument(name + " is required", name);
  const json& v = body[name];
  if (v.is_number_integer() && v.get<int64_t>() > 0) return json(v.get<int64_t>());
  if (v.is_string()) {
    auto id = IdFrom(v.get<std::string>(), name, false);
    if (!id.ok()) return id.status();
    return json(*id);
  }
  return Status::InvalidArgument(name + " must be a party id", name);
}

Status CheckOnlyKeys(const json& body, std::initializer_list<const char*> keys) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known |= it.key() == k;
    if (!known) return Status::InvalidArgument("unknown field " + it.key(), it.key());
  }
  return Status::Ok();
}

}  // namespace

PartyAccess AccessFor(const core::Principal& p) {
  return PartyAccess{core::CanSeeRestricted(p.role)};
}

json PartySummaryJson(const archive::PartySummary& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"kind", s.kind},
          {"artifacts", s.artifacts},
          {"flagged_artifacts", s.flagged_artifacts},
          {"first_year", YearOrNull(s.first_year)},
          {"last_year", YearOrNull(s.last_year)}};
}

json PartyDetailJson(const archive::PartyDetail& d) {
  json j = PartySummaryJson(d.summary);
  // "artifacts" is the list here; the count of distinct ones moves aside.
  j["artifact_count"] = d.summary.artifacts;
  j["names"] = json::array();
  for (const auto& n : d.names) {
    j["names"].push_back({{"name", n.name}, {"origin", n.origin}, {"mentions", n.mentions}});
  }
  j["artifacts"] = json::array();
  for (const auto& a : d.artifacts) {
    j["artifacts"].push_back({{"id", a.artifact_id},
                              {"title", a.title},
                              {"source", a.source},
                              {"position", a.position},
                              {"name", a.name},
                              {"role", a.role},
                              {"method", a.method},
                              {"place", a.place},
                              {"date", a.date_text},
                              {"first_year", YearOrNull(a.first_year)},
                              {"last_year", YearOrNull(a.last_year)},
                              {"flags", a.flags}});
  }
  j["proposed_matches"] = json::array();
  for (const auto& p : d.proposed_matches) j["proposed_matches"].push_back(PartySummaryJson(p));
  j["revisions"] = json::array();
  for (const auto& r : d.revisions) j["revisions"].push_back(RevisionJson(r));
  return j;
}

json PartyNetworkJson(const archive::PartyNetwork& n, int depth) {
  json j = {{"center", n.nodes.empty() ? json(nullptr) : json(n.nodes[0].id)},
            {"depth", depth},
            {"truncated", n.truncated},
            {"edges_truncated", n.edges_truncated},
            {"nodes", json::array()},
            {"edges", json::array()}};
  for (size_t i = 0; i < n.nodes.size(); ++i) {
    json node = PartySummaryJson(n.nodes[i]);
    node["depth"] = n.depth[i];
    j["nodes"].push_back(std::move(node));
  }
  for (const auto& e : n.edges) {
    j["edges"].push_back({{"from", e.from},
                          {"to", e.to},
                          {"transfers", e.transfers},
                          {"flagged", e.flagged},
                          {"artifact_count", e.artifact_count},
                          {"artifacts", e.artifacts}});
  }
  return j;
}

Result<std::shared_ptr<const PartyGraph>> PartyGraphFor(PartyStore& store) {
  // A read catches up with a few writes itself (so a curator sees an edit at
  // once) but leaves a bulk import to the runtime's follower, which derives
  // the parties ahead of the index.
  CUSTOS_RETURN_IF_ERROR(store.Sync(kReadSyncBacklog));
  return store.Graph();
}

void AddPartyRoutes(Router& router, App& app) {
  // The archive's own store (shared with the runtime's follower); the
  // routes do not own it, hence the empty owner.
  std::shared_ptr<PartyStore> store(std::shared_ptr<void>(), &app.archive.parties());

  router.Add("GET", "/api/v1/parties", [store](RequestContext& ctx) -> Result<Reply> {
    std::string q = ctx.QueryParam("q");
    if (q.size() > core::ArtifactLimits::kShortText) {
      return Status::InvalidArgument("q is longer than 500 bytes", "q");
    }
    CUSTOS_ASSIGN_OR_RETURN(int64_t limit, IntParam(ctx, "limit", 50, 1, 500));
    CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(*store));
    auto found = graph->Search(q, AccessFor(ctx.principal), static_cast<size_t>(limit));
    json out = {{"results", json::array()}};
    for (const auto& s : found) out["results"].push_back(PartySummaryJson(s));
    return JsonReply(200, out);
  });

  router.Add("GET", "/api/v1/parties/hubs", [store](RequestContext& ctx) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(int64_t limit, IntParam(ctx, "limit", 20, 1, 500));
    CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(*store));
    json out = {{"results", json::array()}};
    for (const auto& s : graph->Hubs(AccessFor(ctx.principal), static_cast<size_t>(limit))) {
      out["results"].push_back(PartySummaryJson(s));
    }
    return JsonReply(200, out);
  });

  router.Add("GET", "/api/v1/parties/path", [store](RequestContext& ctx) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(int64_t from, IdFrom(ctx.QueryParam("from"), "from", false));
    CUSTOS_ASSIGN_OR_RETURN(int64_t to, IdFrom(ctx.QueryParam("to"), "to", false));
    CUSTOS_ASSIGN_OR_RETURN(int64_t max, IntParam(ctx, "max", 5, 1, 50));
    CUSTOS_ASSIGN_OR_RETURN(int64_t max_hops, IntParam(ctx, "max_hops", 8, 1, 12));
    CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(*store));
    const PartyAccess access = AccessFor(ctx.principal);
    bool truncated = false;
    CUSTOS_ASSIGN_OR_RETURN(auto paths, graph->Paths(from, to, access, static_cast<size_t>(max),
                                                     static_cast<int>(max_hops), &truncated));
    json out = {{"from", from}, {"to", to}, {"truncated", truncated}, {"paths", json::array()}};
    out["hops"] = paths.empty() ? json(nullptr) : json(paths[0].hops.size());
    for (const auto& p : paths) {
      json pj = {{"parties", json::array()}, {"hops", json::array()}};
      for (int64_t id : p.parties) {
        auto summary = graph->Summary(id, access);
        pj["parties"].push_back({{"id", id}, {"name", summary ? summary->name : ""}});
      }
      for (const auto& h : p.hops) {
        pj["hops"].push_back({{"from", h.from}, {"to", h.to}, {"artifacts", h.artifacts}});
      }
      out["paths"].push_back(std::move(pj));
    }
    return JsonReply(200, out);
  });

  router.Add("GET", "/api/v1/parties/{id}", [store](RequestContext& ctx) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(int64_t id, IdFrom(ctx.path_params["id"], "party", true));
    CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(*store));
    CUSTOS_ASSIGN_OR_RETURN(auto detail, graph->Detail(id, AccessFor(ctx.principal)));
    json out = PartyDetailJson(detail);
    if (detail.summary.id != id) out["merged_from"] = id;
    return JsonReply(200, out);
  });

  router.Add("GET", "/api/v1/parties/{id}/network", [store](RequestContext& ctx) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(int64_t id, IdFrom(ctx.path_params["id"], "party", true));
    CUSTOS_ASSIGN_OR_RETURN(int64_t depth, IntParam(ctx, "depth", 1, 1, 4));
    CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(*store));
    CUSTOS_ASSIGN_OR_RETURN(auto net, graph->Network(id, static_cast<int>(depth),
                                                     AccessFor(ctx.principal)));
    return JsonReply(200, PartyNetworkJson(net, static_cast<int>(depth)));
  });

  // Writes: the caller must be a curator or admin and must be able to see
  // every party involved (a hidden party is NotFound, as on reads).
  const auto party_reply = [store](RequestContext& ctx, int status, int64_t revision,
                                   int64_t party) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto graph, store->Graph());
    CUSTOS_ASSIGN_OR_RETURN(auto detail, graph->Detail(party, AccessFor(ctx.principal)));
    return JsonReply(status, {{"revision", revision}, {"party", PartyDetailJson(detail)}});
  };

  router.Add("POST", "/api/v1/parties/{id}/merge",
             [store, &app, party_reply](RequestContext& ctx) -> Result<Reply> {
               CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
               CUSTOS_ASSIGN_OR_RETURN(int64_t id, IdFrom(ctx.path_params["id"], "party", true));
               CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
               CUSTOS_RETURN_IF_ERROR(CheckOnlyKeys(body, {"from"}));
               CUSTOS_ASSIGN_OR_RETURN(json from, ReadIdMember(body, "from"));
               CUSTOS_RETURN_IF_ERROR(store->Sync());
               const PartyAccess access = AccessFor(ctx.principal);
               CUSTOS_RETURN_IF_ERROR(store->CheckVisible(id, access));
               Status from_visible = store->CheckVisible(from.get<int64_t>(), access);
               if (!from_visible.ok()) {
                 return Status(from_visible.code(), from_visible.message(), "from");
               }
               CUSTOS_ASSIGN_OR_RETURN(int64_t rev,
                                       store->Merge(id, from.get<int64_t>(), ctx.principal.user));
               app.Written();
               return party_reply(ctx, 200, rev, id);
             });

  router.Add("POST", "/api/v1/parties/{id}/split",
             [store, &app, party_reply](RequestContext& ctx) -> Result<Reply> {
               CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
               CUSTOS_ASSIGN_OR_RETURN(int64_t id, IdFrom(ctx.path_params["id"], "party", true));
               CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
               CUSTOS_RETURN_IF_ERROR(CheckOnlyKeys(body, {"names"}));
               if (!body.contains("names") || !body["names"].is_array() || body["names"].empty() ||
                   body["names"].size() > 100) {
                 return Status::InvalidArgument("names must be a list of 1-100 names", "names");
               }
               std::vector<std::string> names;
               for (size_t i = 0; i < body["names"].size(); ++i) {
                 if (!body["names"][i].is_string()) {
                   return Status::InvalidArgument("a name is a string",
                                                  "names[" + std::to_string(i) + "]");
                 }
                 names.push_back(body["names"][i].get<std::string>());
               }
               CUSTOS_RETURN_IF_ERROR(store->Sync());
               CUSTOS_RETURN_IF_ERROR(store->CheckVisible(id, AccessFor(ctx.principal)));
               int64_t created = 0;
               CUSTOS_ASSIGN_OR_RETURN(int64_t rev,
                                       store->Split(id, names, ctx.principal.user, &created));
               app.Written();
               CUSTOS_ASSIGN_OR_RETURN(Reply r, party_reply(ctx, 201, rev, id));
               json out = json::parse(r.body);
               auto graph = store->Graph();
               if (graph.ok()) {
                 auto d = (*graph)->Detail(created, AccessFor(ctx.principal));
                 if (d.ok()) out["new_party"] = PartyDetailJson(*d);
               }
               if (!out.contains("new_party")) out["new_party"] = {{"id", created}};
               r.body = out.dump();
               return r;
             });

  router.Add("POST", "/api/v1/parties/{id}/aliases",
             [store, &app, party_reply](RequestContext& ctx) -> Result<Reply> {
               CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
               CUSTOS_ASSIGN_OR_RETURN(int64_t id, IdFrom(ctx.path_params["id"], "party", true));
               CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
               CUSTOS_RETURN_IF_ERROR(CheckOnlyKeys(body, {"name"}));
               if (!body.contains("name") || !body["name"].is_string()) {
                 return Status::InvalidArgument("name must be a string", "name");
               }
               CUSTOS_RETURN_IF_ERROR(store->Sync());
               CUSTOS_RETURN_IF_ERROR(store->CheckVisible(id, AccessFor(ctx.principal)));
               CUSTOS_ASSIGN_OR_RETURN(
                   int64_t rev,
                   store->AddAlias(id, body["name"].get<std::string>(), ctx.principal.user));
               app.Written();
               return party_reply(ctx, 201, rev, id);
             });

  router.Add("POST", "/api/v1/parties/revisions/{rev}/undo",
             [store, &app](RequestContext& ctx) -> Result<Reply> {
               CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
               CUSTOS_ASSIGN_OR_RETURN(int64_t rev,
                                       IdFrom(ctx.path_params["rev"], "revision", true));
               CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(*store));
               auto info = graph->Revision(rev);
               const PartyAccess access = AccessFor(ctx.principal);
               auto live = info ? graph->Resolve(info->party_id) : std::nullopt;
               if (!info || !live || !graph->Summary(*live, access)) {
                 return Status::NotFound("no party revision " + std::to_string(rev));
               }
               CUSTOS_ASSIGN_OR_RETURN(int64_t undo, store->Undo(rev, ctx.principal.user));
               app.Written();
               return JsonReply(200, {{"revision", undo}, {"undoes", rev}});
             });

  AddPartyPageRoutes(router, app, store);
}

}  // namespace custos::web
