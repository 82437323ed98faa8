#include "custos/archive/media_type.h"

namespace custos::archive {

using core::Status;

core::Result<std::string_view> SniffMediaType(std::string_view head) {
  using namespace std::string_view_literals;
  if (head.empty()) return Status::InvalidArgument("the file is empty", "file");
  if (head.starts_with("\x89PNG\r\n\x1a\n"sv)) return kMediaPng;
  if (head.starts_with("\xff\xd8\xff"sv)) return kMediaJpeg;
  if (head.starts_with("II*\0"sv) || head.starts_with("MM\0*"sv)) return kMediaTiff;
  if (head.substr(0, kSniffBytes).find("%PDF-") != std::string_view::npos) return kMediaPdf;
  return Status::UnsupportedMediaType(
      "unsupported file type: PDF, TIFF, JPEG and PNG are accepted (recognised by content)");
}

std::string_view ExtensionForMediaType(std::string_view media_type) {
  if (media_type == kMediaPdf) return "pdf";
  if (media_type == kMediaTiff) return "tiff";
  if (media_type == kMediaJpeg) return "jpg";
  if (media_type == kMediaPng) return "png";
  return {};
}

}  // namespace custos::archive
