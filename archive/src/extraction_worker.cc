#include "custos/archive/extraction_worker.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>

#include "custos/archive/media_type.h"
#include "custos/archive/ocr_languages.h"
#include "custos/core/thread.h"
#include "image_leptonica.h"
#include "ocr_tesseract.h"
#include "pdf_poppler.h"

namespace custos::archive {

using core::Result;
using core::Status;

namespace {

bool IsSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int NonSpaceChars(std::string_view s) {
  return static_cast<int>(std::count_if(
      s.begin(), s.end(), [](char c) { return !IsSpace(static_cast<unsigned char>(c)); }));
}

std::string Trim(std::string s) {
  size_t end = s.size();
  while (end > 0 && IsSpace(static_cast<unsigned char>(s[end - 1]))) --end;
  size_t begin = 0;
  while (begin < end && IsSpace(static_cast<unsigned char>(s[begin]))) ++begin;
  return s.substr(begin, end - begin);
}

bool Cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

Status CancelledStatus() { return Status::Unavailable("cancelled"); }

void AddNote(std::string& notes, const std::string& note) {
  if (notes.size() > 1500) return;
  notes += (notes.empty() ? "" : "; ") + note;
}

// Loads the OCR engine on first use: most PDFs never need it.
class LazyOcr {
 public:
  LazyOcr(const ExtractionOptions& options, const std::vector<std::string>& languages)
      : options_(options), languages_(languages) {}

  Result<OcrEngine*> Get() {
    if (engine_) return engine_.get();
    if (!failure_.ok()) return failure_;
    auto dir = FindTessdataDir(options_.tessdata_dir);
    if (!dir.ok()) {
      failure_ = Status::Unavailable("OCR is not available: no tesseract language data installed");
      return failure_;
    }
    // Languages may have been uninstalled since the upload.
    auto valid = ValidateOcrLanguages(languages_, *dir);
    if (!valid.ok()) {
      failure_ = Status::Unavailable(valid.status().message());
      return failure_;
    }
    auto engine = OcrEngine::Create(*dir, *valid);
    if (!engine.ok()) {
      failure_ = engine.status();
      return failure_;
    }
    engine_ = std::move(engine).value();
    return engine_.get();
  }

