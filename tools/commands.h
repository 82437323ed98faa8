// The custos subcommands. Each returns the process exit code:
// 0 success, 1 failure, 2 usage error.
#pragma once

namespace custos::tools {

int RunServe(int argc, char** argv);   // argv[0] == "serve"
int RunUser(int argc, char** argv);    // argv[0] == "user"
int RunImport(int argc, char** argv);  // argv[0] == "import"
int RunKey(int argc, char** argv);     // argv[0] == "key"
int RunExport(int argc, char** argv);  // argv[0] == "export"
int RunFsck(int argc, char** argv);    // argv[0] == "fsck"
int RunReindex(int argc, char** argv); // argv[0] == "reindex"
int RunBag(int argc, char** argv);     // argv[0] == "bag"
// export dossier|csv|lido (cmd_export_interchange.cc); argv[0] == "export"
int RunExportInterchange(int argc, char** argv);

}  // namespace custos::tools
