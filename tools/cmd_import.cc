// custos import: JSON Lines of artifact records into the store (the running
// server's index follows the change feed and picks them up).
#include <unistd.h>

#include <chrono>
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

namespace custos::tools {
namespace {

constexpr const char* kUsage = R"(usage: custos import [--data DIR] [--dry-run] [--batch N] [--validate]
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
Bad records are reported with their line and id; good ones go in.

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

class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}
  void Report(int64_t done, bool final = false) {
    auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(tty_ ? 200 : 5000)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? done / secs : 0;
    if (tty_) {
      std::fprintf(stderr, "\r%lld records  %.0f/s   ", static_cast<long long>(done), rate);
      if (final) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "progress: %lld records, %.0f/s\n", static_cast<long long>(done), rate);
    }
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_{};
};

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

  Progress progress;
  int64_t seen = 0;
  bool file_failed = false;
  auto write_failed = [&](const core::Status& st) {
    std::cerr << "custos import: write failed, the current batch was not imported: "
              << st.ToString() << "\n";
    return 1;
  };
  for (const std::string& file : args->positional) {
    const Format format = DetectFormat(file);
    if (format != Format::kJsonLines) {
      // All-or-nothing per file: parse the whole file first (streaming, so
      // memory stays flat), write only when it is sound.
      if (format == Format::kLido && args->Has("validate")) {
        std::string xsd = args->Get("schema", archive::DefaultLidoSchemaPath());
        if (auto v = archive::ValidateXmlFileAgainstXsd(file, xsd); !v.ok()) {
          std::cerr << "custos import: " << file << ": " << v.ToString()
                    << "\nnothing imported from " << file << "\n";
          file_failed = true;
          continue;
        }
      }
      auto checked = format == Format::kLido ? archive::CheckLidoFile(file)
                                             : archive::CheckCsvFile(file);
      if (!checked.ok()) {
        std::cerr << "custos import: " << file << ": " << checked.status().ToString()
                  << "\nnothing imported from " << file << "\n";
        file_failed = true;
        continue;
      }
      core::Status write_error;
      auto take = [&](int64_t where, const std::string& id,
                      core::Result<core::Artifact> a) -> core::Status {
        ++seen;
        write_error = importer.Add(where, id, std::move(a));
        if (!write_error.ok()) return write_error;
        progress.Report(seen);
        return core::Status::Ok();
      };
      core::Status st = format == Format::kLido
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
