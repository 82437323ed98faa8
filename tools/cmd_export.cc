// custos export bundle ID -o FILE
#include <fstream>
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/custody_bundle.h"
#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/log_keys.h"

namespace custos::tools {
namespace {
constexpr const char* kUsage = R"USAGE(usage:
  custos export bundle ID -o FILE [--documents] [--data DIR]
      writes the artifact's verification bundle (zip): custody entries, inclusion
      proofs, the signed checkpoint and the record; --documents adds the cited
      documents. Verify it with: custos-verify FILE --key "$(custos key show)"
  custos export dossier|csv|lido ...   see custos export dossier --help
)USAGE";
}  // namespace

int RunExport(int argc, char** argv) {
  if (argc >= 2) {
    std::string_view what = argv[1];
    if (what == "dossier" || what == "csv" || what == "lido") return RunExportInterchange(argc, argv);
  }
  auto args = ParseArgs(argc, argv, 1, {"data", "o", "output"}, {"help", "documents"});
  if (!args.ok()) {
    std::cerr << "custos export: " << args.status().message() << "\n" << kUsage;
    return 2;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  const std::string out = TakeOutputPath(&*args);
  const std::vector<std::string>& pos = args->positional;
  if (pos.size() != 2 || pos[0] != "bundle" || out.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  core::SystemClock clock;
  auto archive = archive::Archive::Open(DataDirFrom(*args), clock);
  if (!archive.ok()) {
    std::cerr << "custos export: " << archive.status().ToString() << "\n";
    return 1;
  }
  auto keys = archive::LogKeys::LoadOrCreate((*archive)->paths().keys());
  if (!keys.ok()) {
    std::cerr << "custos export: " << keys.status().ToString() << "\n";
    return 1;
  }
  auto log = archive::CustodyLog::Open((*archive)->database_ptr(), *keys, clock);
  if (!log.ok()) {
    std::cerr << "custos export: " << log.status().ToString() << "\n";
    return 1;
  }
  auto artifact = (*archive)->records().GetArtifact(pos[1]);
  if (!artifact.ok()) {
    std::cerr << "custos export: " << artifact.status().ToString() << "\n";
    return 1;
  }
  auto zip = archive::BuildCustodyBundle(
      **archive, **log, *artifact,
      args->Has("documents") ? archive::BundleDocuments::kAll : archive::BundleDocuments::kNone);
  if (!zip.ok()) {
    std::cerr << "custos export: " << zip.status().ToString() << "\n";
    return 1;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f.write(zip->data(), static_cast<std::streamsize>(zip->size()));
  f.close();
  if (!f) {
    std::cerr << "custos export: cannot write " << out << "\n";
    return 1;
  }
  std::cout << "wrote " << out << " (" << zip->size() << " bytes)\n";
  return 0;
}

}  // namespace custos::tools
