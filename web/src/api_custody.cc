// Chain of custody and the transparency log:
//   POST|GET /api/v1/artifacts/{id}/custody, GET /api/v1/artifacts/{id}/bundle
//   GET /api/v1/log/checkpoint, /log/key, /log/proof/inclusion, /log/proof/consistency,
//   /log/entries/{index}
#include <set>

#include "app.h"
#include "custos/core/bundle.h"
#include "custos/core/canonical_json.h"
#include "custos/core/crypto.h"
#include "custos/core/encoding.h"
#include "custody_bundle.h"
#include "custos/archive/custody_bundle.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

Result<archive::CustodyLog*> Log(App& app) {
  if (!app.custody) return Status::Unavailable("the custody log is not open");
  return app.custody;
}

Result<std::string> StringField(const json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(std::string(name) + " is required", name);
    return std::string();
  }
  if (!it->is_string()) return Status::InvalidArgument(std::string(name) + " must be a string", name);
  return it->get<std::string>();
}

// `just_signed`: the entry comes straight from CustodyLog::Append, which
// signed it with the log's entry key a moment ago, so its signature is not
// checked again (a verification costs about three signatures, and the append
// path is the hot one). Stored entries are always verified.
json EntryJson(const archive::LoggedEntry& e, const archive::CustodyLog& log,
               bool just_signed = false) {
  auto j = core::CustodyEntryToJson(e.entry);
  const bool signature_ok = just_signed || core::OpenCustodyNote(e.note, log.keys().verifiers()).ok();
  return {{"log_index", e.log_index},
          {"entry", j.ok() ? *j : json()},
          {"note", e.note},
          {"signature_valid", signature_ok},
          {"included_in_checkpoint", e.log_index < log.size()},
          {"submitted_by", e.submitted_by},
          {"received_at", e.received_at}};
}

}  // namespace

Result<archive::LoggedEntry> AppendCustodyEntry(App& app, const RequestContext& ctx,
                                                const std::string& id, const json& body) {
  if (!ctx.principal.authenticated()) return Status::Unauthorized("sign in to add custody entries");
  if (!core::CanAppendCustody(ctx.principal.role)) {
    return Status::Forbidden("curators, investigators and admins add custody entries");
  }
  CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
  // Only a repatriation needs the record itself here. For the others the
  // log's committer checks that the record is live and visible to the
  // caller, for a whole batch of appends in one read (a read of the record
  // per request was a fifth of an append's cost).
  static const std::set<std::string> kKnown = {"event", "actor", "location", "time",
                                               "documents", "notes"};
  for (const auto& [k, _] : body.items()) {
    if (!kKnown.contains(k)) return Status::InvalidArgument(k + " is not a known field", k);
  }
  archive::CustodyAppend req;
  req.artifact_id = id;
  req.submitted_by = ctx.principal.user;
  req.may_see_restricted = core::CanSeeRestricted(ctx.principal.role);
  CUSTOS_ASSIGN_OR_RETURN(std::string event, StringField(body, "event", true));
  auto ev = core::ParseCustodyEvent(event);
  if (!ev) {
    return Status::InvalidArgument(
        "event must be one of seizure, intake, examination, storage, transfer, loan, release, "
        "repatriation, other",
        "event");
  }
  req.event = *ev;
  CUSTOS_ASSIGN_OR_RETURN(req.actor, StringField(body, "actor", true));
  CUSTOS_ASSIGN_OR_RETURN(req.location, StringField(body, "location", false));
  CUSTOS_ASSIGN_OR_RETURN(req.notes, StringField(body, "notes", false));
  CUSTOS_ASSIGN_OR_RETURN(req.time, StringField(body, "time", false));
  if (req.time.empty()) req.time = core::FormatRfc3339Millis(app.clock.NowMillis());
  if (auto it = body.find("documents"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Status::InvalidArgument("documents must be an array of SHA-256 hashes", "documents");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& d = (*it)[i];
      std::string field = "documents[" + std::to_string(i) + "]";
      std::string sha = d.is_string() ? d.get<std::string>()
                        : d.is_object() && d.contains("sha256") && d["sha256"].is_string()
                            ? d["sha256"].get<std::string>()
                            : "";
      if (sha.empty()) return Status::InvalidArgument(field + " must be a SHA-256 hash", field);
      auto media_type = DocumentMediaType(app, ctx, sha);
      if (!media_type.ok()) {
        if (media_type.status().code() != core::StatusCode::kNotFound) return media_type.status();
        return Status::InvalidArgument(field + ": no archived document " + sha +
                                           " (upload it first)",
                                       field);
      }
      req.documents.push_back({sha, *media_type});
    }
  }
  if (req.event == core::CustodyEvent::kRepatriation) {
    // The record itself is covered: its public canonical JSON, hashed now.
    CUSTOS_ASSIGN_OR_RETURN(core::Artifact artifact, LoadVisibleArtifact(app, ctx, id));
    CUSTOS_ASSIGN_OR_RETURN(std::string canonical, archive::PublicRecordJson(artifact));
    req.record_sha256 = core::Sha256Hex(canonical);
  }
  return log->Append(std::move(req));
}

