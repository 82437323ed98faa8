// Small argument parsing for the custos subcommands: `--name VALUE`,
// `--name=VALUE`, boolean `--flag`, and positional arguments.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "custos/core/status.h"

namespace custos::tools {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "data" -> "DIR"
  std::set<std::string> flags;                 // "dry-run"

  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
  bool Has(const std::string& name) const { return flags.contains(name); }
};

// Parses argv[first..]. `with_value` names options that take a value,
// `booleans` names flags. InvalidArgument on anything else.
core::Result<Args> ParseArgs(int argc, char** argv, int first,
                             const std::set<std::string>& with_value,
                             const std::set<std::string>& booleans);

// The output path from --output/--o or a short `-o FILE` left among the
// positional arguments; `-o FILE` is taken out of args->positional.
std::string TakeOutputPath(Args* args);

// The data directory: --data, else $CUSTOS_DATA, else ./data.
std::string DataDirFrom(const Args& args);

}  // namespace custos::tools
