#include "custos/archive/log_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "custos/core/ed25519.h"

namespace custos::archive {

using core::Result;
using core::Status;
namespace fs = std::filesystem;

namespace {

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes a small public file atomically (temp + fsync + rename).
Status WritePublicFile(const fs::path& p, const std::string& data) {
  fs::path tmp = p;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write " + tmp.string());
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::IOError("cannot write " + tmp.string());
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) return Status::IOError("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<core::NoteSigner> LoadSigner(const fs::path& key_file, const std::string& origin) {
  CUSTOS_ASSIGN_OR_RETURN(auto key, core::ReadPrivateKeyFile(key_file.string()));
  return core::NoteSigner::FromEd25519(origin, key);
}

Status CreateKey(const fs::path& dir, const std::string& stem, const std::string& origin) {
  CUSTOS_ASSIGN_OR_RETURN(auto key, core::Ed25519PrivateKey::Generate());
  CUSTOS_RETURN_IF_ERROR(core::WritePrivateKeyFile((dir / (stem + ".key")).string(), key));
  CUSTOS_ASSIGN_OR_RETURN(auto signer, core::NoteSigner::FromEd25519(origin, key));
  return WritePublicFile(dir / (stem + ".vkey"), signer.verifier().ToString() + "\n");
}

}  // namespace

Result<LogKeys> LogKeys::LoadOrCreate(const std::string& keys_dir,
                                      const std::string& default_origin) {
  fs::path dir(keys_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + keys_dir + ": " + ec.message());
  LogKeys keys;
  if (fs::exists(dir / "origin")) {
    CUSTOS_ASSIGN_OR_RETURN(std::string origin, ReadFile(dir / "origin"));
    keys.origin_ = Trim(origin);
  } else {
    if (!core::IsValidNoteKeyName(default_origin)) {
      return Status::InvalidArgument("the log origin must have no spaces or '+'", "origin");
    }
    CUSTOS_RETURN_IF_ERROR(WritePublicFile(dir / "origin", default_origin + "\n"));
    keys.origin_ = default_origin;
  }
  if (!fs::exists(dir / "log.key")) CUSTOS_RETURN_IF_ERROR(CreateKey(dir, "log", keys.origin_));

  CUSTOS_ASSIGN_OR_RETURN(auto active, LoadSigner(dir / "log.key", keys.origin_));
  keys.signers_.push_back(active);
  keys.verifiers_.push_back(active.verifier());
  if (fs::exists(dir / "previous.key")) {
    CUSTOS_ASSIGN_OR_RETURN(auto previous, LoadSigner(dir / "previous.key", keys.origin_));
    keys.signers_.push_back(previous);
    keys.verifiers_.push_back(previous.verifier());
  }
  if (fs::exists(dir / "retired.vkeys")) {
    CUSTOS_ASSIGN_OR_RETURN(std::string text, ReadFile(dir / "retired.vkeys"));
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      line = Trim(line);
      if (line.empty()) continue;
      CUSTOS_ASSIGN_OR_RETURN(auto v, core::NoteVerifier::Parse(line));
      keys.verifiers_.push_back(v);
    }
  }
  return keys;
}

Status LogKeys::Rotate(const std::string& keys_dir) {
  fs::path dir(keys_dir);
  CUSTOS_ASSIGN_OR_RETURN(auto keys, LoadOrCreate(keys_dir));
  if (fs::exists(dir / "previous.key")) {
    return Status::Conflict("a rotation is under way: run `custos key finish-rotation` first");
  }
  std::error_code ec;
  fs::rename(dir / "log.key", dir / "previous.key", ec);
  if (!ec) fs::rename(dir / "log.vkey", dir / "previous.vkey", ec);
  if (ec) return Status::IOError("cannot move the active key: " + ec.message());
  return CreateKey(dir, "log", keys.origin());
}

Status LogKeys::FinishRotation(const std::string& keys_dir) {
  fs::path dir(keys_dir);
  if (!fs::exists(dir / "previous.key")) return Status::NotFound("no rotation is under way");
  CUSTOS_ASSIGN_OR_RETURN(std::string vkey, ReadFile(dir / "previous.vkey"));
  std::string retired;
  if (fs::exists(dir / "retired.vkeys")) {
    CUSTOS_ASSIGN_OR_RETURN(retired, ReadFile(dir / "retired.vkeys"));
  }
  CUSTOS_RETURN_IF_ERROR(WritePublicFile(dir / "retired.vkeys", retired + Trim(vkey) + "\n"));
  std::error_code ec;
  fs::remove(dir / "previous.key", ec);
  fs::remove(dir / "previous.vkey", ec);
  return Status::Ok();
}

}  // namespace custos::archive
