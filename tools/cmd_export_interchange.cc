// custos export dossier ID [-o PATH] [--dir] [--restricted]
// custos export csv [-o FILE] [--restricted]
// custos export lido --all -o FILE [--restricted]
#include <fstream>
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/csv_writer.h"
#include "custos/archive/custody_log.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/dossier.h"
#include "custos/archive/lido_writer.h"
#include "custos/archive/log_keys.h"

namespace custos::tools {

using core::Status;

namespace {

constexpr const char* kUsage = R"USAGE(usage:
  custos export dossier ID [-o PATH] [--dir] [--restricted] [--data DIR]
      writes the artifact's BagIt 1.0 dossier: the record (JSON and LIDO), its
      documents, its custody bundle, bag-info.txt, SHA-256 and SHA-512
      manifests. A zip by default (PATH defaults to custos-dossier-ID.zip);
      with --dir a bag directory at PATH (default custos-dossier-ID), which
      `custos bag validate` checks.
  custos export csv [-o FILE] [--restricted] [--data DIR]
      writes every record as CSV in the columns `custos import` reads
      (stdout without -o).
  custos export lido --all -o FILE [--restricted] [--data DIR]
      streams every record into one LIDO 1.1 lidoWrap file.

Without --restricted only public records (and no case data or restricted
documents) are exported, as an anonymous reader would see them.
)USAGE";

constexpr int kPage = 500;

template <typename Fn>
Status ForEachRecord(archive::Archive& archive, bool restricted, Fn fn) {
  for (int64_t offset = 0;; offset += kPage) {
    CUSTOS_ASSIGN_OR_RETURN(auto page, archive.records().ListArtifacts(offset, kPage, restricted));
    for (const auto& a : page.items) CUSTOS_RETURN_IF_ERROR(fn(a));
    if (page.items.size() < static_cast<size_t>(kPage)) return Status::Ok();
  }
}

int Fail(const Status& st) {
  std::cerr << "custos export: " << st.ToString() << "\n";
  return 1;
}

}  // namespace

int RunExportInterchange(int argc, char** argv) {
  auto args =
      ParseArgs(argc, argv, 1, {"data", "o", "output"}, {"help", "dir", "all", "restricted"});
  if (!args.ok()) {
    std::cerr << "custos export: " << args.status().message() << "\n" << kUsage;
    return 2;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  std::string out = TakeOutputPath(&*args);
  const std::vector<std::string>& pos = args->positional;
  const std::string what = pos.empty() ? "" : pos[0];
  const bool restricted = args->Has("restricted");
  if ((what == "dossier" && pos.size() != 2) || (what == "csv" && pos.size() != 1) ||
      (what == "lido" && (pos.size() != 1 || !args->Has("all") || out.empty()))) {
    std::cerr << kUsage;
    return 2;
  }
  core::SystemClock clock;
  auto archive = archive::Archive::Open(DataDirFrom(*args), clock);
  if (!archive.ok()) return Fail(archive.status());

  if (what == "csv") {
    std::ofstream file;
    if (!out.empty()) {
      file.open(out, std::ios::binary | std::ios::trunc);
      if (!file) return Fail(Status::IOError("cannot create " + out));
    }
    std::ostream& os = out.empty() ? std::cout : file;
    os << archive::CsvHeaderRow();
    int64_t n = 0;
    Status st = ForEachRecord(**archive, restricted, [&](const core::Artifact& a) {
      os << archive::ArtifactToCsvRow(a);
      ++n;
      return os ? Status::Ok() : Status::IOError("cannot write " + (out.empty() ? "stdout" : out));
    });
    if (!st.ok()) return Fail(st);
    os.flush();
    if (!os) return Fail(Status::IOError("cannot write " + (out.empty() ? "stdout" : out)));
    if (!out.empty()) std::cout << "wrote " << out << " (" << n << " records)\n";
    return 0;
  }

  if (what == "lido") {
    auto writer = archive::LidoWrapWriter::Create(out);
    if (!writer.ok()) return Fail(writer.status());
    int64_t n = 0;
    Status st = ForEachRecord(**archive, restricted, [&](const core::Artifact& a) {
      ++n;
      return (*writer)->Add(a);
    });
    if (!st.ok()) return Fail(st);
    if (Status f = (*writer)->Finish(); !f.ok()) return Fail(f);
    std::cout << "wrote " << out << " (" << n << " records)\n";
    return 0;
  }

  // dossier
  auto artifact = (*archive)->records().GetArtifact(pos[1]);
  if (!artifact.ok()) return Fail(artifact.status());
  if (artifact->visibility == core::Visibility::kRestricted && !restricted) {
    return Fail(
        Status::Forbidden("artifact " + pos[1] + " is restricted; pass --restricted to export it"));
  }
  std::unique_ptr<archive::CustodyLog> log;
  auto keys = archive::LogKeys::LoadOrCreate((*archive)->paths().keys());
  if (!keys.ok()) return Fail(keys.status());
  auto opened = archive::CustodyLog::Open((*archive)->database_ptr(), *keys, clock);
  if (!opened.ok()) return Fail(opened.status());
  log = std::move(opened).value();
  archive::DossierOptions options;
  options.include_restricted = restricted;
  options.bagging_date = core::FormatRfc3339Millis(clock.NowMillis()).substr(0, 10);
  auto files = archive::BuildDossier(**archive, log.get(), *artifact, options);
  if (!files.ok()) return Fail(files.status());
  const std::string base = archive::DossierBaseName(*artifact);
  if (args->Has("dir")) {
    if (out.empty()) out = base;
    if (Status st = archive::WriteDossierDirectory(*files, out); !st.ok()) return Fail(st);
    std::cout << "wrote " << out << " (" << files->size() << " files)\n";
    return 0;
  }
  if (out.empty()) out = base + ".zip";
  auto zip = archive::DossierZip(*files, base);
  if (!zip.ok()) return Fail(zip.status());
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f.write(zip->data(), static_cast<std::streamsize>(zip->size()));
  f.close();
  if (!f) return Fail(Status::IOError("cannot write " + out));
  std::cout << "wrote " << out << " (" << zip->size() << " bytes)\n";
  return 0;
}

}  // namespace custos::tools
