#include "custos/archive/party_store.h"

#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>

#include "custos/archive/custody_log.h"
#include "custos/archive/log_keys.h"
#include "custos/archive/sqlite_record_store.h"
#include "custos/core/artifact_derive.h"
#include "fakes/fixed_clock.h"
#include "temp_dir.h"

namespace custos::archive {
namespace {

using core::StatusCode;
using testing::FixedClock;
using testing::TempDir;

const PartyAccess kPublic{false};
const PartyAccess kAll{true};

class PartyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.file("custos.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = *db;
    records_ = std::make_unique<SqliteRecordStore>(db_, clock_);
    parties_ = std::make_unique<PartyStore>(db_, clock_);
  }

  core::Artifact Put(const std::string& id, const std::string& provenance,
                     bool restricted = false) {
    core::Artifact a;
    a.id = id;
    a.title = "Object " + id;
    a.object_type = "vase";
    a.provenance_text = provenance;
    a.visibility = restricted ? core::Visibility::kRestricted : core::Visibility::kPublic;
    EXPECT_TRUE(core::DeriveArtifactFields(a).ok());
    auto existing = records_->GetArtifact(id);
    if (existing.ok()) {
      auto r = records_->UpdateArtifact(a, existing->version, "tester");
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      return *r;
    }
    auto r = records_->CreateArtifact(a, "tester");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }

