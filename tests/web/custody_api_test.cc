// Chain of custody through the HTTP API: append, list, bundle, log proofs.
#include <thread>

#include "archive/document_fixtures.h"
#include "custos/core/bundle.h"
#include "custos/core/checkpoint.h"
#include "custos/core/encoding.h"
#include "custos/core/merkle.h"
#include "custos/core/zip.h"
#include "server_fixture.h"

namespace custos::testing {
namespace {

using nlohmann::json;

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class CustodyApiTest : public ServerTest {
 protected:
  std::string NewArtifact(const std::string& visibility = "public") {
    auto r = As("admin").Post("/api/v1/artifacts", {{"title", "Marble head of Athena"},
                                                    {"object_type", "sculpture"},
                                                    {"country_of_origin", "GR"},
                                                    {"visibility", visibility}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
  json Entry(const std::string& event) {
    return {{"event", event},
            {"actor", "HSI New York"},
            {"location", "Newark, NJ"},
            {"time", "2024-05-01T12:00:00Z"},
            {"notes", "crate 4"}};
  }
  std::vector<core::NoteVerifier> Keys() {
    return {core::NoteVerifier::Parse(As("anonymous").Get("/api/v1/log/key").body.substr(
                0, As("anonymous").Get("/api/v1/log/key").body.size() - 1))
                .value()};
  }
};

TEST_F(CustodyApiTest, AppendsChainAndBundleVerifies) {
  std::string id = NewArtifact();
  auto inv = As("investigator");
  const char* events[] = {"seizure", "intake", "examination", "storage", "repatriation"};
  for (size_t i = 0; i < 5; ++i) {
    auto r = inv.Post("/api/v1/artifacts/" + id + "/custody", Entry(events[i]));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["entry"]["seq"], i);
    EXPECT_EQ(r.json()["signature_valid"], true);
    EXPECT_EQ(r.json()["entry"]["prev"].is_null(), i == 0);
  }
  auto list = As("verifier").Get("/api/v1/artifacts/" + id + "/custody");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["entries"].size(), 5u);
  EXPECT_TRUE(list.json()["entries"][4]["entry"]["record_sha256"].is_string());

  auto bundle = As("verifier").Get("/api/v1/artifacts/" + id + "/bundle");
  ASSERT_EQ(bundle.status, 200) << bundle.body;
  EXPECT_EQ(bundle.header("Content-Type"), "application/zip");
  auto keys = Keys();
  auto report = core::VerifyBundle(bundle.body, keys, keys);
  EXPECT_TRUE(report.valid) << Joined(report.Lines());
  ASSERT_NE(report.Find("record hash"), nullptr);
  EXPECT_EQ(report.Find("record hash")->state, core::CheckState::kPass);

  // Editing the record afterwards does not break the repatriation's record hash.
  auto got = As("admin").Get("/api/v1/artifacts/" + id);
  json edit = got.json();
  edit["status"] = "repatriated";
  ASSERT_EQ(As("admin").Put("/api/v1/artifacts/" + id, edit, got.header("ETag")).status, 200);
  auto later = As("verifier").Get("/api/v1/artifacts/" + id + "/bundle");
  EXPECT_TRUE(core::VerifyBundle(later.body, keys, keys).valid);
}

TEST_F(CustodyApiTest, CheckpointAndProofsVerifyAgainstThePublishedKey) {
  std::string a = NewArtifact(), b = NewArtifact();
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(As("curator").Post("/api/v1/artifacts/" + (i % 2 ? a : b) + "/custody",
                                 Entry("storage")).status,
              201);
  }
  auto anon = As("anonymous");
  auto cp_note = anon.Get("/api/v1/log/checkpoint");
  ASSERT_EQ(cp_note.status, 200);
  auto keys = Keys();
  auto cp = core::OpenCheckpoint(cp_note.body, keys, "custos.test/log");
  ASSERT_TRUE(cp.ok()) << cp.status().ToString() << "\n" << cp_note.body;
  EXPECT_EQ(cp->size, 7u);
  for (uint64_t i = 0; i < 7; ++i) {
    auto p = anon.Get("/api/v1/log/proof/inclusion?index=" + std::to_string(i) + "&size=7");
    ASSERT_EQ(p.status, 200) << p.body;
    std::vector<std::string> hashes;
    const json body = p.json();
    for (const auto& h : body["hashes"]) hashes.push_back(*core::Base64Decode(h.get<std::string>()));
    auto entry = anon.Get("/api/v1/log/entries/" + std::to_string(i) + "?format=note");
    ASSERT_EQ(entry.status, 200);
    EXPECT_EQ(core::Base64Encode(core::MerkleLeafHash(entry.body)), p.json()["leaf_hash"]);
    auto verified =
        core::VerifyMerkleInclusion(i, 7, core::MerkleLeafHash(entry.body), hashes, cp->root_hash);
    EXPECT_TRUE(verified.ok()) << verified.ToString();
  }
  auto c = anon.Get("/api/v1/log/proof/consistency?from=3&to=7");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(anon.Get("/api/v1/log/proof/inclusion?index=7&size=7").status, 400);
  EXPECT_EQ(anon.Get("/api/v1/log/proof/consistency?from=0&to=7").status, 400);
  EXPECT_EQ(anon.Get("/api/v1/log/entries/99").status, 404);
  auto audit = custody_->Audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty()) << audit->front();
}

TEST_F(CustodyApiTest, RejectsBadEntriesAndWrongRoles) {
  std::string id = NewArtifact();
  auto cur = As("curator");
  struct Case {
    json body;
    int status;
    const char* field;
  };
  json unknown = Entry("seizure");
  unknown["colour"] = "red";
  json bad_time = Entry("seizure");
  bad_time["time"] = "yesterday";
  json no_actor = Entry("seizure");
  no_actor.erase("actor");
  json bad_doc = Entry("seizure");
  bad_doc["documents"] = {std::string(64, 'a')};
  for (const Case& c : {Case{Entry("teleport"), 400, "event"}, Case{unknown, 400, "colour"},
                        Case{bad_time, 400, "time"}, Case{no_actor, 400, "actor"},
                        Case{bad_doc, 400, "documents[0]"}}) {
    auto r = cur.Post("/api/v1/artifacts/" + id + "/custody", c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.json()["error"]["field"], c.field) << r.body;
  }
  EXPECT_EQ(As("verifier").Post("/api/v1/artifacts/" + id + "/custody", Entry("intake")).status,
            403);
  EXPECT_EQ(As("anonymous").Post("/api/v1/artifacts/" + id + "/custody", Entry("intake")).status,
            401);
  EXPECT_EQ(cur.Post("/api/v1/artifacts/nope/custody", Entry("intake")).status, 404);
  // Bytes no record id can hold (not UTF-8, not an id's characters) are an
  // unknown id too, not a failed append.
  for (const char* odd : {"%FF%FE", "a%22%5D%2C%5B%22b", "x%20y"}) {
    auto r = cur.Post(std::string("/api/v1/artifacts/") + odd + "/custody", Entry("intake"));
    EXPECT_EQ(r.status, 404) << odd << ": " << r.body;
  }
  EXPECT_EQ(custody_->size(), 0u);
  EXPECT_EQ(As("anonymous").Get("/api/v1/artifacts/" + id + "/bundle").status, 404);
}

TEST_F(CustodyApiTest, BundleCarriesTheCitedDocumentsTheCallerMaySee) {
  std::string id = NewArtifact();
  auto pub = Upload(id, MakeTextPdf({"Seizure report 17"}), "report.pdf", {{"kind", "police_report"}});
  auto sec = Upload(id, MakeTextPdf({"Informant statement"}), "informant.pdf",
                    {{"kind", "police_report"}, {"visibility", "restricted"}}, "admin");
  ASSERT_EQ(pub.status, 201) << pub.body;
  ASSERT_EQ(sec.status, 201) << sec.body;
  const std::string pub_sha = pub.json()["sha256"], sec_sha = sec.json()["sha256"];
  json entry = Entry("seizure");
  entry["documents"] = {pub_sha, sec_sha};
  ASSERT_EQ(As("investigator").Post("/api/v1/artifacts/" + id + "/custody", entry).status, 201);
  auto keys = Keys();

  auto plain = As("verifier").Get("/api/v1/artifacts/" + id + "/bundle");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body.find("Seizure report 17"), std::string::npos);

