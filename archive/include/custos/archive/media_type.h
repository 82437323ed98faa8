// Media types of accepted documents, recognised by their content (magic
// bytes), never by a file name or a client's Content-Type. Thread-safe (pure).
#pragma once

#include <cstddef>
#include <string_view>

#include "custos/core/status.h"

namespace custos::archive {

inline constexpr std::string_view kMediaPdf = "application/pdf";
inline constexpr std::string_view kMediaTiff = "image/tiff";
inline constexpr std::string_view kMediaJpeg = "image/jpeg";
inline constexpr std::string_view kMediaPng = "image/png";

// How many leading bytes SniffMediaType wants to see (it works with fewer).
inline constexpr size_t kSniffBytes = 1024;

// The media type of a file that starts with `head` (its first kSniffBytes
// bytes, or all of it when shorter):
//   application/pdf  "%PDF-" within the first 1024 bytes (as PDF readers allow)
//   image/tiff       "II*\0" or "MM\0*"
//   image/jpeg       FF D8 FF
//   image/png        89 'PNG' 0D 0A 1A 0A
// InvalidArgument (field "file") for an empty file, UnsupportedMediaType for
// anything else. A PDF is recognised even when the rest of it is broken.
core::Result<std::string_view> SniffMediaType(std::string_view head);

// The usual file extension for an accepted media type ("pdf", "tiff", "jpg",
// "png"); empty otherwise. For Content-Disposition file names.
std::string_view ExtensionForMediaType(std::string_view media_type);

}  // namespace custos::archive
