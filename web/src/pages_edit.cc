// Curator forms, all plain POST forms that work without JavaScript:
//   GET|POST /artifacts/new, GET|POST /artifacts/{id}/edit
//   POST /artifacts/{id}/documents (multipart upload from the artifact page)
//   GET|POST /artifacts/{id}/custody (add a custody entry)
// Every POST carries the session's CSRF token in the `csrf` field. Invalid
// input re-renders the form with the user's input and a message next to each
// field (the field names of core::ArtifactFromJson's errors). An edit sends
// the version it started from; when someone else saved first, the form comes
// back with the input intact and a message saying so.
#include <Poco/String.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "custody_bundle.h"
#include "custos/archive/document_store.h"
#include "custos/core/artifact.h"
#include "custos/core/artifact_derive.h"
#include "custos/core/custody.h"
#include "document_access.h"
#include "pages.h"

namespace custos::web {

using core::Artifact;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

// Field name -> message, for the messages shown next to the fields.
using FieldErrors = std::map<std::string, std::string>;

// Text fields of the form that map 1:1 onto record fields.
constexpr const char* kTextFields[] = {
    "title",       "object_type",    "measurements", "inscriptions",      "distinguishing_features",
    "subject",     "maker",          "culture",      "country_of_origin", "find_spot",
    "description", "provenance_text"};

// "country_of_origin must be ..." -> "Country of origin must be ...".
std::string Sentence(std::string message) {
  size_t end = message.find(' ');
  if (end == std::string::npos) end = message.size();
  for (size_t i = 0; i < end; ++i) {
    if (message[i] == '_' || message[i] == '.') message[i] = ' ';
  }
  if (!message.empty() && message[0] >= 'a' && message[0] <= 'z') message[0] -= 'a' - 'A';
  if (!message.empty() && message.back() != '.') message += '.';
  return message;
}

// The form field that shows an error about record field `field`
// ("date.earliest" -> "date", "identifiers[2].value" -> "identifiers").
std::string FormFieldOf(const std::string& field) {
  std::string top = field.substr(0, field.find_first_of(".["));
  if (top == "provenance") return "provenance_text";
  return top;
}

std::vector<std::string> SplitItems(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t start = 0;
    while (start <= line.size()) {
      size_t end = line.find(',', start);
      if (end == std::string::npos) end = line.size();
      std::string s = Poco::trim(line.substr(start, end - start));
      if (!s.empty()) out.push_back(s);
      start = end + 1;
    }
  }
  return out;
}

std::string JoinItems(const json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (v.is_string()) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  }
  return out;
}

// The form's values, as strings, for re-showing them.
using FormValues = std::map<std::string, std::string>;

FormValues ValuesFromRecord(const json& r, bool with_restricted) {
  FormValues v;
  for (const char* k : kTextFields) v[k] = r.value(k, "");
  v["status"] = r.value("status", "in_collection");
  v["visibility"] = r.value("visibility", "public");
  v["materials"] = JoinItems(r.value("materials", json::array()));
  v["techniques"] = JoinItems(r.value("techniques", json::array()));
  if (r.contains("date") && r["date"].is_object()) {
    const json& d = r["date"];
    v["date_display"] = d.value("display", "");
    if (d.contains("earliest") && d["earliest"].is_number())
      v["date_earliest"] = d["earliest"].dump();
    if (d.contains("latest") && d["latest"].is_number()) v["date_latest"] = d["latest"].dump();
  }
  std::string ids;
  for (const auto& i : r.value("identifiers", json::array())) {
    ids += i.value("type", "") + ": " + i.value("value", "") + "\n";
  }
  v["identifiers"] = ids;
  if (with_restricted && r.contains("restricted") && r["restricted"].is_object() &&
      !r["restricted"].empty()) {
    v["restricted"] = r["restricted"].dump(2);
  }
  return v;
}

FormValues ValuesFromForm(const Poco::Net::HTMLForm& form) {
  FormValues v;
  for (const char* k : kTextFields) v[k] = form.get(k, "");
  for (const char* k : {"status", "visibility", "materials", "techniques", "date_display",
                        "date_earliest", "date_latest", "identifiers", "restricted"}) {
    v[k] = form.get(k, "");
  }
  return v;
}

