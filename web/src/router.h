// Private: method + path routing with {name} segments.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http.h"

namespace custos::web {

class Router {
 public:
  using Handler = std::function<core::Result<Reply>(RequestContext&)>;

  // `pattern` is a path such as "/api/v1/artifacts/{id}/history".
  void Add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;      // null: no route
    bool path_known = false;               // path matched but not the method
    std::string allow;                     // methods for the path (405's Allow)
    std::map<std::string, std::string> params;
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{id}" marks a parameter
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Splits "/a/b/c" into {"a","b","c"} (percent-decoded).
std::vector<std::string> SplitPath(std::string_view path);

}  // namespace custos::web
