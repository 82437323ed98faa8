#include "custos/archive/document_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <array>
#include <unordered_map>

#include "custos/archive/media_type.h"
#include "custos/archive/ocr_languages.h"

namespace custos::archive {

using core::Result;
using core::Status;
using namespace Poco::Data::Keywords;

namespace {

constexpr size_t kMaxDescriptionBytes = 10000;
constexpr size_t kMaxFilenameBytes = 255;
constexpr size_t kMaxArtifactIdBytes = 200;

constexpr std::array<std::pair<DocumentKind, std::string_view>, 9> kKinds = {{
    {DocumentKind::kInvoice, "invoice"},
    {DocumentKind::kExportLicence, "export_licence"},
    {DocumentKind::kImportRecord, "import_record"},
    {DocumentKind::kCatalogue, "catalogue"},
    {DocumentKind::kPoliceReport, "police_report"},
    {DocumentKind::kCourtOrder, "court_order"},
    {DocumentKind::kCorrespondence, "correspondence"},
    {DocumentKind::kPhoto, "photo"},
    {DocumentKind::kOther, "other"},
}};

std::optional<ExtractionStatus> ParseExtractionStatus(std::string_view s) {
  for (auto st : {ExtractionStatus::kQueued, ExtractionStatus::kRunning, ExtractionStatus::kDone,
                  ExtractionStatus::kFailed}) {
    if (ToString(st) == s) return st;
  }
  return std::nullopt;
}

PageSource ParsePageSource(std::string_view s) {
  if (s == "text_layer") return PageSource::kTextLayer;
  if (s == "ocr") return PageSource::kOcr;
  return PageSource::kNone;
}

FixityOutcome ParseFixityOutcome(std::string_view s) {
  if (s == "pass") return FixityOutcome::kPass;
  if (s == "missing") return FixityOutcome::kMissing;
  return FixityOutcome::kFail;
}

// Length of the valid UTF-8 sequence at the start of `s`; 0 when invalid.
size_t Utf8SequenceLength(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xc2) return 0;                   // overlong
  if (n == 3 && c == 0xe0 && b(1) < 0xa0) return 0;   // overlong
  if (n == 3 && c == 0xed && b(1) >= 0xa0) return 0;  // surrogates
  if (n == 4 && (c > 0xf4 || (c == 0xf0 && b(1) < 0x90) || (c == 0xf4 && b(1) >= 0x90))) {
    return 0;
  }
  return n;
}

// A client's file name made safe to keep and show: the last path component,
// valid UTF-8 without control characters, at most 255 bytes. Never used as a
// path.
std::string SanitizeFilename(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  while (!name.empty()) {
    size_t n = Utf8SequenceLength(name);
    if (n == 0) {
      name.remove_prefix(1);
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(name[0]);
    if (!(n == 1 && (c < 0x20 || c == 0x7f))) {
      if (out.size() + n > kMaxFilenameBytes) break;
      out.append(name.substr(0, n));
    }
    name.remove_prefix(n);
  }
  if (out == "." || out == "..") out.clear();
  return out;
}

bool ValidUtf8(std::string_view s) {
  while (!s.empty()) {
    size_t n = Utf8SequenceLength(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "", "YYYY", "YYYY-MM", "YYYY-MM-DD".
bool ValidDocumentDate(std::string_view d) {
  if (d.empty()) return true;
  if (d.size() != 4 && d.size() != 7 && d.size() != 10) return false;
  if (!IsDigits(d.substr(0, 4))) return false;
  if (d.size() >= 7) {
    if (d[4] != '-' || !IsDigits(d.substr(5, 2))) return false;
    int month = std::stoi(std::string(d.substr(5, 2)));
    if (month < 1 || month > 12) return false;
  }
  if (d.size() == 10) {
    if (d[7] != '-' || !IsDigits(d.substr(8, 2))) return false;
    int day = std::stoi(std::string(d.substr(8, 2)));
    if (day < 1 || day > 31) return false;
  }
  return true;
}

Result<std::string> CheckSha(std::string_view sha256) {
  auto norm = core::NormalizeSha256Hex(sha256);
  if (!norm) return Status::InvalidArgument("not a SHA-256 (64 hex digits)", "sha256");
  return *norm;
}

// True when a live (not deleted) artifact `id` exists.
bool LiveArtifact(Poco::Data::Session& s, const std::string& id) {
  int n = 0;
  s << "SELECT count(*) FROM artifacts WHERE id = ? AND deleted = 0", bind(id), into(n), now;
  return n > 0;
}

// A change-feed row (op "update", current version) for each live artifact
// linked to `sha`, or just for `only_artifact` when given.
void WriteDocumentChanges(Poco::Data::Session& s, const std::string& sha, const std::string& time,
                          const std::string& only_artifact = {}) {
  if (!only_artifact.empty()) {
    s << "INSERT INTO changes (artifact_id, version, op, time) "
         "SELECT id, version, 'update', ? FROM artifacts WHERE id = ? AND deleted = 0",
        bind(time), bind(only_artifact), now;
    return;
  }
  s << "INSERT INTO changes (artifact_id, version, op, time) "
       "SELECT a.id, a.version, 'update', ? FROM artifacts a "
       "JOIN document_links l ON l.artifact_id = a.id WHERE l.sha256 = ? AND a.deleted = 0 "
       "ORDER BY a.id",
      bind(time), bind(sha), now;
}

void Audit(Poco::Data::Session& s, const std::string& time, const std::string& actor,
           const std::string& action, const std::string& target, const std::string& detail) {
  s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)", bind(time),
      bind(actor), bind(action), bind(target), bind(detail), now;
}

// Reads the documents rows (table alias `d`) that `from_where` selects
// ("FROM documents d ..." with at most one '?', bound to `arg` when it is
// not empty), in `order`.
Result<std::vector<DocumentMetadata>> SelectMetadata(Poco::Data::Session& s,
                                                     const std::string& from_where,
                                                     const std::string& arg,
                                                     const std::string& order) {
  std::vector<std::string> sha, media, filename, kind, date, description, visibility, langs,
      created_at, created_by;
  std::vector<Poco::Int64> size;
  std::vector<int> pages;
  const std::string sql =
      "SELECT d.sha256, d.media_type, d.size, d.original_filename, d.kind, d.date, "
      "d.description, d.visibility, d.ocr_languages, d.page_count, d.created_at, d.created_by " +
      from_where + " " + order;
  Poco::Data::Statement st(s);
  st << sql, into(sha), into(media), into(size), into(filename), into(kind), into(date),
      into(description), into(visibility), into(langs), into(pages), into(created_at),
      into(created_by);
  if (!arg.empty()) st, bind(arg);
  st.execute();
  std::vector<DocumentMetadata> out;
  out.reserve(sha.size());
  for (size_t i = 0; i < sha.size(); ++i) {
    DocumentMetadata m;
    m.sha256 = sha[i];
    m.media_type = media[i];
    m.size = static_cast<uint64_t>(size[i]);
    m.original_filename = filename[i];
    auto k = ParseDocumentKind(kind[i]);
    if (!k) return Status::Corruption("document " + sha[i] + " has unknown kind " + kind[i]);
    m.kind = *k;
    m.date = date[i];
    m.description = description[i];
    auto v = core::ParseVisibility(visibility[i]);
    if (!v) return Status::Corruption("document " + sha[i] + " has unknown visibility");
    m.visibility = *v;
    m.ocr_languages = SplitOcrLanguages(langs[i]);
    m.page_count = pages[i];
    m.created_at = created_at[i];
    m.created_by = created_by[i];
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> CitingArtifacts(Poco::Data::Session& s, const std::string& sha) {
  std::vector<std::string> ids;
  s << "SELECT l.artifact_id FROM document_links l JOIN artifacts a ON a.id = l.artifact_id "
       "WHERE l.sha256 = ? AND a.deleted = 0 ORDER BY l.artifact_id",
      bind(sha), into(ids), now;
  return ids;
}

std::optional<FixityEvent> ReadLastFixity(Poco::Data::Session& s, const std::string& sha) {
  std::vector<Poco::Int64> id;
  std::vector<std::string> time, outcome, expected, actual, detail;
  s << "SELECT id, time, outcome, expected, actual, detail FROM fixity_events "
       "WHERE sha256 = ? ORDER BY id DESC LIMIT 1",
      bind(sha), into(id), into(time), into(outcome), into(expected), into(actual), into(detail),
      now;
  if (id.empty()) return std::nullopt;
  FixityEvent e;
  e.id = id[0];
  e.sha256 = sha;
  e.time = time[0];
  e.outcome = ParseFixityOutcome(outcome[0]);
  e.expected = expected[0];
  e.actual = actual[0];
  e.detail = detail[0];
  return e;
}

}  // namespace

std::string_view ToString(DocumentKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "other";
}

std::optional<DocumentKind> ParseDocumentKind(std::string_view s) {
  for (const auto& [k, name] : kKinds) {
    if (name == s) return k;
  }
  return std::nullopt;
}

const std::vector<DocumentKind>& AllDocumentKinds() {
  static const std::vector<DocumentKind> k = [] {
    std::vector<DocumentKind> v;
    for (const auto& [kind, name] : kKinds) v.push_back(kind);
    return v;
  }();
  return k;
}

std::string_view ToString(ExtractionStatus s) {
  switch (s) {
    case ExtractionStatus::kQueued:
      return "queued";
    case ExtractionStatus::kRunning:
      return "running";
    case ExtractionStatus::kDone:
      return "done";
    case ExtractionStatus::kFailed:
      return "failed";
  }
  return "failed";
}

std::string_view ToString(PageSource s) {
  switch (s) {
    case PageSource::kTextLayer:
      return "text_layer";
    case PageSource::kOcr:
      return "ocr";
    case PageSource::kNone:
      return "none";
  }
  return "none";
}

std::string_view ToString(FixityOutcome o) {
  switch (o) {
    case FixityOutcome::kPass:
      return "pass";
    case FixityOutcome::kFail:
      return "fail";
    case FixityOutcome::kMissing:
      return "missing";
  }
  return "fail";
}

DocumentStore::DocumentStore(std::shared_ptr<SqliteDatabase> db, core::BlobStore& blobs,
                             const core::Clock& clock, DocumentStoreOptions options)
    : db_(std::move(db)), blobs_(blobs), clock_(clock), options_(std::move(options)) {}

Result<NewDocument> DocumentStore::ValidateNewDocument(NewDocument meta) const {
  meta.original_filename = SanitizeFilename(meta.original_filename);
  if (!ValidDocumentDate(meta.date)) {
    return Status::InvalidArgument("date must be YYYY, YYYY-MM or YYYY-MM-DD", "date");
  }
  if (meta.description.size() > kMaxDescriptionBytes) {
    return Status::InvalidArgument("description is longer than 10000 bytes", "description");
  }
  if (!ValidUtf8(meta.description)) {
    return Status::InvalidArgument("description is not valid UTF-8", "description");
  }
  auto dir = FindTessdataDir(options_.tessdata_dir);
  if (!dir.ok()) {
    // Without language data, documents are still stored and their text
    // layers extracted; only a choice of OCR languages cannot be honoured.
    if (!meta.ocr_languages.empty()) {
      return Status::InvalidArgument("OCR is not available: " + dir.status().message(),
                                     "ocr_languages");
    }
    meta.ocr_languages = {std::string(kDefaultOcrLanguage)};
    return meta;
  }
  auto langs = ValidateOcrLanguages(meta.ocr_languages, *dir);
  if (!langs.ok()) return langs.status();
  meta.ocr_languages = std::move(langs).value();
  return meta;
}

Result<UploadResult> DocumentStore::Upload(std::istream& content, const NewDocument& meta_in,
                                           std::string_view artifact_id_sv,
                                           std::string_view actor_sv, uint64_t max_bytes) {
  const std::string artifact_id(artifact_id_sv), actor(actor_sv);
  if (max_bytes == 0) max_bytes = options_.max_upload_bytes;
  if (artifact_id.empty() || artifact_id.size() > kMaxArtifactIdBytes) {
    return Status::InvalidArgument("bad artifact id", "artifact_id");
  }
  CUSTOS_ASSIGN_OR_RETURN(NewDocument meta, ValidateNewDocument(meta_in));
  // Fail before reading a byte when the artifact is not there.
  bool exists = false;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) {
    exists = LiveArtifact(s, artifact_id);
    return Status::Ok();
  }));
  if (!exists) return Status::NotFound("no artifact " + artifact_id);

  // Stream into the blob store; the media type is decided by the first
  // kSniffBytes bytes before anything is committed.
  CUSTOS_ASSIGN_OR_RETURN(std::unique_ptr<core::BlobWriter> writer, blobs_.NewWriter(max_bytes));
  std::string head;
  std::optional<std::string_view> media_type;
  std::string buf(64 * 1024, '\0');
  while (content) {
    content.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<size_t>(content.gcount());
    if (got == 0) break;
    std::string_view chunk(buf.data(), got);
    if (!media_type) {
      head.append(chunk.substr(0, kSniffBytes - std::min(kSniffBytes, head.size())));
      if (head.size() >= kSniffBytes) {
        auto sniffed = SniffMediaType(head);
        if (!sniffed.ok()) return sniffed.status();  // the writer aborts itself
        media_type = *sniffed;
      }
    }
    CUSTOS_RETURN_IF_ERROR(writer->Write(chunk));
  }
  if (content.bad()) return Status::IOError("reading the upload failed");
  if (!media_type) {
    auto sniffed = SniffMediaType(head);  // short (or empty) file
    if (!sniffed.ok()) return sniffed.status();
    media_type = *sniffed;
  }
  CUSTOS_ASSIGN_OR_RETURN(core::BlobInfo blob, writer->Commit());

  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  UploadResult result;
  Status st = db_->Write([&](Poco::Data::Session& s) -> Status {
    if (!LiveArtifact(s, artifact_id)) return Status::NotFound("no artifact " + artifact_id);
    int known = 0;
    s << "SELECT count(*) FROM documents WHERE sha256 = ?", bind(blob.sha256), into(known), now;
    result.created = known == 0;
    if (result.created) {
      std::string media(*media_type), kind(ToString(meta.kind)),
          visibility(core::ToString(meta.visibility)), langs(JoinOcrLanguages(meta.ocr_languages));
      Poco::Int64 size = static_cast<Poco::Int64>(blob.size);
      s << "INSERT INTO documents (sha256, media_type, size, original_filename, kind, date, "
           "description, visibility, ocr_languages, page_count, created_at, created_by) "
           "VALUES (?,?,?,?,?,?,?,?,?,0,?,?)",
          bind(blob.sha256), bind(media), bind(size), bind(meta.original_filename), bind(kind),
          bind(meta.date), bind(meta.description), bind(visibility), bind(langs), bind(time),
          bind(actor), now;
      s << "INSERT INTO extraction_jobs (sha256, status, reason, attempts, queued_at, "
           "updated_at) VALUES (?, 'queued', '', 0, ?, ?)",
          bind(blob.sha256), bind(time), bind(time), now;
    }
    Poco::Data::Statement link =
        (s << "INSERT OR IGNORE INTO document_links (sha256, artifact_id, linked_at, linked_by) "
              "VALUES (?,?,?,?)",
         bind(blob.sha256), bind(artifact_id), bind(time), bind(actor));
    result.linked = link.execute() == 1;
    if (result.linked || result.created) {
      Audit(s, time, actor, result.created ? "document.upload" : "document.link", artifact_id,
            blob.sha256);
    }
    if (result.linked) WriteDocumentChanges(s, blob.sha256, time, artifact_id);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (result.created) NotifyQueued();
  auto doc = GetDocument(blob.sha256, /*include_pages=*/false);
  if (!doc.ok()) return doc.status();
  result.document = std::move(doc).value();
  return result;
}

Result<bool> DocumentStore::Link(std::string_view sha256, std::string_view artifact_id_sv,
                                 std::string_view actor_sv) {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  const std::string artifact_id(artifact_id_sv), actor(actor_sv);
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  bool added = false;
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Poco::Data::Session& s) -> Status {
    int known = 0;
    s << "SELECT count(*) FROM documents WHERE sha256 = ?", bind(sha), into(known), now;
    if (!known) return Status::NotFound("no document " + sha);
    if (!LiveArtifact(s, artifact_id)) return Status::NotFound("no artifact " + artifact_id);
    Poco::Data::Statement link =
        (s << "INSERT OR IGNORE INTO document_links (sha256, artifact_id, linked_at, linked_by) "
              "VALUES (?,?,?,?)",
         bind(sha), bind(artifact_id), bind(time), bind(actor));
    added = link.execute() == 1;
    if (added) {
      Audit(s, time, actor, "document.link", artifact_id, sha);
      WriteDocumentChanges(s, sha, time, artifact_id);
    }
    return Status::Ok();
  }));
  return added;
}

Status DocumentStore::Unlink(std::string_view sha256, std::string_view artifact_id_sv,
                             std::string_view actor_sv) {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  const std::string artifact_id(artifact_id_sv), actor(actor_sv);
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  return db_->Write([&](Poco::Data::Session& s) -> Status {
    Poco::Data::Statement del =
        (s << "DELETE FROM document_links WHERE sha256 = ? AND artifact_id = ?", bind(sha),
         bind(artifact_id));
    if (del.execute() != 1) {
      return Status::NotFound("document " + sha + " is not linked to " + artifact_id);
    }
    Audit(s, time, actor, "document.unlink", artifact_id, sha);
    WriteDocumentChanges(s, sha, time, artifact_id);
    return Status::Ok();
  });
}

Result<Document> DocumentStore::GetDocument(std::string_view sha256, bool include_pages) const {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  Document doc;
  bool found = false;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) -> Status {
    auto rows = SelectMetadata(s, "FROM documents d WHERE d.sha256 = ?", sha, "");
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    found = true;
    doc.metadata = std::move(rows->front());
    doc.artifact_ids = CitingArtifacts(s, sha);
    std::vector<std::string> status, reason, updated;
    std::vector<int> attempts;
    s << "SELECT status, reason, attempts, updated_at FROM extraction_jobs WHERE sha256 = ?",
        bind(sha), into(status), into(reason), into(attempts), into(updated), now;
    if (!status.empty()) {
      doc.extraction.status = ParseExtractionStatus(status[0]).value_or(ExtractionStatus::kFailed);
      doc.extraction.reason = reason[0];
      doc.extraction.attempts = attempts[0];
      doc.extraction.updated_at = updated[0];
    }
    if (include_pages) {
      std::vector<int> page;
      std::vector<std::string> source, text;
      s << "SELECT page, source, text FROM document_pages WHERE sha256 = ? ORDER BY page",
          bind(sha), into(page), into(source), into(text), now;
      for (size_t i = 0; i < page.size(); ++i) {
        doc.pages.push_back({page[i], ParsePageSource(source[i]), std::move(text[i])});
      }
    }
    doc.last_fixity = ReadLastFixity(s, sha);
    return Status::Ok();
  }));
  if (!found) return Status::NotFound("no document " + sha);
  return doc;
}

