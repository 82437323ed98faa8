// Private: raster images (PNG, JPEG, TIFF incl. multi-page) with leptonica:
// decoding for OCR and previews, scaling and PNG encoding. The only file that
// includes leptonica. Thread-safe (no shared state beyond leptonica's message
// level, set once).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "custos/core/status.h"
#include "raster.h"

namespace custos::archive {

// Number of pages (TIFF directories; 1 for PNG and JPEG). Corruption when
// the image cannot be read.
core::Result<int> ImagePageCount(std::string_view bytes, std::string_view media_type);

// Decodes page `index` (0-based) as 8-bit gray or RGB. Corruption when it
// cannot be decoded; TooLarge when it has more than `max_pixels` pixels.
core::Result<Raster> DecodeImagePage(std::string_view bytes, std::string_view media_type, int index,
                                     bool gray, int64_t max_pixels);

// PNG bytes of `raster` scaled to `width` pixels wide (aspect kept; never
// scaled up). Internal when encoding fails.
core::Result<std::string> EncodePngScaled(const Raster& raster, int width);

}  // namespace custos::archive
