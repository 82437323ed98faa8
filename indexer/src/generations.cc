#include "generations.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace custos::indexer::generations {

namespace fs = std::filesystem;

long long Number(const std::string& gen) {
  if (gen.size() < 5 || gen.compare(0, 4, "gen-") != 0 || gen.size() > 22) return -1;
  long long n = 0;
  for (size_t i = 4; i < gen.size(); ++i) {
    if (gen[i] < '0' || gen[i] > '9') return -1;
    n = n * 10 + (gen[i] - '0');
  }
  return n;
}

std::string Name(long long n) { return "gen-" + std::to_string(n); }

core::Result<std::string> ReadCurrent(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(root / kCurrentFile, ec)) {
    return core::Status::NotFound("no CURRENT in " + root.string());
  }
  std::ifstream in(root / kCurrentFile);
  if (!in) return core::Status::IOError("cannot read " + (root / kCurrentFile).string());
  std::string gen;
  std::getline(in, gen);
  if (Number(gen) < 0) {
    return core::Status::Corruption((root / kCurrentFile).string() + " does not name a generation");
  }
  return gen;
}

namespace {
core::Status Errno(const std::string& what) {
  return core::Status::IOError(what + ": " + std::strerror(errno));
}
}  // namespace

core::Status WriteFileDurably(const fs::path& dir, const std::string& name,
                              const std::string& body) {
  const fs::path tmp = dir / (name + ".tmp");
  const fs::path dest = dir / name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("open " + tmp.string());
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    errno = saved;
    return Errno("write " + tmp.string());
  }
  if (::rename(tmp.c_str(), dest.c_str()) != 0) return Errno("rename to " + dest.string());
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return core::Status::Ok();
}

core::Status WriteCurrent(const fs::path& root, const std::string& gen) {
  return WriteFileDurably(root, kCurrentFile, gen + "\n");
}

std::string Next(const fs::path& root) {
  long long max = 0;
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    long long n = Number(it->path().filename().string());
    if (n > max) max = n;
  }
  return Name(max + 1);
}

void PruneExcept(const fs::path& root, const std::string& keep_a, const std::string& keep_b) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (Number(name) >= 0 && name != keep_a && name != keep_b) doomed.push_back(it->path());
  }
  for (const auto& p : doomed) fs::remove_all(p, ec);
}

Stamp StampOf(const fs::path& root) {
  struct stat st {};
  if (::stat((root / kCurrentFile).c_str(), &st) != 0) return {};
  return Stamp{static_cast<unsigned long long>(st.st_ino),
               static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
               static_cast<long long>(st.st_size)};
}

}  // namespace custos::indexer::generations