 private:
  const ExtractionOptions& options_;
  const std::vector<std::string>& languages_;
  std::unique_ptr<OcrEngine> engine_;
  Status failure_;
};

// The rendering resolution for OCR: options.ocr_dpi, lowered so that the page
// stays within the pixel cap.
double OcrDpi(double width_pt, double height_pt, const ExtractionOptions& options) {
  double dpi = options.ocr_dpi;
  const double pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi);
  if (pixels > static_cast<double>(options.max_page_pixels)) {
    dpi *= std::sqrt(static_cast<double>(options.max_page_pixels) / pixels);
  }
  return std::max(dpi, 1.0);
}

Result<ExtractionOutput> ExtractPdf(std::string_view bytes,
                                    const std::vector<std::string>& languages,
                                    const ExtractionOptions& options,
                                    const std::atomic<bool>* cancel) {
  // A PDF ends with %%EOF (PDF 32000 7.5.5), possibly followed by a little
  // junk. Without it the file was cut short: poppler may still "repair" it,
  // but the archive must not pretend that a truncated scan is whole.
  const std::string_view tail = bytes.substr(bytes.size() - std::min<size_t>(bytes.size(), 1024));
  if (tail.find("%%EOF") == std::string_view::npos) {
    return Status::Corruption("the PDF is truncated: it does not end with %%EOF");
  }
  CUSTOS_ASSIGN_OR_RETURN(std::unique_ptr<PdfDocument> doc, PdfDocument::Load(bytes));
  ExtractionOutput out;
  out.page_count = doc->page_count();
  const int limit = std::min(out.page_count, options.max_pages);
  if (limit < out.page_count) {
    AddNote(out.note, "pages after " + std::to_string(limit) + " were not extracted");
  }
  LazyOcr ocr(options, languages);
  int ocr_pages = 0;
  bool ocr_cap_noted = false;
  bool ocr_unavailable_noted = false;
  for (int i = 0; i < limit; ++i) {
    if (Cancelled(cancel)) return CancelledStatus();
    DocumentPage page;
    page.page = i + 1;
    auto text = doc->PageText(i);
    page.text = text.ok() ? Trim(std::move(text).value()) : std::string();
    page.source = page.text.empty() ? PageSource::kNone : PageSource::kTextLayer;
    const int text_chars = NonSpaceChars(page.text);
    if (text_chars < options.min_text_layer_chars) {
      if (ocr_pages >= options.max_ocr_pages) {
        if (!ocr_cap_noted) {
          AddNote(out.note, "OCR stopped after " + std::to_string(ocr_pages) + " pages");
          ocr_cap_noted = true;
        }
      } else if (auto engine_or = ocr.Get(); !engine_or.ok()) {
        // Keep the text layers; the note says why scanned pages have no text.
        if (!ocr_unavailable_noted) {
          AddNote(out.note, engine_or.status().message());
          ocr_unavailable_noted = true;
        }
      } else {
        OcrEngine* engine = *engine_or;
        ++ocr_pages;
        auto size = doc->PageSizePoints(i);
        Result<Raster> raster = size.ok()
                                    ? doc->RenderPage(i, OcrDpi(size->first, size->second, options),
                                                      /*gray=*/true)
                                    : Result<Raster>(size.status());
        Result<std::string> ocr_text =
            raster.ok() ? engine->Recognize(*raster, options.ocr_timeout_ms, cancel)
                        : Result<std::string>(raster.status());
        if (Cancelled(cancel)) return CancelledStatus();
        if (!ocr_text.ok()) {
          AddNote(out.note, "page " + std::to_string(i + 1) + ": " + ocr_text.status().message());
        } else {
          std::string recognised = Trim(std::move(ocr_text).value());
          if (NonSpaceChars(recognised) > text_chars) {
            page.text = std::move(recognised);
            page.source = PageSource::kOcr;
          }
        }
      }
    }
    out.pages.push_back(std::move(page));
  }
  return out;
}

Result<ExtractionOutput> ExtractImage(std::string_view bytes, std::string_view media_type,
                                      const std::vector<std::string>& languages,
                                      const ExtractionOptions& options,
                                      const std::atomic<bool>* cancel) {
  CUSTOS_ASSIGN_OR_RETURN(int pages, ImagePageCount(bytes, media_type));
  ExtractionOutput out;
  out.page_count = pages;
  const int limit = std::min({pages, options.max_pages, options.max_ocr_pages});
  if (limit < pages) {
    AddNote(out.note, "pages after " + std::to_string(limit) + " were not extracted");
  }
  LazyOcr ocr(options, languages);
  for (int i = 0; i < limit; ++i) {
    if (Cancelled(cancel)) return CancelledStatus();
    DocumentPage page;
    page.page = i + 1;
    auto raster = DecodeImagePage(bytes, media_type, i, /*gray=*/true, options.max_page_pixels);
    if (!raster.ok()) {
      if (pages == 1) return raster.status();  // nothing readable at all
      AddNote(out.note, "page " + std::to_string(i + 1) + ": " + raster.status().message());
      out.pages.push_back(std::move(page));
      continue;
    }
    if (raster->dpi < 70 || raster->dpi > 1200) raster->dpi = 300;  // unknown or implausible
    CUSTOS_ASSIGN_OR_RETURN(OcrEngine * engine, ocr.Get());
    auto text = engine->Recognize(*raster, options.ocr_timeout_ms, cancel);
    if (Cancelled(cancel)) return CancelledStatus();
    if (!text.ok()) {
      AddNote(out.note, "page " + std::to_string(i + 1) + ": " + text.status().message());
    } else {
      page.text = Trim(std::move(text).value());
      page.source = page.text.empty() ? PageSource::kNone : PageSource::kOcr;
    }
    out.pages.push_back(std::move(page));
  }
  return out;
}

// A job failure message for a blob that cannot be read.
std::string BlobReason(const Status& st) {
  switch (st.code()) {
    case core::StatusCode::kNotFound:
      return "the stored file is missing (run a fixity check)";
    case core::StatusCode::kTooLarge:
      return "the file is too large for text extraction";
    default:
      return "the stored file could not be read";
  }
}

}  // namespace

Result<ExtractionOutput> ExtractDocumentText(std::string_view bytes, std::string_view media_type,
                                             const std::vector<std::string>& languages,
                                             const ExtractionOptions& options,
                                             const std::atomic<bool>* cancel) {
  if (bytes.empty()) return Status::Corruption("the file is empty");
  if (media_type == kMediaPdf) return ExtractPdf(bytes, languages, options, cancel);
  if (media_type == kMediaPng || media_type == kMediaJpeg || media_type == kMediaTiff) {
    return ExtractImage(bytes, media_type, languages, options, cancel);
  }
  return Status::UnsupportedMediaType("no text extraction for " + std::string(media_type));
}

