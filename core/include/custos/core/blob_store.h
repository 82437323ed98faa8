// BlobStore: a content-addressed store of immutable byte strings (the scanned
// documents). A blob's address is the lowercase hex SHA-256 of its bytes, so
// the same bytes are stored once and anyone can check a blob against its name.
//
// Writing streams: NewWriter() gives a BlobWriter; Write() chunks into it,
// then Commit() makes the blob visible under its hash (atomically: readers see
// the whole blob or nothing) or Abort() discards it. A writer that goes over
// its byte limit fails with TooLarge and leaves nothing behind.
//
// The interface says nothing about paths: callers never learn or choose where
// bytes live, so client-supplied names can never become paths.
//
// Implementations are thread-safe: any number of writers and readers at once.
// BlobWriter and BlobReader objects are not: use each from one thread at a
// time. Every call blocks on I/O. Library-free (no Poco, no Xapian).
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::core {

// 200 MiB: the default upload limit for one document.
inline constexpr uint64_t kDefaultMaxBlobBytes = 200ull << 20;

// True when `s` is 64 lowercase hex digits (a blob address).
inline bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// `s` lower-cased when it is 64 hex digits of either case; nullopt otherwise.
inline std::optional<std::string> NormalizeSha256Hex(std::string_view s) {
  if (s.size() != 64) return std::nullopt;
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!IsSha256Hex(out)) return std::nullopt;
  return out;
}

struct BlobInfo {
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
  // True when this commit stored new bytes (or repaired a damaged copy);
  // false when identical bytes were already there (deduplicated).
  bool created = false;
};

// One blob being written. Destroying an uncommitted writer aborts it.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  // Appends `chunk`. TooLarge when the total would exceed the writer's limit
  // (the writer is then aborted: nothing stays on disk); IOError; after a
  // failure, Commit() or Abort() the writer is finished and Write() fails with
  // Internal.
  virtual Status Write(std::string_view chunk) = 0;
  // Makes the blob durable and visible under its hash. Returns its address and
  // size. IOError; Internal when the writer is already finished.
  virtual Result<BlobInfo> Commit() = 0;
  // Discards what was written. Safe to call more than once.
  virtual void Abort() = 0;
  // Bytes accepted so far.
  virtual uint64_t bytes_written() const = 0;
};

// Random access to one stored blob (an open handle: a blob stays readable
// through its reader even while it is being replaced).
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual uint64_t size() const = 0;
  // Up to `n` bytes from `offset`; fewer only at the end of the blob, empty at
  // or after it. IOError. For HTTP Range requests and for streaming out.
  virtual Result<std::string> ReadAt(uint64_t offset, size_t n) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // A writer that accepts at most `max_bytes`. IOError.
  virtual Result<std::unique_ptr<BlobWriter>> NewWriter(uint64_t max_bytes) = 0;
  // Opens the blob `sha256` for reading. NotFound when absent, InvalidArgument
  // when `sha256` is not 64 lowercase hex digits, IOError.
  virtual Result<std::unique_ptr<BlobReader>> Open(std::string_view sha256) const = 0;
  // Whether the blob is present (says nothing about its integrity).
  // InvalidArgument, IOError.
  virtual Result<bool> Exists(std::string_view sha256) const = 0;
  // The stored size. NotFound, InvalidArgument, IOError.
  virtual Result<uint64_t> Size(std::string_view sha256) const = 0;
  // Every blob address present, sorted. IOError.
  virtual Result<std::vector<std::string>> List() const = 0;

  // Streams `in` to a new blob (reads until EOF). TooLarge when `in` holds
  // more than `max_bytes` (nothing left on disk), IOError when reading `in`
  // fails.
  Result<BlobInfo> Put(std::istream& in, uint64_t max_bytes = kDefaultMaxBlobBytes) {
    auto writer = NewWriter(max_bytes);
    if (!writer.ok()) return writer.status();
    std::string buf(64 * 1024, '\0');
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize got = in.gcount();
      if (got > 0) {
        Status st = (*writer)->Write(std::string_view(buf.data(), static_cast<size_t>(got)));
        if (!st.ok()) return st;
      }
    }
    if (in.bad()) {
      (*writer)->Abort();
      return Status::IOError("reading the upload failed");
    }
    return (*writer)->Commit();
  }
  // Stores `data` as one blob. TooLarge, IOError.
  Result<BlobInfo> PutBytes(std::string_view data, uint64_t max_bytes = kDefaultMaxBlobBytes) {
    auto writer = NewWriter(max_bytes);
    if (!writer.ok()) return writer.status();
    Status st = (*writer)->Write(data);
    if (!st.ok()) return st;
    return (*writer)->Commit();
  }
  // The whole blob in memory (for blobs known to be small enough). NotFound,
  // InvalidArgument, IOError; TooLarge when it is over `max_bytes`.
  Result<std::string> ReadAll(std::string_view sha256,
                              uint64_t max_bytes = kDefaultMaxBlobBytes) const {
    auto reader = Open(sha256);
    if (!reader.ok()) return reader.status();
    const uint64_t size = (*reader)->size();
    if (size > max_bytes) return Status::TooLarge("blob " + std::string(sha256) + " is too large");
    std::string out;
    out.reserve(static_cast<size_t>(size));
    while (out.size() < size) {
      auto chunk = (*reader)->ReadAt(out.size(), 1 << 20);
      if (!chunk.ok()) return chunk.status();
      if (chunk->empty()) break;
      out += *chunk;
    }
    if (out.size() != size) return Status::IOError("blob " + std::string(sha256) + " shrank");
    return out;
  }
};

}  // namespace custos::core
