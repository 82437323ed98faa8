#include "custos/archive/sqlite_database.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Exception.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "custos/core/thread.h"
#include "migrations.h"
#include "sqlite_database_impl.h"

namespace custos::archive {

using core::Result;
using core::Status;
using namespace Poco::Data::Keywords;

namespace {

std::once_flag g_register_once;

// WAL checkpoints (copying committed pages from the WAL into the database
// file, then fsyncing it) mostly run on a thread of their own. With only
// SQLite's automatic checkpoint, the commit that crossed 1000 WAL pages
// copied all of them and fsynced the file before returning, and every write
// queued behind it waited (custody appends at 16 clients had a p99 of 33 ms).
// This thread runs a PASSIVE checkpoint (it never blocks the writer or
// readers) after every kCheckpointEvery commits, or within
// kCheckpointAtLeast of any commit, so the automatic one finds the pages
// already copied. The automatic one stays on: under a steady stream of
// commits a background checkpoint never sees the WAL complete, and only a
// checkpoint between two commits lets the WAL start over instead of growing.
constexpr uint64_t kCheckpointEvery = 100;
constexpr auto kCheckpointAtLeast = std::chrono::seconds(1);

Status FromPocoException(const Poco::Exception& e) {
  // SQLite's busy/locked surface as these classes; the caller may retry.
  if (dynamic_cast<const Poco::Data::SQLite::DBLockedException*>(&e) ||
      dynamic_cast<const Poco::Data::SQLite::TableLockedException*>(&e)) {
    return Status::Unavailable("the database is busy: " + e.displayText());
  }
  return Status::IOError("database error: " + e.displayText());
}

// A read connection borrowed from the pool and returned on destruction.
class Lease {
 public:
  explicit Lease(SqliteDatabase::Impl& impl) : impl_(impl) {
    std::lock_guard lock(impl_.pool_mu);
    if (!impl_.idle_readers.empty()) {
      session_ = std::move(impl_.idle_readers.back());
      impl_.idle_readers.pop_back();
    }
  }
  ~Lease() {
    if (!session_) return;
    std::lock_guard lock(impl_.pool_mu);
    if (impl_.idle_readers.size() < 16) impl_.idle_readers.push_back(std::move(session_));
  }
  Poco::Data::Session& session() {
    if (!session_) session_ = OpenConnection(impl_.path);
    return *session_;
  }
  void Discard() { session_.reset(); }

