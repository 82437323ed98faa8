// GET /api/v1/search and GET /api/v1/artifacts/{id}/similar.
#include <charconv>

#include "app.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

Result<core::SearchIndex*> Index(App& app) {
  if (!app.search) return Status::Unavailable("search is not available");
  return app.search;
}

Result<std::optional<int>> YearParam(const RequestContext& ctx, const std::string& name) {
  std::string v = ctx.QueryParam(name);
  if (v.empty()) return std::optional<int>();
  int year = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), year);
  if (ec != std::errc() || ptr != v.data() + v.size() || year < core::ArtifactLimits::kMinYear ||
      year > core::ArtifactLimits::kMaxYear) {
    return Status::InvalidArgument(name + " must be a year (negative for BCE)", name);
  }
  return std::optional<int>(year);
}

}  // namespace

// Maps the query string onto a SearchQuery (shared with the HTML search page).
Result<core::SearchQuery> SearchQueryFrom(const RequestContext& ctx) {
  core::SearchQuery q;
  q.q = ctx.QueryParam("q");
  if (q.q.size() > core::SearchQuery::kMaxQueryBytes) {
    return Status::InvalidArgument("the query is longer than " +
                                       std::to_string(core::SearchQuery::kMaxQueryBytes) +
                                       " bytes",
                                   "q");
  }
  for (const char* facet : {"status", "country", "type", "material", "flag", "century", "party"}) {
    auto [begin, end] = ctx.query.equal_range(facet);
    for (auto it = begin; it != end; ++it) {
      if (!it->second.empty()) q.filters[facet].push_back(it->second);
    }
  }
  CUSTOS_ASSIGN_OR_RETURN(q.from, YearParam(ctx, "from"));
  CUSTOS_ASSIGN_OR_RETURN(q.to, YearParam(ctx, "to"));
  std::string sort = ctx.QueryParam("sort", "relevance");
  if (sort == "relevance") {
    q.sort = core::SearchSort::kRelevance;
  } else if (sort == "date") {
    q.sort = core::SearchSort::kDateAscending;
  } else if (sort == "-date") {
    q.sort = core::SearchSort::kDateDescending;
  } else {
    return Status::InvalidArgument("sort must be relevance, date or -date", "sort");
  }
  CUSTOS_ASSIGN_OR_RETURN(int64_t page, IntParam(ctx, "page", 1, 1, 100000));
  CUSTOS_ASSIGN_OR_RETURN(int64_t per_page,
                          IntParam(ctx, "per_page", 20, 1, core::SearchQuery::kMaxPerPage));
  q.page = static_cast<int>(page);
  q.per_page = static_cast<int>(per_page);
  q.include_restricted = core::CanSeeRestricted(ctx.principal.role);
  q.match_any = ctx.QueryParam("match") == "any";
  return q;
}

void AddSearchRoutes(Router& router, App& app) {
  router.Add("GET", "/api/v1/search", [&app](RequestContext& ctx) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* index, Index(app));
    CUSTOS_ASSIGN_OR_RETURN(core::SearchQuery q, SearchQueryFrom(ctx));
    CUSTOS_ASSIGN_OR_RETURN(core::SearchResults results, index->Search(q));
    if (q.include_restricted) {
      bool restricted = false;
      for (const auto& h : results.hits) restricted |= h.restricted;
      if (restricted) {
        (void)app.archive.records().AppendAudit(ctx.principal.user, "search.restricted", "",
                                                q.q.substr(0, 200));
      }
    }
    return JsonReply(200, core::SearchResultsToJson(results));
  });
  router.Add("GET", "/api/v1/artifacts/{id}/similar", [&app](RequestContext& ctx) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* index, Index(app));
    const std::string& id = ctx.path_params.at("id");
    CUSTOS_ASSIGN_OR_RETURN(core::Artifact a, LoadVisibleArtifact(app, ctx, id));
    CUSTOS_ASSIGN_OR_RETURN(int64_t n, IntParam(ctx, "n", 10, 1, 50));
    CUSTOS_ASSIGN_OR_RETURN(auto hits, index->Similar(id, static_cast<int>(n),
                                                      core::CanSeeRestricted(ctx.principal.role)));
    json out = json::array();
    for (const auto& h : hits) out.push_back(core::SearchHitToJson(h));
    return JsonReply(200, {{"id", id}, {"results", out}});
  });
}

}  // namespace custos::web
