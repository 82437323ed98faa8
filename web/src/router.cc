#include "router.h"

#include <Poco/URI.h>

namespace custos::web {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) {
      std::string decoded;
      Poco::URI::decode(std::string(path.substr(i, j - i)), decoded);
      out.push_back(std::move(decoded));
    }
    i = j;
  }
  return out;
}

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  routes_.push_back({std::move(method), SplitPath(pattern), std::move(handler)});
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  std::vector<std::string> segs = SplitPath(path);
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& want = r.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params[want.substr(1, want.size() - 2)] = segs[i];
      } else {
        ok = want == segs[i];
      }
    }
    if (!ok) continue;
    m.path_known = true;
    m.allow += (m.allow.empty() ? "" : ", ") + r.method;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      if (!m.handler) {
        m.handler = &r.handler;
        m.params = std::move(params);
      }
    }
  }
  return m;
}

}  // namespace custos::web
