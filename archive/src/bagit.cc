// BagIt validation. See bagit.h.
#include "custos/archive/bagit.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "custos/core/digest.h"

namespace custos::archive {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFileBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes a tag file to UTF-8 per the declared encoding.
std::optional<std::string> Decode(const std::string& bytes, const std::string& encoding) {
  std::string enc;
  for (char c : encoding) enc += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (enc == "UTF-8" || enc == "UTF8") {
    if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) return bytes.substr(3);
    return bytes;
  }
  if (enc == "ISO-8859-1" || enc == "LATIN-1" || enc == "LATIN1") {
    std::string out;
    for (unsigned char c : bytes) AppendUtf8(out, c);
    return out;
  }
  if (enc == "UTF-16" || enc == "UTF-16LE" || enc == "UTF-16BE") {
    bool le = enc != "UTF-16BE";
    size_t i = 0;
    if (bytes.size() >= 2) {
      unsigned char a = bytes[0], b = bytes[1];
      if (a == 0xFF && b == 0xFE) le = true, i = 2;
      else if (a == 0xFE && b == 0xFF) le = false, i = 2;
    }
    std::string out;
    for (; i + 1 < bytes.size(); i += 2) {
      uint32_t u = le ? (static_cast<unsigned char>(bytes[i]) | static_cast<unsigned char>(bytes[i + 1]) << 8)
                      : (static_cast<unsigned char>(bytes[i]) << 8 | static_cast<unsigned char>(bytes[i + 1]));
      if (u >= 0xD800 && u < 0xDC00 && i + 3 < bytes.size()) {
        uint32_t lo = le ? (static_cast<unsigned char>(bytes[i + 2]) | static_cast<unsigned char>(bytes[i + 3]) << 8)
                         : (static_cast<unsigned char>(bytes[i + 2]) << 8 | static_cast<unsigned char>(bytes[i + 3]));
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
      AppendUtf8(out, u);
    }
    return out;
  }
  return std::nullopt;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// A key that ignores ASCII case and Latin diacritics (composed or combining),
// to recognise names that differ only by case or Unicode normalization.
std::string FoldKey(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
      ++i;
      continue;
    }
    uint32_t cp = 0;
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    cp = n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
    for (int k = 1; k <= n && i + k < s.size(); ++k) cp = cp << 6 | (s[i + k] & 0x3F);
    i += n + 1;
    if (cp >= 0x300 && cp <= 0x36F) continue;  // combining marks
    static const char* kLatin1 =  // U+00C0..U+00FF base letters
        "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
        "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp >= 0xC0 && cp <= 0xFF) {
      out += kLatin1[cp - 0xC0];
      continue;
    }
    AppendUtf8(out, cp);
  }
  return out;
}

bool IsSpecialSystemFile(const std::string& rel) {
  std::string base = rel.substr(rel.rfind('/') + 1);
  return base == ".DS_Store" || base == "Thumbs.db" || base == "desktop.ini" ||
         base.rfind("._", 0) == 0;
}

struct Entry {
  std::string digest;
  std::string path;
};

class Validator {
 public:
  explicit Validator(fs::path root) : root_(std::move(root)) {}

  BagValidation Run() {
    CheckBagitTxt();
    if (!out_.errors.empty()) return Finish();
    ReadFetch();
    CheckBagInfo();
    CollectFiles();
    CheckManifests(/*tag=*/false);
    CheckManifests(/*tag=*/true);
    CheckOxum();
    return Finish();
  }

 private:
  void Error(std::string s) { out_.errors.push_back(std::move(s)); }
  void Warn(std::string s) { out_.warnings.push_back(std::move(s)); }

  BagValidation Finish() {
    out_.valid = out_.errors.empty();
    return std::move(out_);
  }

  bool V1() const { return major_ >= 1; }

