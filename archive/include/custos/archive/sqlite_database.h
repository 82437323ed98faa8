// SqliteDatabase: the embedded SQLite file (data/custos.db) behind the record,
// user and custody stores, opened through Poco::Data.
//
// Opening sets WAL journaling, synchronous=FULL (a commit is on disk before it
// returns), foreign keys and a busy timeout, then runs the versioned schema
// migrations that the file has not seen yet, each in its own transaction.
// Writes are serialised in-process by one writer connection and across
// processes (a `custos import` beside a running server) by BEGIN IMMEDIATE.
// Reads use a small pool of connections. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "custos/core/status.h"

namespace Poco::Data {
class Session;
}

namespace custos::archive {

class SqliteDatabase {
 public:
  // The schema version this build writes (the number of migrations).
  static int LatestSchemaVersion();

  // Opens (creating if missing) and migrates up to `migrate_to` (default: the
  // latest; tests pass a lower one to make an "old file"). IOError when the
  // file cannot be opened, Corruption when it is newer than this build.
  static core::Result<std::shared_ptr<SqliteDatabase>> Open(const std::string& path,
                                                            int migrate_to = -1);
  ~SqliteDatabase();

  int schema_version() const;
  const std::string& path() const;

  // Runs `fn` in one write transaction (BEGIN IMMEDIATE ... COMMIT). The
  // transaction rolls back when `fn` returns a non-ok Status or throws.
  // Poco::Data exceptions become IOError/Unavailable; blocks on the writer.
  core::Status Write(const std::function<core::Status(Poco::Data::Session&)>& fn);
  // Runs `fn` on a read connection (a consistent snapshot for its duration).
  core::Status Read(const std::function<core::Status(Poco::Data::Session&)>& fn) const;

  // The single integer a query like "SELECT count(*) ..." returns (no
  // parameters). IOError/Unavailable as Read.
  core::Result<int64_t> ReadInt64(const std::string& sql) const;

  struct Impl;

 private:
  explicit SqliteDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `values` as one JSON array, the parameter of `... IN (SELECT value FROM
// json_each(?))`: a list of any length in one prepared statement, where
// `IN (?,?,...)` would need a statement per length and a cap on the count.
// SQLite cannot tell how long such a list is: where another index matches
// an equality in the same WHERE (artifacts' `deleted = 0`), write that term
// `+deleted = 0`, or it walks that index instead of looking the ids up.
// InvalidArgument when a value is not valid UTF-8.
core::Result<std::string> JsonArrayParam(const std::vector<std::string>& values);
// The same for integers (row ids); cannot fail.
std::string JsonArrayParam(const std::vector<int64_t>& values);

// The rows a batch read grouped by id, laid out in the order of the `ids` it
// was asked for: out[i] is by_id's value for ids[i] (converted to Out), or
// a default Out when the id has no rows. An id asked for twice gets a copy.
template <typename Out, typename T>
std::vector<Out> InInputOrder(const std::vector<std::string>& ids,
                              std::unordered_map<std::string, T> by_id) {
  std::vector<Out> out(ids.size());
  std::unordered_map<std::string_view, size_t> first_at;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto [seen, first] = first_at.emplace(ids[i], i);
    if (!first) {
      out[i] = out[seen->second];
      continue;
    }
    auto it = by_id.find(ids[i]);
    if (it != by_id.end()) out[i] = std::move(it->second);
  }
  return out;
}

}  // namespace custos::archive