  // A verifier gets the public document's bytes, never the restricted one's.
  auto mine = As("verifier").Get("/api/v1/artifacts/" + id + "/bundle?documents=1");
  ASSERT_EQ(mine.status, 200) << mine.body;
  auto report = core::VerifyBundle(mine.body, keys, keys);
  EXPECT_TRUE(report.valid) << Joined(report.Lines());
  ASSERT_NE(report.Find("document " + pub_sha + " hash"), nullptr);
  EXPECT_EQ(report.Find("document " + pub_sha + " hash")->state, core::CheckState::kPass);
  EXPECT_EQ(report.Find("document " + sec_sha + " hash"), nullptr);
  EXPECT_EQ(mine.body.find("Informant statement"), std::string::npos);

  // An investigator gets both.
  auto all = As("investigator").Get("/api/v1/artifacts/" + id + "/bundle?documents=true");
  ASSERT_EQ(all.status, 200);
  auto full = core::VerifyBundle(all.body, keys, keys);
  EXPECT_TRUE(full.valid);
  ASSERT_NE(full.Find("document " + sec_sha + " hash"), nullptr);
  EXPECT_EQ(full.Find("document " + sec_sha + " hash")->state, core::CheckState::kPass);

  // One altered byte in an included document, repacked with valid ZIP CRCs
  // (as a forger would), fails that document's check and only that.
  auto files = core::ReadZip(all.body);
  ASSERT_TRUE(files.ok());
  core::ZipWriter repack;
  for (auto& f : *files) {
    if (f.name == "documents/" + sec_sha) {
      size_t at = f.data.find("Informant statement");
      ASSERT_NE(at, std::string::npos);
      f.data[at] = 'i';
    }
    ASSERT_TRUE(repack.Add(f.name, f.data).ok());
  }
  auto bad = core::VerifyBundle(repack.Finish(), keys, keys);
  EXPECT_FALSE(bad.valid);
  ASSERT_NE(bad.Find("document " + sec_sha + " hash"), nullptr) << Joined(bad.Lines());
  EXPECT_EQ(bad.Find("document " + sec_sha + " hash")->state, core::CheckState::kFail);
  EXPECT_EQ(bad.Find("document " + pub_sha + " hash")->state, core::CheckState::kPass);