  // A custody log on the fixture's database; null (after a failure) if it
  // does not open.
  std::unique_ptr<CustodyLog> OpenLog() {
    auto keys = LogKeys::LoadOrCreate(dir_.file("keys"), "custos.test/log");
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    if (!keys.ok()) return nullptr;
    auto log = CustodyLog::Open(db_, *keys, clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // Appends one custody entry, submitted by "tester".
  ::testing::AssertionResult AppendCustody(CustodyLog& log, const std::string& artifact,
                                           core::CustodyEvent event, const std::string& actor,
                                           const std::string& location, const std::string& time) {
    CustodyAppend req;
    req.artifact_id = artifact;
    req.event = event;
    req.actor = actor;
    req.location = location;
    req.time = time;
    req.submitted_by = "tester";
    auto r = log.Append(req);
    if (r.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << r.status().ToString();
  }

  std::shared_ptr<const PartyGraph> Graph() {
    auto synced = parties_->Sync();
    EXPECT_TRUE(synced.ok()) << synced.ToString();
    auto g = parties_->Graph();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return *g;
  }

  // The id of the one visible party whose name normalises to `name`'s.
  int64_t IdOf(const std::string& name, const PartyAccess& access = kAll) {
    auto g = Graph();
    std::vector<int64_t> ids;
    for (const auto& s : g->Search(name, access, 1000)) {
      if (core::PartyNameKey(s.name) == core::PartyNameKey(name)) ids.push_back(s.id);
    }
    EXPECT_EQ(ids.size(), 1u) << name;
    return ids.empty() ? -1 : ids[0];
  }

  std::vector<std::string> PathNames(const PartyPath& p) {
    std::vector<std::string> out;
    auto g = Graph();
    for (int64_t id : p.parties) out.push_back(g->Detail(id, kAll)->summary.name);
    return out;
  }

  TempDir dir_;
  FixedClock clock_;
  std::shared_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteRecordStore> records_;
  std::unique_ptr<PartyStore> parties_;
};

TEST_F(PartyStoreTest, DerivesPartiesAndTransfersFromProvenance) {
  Put("a1", "Anna Weiss, Vienna; sold to Galerie Mars, Geneva, 1960; sold to John Smith, 1970.");
  Put("a2", "Galerie Mars, Geneva; sold to JOHN SMITH, 1975.");
  auto g = Graph();
  int64_t weiss = IdOf("Anna Weiss"), mars = IdOf("Galerie Mars"), smith = IdOf("John Smith");
  auto d = g->Detail(smith, kAll);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->summary.artifacts, 2);
  ASSERT_EQ(d->artifacts.size(), 2u);
  EXPECT_EQ(d->artifacts[0].artifact_id, "a1");
  EXPECT_EQ(d->artifacts[0].position, 2);
  EXPECT_EQ(d->artifacts[0].method, "sale");

  auto net = g->Network(mars, 1, kAll);
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->nodes.size(), 3u);
  ASSERT_EQ(net->edges.size(), 2u);
  for (const auto& e : net->edges) {
    if (e.to == smith) {
      EXPECT_EQ(e.from, mars);
      EXPECT_EQ(e.transfers, 2);
      EXPECT_EQ(e.artifacts, (std::vector<std::string>{"a1", "a2"}));
    } else {
      EXPECT_EQ(e.from, weiss);
      EXPECT_EQ(e.to, mars);
      EXPECT_EQ(e.transfers, 1);
    }
  }
}

TEST_F(PartyStoreTest, FindsTheChainThroughThreeIntermediaries) {
  // Looter -> B -> C -> D -> Buyer, each link on a different object, plus a
  // longer detour that must not be chosen and an unrelated chain.
  Put("c1", "Tomb Raider, Luxor; sold to Hassan Ali, 1968.");
  Put("c2", "Hassan Ali, Cairo; sold to Galerie Mars, Geneva, 1970.");
  Put("c3", "Galerie Mars, Geneva; sold to Peter Berg, 1972.");
  Put("c4", "Peter Berg, Zurich; sold to Museum of Fine Things, 1980.");
  Put("c5", "Hassan Ali; Kunsthandel Ost; Anna Weiss; Peter Berg.");
  Put("c6", "Ines Vidal; Paul Roux.");
  auto g = Graph();
  int64_t from = IdOf("Tomb Raider"), to = IdOf("Museum of Fine Things");
  auto paths = g->Paths(from, to, kAll, 5, 8);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  ASSERT_EQ(paths->size(), 1u);
  EXPECT_EQ(PathNames((*paths)[0]), (std::vector<std::string>{"Tomb Raider", "Hassan Ali",
                                                              "Galerie Mars", "Peter Berg",
                                                              "Museum of Fine Things"}));
  ASSERT_EQ((*paths)[0].hops.size(), 4u);
  EXPECT_EQ((*paths)[0].hops[1].artifacts, std::vector<std::string>{"c2"});
  // Either direction.
  auto back = g->Paths(to, from, kAll, 5, 8);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].parties.size(), 5u);
  // Two equally short chains from Hassan Ali to Peter Berg? No: via Mars is 2
  // hops, via Kunsthandel Ost and Weiss is 3.
  auto two = g->Paths(IdOf("Hassan Ali"), IdOf("Peter Berg"), kAll, 5, 8);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 1u);
  EXPECT_EQ((*two)[0].parties.size(), 3u);
  // Unconnected: an empty list. Too far for max_hops: also empty.
  auto none = g->Paths(from, IdOf("Paul Roux"), kAll, 5, 8);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto short_hops = g->Paths(from, to, kAll, 5, 3);
  ASSERT_TRUE(short_hops.ok());
  EXPECT_TRUE(short_hops->empty());
  // Network depth 2 around Galerie Mars: Hassan Ali, Peter Berg (1), Tomb
  // Raider, Kunsthandel Ost, Museum, Anna Weiss (2).
  auto net = g->Network(IdOf("Galerie Mars"), 2, kAll);
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net->nodes.size(), 7u);
  EXPECT_EQ(net->depth[0], 0);
}