Result<std::vector<DocumentMetadata>> DocumentStore::ListForArtifact(
    std::string_view artifact_id) const {
  std::vector<DocumentMetadata> out;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) -> Status {
    auto rows = SelectMetadata(
        s, "FROM documents d JOIN document_links l ON l.sha256 = d.sha256 WHERE l.artifact_id = ?",
        std::string(artifact_id), "ORDER BY l.linked_at, d.sha256");
    if (!rows.ok()) return rows.status();
    out = std::move(rows).value();
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<DocumentMetadata>> DocumentStore::ListAll() const {
  std::vector<DocumentMetadata> out;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) -> Status {
    auto rows = SelectMetadata(s, "FROM documents d", "", "ORDER BY d.sha256");
    if (!rows.ok()) return rows.status();
    out = std::move(rows).value();
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<std::string>> DocumentStore::ArtifactsCiting(std::string_view sha256) const {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  std::vector<std::string> out;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) {
    out = CitingArtifacts(s, sha);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<core::DocumentText>> DocumentStore::TextForArtifact(
    std::string_view artifact_id) const {
  CUSTOS_ASSIGN_OR_RETURN(auto texts, TextForArtifacts({std::string(artifact_id)}));
  return std::move(texts.front());
}

Result<std::vector<std::vector<core::DocumentText>>> DocumentStore::TextForArtifacts(
    const std::vector<std::string>& artifact_ids) const {
  if (artifact_ids.empty()) return std::vector<std::vector<core::DocumentText>>();
  CUSTOS_ASSIGN_OR_RETURN(std::string list, JsonArrayParam(artifact_ids));
  std::unordered_map<std::string, std::vector<core::DocumentText>> by_id;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) {
    std::vector<std::string> artifact, sha, kind, visibility, text;
    std::vector<int> page;
    s << "SELECT l.artifact_id, d.sha256, d.kind, d.visibility, p.page, p.text "
         "FROM document_links l "
         "JOIN documents d ON d.sha256 = l.sha256 "
         "JOIN document_pages p ON p.sha256 = d.sha256 "
         "WHERE l.artifact_id IN (SELECT value FROM json_each(?)) AND p.text <> '' "
         "ORDER BY l.artifact_id, l.linked_at, d.sha256, p.page",
        bind(list), into(artifact), into(sha), into(kind), into(visibility), into(page), into(text),
        now;
    for (size_t i = 0; i < sha.size(); ++i) {
      core::DocumentText t;
      t.sha256 = std::move(sha[i]);
      t.kind = std::move(kind[i]);
      t.page = page[i];
      t.text = std::move(text[i]);
      t.restricted = visibility[i] != "public";
      by_id[artifact[i]].push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return InInputOrder<std::vector<core::DocumentText>>(artifact_ids, std::move(by_id));
}

Result<std::optional<ExtractionJob>> DocumentStore::ClaimNextJob() {
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  std::optional<ExtractionJob> job;
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Poco::Data::Session& s) -> Status {
    std::vector<std::string> sha, media, langs;
    std::vector<int> attempts;
    s << "SELECT j.sha256, d.media_type, d.ocr_languages, j.attempts FROM extraction_jobs j "
         "JOIN documents d ON d.sha256 = j.sha256 WHERE j.status = 'queued' "
         "ORDER BY j.queued_at, j.sha256 LIMIT 1",
        into(sha), into(media), into(langs), into(attempts), now;
    if (sha.empty()) return Status::Ok();
    s << "UPDATE extraction_jobs SET status = 'running', attempts = attempts + 1, "
         "updated_at = ? WHERE sha256 = ?",
        bind(time), bind(sha[0]), now;
    job = ExtractionJob{sha[0], media[0], SplitOcrLanguages(langs[0]), attempts[0] + 1};
    return Status::Ok();
  }));
  return job;
}

Status DocumentStore::CompleteJob(std::string_view sha256, const std::vector<DocumentPage>& pages,
                                  int page_count, std::string_view note) {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  const std::string reason(note);
  return db_->Write([&](Poco::Data::Session& s) -> Status {
    int known = 0;
    s << "SELECT count(*) FROM documents WHERE sha256 = ?", bind(sha), into(known), now;
    if (!known) return Status::NotFound("no document " + sha);
    s << "DELETE FROM document_pages WHERE sha256 = ?", bind(sha), now;
    for (const DocumentPage& p : pages) {
      std::string source(ToString(p.source));
      s << "INSERT INTO document_pages (sha256, page, source, text) VALUES (?,?,?,?)", bind(sha),
          bind(p.page), bind(source), bind(p.text), now;
    }
    s << "UPDATE documents SET page_count = ? WHERE sha256 = ?", bind(page_count), bind(sha), now;
    s << "UPDATE extraction_jobs SET status = 'done', reason = ?, updated_at = ? "
         "WHERE sha256 = ?",
        bind(reason), bind(time), bind(sha), now;
    WriteDocumentChanges(s, sha, time);
    return Status::Ok();
  });
}

Status DocumentStore::FailJob(std::string_view sha256, std::string_view reason_sv) {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  std::string reason(reason_sv.substr(0, 2000));
  return db_->Write([&](Poco::Data::Session& s) -> Status {
    s << "UPDATE extraction_jobs SET status = 'failed', reason = ?, updated_at = ? "
         "WHERE sha256 = ?",
        bind(reason), bind(time), bind(sha), now;
    return Status::Ok();
  });
}

Status DocumentStore::RequeueJob(std::string_view sha256, bool count_attempt) {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  const int undo = count_attempt ? 0 : 1;
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Poco::Data::Session& s) -> Status {
    s << "UPDATE extraction_jobs SET status = 'queued', updated_at = ?, "
         "attempts = max(0, attempts - ?) WHERE sha256 = ?",
        bind(time), bind(undo), bind(sha), now;
    return Status::Ok();
  }));
  NotifyQueued();
  return Status::Ok();
}

