// custos key: show, rotate, finish-rotation.
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/log_keys.h"

namespace custos::tools {
namespace {
constexpr const char* kUsage = R"(usage:
  custos key show [--data DIR]             prints the log's verifier key (pin this one)
  custos key list [--data DIR]             every verifier key the log has used
  custos key rotate [--data DIR]           new log key; the old one co-signs checkpoints
  custos key finish-rotation [--data DIR]  stop co-signing with the old key (it stays
                                           valid for the entries it signed)
Rotate with the server stopped, or restart it afterwards.
)";
}  // namespace

int RunKey(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 1, {"data", "origin"}, {"help"});
  if (!args.ok() || args->Has("help") || args->positional.size() != 1) {
    if (!args.ok()) std::cerr << "custos key: " << args.status().message() << "\n";
    (args.ok() && args->Has("help") ? std::cout : std::cerr) << kUsage;
    return args.ok() && args->Has("help") ? 0 : 2;
  }
  archive::DataPaths paths{DataDirFrom(*args)};
  if (auto st = archive::PrepareDataDir(paths); !st.ok()) {
    std::cerr << "custos key: " << st.ToString() << "\n";
    return 1;
  }
  const std::string& verb = args->positional[0];
  core::Status st;
  if (verb == "rotate") {
    st = archive::LogKeys::Rotate(paths.keys());
  } else if (verb == "finish-rotation") {
    st = archive::LogKeys::FinishRotation(paths.keys());
  } else if (verb != "show" && verb != "list") {
    std::cerr << "custos key: unknown action '" << verb << "'\n" << kUsage;
    return 2;
  }
  if (!st.ok()) {
    std::cerr << "custos key: " << st.ToString() << "\n";
    return 1;
  }
  auto keys = archive::LogKeys::LoadOrCreate(paths.keys(), args->Get("origin", "custos.local/log"));
  if (!keys.ok()) {
    std::cerr << "custos key: " << keys.status().ToString() << "\n";
    return 1;
  }
  if (verb == "list") {
    for (const auto& v : keys->verifiers()) std::cout << v.ToString() << "\n";
  } else {
    std::cout << keys->active_vkey() << "\n";
  }
  return 0;
}

}  // namespace custos::tools