 private:
  SqliteDatabase::Impl& impl_;
  std::unique_ptr<Poco::Data::Session> session_;
};

}  // namespace

std::unique_ptr<Poco::Data::Session> OpenConnection(const std::string& path) {
  std::call_once(g_register_once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  auto s = std::make_unique<Poco::Data::Session>("SQLite", path);
  *s << "PRAGMA busy_timeout = 15000", now;
  *s << "PRAGMA journal_mode = WAL", now;
  // FULL: a commit is fsynced before it returns, so an acknowledged write
  // survives a power cut as well as kill -9.
  *s << "PRAGMA synchronous = FULL", now;
  *s << "PRAGMA foreign_keys = ON", now;
  return s;
}

int SqliteDatabase::LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

SqliteDatabase::Impl::~Impl() {
  {
    std::lock_guard lock(checkpoint_mu);
    stopping = true;
  }
  checkpoint_cv.notify_all();
  if (checkpointer.joinable()) checkpointer.join();
}

void SqliteDatabase::Impl::NoteCommit() {
  std::lock_guard lock(checkpoint_mu);
  if (++commits_since_checkpoint >= kCheckpointEvery) checkpoint_cv.notify_one();
}

void SqliteDatabase::Impl::CheckpointLoop() {
  std::unique_ptr<Poco::Data::Session> conn;
  std::unique_lock lock(checkpoint_mu);
  while (true) {
    checkpoint_cv.wait_for(lock, kCheckpointAtLeast, [&] {
      return stopping || commits_since_checkpoint >= kCheckpointEvery;
    });
    if (stopping) return;
    if (commits_since_checkpoint == 0) continue;
    commits_since_checkpoint = 0;
    lock.unlock();
    try {
      if (!conn) conn = OpenConnection(path);
      *conn << "PRAGMA wal_checkpoint(PASSIVE)", now;
    } catch (const Poco::Exception&) {
      conn.reset();  // the next round opens a fresh connection and retries
    }
    lock.lock();
  }
}

SqliteDatabase::SqliteDatabase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteDatabase::~SqliteDatabase() = default;

int SqliteDatabase::schema_version() const { return impl_->schema_version; }
const std::string& SqliteDatabase::path() const { return impl_->path; }

Result<std::shared_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                             int migrate_to) {
  const int latest = LatestSchemaVersion();
  if (migrate_to < 0 || migrate_to > latest) migrate_to = latest;
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  try {
    impl->writer = OpenConnection(path);
    auto& w = *impl->writer;
    int current = 0;
    w << "PRAGMA user_version", into(current), now;
    if (current > latest) {
      return Status::Corruption("the database schema is version " + std::to_string(current) +
                                " but this build knows only up to " + std::to_string(latest) +
                                ": upgrade custos");
    }
    for (const Migration& m : Migrations()) {
      if (m.version <= current || m.version > migrate_to) continue;
      w << "BEGIN IMMEDIATE", now;
      try {
        // Re-check under the write lock: another process may have migrated.
        int seen = 0;
        w << "PRAGMA user_version", into(seen), now;
        if (seen < m.version) {
          for (auto sql : m.statements) w << std::string(sql), now;
          w << "PRAGMA user_version = " + std::to_string(m.version), now;
        }
        w << "COMMIT", now;
      } catch (...) {
        w << "ROLLBACK", now;
        throw;
      }
      current = m.version;
    }
    w << "PRAGMA user_version", into(impl->schema_version), now;
  } catch (const Poco::Exception& e) {
    return FromPocoException(e);
  }
  Impl* raw = impl.get();
  impl->checkpointer = std::thread([raw] {
    core::NameThisThread("wal-checkpoint");
    raw->CheckpointLoop();
  });
  return std::shared_ptr<SqliteDatabase>(new SqliteDatabase(std::move(impl)));
}

Status SqliteDatabase::Write(const std::function<Status(Poco::Data::Session&)>& fn) {
  std::lock_guard lock(impl_->write_mu);
  auto& w = *impl_->writer;
  try {
    w << "BEGIN IMMEDIATE", now;
  } catch (const Poco::Exception& e) {
    return FromPocoException(e);
  }
  Status status;
  try {
    status = fn(w);
    if (status.ok()) {
      w << "COMMIT", now;
      impl_->NoteCommit();
      return status;
    }
  } catch (const Poco::Exception& e) {
    status = FromPocoException(e);
  } catch (const std::exception& e) {
    status = Status::Internal(std::string("write failed: ") + e.what());
  }
  try {
    w << "ROLLBACK", now;
  } catch (const Poco::Exception&) {
    // The transaction is already gone (e.g. COMMIT failed and SQLite rolled
    // back by itself); nothing more to undo.
  }
  return status;
}

Status SqliteDatabase::Read(const std::function<Status(Poco::Data::Session&)>& fn) const {
  Lease lease(*impl_);
  try {
    auto& s = lease.session();
    s << "BEGIN", now;
    Status status;
    try {
      status = fn(s);
    } catch (...) {
      s << "ROLLBACK", now;
      throw;
    }
    s << "COMMIT", now;
    return status;
  } catch (const Poco::Exception& e) {
    lease.Discard();
    return FromPocoException(e);
  }
}

Result<int64_t> SqliteDatabase::ReadInt64(const std::string& sql) const {
  Poco::Int64 value = 0;
  Status st = Read([&](Poco::Data::Session& s) {
    s << sql, into(value), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return static_cast<int64_t>(value);
}

Result<std::string> JsonArrayParam(const std::vector<std::string>& values) {
  try {
    return nlohmann::json(values).dump();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument("a value in the list is not valid UTF-8");
  }
}

std::string JsonArrayParam(const std::vector<int64_t>& values) {
  return nlohmann::json(values).dump();
}

}  // namespace custos::archive
