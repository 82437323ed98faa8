// custos import: JSON Lines, CSV and LIDO files of artifact records into the
// store (the running server's index follows the change feed and picks them
// up), with a progress display (import_progress.h) on stderr.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli_args.h"
#include "commands.h"
#include "custos/archive/csv_reader.h"
#include "custos/archive/data_dir.h"
#include "custos/archive/importer.h"
#include "custos/archive/lido_reader.h"
#include "custos/core/artifact_derive.h"
#include "import_progress.h"

namespace custos::tools {
namespace {

constexpr const char* kUsage =
    R"(usage: custos import [--data DIR] [--dry-run] [--batch N] [--validate]
                     [--schema XSD] FILE...

Imports artifact records. FILE is JSON Lines (.jsonl, .ndjson): one record
object per line, as the API takes them; CSV (.csv) with a header row naming
artifact fields; or LIDO XML (.xml, .lido; a lido:lido record, a lidoWrap or
an OAI-PMH response), recognised by extension or by its first bytes. A CSV or
LIDO file is checked whole before anything from it is written: a malformed
or hostile file imports nothing. Re-importing is idempotent: a record
whose id exists is updated when it differs and left alone when it does not;
a record without an id is matched to the record sharing one of its
identifiers (type and value), when exactly one does.
Bad records are reported with their line and id; good ones go in. Progress
goes to stderr: on a terminal a bar with rate and ETA, otherwise a
"progress:" line every 5 seconds.

  --dry-run   validate everything, write nothing
  --batch N   records per transaction (default 1000)
  --validate  validate LIDO files against the LIDO 1.1 XSD first
  --schema F  the XSD for --validate (default: the shipped lido-v1.1.xsd)
)";

enum class Format { kJsonLines, kCsv, kLido };

Format DetectFormat(const std::string& file) {
  auto ends = [&](std::string_view ext) {
    if (file.size() < ext.size()) return false;
    for (size_t i = 0; i < ext.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(file[file.size() - ext.size() + i])) != ext[i]) {
        return false;
      }
    }
    return true;
  };
  if (ends(".csv")) return Format::kCsv;
  if (ends(".xml") || ends(".lido")) return Format::kLido;
  if (ends(".jsonl") || ends(".ndjson") || ends(".json")) return Format::kJsonLines;
  // Sniff: XML starts with '<' after an optional BOM and whitespace.
  std::ifstream in(file, std::ios::binary);
  char buf[64] = {};
  in.read(buf, sizeof buf);
  std::string_view head(buf, static_cast<size_t>(in.gcount()));
  if (head.rfind("\xEF\xBB\xBF", 0) == 0) head.remove_prefix(3);
  size_t p = head.find_first_not_of(" \t\r\n");
  if (p != std::string_view::npos && head[p] == '<') return Format::kLido;
  if (p != std::string_view::npos && head[p] == '{') return Format::kJsonLines;
  return Format::kCsv;
}

// Non-blank lines: the records a JSON Lines file holds, for the progress
// display (0 when the file cannot be read; the import then says so).
int64_t CountJsonLines(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  }
  return n;
}

// Prints the importer's rejections not printed yet (flushed per file, so
// they name the right file).
void PrintRejections(const archive::RecordImporter& importer, const std::string& file,
                     size_t& printed) {
  const auto& r = importer.report().rejections;
  for (; printed < r.size(); ++printed) {
    std::cerr << "rejected: " << file << ":" << r[printed].where
              << (r[printed].id.empty() ? "" : " id " + r[printed].id) << ": "
              << r[printed].reason << "\n";
  }
}

}  // namespace