std::string Get(const FormValues& v, const std::string& k) {
  auto it = v.find(k);
  return it == v.end() ? "" : it->second;
}

std::optional<int> ParseYear(const std::string& s, bool& bad) {
  std::string t = Poco::trim(s);
  if (t.empty()) return std::nullopt;
  int year = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), year);
  if (ec != std::errc() || ptr != t.data() + t.size()) {
    bad = true;
    return std::nullopt;
  }
  return year;
}

// Applies the form's values onto `record` (the current record for an edit,
// {} for a new one). Problems the form itself can see (a year that is not a
// number, an identifier line without "type: value", case data that is not a
// JSON object) go into `errors`.
void ApplyForm(const FormValues& v, bool may_write_restricted, json& record, FieldErrors& errors) {
  for (const char* k : kTextFields) {
    std::string s = Get(v, k);
    if (std::string_view(k) != "provenance_text" && std::string_view(k) != "description" &&
        std::string_view(k) != "inscriptions" && std::string_view(k) != "distinguishing_features") {
      s = Poco::trim(s);
    }
    record[k] = s;
  }
  if (!record["country_of_origin"].get<std::string>().empty()) {
    record["country_of_origin"] = Poco::toUpper(record["country_of_origin"].get<std::string>());
  }
  record["status"] = Get(v, "status").empty() ? "in_collection" : Get(v, "status");
  record["visibility"] = Get(v, "visibility").empty() ? "public" : Get(v, "visibility");
  record["materials"] = SplitItems(Get(v, "materials"));
  record["techniques"] = SplitItems(Get(v, "techniques"));
  json date = json::object();
  std::string display = Poco::trim(Get(v, "date_display"));
  if (!display.empty()) date["display"] = display;
  bool bad_earliest = false, bad_latest = false;
  auto earliest = ParseYear(Get(v, "date_earliest"), bad_earliest);
  auto latest = ParseYear(Get(v, "date_latest"), bad_latest);
  if (bad_earliest || bad_latest) {
    errors["date"] = "Years must be whole numbers, negative for BCE (e.g. -500 for 500 BCE).";
  }
  if (earliest) date["earliest"] = *earliest;
  if (latest) date["latest"] = *latest;
  if (date.empty()) {
    record.erase("date");
  } else {
    record["date"] = date;
  }
  json ids = json::array();
  std::istringstream lines(Get(v, "identifiers"));
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    line = Poco::trim(line);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      errors["identifiers"] = "Line " + std::to_string(n) +
                              ": write each identifier as type: value, e.g. inventory_number: "
                              "AN1896.1908";
      continue;
    }
    ids.push_back({{"type", Poco::trim(line.substr(0, colon))},
                   {"value", Poco::trim(line.substr(colon + 1))}});
  }
  record["identifiers"] = ids;
  // The text is the source of the structured provenance: parse it afresh.
  record.erase("provenance");
  if (may_write_restricted) {
    std::string text = Poco::trim(Get(v, "restricted"));
    if (text.empty()) {
      record["restricted"] = json::object();
    } else {
      json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded() || !parsed.is_object()) {
        errors["restricted"] =
            "Case data must be a JSON object, e.g. {\"case_number\": \"R-2019/44\"}.";
      } else {
        record["restricted"] = parsed;
      }
    }
  }
}

// Runs the core validation, collecting one message per form field (core
// stops at the first problem: drop or patch that field and go on).
Result<Artifact> Validate(json record, FieldErrors& errors, const core::DeriveContext& context) {
  std::set<std::string> seen;
  for (int round = 0; round < 40; ++round) {
    auto a = core::ArtifactFromJson(record);
    if (a.ok()) {
      if (!errors.empty()) break;
      Status derived = core::DeriveArtifactFields(*a, context);
      if (derived.ok()) return a;
      errors[derived.field().empty() ? "provenance_text" : FormFieldOf(derived.field())] =
          Sentence(derived.message());
      break;
    }
    const Status& s = a.status();
    if (s.code() != core::StatusCode::kInvalidArgument || s.field().empty()) return s;
    std::string top = s.field().substr(0, s.field().find_first_of(".["));
    std::string shown = FormFieldOf(s.field());
    if (!errors.contains(shown)) errors[shown] = Sentence(s.message());
    if (!seen.insert(top).second) break;  // no progress
    // Required text gets a stand-in so that the other fields are checked.
    if (top == "title" || top == "object_type") {
      record[top] = "x";
    } else {
      record.erase(top);
    }
  }
  return Status::InvalidArgument("the form has errors");
}

