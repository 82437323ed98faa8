// Private: an uncompressed image passed between the library wrappers
// (poppler renders it, tesseract reads it, leptonica encodes it), so that no
// wrapper needs another's types.
#pragma once

#include <cstdint>
#include <vector>

namespace custos::archive {

struct Raster {
  int width = 0;
  int height = 0;
  int channels = 1;             // 1: 8-bit gray; 3: 8-bit R, G, B
  int dpi = 0;                  // 0 when unknown
  std::vector<uint8_t> pixels;  // rows top to bottom, width * channels bytes each, no padding
};

}  // namespace custos::archive
