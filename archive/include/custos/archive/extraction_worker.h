// Text extraction: the words inside scanned documents, per page, for search.
//
// PDF pages give their text layer (poppler); pages whose text layer is empty
// or nearly so are rendered (~300 dpi) and OCRed (tesseract) with the
// document's languages. PNG, JPEG and TIFF (every page of a multi-page TIFF)
// are OCRed directly. Work is bounded: a page cap, an OCR page cap, a pixel
// cap per page and a time limit per OCR page.
//
// ExtractionWorker runs the DocumentStore's job queue on one background
// thread. The queue is rows in SQLite, so it survives restarts: Start() puts
// jobs left `running` by a previous process back in the queue. A damaged file
// fails its own job with a reason; no input stops the worker. A job that was
// interrupted (by a crash) more than `max_attempts` times is failed rather
// than retried forever.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "custos/archive/document_store.h"
#include "custos/core/blob_store.h"
#include "custos/core/status.h"

namespace custos::archive {

struct ExtractionOptions {
  std::string tessdata_dir;  // empty: FindTessdataDir()
  int max_pages = 2000;      // pages after this are not extracted (noted in the reason)
  int max_ocr_pages = 500;   // pages after this many OCRed pages keep their text layer only
  int ocr_dpi = 300;
  int64_t max_page_pixels = 40'000'000;  // PDF pages render at a lower dpi; larger images fail
  // A PDF page whose text layer has fewer non-space characters than this is
  // OCRed too; the longer of the two texts is kept.
  int min_text_layer_chars = 16;
  int ocr_timeout_ms = 120'000;          // per page
  uint64_t max_blob_bytes = 1ull << 30;  // larger documents are not extracted
  int max_attempts = 3;
  std::chrono::milliseconds poll_interval{2000};  // the worker also wakes on new jobs
  // Receives one line per failed or interrupted job (for the server log).
  std::function<void(std::string_view)> log;
};

struct ExtractionOutput {
  std::vector<DocumentPage> pages;  // one per extracted page, 1-based, in order
  int page_count = 0;               // pages in the document (may exceed pages.size())
  std::string note;                 // e.g. "pages after 2000 were not extracted"
};

// Extracts the text of one document held in memory. Corruption (with a reason
// fit for users) for damaged, truncated or encrypted files, TooLarge for
// images over the pixel cap, Unavailable when an image needs OCR and OCR
// cannot load `languages` (for a PDF that is a note, and its text layers are
// kept), Unavailable "cancelled" when `*cancel` became true. Blocks (seconds
// per OCRed page). Thread-safe (each call uses its own poppler and tesseract
// objects).
core::Result<ExtractionOutput> ExtractDocumentText(std::string_view bytes,
                                                   std::string_view media_type,
                                                   const std::vector<std::string>& languages,
                                                   const ExtractionOptions& options,
                                                   const std::atomic<bool>* cancel = nullptr);

class ExtractionWorker {
 public:
  // `documents` and `blobs` must outlive the worker.
  ExtractionWorker(DocumentStore& documents, const core::BlobStore& blobs,
                   ExtractionOptions options = {});
  ~ExtractionWorker();  // Stop()s
  ExtractionWorker(const ExtractionWorker&) = delete;
  ExtractionWorker& operator=(const ExtractionWorker&) = delete;

  // Requeues jobs left running by an earlier process, then starts the
  // thread. Call at most once per process and database (the requeue assumes
  // no other worker is running). IOError from the database.
  core::Status Start();
  // Asks the thread to stop and joins it. A job in progress is interrupted
  // between pages (or inside OCR) and put back in the queue. Idempotent.
  void Stop();
  // Wakes the thread to look for jobs now (called on new uploads).
  void Wake();

  // Runs one queued job on the calling thread. Returns false when the queue
  // was empty. Not to be mixed with a started thread. For tools and tests.
  core::Result<bool> RunOnce();

  // Jobs this worker finished (done or failed) since construction.
  int64_t jobs_finished() const { return jobs_finished_.load(); }

 private:
  void Loop();
  void Process(const ExtractionJob& job);
  void Log(const std::string& line) const;

  struct WakeState;

  DocumentStore& documents_;
  const core::BlobStore& blobs_;
  ExtractionOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> jobs_finished_{0};
  std::shared_ptr<WakeState> wake_state_;
  std::thread thread_;
};

}  // namespace custos::archive