namespace {

Result<Reply> Append(App& app, RequestContext& ctx) {
  if (!ctx.principal.authenticated()) return Status::Unauthorized("sign in to add custody entries");
  if (!core::CanAppendCustody(ctx.principal.role)) {
    return Status::Forbidden("curators, investigators and admins add custody entries");
  }
  CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(json body, ReadJsonBody(ctx));
  // AppendCustodyEntry loads the artifact (404 when the caller may not see it).
  CUSTOS_ASSIGN_OR_RETURN(auto logged, AppendCustodyEntry(app, ctx, id, body));
  Reply r = JsonReply(201, EntryJson(logged, *log, /*just_signed=*/true));
  r.headers.emplace_back("Location", "/api/v1/log/entries/" + std::to_string(logged.log_index));
  return r;
}

Result<Reply> List(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact artifact, LoadVisibleArtifact(app, ctx, id));
  CUSTOS_ASSIGN_OR_RETURN(auto entries, log->EntriesFor(id));
  json out = json::array();
  for (const auto& e : entries) out.push_back(EntryJson(e, *log));
  CUSTOS_ASSIGN_OR_RETURN(auto cp, log->LatestCheckpoint());
  return JsonReply(200, {{"artifact", id},
                         {"entries", out},
                         {"checkpoint_size", cp.size},
                         {"bundle", "/api/v1/artifacts/" + id + "/bundle"}});
}

Result<Reply> Bundle(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact artifact, LoadVisibleArtifact(app, ctx, id));
  const std::string want = ctx.QueryParam("documents");
  archive::BundleDocuments documents = archive::BundleDocuments::kNone;
  if (want == "1" || want == "true") {
    documents = core::CanSeeRestricted(ctx.principal.role) ? archive::BundleDocuments::kAll
                                                           : archive::BundleDocuments::kPublic;
  } else if (!want.empty() && want != "0" && want != "false") {
    return Status::InvalidArgument("documents must be 1 or 0", "documents");
  }
  CUSTOS_ASSIGN_OR_RETURN(std::string zip,
                          archive::BuildCustodyBundle(app.archive, *log, artifact, documents));
  Reply r;
  r.content_type = "application/zip";
  r.body = std::move(zip);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"custos-bundle-" + id + ".zip\"");
  return r;
}

Reply Text(std::string body) {
  Reply r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

json Base64List(const std::vector<std::string>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(core::Base64Encode(h));
  return out;
}

}  // namespace

void AddCustodyRoutes(Router& router, App& app) {
  router.Add("POST", "/api/v1/artifacts/{id}/custody",
             [&app](RequestContext& c) { return Append(app, c); });
  router.Add("GET", "/api/v1/artifacts/{id}/custody",
             [&app](RequestContext& c) { return List(app, c); });
  router.Add("GET", "/api/v1/artifacts/{id}/bundle",
             [&app](RequestContext& c) { return Bundle(app, c); });
  router.Add("GET", "/api/v1/log/checkpoint", [&app](RequestContext&) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
    CUSTOS_ASSIGN_OR_RETURN(auto cp, log->LatestCheckpoint());
    return Text(cp.note);
  });
  router.Add("GET", "/api/v1/log/key", [&app](RequestContext&) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
    return Text(log->keys().active_vkey() + "\n");
  });
  router.Add("GET", "/api/v1/log/keys", [&app](RequestContext&) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
    json keys = json::array();
    for (const auto& v : log->keys().verifiers()) keys.push_back(v.ToString());
    return JsonReply(200, {{"origin", log->keys().origin()},
                           {"active", log->keys().active_vkey()},
                           {"all", keys}});
  });
  router.Add("GET", "/api/v1/log/proof/inclusion", [&app](RequestContext& c) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
    const int64_t max = static_cast<int64_t>(log->size());
    CUSTOS_ASSIGN_OR_RETURN(int64_t size, IntParam(c, "size", max, 1, std::max<int64_t>(max, 1)));
    CUSTOS_ASSIGN_OR_RETURN(int64_t index, IntParam(c, "index", -1, 0, size - 1));
    if (index < 0) return Status::InvalidArgument("index is required", "index");
    CUSTOS_ASSIGN_OR_RETURN(auto proof, log->InclusionProof(index, size));
    CUSTOS_ASSIGN_OR_RETURN(auto entry, log->Entry(index));
    return JsonReply(200, {{"index", index},
                           {"size", size},
                           {"leaf_hash", core::Base64Encode(core::Sha256(std::string(1, '\0') +
                                                                         entry.note))},
                           {"hashes", Base64List(proof)}});
  });
  router.Add("GET", "/api/v1/log/proof/consistency", [&app](RequestContext& c) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
    const int64_t max = std::max<int64_t>(static_cast<int64_t>(log->size()), 1);
    CUSTOS_ASSIGN_OR_RETURN(int64_t to, IntParam(c, "to", max, 1, max));
    CUSTOS_ASSIGN_OR_RETURN(int64_t from, IntParam(c, "from", -1, 1, to));
    if (from < 0) return Status::InvalidArgument("from is required", "from");
    CUSTOS_ASSIGN_OR_RETURN(auto proof, log->ConsistencyProof(from, to));
    return JsonReply(200, {{"from", from}, {"to", to}, {"hashes", Base64List(proof)}});
  });
  router.Add("GET", "/api/v1/log/entries/{index}", [&app](RequestContext& c) -> Result<Reply> {
    CUSTOS_ASSIGN_OR_RETURN(auto* log, Log(app));
    RequestContext probe = c;
    probe.query = {{"index", c.path_params.at("index")}};
    CUSTOS_ASSIGN_OR_RETURN(int64_t index, IntParam(probe, "index", -1, 0, INT64_MAX));
    CUSTOS_ASSIGN_OR_RETURN(auto entry, log->Entry(static_cast<uint64_t>(index)));
    // Entries of a record the caller may not see are not shown (the leaf
    // hash, in proofs and checkpoints, reveals nothing).
    auto artifact = app.archive.records().GetArtifact(entry.entry.artifact);
    if (artifact.ok() && !MaySee(c.principal, *artifact)) {
      return Status::NotFound("no log entry " + std::to_string(index));
    }
    if (c.QueryParam("format") == "note") return Text(entry.note);
    return JsonReply(200, EntryJson(entry, *log));
  });
}

}  // namespace custos::web
