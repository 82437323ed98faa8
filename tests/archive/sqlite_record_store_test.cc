#include "custos/archive/sqlite_record_store.h"

#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include <thread>

#include "custos/archive/data_dir.h"
#include "fakes/fixed_clock.h"
#include "temp_dir.h"

namespace custos::archive {
namespace {

using core::Artifact;
using core::StatusCode;
using testing::FixedClock;
using testing::TempDir;

Artifact Make(const std::string& title, const std::string& id = "") {
  auto a = core::ArtifactFromJson({{"title", title}, {"object_type", "figurine"}});
  EXPECT_TRUE(a.ok());
  a->id = id;
  return *a;
}

class SqliteRecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.file("custos.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *db;
    store_ = std::make_unique<SqliteRecordStore>(db_, clock_);
  }
  TempDir dir_;
  FixedClock clock_;
  std::shared_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteRecordStore> store_;
};

TEST_F(SqliteRecordStoreTest, CreateAssignsIdVersionAndTimes) {
  auto a = store_->CreateArtifact(Make("Bronze figurine"), "curator1");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->id.size(), 16u);
  EXPECT_EQ(a->version, 1);
  EXPECT_EQ(a->created_by, "curator1");
  EXPECT_EQ(a->created_at, core::FormatRfc3339Millis(clock_.NowMillis()));
  auto back = store_->GetArtifact(a->id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *a);
}