json Options(const std::vector<std::string_view>& values, const std::string& selected) {
  json out = json::array();
  for (auto v : values) {
    out.push_back({{"value", std::string(v)},
                   {"label", Humanize(std::string(v))},
                   {"selected", v == selected}});
  }
  return out;
}

struct FormPage {
  bool is_new = true;
  std::string id;
  int64_t version = 0;
  FormValues values;
  FieldErrors errors;
  json conflict = false;  // {current_version, by, at, href, changed}
  std::string alert;      // a message for the whole form
};

Result<Reply> RenderForm(App& app, const RequestContext& ctx, const FormPage& f, int status) {
  const bool may_restrict = core::CanSeeRestricted(ctx.principal.role);
  json v = json::object(), e = json::object();
  for (const auto& [k, value] : f.values) v[k] = value;
  for (const char* k : kTextFields) {
    if (!v.contains(k)) v[k] = "";
  }
  json error_list = json::array();
  static const std::map<std::string, std::string> kLabels = {
      {"title", "Title"},
      {"object_type", "Type of object"},
      {"status", "Status"},
      {"visibility", "Visibility"},
      {"materials", "Materials"},
      {"techniques", "Techniques"},
      {"measurements", "Measurements"},
      {"inscriptions", "Inscriptions and markings"},
      {"distinguishing_features", "Distinguishing features"},
      {"subject", "Subject"},
      {"date", "Date or period"},
      {"maker", "Maker"},
      {"culture", "Culture"},
      {"country_of_origin", "Country of origin"},
      {"find_spot", "Find spot"},
      {"description", "Description"},
      {"identifiers", "Identifiers"},
      {"provenance_text", "Provenance"},
      {"restricted", "Case data"}};
  static const std::vector<std::string> kOrder = {"title",
                                                  "object_type",
                                                  "status",
                                                  "visibility",
                                                  "materials",
                                                  "techniques",
                                                  "measurements",
                                                  "inscriptions",
                                                  "distinguishing_features",
                                                  "subject",
                                                  "date",
                                                  "maker",
                                                  "culture",
                                                  "country_of_origin",
                                                  "find_spot",
                                                  "description",
                                                  "identifiers",
                                                  "provenance_text",
                                                  "restricted"};
  std::vector<std::pair<std::string, std::string>> ordered(f.errors.begin(), f.errors.end());
  auto rank = [&](const std::string& k) {
    return std::find(kOrder.begin(), kOrder.end(), k) - kOrder.begin();
  };
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  for (const auto& [k, msg] : ordered) {
    auto label = kLabels.find(k);
    if (label == kLabels.end()) {
      // A field the form does not show: the message goes on top.
      error_list.push_back({{"field", "title"}, {"label", Humanize(k)}, {"message", msg}});
      continue;
    }
    e[k] = msg;
    error_list.push_back(
        {{"field", k == "date" ? "date_display" : k}, {"label", label->second}, {"message", msg}});
  }
  json data = {{"title", f.is_new ? "New record" : "Edit " + Get(f.values, "title")},
               {"nav_new", f.is_new},
               {"is_new", f.is_new},
               {"id", f.id},
               {"version", f.version},
               {"action", f.is_new ? "/artifacts/new" : "/artifacts/" + UrlEncode(f.id) + "/edit"},
               {"cancel_href", f.is_new ? "/" : "/artifacts/" + UrlEncode(f.id)},
               {"v", v},
               {"e", e},
               {"errors", error_list},
               {"has_errors", !error_list.empty()},
               {"conflict", f.conflict},
               {"alert", f.alert.empty() ? json(false) : json(f.alert)},
               {"may_restrict", may_restrict},
               {"scripts", json::array({"/static/editor.js"})}};
  std::vector<std::string_view> statuses(core::AllArtifactStatuses().begin(),
                                         core::AllArtifactStatuses().end());
  data["statuses"] = Options(statuses, Get(f.values, "status"));
  data["visibilities"] = Options({"public", "restricted"}, Get(f.values, "visibility"));
  return HtmlPage(app, ctx, "artifact_edit", data, status);
}

