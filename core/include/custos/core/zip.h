// A minimal ZIP (PKWARE APPNOTE 6.3) writer and reader for STORED entries, so
// that bundles need nothing beyond core and libcrypto.
//
// Written archives: every entry STORED (method 0), UTF-8 names (flag bit 11),
// fixed timestamp 1980-01-01 00:00 so equal input gives equal bytes, no extra
// fields, no data descriptors, no comment, no zip64 (so < 65535 entries and
// < 4 GiB). Readable by unzip, Python's zipfile and every other ZIP tool.
//
// The reader accepts archives of that shape and rejects, with
// InvalidArgument and a message naming the entry: compressed, encrypted,
// zip64, multi-disk or data-descriptor entries; duplicate names; names that
// are absolute, contain "..", ".", empty components, backslashes or control
// characters, or are not UTF-8; a local header that disagrees with the
// central directory; overlapping or out-of-bounds entries; CRC-32 mismatches;
// more than the configured entries or bytes. Directory entries (names ending
// in "/", no data) are skipped.
//
// Pure values and functions; ZipWriter is not thread-safe (one per archive).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::core {

// CRC-32 (ISO-HDLC, polynomial 0xEDB88320), as ZIP uses it.
uint32_t Crc32(std::string_view data);

class ZipWriter {
 public:
  // Adds a file. InvalidArgument for a name the reader would reject, a
  // duplicate name, or when the archive would exceed ZIP's 32-bit limits.
  Status Add(std::string_view name, std::string_view data);
  // The archive bytes. The writer must not be used afterwards.
  std::string Finish();

 private:
  struct Central {
    std::string name;
    uint32_t crc;
    uint32_t size;
    uint32_t offset;
  };
  std::string out_;
  std::vector<Central> central_;
};

struct ZipEntry {
  std::string name;
  std::string data;
};

// An entry whose data points into the archive bytes it was read from.
struct ZipEntryView {
  std::string name;
  std::string_view data;
};

struct ZipLimits {
  size_t max_entries = 1'000'000;
  uint64_t max_total_size = uint64_t{4} << 30;  // sum of entry sizes
  size_t max_name_size = 1024;
};

// Parses `archive` into its file entries in central-directory order.
Result<std::vector<ZipEntry>> ReadZip(std::string_view archive, const ZipLimits& limits = {});
// The same without copying the data: the entries point into `archive`, which
// must outlive them (custos-verify checks a bundle where it lies).
Result<std::vector<ZipEntryView>> ReadZipViews(std::string_view archive,
                                               const ZipLimits& limits = {});

// True when `name` is a safe relative path ("a/b.txt"): UTF-8, no control
// characters or backslash, no empty, "." or ".." component, not absolute.
bool IsSafeZipName(std::string_view name);

}  // namespace custos::core
