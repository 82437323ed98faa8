// FileBlobStore: core::BlobStore on a local (or shared) POSIX filesystem.
//
// Layout under the root (DIR/blobs):
//   sha256/ab/cd/<64 hex>   one file per blob, read-only (0400), named by the
//                           SHA-256 of its bytes; ab, cd = its first 4 digits
//   .tmp-XXXXXX             uploads in progress (same filesystem, so the final
//                           rename is atomic)
//
// A write streams into a temp file while hashing, then fsyncs the file,
// renames it into place and fsyncs the directories it touched, so a blob that
// Commit() reported survives a power cut. Identical bytes are stored once;
// when the stored copy of a hash has been damaged (fixity failure), committing
// the right bytes again replaces it. Names given by clients are never used
// for anything on disk. Thread-safe, also across processes sharing the root.
#pragma once

#include <memory>
#include <string>

#include "custos/core/blob_store.h"

namespace custos::archive {

class FileBlobStore final : public core::BlobStore {
 public:
  // Opens (creating when missing, 0700) the store at `root` and removes temp
  // files that a crashed writer left behind more than an hour ago. IOError.
  static core::Result<std::unique_ptr<FileBlobStore>> OpenAt(const std::string& root);

  core::Result<std::unique_ptr<core::BlobWriter>> NewWriter(uint64_t max_bytes) override;
  core::Result<std::unique_ptr<core::BlobReader>> Open(std::string_view sha256) const override;
  core::Result<bool> Exists(std::string_view sha256) const override;
  core::Result<uint64_t> Size(std::string_view sha256) const override;
  core::Result<std::vector<std::string>> List() const override;

  const std::string& root() const { return root_; }

 private:
  explicit FileBlobStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

}  // namespace custos::archive