  void CheckBagitTxt() {
    auto bytes = ReadFileBytes(root_ / "bagit.txt");
    if (!bytes) return Error("bagit.txt is missing");
    if (bytes->rfind("\xEF\xBB\xBF", 0) == 0) return Error("bagit.txt starts with a byte order mark");
    auto lines = Lines(*bytes);
    if (lines.size() < 2) {
      return Error("bagit.txt must have the BagIt-Version and Tag-File-Character-Encoding lines");
    }
    const std::string kv = "BagIt-Version: ", ke = "Tag-File-Character-Encoding: ";
    if (lines[0].rfind(kv, 0) != 0) return Error("bagit.txt line 1 must be \"BagIt-Version: M.N\"");
    std::string version = lines[0].substr(kv.size());
    size_t dot = version.find('.');
    auto digits = [](std::string_view s) {
      return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (dot == std::string::npos || !digits(std::string_view(version).substr(0, dot)) ||
        !digits(std::string_view(version).substr(dot + 1))) {
      return Error("bagit.txt has an invalid BagIt-Version \"" + version + "\"");
    }
    out_.version = version;
    major_ = std::stoi(version.substr(0, dot));
    if (lines[1].rfind(ke, 0) != 0) {
      return Error("bagit.txt line 2 must be \"Tag-File-Character-Encoding: ENCODING\"");
    }
    encoding_ = lines[1].substr(ke.size());
    if (!Decode("", encoding_)) return Error("unsupported Tag-File-Character-Encoding " + encoding_);
  }

  std::optional<std::string> ReadTag(const std::string& name) {
    auto bytes = ReadFileBytes(root_ / name);
    if (!bytes) return std::nullopt;
    return Decode(*bytes, encoding_);
  }

  // Resolves a manifest/fetch path; empty (with an error) when out of scope.
  std::string CleanPath(std::string p, const std::string& where) {
    if (V1()) {
      // RFC 8493 2.1.3: CR, LF and % are percent-encoded in paths.
      std::string d;
      for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '%' && i + 2 < p.size() + 0 && i + 2 <= p.size() - 1) {
          std::string h = p.substr(i + 1, 2);
          for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          if (h == "0A") { d += '\n'; i += 2; continue; }
          if (h == "0D") { d += '\r'; i += 2; continue; }
          if (h == "25") { d += '%'; i += 2; continue; }
        }
        d += p[i];
      }
      p = d;
    }
    if (p.empty() || p[0] == '/' || p[0] == '~' || p[0] == '\\' ||
        (p.size() > 1 && p[1] == ':')) {
      Error(where + ": path \"" + p + "\" is outside the bag");
      return "";
    }
    if (p.rfind("./", 0) == 0) {
      Warn(where + ": path \"" + p + "\" has a leading ./");
      while (p.rfind("./", 0) == 0) p = p.substr(2);
    }
    std::string seg;
    std::istringstream ss(p);
    while (std::getline(ss, seg, '/')) {
      if (seg == "..") {
        Error(where + ": path \"" + p + "\" is outside the bag");
        return "";
      }
    }
    return p;
  }

  void ReadFetch() {
    if (!fs::exists(root_ / "fetch.txt")) return;
    auto text = ReadTag("fetch.txt");
    if (!text) return Error("fetch.txt cannot be read");
    int n = 0;
    for (const auto& line : Lines(*text)) {
      ++n;
      if (line.empty()) continue;
      std::istringstream ls(line);
      std::string url, length, path;
      ls >> url >> length;
      std::getline(ls, path);
      path.erase(0, path.find_first_not_of(" \t"));
      std::string where = "fetch.txt line " + std::to_string(n);
      if (url.empty() || length.empty() || path.empty()) {
        Error(where + " must be \"URL LENGTH PATH\"");
        continue;
      }
      std::string clean = CleanPath(path, where);
      if (clean.empty()) continue;
      if (clean.rfind("data/", 0) != 0) Error(where + ": fetched path must be under data/");
      fetch_.insert(clean);
    }
  }

  void CheckBagInfo() {
    if (!fs::exists(root_ / "bag-info.txt")) return;
    auto text = ReadTag("bag-info.txt");
    if (!text) return Error("bag-info.txt cannot be read");
    for (const auto& line : Lines(*text)) {
      if (line.rfind("Payload-Oxum:", 0) == 0) {
        std::string v = line.substr(13);
        v.erase(0, v.find_first_not_of(" \t"));
        oxum_ = v;
      }
    }
  }

  void CollectFiles() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string rel = fs::relative(it->path(), root_).generic_string();
      if (rel.rfind("data/", 0) == 0) {
        payload_.insert(rel);
        payload_bytes_ += static_cast<int64_t>(it->file_size());
      } else {
        tag_files_.insert(rel);
      }
      folded_[FoldKey(rel)].insert(rel);
    }
    if (!fs::is_directory(root_ / "data")) Error("the payload directory data/ is missing");
  }

  // After the manifests: a payload entry tolerated as missing (special system
  // file, case or normalization twin) makes a count mismatch a warning.
  void CheckOxum() {
    if (oxum_.empty()) return;
    size_t dot = oxum_.find('.');
    std::string want = std::to_string(payload_bytes_) + "." + std::to_string(payload_.size());
    if (dot == std::string::npos) {
      Error("bag-info.txt Payload-Oxum \"" + oxum_ + "\" is not OCTETS.COUNT");
    } else if (oxum_ != want) {
      std::string msg = "bag-info.txt Payload-Oxum is " + oxum_ + " but the payload is " + want;
      if (tolerated_missing_ || !fetch_.empty()) {
        Warn(msg);
      } else {
        Error(msg);
      }
    }
  }

  // Parses one manifest into entries; md5sum-style "*path" is accepted with a warning.
  std::vector<Entry> ParseManifest(const std::string& name) {
    std::vector<Entry> out;
    auto text = ReadTag(name);
    if (!text) {
      Error(name + " cannot be read");
      return out;
    }
    int n = 0;
    for (const auto& line : Lines(*text)) {
      ++n;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      size_t sp = line.find_first_of(" \t");
      std::string where = name + " line " + std::to_string(n);
      if (sp == std::string::npos) {
        Error(where + " must be \"DIGEST PATH\"");
        continue;
      }
      std::string digest = line.substr(0, sp);
      size_t p = line.find_first_not_of(" \t", sp);
      std::string path = p == std::string::npos ? "" : line.substr(p);
      if (!path.empty() && path[0] == '*') {
        Warn(where + ": md5sum-style '*' before the path");
        path.erase(0, 1);
      }
      for (char& c : digest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string clean = CleanPath(path, where);
      if (clean.empty()) continue;
      out.push_back({digest, clean});
    }
    return out;
  }

  void CheckManifests(bool tag) {
    const std::string prefix = tag ? "tagmanifest-" : "manifest-";
    std::vector<std::string> manifests;
    for (const auto& f : tag_files_) {
      if (f.find('/') == std::string::npos && f.rfind(prefix, 0) == 0 && f.size() > prefix.size() + 4 &&
          f.substr(f.size() - 4) == ".txt") {
        manifests.push_back(f);
      }
    }
    if (!tag && manifests.empty()) return Error("no payload manifest (manifest-ALGORITHM.txt)");
    for (const auto& m : manifests) {
      std::string alg = m.substr(prefix.size(), m.size() - prefix.size() - 4);
      if (!core::IsKnownDigest(alg)) {
        Warn(m + ": unknown algorithm " + alg + ", not checked");
        continue;
      }
      std::map<std::string, std::string> listed;
      for (const Entry& e : ParseManifest(m)) {
        if (!tag && e.path.rfind("data/", 0) != 0) {
          Error(m + ": \"" + e.path + "\" is not under data/");
          continue;
        }
        if (tag && e.path.rfind("data/", 0) == 0) {
          Error(m + ": \"" + e.path + "\" is a payload file in a tag manifest");
          continue;
        }
        auto [it, fresh] = listed.emplace(e.path, e.digest);
        if (!fresh) {
          if (it->second != e.digest) {
            Error(m + ": \"" + e.path + "\" is listed twice with different digests");
          } else if (V1()) {
            Error(m + ": \"" + e.path + "\" is listed twice");
          } else {
            Warn(m + ": \"" + e.path + "\" is listed twice");
          }
          continue;
        }
        const auto& present = tag ? tag_files_ : payload_;
        if (!present.contains(e.path)) {
          auto f = folded_.find(FoldKey(e.path));
          if (!tag && (fetch_.contains(e.path) || IsSpecialSystemFile(e.path) ||
                       (f != folded_.end() && !f->second.empty()))) {
            tolerated_missing_ = true;
          }
          if (f != folded_.end() && !f->second.empty()) {
            Warn(m + ": \"" + e.path + "\" differs only by case or Unicode normalization from \"" +
                 *f->second.begin() + "\"");
          } else if (fetch_.contains(e.path)) {
            Warn(m + ": \"" + e.path + "\" is listed in fetch.txt and not fetched yet");
          } else if (IsSpecialSystemFile(e.path)) {
            Warn(m + ": special system file \"" + e.path + "\" is missing");
          } else {
            Error(m + ": \"" + e.path + "\" is missing");
          }
          continue;
        }
        auto got = core::DigestFileHex(alg, (root_ / e.path).string());
        if (!got.ok()) {
          Error(m + ": " + got.status().message());
        } else if (*got != e.digest) {
          Error(m + ": \"" + e.path + "\" has " + alg + " " + *got + ", the manifest says " + e.digest);
        }
      }
      if (!tag) {
        for (const auto& f : payload_) {
          if (!listed.contains(f)) Error(m + ": payload file \"" + f + "\" is not listed");
        }
      }
    }
  }

  fs::path root_;
  BagValidation out_;
  int major_ = 0;
  std::string encoding_ = "UTF-8";
  std::string oxum_;
  int64_t payload_bytes_ = 0;
  bool tolerated_missing_ = false;
  std::set<std::string> payload_, tag_files_, fetch_;
  std::map<std::string, std::set<std::string>> folded_;
};

}  // namespace

Result<BagValidation> ValidateBag(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::IOError(dir + " is not a directory");
  return Validator(dir).Run();
}

}  // namespace custos::archive