TEST_F(SqliteRecordStoreTest, GetArtifactsReadsManyInOrderWithGapsForTheMissing) {
  auto a = store_->CreateArtifact(Make("Bowl", "inv-a"), "c");
  auto b = store_->CreateArtifact(Make("Lid", "inv-b"), "c");
  auto gone = store_->CreateArtifact(Make("Jar", "inv-gone"), "c");
  ASSERT_TRUE(a.ok() && b.ok() && gone.ok());
  ASSERT_TRUE(store_->DeleteArtifact("inv-gone", std::nullopt, "c").ok());
  auto got = store_->GetArtifacts({"inv-b", "nope", "inv-gone", "inv-a", "inv-b"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 5u);
  ASSERT_TRUE((*got)[0].has_value());
  EXPECT_EQ(*(*got)[0], *b);
  EXPECT_FALSE((*got)[1].has_value());
  EXPECT_FALSE((*got)[2].has_value()) << "a deleted record is not live";
  ASSERT_TRUE((*got)[3].has_value());
  EXPECT_EQ(*(*got)[3], *a);
  ASSERT_TRUE((*got)[4].has_value());
  EXPECT_EQ(*(*got)[4], *b);
  EXPECT_TRUE(store_->GetArtifacts({})->empty());
  // Ids that look like SQL or JSON are data, not syntax.
  auto odd = store_->GetArtifacts({"\"]' OR 1=1 --", "inv-a"});
  ASSERT_TRUE(odd.ok());
  EXPECT_FALSE((*odd)[0].has_value());
  EXPECT_TRUE((*odd)[1].has_value());
  EXPECT_EQ(store_->GetArtifacts({"bad\xff"}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteRecordStoreTest, CreateWithTakenIdConflicts) {
  ASSERT_TRUE(store_->CreateArtifact(Make("A", "inv-1"), "c").ok());
  auto again = store_->CreateArtifact(Make("B", "inv-1"), "c");
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
}

TEST_F(SqliteRecordStoreTest, UpdateKeepsEveryRevision) {
  auto a = store_->CreateArtifact(Make("v1"), "alice");
  ASSERT_TRUE(a.ok());
  Artifact next = *a;
  next.title = "v2";
  clock_.Advance(1000);
  auto b = store_->UpdateArtifact(next, 1, "bob");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->version, 2);
  EXPECT_EQ(b->created_by, "alice");
  EXPECT_EQ(b->updated_by, "bob");
  auto history = store_->History(a->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].record.title, "v1");
  EXPECT_EQ((*history)[0].op, "create");
  EXPECT_EQ((*history)[1].record.title, "v2");
  EXPECT_EQ((*history)[1].actor, "bob");
}

TEST_F(SqliteRecordStoreTest, StaleVersionIsRejectedAndChangesNothing) {
  auto a = store_->CreateArtifact(Make("v1"), "alice");
  ASSERT_TRUE(a.ok());
  Artifact next = *a;
  next.title = "v2";
  ASSERT_TRUE(store_->UpdateArtifact(next, 1, "bob").ok());
  next.title = "v3";
  auto stale = store_->UpdateArtifact(next, 1, "carol");
  EXPECT_EQ(stale.status().code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(store_->GetArtifact(a->id)->title, "v2");
  EXPECT_EQ(store_->History(a->id)->size(), 2u);
}

TEST_F(SqliteRecordStoreTest, ConcurrentWritersOnOneVersionExactlyOneWins) {
  auto a = store_->CreateArtifact(Make("v1"), "alice");
  ASSERT_TRUE(a.ok());
  std::atomic<int> wins{0}, stale{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      Artifact next = *a;
      next.title = "writer " + std::to_string(i);
      auto r = store_->UpdateArtifact(next, 1, "w" + std::to_string(i));
      if (r.ok()) ++wins;
      if (r.status().code() == StatusCode::kPreconditionFailed) ++stale;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(stale, 7);
  EXPECT_EQ(store_->GetArtifact(a->id)->version, 2);
}

TEST_F(SqliteRecordStoreTest, DeleteIsATombstoneThatKeepsHistory) {
  auto a = store_->CreateArtifact(Make("doomed"), "alice");
  ASSERT_TRUE(a.ok());
  auto v = store_->DeleteArtifact(a->id, 1, "bob");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 2);
  EXPECT_EQ(store_->GetArtifact(a->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->CountArtifacts().value(), 0);
  EXPECT_EQ(store_->ListArtifacts(0, 10, true)->total, 0);
  auto history = store_->History(a->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().op, "delete");
  EXPECT_EQ(history->back().record.title, "doomed");
  // The id stays taken and a second delete finds nothing.
  EXPECT_EQ(store_->CreateArtifact(Make("new", a->id), "c").status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(store_->DeleteArtifact(a->id, std::nullopt, "c").status().code(),
            StatusCode::kNotFound);
}

TEST_F(SqliteRecordStoreTest, ChangeFeedIsOrderedAndMonotonic) {
  auto a = store_->CreateArtifact(Make("a"), "u");
  auto b = store_->CreateArtifact(Make("b"), "u");
  ASSERT_TRUE(a.ok() && b.ok());
  Artifact a2 = *a;
  a2.title = "a2";
  ASSERT_TRUE(store_->UpdateArtifact(a2, 1, "u").ok());
  ASSERT_TRUE(store_->DeleteArtifact(b->id, std::nullopt, "u").ok());
  auto changes = store_->ChangesSince(0, 100);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 4u);
  const std::pair<std::string, std::string> want[] = {
      {a->id, "create"}, {b->id, "create"}, {a->id, "update"}, {b->id, "delete"}};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*changes)[i].artifact_id, want[i].first);
    EXPECT_EQ((*changes)[i].op, want[i].second);
    if (i > 0) {
      EXPECT_GT((*changes)[i].seq, (*changes)[i - 1].seq);
    }
  }
  EXPECT_EQ(*store_->LastChangeSeq(), changes->back().seq);
  auto tail = store_->ChangesSince((*changes)[1].seq, 100);
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ(tail->front().op, "update");
}

TEST_F(SqliteRecordStoreTest, EveryWriteLandsInTheAuditLog) {
  auto a = store_->CreateArtifact(Make("a"), "alice");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(store_->DeleteArtifact(a->id, std::nullopt, "bob").ok());
  ASSERT_TRUE(store_->AppendAudit("ivan", "artifact.read_restricted", a->id, "read").ok());
  auto audit = store_->RecentAudit(10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].actor, "ivan");
  EXPECT_EQ((*audit)[1].action, "artifact.delete");
  EXPECT_EQ((*audit)[1].actor, "bob");
  EXPECT_EQ((*audit)[2].action, "artifact.create");
}