Result<int> DocumentStore::RequeueRunningJobs() {
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  int n = 0;
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Poco::Data::Session& s) -> Status {
    Poco::Data::Statement st = (s << "UPDATE extraction_jobs SET status = 'queued', updated_at = ? "
                                     "WHERE status = 'running'",
                                bind(time));
    n = static_cast<int>(st.execute());
    return Status::Ok();
  }));
  if (n > 0) NotifyQueued();
  return n;
}

Status DocumentStore::Reextract(std::string_view sha256,
                                std::optional<std::vector<std::string>> ocr_languages) {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  std::string langs;
  if (ocr_languages) {
    auto dir = FindTessdataDir(options_.tessdata_dir);
    if (!dir.ok()) return Status::InvalidArgument(dir.status().message(), "ocr_languages");
    CUSTOS_ASSIGN_OR_RETURN(auto valid, ValidateOcrLanguages(*ocr_languages, *dir));
    langs = JoinOcrLanguages(valid);
  }
  const std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Poco::Data::Session& s) -> Status {
    int known = 0;
    s << "SELECT count(*) FROM documents WHERE sha256 = ?", bind(sha), into(known), now;
    if (!known) return Status::NotFound("no document " + sha);
    if (!langs.empty()) {
      s << "UPDATE documents SET ocr_languages = ? WHERE sha256 = ?", bind(langs), bind(sha), now;
    }
    s << "INSERT INTO extraction_jobs (sha256, status, reason, attempts, queued_at, updated_at) "
         "VALUES (?, 'queued', '', 0, ?, ?) ON CONFLICT(sha256) DO UPDATE SET "
         "status = 'queued', reason = '', attempts = 0, queued_at = excluded.queued_at, "
         "updated_at = excluded.updated_at",
        bind(sha), bind(time), bind(time), now;
    return Status::Ok();
  }));
  NotifyQueued();
  return Status::Ok();
}

