// Private: HTML templates (kainjow mustache; {{x}} escapes HTML, {{{x}}} is
// used only for fields that are HTML already: search snippets and titles
// from the index, which escape and mark matches themselves, and the rendered
// page body inside the layout).
//
// The document viewer's page text is also HTML already (escaped, then the
// search words marked: pages_document.h). Empty strings are falsy in
// sections ({{#x}} hides, {{^x}} shows); numbers are strings, so 0 is truthy:
// pass a boolean for such conditions.
//
// Templates and static files are read from a folder at run time: the
// CUSTOS_TEMPLATES environment variable, else the source tree's templates/
// (compile definition CUSTOS_TEMPLATES_DIR). Files are cached after the first
// read. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "custos/core/status.h"

namespace custos::web {

class Templates {
 public:
  explicit Templates(std::string dir);
  // The folder chosen by CUSTOS_TEMPLATES / CUSTOS_TEMPLATES_DIR.
  static std::string DefaultDir();

  // Renders `<name>.mustache` with `data`, then `layout.mustache` with the
  // same data plus "content" (the page). NotFound / InvalidArgument (a
  // template syntax error, with the engine's message) / IOError.
  core::Result<std::string> RenderPage(const std::string& name, nlohmann::json data);
  core::Result<std::string> Render(const std::string& name, const nlohmann::json& data);
  // The bytes of `static/<file>`; NotFound for unknown or unsafe names.
  core::Result<std::string> Static(const std::string& file);

 private:
  core::Result<std::string> Read(const std::string& relative);
  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::string> cache_;
};

}  // namespace custos::web
