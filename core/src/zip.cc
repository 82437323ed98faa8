#include "custos/core/zip.h"

#include <algorithm>
#include <array>
#include <limits>
#include <set>

#include "utf8.h"

namespace custos::core {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndLocatorSig = 0x07064b50;
constexpr uint16_t kVersion = 20;  // 2.0: enough for STORED + UTF-8
constexpr uint16_t kFlagUtf8 = 1u << 11;
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr uint16_t kDosTime = 0;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>(v >> 8));
}
void Put32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint16_t Get16(std::string_view s, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s[at]) |
                               (static_cast<unsigned char>(s[at + 1]) << 8));
}
uint32_t Get32(std::string_view s, size_t at) {
  return uint32_t{Get16(s, at)} | (uint32_t{Get16(s, at + 2)} << 16);
}

Status Bad(const std::string& why) { return Status::InvalidArgument("zip: " + why); }

}  // namespace

// CRC-32 (ISO-HDLC, the zip one) eight bytes at a time ("slicing-by-8"):
// table k maps a byte to its contribution k bytes further on, so one step
// folds in eight bytes with eight lookups. custos-verify links only core and
// libcrypto, so this is not zlib's; it checks every byte of a bundle.
uint32_t Crc32(std::string_view data) {
  using Table = std::array<uint32_t, 256>;
  static const std::array<Table, 8> t = [] {
    std::array<Table, 8> tables{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      tables[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (size_t k = 1; k < 8; ++k) {
        tables[k][i] = (tables[k - 1][i] >> 8) ^ tables[0][tables[k - 1][i] & 0xFF];
      }
    }
    return tables;
  }();
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  const auto le32 = [](const unsigned char* b) {
    return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  };
  uint32_t crc = 0xFFFFFFFFu;
  for (; n >= 8; p += 8, n -= 8) {
    const uint32_t lo = le32(p) ^ crc, hi = le32(p + 4);
    crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
          t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
  }
  for (; n > 0; ++p, --n) crc = t[0][(crc ^ *p) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

bool IsSafeZipName(std::string_view name) {
  if (name.empty() || name.front() == '/' || !internal::IsValidUtf8(name)) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '\\') return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

Status ZipWriter::Add(std::string_view name, std::string_view data) {
  if (!IsSafeZipName(name) || name.size() > 0xFFFF)
    return Bad("unsafe entry name '" + std::string(name) + "'");
  for (const Central& c : central_) {
    if (c.name == name) return Bad("duplicate entry name '" + std::string(name) + "'");
  }
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  if (central_.size() >= 0xFFFF || data.size() >= kMax ||
      out_.size() + kLocalHeaderSize + name.size() + data.size() >= kMax) {
    return Bad("archive too large for ZIP without zip64");
  }
  const Central c{std::string(name), Crc32(data), static_cast<uint32_t>(data.size()),
                  static_cast<uint32_t>(out_.size())};
  // Local file header.
  Put32(&out_, kLocalSig);
  Put16(&out_, kVersion);
  Put16(&out_, kFlagUtf8);
  Put16(&out_, 0);  // method: stored
  Put16(&out_, kDosTime);
  Put16(&out_, kDosDate);
  Put32(&out_, c.crc);
  Put32(&out_, c.size);  // compressed size
  Put32(&out_, c.size);  // uncompressed size
  Put16(&out_, static_cast<uint16_t>(name.size()));
  Put16(&out_, 0);  // extra length
  out_.append(name);
  out_.append(data);
  central_.push_back(c);
  return Status::Ok();
}

std::string ZipWriter::Finish() {
  const auto cd_offset = static_cast<uint32_t>(out_.size());
  for (const Central& c : central_) {
    Put32(&out_, kCentralSig);
    Put16(&out_, (3 << 8) | kVersion);  // made by: Unix
    Put16(&out_, kVersion);
    Put16(&out_, kFlagUtf8);
    Put16(&out_, 0);
    Put16(&out_, kDosTime);
    Put16(&out_, kDosDate);
    Put32(&out_, c.crc);
    Put32(&out_, c.size);
    Put32(&out_, c.size);
    Put16(&out_, static_cast<uint16_t>(c.name.size()));
    Put16(&out_, 0);               // extra
    Put16(&out_, 0);               // comment
    Put16(&out_, 0);               // disk number start
    Put16(&out_, 0);               // internal attributes
    Put32(&out_, 0100644u << 16);  // external: regular file, rw-r--r--
    Put32(&out_, c.offset);
    out_.append(c.name);
  }
  const auto cd_size = static_cast<uint32_t>(out_.size() - cd_offset);
  Put32(&out_, kEndSig);
  Put16(&out_, 0);  // this disk
  Put16(&out_, 0);  // disk with central directory
  Put16(&out_, static_cast<uint16_t>(central_.size()));
  Put16(&out_, static_cast<uint16_t>(central_.size()));
  Put32(&out_, cd_size);
  Put32(&out_, cd_offset);
  Put16(&out_, 0);  // comment length
  central_.clear();
  return std::move(out_);
}

Result<std::vector<ZipEntryView>> ReadZipViews(std::string_view zip, const ZipLimits& limits) {
  if (zip.size() < kEndSize) return Bad("too short to be a ZIP archive");
  if (zip.size() > std::numeric_limits<uint32_t>::max()) return Bad("zip64 archives unsupported");
  // The end record sits in the last 22 + 65535 bytes; its comment must reach
  // exactly to the end of the archive.
  size_t end = std::string_view::npos;
  const size_t lowest = zip.size() > kEndSize + 0xFFFF ? zip.size() - kEndSize - 0xFFFF : 0;
  for (size_t at = zip.size() - kEndSize + 1; at-- > lowest;) {
    if (Get32(zip, at) == kEndSig && at + kEndSize + Get16(zip, at + 20) == zip.size()) {
      end = at;
      break;
    }
  }
  if (end == std::string_view::npos) return Bad("no end of central directory record");
  if (end >= 20 && Get32(zip, end - 20) == kZip64EndLocatorSig) return Bad("zip64 unsupported");
  const uint16_t disk = Get16(zip, end + 4), cd_disk = Get16(zip, end + 6);
  const uint16_t count_disk = Get16(zip, end + 8), count = Get16(zip, end + 10);
  const uint32_t cd_size = Get32(zip, end + 12), cd_offset = Get32(zip, end + 16);
  if (disk != 0 || cd_disk != 0 || count_disk != count)
    return Bad("multi-disk archives unsupported");
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    return Bad("zip64 unsupported");
  }
  if (count > limits.max_entries) return Bad("too many entries");
  if (uint64_t{cd_offset} + cd_size > end) return Bad("central directory out of bounds");

  std::vector<ZipEntryView> entries;
  std::set<std::string, std::less<>> names;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // [local header, data end)
  uint64_t total = 0;
  size_t at = cd_offset;
  for (uint32_t i = 0; i < count; ++i) {
    if (at + kCentralHeaderSize > uint64_t{cd_offset} + cd_size || Get32(zip, at) != kCentralSig) {
      return Bad("corrupt central directory");
    }
    const uint16_t flags = Get16(zip, at + 8), method = Get16(zip, at + 10);
    const uint32_t crc = Get32(zip, at + 16), csize = Get32(zip, at + 20),
                   usize = Get32(zip, at + 24);
    const uint16_t name_len = Get16(zip, at + 28), extra_len = Get16(zip, at + 30),
                   comment_len = Get16(zip, at + 32), start_disk = Get16(zip, at + 34);
    const uint32_t local = Get32(zip, at + 42);
    const uint64_t next = uint64_t{at} + kCentralHeaderSize + name_len + extra_len + comment_len;
    if (next > uint64_t{cd_offset} + cd_size) return Bad("corrupt central directory");
    const std::string name(zip.substr(at + kCentralHeaderSize, name_len));
    at = static_cast<size_t>(next);
    const std::string label = "entry '" + name + "': ";
    if (name_len > limits.max_name_size) return Bad(label + "name too long");
    if ((flags & 0x1) != 0 || (flags & 0x40) != 0)
      return Bad(label + "encrypted entries unsupported");
    if ((flags & 0x8) != 0) return Bad(label + "data descriptors unsupported");
    if (method != 0) return Bad(label + "compressed entries unsupported (only STORED)");
    if (csize == 0xFFFFFFFF || usize == 0xFFFFFFFF || local == 0xFFFFFFFF || start_disk != 0) {
      return Bad(label + "zip64 unsupported");
    }
    if (csize != usize) return Bad(label + "stored sizes disagree");
    const bool is_dir = !name.empty() && name.back() == '/';
    if (!IsSafeZipName(is_dir ? std::string_view(name).substr(0, name.size() - 1) : name)) {
      return Bad(label + "unsafe name");
    }
    if (!names.insert(name).second) return Bad(label + "duplicate name");
    // Local header must agree with the central directory.
    if (uint64_t{local} + kLocalHeaderSize > cd_offset || Get32(zip, local) != kLocalSig) {
      return Bad(label + "bad local header");
    }
    const uint16_t l_flags = Get16(zip, local + 6), l_method = Get16(zip, local + 8);
    const uint32_t l_crc = Get32(zip, local + 14), l_csize = Get32(zip, local + 18),
                   l_usize = Get32(zip, local + 22);
    const uint16_t l_name_len = Get16(zip, local + 26), l_extra_len = Get16(zip, local + 28);
    const uint64_t data_at = uint64_t{local} + kLocalHeaderSize + l_name_len + l_extra_len;
    if (l_flags != flags || l_method != method || l_crc != crc || l_csize != csize ||
        l_usize != usize || l_name_len != name_len || data_at + usize > cd_offset ||
        zip.substr(local + kLocalHeaderSize, l_name_len) != name) {
      return Bad(label + "local header disagrees with central directory");
    }
    spans.emplace_back(local, data_at + usize);
    if (is_dir) {
      if (usize != 0) return Bad(label + "directory with data");
      continue;
    }
    total += usize;
    if (total > limits.max_total_size) return Bad("archive contents exceed the size limit");
    std::string_view data = zip.substr(static_cast<size_t>(data_at), usize);
    if (Crc32(data) != crc) return Bad(label + "CRC-32 mismatch");
    entries.push_back(ZipEntryView{name, data});
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].first < spans[i - 1].second) return Bad("overlapping entries");
  }
  return entries;
}

Result<std::vector<ZipEntry>> ReadZip(std::string_view zip, const ZipLimits& limits) {
  CUSTOS_ASSIGN_OR_RETURN(std::vector<ZipEntryView> views, ReadZipViews(zip, limits));
  std::vector<ZipEntry> entries;
  entries.reserve(views.size());
  for (ZipEntryView& v : views) entries.push_back(ZipEntry{std::move(v.name), std::string(v.data)});
  return entries;
}

}  // namespace custos::core
