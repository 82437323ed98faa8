#include "ocr_tesseract.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>

#include "custos/archive/ocr_languages.h"

namespace custos::archive {

using core::Result;
using core::Status;

namespace {

bool CancelRequested(void* flag, int /*words*/) {
  return static_cast<const std::atomic<bool>*>(flag)->load();
}

}  // namespace

struct OcrEngine::Impl {
  tesseract::TessBaseAPI api;
  ~Impl() { api.End(); }
};

OcrEngine::OcrEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OcrEngine::~OcrEngine() = default;

Result<std::unique_ptr<OcrEngine>> OcrEngine::Create(const std::string& tessdata_dir,
                                                     const std::vector<std::string>& languages) {
  auto impl = std::make_unique<Impl>();
  const std::string langs =
      languages.empty() ? std::string(kDefaultOcrLanguage) : JoinOcrLanguages(languages);
  // Tesseract prints its diagnostics to stderr unless told otherwise.
  impl->api.SetVariable("debug_file", "/dev/null");
  if (impl->api.Init(tessdata_dir.c_str(), langs.c_str(), tesseract::OEM_DEFAULT) != 0) {
    return Status::Unavailable("OCR languages " + langs + " could not be loaded");
  }
  impl->api.SetPageSegMode(tesseract::PSM_AUTO);
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(impl)));
}

Result<std::string> OcrEngine::Recognize(const Raster& image, int timeout_ms,
                                         const std::atomic<bool>* cancel) {
  if (image.channels != 1 || image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height) {
    return Status::Internal("OCR needs an 8-bit gray image");
  }
  tesseract::TessBaseAPI& api = impl_->api;
  api.SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
  api.SetSourceResolution(image.dpi > 0 ? image.dpi : 300);
  tesseract::ETEXT_DESC monitor;
  if (cancel != nullptr) {
    monitor.cancel = &CancelRequested;
    monitor.cancel_this = const_cast<std::atomic<bool>*>(cancel);
  }
  if (timeout_ms > 0) monitor.set_deadline_msecs(timeout_ms);
  const int rc = api.Recognize(&monitor);
  if (cancel != nullptr && cancel->load()) {
    api.Clear();
    return Status::Unavailable("cancelled");
  }
  if (rc != 0 || monitor.deadline_exceeded()) {
    api.Clear();
    return Status::Unavailable(monitor.deadline_exceeded() ? "OCR of the page took too long"
                                                           : "OCR of the page failed");
  }
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  api.Clear();
  return std::string(text ? text.get() : "");
}

}  // namespace custos::archive