Result<int64_t> DocumentStore::CountJobs(ExtractionStatus status) const {
  std::string name(ToString(status));
  Poco::Int64 n = 0;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT count(*) FROM extraction_jobs WHERE status = ?", bind(name), into(n), now;
    return Status::Ok();
  }));
  return static_cast<int64_t>(n);
}

void DocumentStore::SetJobQueuedListener(std::function<void()> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

void DocumentStore::NotifyQueued() {
  std::function<void()> listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = listener_;
  }
  if (listener) listener();
}

Result<FixityEvent> DocumentStore::RecordFixity(FixityEvent e) {
  if (e.time.empty()) e.time = core::FormatRfc3339Millis(clock_.NowMillis());
  CUSTOS_RETURN_IF_ERROR(db_->Write([&](Poco::Data::Session& s) -> Status {
    std::string outcome(ToString(e.outcome));
    s << "INSERT INTO fixity_events (sha256, time, outcome, expected, actual, detail) "
         "VALUES (?,?,?,?,?,?)",
        bind(e.sha256), bind(e.time), bind(outcome), bind(e.expected), bind(e.actual),
        bind(e.detail), now;
    Poco::Int64 id = 0;
    s << "SELECT last_insert_rowid()", into(id), now;
    e.id = id;
    return Status::Ok();
  }));
  return e;
}

Result<std::optional<FixityEvent>> DocumentStore::LastFixity(std::string_view sha256) const {
  CUSTOS_ASSIGN_OR_RETURN(std::string sha, CheckSha(sha256));
  std::optional<FixityEvent> out;
  CUSTOS_RETURN_IF_ERROR(db_->Read([&](Poco::Data::Session& s) {
    out = ReadLastFixity(s, sha);
    return Status::Ok();
  }));
  return out;
}

}  // namespace custos::archive
