// Private: OCR with tesseract. The only file that includes tesseract. One
// OcrEngine holds one initialised TessBaseAPI (loading language data takes a
// while, so an engine is reused for every page of a document). Not
// thread-safe: one engine per thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "custos/core/status.h"
#include "raster.h"

namespace custos::archive {

class OcrEngine {
 public:
  // Loads `languages` (tesseract codes, first is primary) from
  // `tessdata_dir`. Unavailable when tesseract cannot load them.
  static core::Result<std::unique_ptr<OcrEngine>> Create(const std::string& tessdata_dir,
                                                         const std::vector<std::string>& languages);
  ~OcrEngine();

  // The text in `image` (8-bit gray), UTF-8. Unavailable when recognition
  // fails, takes longer than `timeout_ms` (0: no limit), or `*cancel` becomes
  // true (message "cancelled"). Blocks for seconds per page.
  core::Result<std::string> Recognize(const Raster& image, int timeout_ms,
                                      const std::atomic<bool>* cancel);

 private:
  struct Impl;
  explicit OcrEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::archive