TEST_F(SqliteRecordStoreTest, ListFiltersRestrictedAndPages) {
  for (int i = 0; i < 5; ++i) {
    Artifact a = Make("r" + std::to_string(i), "id" + std::to_string(i));
    if (i % 2) a.visibility = core::Visibility::kRestricted;
    ASSERT_TRUE(store_->CreateArtifact(a, "u").ok());
  }
  auto pub = store_->ListArtifacts(0, 10, false);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->total, 3);
  for (const auto& a : pub->items) EXPECT_EQ(a.visibility, core::Visibility::kPublic);
  auto all = store_->ListArtifacts(2, 2, true);
  EXPECT_EQ(all->total, 5);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].id, "id2");
}

TEST_F(SqliteRecordStoreTest, UpsertBatchCreatesUpdatesAndSkipsUnchanged) {
  ASSERT_TRUE(store_->CreateArtifact(Make("same", "s"), "u").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("old", "c"), "u").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("gone", "g"), "u").ok());
  ASSERT_TRUE(store_->DeleteArtifact("g", std::nullopt, "u").ok());
  auto r = store_->UpsertArtifacts({Make("same", "s"), Make("new", "c"), Make("fresh", "f"),
                                    Make("again", "g"), Make("anon")},
                                   "import");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ(*(*r)[0], core::UpsertOutcome::kUnchanged);
  EXPECT_EQ(*(*r)[1], core::UpsertOutcome::kUpdated);
  EXPECT_EQ(*(*r)[2], core::UpsertOutcome::kCreated);
  EXPECT_EQ((*r)[3].status().code(), StatusCode::kConflict);
  EXPECT_EQ(*(*r)[4], core::UpsertOutcome::kCreated);
  EXPECT_EQ(store_->GetArtifact("c")->version, 2);
  EXPECT_EQ(store_->GetArtifact("s")->version, 1);
  EXPECT_EQ(*store_->CountArtifacts(), 4);
}

// An import batch reads and compares its records on a reader, then writes.
// Rows that another writer moves in between are decided again on the row as
// it then is: nothing is lost or written over, and no insert collides.
TEST_F(SqliteRecordStoreTest, UpsertBatchOvertakenBetweenReadAndWriteDecidesMovedRowsAgain) {
  ASSERT_TRUE(store_->CreateArtifact(Make("edited", "e"), "u").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("same", "s"), "u").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("to delete", "d"), "u").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("steady", "k"), "u").ok());
  SqliteRecordStore other(db_, clock_);  // another writer (a curator, another process)
  store_->SetUpsertInterleaveForTesting([&] {
    Artifact e = *other.GetArtifact("e");
    e.title = "edited by a curator";
    ASSERT_TRUE(other.UpdateArtifact(e, 1, "curator").ok());
    ASSERT_TRUE(other.CreateArtifact(Make("created meanwhile", "n"), "curator").ok());
    ASSERT_TRUE(other.DeleteArtifact("d", std::nullopt, "curator").ok());
    Artifact same = *other.GetArtifact("s");
    same.title = "no longer the same";
    ASSERT_TRUE(other.UpdateArtifact(same, 1, "curator").ok());
  });
  auto r = store_->UpsertArtifacts(
      {Make("import of e", "e"), Make("same", "s"), Make("import of n", "n"),
       Make("import of d", "d"), Make("steady, new title", "k"), Make("first", "x"),
       Make("second", "x")},
      "import");
  store_->SetUpsertInterleaveForTesting(nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 7u);
  // e: planned as an update of version 1; the curator's version 2 came
  // first, so the import is version 3 on top of it.
  EXPECT_EQ(*(*r)[0], core::UpsertOutcome::kUpdated);
  EXPECT_EQ(store_->GetArtifact("e")->version, 3);
  EXPECT_EQ(store_->GetArtifact("e")->title, "import of e");
  // s: planned as unchanged, but changed meanwhile: updated back.
  EXPECT_EQ(*(*r)[1], core::UpsertOutcome::kUpdated);
  EXPECT_EQ(store_->GetArtifact("s")->title, "same");
  // n: planned as a create; created meanwhile, so an update (no collision).
  EXPECT_EQ(*(*r)[2], core::UpsertOutcome::kUpdated);
  EXPECT_EQ(store_->GetArtifact("n")->version, 2);
  // d: deleted meanwhile: refused, not re-created.
  EXPECT_EQ((*r)[3].status().code(), StatusCode::kConflict);
  EXPECT_EQ(store_->GetArtifact("d").status().code(), StatusCode::kNotFound);
  // k: nothing moved, the plan stands.
  EXPECT_EQ(*(*r)[4], core::UpsertOutcome::kUpdated);
  EXPECT_EQ(store_->GetArtifact("k")->version, 2);
  // x twice in one batch: created, then updated by its second occurrence.
  EXPECT_EQ(*(*r)[5], core::UpsertOutcome::kCreated);
  EXPECT_EQ(*(*r)[6], core::UpsertOutcome::kUpdated);
  EXPECT_EQ(store_->GetArtifact("x")->title, "second");
  EXPECT_EQ(store_->GetArtifact("x")->version, 2);
  // Every write has its revision.
  EXPECT_EQ(store_->History("e")->size(), 3u);
  EXPECT_EQ(store_->History("s")->size(), 3u);
  EXPECT_EQ(store_->History("x")->size(), 2u);
}

