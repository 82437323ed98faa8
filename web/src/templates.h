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
// read, and parsed templates are pooled: a render takes a parsed copy, or
// parses one, and gives it back (the engine's objects are not safe to share
// between threads while rendering). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "custos/core/status.h"

namespace kainjow::mustache {
template <typename StringType>
class basic_mustache;
}  // namespace kainjow::mustache

namespace custos::web {

class Templates {
 public:
  explicit Templates(std::string dir);
  ~Templates();
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
  using Parsed = kainjow::mustache::basic_mustache<std::string>;
  core::Result<std::string> Read(const std::string& relative);
  // A parsed `name` from the pool, or a fresh parse; Put gives it back.
  core::Result<std::unique_ptr<Parsed>> Take(const std::string& name);
  void Put(const std::string& name, std::unique_ptr<Parsed> parsed);

  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::string> cache_;                     // file -> bytes
  std::map<std::string, std::vector<std::unique_ptr<Parsed>>> idle_;  // name -> parsed
};

}  // namespace custos::web
