// GET /artifacts/{id}: the record, its provenance timeline (server-rendered
// SVG), flags, documents, custody chain and revision history.
#include <cmath>
#include <cstdio>
#include <optional>

#include "custos/core/party.h"
#include "custos/archive/custody_log.h"
#include "custos/archive/log_keys.h"
#include "custos/core/artifact.h"
#include "custos/core/custody.h"
#include "custos/archive/document_store.h"
#include "pages.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

namespace {

// "1920-03-01" / "-0500-01-01" -> fractional year; nullopt if not a day.
std::optional<double> YearOf(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  int sign = 1;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    sign = s[i] == '-' ? -1 : 1;
    ++i;
  }
  int y = 0, m = 1, d = 1;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    y = y * 10 + (s[i++] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && s[i] == '-') std::sscanf(s.c_str() + i, "-%d-%d", &m, &d);
  return sign * y + (m - 1) / 12.0 + (d - 1) / 365.0;
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string YearLabel(double y) {
  long r = std::lround(std::floor(y));
  return r < 0 ? std::to_string(-r) + " BCE" : std::to_string(r);
}

// At most `max` characters (UTF-8 aware), with an ellipsis when cut.
std::string ShortLabel(const std::string& s, size_t max) {
  size_t chars = 0, i = 0;
  while (i < s.size()) {
    if (chars == max) return s.substr(0, i) + "…";
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  return s;
}

// The timeline as data for the template: bars, fuzzy ends, gaps, flags, axis.
json Timeline(const json& periods, const json& flags, int current_year) {
  struct Bar {
    std::optional<double> b0, b1, e0, e1;
    std::string label, dates;
  };
  std::vector<Bar> bars;
  double lo = 1e9, hi = -1e9;
  auto widen = [&](std::optional<double> v) {
    if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
  };
  for (const auto& p : periods) {
    Bar b{YearOf(p.value("begin_of_the_begin", json())), YearOf(p.value("end_of_the_begin", json())),
          YearOf(p.value("begin_of_the_end", json())), YearOf(p.value("end_of_the_end", json())),
          "", p.value("date_text", "")};
    std::string name = p.contains("party") ? p["party"].value("name", "") : "";
    std::string method = p.value("method_phrase", "");
    b.label = name.empty() ? (p.value("raw", "").substr(0, 60)) : name;
    if (!method.empty()) b.label += " (" + method + ")";
    widen(b.b0), widen(b.b1), widen(b.e0), widen(b.e1);
    bars.push_back(std::move(b));
  }
  for (const auto& f : flags) widen(YearOf(f.value("from", json()))), widen(YearOf(f.value("to", json())));
  if (bars.empty() || lo > hi) return false;
  if (hi - lo < 10) lo -= 5, hi += 5;
  double pad = (hi - lo) * 0.04;
  lo -= pad;
  hi = std::min<double>(hi + pad, current_year + 1);
  if (hi <= lo) hi = lo + 10;

  // Labels in a column on the left, bars on the time axis to their right,
  // so that no label ever covers a bar, a gap or another label.
  const double left = 230, width = 560, row = 26, top = 10;
  auto x = [&](double year) { return left + (year - lo) / (hi - lo) * width; };
  json rows = json::array();
  std::optional<double> prev_end = std::nullopt;
  std::string prev_label;
  json gaps = json::array();
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    // Missing bounds: an unknown begin starts at the axis, an unknown end runs on.
    double s0 = b.b0.value_or(b.b1.value_or(lo));
    double s1 = b.b1.value_or(b.b0.value_or(lo));
    double t0 = b.e0.value_or(b.e1.value_or(hi));
    double t1 = b.e1.value_or(b.e0.value_or(hi));
    if (!b.e0 && !b.e1) {
      // Unknown end: dated only at its start; it runs (pale) until the next
      // period begins, or to the end of the axis.
      std::optional<double> next;
      if (i + 1 < bars.size()) next = bars[i + 1].b0 ? bars[i + 1].b0 : bars[i + 1].b1;
      t0 = s1;
      t1 = std::max(s1, next.value_or(hi));
    }
    if (s1 > t0) std::swap(s1, t0);
    double y = top + i * row;
    json r = {{"y", Fmt(y)}, {"ty", Fmt(y + 15)}, {"label", b.label}, {"dates", b.dates}};
    r["fuzzy_begin"] = {{"x", Fmt(x(s0))}, {"w", Fmt(std::max(0.0, x(s1) - x(s0)))}};
    r["solid"] = {{"x", Fmt(x(s1))}, {"w", Fmt(std::max(1.5, x(t0) - x(s1)))}};
    r["fuzzy_end"] = {{"x", Fmt(x(t0))}, {"w", Fmt(std::max(0.0, x(t1) - x(t0)))}};
    r["open_begin"] = !b.b0 && !b.b1;
    r["open_end"] = !b.e0 && !b.e1;
    r["text_x"] = "4";
    r["short_label"] = ShortLabel(b.label, 34);
    // A dotted guide from the label column to where the bar starts.
    r["guide_x2"] = Fmt(std::max(left, std::min(x(s0), x(s1)) - 2));
    rows.push_back(std::move(r));
    // A gap: this period begins (at the earliest) after the previous one ended.
    if (prev_end && b.b0 && *b.b0 > *prev_end + 0.01) {
      gaps.push_back({{"x", Fmt(x(*prev_end))},
                      {"w", Fmt(x(*b.b0) - x(*prev_end))},
                      {"y", Fmt(y - row + 18)},
                      {"h", Fmt(row + 2)},
                      {"title", "Gap in provenance: " + YearLabel(*prev_end) + " to " +
                                    YearLabel(*b.b0) + " (after " + prev_label + ")"}});
    }
    if (b.e1 || b.e0) prev_end = b.e1 ? *b.e1 : *b.e0;
    else prev_end.reset();
    prev_label = b.label;
  }
  const double axis_y = top + bars.size() * row + 6;
  json flag_marks = json::array();
  for (const auto& f : flags) {
    auto f0 = YearOf(f.value("from", json()));
    auto f1 = YearOf(f.value("to", json()));
    if (!f0 && !f1) continue;
    double a = f0.value_or(lo), z = f1.value_or(hi);
    flag_marks.push_back({{"x", Fmt(x(a))},
                          {"w", Fmt(std::max(3.0, x(z) - x(a)))},
                          {"y", Fmt(axis_y - 4)},
                          {"title", f.value("rule", "") + ": " + f.value("message", "")}});
  }
  // Axis ticks at a round step.
  double span = hi - lo, step = 1;
  for (double s : {1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0}) {
    step = s;
    if (span / s <= 8) break;
  }
  json ticks = json::array();
  for (double t = std::ceil(lo / step) * step; t <= hi; t += step) {
    ticks.push_back({{"x", Fmt(x(t))}, {"label", YearLabel(t)}});
  }
  return {{"rows", rows},
          {"gaps", gaps},
          {"flags", flag_marks},
          {"ticks", ticks},
          {"axis_y", Fmt(axis_y)},
          {"tick_y", Fmt(axis_y + 16)},
          {"height", Fmt(axis_y + 24)},
          {"axis_x1", Fmt(left)},
          {"axis_x2", Fmt(left + width)},
          {"summary", "Timeline of " + std::to_string(bars.size()) + " provenance periods from " +
                          YearLabel(lo) + " to " + YearLabel(hi)}};
}

// Plain text for any JSON field value.
std::string Text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ", ") + Text(e);
    return out;
  }
  if (v.is_object()) {
    if (v.contains("display") && v["display"].is_string()) return v["display"];
    std::string out;
    for (const auto& [k, e] : v.items()) out += (out.empty() ? "" : "; ") + Humanize(k) + ": " + Text(e);
    return out;
  }
  return v.dump();
}

