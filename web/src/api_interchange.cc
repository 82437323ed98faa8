// Interchange endpoints (issue 8):
//   GET /api/v1/artifacts/{id}/dossier      BagIt 1.0 bag (zip)
//   GET /api/v1/artifacts/{id}/linked-art   Linked Art JSON-LD
//   GET /api/v1/artifacts.csv               every record the caller may see, as CSV
//   POST /api/v1/import[?dry_run=1]         JSON Lines, CSV or LIDO by Content-Type
// Access is as for the record itself: hidden records are 404, case data and
// restricted documents only for roles that may see restricted data (and those
// reads are audited).
#include <Poco/Net/MediaType.h>
#include <Poco/String.h>

#include <cctype>
#include <istream>
#include <sstream>

#include "app.h"
#include "custos/archive/csv_reader.h"
#include "custos/archive/csv_writer.h"
#include "custos/archive/dossier.h"
#include "custos/archive/importer.h"
#include "custos/archive/lido_reader.h"
#include "custos/archive/linked_art.h"
#include "interchange.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

std::string PublicBaseUrl(const App& app, const RequestContext& ctx) {
  if (!app.config.oai_base_url.empty()) {
    std::string base = app.config.oai_base_url;
    if (base.ends_with("/oai")) base.resize(base.size() - 4);
    return base;
  }
  std::string host = ctx.request.getHost();
  bool sane = !host.empty() && host.size() < 256;
  for (char c : host) {
    sane &= std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
            c == '[' || c == ']';
  }
  return "http://" + (sane ? host : std::string("localhost"));
}

namespace {

void AuditRestricted(App& app, const RequestContext& ctx, const core::Artifact& a,
                     std::string_view what) {
  if (!core::CanSeeRestricted(ctx.principal.role)) return;
  if (a.visibility != core::Visibility::kRestricted && a.restricted.empty()) return;
  (void)app.archive.records().AppendAudit(ctx.principal.user, "artifact.read_restricted", a.id,
                                          what);
}

Result<Reply> Dossier(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact a, LoadVisibleArtifact(app, ctx, id));
  archive::DossierOptions options;
  options.include_restricted = core::CanSeeRestricted(ctx.principal.role);
  options.bagging_date = core::FormatRfc3339Millis(app.clock.NowMillis()).substr(0, 10);
  CUSTOS_ASSIGN_OR_RETURN(auto files, archive::BuildDossier(app.archive, app.custody, a, options));
  CUSTOS_ASSIGN_OR_RETURN(std::string zip, archive::DossierZip(files, archive::DossierBaseName(a)));
  AuditRestricted(app, ctx, a, "dossier");
  Reply r;
  r.content_type = "application/zip";
  r.body = std::move(zip);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + archive::DossierBaseName(a) + ".zip\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<Reply> LinkedArt(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact a, LoadVisibleArtifact(app, ctx, id));
  json doc = archive::ArtifactToLinkedArt(
      a, PublicBaseUrl(app, ctx) + "/api/v1/artifacts/" + a.id + "/linked-art");
  Reply r = JsonReply(200, doc);
  r.content_type = "application/ld+json; profile=\"https://linked.art/ns/v1/linked-art.json\"";
  return r;
}

Result<Reply> CsvExport(App& app, RequestContext& ctx) {
  const bool full = core::CanSeeRestricted(ctx.principal.role);
  constexpr int kPage = 500;
  std::string out = archive::CsvHeaderRow();
  bool restricted_seen = false;
  for (int64_t offset = 0;; offset += kPage) {
    CUSTOS_ASSIGN_OR_RETURN(auto page, app.archive.records().ListArtifacts(offset, kPage, full));
    for (const auto& a : page.items) {
      out += archive::ArtifactToCsvRow(a);
      restricted_seen |= a.visibility == core::Visibility::kRestricted;
    }
    if (page.items.size() < static_cast<size_t>(kPage)) break;
  }
  if (full && restricted_seen) {
    (void)app.archive.records().AppendAudit(ctx.principal.user, "artifact.export_restricted", "",
                                            "csv");
  }
  Reply r;
  r.content_type = "text/csv; charset=utf-8; header=present";
  r.body = std::move(out);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"custos-artifacts.csv\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

enum class ImportFormat { kJsonLines, kCsv, kLido };

Result<ImportFormat> ImportFormatOf(const RequestContext& ctx) {
  const std::string type = ctx.request.getContentType();
  std::string base;
  try {
    Poco::Net::MediaType mt(type);
    base = Poco::toLower(mt.getType() + "/" + mt.getSubType());
  } catch (const Poco::Exception&) {
  }
  if (base == "application/x-ndjson" || base == "application/jsonl" ||
      base == "application/x-jsonlines" || base == "application/json-lines") {
    return ImportFormat::kJsonLines;
  }
  if (base == "text/csv") return ImportFormat::kCsv;
  if (base == "application/xml" || base == "text/xml" || base == "application/lido+xml") {
    return ImportFormat::kLido;
  }
  return Status(core::StatusCode::kUnsupportedMediaType,
                "send JSON Lines (application/x-ndjson), CSV (text/csv) or LIDO XML "
                "(application/xml)");
}

Result<std::string> ReadBody(RequestContext& ctx, uint64_t max) {
  auto& req = ctx.request;
  if (req.hasContentLength() && static_cast<uint64_t>(req.getContentLength64()) > max) {
    return Status::TooLarge("the import is larger than " + std::to_string(max >> 20) +
                            " MiB; split it or use custos import");
  }
  std::string body;
  std::istream& in = req.stream();
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    body.append(buf, static_cast<size_t>(in.gcount()));
    if (body.size() > max) {
      return Status::TooLarge("the import is larger than " + std::to_string(max >> 20) + " MiB");
    }
  }
  ctx.body_consumed = true;
  return body;
}

