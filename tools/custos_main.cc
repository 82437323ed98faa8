// custos: the provenance archive's one binary.
#include <cstring>
#include <iostream>
#include <string>

#include "commands.h"

namespace {

constexpr const char* kUsage = R"(usage: custos COMMAND [options]

Commands:
  serve    run the HTTP server (first start creates the data directory and an admin)
  user     manage users and API tokens (add, list, token, password, disable, enable)
  import   import artifact records from JSON Lines, CSV or LIDO XML files
  key      show or rotate the custody log's signing key
  export   export an artifact's verification bundle or BagIt dossier, or all records
           as CSV or LIDO (export bundle|dossier|csv|lido)
  reindex  rebuild the search index from the store (no downtime)
  fsck     check records, the custody log and its checkpoints; non-zero on any problem
  bag      validate a BagIt bag (bag validate PATH)

Common options:
  --data DIR   the data directory (default: $CUSTOS_DATA, else ./data)

Run `custos COMMAND --help` for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "version") {
    std::cout << "custos 0.1.0\n";
    return 0;
  }
  if (cmd == "serve") return custos::tools::RunServe(argc - 1, argv + 1);
  if (cmd == "user") return custos::tools::RunUser(argc - 1, argv + 1);
  if (cmd == "import") return custos::tools::RunImport(argc - 1, argv + 1);
  if (cmd == "key") return custos::tools::RunKey(argc - 1, argv + 1);
  if (cmd == "export") return custos::tools::RunExport(argc - 1, argv + 1);
  if (cmd == "fsck") return custos::tools::RunFsck(argc - 1, argv + 1);
  if (cmd == "reindex") return custos::tools::RunReindex(argc - 1, argv + 1);
  if (cmd == "bag") return custos::tools::RunBag(argc - 1, argv + 1);
  std::cerr << "custos: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
