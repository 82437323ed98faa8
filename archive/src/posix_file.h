// Private: small POSIX file helpers shared by the blob store and the caches.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "custos/core/status.h"

namespace custos::archive {

// A file descriptor that closes itself.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// IOError "<what>: <strerror(errno)>".
inline core::Status ErrnoStatus(const std::string& what) {
  return core::Status::IOError(what + ": " + std::strerror(errno));
}

// Writes all of `data`, retrying short writes and EINTR. IOError.
inline core::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write failed");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return core::Status::Ok();
}

// fsyncs a directory so that entries created, renamed or removed in it are
// durable. IOError.
inline core::Status FsyncDir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("cannot open directory " + dir);
  if (::fsync(fd.get()) != 0) return ErrnoStatus("fsync of " + dir + " failed");
  return core::Status::Ok();
}

// Writes `data` to `path` atomically: a temp file beside it, fsync, rename.
// For derived files (previews): the directory is not fsynced. IOError.
inline core::Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string temp = path + ".tmp-XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return ErrnoStatus("cannot create " + temp);
  core::Status st = WriteAll(fd.get(), data);
  if (st.ok() && ::fsync(fd.get()) != 0) st = ErrnoStatus("fsync failed");
  fd.reset();
  if (st.ok() && ::rename(temp.c_str(), path.c_str()) != 0) st = ErrnoStatus("rename failed");
  if (!st.ok()) ::unlink(temp.c_str());
  return st;
}

}  // namespace custos::archive
