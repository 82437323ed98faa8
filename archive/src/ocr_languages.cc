#include "custos/archive/ocr_languages.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace custos::archive {

using core::Result;
using core::Status;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxLanguages = 8;

bool IsDir(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_directory(path, ec);
}

// Language codes are file names: letters, digits and '_' only ("chi_sim").
bool IsLanguageCode(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

Result<std::string> FindTessdataDir(const std::string& configured) {
  if (!configured.empty()) {
    if (IsDir(configured)) return configured;
    return Status::NotFound("tessdata directory " + configured + " does not exist");
  }
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env != nullptr && *env != '\0') {
    std::string prefix(env);
    while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
    if (IsDir(prefix + "/tessdata")) return prefix + "/tessdata";
    if (IsDir(prefix)) return prefix;
  }
  for (const char* dir : {"/usr/share/tesseract-ocr/5/tessdata",
                          "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata"}) {
    if (IsDir(dir)) return std::string(dir);
  }
  return Status::NotFound("no tesseract language data installed (tesseract-ocr-eng)");
}

Result<std::vector<std::string>> InstalledOcrLanguages(const std::string& tessdata_dir) {
  if (!IsDir(tessdata_dir)) return Status::NotFound("no tessdata directory " + tessdata_dir);
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tessdata_dir, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".traineddata") continue;
    std::string code = p.stem().string();
    if (code == "osd" || code == "equ" || !IsLanguageCode(code)) continue;
    out.push_back(std::move(code));
  }
  if (ec) return Status::IOError("cannot list " + tessdata_dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> ValidateOcrLanguages(const std::vector<std::string>& requested,
                                                      const std::string& tessdata_dir) {
  std::vector<std::string> wanted;
  for (const std::string& lang : requested) {
    if (std::find(wanted.begin(), wanted.end(), lang) == wanted.end()) wanted.push_back(lang);
  }
  if (wanted.empty()) wanted.emplace_back(kDefaultOcrLanguage);
  if (wanted.size() > kMaxLanguages) {
    return Status::InvalidArgument("at most 8 OCR languages", "ocr_languages");
  }
  auto installed = InstalledOcrLanguages(tessdata_dir);
  if (!installed.ok()) return installed.status();
  for (const std::string& lang : wanted) {
    if (!IsLanguageCode(lang) || !std::binary_search(installed->begin(), installed->end(), lang)) {
      std::string list;
      for (const auto& l : *installed) list += (list.empty() ? "" : ", ") + l;
      return Status::InvalidArgument(
          "OCR language \"" + lang + "\" is not installed (installed: " + list + ")",
          "ocr_languages");
    }
  }
  return wanted;
}

std::string JoinOcrLanguages(const std::vector<std::string>& languages) {
  std::string out;
  for (const auto& l : languages) out += (out.empty() ? "" : "+") + l;
  return out;
}

std::vector<std::string> SplitOcrLanguages(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    size_t plus = joined.find('+');
    std::string_view part = joined.substr(0, plus);
    if (!part.empty()) out.emplace_back(part);
    if (plus == std::string_view::npos) break;
    joined.remove_prefix(plus + 1);
  }
  return out;
}

}  // namespace custos::archive