// Writes a record's row and revisions as releases before migration 6 did
// (today's store also writes the harvest columns, which an old file lacks).
// revisions[i] is version i + 1, written at its updated_at; the last one is
// the row, a tombstone when `deleted`.
core::Status InsertAsReleased(SqliteDatabase& db, const std::vector<Artifact>& revisions,
                              bool deleted = false) {
  using namespace Poco::Data::Keywords;
  return db.Write([&](Poco::Data::Session& s) {
    const Artifact& a = revisions.back();
    std::string visibility(core::ToString(a.visibility)), status(core::ToString(a.status));
    std::string doc = core::ArtifactToJson(a, true).dump();
    Poco::Int64 version = static_cast<Poco::Int64>(revisions.size());
    int gone = deleted ? 1 : 0;
    s << "INSERT INTO artifacts (id, version, visibility, status, title, deleted, doc, "
         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        bind(a.id), bind(version), bind(visibility), bind(status), bind(a.title), bind(gone),
        bind(doc), bind(revisions.front().updated_at), bind(a.updated_at), now;
    for (size_t i = 0; i < revisions.size(); ++i) {
      const Artifact& r = revisions[i];
      std::string op = i == 0                                 ? "create"
                       : deleted && i + 1 == revisions.size() ? "delete"
                                                              : "update";
      std::string rdoc = core::ArtifactToJson(r, true).dump();
      Poco::Int64 v = static_cast<Poco::Int64>(i + 1);
      s << "INSERT INTO revisions (artifact_id, version, op, actor, time, doc) "
           "VALUES (?, ?, ?, 'u', ?, ?)",
          bind(r.id), bind(v), bind(op), bind(r.updated_at), bind(rdoc), now;
    }
    return core::Status::Ok();
  });
}

TEST(SqliteMigrationTest, OldFileIsMigratedOnOpenAndKeepsItsRecords) {
  TempDir dir;
  FixedClock clock;
  const std::string path = dir.file("custos.db");
  {
    // A file as the first release wrote it: schema version 1, no users table.
    auto old = SqliteDatabase::Open(path, /*migrate_to=*/1);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ((*old)->schema_version(), 1);
    Artifact a = Make("from v1", "old-1");
    a.version = 1;
    a.created_at = a.updated_at = "2025-01-01T00:00:00.000Z";
    core::Status st = InsertAsReleased(**old, {a});
    ASSERT_TRUE(st.ok()) << st.ToString();
    UserStore users(*old, clock);
    EXPECT_FALSE(users.AddUser("alice", core::Role::kCurator).ok());  // no table yet
  }
  auto db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->schema_version(), SqliteDatabase::LatestSchemaVersion());
  SqliteRecordStore store(*db, clock);
  EXPECT_EQ(store.GetArtifact("old-1")->title, "from v1");
  UserStore users(*db, clock);
  EXPECT_TRUE(users.AddUser("alice", core::Role::kCurator).ok());
}

