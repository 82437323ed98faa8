// Index generations: dir/gen-N databases and the CURRENT file naming the
// live one (see custos/indexer/xapian_search_index.h).
#pragma once

#include <filesystem>
#include <string>

#include "custos/core/status.h"

namespace custos::indexer::generations {

inline constexpr char kCurrentFile[] = "CURRENT";

// The live generation's name ("gen-3"). NotFound when there is no CURRENT;
// Corruption when it does not name a generation.
core::Result<std::string> ReadCurrent(const std::filesystem::path& root);

// Writes dir/name as a whole: dir/name.tmp, fsynced, renamed over dir/name,
// then the directory fsynced. Readers see the old file or the new one.
core::Status WriteFileDurably(const std::filesystem::path& dir, const std::string& name,
                              const std::string& body);

// Makes `gen` the live generation: writes CURRENT.tmp, fsyncs it, renames it
// over CURRENT and fsyncs the directory.
core::Status WriteCurrent(const std::filesystem::path& root, const std::string& gen);

// N of "gen-N", or -1.
long long Number(const std::string& gen);
std::string Name(long long n);

// "gen-(highest existing N + 1)".
std::string Next(const std::filesystem::path& root);

// Deletes every gen-N directory except `keep_a` and `keep_b`. Best effort.
void PruneExcept(const std::filesystem::path& root, const std::string& keep_a,
                 const std::string& keep_b);

// A cheap identity of the CURRENT file (inode, mtime, size), to notice a
// rename without reading it. Zero when missing.
struct Stamp {
  unsigned long long ino = 0;
  long long mtime_ns = 0;
  long long size = 0;
  bool operator==(const Stamp&) const = default;
};
Stamp StampOf(const std::filesystem::path& root);

}  // namespace custos::indexer::generations