// Guards shared by the form pages: anonymous users are sent to sign in.
std::optional<Reply> NeedWriter(const RequestContext& ctx, Status& denied) {
  if (!ctx.principal.authenticated()) return SignInFirst(ctx);
  denied = RequireWriter(ctx);
  return std::nullopt;
}

core::DeriveContext DeriveContextFor(App& app, const std::string& id) {
  core::DeriveContext c;
  if (id.empty()) return c;
  if (auto docs = app.archive.documents().ListForArtifact(id); docs.ok()) {
    for (const auto& d : *docs) {
      c.has_export_licence |= d.kind == archive::DocumentKind::kExportLicence;
    }
  }
  return c;
}

// ---- new ----------------------------------------------------------------------

Result<Reply> NewForm(App& app, RequestContext& ctx) {
  Status denied;
  if (auto r = NeedWriter(ctx, denied)) return *r;
  CUSTOS_RETURN_IF_ERROR(denied);
  FormPage f;
  f.values = {{"status", "in_collection"}, {"visibility", "public"}};
  return RenderForm(app, ctx, f, 200);
}

Result<Reply> NewSubmit(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, ReadForm(ctx));
  CUSTOS_RETURN_IF_ERROR(CheckCsrf(app, ctx, *form));
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  FormPage f;
  f.values = ValuesFromForm(*form);
  const bool may_restrict = core::CanSeeRestricted(ctx.principal.role);
  json record = json::object();
  ApplyForm(f.values, may_restrict, record, f.errors);
  auto a = Validate(record, f.errors, {});
  if (!a.ok()) {
    if (f.errors.empty()) return a.status();
    return RenderForm(app, ctx, f, 400);
  }
  CUSTOS_ASSIGN_OR_RETURN(Artifact stored, app.archive.records().CreateArtifact(
                                               std::move(a).value(), ctx.principal.user));
  app.Written();
  return Redirect("/artifacts/" + UrlEncode(stored.id) + "?saved=1");
}

// ---- edit ---------------------------------------------------------------------

Result<Reply> EditForm(App& app, RequestContext& ctx) {
  Status denied;
  if (auto r = NeedWriter(ctx, denied)) return *r;
  CUSTOS_RETURN_IF_ERROR(denied);
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, LoadVisibleArtifact(app, ctx, id));
  const bool full = core::CanSeeRestricted(ctx.principal.role);
  FormPage f;
  f.is_new = false;
  f.id = a.id;
  f.version = a.version;
  f.values = ValuesFromRecord(core::ArtifactToJson(a, full), full);
  return RenderForm(app, ctx, f, 200);
}

// Top-level fields that differ between two renderings of a record.
std::string ChangedFields(const json& before, const json& after) {
  std::string changed;
  for (const auto& [k, v] : after.items()) {
    if (k == "version" || k == "updated_at" || k == "updated_by" || k == "created_at" ||
        k == "flags" || k == "provenance" || k == "provenance_footnotes" ||
        k == "provenance_warnings") {
      continue;
    }
    if (!before.contains(k) || before[k] != v)
      changed += (changed.empty() ? "" : ", ") + Humanize(k);
  }
  return changed;
}