// Migration 6 derives the harvest view from the history: a record restricted
// after being public is a tombstone dated by the revision that restricted it,
// in the sets of its last public version.
TEST(SqliteMigrationTest, HarvestViewIsBackfilledFromTheHistory) {
  TempDir dir;
  FixedClock clock;
  const std::string path = dir.file("custos.db");
  auto at = [](Artifact a, const char* time, core::Visibility v) {
    a.updated_at = time;
    a.visibility = v;
    return a;
  };
  constexpr auto kPublic = core::Visibility::kPublic;
  constexpr auto kRestricted = core::Visibility::kRestricted;
  {
    auto old = SqliteDatabase::Open(path, /*migrate_to=*/5);
    ASSERT_TRUE(old.ok());
    Artifact live = Make("Live", "live");
    live.country_of_origin = "IT";
    Artifact was = Make("Was public", "was");
    was.status = core::ArtifactStatus::kSeized;
    was.country_of_origin = "GR";
    Artifact secret = was;
    secret.title = "Secret";
    secret.status = core::ArtifactStatus::kUnderInvestigation;
    secret.country_of_origin = "PE";
    ASSERT_TRUE(InsertAsReleased(**old, {at(live, "2025-01-01T00:00:00.000Z", kPublic)}).ok());
    ASSERT_TRUE(InsertAsReleased(**old, {at(was, "2025-01-01T00:00:00.000Z", kPublic),
                                         at(was, "2025-01-02T00:00:00.000Z", kPublic),
                                         at(secret, "2025-01-03T00:00:00.000Z", kRestricted),
                                         at(secret, "2025-01-04T00:00:00.000Z", kRestricted)})
                    .ok());
    ASSERT_TRUE(InsertAsReleased(
                    **old, {at(Make("Never", "never"), "2025-01-01T00:00:00.000Z", kRestricted)})
                    .ok());
    ASSERT_TRUE(InsertAsReleased(**old,
                                 {at(Make("Gone", "gone"), "2025-01-01T00:00:00.000Z", kPublic),
                                  at(Make("Gone", "gone"), "2025-01-05T00:00:00.000Z", kPublic)},
                                 /*deleted=*/true)
                    .ok());
  }
  auto db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  SqliteRecordStore store(*db, clock);
  auto rows = store.ListModified(core::ModifiedQuery{});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  const auto& live = (*rows)[0];
  EXPECT_EQ(live.record.id, "live");
  EXPECT_FALSE(live.deleted);
  EXPECT_EQ(live.record.title, "Live");
  const auto& was = (*rows)[1];
  EXPECT_EQ(was.record.id, "was");
  EXPECT_TRUE(was.deleted);
  EXPECT_EQ(was.record.updated_at, "2025-01-03T00:00:00.000Z");
  EXPECT_EQ(was.record.status, core::ArtifactStatus::kSeized);
  EXPECT_EQ(was.record.country_of_origin, "GR");
  EXPECT_EQ(was.record.title, "");
  const auto& gone = (*rows)[2];
  EXPECT_EQ(gone.record.id, "gone");
  EXPECT_TRUE(gone.deleted);
  EXPECT_EQ(gone.record.updated_at, "2025-01-05T00:00:00.000Z");
}

TEST(SqliteMigrationTest, RefusesAFileFromANewerRelease) {
  TempDir dir;
  const std::string path = dir.file("custos.db");
  ASSERT_TRUE(SqliteDatabase::Open(path).ok());
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", path);
    s << "PRAGMA user_version = 99", Poco::Data::Keywords::now;
  }
  auto db = SqliteDatabase::Open(path);
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption);
}

TEST(DataDirTest, CreatesPrivateDirectories) {
  TempDir dir;
  FixedClock clock;
  auto archive = Archive::Open(dir.file("data"), clock);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  for (const auto& p : {(*archive)->paths().root, (*archive)->paths().keys()}) {
    auto perms = std::filesystem::status(p).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all) << p;
  }
  EXPECT_TRUE(std::filesystem::exists((*archive)->paths().db()));
}

}  // namespace
}  // namespace custos::archive

