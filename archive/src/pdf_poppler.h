// Private: PDF text layers and page rendering with poppler-cpp. The only file
// that includes poppler. Poppler reports broken input by returning null or
// empty values; every such case is a Status here.
//
// A PdfDocument is not thread-safe; separate documents may be used from
// separate threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "custos/core/status.h"
#include "raster.h"

namespace custos::archive {

class PdfDocument {
 public:
  // Parses `bytes`, which must stay alive and unchanged as long as the
  // document. Corruption with a user-facing reason when poppler cannot open
  // it or it is encrypted.
  static core::Result<std::unique_ptr<PdfDocument>> Load(std::string_view bytes);
  ~PdfDocument();

  int page_count() const;
  // The text layer of page `index` (0-based) in reading order, UTF-8; empty
  // when the page has none. NotFound when `index` is out of range.
  core::Result<std::string> PageText(int index) const;
  // The page's displayed size in points (1/72 inch), rotation applied.
  core::Result<std::pair<double, double>> PageSizePoints(int index) const;
  // Renders page `index` at `dpi` (gray or RGB). Internal when poppler
  // produces no image.
  core::Result<Raster> RenderPage(int index, double dpi, bool gray) const;

 private:
  struct Impl;
  explicit PdfDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::archive