// One record as read, before the importer sees it.
struct Parsed {
  int64_t where;
  std::string id;
  Result<core::Artifact> artifact;
};

// Parses the whole body first, so that a malformed or hostile CSV or LIDO file
// imports nothing (400). JSON Lines are per line: a bad line is a per-record error.
Result<std::vector<Parsed>> ParseImport(ImportFormat format, const std::string& body) {
  std::vector<Parsed> out;
  if (format == ImportFormat::kCsv) {
    std::istringstream in(body);
    CUSTOS_RETURN_IF_ERROR(archive::ReadCsv(in, [&](archive::CsvRecord&& r) {
      out.push_back({r.row, r.id, std::move(r.artifact)});
      return Status::Ok();
    }));
    return out;
  }
  if (format == ImportFormat::kLido) {
    CUSTOS_RETURN_IF_ERROR(archive::ReadLidoMemory(body, [&](archive::LidoRecord&& r) {
      out.push_back({r.line, r.lido_rec_id, std::move(r.artifact)});
      return Status::Ok();
    }));
    return out;
  }
  std::istringstream in(body);
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      out.push_back({line_no, "", Status::InvalidArgument("malformed JSON")});
      continue;
    }
    std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"] : "";
    out.push_back({line_no, id, core::ArtifactFromJson(j)});
  }
  return out;
}

Result<Reply> Import(App& app, RequestContext& ctx) {
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  CUSTOS_ASSIGN_OR_RETURN(ImportFormat format, ImportFormatOf(ctx));
  const std::string dry = ctx.QueryParam("dry_run");
  if (!dry.empty() && dry != "0" && dry != "1" && dry != "true" && dry != "false") {
    return Status::InvalidArgument("dry_run must be 1 or 0", "dry_run");
  }
  const bool dry_run = dry == "1" || dry == "true";
  CUSTOS_ASSIGN_OR_RETURN(std::string body, ReadBody(ctx, app.config.max_upload));
  CUSTOS_ASSIGN_OR_RETURN(auto parsed, ParseImport(format, body));
  body.clear();
  archive::ImportPolicy policy;
  policy.actor = ctx.principal.user;
  policy.dry_run = dry_run;
  policy.may_see_restricted = core::CanSeeRestricted(ctx.principal.role);
  archive::RecordImporter importer(app.archive.records(), policy);
  for (auto& p : parsed) {
    CUSTOS_RETURN_IF_ERROR(importer.Add(p.where, p.id, std::move(p.artifact)));
  }
  CUSTOS_RETURN_IF_ERROR(importer.Finish());
  const auto& rep = importer.report();
  if (!dry_run && rep.created + rep.updated > 0) app.Written();
  const char* where = format == ImportFormat::kCsv ? "row" : "line";
  json errors = json::array();
  for (const auto& r : rep.rejections) {
    errors.push_back({{where, r.where}, {"id", r.id}, {"reason", r.reason}});
  }
  return JsonReply(200, {{"dry_run", dry_run},
                         {"read", rep.read},
                         {"created", rep.created},
                         {"updated", rep.updated},
                         {"unchanged", rep.unchanged},
                         {"rejected", rep.rejected},
                         {"errors", errors}});
}

}  // namespace

void AddInterchangeRoutes(Router& router, App& app) {
  auto bind = [&app](Result<Reply> (*fn)(App&, RequestContext&)) {
    return [&app, fn](RequestContext& ctx) { return fn(app, ctx); };
  };
  router.Add("GET", "/api/v1/artifacts/{id}/dossier", bind(Dossier));
  router.Add("GET", "/api/v1/artifacts/{id}/linked-art", bind(LinkedArt));
  router.Add("GET", "/api/v1/artifacts.csv", bind(CsvExport));
  router.Add("POST", "/api/v1/import", bind(Import));
}

}  // namespace custos::web
