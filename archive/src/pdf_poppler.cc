#include "pdf_poppler.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <climits>
#include <cstring>
#include <mutex>

namespace custos::archive {

using core::Result;
using core::Status;

namespace {

// Poppler prints every syntax error of a damaged file to stderr; the job's
// reason says what matters.
void QuietPoppler() {
  static std::once_flag once;
  std::call_once(
      once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

}  // namespace

struct PdfDocument::Impl {
  std::unique_ptr<poppler::document> doc;
  int pages = 0;

  std::unique_ptr<poppler::page> Page(int index) const {
    if (index < 0 || index >= pages) return nullptr;
    return std::unique_ptr<poppler::page>(doc->create_page(index));
  }
};

PdfDocument::PdfDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfDocument::~PdfDocument() = default;

Result<std::unique_ptr<PdfDocument>> PdfDocument::Load(std::string_view bytes) {
  QuietPoppler();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::Corruption("the PDF is too large to read (over 2 GiB)");
  }
  auto impl = std::make_unique<Impl>();
  impl->doc.reset(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!impl->doc) {
    return Status::Corruption("the PDF could not be read: the file is damaged or incomplete");
  }
  if (impl->doc->is_locked()) {
    return Status::Corruption("the PDF is encrypted with a password; its text cannot be read");
  }
  impl->pages = impl->doc->pages();
  if (impl->pages <= 0) return Status::Corruption("the PDF has no readable pages");
  return std::unique_ptr<PdfDocument>(new PdfDocument(std::move(impl)));
}

int PdfDocument::page_count() const { return impl_->pages; }

Result<std::string> PdfDocument::PageText(int index) const {
  auto page = impl_->Page(index);
  if (!page) return Status::NotFound("no page " + std::to_string(index + 1));
  poppler::byte_array utf8 =
      page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
  return std::string(utf8.begin(), utf8.end());
}

Result<std::pair<double, double>> PdfDocument::PageSizePoints(int index) const {
  auto page = impl_->Page(index);
  if (!page) return Status::NotFound("no page " + std::to_string(index + 1));
  poppler::rectf box = page->page_rect(poppler::crop_box);
  double w = box.width(), h = box.height();
  if (page->orientation() == poppler::page::landscape ||
      page->orientation() == poppler::page::seascape) {
    std::swap(w, h);
  }
  if (!(w > 0) || !(h > 0)) return Status::Corruption("page has an empty size");
  return std::make_pair(w, h);
}

Result<Raster> PdfDocument::RenderPage(int index, double dpi, bool gray) const {
  auto page = impl_->Page(index);
  if (!page) return Status::NotFound("no page " + std::to_string(index + 1));
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(gray ? poppler::image::format_gray8 : poppler::image::format_rgb24);
  poppler::image img = renderer.render_page(page.get(), dpi, dpi);
  if (!img.is_valid() || img.width() <= 0 || img.height() <= 0) {
    return Status::Internal("page " + std::to_string(index + 1) + " could not be rendered");
  }
  Raster out;
  out.width = img.width();
  out.height = img.height();
  out.channels = gray ? 1 : 3;
  out.dpi = static_cast<int>(dpi + 0.5);
  const size_t row = static_cast<size_t>(out.width) * static_cast<size_t>(out.channels);
  const size_t stride = static_cast<size_t>(img.bytes_per_row());
  if (stride < row) return Status::Internal("unexpected image layout from poppler");
  out.pixels.resize(row * static_cast<size_t>(out.height));
  const char* src = img.const_data();
  for (int y = 0; y < out.height; ++y) {
    std::memcpy(out.pixels.data() + row * static_cast<size_t>(y),
                src + stride * static_cast<size_t>(y), row);
  }
  return out;
}

}  // namespace custos::archive