std::string FlagSpan(const json& f) {
  std::string from = Text(f.value("from", json())), to = Text(f.value("to", json()));
  if (from.empty() && to.empty()) return "";
  if (from.empty()) return "before " + to;
  if (to.empty()) return "from " + from;
  return from + " – " + to;
}

json Fields(const json& record, std::initializer_list<std::pair<const char*, const char*>> names) {
  json out = json::array();
  for (const auto& [key, label] : names) {
    if (!record.contains(key)) continue;
    std::string t = Text(record[key]);
    if (!t.empty()) out.push_back({{"label", label}, {"value", t}});
  }
  return out;
}

Result<Reply> ArtifactPage(App& app, RequestContext& ctx) {
  const std::string& id = ctx.path_params.at("id");
  CUSTOS_ASSIGN_OR_RETURN(core::Artifact a, LoadVisibleArtifact(app, ctx, id));
  const bool full = core::CanSeeRestricted(ctx.principal.role);
  if (full && (a.visibility == core::Visibility::kRestricted || !a.restricted.empty())) {
    (void)app.archive.records().AppendAudit(ctx.principal.user, "artifact.read_restricted", a.id,
                                            "page");
  }
  json r = core::ArtifactToJson(a, full);
  json data = {{"title", a.title}, {"id", a.id}, {"name", a.title}, {"version", a.version}};
  data["status"] = r.value("status", "");
  data["status_label"] = Humanize(r.value("status", ""));
  data["restricted_record"] = a.visibility == core::Visibility::kRestricted;
  data["object_id"] = Fields(r, {{"object_type", "Type of object"},
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
                                 {"find_spot", "Find spot"}});
  data["description"] = r.value("description", "");
  json ids = json::array();
  for (const auto& i : r.value("identifiers", json::array())) {
    ids.push_back({{"type", Humanize(i.value("type", ""))}, {"value", i.value("value", "")}});
  }
  data["identifiers"] = ids;
  data["provenance_text"] = r.value("provenance_text", "");
  json flags = json::array();
  for (const auto& f : r.value("flags", json::array())) {
    flags.push_back({{"rule", Humanize(f.value("rule", ""))},
                     {"message", f.value("message", "")},
                     {"span", FlagSpan(f)}});
  }
  data["flags"] = flags;
  json periods = json::array();
  for (const auto& p : r.value("provenance", json::array())) {
    const std::string party = p.contains("party") ? p["party"].value("name", "") : "";
    // Names link to their party (issue 9); "private collection" names nobody.
    const std::string party_href =
        core::IsAnonymousPartyName(party)
            ? ""
            : "/parties/by-name?name=" + UrlEncode(party) + "&artifact=" + UrlEncode(a.id);
    periods.push_back({{"party", party},
                       {"party_href", party_href},
                       {"method", p.value("method_phrase", "")},
                       {"date", p.value("date_text", "")},
                       {"place", p.value("place", "")},
                       {"certainty", p.value("certainty", "")},
                       {"raw", p.value("raw", "")}});
  }
  data["periods"] = periods;
  json footnotes = json::array();
  for (const auto& n : r.value("provenance_footnotes", json::array())) {
    footnotes.push_back({{"number", n.value("number", json(0))}, {"text", n.value("text", "")}});
  }
  data["footnotes"] = footnotes;
  // Current year for the timeline's open ends.
  int year = 1970 + static_cast<int>(app.clock.NowMillis() / 1000 / 31556952);
  data["timeline"] = Timeline(r.value("provenance", json::array()), r.value("flags", json::array()),
                              year);
  if (full && r.contains("restricted") && r["restricted"].is_object() && !r["restricted"].empty()) {
    json rows = json::array();
    for (const auto& [k, v] : r["restricted"].items()) {
      rows.push_back({{"label", Humanize(k)}, {"value", Text(v)}});
    }
    data["case_data"] = rows;
    data["has_case_data"] = true;
  } else {
    data["case_data"] = false;
    data["has_case_data"] = false;
  }
  // Documents: restricted ones only for the roles that may see them.
  json docs = json::array();
  if (auto list = app.archive.documents().ListForArtifact(a.id); list.ok()) {
    for (const auto& d : *list) {
      if (d.visibility == core::Visibility::kRestricted && !full) continue;
      docs.push_back({{"sha256", d.sha256},
                      {"href", "/documents/" + d.sha256},
                      {"thumb", "/api/v1/documents/" + d.sha256 + "/preview?page=1&size=thumb"},
                      {"kind", Humanize(std::string(archive::ToString(d.kind)))},
                      {"filename", d.original_filename},
                      {"date", d.date},
                      {"pages", d.page_count},
                      {"restricted", d.visibility == core::Visibility::kRestricted}});
    }
  }
  data["documents"] = docs;
  // Custody chain.
  json custody = json::array();
  if (app.custody) {
    if (auto entries = app.custody->EntriesFor(a.id); entries.ok()) {
      const auto& verifiers = app.custody->keys().verifiers();
      const uint64_t size = app.custody->size();
      for (const auto& e : *entries) {
        bool sig = core::OpenCustodyNote(e.note, verifiers).ok();
        custody.push_back({{"seq", e.entry.seq},
                           {"event", Humanize(std::string(core::CustodyEventName(e.entry.event)))},
                           {"actor", e.entry.actor},
                           {"location", e.entry.location},
                           {"time", e.entry.time},
                           {"notes", e.entry.notes},
                           {"log_index", e.log_index},
                           {"signature_ok", sig},
                           {"included", e.log_index < size}});
      }
    }
  }
  data["custody"] = custody;
  data["custody_available"] = app.custody != nullptr;
  data["bundle_href"] = "/api/v1/artifacts/" + UrlEncode(a.id) + "/bundle";
  data["may_append_custody"] = core::CanAppendCustody(ctx.principal.role) && app.custody;
  data["custody_form_href"] = "/artifacts/" + UrlEncode(a.id) + "/custody";
  data["may_edit"] = core::CanWriteRecords(ctx.principal.role);
  data["edit_href"] = "/artifacts/" + UrlEncode(a.id) + "/edit";
  data["upload_action"] = "/artifacts/" + UrlEncode(a.id) + "/documents";
  json kinds = json::array();
  for (auto k : archive::AllDocumentKinds()) {
    std::string name(archive::ToString(k));
    kinds.push_back({{"value", name}, {"label", Humanize(name)}});
  }
  data["document_kinds"] = kinds;
  if (data["may_edit"].get<bool>()) data["scripts"] = json::array({"/static/upload.js"});
  // What the last form did (after its redirect here).
  json notice = false;
  if (!ctx.QueryParam("saved").empty()) notice = "Saved.";
  if (!ctx.QueryParam("uploaded").empty()) {
    notice = "Document uploaded. Its text is extracted in the background; search finds it "
             "within a minute.";
  }
  if (!ctx.QueryParam("custody").empty()) notice = "Custody entry added and signed.";
  data["notice"] = notice;
  // Similar records, from the search index (same access filter as search).
  json similar = json::array();
  if (app.search) {
    if (auto hits = app.search->Similar(a.id, 5, full); hits.ok()) {
      for (const auto& h : *hits) {
        similar.push_back({{"href", "/artifacts/" + UrlEncode(h.id)},
                           {"title", h.title},
                           {"id", h.id},
                           {"status", h.status},
                           {"status_label", Humanize(h.status)},
                           {"object_type", h.object_type},
                           {"date", h.date_display},
                           {"restricted", h.restricted}});
      }
    }
  }
  data["similar"] = similar;
  // Revision history, newest first, with the top-level fields each changed.
  json history = json::array();
  if (auto revs = app.archive.records().History(a.id); revs.ok()) {
    json prev;
    for (const auto& rev : *revs) {
      json cur = core::ArtifactToJson(rev.record, full);
      std::string changed;
      if (prev.is_object()) {
        for (const auto& [k, v] : cur.items()) {
          if (k == "version" || k == "updated_at" || k == "created_at") continue;
          if (!prev.contains(k) || prev[k] != v) changed += (changed.empty() ? "" : ", ") + Humanize(k);
        }
      }
      history.insert(history.begin(), json{{"version", rev.version},
                                           {"op", rev.op},
                                           {"actor", rev.actor},
                                           {"time", rev.time},
                                           {"changed", changed}});
      prev = std::move(cur);
    }
  }
  data["history"] = history;
  for (const char* k : {"identifiers", "periods", "flags", "documents", "custody", "similar"}) {
    data[std::string("has_") + k] = !data[k].empty();
  }
  return HtmlPage(app, ctx, "artifact", data);
}

}  // namespace

void AddArtifactPageRoutes(Router& router, App& app) {
  router.Add("GET", "/artifacts/{id}",
             PageHandler(app, [&app](RequestContext& ctx) { return ArtifactPage(app, ctx); }));
}

}  // namespace custos::web
