// PreviewCache: PNG images of document pages for the viewer: a thumbnail
// (256 px wide) and a page image (1200 px wide) per page. PDF pages are
// rendered with poppler; PNG, JPEG and TIFF pages are scaled with leptonica
// (never scaled up). Results are cached as files under DIR/previews/ (derived
// data: the directory may be deleted at any time).
//
// Thread-safe. Cache hits read one file; misses read the whole blob and
// render, at most two at a time (the rest wait), so a burst of requests
// cannot exhaust memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "custos/core/blob_store.h"
#include "custos/core/status.h"

namespace custos::archive {

enum class PreviewSize {
  kThumbnail,  // 256 px wide
  kPage,       // 1200 px wide
};
int PreviewWidth(PreviewSize size);
// "thumb" | "page" (for URLs); nullopt otherwise.
std::optional<PreviewSize> ParsePreviewSize(std::string_view s);

struct PreviewOptions {
  uint64_t max_blob_bytes = 1ull << 30;  // larger documents get no preview
  int64_t max_page_pixels = 40'000'000;  // larger images get no preview
};

class PreviewCache {
 public:
  // `cache_dir` is created when missing. `blobs` must outlive the cache.
  PreviewCache(std::string cache_dir, const core::BlobStore& blobs, PreviewOptions options = {});
  ~PreviewCache();

  // PNG bytes of page `page` (1-based) of the document `sha256`.
  // InvalidArgument (bad hash or page < 1), NotFound (no such blob or page),
  // Corruption (the file cannot be read or rendered), TooLarge, IOError.
  // Blocks (a render takes up to about a second).
  core::Result<std::string> Preview(std::string_view sha256, int page, PreviewSize size);

  // Removes every cached preview of `sha256` (e.g. after a repair). IOError.
  core::Status Forget(std::string_view sha256);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::archive