Result<Reply> EditSubmit(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, ReadForm(ctx));
  CUSTOS_RETURN_IF_ERROR(CheckCsrf(app, ctx, *form));
  CUSTOS_RETURN_IF_ERROR(RequireWriter(ctx));
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(Artifact current, LoadVisibleArtifact(app, ctx, id));
  const bool full = core::CanSeeRestricted(ctx.principal.role);
  FormPage f;
  f.is_new = false;
  f.id = current.id;
  f.values = ValuesFromForm(*form);
  int64_t base = 0;
  {
    std::string s = form->get("version", "");
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), base);
    if (ec != std::errc() || ptr != s.data() + s.size() || base < 1) {
      return Status::InvalidArgument("the form has no valid version; open the edit page again",
                                     "version");
    }
  }
  f.version = base;
  json record = core::ArtifactToJson(current, full);
  ApplyForm(f.values, full, record, f.errors);
  record["id"] = current.id;
  auto a = Validate(record, f.errors, DeriveContextFor(app, current.id));
  if (!a.ok()) {
    if (f.errors.empty()) return a.status();
    return RenderForm(app, ctx, f, 400);
  }
  Artifact next = std::move(a).value();
  next.id = current.id;
  // Who cannot see case data cannot have edited it: keep what is there.
  if (!full) next.restricted = current.restricted;
  auto stored = app.archive.records().UpdateArtifact(std::move(next), base, ctx.principal.user);
  if (!stored.ok() && stored.status().code() == core::StatusCode::kPreconditionFailed) {
    // Someone else saved first. Show who and what, keep the input, and let a
    // second save knowingly replace the current version.
    CUSTOS_ASSIGN_OR_RETURN(Artifact now, LoadVisibleArtifact(app, ctx, id));
    std::string changed;
    if (auto revs = app.archive.records().History(id); revs.ok()) {
      for (const auto& rev : *revs) {
        if (rev.version == base) {
          changed = ChangedFields(core::ArtifactToJson(rev.record, full),
                                  core::ArtifactToJson(now, full));
        }
      }
    }
    f.conflict = {{"base_version", base},
                  {"current_version", now.version},
                  {"by", now.updated_by},
                  {"at", now.updated_at},
                  {"changed", changed.empty() ? json(false) : json(changed)},
                  {"href", "/artifacts/" + UrlEncode(id)}};
    f.version = now.version;
    return RenderForm(app, ctx, f, 409);
  }
  if (!stored.ok()) return stored.status();
  app.Written();
  return Redirect("/artifacts/" + UrlEncode(id) + "?saved=" + std::to_string(stored->version));
}

// ---- documents ----------------------------------------------------------------

Result<Reply> UploadSubmit(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  UploadPrecheck csrf = [&app, &ctx](const Poco::Net::HTMLForm& form) {
    return CheckCsrf(app, ctx, form);
  };
  auto result = ReceiveDocumentUpload(app, ctx, id, csrf);
  if (!result.ok()) {
    const Status& s = result.status();
    if (s.code() == core::StatusCode::kInvalidArgument && s.field() == "file") {
      return Status::InvalidArgument("Choose a file to upload.", "file");
    }
    return s;
  }
  return Redirect("/artifacts/" + UrlEncode(id) + "?uploaded=" + result->document.metadata.sha256 +
                  "#h-docs");
}

// ---- custody ------------------------------------------------------------------

struct CustodyForm {
  std::map<std::string, std::string> values;
  std::set<std::string> documents;
  FieldErrors errors;
};

Result<Reply> RenderCustody(App& app, const RequestContext& ctx, const Artifact& a,
                            const CustodyForm& f, int status) {
  json v = json::object(), e = json::object();
  for (const char* k : {"event", "actor", "location", "time", "notes"}) {
    auto it = f.values.find(k);
    v[k] = it == f.values.end() ? "" : it->second;
  }
  json errors = json::array();
  for (const auto& [k, msg] : f.errors) {
    std::string field = k.rfind("documents", 0) == 0 ? "documents" : k;
    e[field] = msg;
    errors.push_back(
        {{"field", field == "documents" ? "custody-documents" : "c-" + field}, {"message", msg}});
  }
  json events = json::array();
  for (const char* ev : {"seizure", "intake", "examination", "storage", "transfer", "loan",
                         "release", "repatriation", "other"}) {
    events.push_back({{"value", ev}, {"label", Humanize(ev)}, {"selected", v["event"] == ev}});
  }
  json docs = json::array();
  const bool full = core::CanSeeRestricted(ctx.principal.role);
  if (auto list = app.archive.documents().ListForArtifact(a.id); list.ok()) {
    for (const auto& d : *list) {
      if (d.visibility == core::Visibility::kRestricted && !full) continue;
      docs.push_back({{"sha256", d.sha256},
                      {"short", d.sha256.substr(0, 12)},
                      {"label", Humanize(std::string(archive::ToString(d.kind))) +
                                    (d.date.empty() ? "" : ", " + d.date)},
                      {"filename", d.original_filename},
                      {"checked", f.documents.contains(d.sha256)}});
    }
  }
  json data = {{"title", "Add custody entry – " + a.title},
               {"id", a.id},
               {"name", a.title},
               {"href", "/artifacts/" + UrlEncode(a.id)},
               {"action", "/artifacts/" + UrlEncode(a.id) + "/custody"},
               {"v", v},
               {"e", e},
               {"errors", errors},
               {"has_errors", !errors.empty()},
               {"events", events},
               {"documents", docs},
               {"has_documents", !docs.empty()},
               {"available", app.custody != nullptr}};
  return HtmlPage(app, ctx, "custody_new", data, status);
}