  EXPECT_EQ(As("verifier").Get("/api/v1/artifacts/" + id + "/bundle?documents=maybe").status, 400);
}

TEST_F(CustodyApiTest, RestrictedArtifactsCustodyIsHidden) {
  std::string id = NewArtifact("restricted");
  ASSERT_EQ(As("investigator").Post("/api/v1/artifacts/" + id + "/custody", Entry("seizure")).status,
            201);
  for (const char* who : {"anonymous", "verifier", "curator"}) {
    EXPECT_EQ(As(who).Get("/api/v1/artifacts/" + id + "/custody").status, 404) << who;
    EXPECT_EQ(As(who).Get("/api/v1/artifacts/" + id + "/bundle").status, 404) << who;
    EXPECT_EQ(As(who).Get("/api/v1/log/entries/0").status, 404) << who;
  }
  EXPECT_EQ(As("investigator").Get("/api/v1/log/entries/0").status, 200);
  // A curator may append custody but not see restricted records: the same
  // 404 as for an unknown id, and nothing appended.
  const auto size = custody_->size();
  auto hidden = As("curator").Post("/api/v1/artifacts/" + id + "/custody", Entry("intake"));
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(hidden.json()["error"]["message"], "no artifact " + id) << hidden.body;
  auto unknown = As("curator").Post("/api/v1/artifacts/nope/custody", Entry("intake"));
  EXPECT_EQ(unknown.json()["error"]["message"], "no artifact nope") << unknown.body;
  EXPECT_EQ(custody_->size(), size);
}

TEST_F(CustodyApiTest, ConcurrentAppendsAreGroupCommittedIntoOneChain) {
  std::string id = NewArtifact();
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto c = As("curator");
      for (int i = 0; i < 10; ++i) {
        if (c.Post("/api/v1/artifacts/" + id + "/custody", Entry("examination")).status == 201)
          ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created, 80);
  auto entries = custody_->EntriesFor(id);
  ASSERT_EQ(entries->size(), 80u);
  for (size_t i = 0; i < 80; ++i) EXPECT_EQ((*entries)[i].entry.seq, i);
  auto audit = custody_->Audit();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty());
  auto keys = Keys();
  EXPECT_TRUE(core::VerifyBundle(As("admin").Get("/api/v1/artifacts/" + id + "/bundle").body,
                                 keys, keys)
                  .valid);
}

}  // namespace
}  // namespace custos::testing
