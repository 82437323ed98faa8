// A small hand-built corpus and a fixture that indexes it through the fake
// store and the follower, shared by the indexer tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "custos/core/artifact.h"
#include "custos/core/search_index.h"
#include "custos/indexer/index_follower.h"
#include "custos/indexer/xapian_search_index.h"
#include "fakes/in_memory_record_store.h"

namespace custos::indexer::testing {

struct TempDir {
  TempDir() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("custos-indexer-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

inline core::Artifact MakeArtifact(std::string id, std::string title) {
  core::Artifact a;
  a.id = std::move(id);
  a.title = std::move(title);
  return a;
}

// The corpus. Ids say what each record is for.
inline std::vector<core::Artifact> Corpus() {
  std::vector<core::Artifact> out;
  {
    core::Artifact a = MakeArtifact("luristan-horse", "Bronze figurine of a horse and rider");
    a.status = core::ArtifactStatus::kSeized;
    a.object_type = "Figurine";
    a.materials = {"bronze"};
    a.culture = "Luristan";
    a.country_of_origin = "IR";
    a.date = {"c. 1000-650 BCE", -1000, -650};
    a.description =
        "A cast bronze figurine of a horse carrying a rider, in the Luristan style. "
        "Green patina, the rider's left arm missing.";
    a.inscriptions = "INV 1931.4/22 painted on the base";
    a.identifiers = {{"inventory_number", "INV 1931.4/22"}};
    a.provenance_text = "Galerie Nefer, Zurich, by 1970; sold to a private collector, Geneva.";
    a.provenance = nlohmann::json::array(
        {{{"party", {{"name", "Galerie Nefer"}}}, {"place", "Zurich"}, {"start", "1970"}},
         {{"party", {{"name", "Private collector"}}}, {"place", "Geneva"}}});
    a.flags = nlohmann::json::array({{{"rule", "gap"}}, {{"rule", "unesco_1970"}}});
    out.push_back(a);
  }
  // Records that mention the inventory number in passing, several times:
  // they outscore the record above on the words alone.
  for (int i = 1; i <= 3; ++i) {
    core::Artifact a = MakeArtifact("inv-mention-" + std::to_string(i), "Ledger page INV 1931");
    a.object_type = "document";
    a.materials = {"paper"};
    a.description =
        "Ledger of INV 1931 numbers: INV 1931.4/21, INV 1931.4/22, INV 1931.4/23, "
        "INV 1931.4/22 again, INV 1931 series 4.";
    a.country_of_origin = "FR";
    out.push_back(a);
  }
  {
    core::Artifact a = MakeArtifact("attic-amphora", "Attic red-figure amphora");
    a.status = core::ArtifactStatus::kRepatriated;
    a.object_type = "Vase";
    a.materials = {"terracotta"};
    a.maker = "Berlin Painter";
    a.culture = "Greek, Attic";
    a.country_of_origin = "GR";
    a.date = {"c. 490-460 BCE", -490, -460};
    a.description = "Neck amphora with Apollo playing the kithara on one side.";
    out.push_back(a);
  }
  {
    core::Artifact a = MakeArtifact("script-bowl", "<script>alert(1)</script> Bronze bowl");
    a.object_type = "Bowl";
    a.materials = {"bronze"};
    a.country_of_origin = "IR";
    a.description = "Shallow bowl with <b>engraved</b> rim & lotus pattern.";
    a.date = {"8th century BCE", -800, -701};
    out.push_back(a);
  }
  {
    core::Artifact a = MakeArtifact("restricted-bronze", "Bronze figurine of a bull");
    a.visibility = core::Visibility::kRestricted;
    a.status = core::ArtifactStatus::kUnderInvestigation;
    a.object_type = "Figurine";
    a.materials = {"bronze", "silver"};
    a.country_of_origin = "IQ";
    a.date = {"c. 2500 BCE", -2600, -2400};
    a.description = "Bronze figurine of a bull with silver inlay, offered at auction.";
    a.restricted = {{"suspect", "Qwertyuiop Smugglerson"}, {"case", "CASE-XYZZY-77"}};
    out.push_back(a);
  }
  {
    core::Artifact a = MakeArtifact("painting", "Wheat field with cypresses");
    a.status = core::ArtifactStatus::kInLitigation;
    a.object_type = "Painting";
    a.materials = {"oil paint", "canvas"};
    a.maker = "Vincent van Gogh";
    a.country_of_origin = "NL";
    a.date = {"1889", 1889, 1889};
    a.description = "Oil on canvas.";
    a.provenance_text = "Jakob Goldschmidt, Berlin, until 1938; seized; Alfred Flechtheim.";
    a.flags = nlohmann::json::array({{{"rule", "nazi_era"}}});
    out.push_back(a);
  }
  {
    core::Artifact a = MakeArtifact("german-figures", "Bronzene Figuren aus Hallstatt");
    a.language = "de";
    a.object_type = "Figurine";
    a.materials = {"bronze"};
    a.country_of_origin = "AT";
    a.date = {"790-450 v. Chr.", -790, -450};
    a.description = "Die Figuren wurden in einem Grab gefunden.";
    out.push_back(a);
  }
  {
    core::Artifact a = MakeArtifact("undated-mask", "Wooden mask");
    a.object_type = "Mask";
    a.materials = {"wood"};
    a.country_of_origin = "CD";
    a.description = "Carved mask with raffia.";
    out.push_back(a);
  }
  // 30 coins: more matches than a page, for facets and paging.
  for (int i = 0; i < 30; ++i) {
    core::Artifact a =
        MakeArtifact("coin-" + std::to_string(i), "Silver tetradrachm coin of Alexander");
    a.object_type = "Coin";
    a.materials = {"silver"};
    a.country_of_origin = i < 20 ? "GR" : "TR";
    a.status = i % 3 == 0 ? core::ArtifactStatus::kSeized : core::ArtifactStatus::kInCollection;
    a.date = {"336-323 BCE", -336 + i, -323};
    a.description = "Tetradrachm, head of Heracles; Zeus enthroned on the reverse. Die " +
                    std::to_string(i) + ".";
    out.push_back(a);
  }
  return out;
}

class IndexedCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& a : Corpus()) ASSERT_TRUE(store_.CreateArtifact(a, "tester").ok());
    auto index = XapianSearchIndex::Open((dir_.path / "index").string(), IndexOptions());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value();
    FollowerOptions opts;
    opts.batch_size = 7;  // several batches
    opts.documents = [](const std::vector<std::string>& ids) {
      std::vector<std::vector<core::DocumentText>> out(ids.size());
      for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] != "painting") continue;
        out[i] = {
            {"aa11", "invoice", 1, "Cover letter from the gallery.", false},
            {"aa11", "invoice", 3, "Invoice: one painting, wheat field, sold to Mr Hildebrand.",
             false},
            {"bb22", "police_report", 1, "Confidential informant Xanadoodle named.", true},
        };
      }
      return core::Result<std::vector<std::vector<core::DocumentText>>>(std::move(out));
    };
    follower_ = std::make_unique<IndexFollower>(store_, *index_, opts);
    auto n = follower_->CatchUp();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
  }

  // The options the index is opened with; a fixture may override them.
  virtual XapianSearchIndexOptions IndexOptions() const {
    auto o = XapianSearchIndexOptions::FromEnvironment();
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? *o : XapianSearchIndexOptions{};
  }

  core::SearchResults Search(core::SearchQuery q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << q.q << ": " << r.status().ToString();
    return r.ok() ? std::move(r).value() : core::SearchResults{};
  }
  core::SearchResults Search(const std::string& text, bool include_restricted = false) {
    core::SearchQuery q;
    q.q = text;
    q.include_restricted = include_restricted;
    q.per_page = 100;
    return Search(q);
  }
  static std::vector<std::string> Ids(const core::SearchResults& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.push_back(h.id);
    return ids;
  }
  static std::vector<std::string> SortedIds(const core::SearchResults& r) {
    auto ids = Ids(r);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  static bool Has(const core::SearchResults& r, const std::string& id) {
    auto ids = Ids(r);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  TempDir dir_;
  fakes::InMemoryRecordStore store_;
  std::unique_ptr<XapianSearchIndex> index_;
  std::unique_ptr<IndexFollower> follower_;
};

}  // namespace custos::indexer::testing