Status NeedCustodyRole(const RequestContext& ctx) {
  if (!core::CanAppendCustody(ctx.principal.role)) {
    return Status::Forbidden("curators, investigators and admins add custody entries");
  }
  return Status::Ok();
}

Result<Reply> CustodyFormPage(App& app, RequestContext& ctx) {
  if (!ctx.principal.authenticated()) return SignInFirst(ctx);
  CUSTOS_RETURN_IF_ERROR(NeedCustodyRole(ctx));
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, LoadVisibleArtifact(app, ctx, ctx.path_params.at("id")));
  CustodyForm f;
  return RenderCustody(app, ctx, a, f, 200);
}

// "2024-05-01T10:30" (datetime-local, taken as UTC) -> "2024-05-01T10:30:00Z";
// anything else is passed on for the core to judge.
std::string TimeFromForm(std::string t) {
  t = Poco::trim(t);
  if (t.size() == 16 && t[10] == 'T') return t + ":00Z";
  if (t.size() == 19 && t[10] == 'T') return t + "Z";
  return t;
}

Result<Reply> CustodySubmit(App& app, RequestContext& ctx) {
  CUSTOS_ASSIGN_OR_RETURN(auto form, ReadForm(ctx));
  CUSTOS_RETURN_IF_ERROR(CheckCsrf(app, ctx, *form));
  CUSTOS_RETURN_IF_ERROR(NeedCustodyRole(ctx));
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(Artifact a, LoadVisibleArtifact(app, ctx, id));
  CustodyForm f;
  json body = json::object();
  for (const char* k : {"event", "actor", "location", "time", "notes"}) {
    std::string value = form->get(k, "");
    f.values[k] = value;
    std::string trimmed = Poco::trim(value);
    if (std::string_view(k) == "time") trimmed = TimeFromForm(trimmed);
    if (std::string_view(k) == "notes") trimmed = value;
    if (!trimmed.empty()) body[k] = trimmed;
  }
  if (!body.contains("actor")) f.errors["actor"] = "Say who holds or handled the object.";
  if (!body.contains("location")) f.errors["location"] = "Say where the object is or was.";
  if (body.contains("time") && !core::IsRfc3339UtcTime(body["time"].get<std::string>())) {
    f.errors["time"] = "Enter a valid date and time (UTC).";
  }
  json docs = json::array();
  for (const auto& [k, value] : *form) {
    if (k != "documents" || f.documents.contains(value)) continue;
    f.documents.insert(value);
    docs.push_back(value);
  }
  if (!docs.empty()) body["documents"] = docs;
  if (!f.errors.empty()) return RenderCustody(app, ctx, a, f, 400);
  auto logged = AppendCustodyEntry(app, ctx, id, body);
  if (!logged.ok()) {
    const Status& s = logged.status();
    if (s.code() != core::StatusCode::kInvalidArgument) return s;
    f.errors[s.field().empty() ? "event" : s.field()] = Sentence(s.message());
    return RenderCustody(app, ctx, a, f, 400);
  }
  return Redirect("/artifacts/" + UrlEncode(id) + "?custody=" + std::to_string(logged->entry.seq) +
                  "#h-custody");
}

}  // namespace

void AddEditPageRoutes(Router& router, App& app) {
  auto page = [&app](Result<Reply> (*fn)(App&, RequestContext&)) {
    return PageHandler(app, [&app, fn](RequestContext& ctx) { return fn(app, ctx); });
  };
  router.Add("GET", "/artifacts/new", page(NewForm));
  router.Add("POST", "/artifacts/new", page(NewSubmit));
  router.Add("GET", "/artifacts/{id}/edit", page(EditForm));
  router.Add("POST", "/artifacts/{id}/edit", page(EditSubmit));
  router.Add("POST", "/artifacts/{id}/documents", page(UploadSubmit));
  router.Add("GET", "/artifacts/{id}/custody", page(CustodyFormPage));
  router.Add("POST", "/artifacts/{id}/custody", page(CustodySubmit));
}

}  // namespace custos::web