int RunImport(int argc, char** argv) {
  auto args = ParseArgs(argc, argv, 1, {"data", "batch", "schema"},
                       {"dry-run", "help", "validate"});
  if (!args.ok()) {
    std::cerr << "custos import: " << args.status().message() << "\n" << kUsage;
    return 2;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args->positional.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  size_t batch_size = 1000;
  try {
    batch_size = std::stoul(args->Get("batch", "1000"));
  } catch (const std::exception&) {
    batch_size = 0;
  }
  if (batch_size < 1 || batch_size > 100000) {
    std::cerr << "custos import: --batch must be 1 to 100000\n";
    return 2;
  }
  const bool dry_run = args->Has("dry-run");

  core::SystemClock clock;
  auto archive = archive::Archive::Open(DataDirFrom(*args), clock);
  if (!archive.ok()) {
    std::cerr << "custos import: " << archive.status().ToString() << "\n";
    return 1;
  }
  archive::ImportPolicy policy;
  policy.actor = "import";
  policy.dry_run = dry_run;
  policy.may_see_restricted = true;  // the operator's own data directory
  policy.batch_size = batch_size;
  archive::RecordImporter importer((*archive)->records(), policy);
  size_t printed = 0;

  int64_t seen = 0;
  bool file_failed = false;
  auto write_failed = [&](const core::Status& st) {
    std::cerr << "custos import: write failed, the current batch was not imported: "
              << st.ToString() << "\n";
    return 1;
  };
  // First pass: every CSV and LIDO file is checked whole before anything from
  // it is written (all-or-nothing per file; streaming, so memory stays flat),
  // and every file's records are counted for the progress display's ETA.
  struct Input {
    std::string file;
    Format format;
    bool sound = true;
  };
  std::vector<Input> inputs;
  int64_t total = 0;
  for (const std::string& file : args->positional) {
    Input input{file, DetectFormat(file)};
    if (input.format == Format::kJsonLines) {
      total += CountJsonLines(file);
    } else {
      core::Status bad;
      if (input.format == Format::kLido && args->Has("validate")) {
        bad = archive::ValidateXmlFileAgainstXsd(
            file, args->Get("schema", archive::DefaultLidoSchemaPath()));
      }
      if (bad.ok()) {
        auto checked = input.format == Format::kLido ? archive::CheckLidoFile(file)
                                                     : archive::CheckCsvFile(file);
        if (checked.ok()) {
          total += *checked;
        } else {
          bad = checked.status();
        }
      }
      if (!bad.ok()) {
        std::cerr << "custos import: " << file << ": " << bad.ToString()
                  << "\nnothing imported from " << file << "\n";
        file_failed = true;
        input.sound = false;
      }
    }
    inputs.push_back(std::move(input));
  }

  ImportProgress progress(total);
  for (const Input& input : inputs) {
    const std::string& file = input.file;
    if (!input.sound) continue;
    if (input.format != Format::kJsonLines) {
      core::Status write_error;
      auto take = [&](int64_t where, const std::string& id,
                      core::Result<core::Artifact> a) -> core::Status {
        ++seen;
        write_error = importer.Add(where, id, std::move(a));
        if (!write_error.ok()) return write_error;
        progress.Report(seen);
        return core::Status::Ok();
      };
      core::Status st = input.format == Format::kLido
                            ? archive::ReadLidoFile(file,
                                                    [&](archive::LidoRecord&& r) {
                                                      return take(r.line, r.lido_rec_id,
                                                                  std::move(r.artifact));
                                                    })
                            : archive::ReadCsvFile(file, [&](archive::CsvRecord&& r) {
                                return take(r.row, r.id, std::move(r.artifact));
                              });
      if (!write_error.ok()) return write_failed(write_error);
      if (auto f = importer.Finish(); !f.ok()) return write_failed(f);
      PrintRejections(importer, file, printed);
      if (!st.ok()) {
        std::cerr << "custos import: " << file << ": " << st.ToString() << "\n";
        file_failed = true;
      }
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "custos import: cannot read " << file << "\n";
      return 1;
    }
    std::string line;
    int64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      ++seen;
      auto j = nlohmann::json::parse(line, nullptr, false);
      core::Status st;
      if (j.is_discarded()) {
        st = importer.Add(line_no, "", core::Status::InvalidArgument("malformed JSON"));
      } else {
        std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"] : "";
        st = importer.Add(line_no, id, core::ArtifactFromJson(j));
      }
      if (!st.ok()) return write_failed(st);
      progress.Report(seen);
    }
    if (auto f = importer.Finish(); !f.ok()) return write_failed(f);
    PrintRejections(importer, file, printed);
  }
  if (auto f = importer.Finish(); !f.ok()) return write_failed(f);
  progress.Report(seen, true);
  const auto& sum = importer.report();
  if (sum.rejected > static_cast<int64_t>(printed)) {
    std::cerr << "(" << sum.rejected - static_cast<int64_t>(printed)
              << " more rejections not listed)\n";
  }
  std::cout << (dry_run ? "dry run: " : "") << "created " << sum.created << ", updated "
            << sum.updated << ", unchanged " << sum.unchanged << ", rejected " << sum.rejected
            << " (" << seen << " records read)" << std::endl;
  return sum.rejected > 0 || file_failed ? 1 : 0;
}

}  // namespace custos::tools
