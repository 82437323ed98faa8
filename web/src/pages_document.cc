// GET /documents/{sha256}: a scanned document's page images beside the
// extracted text of each page, the words of `?q=` marked, the fixity status
// and links to the records it supports. Hidden documents are 404, exactly as
// in the JSON API (document_access.h decides).
#include "pages_document.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "custos/archive/document_store.h"
#include "document_access.h"
#include "pages.h"

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;

std::string EscapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

bool WordChar(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<std::string> HighlightTerms(std::string_view query) {
  std::vector<std::string> terms;
  size_t i = 0;
  while (i < query.size()) {
    // One whitespace-separated token; drop excluded words and field prefixes.
    while (i < query.size() && std::isspace(static_cast<unsigned char>(query[i]))) ++i;
    size_t j = i;
    while (j < query.size() && !std::isspace(static_cast<unsigned char>(query[j]))) ++j;
    std::string_view token = query.substr(i, j - i);
    i = j;
    if (token.empty() || token[0] == '-') continue;
    if (auto colon = token.find(':'); colon != std::string_view::npos)
      token = token.substr(colon + 1);
    // Split what is left into words (quotes, brackets and the like go).
    size_t k = 0;
    while (k < token.size()) {
      while (k < token.size() && !WordChar(static_cast<unsigned char>(token[k]))) ++k;
      size_t e = k;
      while (e < token.size() && WordChar(static_cast<unsigned char>(token[e]))) ++e;
      std::string word = Lower(token.substr(k, e - k));
      k = e;
      if (word.size() < 2 || word == "and" || word == "or" || word == "not" || word == "near") {
        continue;
      }
      if (std::find(terms.begin(), terms.end(), word) == terms.end()) terms.push_back(word);
    }
  }
  return terms;
}

std::string HighlightHtml(std::string_view text, const std::vector<std::string>& terms,
                          int* matches) {
  // Matching runs on the raw text and each piece is escaped on output, so an
  // entity can never be split or matched ("amp" in "&amp;").
  std::string lower = Lower(text);
  std::string out;
  size_t plain_from = 0, i = 0;
  int found = 0;
  while (i < text.size()) {
    bool word_start = i == 0 || !WordChar(static_cast<unsigned char>(text[i - 1]));
    if (!word_start || !WordChar(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && WordChar(static_cast<unsigned char>(text[end]))) ++end;
    // A word is marked when it starts with a term ("invoice" marks "invoices").
    bool hit = false;
    for (const auto& t : terms) hit |= lower.compare(i, t.size(), t) == 0 && t.size() <= end - i;
    if (hit) {
      out += EscapeHtml(text.substr(plain_from, i - plain_from));
      out += "<mark>" + EscapeHtml(text.substr(i, end - i)) + "</mark>";
      plain_from = end;
      ++found;
    }
    i = end;
  }
  out += EscapeHtml(text.substr(plain_from));
  if (matches) *matches = found;
  return out;
}

namespace {

constexpr int kMaxPagesShown = 300;

std::string SizeLabel(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof buf, "%.0f KB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return buf;
}

Result<Reply> DocumentPage(App& app, RequestContext& ctx) {
  const std::string& sha = ctx.path_params.at("sha256");
  CUSTOS_ASSIGN_OR_RETURN(archive::Document doc, LoadVisibleDocument(app, ctx, sha, true));
  const auto& m = doc.metadata;
  const bool full = core::CanSeeRestricted(ctx.principal.role);
  if (m.visibility == core::Visibility::kRestricted) {
    (void)app.archive.records().AppendAudit(ctx.principal.user, "document.read_restricted",
                                            m.sha256, "page");
  }
  const std::string q = ctx.QueryParam("q");
  const auto terms = HighlightTerms(q);
  std::string kind = Humanize(std::string(archive::ToString(m.kind)));
  json pages = json::array();
  int total_matches = 0;
  json first_match = false;
  const std::string base = "/api/v1/documents/" + m.sha256;
  const bool previewable =
      m.media_type == "application/pdf" || m.media_type.rfind("image/", 0) == 0;
  for (const auto& p : doc.pages) {
    if (p.page > kMaxPagesShown) break;
    int matches = 0;
    std::string html = HighlightHtml(p.text, terms, &matches);
    total_matches += matches;
    if (matches > 0 && first_match.is_boolean()) first_match = p.page;
    pages.push_back({{"page", p.page},
                     {"anchor", "page-" + std::to_string(p.page)},
                     {"image", previewable ? json(base + "/preview?page=" + std::to_string(p.page) +
                                                  "&size=page")
                                           : json(false)},
                     {"text_html", html},
                     {"has_text", !p.text.empty()},
                     {"source", Humanize(std::string(archive::ToString(p.source)))},
                     {"matches", matches},
                     {"has_matches", matches > 0}});
  }
  if (pages.empty() && previewable) {
    // Not extracted yet (or no pages): still show the first page's image.
    pages.push_back({{"page", 1},
                     {"anchor", "page-1"},
                     {"image", base + "/preview?page=1&size=page"},
                     {"text_html", ""},
                     {"has_text", false},
                     {"source", ""},
                     {"matches", 0},
                     {"has_matches", false}});
  }
  json artifacts = json::array();
  for (const auto& id : doc.artifact_ids) {
    auto a = app.archive.records().GetArtifact(id);
    if (!a.ok() || !MaySee(ctx.principal, *a)) continue;
    artifacts.push_back({{"id", id}, {"href", "/artifacts/" + UrlEncode(id)}, {"title", a->title}});
  }
  json fixity = false;
  if (doc.last_fixity) {
    const auto& f = *doc.last_fixity;
    std::string outcome(archive::ToString(f.outcome));
    fixity = {{"ok", f.outcome == archive::FixityOutcome::kPass},
              {"outcome", outcome == "pass"   ? "intact"
                          : outcome == "fail" ? "altered"
                                              : "missing"},
              {"time", f.time}};
  }
  std::string title = kind + (m.original_filename.empty() ? "" : " – " + m.original_filename);
  json data = {
      {"title", title},
      {"kind", kind},
      {"filename", m.original_filename},
      {"sha256", m.sha256},
      {"date", m.date},
      {"description", m.description},
      {"media_type", m.media_type},
      {"size", SizeLabel(m.size)},
      {"restricted", m.visibility == core::Visibility::kRestricted},
      {"created_at", m.created_at},
      {"created_by", full || core::CanWriteRecords(ctx.principal.role) ? m.created_by : ""},
      {"content_href", base + "/content"},
      {"q", q},
      {"searched", !terms.empty()},
      {"total_matches", total_matches},
      {"first_match", first_match.is_boolean() ? json(false) : json("#page-" + first_match.dump())},
      {"extraction", Humanize(std::string(archive::ToString(doc.extraction.status)))},
      {"extraction_done", doc.extraction.status == archive::ExtractionStatus::kDone},
      {"extraction_reason", doc.extraction.reason},
      {"pages", pages},
      {"page_count", m.page_count},
      {"has_page_count", m.page_count > 0},
      {"more_pages", m.page_count > kMaxPagesShown},
      {"max_pages", kMaxPagesShown},
      {"artifacts", artifacts},
      {"fixity", fixity}};
  return HtmlPage(app, ctx, "document", data);
}

}  // namespace

void AddDocumentPageRoutes(Router& router, App& app) {
  router.Add("GET", "/documents/{sha256}",
             PageHandler(app, [&app](RequestContext& ctx) { return DocumentPage(app, ctx); }));
}

}  // namespace custos::web
