// SqliteDatabase: WAL checkpoints happen in the background, and the WAL
// still does not grow without bound under a steady stream of commits.
#include "custos/archive/sqlite_database.h"

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "temp_dir.h"

namespace custos::archive {
namespace {

using namespace Poco::Data::Keywords;

core::Status CreateTable(SqliteDatabase& db) {
  return db.Write([](Poco::Data::Session& s) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)", now;
    return core::Status::Ok();
  });
}

core::Status Insert(SqliteDatabase& db, const std::string& body) {
  return db.Write([&](Poco::Data::Session& s) {
    std::string b = body;
    s << "INSERT INTO t (body) VALUES (?)", use(b), now;
    return core::Status::Ok();
  });
}

// A fresh database with one table t.
class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = SqliteDatabase::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(CreateTable(**db).ok());
  }
  testing::TempDir dir;
  const std::string path = dir.file("custos.db");
  core::Result<std::shared_ptr<SqliteDatabase>> db = core::Status::Internal("not opened");
};

// 200 commits stay under SQLite's automatic checkpoint (1000 WAL pages), so
// only the background checkpoint can have copied them into the file.
TEST_F(SqliteDatabaseTest, CommitsReachTheDatabaseFileWithoutWaitingForTheWalToFill) {
  const uintmax_t before = std::filesystem::file_size(path);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(Insert(**db, std::string(3000, 'x')).ok());
  uintmax_t size = before;
  for (int wait = 0; wait < 100 && size < before + 200 * 3000; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    size = std::filesystem::file_size(path);
  }
  EXPECT_GE(size, before + 200 * 3000) << "no checkpoint copied the commits into " << path;
}

TEST_F(SqliteDatabaseTest, ManyCommitsKeepTheWalSmallAndLoseNothing) {
  // About three pages per commit: 3,000 commits would leave a WAL of tens
  // of MB if no checkpoint ever completed.
  const std::string body(3000, 'x');
  uintmax_t largest = 0;
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(Insert(**db, body).ok());
    std::error_code ec;
    largest = std::max(largest, std::filesystem::file_size(path + "-wal", ec));
  }
  EXPECT_LT(largest, uintmax_t{12} << 20) << "the WAL was not checkpointed while writing";
  auto rows = (*db)->ReadInt64("SELECT count(*) FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 3000);

  // Everything is readable from another connection after the writer is gone.
  db->reset();
  Poco::Data::Session s("SQLite", path);
  int count = 0;
  s << "SELECT count(*) FROM t", into(count), now;
  EXPECT_EQ(count, 3000);
}

}  // namespace
}  // namespace custos::archive
