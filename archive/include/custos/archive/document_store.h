// DocumentStore: the scanned documents that support provenance (invoices,
// export licences, police reports, ...): their metadata, their links to
// artifacts, their extracted text per page, the extraction job queue and the
// fixity-check history. The bytes live in a core::BlobStore under their
// SHA-256; the rows live in SQLite (schema migration 4):
//
//   documents        one row per distinct content (sha256 PK): media type
//                    (sniffed), size, original file name (metadata only),
//                    kind, date, description, visibility, OCR languages
//   document_links   (sha256, artifact_id): a document supports many artifacts
//   document_pages   (sha256, page, source text_layer|ocr|none, text)
//   extraction_jobs  one per document: queued|running|done|failed, reason,
//                    attempts; rows, so the queue survives restarts
//   fixity_events    PREMIS-style fixity checks: time, outcome, hashes
//
// Linking a document to an artifact, and finishing a document's extraction,
// write a change-feed row (op "update", the artifact's current version) for
// each affected artifact in the same transaction, so the search indexer
// re-indexes those artifacts with the documents' text.
//
// Thread-safe (all state is in SQLite and the blob store). Every call blocks
// on disk I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/archive/sqlite_database.h"
#include "custos/core/artifact.h"
#include "custos/core/blob_store.h"
#include "custos/core/clock.h"
#include "custos/core/search_index.h"
#include "custos/core/status.h"

namespace custos::archive {

enum class DocumentKind {
  kInvoice,
  kExportLicence,
  kImportRecord,
  kCatalogue,
  kPoliceReport,
  kCourtOrder,
  kCorrespondence,
  kPhoto,
  kOther,
};
// "invoice", "export_licence", "import_record", "catalogue", "police_report",
// "court_order", "correspondence", "photo", "other".
std::string_view ToString(DocumentKind kind);
std::optional<DocumentKind> ParseDocumentKind(std::string_view s);
// Every kind, in declaration order (for forms and validation messages).
const std::vector<DocumentKind>& AllDocumentKinds();

enum class ExtractionStatus { kQueued, kRunning, kDone, kFailed };
std::string_view ToString(ExtractionStatus s);  // "queued", "running", "done", "failed"

// Where a page's text came from. kNone: neither the text layer nor OCR gave
// any text (a blank page, a photo without words, a page over the OCR caps).
enum class PageSource { kTextLayer, kOcr, kNone };
std::string_view ToString(PageSource s);  // "text_layer", "ocr", "none"

enum class FixityOutcome { kPass, kFail, kMissing };
std::string_view ToString(FixityOutcome o);  // "pass", "fail", "missing"

// What the uploader says about a document. Everything is optional except
// `kind`.
struct NewDocument {
  DocumentKind kind = DocumentKind::kOther;
  std::string original_filename;  // kept as metadata only; never a path
  std::string date;               // "", "YYYY", "YYYY-MM" or "YYYY-MM-DD"
  std::string description;        // at most 10000 bytes
  core::Visibility visibility = core::Visibility::kPublic;
  std::vector<std::string> ocr_languages;  // tesseract codes; empty = {"eng"}
};

struct DocumentMetadata {
  std::string sha256;
  std::string media_type;  // sniffed from the content
  uint64_t size = 0;
  std::string original_filename;  // sanitised: a base name, no control characters
  DocumentKind kind = DocumentKind::kOther;
  std::string date;
  std::string description;
  core::Visibility visibility = core::Visibility::kPublic;
  std::vector<std::string> ocr_languages;
  int page_count = 0;  // known once extraction is done
  std::string created_at;
  std::string created_by;
};

struct DocumentPage {
  int page = 0;  // 1-based
  PageSource source = PageSource::kNone;
  std::string text;  // UTF-8
};

struct ExtractionState {
  ExtractionStatus status = ExtractionStatus::kQueued;
  // Why it failed; for a finished job, notes such as "pages after 2000 not
  // extracted". Safe to show to users (no paths, no internals).
  std::string reason;
  int attempts = 0;
  std::string updated_at;
};

struct FixityEvent {
  int64_t id = 0;
  std::string sha256;
  std::string time;  // RFC 3339
  FixityOutcome outcome = FixityOutcome::kPass;
  std::string expected;  // the address (the hash it must have)
  std::string actual;    // the hash found; empty when the blob is missing
  std::string detail;    // e.g. the I/O error when the blob could not be read
};

// Everything GET /api/v1/documents/{sha256} shows.
struct Document {
  DocumentMetadata metadata;
  std::vector<std::string> artifact_ids;  // linked artifacts (live ones), sorted
  std::vector<DocumentPage> pages;        // empty unless asked for
  ExtractionState extraction;
  std::optional<FixityEvent> last_fixity;
};

struct UploadResult {
  Document document;     // without pages
  bool created = false;  // false: these bytes were already a document
  bool linked = false;   // false: already linked to this artifact
};

// A job handed to the extraction worker by ClaimNextJob.
struct ExtractionJob {
  std::string sha256;
  std::string media_type;
  std::vector<std::string> ocr_languages;
  int attempts = 0;  // including this one
};

struct DocumentStoreOptions {
  uint64_t max_upload_bytes = core::kDefaultMaxBlobBytes;
  std::string tessdata_dir;  // empty: FindTessdataDir()
};

class DocumentStore {
 public:
  // `db`, `blobs` and `clock` must outlive the store.
  DocumentStore(std::shared_ptr<SqliteDatabase> db, core::BlobStore& blobs,
                const core::Clock& clock, DocumentStoreOptions options = {});

