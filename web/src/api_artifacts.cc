// /api/v1/artifacts: create, read, list, update, delete, history.
#include "app.h"
#include "custos/core/artifact.h"
#include <set>

#include "custos/archive/lido_writer.h"
#include "custos/core/artifact_derive.h"

namespace custos::web {

using core::Artifact;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

Status NotFound(const std::string& id) { return Status::NotFound("no artifact " + id); }

// An export licence among the record's documents silences the UNESCO 1970 flag.
core::DeriveContext DeriveContextFor(App& app, const std::string& id) {
  core::DeriveContext c;
  if (id.empty()) return c;
  auto docs = app.archive.documents().ListForArtifact(id);
  if (!docs.ok()) return c;
  for (const auto& d : *docs) c.has_export_licence |= d.kind == archive::DocumentKind::kExportLicence;
  return c;
}

// Every read of restricted data lands in the audit log with the user.
void AuditRestrictedRead(App& app, const RequestContext& ctx, const Artifact& a,
                         std::string_view what) {
  if (!core::CanSeeRestricted(ctx.principal.role)) return;
  if (a.visibility != core::Visibility::kRestricted && a.restricted.empty()) return;
  (void)app.archive.records().AppendAudit(ctx.principal.user, "artifact.read_restricted", a.id,
                                          what);
}

Reply RecordReply(int status, const Artifact& a, const core::Principal& p) {
  Reply r = JsonReply(status, core::ArtifactToJson(a, core::CanSeeRestricted(p.role)));
  r.headers.emplace_back("ETag", ETagFor(a.version));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Parses and checks a record body for a write by `p`.
Result<Artifact> RecordFromBody(RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, core::ArtifactFromJson(body));
  if (!core::CanSeeRestricted(ctx.principal.role) && body.contains("restricted") &&
      !body["restricted"].is_null() && !body["restricted"].empty()) {
    return Status::Forbidden("only investigators and admins may write restricted case data");
  }
  return a;
}

Result<Reply> Create(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, RecordFromBody(ctx));
  CUSTOS_RETURN_IF_ERROR(core::DeriveArtifactFields(a, DeriveContextFor(app, a.id)));
  CUSTOS_ASSIGN_OR_RETURN(Artifact stored,
                          app.archive.records().CreateArtifact(std::move(a), ctx.principal.user));
  app.Written();
  Reply r = RecordReply(201, stored, ctx.principal);
  r.headers.emplace_back("Location", "/api/v1/artifacts/" + stored.id);
  return r;
}

Result<Reply> Get(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, LoadVisibleArtifact(app, ctx, id));
  AuditRestrictedRead(app, ctx, a, "read");
  return RecordReply(200, a, ctx.principal);
}

Result<Reply> Update(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(int64_t expected, RequiredIfMatch(ctx));
  CUSTOS_ASSIGN_OR_RETURN(Artifact current, LoadVisibleArtifact(app, ctx, id));
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, RecordFromBody(ctx));
  if (!a.id.empty() && a.id != id) {
    return Status::InvalidArgument("id in the body does not match the URL", "id");
  }
  a.id = id;
  // A caller who cannot see case data cannot have sent it: keep what is there.
  if (!core::CanSeeRestricted(ctx.principal.role)) a.restricted = current.restricted;
  CUSTOS_RETURN_IF_ERROR(core::DeriveArtifactFields(a, DeriveContextFor(app, a.id)));
  CUSTOS_ASSIGN_OR_RETURN(Artifact stored,
                          app.archive.records().UpdateArtifact(std::move(a), expected,
                                                               ctx.principal.user));
  app.Written();
  return RecordReply(200, stored, ctx.principal);
}

Result<Reply> Delete(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  const std::string& id = ctx.path_params.at("id");
  std::optional<int64_t> expected;
  if (ctx.request.has("If-Match")) {
    CUSTOS_ASSIGN_OR_RETURN(int64_t v, RequiredIfMatch(ctx));
    expected = v;
  }
  CUSTOS_ASSIGN_OR_RETURN(Artifact current, LoadVisibleArtifact(app, ctx, id));
  CUSTOS_ASSIGN_OR_RETURN(int64_t version,
                          app.archive.records().DeleteArtifact(id, expected, ctx.principal.user));
  app.Written();
  return JsonReply(200, {{"id", id}, {"version", version}, {"deleted", true}});
}

Result<Reply> History(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(auto revisions, app.archive.records().History(id));
  const Artifact& last = revisions.back().record;
  bool deleted = revisions.back().op == "delete";
  // A deleted record's history is for the people who keep the archive.
  bool staff = core::CanWriteRecords(ctx.principal.role) ||
               core::CanSeeRestricted(ctx.principal.role);
  if (!MaySee(ctx.principal, last) || (deleted && !staff)) return NotFound(id);
  bool full = core::CanSeeRestricted(ctx.principal.role);
  json out = json::array();
  for (const auto& rev : revisions) {
    out.push_back({{"version", rev.version},
                   {"op", rev.op},
                   {"actor", rev.actor},
                   {"time", rev.time},
                   {"record", core::ArtifactToJson(rev.record, full)}});
  }
  AuditRestrictedRead(app, ctx, last, "history");
  return JsonReply(200, {{"id", id}, {"deleted", deleted}, {"revisions", out}});
}