TEST_F(PartyStoreTest, MergeHoldsAcrossReparseAndUndoRestores) {
  Put("m1", "J. Smith, London; sold to Galerie Mars, 1960.");
  Put("m2", "John Smith, London; sold to Anna Weiss, 1961.");
  int64_t j = IdOf("J. Smith"), john = IdOf("John Smith");
  ASSERT_NE(j, john);
  // The two are proposed to each other, not merged.
  auto d = Graph()->Detail(john, kAll);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->proposed_matches.size(), 1u);
  EXPECT_EQ(d->proposed_matches[0].id, j);

  auto rev = parties_->Merge(john, j, "curator");
  ASSERT_TRUE(rev.ok()) << rev.status().ToString();
  auto g = Graph();
  EXPECT_EQ(g->Detail(john, kAll)->summary.artifacts, 2);
  EXPECT_EQ(g->Resolve(j), john) << "the merged id leads to the party it went into";
  EXPECT_EQ(g->Search("smith", kAll, 10).size(), 1u);

  // Re-reading the record (an edit) keeps the merge.
  Put("m1", "J. Smith, London; sold to Galerie Mars, 1962.");
  Put("m3", "J. Smith; Paul Roux.");
  g = Graph();
  EXPECT_EQ(g->Search("smith", kAll, 10).size(), 1u);
  EXPECT_EQ(g->Detail(john, kAll)->summary.artifacts, 3);
  // A full rebuild keeps it too.
  ASSERT_TRUE(parties_->Rebuild().ok());
  g = Graph();
  EXPECT_EQ(g->Search("smith", kAll, 10).size(), 1u);
  EXPECT_EQ(g->Detail(john, kAll)->summary.artifacts, 3);

  // Undo: J. Smith is its own party again, with the mentions written that way.
  auto undo = parties_->Undo(*rev, "curator");
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  g = Graph();
  auto dj = g->Detail(j, kAll);
  ASSERT_TRUE(dj.ok());
  EXPECT_EQ(dj->summary.artifacts, 2);  // m1, m3
  EXPECT_EQ(g->Detail(john, kAll)->summary.artifacts, 1);
  // History on both.
  auto dd = g->Detail(john, kAll);
  ASSERT_EQ(dd->revisions.size(), 2u);
  EXPECT_EQ(dd->revisions[0].op, "merge");
  ASSERT_TRUE(dd->revisions[0].undone_by.has_value());
  EXPECT_EQ(*dd->revisions[0].undone_by, *undo);
  // Twice, or undoing the undo: Conflict.
  EXPECT_EQ(parties_->Undo(*rev, "curator").status().code(), StatusCode::kConflict);
  EXPECT_EQ(parties_->Undo(*undo, "curator").status().code(), StatusCode::kConflict);
  EXPECT_EQ(parties_->Undo(9999, "curator").status().code(), StatusCode::kNotFound);
}