  const DocumentStoreOptions& options() const { return options_; }

  // Checks an upload's metadata before any bytes are read (kind is typed;
  // date, description length, OCR languages installed). Returns the
  // normalised metadata. InvalidArgument with the field name.
  core::Result<NewDocument> ValidateNewDocument(NewDocument meta) const;

  // Stores a document uploaded for `artifact_id`: validates `meta` and that
  // the artifact exists, streams `content` into the blob store (reads `in`
  // to EOF unless it fails early), recognises the media type by content,
  // records the document, links it to the artifact (audit + change-feed rows)
  // and queues its text extraction, in one transaction. Uploading bytes that
  // are already a document links the existing document (its metadata stays
  // as first given). Errors: InvalidArgument (bad metadata, empty file),
  // NotFound (no live artifact), UnsupportedMediaType, TooLarge (over
  // `max_bytes`; 0 means options().max_upload_bytes), IOError. On
  // UnsupportedMediaType, TooLarge and InvalidArgument nothing is left on
  // disk. Blocks while `content` is read.
  core::Result<UploadResult> Upload(std::istream& content, const NewDocument& meta,
                                    std::string_view artifact_id, std::string_view actor,
                                    uint64_t max_bytes = 0);

  // Links an existing document to an artifact (idempotent). Returns true when
  // a link was added. NotFound (document or live artifact), InvalidArgument.
  core::Result<bool> Link(std::string_view sha256, std::string_view artifact_id,
                          std::string_view actor);
  // Removes a link (the document and its blob stay). NotFound when not linked.
  core::Status Unlink(std::string_view sha256, std::string_view artifact_id,
                      std::string_view actor);

  // The document with its links, extraction state and last fixity check;
  // pages too when `include_pages`. `sha256` may be upper or lower case.
  // NotFound, InvalidArgument.
  core::Result<Document> GetDocument(std::string_view sha256, bool include_pages = true) const;
  // Metadata of the documents linked to `artifact_id`, oldest first.
  core::Result<std::vector<DocumentMetadata>> ListForArtifact(std::string_view artifact_id) const;
  // Metadata of every document, by sha256 (for fixity and export).
  core::Result<std::vector<DocumentMetadata>> ListAll() const;
  // The live artifacts that cite `sha256` through document_links, sorted.
  core::Result<std::vector<std::string>> ArtifactsCiting(std::string_view sha256) const;

  // Extracted text of every page of every document linked to `artifact_id`,
  // by document then page; pages without text are left out. Restricted
  // documents are included with restricted = true (the index decides).
  core::Result<std::vector<core::DocumentText>> TextForArtifact(std::string_view artifact_id) const;
  // The same for many artifacts in one statement: one entry per id, in
  // order. Fits indexer::DocumentTextProvider. InvalidArgument for an id
  // that is not UTF-8.
  core::Result<std::vector<std::vector<core::DocumentText>>> TextForArtifacts(
      const std::vector<std::string>& artifact_ids) const;

  // --- the extraction queue (used by ExtractionWorker) ---

  // Marks the oldest queued job running (attempts + 1) and returns it;
  // nullopt when none is queued.
  core::Result<std::optional<ExtractionJob>> ClaimNextJob();
  // Stores the pages (replacing earlier ones), sets the page count, marks the
  // job done with `note` as its reason, and writes a change-feed row for every
  // linked live artifact. NotFound when the document is gone.
  core::Status CompleteJob(std::string_view sha256, const std::vector<DocumentPage>& pages,
                           int page_count, std::string_view note = {});
  // Marks the job failed with `reason` (shown to users).
  core::Status FailJob(std::string_view sha256, std::string_view reason);
  // Puts a claimed job back in the queue; `count_attempt` false undoes the
  // claim's attempt (the worker was stopped, not the document's fault).
  core::Status RequeueJob(std::string_view sha256, bool count_attempt);
  // Puts every `running` job back to `queued`: call once at start, before any
  // worker claims, when this process is the only worker of the database.
  // Returns how many were requeued.
  core::Result<int> RequeueRunningJobs();
  // Queues a document's extraction again (e.g. after installing a language),
  // optionally with other OCR languages (validated). NotFound, InvalidArgument.
  core::Status Reextract(std::string_view sha256,
                         std::optional<std::vector<std::string>> ocr_languages = std::nullopt);
  // Number of jobs in `status`.
  core::Result<int64_t> CountJobs(ExtractionStatus status) const;

  // Called (with no lock held) after a job is queued; the worker uses it to
  // wake up. Set to {} to clear. Thread-safe.
  void SetJobQueuedListener(std::function<void()> listener);

  // --- fixity (used by FixityChecker) ---

  // Appends a fixity event (id and time filled in when empty). Returns it.
  core::Result<FixityEvent> RecordFixity(FixityEvent event);
  // The newest fixity event of `sha256`; nullopt when never checked.
  core::Result<std::optional<FixityEvent>> LastFixity(std::string_view sha256) const;

 private:
  void NotifyQueued();

  std::shared_ptr<SqliteDatabase> db_;
  core::BlobStore& blobs_;
  const core::Clock& clock_;
  DocumentStoreOptions options_;
  std::mutex listener_mu_;
  std::function<void()> listener_;
};

}  // namespace custos::archive
