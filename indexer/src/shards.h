// The shards of one index generation.
//
// A generation written by this release is a directory of N Xapian databases
// and a Xapian stub file naming them, so that Xapian::Database(dir/gen-4),
// xapian-delve and quest open the generation as one database:
//
//   gen-4/XAPIANDB    "glass shard-0\nglass shard-1\n"
//   gen-4/shard-0/    the records k with ShardOf(k, 2) == 0
//   gen-4/shard-1/
//
// A generation written before shards existed is one database with no stub,
// and is read and written as a single shard.
//
// Why: Xapian's writer is single-threaded, and writing the index was the
// whole critical path of an import (bench/RESULTS.md). Shards are written in
// parallel, each by its own thread in its own transaction carrying its own
// custos:last_seq; the index has applied what its least advanced shard has.
// A crash between two shard commits leaves one shard a batch ahead, and the
// follower applies that batch again from the smaller seq: every write is a
// replace or a delete by unique term, so applying a batch twice is applying
// it once.
//
// Searches see one Xapian::Database over the shards, which interleaves docids
// (shard k's d-th document is docid (d - 1) * N + k + 1) and merges term
// statistics and spelling data, so ranking and facets are those of one
// database.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/core/status.h"

namespace custos::indexer::shards {

inline constexpr char kStubFile[] = "XAPIANDB";
inline constexpr int kMaxShards = 16;

// "shard-3".
std::string Name(int k);

// The shard of n that holds the record `id`: FNV-1a (64-bit) of the id's
// bytes, through MurmurHash3's 64-bit finaliser, mod n. Part of the on-disk format: a record must
// stay in its shard for the life of a generation.
int ShardOf(std::string_view id, int n);

// The shard databases of generation directory `gen`, in shard order: those
// its stub file names, or `gen` itself when it has none. Corruption when the
// stub names anything but shard-0 .. shard-(n-1) in order.
core::Result<std::vector<std::filesystem::path>> Paths(const std::filesystem::path& gen);

// Creates generation `gen` with n shards (1..kMaxShards), calling init on
// each new shard database before its first commit; the stub is written last
// (WriteFileDurably), so a generation whose creation was cut short has no
// stub and fails to open rather than opening with shards missing. Completes
// a generation left that way. Throws Xapian::Error.
core::Status Create(const std::filesystem::path& gen, int n,
                    const std::function<void(Xapian::WritableDatabase&)>& init);

// The revision a reader sees: one Xapian revision per shard.
using Revision = std::vector<Xapian::rev>;

// Whether `a` is an earlier state of the same shards than `b`: no shard
// after b's, and one before it.
bool Earlier(const Revision& a, const Revision& b);

// A generation opened for reading: one Xapian::Database over every shard,
// and each shard on its own. The two share Xapian's state: db.reopen() moves
// the shards too, so `shards` always describes what `db` shows.
struct Snapshot {
  Xapian::Database db;
  std::vector<Xapian::Database> shards;

  // Throws Xapian::Error.
  static Snapshot Open(const std::vector<std::filesystem::path>& paths);
  Revision revision() const;
};

}  // namespace custos::indexer::shards
