#include "cli_args.h"

#include <cstdlib>

namespace custos::tools {

using core::Status;

core::Result<Args> ParseArgs(int argc, char** argv, int first,
                             const std::set<std::string>& with_value,
                             const std::set<std::string>& booleans) {
  Args out;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (++i; i < argc; ++i) out.positional.emplace_back(argv[i]);
      break;
    }
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (with_value.contains(name)) {
      if (!inline_value) {
        if (i + 1 >= argc) return Status::InvalidArgument("--" + name + " needs a value");
        value = argv[++i];
      }
      out.options[name] = value;
    } else if (booleans.contains(name) && !inline_value) {
      out.flags.insert(name);
    } else {
      return Status::InvalidArgument("unknown option --" + name);
    }
  }
  return out;
}

std::string TakeOutputPath(Args* args) {
  std::string out = args->Get("output", args->Get("o"));
  std::vector<std::string> rest;
  for (size_t i = 0; i < args->positional.size(); ++i) {
    if (args->positional[i] == "-o" && i + 1 < args->positional.size()) {
      out = args->positional[++i];
    } else {
      rest.push_back(args->positional[i]);
    }
  }
  args->positional = std::move(rest);
  return out;
}

std::string DataDirFrom(const Args& args) {
  if (auto d = args.Get("data"); !d.empty()) return d;
  if (const char* env = std::getenv("CUSTOS_DATA"); env && *env) return env;
  return "data";
}

}  // namespace custos::tools