// The wake-up state is shared with the DocumentStore's listener, which may
// still be running on another thread while the worker is destroyed.
struct ExtractionWorker::WakeState {
  std::mutex mu;
  std::condition_variable cv;
  bool wake = false;
};

ExtractionWorker::ExtractionWorker(DocumentStore& documents, const core::BlobStore& blobs,
                                   ExtractionOptions options)
    : documents_(documents),
      blobs_(blobs),
      options_(std::move(options)),
      wake_state_(std::make_shared<WakeState>()) {}

ExtractionWorker::~ExtractionWorker() { Stop(); }

Status ExtractionWorker::Start() {
  if (thread_.joinable()) return Status::Ok();
  stop_ = false;
  auto requeued = documents_.RequeueRunningJobs();
  if (!requeued.ok()) return requeued.status();
  if (*requeued > 0) {
    Log("extraction: " + std::to_string(*requeued) + " interrupted job(s) queued again");
  }
  std::weak_ptr<WakeState> weak = wake_state_;
  documents_.SetJobQueuedListener([weak] {
    if (auto state = weak.lock()) {
      {
        std::lock_guard lock(state->mu);
        state->wake = true;
      }
      state->cv.notify_all();
    }
  });
  thread_ = std::thread([this] {
    core::NameThisThread("extraction");
    Loop();
  });
  return Status::Ok();
}

void ExtractionWorker::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  Wake();
  thread_.join();
  documents_.SetJobQueuedListener({});
}

void ExtractionWorker::Wake() {
  {
    std::lock_guard lock(wake_state_->mu);
    wake_state_->wake = true;
  }
  wake_state_->cv.notify_all();
}

Result<bool> ExtractionWorker::RunOnce() {
  auto job = documents_.ClaimNextJob();
  if (!job.ok()) return job.status();
  if (!*job) return false;
  Process(**job);
  return true;
}

void ExtractionWorker::Loop() {
  while (!stop_) {
    auto job = documents_.ClaimNextJob();
    if (job.ok() && *job) {
      Process(**job);
      continue;
    }
    if (!job.ok()) Log("extraction: cannot read the job queue: " + job.status().ToString());
    std::unique_lock lock(wake_state_->mu);
    wake_state_->cv.wait_for(lock, options_.poll_interval,
                             [&] { return wake_state_->wake || stop_.load(); });
    wake_state_->wake = false;
  }
}

void ExtractionWorker::Process(const ExtractionJob& job) {
  auto finish = [&](Status st) {
    if (!st.ok())
      Log("extraction: cannot record the result for " + job.sha256 + ": " + st.ToString());
    ++jobs_finished_;
  };
  auto fail = [&](const std::string& reason) {
    Log("extraction of " + job.sha256 + " failed: " + reason);
    finish(documents_.FailJob(job.sha256, reason));
  };
  if (job.attempts > options_.max_attempts) {
    fail("extraction was interrupted " + std::to_string(job.attempts - 1) +
         " times; giving up on this file");
    return;
  }
  try {
    auto bytes = blobs_.ReadAll(job.sha256, options_.max_blob_bytes);
    if (!bytes.ok()) {
      fail(BlobReason(bytes.status()));
      return;
    }
    auto out = ExtractDocumentText(*bytes, job.media_type, job.ocr_languages, options_, &stop_);
    if (!out.ok()) {
      if (stop_ && out.status().message() == "cancelled") {
        Status st = documents_.RequeueJob(job.sha256, /*count_attempt=*/false);
        if (!st.ok()) Log("extraction: cannot requeue " + job.sha256 + ": " + st.ToString());
        return;
      }
      fail(out.status().message());
      return;
    }
    finish(documents_.CompleteJob(job.sha256, out->pages, out->page_count, out->note));
  } catch (const std::exception& e) {
    Log("extraction of " + job.sha256 + " threw: " + e.what());
    fail("extraction failed with an internal error");
  } catch (...) {
    Log("extraction of " + job.sha256 + " threw a non-standard exception");
    fail("extraction failed with an internal error");
  }
}

void ExtractionWorker::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

}  // namespace custos::archive