TEST_F(PartyStoreTest, MergeRejectsBadInputAndChangesNothing) {
  Put("x1", "Anna Weiss; Paul Roux.");
  int64_t a = IdOf("Anna Weiss"), p = IdOf("Paul Roux");
  EXPECT_EQ(parties_->Merge(a, a, "c").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parties_->Merge(a, 999, "c").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(parties_->Merge(a, p, "c").ok());
  EXPECT_EQ(parties_->Merge(p, a, "c").status().code(), StatusCode::kNotFound)
      << "a merged party cannot be acted on";
}

TEST_F(PartyStoreTest, UndoOfAnOlderMergeIsRefusedWhileALaterSplitStands) {
  Put("s1", "J. Smith; Anna Weiss.");
  Put("s2", "John Smith; Paul Roux.");
  int64_t j = IdOf("J. Smith"), john = IdOf("John Smith");
  auto merge = parties_->Merge(john, j, "c");
  ASSERT_TRUE(merge.ok());
  int64_t created = 0;
  auto split = parties_->Split(john, {"j smith"}, "c", &created);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  auto g = Graph();
  EXPECT_EQ(g->Detail(created, kAll)->summary.artifacts, 1);
  EXPECT_EQ(g->Detail(john, kAll)->summary.artifacts, 1);
  EXPECT_EQ(parties_->Undo(*merge, "c").status().code(), StatusCode::kConflict);
  ASSERT_TRUE(parties_->Undo(*split, "c").ok());
  EXPECT_EQ(Graph()->Detail(john, kAll)->summary.artifacts, 2);
  ASSERT_TRUE(parties_->Undo(*merge, "c").ok());
  EXPECT_EQ(Graph()->Detail(j, kAll)->summary.artifacts, 1);
  // Split must leave a name, and only takes the party's names.
  EXPECT_EQ(parties_->Split(john, {"John Smith"}, "c", nullptr).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(parties_->Split(john, {"Nobody Here"}, "c", nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PartyStoreTest, AliasAttachesLaterRecordsAndIsSearchable) {
  Put("l1", "Galerie Mars, Geneva; John Smith.");
  int64_t mars = IdOf("Galerie Mars");
  auto rev = parties_->AddAlias(mars, "Mars Fine Art S.A.", "curator");
  ASSERT_TRUE(rev.ok()) << rev.status().ToString();
  auto found = Graph()->Search("mars fine art", kAll, 10);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, mars);
  Put("l2", "Mars Fine Art, Geneva; Paul Roux.");
  auto g = Graph();
  EXPECT_EQ(g->Detail(mars, kAll)->summary.artifacts, 2);
  EXPECT_EQ(parties_->AddAlias(mars, "mars fine art", "c").status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(parties_->AddAlias(mars, "John Smith", "c").status().code(), StatusCode::kConflict);
  EXPECT_EQ(parties_->AddAlias(mars, " ... ", "c").status().code(),
            StatusCode::kInvalidArgument);
  // Undo: the record that used the alias names a party of its own again.
  ASSERT_TRUE(parties_->Undo(*rev, "c").ok());
  g = Graph();
  EXPECT_EQ(g->Detail(mars, kAll)->summary.artifacts, 1);
  EXPECT_EQ(g->Search("mars fine art", kAll, 10).size(), 1u);
  EXPECT_NE(g->Search("mars fine art", kAll, 10)[0].id, mars);
}

TEST_F(PartyStoreTest, SearchNamesForManyRecordsMatchesOneAtATime) {
  // A merge gives each record the other's spelling; an alias gives both a
  // curator's name; a spelling known only from a restricted record reaches
  // a public record only when restricted names are asked for.
  Put("n1", "J. Smith, London; sold to Galerie Mars, 1960.");
  Put("n2", "John Smith, London; sold to Anna Weiss, 1961.");
  Put("n3", "Jon Smith; Paul Roux.", /*restricted=*/true);
  Put("n4", "Paul Roux.");
  Graph();
  const int64_t j = IdOf("J. Smith"), john = IdOf("John Smith"), jon = IdOf("Jon Smith");
  ASSERT_TRUE(parties_->Merge(john, j, "curator").ok());
  ASSERT_TRUE(parties_->Merge(john, jon, "curator").ok());
  ASSERT_TRUE(parties_->AddAlias(john, "Smith & Sons Ltd", "curator").ok());
  ASSERT_TRUE(parties_->Sync().ok());

  const std::vector<std::string> ids = {"n1", "n2", "n3", "n4", "missing", "n1"};
  for (const bool restricted : {false, true}) {
    auto batch = parties_->SearchNames(ids, restricted);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_EQ(batch->size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      auto one = parties_->SearchNames(ids[i], restricted);
      ASSERT_TRUE(one.ok());
      EXPECT_EQ((*batch)[i], *one) << ids[i] << " restricted=" << restricted;
    }
  }
  // What the batch found, so that equal-but-empty answers cannot pass.
  auto pub = parties_->SearchNames(ids, false);
  auto all = parties_->SearchNames(ids, true);
  EXPECT_EQ((*pub)[0], (std::vector<std::string>{"John Smith", "Smith & Sons Ltd"}));
  EXPECT_EQ((*all)[0], (std::vector<std::string>{"John Smith", "Jon Smith", "Smith & Sons Ltd"}));
  EXPECT_EQ((*pub)[1], (std::vector<std::string>{"J. Smith", "Smith & Sons Ltd"}));
  EXPECT_TRUE((*pub)[3].empty());
  EXPECT_TRUE((*pub)[4].empty());
  EXPECT_EQ((*pub)[5], (*pub)[0]);
  EXPECT_EQ(parties_->SearchNames(std::vector<std::string>{"bad\xff"}, true).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PartyStoreTest, RestrictedRecordsAreInvisibleToLowerRoles) {
  Put("p1", "Anna Weiss; sold to Galerie Mars, 1960.");
  Put("r1", "Galerie Mars; sold to Secret Buyer, 1990.", /*restricted=*/true);
  Put("r2", "Anna Weiss; sold to Galerie Mars, 1961.", /*restricted=*/true);
  auto g = Graph();
  int64_t mars = IdOf("Galerie Mars", kPublic);
  int64_t secret = IdOf("Secret Buyer", kAll);
  EXPECT_TRUE(g->Search("secret", kPublic, 10).empty());
  EXPECT_EQ(g->Detail(secret, kPublic).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(g->Detail(mars, kPublic)->summary.artifacts, 1);
  EXPECT_EQ(g->Detail(mars, kAll)->summary.artifacts, 3);
  auto net = g->Network(mars, 2, kPublic);
  ASSERT_TRUE(net.ok());
  ASSERT_EQ(net->nodes.size(), 2u);
  ASSERT_EQ(net->edges.size(), 1u);
  EXPECT_EQ(net->edges[0].transfers, 1) << "the restricted transfer is not counted";
  EXPECT_EQ(net->edges[0].artifacts, std::vector<std::string>{"p1"});
  EXPECT_EQ(g->Network(mars, 2, kAll)->nodes.size(), 3u);
  EXPECT_EQ(g->Paths(mars, secret, kPublic, 5, 8).status().code(), StatusCode::kNotFound);
  for (const auto& s : g->Search("", kPublic, 100)) EXPECT_NE(s.name, "Secret Buyer");
}

TEST_F(PartyStoreTest, DeletingARecordDropsItsMentionsAndCustodyActorsCount) {
  Put("d1", "Anna Weiss; sold to Paul Roux, 1950.");
  EXPECT_EQ(Graph()->Search("roux", kAll, 10).size(), 1u);
  ASSERT_TRUE(records_->DeleteArtifact("d1", std::nullopt, "tester").ok());
  EXPECT_TRUE(Graph()->Search("roux", kAll, 10).empty());

  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  Put("d2", "Galerie Mars; sold to Ines Vidal, 2015.");
  for (const char* actor : {"HSI Newark", "Ministry of Culture"}) {
    ASSERT_TRUE(AppendCustody(*log, "d2", core::CustodyEvent::kTransfer, actor, "Newark",
                              "2019-05-01T00:00:00Z"));
  }
  auto g = Graph();
  int64_t hsi = IdOf("HSI Newark");
  auto net = g->Network(hsi, 1, kAll);
  ASSERT_TRUE(net.ok());
  ASSERT_EQ(net->nodes.size(), 2u);
  EXPECT_EQ(g->Detail(net->nodes[1].id, kAll)->summary.name, "Ministry of Culture");
}

// Everything a snapshot answers, as text: equal dumps, equal snapshots.
std::string Dump(const PartyGraph& g) {
  std::ostringstream out;
  const auto years = [](const std::optional<int>& y) { return y ? std::to_string(*y) : "-"; };
  const auto summary = [&](const PartySummary& s) {
    out << s.id << " " << s.name << " " << s.kind << " " << s.artifacts << "/"
        << s.flagged_artifacts << " " << years(s.first_year) << ".." << years(s.last_year) << "\n";
  };
  out << "live " << g.party_count() << "\n";
  for (int64_t id = 0; id < 400; ++id) {
    if (auto r = g.Resolve(id)) out << "resolve " << id << " " << *r << "\n";
  }
  for (const PartyAccess& access : {kPublic, kAll}) {
    out << "== restricted " << access.restricted << "\n";
    std::vector<int64_t> ids;
    for (const auto& s : g.Search("", access, 100000)) {
      ids.push_back(s.id);
      summary(s);
      auto d = g.Detail(s.id, access);
      if (!d.ok()) {
        out << "detail failed\n";
        continue;
      }
      for (const auto& n : d->names) out << " name " << n.name << " " << n.origin << " " << n.mentions << "\n";
      for (const auto& a : d->artifacts) {
        out << " artifact " << a.artifact_id << " " << a.source << " " << a.position << " " << a.name
            << " " << a.role << " " << a.flags.size() << "\n";
      }
      for (const auto& p : d->proposed_matches) out << " proposed " << p.id << "\n";
      for (const auto& r : d->revisions) {
        out << " revision " << r.id << " " << r.op << " " << (r.undone_by ? *r.undone_by : 0) << "\n";
      }
      auto net = g.Network(s.id, 2, access);
      for (size_t i = 0; i < net->nodes.size(); ++i) {
        out << " node " << net->nodes[i].id << " @" << net->depth[i] << "\n";
      }
      for (const auto& e : net->edges) {
        out << " edge " << e.from << ">" << e.to << " " << e.transfers << " " << e.flagged << " "
            << e.artifact_count << " [";
        for (const auto& a : e.artifacts) out << a << " ";
        out << "]\n";
      }
    }
    for (size_t i = 0; i < ids.size() && i < 8; ++i) {
      for (size_t j = i + 1; j < ids.size() && j < 8; ++j) {
        auto paths = g.Paths(ids[i], ids[j], access, 3, 6);
        out << "paths " << ids[i] << "-" << ids[j] << ":";
        for (const auto& p : *paths) {
          for (int64_t x : p.parties) out << " " << x;
          out << " |";
        }
        out << "\n";
      }
    }
    for (const auto& h : g.Hubs(access, 100)) out << "hub " << h.id << "\n";
  }
  return out.str();
}

TEST_F(PartyStoreTest, SnapshotsPatchedAfterWritesEqualAFullBuild) {
  // Records over a small pool of names (the same name in two centuries, a
  // probable pair, restricted records), rewritten, deleted, merged, split,
  // aliased and undone at random; after every step the snapshot patched
  // from the previous one must answer exactly as one built from scratch.
  const std::vector<std::string> names = {
      "Anna Weiss", "Galerie Mars", "J. Smith", "John Smith", "Paul Roux",
      "Hassan Ali", "Peter Berg",   "Mars Gallery", "Ines Vidal", "private collection"};
  std::mt19937 rng(20261122);
  const auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const auto record = [&] {
    std::string text;
    const size_t periods = 2 + pick(4);
    int year = pick(4) == 0 ? 1750 : 1900;
    for (size_t i = 0; i < periods; ++i) {
      if (i > 0) text += pick(3) == 0 ? ". " : "; sold to ";
      text += names[pick(names.size())] + ", " + std::to_string(year);
      year += 1 + static_cast<int>(pick(20));
    }
    return text + ".";
  };
  std::vector<int64_t> revisions;
  std::set<std::string> deleted;  // ids cannot be used again
  for (int step = 0; step < 120; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    std::string id = "r" + std::to_string(pick(12));
    while (deleted.count(id)) id += "x";
    const size_t what = pick(10);
    auto g = Graph();
    std::vector<PartySummary> live = g->Search("", kAll, 1000);
    if (what < 6 || live.size() < 2) {
      Put(id, record(), /*restricted=*/pick(4) == 0);
    } else if (what == 6) {
      if (records_->DeleteArtifact(id, std::nullopt, "tester").ok()) deleted.insert(id);
    } else if (what == 7) {
      auto r = parties_->Merge(live[pick(live.size())].id, live[pick(live.size())].id, "c");
      if (r.ok()) revisions.push_back(*r);
    } else if (what == 8) {
      const int64_t p = live[pick(live.size())].id;
      auto d = g->Detail(p, kAll);
      if (d.ok() && d->names.size() > 1) {
        auto r = parties_->Split(p, {d->names[0].name}, "c", nullptr);
        if (r.ok()) revisions.push_back(*r);
      } else {
        auto r = parties_->AddAlias(p, "Alias " + std::to_string(step), "c");
        if (r.ok()) revisions.push_back(*r);
      }
    } else if (!revisions.empty()) {
      (void)parties_->Undo(revisions[pick(revisions.size())], "c");
    }
    auto patched = Graph();
    PartyStore fresh_store(db_, clock_);
    auto fresh = fresh_store.Graph();
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(Dump(*patched), Dump(**fresh));
  }
  EXPECT_GT(revisions.size(), 5u);
}

// party_mentions and party_artifacts as text, in key order.
std::string MentionRows(SqliteDatabase& db) {
  std::ostringstream out;
  EXPECT_TRUE(db.Read([&](Poco::Data::Session& s) {
                  using namespace Poco::Data::Keywords;
                  std::vector<std::string> ids, sources, keys, names, methods;
                  std::vector<int> positions, nexts;
                  std::vector<Poco::Int64> parties;
                  s << "SELECT artifact_id, source, position, party_id, key, name, method, "
                       "next_position FROM party_mentions ORDER BY artifact_id, source, position",
                      into(ids), into(sources), into(positions), into(parties), into(keys),
                      into(names), into(methods), into(nexts), now;
                  for (size_t i = 0; i < ids.size(); ++i) {
                    out << ids[i] << " " << sources[i] << " " << positions[i] << " p" << parties[i]
                        << " " << keys[i] << " " << names[i] << " " << methods[i] << " next "
                        << nexts[i] << "\n";
                  }
                  std::vector<std::string> a_ids, titles;
                  std::vector<int> restricted;
                  s << "SELECT artifact_id, title, restricted FROM party_artifacts ORDER BY "
                       "artifact_id",
                      into(a_ids), into(titles), into(restricted), now;
                  for (size_t i = 0; i < a_ids.size(); ++i) {
                    out << "artifact " << a_ids[i] << " " << titles[i] << " " << restricted[i]
                        << "\n";
                  }
                  return core::Status::Ok();
                }).ok());
  return out.str();
}

TEST_F(PartyStoreTest, CustodyEntriesAddedInStepsEqualAWholeRederive) {
  // Entries arrive a few at a time (a record with new entries only is
  // extended, not read again), mixed with record rewrites, a record without
  // provenance, anonymous and repeated actors, a name held by two parties
  // (Paul Roux, 1960 and 2021) and a deleted record. After every step the
  // mentions must be those that reading every record again gives (each
  // record saved again unchanged, so each is derived whole), and the patched
  // snapshot must equal one built from scratch.
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  std::map<std::string, std::pair<std::string, bool>> live = {
      {"c1", {"Anna Weiss, 1950; sold to Paul Roux, 1960.", false}},
      {"c2", {"", false}},
      {"c3", {"Galerie Mars, 1990.", true}},
      {"c4", {"Ines Vidal, 2001.", false}}};
  for (const auto& [id, r] : live) Put(id, r.first, r.second);
  const std::vector<std::string> actors = {"HSI Newark", "Paul Roux", "Ministry of Culture",
                                           "unknown", "Carabinieri TPC", "HSI Newark"};
  std::mt19937 rng(611);
  for (int step = 0; step < 12; ++step) {
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      const std::string artifact = "c" + std::to_string(1 + rng() % 4);
      const std::string& actor = actors[rng() % actors.size()];
      ASSERT_TRUE(AppendCustody(*log, artifact, core::CustodyEvent::kStorage, actor, "Rome",
                                "2021-0" + std::to_string(1 + step % 9) + "-01T00:00:00Z"));
    }
    if (step == 4) {
      live["c1"].first = "Anna Weiss, 1950; sold to Ines Vidal, 1970.";
      Put("c1", live["c1"].first);
    }
    if (step == 6) {
      ASSERT_TRUE(records_->DeleteArtifact("c4", std::nullopt, "tester").ok());
      live.erase("c4");
    }
    auto patched = Graph();
    const std::string stepwise = MentionRows(*db_);
    PartyStore fresh_store(db_, clock_);
    auto fresh = fresh_store.Graph();
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(Dump(*patched), Dump(**fresh)) << "step " << step;

    for (const auto& [id, r] : live) Put(id, r.first, r.second);
    Graph();
    ASSERT_EQ(stepwise, MentionRows(*db_)) << "step " << step;
  }
  EXPECT_NE(MentionRows(*db_).find("c2 custody"), std::string::npos);
}

TEST_F(PartyStoreTest, ASyncBatchOvertakenBetweenReadAndWriteReadsAgain) {
  // A batch reads and derives on a reader, then writes. Whatever lands in
  // between must neither be written twice nor lost: another process's sync
  // of the same custody entries (the batch must read again on the writer
  // and find nothing left), a curator's merge (read again with the merged
  // names), a record edit (left for the next batch, which its own change
  // row brings).
  Put("r1", "J. Smith, London; sold to Galerie Mars, 1960.");
  Put("r2", "John Smith, London; sold to Anna Weiss, 1961.");
  ASSERT_TRUE(parties_->Sync().ok());
  auto log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (const char* actor : {"HSI Newark", "Carabinieri TPC"}) {
    ASSERT_TRUE(AppendCustody(*log, "r1", core::CustodyEvent::kStorage, actor, "Rome",
                              "2021-03-01T00:00:00Z"));
  }
  PartyStore other(db_, clock_);  // as another process would
  int runs = 0;
  parties_->SetSyncInterleaveForTesting([&] {
    ++runs;
    ASSERT_TRUE(other.Sync().ok());
  });
  auto synced_over = parties_->Sync();
  ASSERT_TRUE(synced_over.ok()) << synced_over.ToString();
  EXPECT_EQ(runs, 1);
  parties_->SetSyncInterleaveForTesting(nullptr);
  const std::string once = MentionRows(*db_);
  EXPECT_NE(once.find("r1 custody 0"), std::string::npos) << once;
  EXPECT_NE(once.find("r1 custody 1"), std::string::npos) << once;

  // A merge in between: the batch that re-reads r1 gives J. Smith's
  // mention to the party J. Smith went into.
  const int64_t j = IdOf("J. Smith"), john = IdOf("John Smith");
  Put("r1", "J. Smith, London; sold to Galerie Mars, 1962.");
  parties_->SetSyncInterleaveForTesting([&] {
    ++runs;
    ASSERT_TRUE(parties_->Merge(john, j, "curator").ok());
  });
  ASSERT_TRUE(parties_->Sync().ok());
  EXPECT_EQ(runs, 2);
  parties_->SetSyncInterleaveForTesting(nullptr);
  auto g = Graph();
  EXPECT_EQ(g->Search("smith", kAll, 10).size(), 1u);
  EXPECT_EQ(g->Detail(john, kAll)->summary.artifacts, 2);

  // An edit in between: this batch stores what it read, the next brings
  // the edit.
  parties_->SetSyncInterleaveForTesting([&] {
    if (++runs == 3) Put("r2", "John Smith, London; sold to Paul Roux, 1963.");
  });
  Put("r2", "John Smith, London; sold to Ines Vidal, 1962.");
  ASSERT_TRUE(parties_->Sync().ok());
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(MentionRows(*db_).find("Paul Roux"), std::string::npos);
  ASSERT_TRUE(parties_->Sync().ok());
  EXPECT_EQ(runs, 4);
  parties_->SetSyncInterleaveForTesting(nullptr);
  const std::string synced = MentionRows(*db_);
  EXPECT_NE(synced.find("Paul Roux"), std::string::npos) << synced;
  EXPECT_EQ(synced.find("Ines Vidal"), std::string::npos) << synced;
  // And all of it is what reading every record again gives.
  ASSERT_TRUE(parties_->Rebuild().ok());
  EXPECT_EQ(synced, MentionRows(*db_));
}

}  // namespace
}  // namespace custos::archive
