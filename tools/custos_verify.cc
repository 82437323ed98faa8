// custos-verify: offline verifier for custos custody bundles and any C2SP
// signed note. Links only custos::core and libcrypto, so a foreign ministry can
// build and audit it without the rest of custos.
//
//   custos-verify BUNDLE --key VKEY [--key VKEY]...
//   custos-verify note FILE --key VKEY [--key VKEY]...
//
// Exit status: 0 valid, 1 invalid, 2 usage error (bad arguments, unreadable
// file, malformed key).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "custos/core/bundle.h"
#include "custos/core/signed_note.h"

namespace {

using custos::core::NoteVerifier;

constexpr int kValid = 0;
constexpr int kInvalid = 1;
constexpr int kUsage = 2;

constexpr std::string_view kUsageText =
    "usage: custos-verify BUNDLE --key VKEY [--key VKEY]...\n"
    "       custos-verify note FILE --key VKEY [--key VKEY]...\n"
    "\n"
    "Verifies a custos custody bundle (a .zip from `custos export bundle` or\n"
    "GET /api/v1/artifacts/{id}/bundle) or any C2SP signed note, offline.\n"
    "\n"
    "Bundle checks, one line each: checkpoint signature, each entry's signature,\n"
    "the chain (seq contiguous from 0, prev links), each inclusion proof against\n"
    "the checkpoint, the record hash in the repatriation entry, and each included\n"
    "document's hash; then a verdict.\n"
    "\n"
    "options:\n"
    "  --key VKEY        trust VKEY for checkpoints and custody entries\n"
    "  --log-key VKEY    trust VKEY for checkpoints only\n"
    "  --entry-key VKEY  trust VKEY for custody entries only\n"
    "  --jobs N          check entry signatures on N threads (default: the\n"
    "                    number of cores, at most 8; the output is the same)\n"
    "  --help            show this text\n"
    "\n"
    "VKEY is a C2SP verifier key (name+keyid+base64) or a file holding one or\n"
    "more of them, one per line. Bundles never carry keys: pin the ones you trust.\n"
    "\n"
    "exit status: 0 valid, 1 invalid, 2 usage error\n";

int Usage(const std::string& why) {
  std::cerr << "custos-verify: " << why << "\n\n" << kUsageText;
  return kUsage;
}

// Reads at most `limit` bytes of `path` (a regular file, a pipe or a
// device), refusing anything larger without reading past the limit.
bool ReadFile(const std::string& path, size_t limit, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  out->clear();
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    if (out->size() + static_cast<size_t>(in.gcount()) > limit) {
      *error = path + " is larger than " + std::to_string(limit) + " bytes";
      return false;
    }
    if (out->empty()) {  // one allocation for a regular file
      std::error_code ec;
      const auto size = std::filesystem::file_size(path, ec);
      if (!ec && size <= limit) out->reserve(size);
    }
    out->append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    *error = "cannot read " + path;
    return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A key given inline, or a file of keys (one per line).
bool LoadKeys(const std::string& arg, std::vector<NoteVerifier>* out, std::string* error) {
  if (auto v = NoteVerifier::Parse(arg); v.ok()) {
    out->push_back(std::move(v).value());
    return true;
  }
  std::string text;
  if (!ReadFile(arg, 1 << 20, &text, error)) {
    *error = "'" + arg + "' is neither a verifier key (name+keyid+base64) nor a readable file";
    return false;
  }
  size_t found = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = Trim(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto v = NoteVerifier::Parse(line);
    if (!v.ok()) {
      *error = arg + ": bad verifier key '" + std::string(line) + "': " + v.status().message();
      return false;
    }
    out->push_back(std::move(v).value());
    ++found;
  }
  if (found == 0) {
    *error = arg + " holds no verifier key";
    return false;
  }
  return true;
}

std::string KeyLabel(const custos::core::NoteSignature& s) {
  char id[9];
  std::snprintf(id, sizeof id, "%08x", s.key_id);
  return s.name + "+" + id;
}

int VerifyNote(const std::string& path, const std::vector<NoteVerifier>& keys) {
  std::string msg, error;
  if (!ReadFile(path, custos::core::kMaxNoteSize + 1, &msg, &error)) return Usage(error);
  auto note = custos::core::OpenNote(msg, keys);
  if (!note.ok()) {
    std::cout << "FAIL note signature: " << note.status().message() << "\n";
    std::cerr << "FAIL note signature: " << note.status().message() << "\n";
    std::cout << "INVALID: " << path << "\n";
    return kInvalid;
  }
  for (const auto& s : note->verified) std::cout << "ok  signature by " << KeyLabel(s) << "\n";
  for (const auto& s : note->unverified) {
    std::cout << "skip signature by " << KeyLabel(s) << ": key not trusted\n";
  }
  std::cout << "VALID: " << path << "\n";
  return kValid;
}

int VerifyBundleFile(const std::string& path, const std::vector<NoteVerifier>& log_keys,
                     const std::vector<NoteVerifier>& entry_keys, unsigned jobs) {
  std::string bytes, error;
  if (!ReadFile(path, size_t{4} << 30, &bytes, &error)) return Usage(error);
  const custos::core::BundleReport report =
      custos::core::VerifyBundle(bytes, log_keys, entry_keys, jobs);
  size_t failed = 0;
  for (const std::string& line : report.Lines()) {
    std::cout << line << "\n";
    if (line.starts_with("FAIL ")) {
      std::cerr << line << "\n";
      ++failed;
    }
  }
  if (report.valid) {
    std::cout << "VALID: chain of custody of " << report.artifact << ", " << report.entry_count
              << " entries, verified against the pinned keys\n";
    return kValid;
  }
  std::cout << "INVALID: " << failed << " of " << report.checks.size() << " checks failed\n";
  return kInvalid;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  std::vector<NoteVerifier> log_keys, entry_keys;
  unsigned jobs = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsageText;
      return kValid;
    }
    std::string option, value;
    if (arg.starts_with("--")) {
      const size_t eq = arg.find('=');
      option = arg.substr(0, eq);
      if (option != "--key" && option != "--log-key" && option != "--entry-key" &&
          option != "--jobs") {
        return Usage("unknown option " + option);
      }
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return Usage(option + " needs a value");
      }
      if (option == "--jobs") {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || end != value.data() + value.size() || n < 1 || n > 64) {
          return Usage("--jobs needs a whole number from 1 to 64");
        }
        jobs = n;
        continue;
      }
      std::vector<NoteVerifier> keys;
      std::string error;
      if (!LoadKeys(value, &keys, &error)) return Usage(error);
      if (option != "--entry-key") log_keys.insert(log_keys.end(), keys.begin(), keys.end());
      if (option != "--log-key") entry_keys.insert(entry_keys.end(), keys.begin(), keys.end());
      continue;
    }
    positional.push_back(std::move(arg));
  }
  if (positional.size() == 2 && positional[0] == "note") {
    std::vector<NoteVerifier> all = log_keys;
    all.insert(all.end(), entry_keys.begin(), entry_keys.end());
    if (all.empty()) return Usage("no --key given");
    return VerifyNote(positional[1], all);
  }
  if (positional.size() != 1) return Usage("expected one BUNDLE (or: note FILE)");
  if (log_keys.empty()) return Usage("no key trusted for the checkpoint (--key or --log-key)");
  if (entry_keys.empty()) return Usage("no key trusted for entries (--key or --entry-key)");
  return VerifyBundleFile(positional[0], log_keys, entry_keys, jobs);
}
