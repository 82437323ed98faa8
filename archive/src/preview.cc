#include "custos/archive/preview.h"

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <semaphore>
#include <sstream>
#include <system_error>

#include "custos/archive/media_type.h"
#include "image_leptonica.h"
#include "pdf_poppler.h"
#include "posix_file.h"

namespace custos::archive {

using core::Result;
using core::Status;
namespace fs = std::filesystem;

namespace {

constexpr int kMaxPreviewDpi = 600;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  return ss.str();
}

}  // namespace

int PreviewWidth(PreviewSize size) { return size == PreviewSize::kThumbnail ? 256 : 1200; }

std::optional<PreviewSize> ParsePreviewSize(std::string_view s) {
  if (s == "thumb") return PreviewSize::kThumbnail;
  if (s == "page") return PreviewSize::kPage;
  return std::nullopt;
}

struct PreviewCache::Impl {
  std::string dir;
  const core::BlobStore& blobs;
  PreviewOptions options;
  std::counting_semaphore<2> renders{2};

  std::string ShardDir(const std::string& sha) const { return dir + "/" + sha.substr(0, 2); }
  std::string CachePath(const std::string& sha, int page, int width) const {
    return ShardDir(sha) + "/" + sha + "-" + std::to_string(page) + "-" + std::to_string(width) +
           ".png";
  }

  Result<std::string> Render(const std::string& sha, int page, int width) {
    CUSTOS_ASSIGN_OR_RETURN(std::string bytes, blobs.ReadAll(sha, options.max_blob_bytes));
    CUSTOS_ASSIGN_OR_RETURN(std::string_view media_type, SniffMediaType(bytes));
    if (media_type == kMediaPdf) {
      CUSTOS_ASSIGN_OR_RETURN(std::unique_ptr<PdfDocument> doc, PdfDocument::Load(bytes));
      if (page > doc->page_count()) return Status::NotFound("no page " + std::to_string(page));
      CUSTOS_ASSIGN_OR_RETURN(auto size, doc->PageSizePoints(page - 1));
      // Render at the resolution that gives `width` pixels, within the caps;
      // EncodePngScaled trims the rounding.
      double dpi = std::min<double>(72.0 * (width + 1) / size.first, kMaxPreviewDpi);
      const double pixels = (size.first / 72 * dpi) * (size.second / 72 * dpi);
      if (pixels > static_cast<double>(options.max_page_pixels)) {
        dpi *= std::sqrt(static_cast<double>(options.max_page_pixels) / pixels);
      }
      CUSTOS_ASSIGN_OR_RETURN(Raster raster, doc->RenderPage(page - 1, dpi, /*gray=*/false));
      return EncodePngScaled(raster, width);
    }
    CUSTOS_ASSIGN_OR_RETURN(int pages, ImagePageCount(bytes, media_type));
    if (page > pages) return Status::NotFound("no page " + std::to_string(page));
    CUSTOS_ASSIGN_OR_RETURN(Raster raster,
                            DecodeImagePage(bytes, media_type, page - 1,
                                            /*gray=*/false, options.max_page_pixels));
    return EncodePngScaled(raster, width);
  }
};

PreviewCache::PreviewCache(std::string cache_dir, const core::BlobStore& blobs,
                           PreviewOptions options)
    : impl_(new Impl{std::move(cache_dir), blobs, options}) {}

PreviewCache::~PreviewCache() = default;

Result<std::string> PreviewCache::Preview(std::string_view sha256, int page, PreviewSize size) {
  auto sha = core::NormalizeSha256Hex(sha256);
  if (!sha) return Status::InvalidArgument("not a SHA-256 (64 hex digits)", "sha256");
  if (page < 1) return Status::InvalidArgument("pages are numbered from 1", "page");
  const int width = PreviewWidth(size);
  const std::string path = impl_->CachePath(*sha, page, width);
  if (auto cached = ReadFile(path); cached.ok() && !cached->empty()) return cached;

  impl_->renders.acquire();
  struct Release {
    std::counting_semaphore<2>& s;
    ~Release() { s.release(); }
  } release{impl_->renders};
  // Another request may have rendered it while this one waited.
  if (auto cached = ReadFile(path); cached.ok() && !cached->empty()) return cached;
  CUSTOS_ASSIGN_OR_RETURN(std::string png, impl_->Render(*sha, page, width));
  std::error_code ec;
  fs::create_directories(impl_->ShardDir(*sha), ec);
  // A cache that cannot be written is not an error for the caller.
  if (!ec) (void)WriteFileAtomic(path, png);
  return png;
}

Status PreviewCache::Forget(std::string_view sha256) {
  auto sha = core::NormalizeSha256Hex(sha256);
  if (!sha) return Status::InvalidArgument("not a SHA-256 (64 hex digits)", "sha256");
  std::error_code ec;
  const std::string shard = impl_->ShardDir(*sha);
  if (!fs::exists(shard, ec)) return Status::Ok();
  for (const auto& entry : fs::directory_iterator(shard, ec)) {
    if (entry.path().filename().string().rfind(*sha, 0) == 0) fs::remove(entry.path(), ec);
  }
  if (ec) return Status::IOError("cannot remove previews: " + ec.message());
  return Status::Ok();
}

}  // namespace custos::archive
