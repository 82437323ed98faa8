// GET /parties/{id}: a party's names, artifacts, activity timeline and its
// network as an SVG graph drawn on the server (the CSP allows no script).
// GET /parties/by-name?name=&artifact=: the party a name on an artifact page
// stands for (a 303 to its page).
#include <charconv>
#include <cmath>
#include <numbers>

#include "custos/core/party.h"
#include "pages.h"
#include "parties.h"

namespace custos::web {

using archive::PartyStore;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Years(const archive::PartySummary& s) {
  if (!s.first_year && !s.last_year) return "";
  auto label = [](int y) { return y < 0 ? std::to_string(-y + 1) + " BCE" : std::to_string(y); };
  int a = s.first_year.value_or(*s.last_year), b = s.last_year.value_or(*s.first_year);
  return a == b ? label(a) : label(a) + "–" + label(b);
}

// Radial layout: the party in the middle, each ring of depth further out,
// nodes spread evenly around their ring. Node area grows with artifacts.
json NetworkSvg(const archive::PartyNetwork& net) {
  constexpr double kSize = 640, kCentre = kSize / 2, kRing = 130;
  std::map<int64_t, std::pair<double, double>> at;
  std::map<int, std::vector<size_t>> rings;
  for (size_t i = 0; i < net.nodes.size(); ++i) rings[net.depth[i]].push_back(i);
  json nodes = json::array(), edges = json::array();
  for (const auto& [depth, members] : rings) {
    for (size_t k = 0; k < members.size(); ++k) {
      double angle = 2 * std::numbers::pi * static_cast<double>(k) /
                         static_cast<double>(members.size()) +
                     depth * 0.4;
      double r = depth * kRing;
      at[net.nodes[members[k]].id] = {kCentre + r * std::cos(angle), kCentre + r * std::sin(angle)};
    }
  }
  for (const auto& e : net.edges) {
    auto [x1, y1] = at[e.from];
    auto [x2, y2] = at[e.to];
    edges.push_back({{"x1", Fmt(x1)},
                     {"y1", Fmt(y1)},
                     {"x2", Fmt(x2)},
                     {"y2", Fmt(y2)},
                     {"width", Fmt(std::min(8.0, 1.0 + std::log2(1.0 + e.transfers)))},
                     {"flagged", e.flagged > 0},
                     {"title", std::to_string(e.transfers) + " transfer(s), " +
                                   std::to_string(e.flagged) + " on flagged artifacts"}});
  }
  for (size_t i = 0; i < net.nodes.size(); ++i) {
    const auto& n = net.nodes[i];
    auto [x, y] = at[n.id];
    double r = std::min(28.0, 5.0 + 4.0 * std::sqrt(static_cast<double>(n.artifacts)));
    nodes.push_back({{"x", Fmt(x)},
                     {"y", Fmt(y)},
                     {"r", Fmt(r)},
                     {"label_y", Fmt(y + r + 12)},
                     {"href", "/parties/" + std::to_string(n.id)},
                     {"label", n.name},
                     {"centre", i == 0},
                     {"flagged", n.flagged_artifacts > 0},
                     {"title", n.name + ": " + std::to_string(n.artifacts) + " artifact(s), " +
                                   std::to_string(n.flagged_artifacts) + " flagged"}});
  }
  return {{"size", Fmt(kSize)}, {"nodes", nodes}, {"edges", edges}, {"truncated", net.truncated}};
}

Result<Reply> PartyPage(App& app, PartyStore& store, const RequestContext& ctx) {
  int64_t id = 0;
  const std::string& text = ctx.path_params.at("id");
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::NotFound("no party " + text);
  }
  CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(store));
  const archive::PartyAccess access = AccessFor(ctx.principal);
  CUSTOS_ASSIGN_OR_RETURN(auto detail, graph->Detail(id, access));
  if (detail.summary.id != id) return Redirect("/parties/" + std::to_string(detail.summary.id));
  CUSTOS_ASSIGN_OR_RETURN(auto net, graph->Network(id, 2, access));

  json data = PartyDetailJson(detail);
  data["title"] = detail.summary.name;
  data["years"] = Years(detail.summary);
  data["svg"] = NetworkSvg(net);
  data["has_proposals"] = !detail.proposed_matches.empty();
  data["has_revisions"] = !detail.revisions.empty();
  // Timeline: the mentions with a year, oldest first.
  json timeline = json::array();
  std::vector<const archive::PartyArtifactRef*> dated;
  for (const auto& a : detail.artifacts) {
    if (a.first_year || a.last_year) dated.push_back(&a);
  }
  std::stable_sort(dated.begin(), dated.end(), [](const auto* a, const auto* b) {
    return a->first_year.value_or(*a->last_year) < b->first_year.value_or(*b->last_year);
  });
  for (const auto* a : dated) {
    timeline.push_back({{"when", a->date_text},
                        {"id", a->artifact_id},
                        {"title", a->title},
                        {"role", a->role},
                        {"method", Humanize(a->method)}});
  }
  data["timeline"] = timeline;
  data["has_timeline"] = !timeline.empty();
  for (auto& a : data["artifacts"]) {
    a["method"] = Humanize(a.value("method", ""));
    a["flagged"] = !a["flags"].empty();
    std::string flags;
    for (const auto& f : a["flags"]) flags += (flags.empty() ? "" : ", ") + Humanize(f.get<std::string>());
    a["flag_text"] = flags;
  }
  data["can_edit"] = core::CanWriteRecords(ctx.principal.role);
  return HtmlPage(app, ctx, "party", data);
}

Result<Reply> PartyByName(PartyStore& store, const RequestContext& ctx) {
  const std::string name = ctx.QueryParam("name");
  const std::string artifact = ctx.QueryParam("artifact");
  const std::string key = core::PartyNameKey(name);
  if (key.empty()) return Status::NotFound("no party named \"" + name + "\"");
  CUSTOS_ASSIGN_OR_RETURN(auto graph, PartyGraphFor(store));
  const archive::PartyAccess access = AccessFor(ctx.principal);
  // Among the parties with this name, the one that holds the mention on
  // this artifact (the same name may be two people in two centuries).
  std::optional<int64_t> best;
  for (const auto& s : graph->Search(name, access, 50)) {
    auto d = graph->Detail(s.id, access);
    if (!d.ok()) continue;
    for (const auto& a : d->artifacts) {
      if (core::PartyNameKey(a.name) != key) continue;
      if (!best) best = s.id;
      if (a.artifact_id == artifact) return Redirect("/parties/" + std::to_string(s.id));
    }
  }
  if (!best) return Status::NotFound("no party named \"" + name + "\"");
  return Redirect("/parties/" + std::to_string(*best));
}

}  // namespace

void AddPartyPageRoutes(Router& router, App& app, std::shared_ptr<PartyStore> store) {
  router.Add("GET", "/parties/by-name", PageHandler(app, [store](RequestContext& ctx) {
               return PartyByName(*store, ctx);
             }));
  router.Add("GET", "/parties/{id}", PageHandler(app, [&app, store](RequestContext& ctx) {
               return PartyPage(app, *store, ctx);
             }));
}

}  // namespace custos::web
