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
whose id exists is updated when it differs and left alone when it does not.
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

struct Summary {
  int64_t created = 0, updated = 0, unchanged = 0, rejected = 0;
};

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

struct Pending {
  std::string file;
  int64_t line;
  core::Artifact record;
};

void Reject(Summary& sum, const std::string& file, int64_t line, const std::string& id,
            const std::string& why) {
  ++sum.rejected;
  std::cerr << "rejected: " << file << ":" << line << (id.empty() ? "" : " id " + id) << ": "
            << why << "\n";
}

bool Flush(core::RecordStore& store, std::vector<Pending>& pending, Summary& sum) {
  if (pending.empty()) return true;
  std::vector<core::Artifact> batch;
  batch.reserve(pending.size());
  for (auto& p : pending) batch.push_back(p.record);
  auto result = store.UpsertArtifacts(std::move(batch), "import");
  if (!result.ok()) {
    std::cerr << "custos import: write failed, this batch of " << pending.size()
              << " records was not imported: " << result.status().ToString() << "\n";
    return false;
  }
  for (size_t i = 0; i < result->size(); ++i) {
    const auto& r = (*result)[i];
    if (!r.ok()) {
      Reject(sum, pending[i].file, pending[i].line, pending[i].record.id, r.status().ToString());
      continue;
    }
    switch (*r) {
      case core::UpsertOutcome::kCreated: ++sum.created; break;
      case core::UpsertOutcome::kUpdated: ++sum.updated; break;
      case core::UpsertOutcome::kUnchanged: ++sum.unchanged; break;
    }
  }
  pending.clear();
  return true;
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
  auto& store = (*archive)->records();

  Summary sum;
  Progress progress;
  int64_t seen = 0;
  std::vector<Pending> pending;
  bool file_failed = false;
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
      bool write_failed = false;
      auto take = [&](int64_t where, const std::string& id, core::Result<core::Artifact> a) -> core::Status {
        ++seen;
        if (!a.ok()) {
          Reject(sum, file, where, id, a.status().ToString());
          return core::Status::Ok();
        }
        if (auto st = core::DeriveArtifactFields(*a); !st.ok()) {
          Reject(sum, file, where, a->id, st.ToString());
          return core::Status::Ok();
        }
        if (dry_run) return core::Status::Ok();
        pending.push_back({file, where, std::move(a).value()});
        if (pending.size() >= batch_size && !Flush(store, pending, sum)) {
          write_failed = true;
          return core::Status::IOError("write failed");
        }
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
      if (write_failed) return 1;
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
      if (j.is_discarded()) {
        Reject(sum, file, line_no, "", "malformed JSON");
        continue;
      }
      auto a = core::ArtifactFromJson(j);
      std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"] : "";
      if (!a.ok()) {
        Reject(sum, file, line_no, id, a.status().ToString());
        continue;
      }
      if (auto st = core::DeriveArtifactFields(*a); !st.ok()) {
        Reject(sum, file, line_no, id, st.ToString());
        continue;
      }
      if (dry_run) continue;
      pending.push_back({file, line_no, std::move(a).value()});
      if (pending.size() >= batch_size && !Flush(store, pending, sum)) return 1;
      progress.Report(seen);
    }
  }
  if (!dry_run && !Flush(store, pending, sum)) return 1;
  progress.Report(seen, true);
  std::cout << (dry_run ? "dry run: " : "") << "created " << sum.created << ", updated "
            << sum.updated << ", unchanged " << sum.unchanged << ", rejected " << sum.rejected
            << " (" << seen << " records read)" << std::endl;
  return sum.rejected > 0 || file_failed ? 1 : 0;
}

}  // namespace custos::tools
