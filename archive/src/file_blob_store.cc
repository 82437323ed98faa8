#include "custos/archive/file_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "custos/core/crypto.h"
#include "custos/core/encoding.h"
#include "posix_file.h"

namespace custos::archive {

using core::BlobInfo;
using core::Result;
using core::Status;
namespace fs = std::filesystem;

namespace {

constexpr char kTempPrefix[] = ".tmp-";
constexpr auto kStaleTempAge = std::chrono::hours(1);

std::string ShardDir(const std::string& root, std::string_view hex) {
  return root + "/sha256/" + std::string(hex.substr(0, 2)) + "/" + std::string(hex.substr(2, 2));
}

std::string BlobPath(const std::string& root, std::string_view hex) {
  return ShardDir(root, hex) + "/" + std::string(hex);
}

Status CheckAddress(std::string_view sha256) {
  if (!core::IsSha256Hex(sha256)) {
    return Status::InvalidArgument("not a SHA-256 address (64 lowercase hex digits)", "sha256");
  }
  return Status::Ok();
}

// Creates `dir` (0700) when missing and fsyncs its parent so the new entry is
// durable. Creating a directory that another process just made is fine.
Status MakeDurableDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) {
    return FsyncDir(fs::path(dir).parent_path().string());
  }
  if (errno == EEXIST) return Status::Ok();
  return ErrnoStatus("cannot create " + dir);
}

// SHA-256 hex of the file at `fd`, read from the start. IOError.
Result<std::string> HashFd(int fd) {
  core::Sha256Hasher hasher;
  std::string buf(1 << 20, '\0');
  uint64_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read failed");
    }
    if (n == 0) break;
    hasher.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    offset += static_cast<uint64_t>(n);
  }
  return core::HexEncode(hasher.Finish());
}

class FileBlobWriter final : public core::BlobWriter {
 public:
  FileBlobWriter(std::string root, std::string temp_path, UniqueFd fd, uint64_t max_bytes)
      : root_(std::move(root)),
        temp_path_(std::move(temp_path)),
        fd_(std::move(fd)),
        max_bytes_(max_bytes) {}
  ~FileBlobWriter() override { Abort(); }

  Status Write(std::string_view chunk) override {
    if (finished_) return Status::Internal("blob writer already finished");
    if (chunk.size() > max_bytes_ - written_) {
      Abort();
      return Status::TooLarge("the file is larger than the limit of " + std::to_string(max_bytes_) +
                              " bytes");
    }
    Status st = WriteAll(fd_.get(), chunk);
    if (!st.ok()) {
      Abort();
      return st;
    }
    hasher_.Update(chunk);
    written_ += chunk.size();
    return Status::Ok();
  }

  Result<BlobInfo> Commit() override {
    if (finished_) return Status::Internal("blob writer already finished");
    Result<BlobInfo> out = CommitImpl();
    Abort();  // closes the fd; removes the temp file unless it was renamed
    return out;
  }

  void Abort() override {
    if (finished_) return;
    finished_ = true;
    fd_.reset();
    if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  }

  uint64_t bytes_written() const override { return written_; }

 private:
  Result<BlobInfo> CommitImpl() {
    BlobInfo info;
    info.sha256 = core::HexEncode(hasher_.Finish());
    info.size = written_;
    if (::fsync(fd_.get()) != 0) return ErrnoStatus("fsync of upload failed");

    const std::string shard = ShardDir(root_, info.sha256);
    CUSTOS_RETURN_IF_ERROR(MakeDurableDir(root_ + "/sha256"));
    CUSTOS_RETURN_IF_ERROR(MakeDurableDir(fs::path(shard).parent_path().string()));
    CUSTOS_RETURN_IF_ERROR(MakeDurableDir(shard));
    const std::string final_path = shard + "/" + info.sha256;

    // Dedupe: identical bytes already there. A damaged copy (the wrong size or
    // hash) is replaced by these bytes, which are known to be right.
    UniqueFd existing(::open(final_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (existing) {
      struct stat st {};
      if (::fstat(existing.get(), &st) == 0 && static_cast<uint64_t>(st.st_size) == info.size) {
        auto hash = HashFd(existing.get());
        if (hash.ok() && *hash == info.sha256) {
          info.created = false;
          return info;  // Commit() removes the temp file
        }
      }
    } else if (errno != ENOENT) {
      return ErrnoStatus("cannot open " + final_path);
    }

    if (::fchmod(fd_.get(), 0400) != 0) return ErrnoStatus("chmod of upload failed");
    if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
      return ErrnoStatus("cannot move upload into " + final_path);
    }
    temp_path_.clear();  // renamed: nothing to clean up
    CUSTOS_RETURN_IF_ERROR(FsyncDir(shard));
    CUSTOS_RETURN_IF_ERROR(FsyncDir(root_));  // the temp file's entry is gone
    info.created = true;
    return info;
  }

  std::string root_;
  std::string temp_path_;
  UniqueFd fd_;
  uint64_t max_bytes_;
  uint64_t written_ = 0;
  core::Sha256Hasher hasher_;
  bool finished_ = false;
};

class FileBlobReader final : public core::BlobReader {
 public:
  FileBlobReader(UniqueFd fd, uint64_t size) : fd_(std::move(fd)), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<std::string> ReadAt(uint64_t offset, size_t n) override {
    if (offset >= size_) return std::string();
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_.get(), out.data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("blob read failed");
      }
      if (r == 0) break;  // the file is shorter than it was at open: report what is there
      got += static_cast<size_t>(r);
    }
    out.resize(got);
    return out;
  }

 private:
  UniqueFd fd_;
  uint64_t size_;
};

}  // namespace