namespace custos::archive {
namespace {

// ListModified: the harvesting order and filters OAI-PMH relies on.
class SqliteRecordStoreModifiedTest : public SqliteRecordStoreTest {};

TEST_F(SqliteRecordStoreModifiedTest, OrdersByTimeThenIdAndResumesAfterAPosition) {
  ASSERT_TRUE(store_->CreateArtifact(Make("B", "b"), "c").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("A", "a"), "c").ok());
  clock_.Advance(1000);
  ASSERT_TRUE(store_->CreateArtifact(Make("C", "c"), "c").ok());
  core::ModifiedQuery q;
  auto all = store_->ListModified(q);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> ids;
  for (const auto& r : *all) ids.push_back(r.record.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "c"}));
  // Resume after "a": an edit of "a" moves it behind the position.
  q.after_time = (*all)[0].record.updated_at;
  q.after_id = "a";
  clock_.Advance(1000);
  auto a = store_->GetArtifact("a");
  ASSERT_TRUE(store_->UpdateArtifact(Make("A2", "a"), a->version, "c").ok());
  auto rest = store_->ListModified(q);
  ids.clear();
  for (const auto& r : *rest) ids.push_back(r.record.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "c", "a"}));
  q.limit = 1;
  EXPECT_EQ(store_->ListModified(q)->size(), 1u);
}

TEST_F(SqliteRecordStoreModifiedTest, FiltersAndTombstones) {
  auto seized = Make("Seized", "s");
  seized.status = core::ArtifactStatus::kSeized;
  seized.country_of_origin = "IT";
  auto hidden = Make("Hidden", "h");
  hidden.visibility = core::Visibility::kRestricted;
  hidden.country_of_origin = "PE";
  ASSERT_TRUE(store_->CreateArtifact(seized, "c").ok());
  ASSERT_TRUE(store_->CreateArtifact(hidden, "c").ok());
  ASSERT_TRUE(store_->CreateArtifact(Make("Plain", "p"), "c").ok());
  clock_.Advance(5000);
  ASSERT_TRUE(store_->DeleteArtifact("p", std::nullopt, "c").ok());

  auto ids = [&](core::ModifiedQuery q) {
    std::vector<std::string> out;
    auto rows = store_->ListModified(q);
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows) out.push_back(r.record.id + (r.deleted ? "(deleted)" : ""));
    return out;
  };
  core::ModifiedQuery q;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"s", "p(deleted)"}));
  q.include_deleted = false;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"s"}));
  q = {};
  q.include_restricted = true;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"h", "s", "p(deleted)"}));
  q = {};
  q.status = "seized";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"s"}));
  q = {};
  q.country = "*";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"s"}));
  q.country = "PE";
  EXPECT_TRUE(ids(q).empty());
  q = {};
  q.from = core::FormatRfc3339Millis(clock_.NowMillis());
  EXPECT_EQ(ids(q), (std::vector<std::string>{"p(deleted)"}));
  q = {};
  q.until = core::FormatRfc3339Millis(clock_.NowMillis() - 1);
  EXPECT_EQ(ids(q), (std::vector<std::string>{"s"}));
  q = {};
  q.id = "h";
  EXPECT_TRUE(ids(q).empty());
  EXPECT_EQ(*store_->DistinctCountries(false), std::vector<std::string>{"IT"});
  EXPECT_EQ(*store_->DistinctCountries(true), (std::vector<std::string>{"IT", "PE"}));
}

