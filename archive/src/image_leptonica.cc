#include "image_leptonica.h"

#include <leptonica/allheaders.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace custos::archive {

using core::Result;
using core::Status;

namespace {

struct PixFree {
  void operator()(PIX* p) const noexcept { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixFree>;

struct FileClose {
  void operator()(FILE* f) const noexcept { std::fclose(f); }
};

// Leptonica prints its errors to stderr; damaged uploads are expected and
// reported as Status instead.
void QuietLeptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

const l_uint8* Data(std::string_view bytes) {
  return reinterpret_cast<const l_uint8*>(bytes.data());
}

bool IsTiff(std::string_view media_type) { return media_type == "image/tiff"; }

}  // namespace

Result<int> ImagePageCount(std::string_view bytes, std::string_view media_type) {
  QuietLeptonica();
  if (!IsTiff(media_type)) {
    l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
    if (pixReadHeaderMem(Data(bytes), bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0) {
      return Status::Corruption("the image could not be read: the file is damaged or incomplete");
    }
    return 1;
  }
  std::unique_ptr<FILE, FileClose> f(fopenReadFromMemory(Data(bytes), bytes.size()));
  if (!f) return Status::Internal("cannot open image in memory");
  l_int32 n = 0;
  if (tiffGetCount(f.get(), &n) != 0 || n <= 0) {
    return Status::Corruption("the TIFF could not be read: the file is damaged or incomplete");
  }
  return static_cast<int>(n);
}

Result<Raster> DecodeImagePage(std::string_view bytes, std::string_view media_type, int index,
                               bool gray, int64_t max_pixels) {
  QuietLeptonica();
  // Check the declared size before decoding (a small file can declare a huge
  // image); TIFF pages after the first are checked after decoding.
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (index == 0 &&
      pixReadHeaderMem(Data(bytes), bytes.size(), &format, &w, &h, &bps, &spp, &cmap) == 0 &&
      static_cast<int64_t>(w) * h > max_pixels) {
    return Status::TooLarge("the image is larger than " + std::to_string(max_pixels) + " pixels");
  }
  PixPtr pix(IsTiff(media_type) ? pixReadMemTiff(Data(bytes), bytes.size(), index)
                                : (index == 0 ? pixReadMem(Data(bytes), bytes.size()) : nullptr));
  if (!pix) {
    return Status::Corruption("image page " + std::to_string(index + 1) +
                              " could not be decoded: the file is damaged or incomplete");
  }
  const int64_t width = pixGetWidth(pix.get()), height = pixGetHeight(pix.get());
  if (width <= 0 || height <= 0) return Status::Corruption("the image is empty");
  if (width * height > max_pixels) {
    return Status::TooLarge("the image is larger than " + std::to_string(max_pixels) + " pixels");
  }
  PixPtr conv(gray ? pixConvertTo8(pix.get(), 0) : pixConvertTo32(pix.get()));
  if (!conv) return Status::Corruption("the image has an unsupported pixel format");
  Raster out;
  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  out.channels = gray ? 1 : 3;
  l_int32 xres = 0, yres = 0;
  pixGetResolution(pix.get(), &xres, &yres);
  out.dpi = xres > 0 ? xres : 0;
  out.pixels.resize(static_cast<size_t>(width * height * out.channels));
  const l_int32 wpl = pixGetWpl(conv.get());
  l_uint32* data = pixGetData(conv.get());
  uint8_t* dst = out.pixels.data();
  for (int y = 0; y < out.height; ++y) {
    l_uint32* line = data + static_cast<ptrdiff_t>(y) * wpl;
    for (int x = 0; x < out.width; ++x) {
      if (gray) {
        *dst++ = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
      } else {
        l_int32 r = 0, g = 0, b = 0;
        extractRGBValues(line[x], &r, &g, &b);
        *dst++ = static_cast<uint8_t>(r);
        *dst++ = static_cast<uint8_t>(g);
        *dst++ = static_cast<uint8_t>(b);
      }
    }
  }
  return out;
}

Result<std::string> EncodePngScaled(const Raster& raster, int width) {
  QuietLeptonica();
  if (raster.width <= 0 || raster.height <= 0 ||
      raster.pixels.size() != static_cast<size_t>(raster.width) * raster.height * raster.channels) {
    return Status::Internal("bad raster");
  }
  PixPtr pix(pixCreate(raster.width, raster.height, raster.channels == 1 ? 8 : 32));
  if (!pix) return Status::Internal("out of memory for the preview");
  const l_int32 wpl = pixGetWpl(pix.get());
  l_uint32* data = pixGetData(pix.get());
  const uint8_t* src = raster.pixels.data();
  for (int y = 0; y < raster.height; ++y) {
    l_uint32* line = data + static_cast<ptrdiff_t>(y) * wpl;
    for (int x = 0; x < raster.width; ++x) {
      if (raster.channels == 1) {
        SET_DATA_BYTE(line, x, *src++);
      } else {
        l_uint32 pixel = 0;
        composeRGBPixel(src[0], src[1], src[2], &pixel);
        line[x] = pixel;
        src += 3;
      }
    }
  }
  PixPtr scaled;
  if (width > 0 && width < raster.width) {
    scaled.reset(pixScaleToSize(pix.get(), width, 0));
    if (!scaled) return Status::Internal("the preview could not be scaled");
  }
  PIX* final_pix = scaled ? scaled.get() : pix.get();
  if (raster.channels == 3) pixSetSpp(final_pix, 3);  // no alpha channel in the PNG
  l_uint8* png = nullptr;
  size_t size = 0;
  if (pixWriteMemPng(&png, &size, final_pix, 0.0) != 0 || png == nullptr) {
    return Status::Internal("the preview could not be encoded as PNG");
  }
  std::string out(reinterpret_cast<const char*>(png), size);
  lept_free(png);
  return out;
}

}  // namespace custos::archive