Result<std::unique_ptr<FileBlobStore>> FileBlobStore::OpenAt(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Status::IOError("cannot create " + root + ": " + ec.message());
  fs::permissions(root, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Status::IOError("cannot set permissions on " + root + ": " + ec.message());
  // Temp files of writers that died (a crash, a kill -9). A live writer in
  // another process touches its file far more often than this.
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) != 0) continue;
    std::error_code ec2;
    auto mtime = fs::last_write_time(entry.path(), ec2);
    if (!ec2 && now - mtime > kStaleTempAge) fs::remove(entry.path(), ec2);
  }
  if (ec) return Status::IOError("cannot list " + root + ": " + ec.message());
  return std::unique_ptr<FileBlobStore>(new FileBlobStore(root));
}

Result<std::unique_ptr<core::BlobWriter>> FileBlobStore::NewWriter(uint64_t max_bytes) {
  std::string temp = root_ + "/" + kTempPrefix + "XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return ErrnoStatus("cannot create a temp file in " + root_);
  return std::unique_ptr<core::BlobWriter>(
      new FileBlobWriter(root_, std::move(temp), std::move(fd), max_bytes));
}

Result<std::unique_ptr<core::BlobReader>> FileBlobStore::Open(std::string_view sha256) const {
  CUSTOS_RETURN_IF_ERROR(CheckAddress(sha256));
  const std::string path = BlobPath(root_, sha256);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return Status::NotFound("no blob " + std::string(sha256));
    return ErrnoStatus("cannot open blob " + std::string(sha256));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("cannot stat blob");
  return std::unique_ptr<core::BlobReader>(
      new FileBlobReader(std::move(fd), static_cast<uint64_t>(st.st_size)));
}

Result<bool> FileBlobStore::Exists(std::string_view sha256) const {
  CUSTOS_RETURN_IF_ERROR(CheckAddress(sha256));
  struct stat st {};
  if (::stat(BlobPath(root_, sha256).c_str(), &st) == 0) return S_ISREG(st.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return ErrnoStatus("cannot stat blob " + std::string(sha256));
}

Result<uint64_t> FileBlobStore::Size(std::string_view sha256) const {
  CUSTOS_RETURN_IF_ERROR(CheckAddress(sha256));
  struct stat st {};
  if (::stat(BlobPath(root_, sha256).c_str(), &st) == 0) return static_cast<uint64_t>(st.st_size);
  if (errno == ENOENT || errno == ENOTDIR) {
    return Status::NotFound("no blob " + std::string(sha256));
  }
  return ErrnoStatus("cannot stat blob " + std::string(sha256));
}

Result<std::vector<std::string>> FileBlobStore::List() const {
  std::vector<std::string> out;
  const fs::path base = fs::path(root_) / "sha256";
  std::error_code ec;
  if (!fs::exists(base, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it.depth() != 2 || !it->is_regular_file()) continue;
    std::string name = it->path().filename().string();
    // Only files where their address says they are.
    const fs::path shard = it->path().parent_path();
    if (core::IsSha256Hex(name) && shard.filename() == name.substr(2, 2) &&
        shard.parent_path().filename() == name.substr(0, 2)) {
      out.push_back(std::move(name));
    }
  }
  if (ec) return Status::IOError("cannot list blobs: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace custos::archive