TEST_F(SqliteRecordStoreModifiedTest, ARecordMadeRestrictedIsATombstoneInThePublicView) {
  auto a = Make("Public", "w");
  a.status = core::ArtifactStatus::kSeized;
  a.country_of_origin = "GR";
  ASSERT_TRUE(store_->CreateArtifact(a, "c").ok());
  clock_.Advance(5000);
  const std::string restricted_at = core::FormatRfc3339Millis(clock_.NowMillis());
  auto secret = a;
  secret.title = "Secret";
  secret.visibility = core::Visibility::kRestricted;
  secret.status = core::ArtifactStatus::kUnderInvestigation;
  secret.country_of_origin = "PE";
  ASSERT_TRUE(store_->UpdateArtifact(secret, 1, "c").ok());

  auto one = [&](core::ModifiedQuery q) -> std::optional<core::ModifiedRecord> {
    q.id = "w";
    auto rows = store_->ListModified(q);
    EXPECT_TRUE(rows.ok());
    if (!rows.ok() || rows->empty()) return std::nullopt;
    return rows->front();
  };
  auto t = one({});
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->deleted);
  EXPECT_EQ(t->record.updated_at, restricted_at);
  EXPECT_EQ(t->record.status, core::ArtifactStatus::kSeized);  // the last public sets
  EXPECT_EQ(t->record.country_of_origin, "GR");
  EXPECT_EQ(t->record.title, "");  // nothing of the restricted version
  core::ModifiedQuery live_only;
  live_only.include_deleted = false;
  EXPECT_FALSE(one(live_only));
  core::ModifiedQuery by_set;
  by_set.status = "under_investigation";
  EXPECT_FALSE(one(by_set));
  by_set.status = "seized";
  EXPECT_TRUE(one(by_set));
  // The trusted view has the record as it is.
  core::ModifiedQuery trusted;
  trusted.include_restricted = true;
  EXPECT_EQ(one(trusted)->record.title, "Secret");
  EXPECT_FALSE(one(trusted)->deleted);

  // Later edits and the deletion of the restricted record do not move it.
  clock_.Advance(5000);
  secret.title = "Secret 2";
  ASSERT_TRUE(store_->UpdateArtifact(secret, 2, "c").ok());
  EXPECT_EQ(one({})->record.updated_at, restricted_at);
  // Public again: live, dated now.
  clock_.Advance(5000);
  auto back = secret;
  back.title = "Back";
  back.visibility = core::Visibility::kPublic;
  ASSERT_TRUE(store_->UpdateArtifact(back, 3, "c").ok());
  t = one({});
  EXPECT_FALSE(t->deleted);
  EXPECT_EQ(t->record.title, "Back");
  EXPECT_EQ(t->record.updated_at, core::FormatRfc3339Millis(clock_.NowMillis()));
  clock_.Advance(5000);
  ASSERT_TRUE(store_->DeleteArtifact("w", std::nullopt, "c").ok());
  t = one({});
  EXPECT_TRUE(t->deleted);
  EXPECT_EQ(t->record.updated_at, core::FormatRfc3339Millis(clock_.NowMillis()));
  // Imports (UpsertArtifacts) keep the view the same way.
  auto u = Make("Imported", "u");
  ASSERT_TRUE(store_->UpsertArtifacts({u}, "import").ok());
  clock_.Advance(5000);
  u.visibility = core::Visibility::kRestricted;
  ASSERT_TRUE(store_->UpsertArtifacts({u}, "import").ok());
  core::ModifiedQuery qu;
  qu.id = "u";
  auto rows = store_->ListModified(qu);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_TRUE(rows->front().deleted);
  EXPECT_EQ(rows->front().record.updated_at, core::FormatRfc3339Millis(clock_.NowMillis()));
}

// OAI-PMH's selective harvests (from/until, resumption position) read the
// datestamp index instead of the whole table.
TEST_F(SqliteRecordStoreModifiedTest, PublicViewQueriesUseTheDatestampIndex) {
  using namespace Poco::Data::Keywords;
  for (const std::string sql : {
           "SELECT id, doc FROM artifacts WHERE harvest_time IS NOT NULL "
           "AND harvest_time >= '2025-01-01T00:00:00.000Z' "
           "AND harvest_time <= '2025-02-01T00:00:00.000Z' ORDER BY harvest_time, id LIMIT 101",
           "SELECT id, doc FROM artifacts WHERE harvest_time IS NOT NULL "
           "AND (harvest_time, id) > ('2025-01-01T00:00:00.000Z', 'x') "
           "ORDER BY harvest_time, id LIMIT 101",
       }) {
    std::vector<int> ids, parents, unused;
    std::vector<std::string> details;
    ASSERT_TRUE(db_->Read([&](Poco::Data::Session& s) {
                     s << "EXPLAIN QUERY PLAN " + sql, into(ids), into(parents), into(unused),
                         into(details), now;
                     return core::Status::Ok();
                   })
                    .ok());
    std::string plan;
    for (const auto& d : details) plan += d + "\n";
    EXPECT_NE(plan.find("USING INDEX artifacts_by_harvest_time"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("USE TEMP B-TREE"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace custos::archive
