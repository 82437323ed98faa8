#include "templates.h"

#include <kainjow/mustache.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace custos::web {

using core::Result;
using core::Status;
using nlohmann::json;
namespace mst = kainjow::mustache;

namespace {

mst::data ToData(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      mst::data d{mst::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, ToData(v));
      return d;
    }
    case json::value_t::array: {
      mst::data d{mst::data::type::list};
      for (const auto& v : j) d.push_back(ToData(v));
      return d;
    }
    case json::value_t::string:
      // kainjow treats "" as true in {{#x}} sections; an empty field should
      // hide its section (and render as nothing), so it becomes false.
      if (j.get_ref<const std::string&>().empty()) return mst::data(false);
      return mst::data(j.get<std::string>());
    case json::value_t::boolean: return mst::data(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return mst::data(j.dump());
    default: return mst::data(false);
  }
}

}  // namespace

Templates::Templates(std::string dir) : dir_(std::move(dir)) {}
Templates::~Templates() = default;

std::string Templates::DefaultDir() {
  const char* env = std::getenv("CUSTOS_TEMPLATES");
  if (env && *env) return env;
#ifdef CUSTOS_TEMPLATES_DIR
  return CUSTOS_TEMPLATES_DIR;
#else
  return "templates";
#endif
}

Result<std::string> Templates::Read(const std::string& relative) {
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(relative); it != cache_.end()) return it->second;
  }
  std::ifstream in(dir_ + "/" + relative, std::ios::binary);
  if (!in) return Status::NotFound("no template " + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::lock_guard lock(mu_);
  return cache_.emplace(relative, ss.str()).first->second;
}

Result<std::unique_ptr<Templates::Parsed>> Templates::Take(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    if (auto it = idle_.find(name); it != idle_.end() && !it->second.empty()) {
      std::unique_ptr<Parsed> parsed = std::move(it->second.back());
      it->second.pop_back();
      return parsed;
    }
  }
  CUSTOS_ASSIGN_OR_RETURN(std::string text, Read(name + ".mustache"));
  auto parsed = std::make_unique<Parsed>(text);
  if (!parsed->is_valid()) {
    return Status::InvalidArgument("template " + name + ": " + parsed->error_message());
  }
  return parsed;
}

void Templates::Put(const std::string& name, std::unique_ptr<Parsed> parsed) {
  constexpr size_t kMaxIdle = 64;  // about the server's threads
  std::lock_guard lock(mu_);
  auto& idle = idle_[name];
  if (idle.size() < kMaxIdle) idle.push_back(std::move(parsed));
}

Result<std::string> Templates::Render(const std::string& name, const json& data) {
  CUSTOS_ASSIGN_OR_RETURN(std::unique_ptr<Parsed> tmpl, Take(name));
  std::string out = tmpl->render(ToData(data));
  if (!tmpl->is_valid()) {  // a render error stays with the object: not pooled
    return Status::InvalidArgument("template " + name + ": " + tmpl->error_message());
  }
  Put(name, std::move(tmpl));
  return out;
}

Result<std::string> Templates::RenderPage(const std::string& name, json data) {
  CUSTOS_ASSIGN_OR_RETURN(std::string body, Render(name, data));
  data["content"] = std::move(body);
  return Render("layout", data);
}

Result<std::string> Templates::Static(const std::string& file) {
  // One path segment of safe characters: no way out of static/.
  if (file.empty() || file[0] == '.' ||
      file.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
          std::string::npos) {
    return Status::NotFound("no static file " + file);
  }
  return Read("static/" + file);
}

}  // namespace custos::web
