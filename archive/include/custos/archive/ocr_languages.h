// OCR languages: the tesseract language data installed on this machine
// (Debian's tesseract-ocr-* packages put them in
// /usr/share/tesseract-ocr/<version>/tessdata). Documents name the languages
// their OCR should use; only installed ones are accepted. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::archive {

// The language OCR uses when a document names none.
inline constexpr std::string_view kDefaultOcrLanguage = "eng";

// The tessdata directory: `configured` when not empty, else $TESSDATA_PREFIX
// (the directory itself or its tessdata/ subdirectory), else the first of
// /usr/share/tesseract-ocr/{5,4.00}/tessdata and /usr/share/tessdata that
// exists. NotFound when none does.
core::Result<std::string> FindTessdataDir(const std::string& configured = "");

// The installed language codes (file names of *.traineddata without the
// extension, except "osd" and "equ", which are not languages), sorted.
// NotFound when there is no tessdata directory, IOError.
core::Result<std::vector<std::string>> InstalledOcrLanguages(const std::string& tessdata_dir);

// Checks and normalises a document's OCR languages: empty means {"eng"};
// duplicates are dropped (order kept, it ranks the languages for tesseract).
// InvalidArgument (field "ocr_languages") naming an unknown or uninstalled
// language and listing the installed ones; at most 8 languages.
core::Result<std::vector<std::string>> ValidateOcrLanguages(
    const std::vector<std::string>& requested, const std::string& tessdata_dir);

// "eng+deu" <-> {"eng", "deu"} (tesseract's own syntax, also how they are
// stored).
std::string JoinOcrLanguages(const std::vector<std::string>& languages);
std::vector<std::string> SplitOcrLanguages(std::string_view joined);

}  // namespace custos::archive