// GET /api/v1/artifacts/{id}/provenance: periods with their four bounds,
// footnotes, warnings and flags, and the span a timeline should draw.
Result<Reply> Provenance(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, LoadVisibleArtifact(app, ctx, ctx.path_params.at("id")));
  std::string first, last;
  for (const auto& p : a.provenance) {
    for (const char* k : {"begin_of_the_begin", "end_of_the_begin", "begin_of_the_end",
                          "end_of_the_end"}) {
      if (!p.contains(k) || !p[k].is_string()) continue;
      std::string d = p[k];
      if (first.empty() || d < first) first = d;
      if (last.empty() || d > last) last = d;
    }
  }
  json span = {{"from", first.empty() ? json() : json(first)},
               {"to", last.empty() ? json() : json(last)}};
  return JsonReply(200, {{"id", a.id},
                         {"provenance_text", a.provenance_text},
                         {"periods", a.provenance},
                         {"footnotes", a.provenance_footnotes},
                         {"warnings", a.provenance_warnings},
                         {"flags", a.flags},
                         {"span", span}});
}

// POST /api/v1/provenance/parse {"text", optional context fields}: the
// editor's live preview; nothing is saved.
Result<Reply> ParseProvenanceText(App&, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
  static const std::set<std::string> kKnown = {"text", "object_type", "country_of_origin",
                                               "date"};
  for (const auto& [k, _] : body.items()) {
    if (!kKnown.contains(k)) return Status::InvalidArgument(k + " is not a known field", k);
  }
  json record = body;
  record.erase("text");
  record["title"] = "preview";
  if (!record.contains("object_type")) record["object_type"] = "object";
  record["provenance_text"] = body.value("text", json(""));
  if (!record["provenance_text"].is_string()) {
    return Status::InvalidArgument("text must be a string", "text");
  }
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, core::ArtifactFromJson(record));
  CUSTOS_RETURN_IF_ERROR(core::DeriveArtifactFields(a));
  return JsonReply(200, {{"periods", a.provenance},
                         {"footnotes", a.provenance_footnotes},
                         {"warnings", a.provenance_warnings},
                         {"flags", a.flags},
                         {"text", a.provenance_text}});
}

// GET /api/v1/artifacts/{id}/lido: the record as LIDO 1.1 XML (public
// fields only; the writer never emits case data).
Result<Reply> Lido(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, LoadVisibleArtifact(app, ctx, ctx.path_params.at("id")));
  CUSTOS_ASSIGN_OR_RETURN(std::string xml, archive::ArtifactToLidoXml(a));
  Reply r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = std::move(xml);
  return r;
}

Result<Reply> List(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(int64_t page, IntParam(ctx, "page", 1, 1, 1000000));
  CUSTOS_ASSIGN_OR_RETURN(int64_t per_page, IntParam(ctx, "per_page", 20, 1, 100));
  bool full = core::CanSeeRestricted(ctx.principal.role);
  CUSTOS_ASSIGN_OR_RETURN(auto result, app.archive.records().ListArtifacts(
                                           (page - 1) * per_page, static_cast<int>(per_page), full));
  json items = json::array();
  bool restricted_seen = false;
  for (const auto& a : result.items) {
    items.push_back(core::ArtifactToJson(a, full));
    restricted_seen |= a.visibility == core::Visibility::kRestricted || !a.restricted.empty();
  }
  if (full && restricted_seen) {
    (void)app.archive.records().AppendAudit(ctx.principal.user, "artifact.list_restricted", "",
                                            "page " + std::to_string(page));
  }
  return JsonReply(200, {{"total", result.total},
                         {"page", page},
                         {"per_page", per_page},
                         {"results", items}});
}

}  // namespace

void AddArtifactRoutes(Router& router, App& app) {
  auto bind = [&app](Result<Reply> (*fn)(App&, RequestContext&)) {
    return [&app, fn](RequestContext& ctx) { return fn(app, ctx); };
  };
  router.Add("GET", "/api/v1/artifacts", bind(List));
  router.Add("POST", "/api/v1/artifacts", bind(Create));
  router.Add("GET", "/api/v1/artifacts/{id}", bind(Get));
  router.Add("PUT", "/api/v1/artifacts/{id}", bind(Update));
  router.Add("DELETE", "/api/v1/artifacts/{id}", bind(Delete));
  router.Add("GET", "/api/v1/artifacts/{id}/history", bind(History));
  router.Add("GET", "/api/v1/artifacts/{id}/provenance", bind(Provenance));
  router.Add("GET", "/api/v1/artifacts/{id}/lido", bind(Lido));
  router.Add("POST", "/api/v1/provenance/parse", bind(ParseProvenanceText));
}

}  // namespace custos::web
