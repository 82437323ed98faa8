#include "custos/core/custody.h"

#include <gtest/gtest.h>

#include <functional>

#include "custos/core/canonical_json.h"
#include "custos/core/crypto.h"

namespace custos::core {
namespace {

const std::string kDoc = Sha256Hex("licence");

CustodyEntry Seizure() {
  CustodyEntry e;
  e.artifact = "a-1";
  e.event = CustodyEvent::kSeizure;
  e.actor = "Carabinieri TPC";
  e.location = "Port of Genoa";
  e.time = "2024-05-01T12:00:00Z";
  e.documents = {{kDoc, "application/pdf"}};
  e.notes = "Crate 7, line 2\n\"as found\"";
  return e;
}

NoteSigner Signer() {
  auto s = NoteSigner::Generate("registry.example");
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

// One entry of each shape CanonicalCustodyJson writes: documents or none,
// prev null or a hash, record_sha256 or not, escapes and non-ASCII text,
// the largest seq.
std::vector<CustodyEntry> EntryShapes() {
  std::vector<CustodyEntry> entries;
  entries.push_back(Seizure());
  CustodyEntry full = Seizure();
  full.seq = 41;
  full.prev = Sha256Hex("previous");
  full.event = CustodyEvent::kRepatriation;
  full.record_sha256 = Sha256Hex("record");
  full.documents.push_back({Sha256Hex("photo"), "image/jpeg"});
  entries.push_back(full);
  CustodyEntry odd = Seizure();
  odd.documents.clear();
  odd.actor = "Muse\u0301e \"du\" Louvre \\ \u00c9tat / \U0001F600";
  odd.location = "Napoli";
  odd.notes = "line one\nnext \"q\" \\ back / slash \u00e9 sep";
  odd.seq = 9007199254740991ull;  // 2^53 - 1, the largest accepted
  odd.prev = Sha256Hex("x");
  entries.push_back(odd);
  return entries;
}

TEST(CustodyEntryTest, SerialisesToExactCanonicalJson) {
  auto json = CanonicalCustodyJson(Seizure());
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json,
            "{\"actor\":\"Carabinieri TPC\",\"artifact\":\"a-1\",\"documents\":[{\"media_type\":"
            "\"application/pdf\",\"sha256\":\"" +
                kDoc +
                "\"}],\"event\":\"seizure\",\"location\":\"Port of Genoa\",\"notes\":\"Crate 7, "
                "line 2\\n\\\"as found\\\"\",\"prev\":null,\"seq\":0,\"time\":\"2024-05-01T12:00:"
                "00Z\",\"v\":1}");
}

TEST(CustodyEntryTest, DirectSerialiserEqualsGenericCanonicalJson) {
  // CanonicalCustodyJson writes the members itself; it must give exactly
  // CanonicalJson(CustodyEntryToJson(e)) for every shape of entry.
  const std::vector<CustodyEntry> entries = EntryShapes();
  for (size_t i = 0; i < entries.size(); ++i) {
    auto direct = CanonicalCustodyJson(entries[i]);
    ASSERT_TRUE(direct.ok()) << i << ": " << direct.status().ToString();
    auto j = CustodyEntryToJson(entries[i]);
    ASSERT_TRUE(j.ok()) << i;
    auto generic = CanonicalJson(*j);
    ASSERT_TRUE(generic.ok()) << i;
    EXPECT_EQ(*direct, *generic) << "entry " << i;
  }
  CustodyEntry big = Seizure();
  big.seq = 9007199254740992ull;
  EXPECT_FALSE(CanonicalCustodyJson(big).ok());
  CustodyEntry bad = Seizure();
  bad.notes = "\xff";
  EXPECT_FALSE(CanonicalCustodyJson(bad).ok());
}

// The verifier's direct reader of the canonical layout gives back exactly
// the entry for every shape CanonicalCustodyJson writes, and nothing for
// bytes that are not one entry's canonical JSON.
TEST(CustodyEntryTest, ReadsEntriesFromTheirCanonicalJsonAndNothingElse) {
  std::vector<CustodyEntry> entries = EntryShapes();
  CustodyEntry trailing = entries.back();
  trailing.notes = "line one\nnext \"q\" \\ back / slash \u00e9\n\n";
  entries.push_back(trailing);
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string canonical = *CanonicalCustodyJson(entries[i]);
    auto back = CustodyEntryFromCanonicalJson(canonical);
    ASSERT_TRUE(back.has_value()) << "entry " << i << ": " << canonical;
    EXPECT_EQ(*back, entries[i]) << "entry " << i;
    // Every proper prefix is refused.
    for (size_t n = 0; n < canonical.size(); ++n) {
      EXPECT_FALSE(CustodyEntryFromCanonicalJson(canonical.substr(0, n)).has_value()) << n;
    }
  }
  const std::string c = *CanonicalCustodyJson(Seizure());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string out = c;
    const size_t at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return out.replace(at, from.size(), to);
  };
  const std::string refused[] = {
      c + " ",
      " " + c,
      replace("{\"actor\":", "{\"actor\": "),
      replace("\"v\":1", "\"v\":2"),
      replace("\"seq\":0", "\"seq\":00"),
      replace("\"seq\":0", "\"seq\":-0"),
      replace("\"seq\":0", "\"seq\":\"0\""),
      replace("Carabinieri", "\\u0043arabinieri"),  // an escape RFC 8785 does not write
      replace("line 2\\n", "line 2\\u000a"),        // \n written long-hand
      replace("a-1", "a\\/1"),
      replace("Crate 7", "Crate\\u00017"),  // a control character (valid JSON, invalid entry)
      replace("\"event\":\"seizure\"", "\"event\":\"burglary\""),
      replace("\"prev\":null", "\"prev\":\"\""),  // not a hash
      replace("\"time\":\"2024-05-01T12:00:00Z\"", "\"time\":\"yesterday\""),
      replace("\"documents\":[{", "\"documents\":[ {"),
      replace("\"location\":\"Port of Genoa\",", ""),  // a member missing
      replace("\"notes\":", "\"note\":"),
      "{\"v\":1," + c.substr(1, c.size() - 8) + "}",  // v moved to the front
      "",
      "null",
  };
  for (const std::string& text : refused) {
    EXPECT_FALSE(CustodyEntryFromCanonicalJson(text).has_value()) << text;
  }
}

TEST(CustodyEntryTest, RoundTripsThroughJson) {
  CustodyEntry e = Seizure();
  e.event = CustodyEvent::kRepatriation;
  e.record_sha256 = Sha256Hex("record");
  auto j = CustodyEntryToJson(e);
  ASSERT_TRUE(j.ok());
  auto back = CustodyEntryFromJson(*j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
}

TEST(CustodyEntryTest, NamesTheInvalidField) {
  struct Case {
    const char* field;
    std::function<void(CustodyEntry&)> mutate;
  };
  const Case cases[] = {
      {"artifact", [](CustodyEntry& e) { e.artifact = ""; }},
      {"artifact", [](CustodyEntry& e) { e.artifact = std::string(201, 'a'); }},
      {"artifact", [](CustodyEntry& e) { e.artifact = "a\n1"; }},
      {"prev", [](CustodyEntry& e) { e.prev = kDoc; }},
      {"prev", [](CustodyEntry& e) { e.seq = 1; }},
      {"prev", [](CustodyEntry& e) { e.seq = 1, e.prev = "ABC"; }},
      {"seq", [](CustodyEntry& e) { e.seq = uint64_t{1} << 53, e.prev = kDoc; }},
      {"actor", [](CustodyEntry& e) { e.actor = ""; }},
      {"actor", [](CustodyEntry& e) { e.actor = "\xff"; }},
      {"location", [](CustodyEntry& e) { e.location = ""; }},
      {"time", [](CustodyEntry& e) { e.time = "2024-05-01 12:00:00Z"; }},
      {"time", [](CustodyEntry& e) { e.time = "2024-05-01T12:00:00+02:00"; }},
      {"time", [](CustodyEntry& e) { e.time = "2023-02-29T12:00:00Z"; }},
      {"documents[0].sha256", [](CustodyEntry& e) { e.documents[0].sha256 = "abc"; }},
      {"documents[1].sha256", [](CustodyEntry& e) { e.documents.push_back(e.documents[0]); }},
      {"documents[0].media_type", [](CustodyEntry& e) { e.documents[0].media_type = "PDF"; }},
      {"documents[0].media_type",
       [](CustodyEntry& e) { e.documents[0].media_type = "text/plain; charset=utf-8"; }},
      {"notes", [](CustodyEntry& e) { e.notes = std::string(64 * 1024 + 1, 'n'); }},
      {"notes", [](CustodyEntry& e) { e.notes = "bell\a"; }},
      {"record_sha256", [](CustodyEntry& e) { e.record_sha256 = kDoc; }},
      {"record_sha256", [](CustodyEntry& e) { e.event = CustodyEvent::kRepatriation; }},
  };
  for (const Case& c : cases) {
    CustodyEntry e = Seizure();
    c.mutate(e);
    Status s = ValidateCustodyEntry(e);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.field(), c.field) << s.ToString();
  }
  EXPECT_TRUE(ValidateCustodyEntry(Seizure()).ok());
}

TEST(CustodyEntryTest, FromJsonRejectsUnknownMissingAndMistypedMembers) {
  const nlohmann::json good = *CustodyEntryToJson(Seizure());
  auto with = [&](const std::function<void(nlohmann::json&)>& f) {
    nlohmann::json j = good;
    f(j);
    return CustodyEntryFromJson(j).status();
  };
  EXPECT_EQ(with([](auto& j) { j["extra"] = 1; }).field(), "extra");
  EXPECT_EQ(with([](auto& j) { j.erase("notes"); }).field(), "notes");
  EXPECT_EQ(with([](auto& j) { j["v"] = 2; }).field(), "v");
  EXPECT_EQ(with([](auto& j) { j["seq"] = -1; }).field(), "seq");
  EXPECT_EQ(with([](auto& j) { j["seq"] = 1.0; }).field(), "seq");
  EXPECT_EQ(with([](auto& j) { j["event"] = "theft"; }).field(), "event");
  EXPECT_EQ(with([](auto& j) { j["actor"] = 5; }).field(), "actor");
  EXPECT_EQ(with([](auto& j) { j["documents"][0]["x"] = 1; }).field(), "documents[0]");
  EXPECT_TRUE(CustodyEntryFromJson(good).ok());
}

TEST(CustodyEntryTest, ParsesEveryEventName) {
  for (const char* name : {"seizure", "intake", "examination", "storage", "transfer", "loan",
                           "release", "repatriation", "other"}) {
    auto e = ParseCustodyEvent(name);
    ASSERT_TRUE(e.has_value()) << name;
    EXPECT_EQ(CustodyEventName(*e), name);
  }
  EXPECT_FALSE(ParseCustodyEvent("Seizure").has_value());
}

TEST(CustodyEntryTest, AcceptsOnlyRfc3339UtcTimes) {
  for (const char* ok : {"2024-05-01T12:00:00Z", "2024-02-29T23:59:60Z", "1999-12-31T00:00:00.5Z",
                         "2000-02-29T00:00:00.123456789Z"}) {
    EXPECT_TRUE(IsRfc3339UtcTime(ok)) << ok;
  }
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:00:00", "2024-05-01t12:00:00z", "2024-13-01T00:00:00Z",
        "2024-04-31T00:00:00Z", "1900-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+00:00", "+2024-05-01T12:00:00Z"}) {
    EXPECT_FALSE(IsRfc3339UtcTime(bad)) << bad;
  }
}

TEST(CustodyEntryTest, ChainsEntriesByHashOfPreviousCanonicalJson) {
  CustodyEntry first = Seizure();
  ASSERT_TRUE(ChainCustodyEntry(nullptr, &first).ok());
  EXPECT_EQ(first.seq, 0u);
  EXPECT_FALSE(first.prev.has_value());
  CustodyEntry second = Seizure();
  second.event = CustodyEvent::kIntake;
  ASSERT_TRUE(ChainCustodyEntry(&first, &second).ok());
  EXPECT_EQ(second.seq, 1u);
  // prev = hex SHA-256 of exactly the previous entry's canonical JSON bytes.
  EXPECT_EQ(*second.prev, Sha256Hex(*CanonicalCustodyJson(first)));
  CustodyEntry other = Seizure();
  other.artifact = "a-2";
  EXPECT_EQ(ChainCustodyEntry(&first, &other).field(), "artifact");
}

TEST(CustodyEntryTest, SignsAsNoteWithTypeLineAndOpensIt) {
  NoteSigner signer = Signer();
  CustodyEntry e = Seizure();
  auto note = SignCustodyEntry(e, std::span(&signer, 1));
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(note->starts_with("custos.custody/v1\n{\"actor\":"));
  std::vector<NoteVerifier> keys = {signer.verifier()};
  auto opened = OpenCustodyNote(*note, keys);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->entry, e);
  EXPECT_EQ(opened->note, *note);
  EXPECT_EQ(opened->canonical_json, *CanonicalCustodyJson(e));
  ASSERT_EQ(opened->signatures.size(), 1u);
  EXPECT_EQ(opened->signatures[0].name, "registry.example");
  NoteSigner stranger = Signer();
  std::vector<NoteVerifier> wrong = {stranger.verifier()};
  EXPECT_EQ(OpenCustodyNote(*note, wrong).status().code(), StatusCode::kUnauthorized);
}

TEST(CustodyEntryTest, RejectsSignedNoteWhoseJsonIsNotCanonical) {
  NoteSigner signer = Signer();
  std::vector<NoteVerifier> keys = {signer.verifier()};
  const std::string canonical = *CanonicalCustodyJson(Seizure());
  const std::string variants[] = {
      // Whitespace, key order, a duplicate key: all well-signed, none canonical.
      "custos.custody/v1\n" + canonical + " \n",
      "custos.custody/v1\n{\"actor\": " + canonical.substr(9) + "\n",
      "custos.custody/v1\n{\"v\":1," + canonical.substr(1, canonical.size() - 8) + "}\n",
      "custos.custody/v1\n{\"actor\":\"x\"," + canonical.substr(1) + "\n",
      "custos.other/v1\n" + canonical + "\n",
      "custos.custody/v1\n" + canonical + "\nextra line\n",
  };
  for (const std::string& text : variants) {
    auto note = SignNote(text, std::span(&signer, 1));
    ASSERT_TRUE(note.ok()) << text;
    auto opened = OpenCustodyNote(*note, keys);
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(CustodyChainTest, AcceptsACompleteChain) {
  NoteSigner signer = Signer();
  std::vector<SignedCustodyEntry> chain;
  CustodyEntry prev;
  for (int i = 0; i < 4; ++i) {
    CustodyEntry e = Seizure();
    e.event = i == 0 ? CustodyEvent::kSeizure : CustodyEvent::kStorage;
    ASSERT_TRUE(ChainCustodyEntry(i == 0 ? nullptr : &prev, &e).ok());
    chain.push_back(*ParseCustodyNote(*SignCustodyEntry(e, std::span(&signer, 1))));
    prev = e;
  }
  EXPECT_TRUE(VerifyCustodyChain(chain).ok());
}

class CustodyChainBreakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CustodyEntry prev;
    for (int i = 0; i < 4; ++i) {
      CustodyEntry e = Seizure();
      e.notes = "entry " + std::to_string(i);
      ASSERT_TRUE(ChainCustodyEntry(i == 0 ? nullptr : &prev, &e).ok());
      entries.push_back(e);
      prev = e;
    }
  }
  std::vector<SignedCustodyEntry> Sign() {
    std::vector<SignedCustodyEntry> out;
    for (const CustodyEntry& e : entries) {
      out.push_back(*ParseCustodyNote(*SignCustodyEntry(e, std::span(&signer, 1))));
    }
    return out;
  }
  NoteSigner signer = Signer();
  std::vector<CustodyEntry> entries;
};

TEST_F(CustodyChainBreakTest, RejectsEntryWithBrokenHashLink) {
  entries[2].prev = Sha256Hex("something else");
  Status s = VerifyCustodyChain(Sign());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("entry 2"), std::string::npos) << s.message();
}

TEST_F(CustodyChainBreakTest, RejectsDroppedEntry) {
  auto signed_entries = Sign();
  signed_entries.erase(signed_entries.begin() + 1);
  EXPECT_EQ(VerifyCustodyChain(signed_entries).code(), StatusCode::kCorruption);
}

TEST_F(CustodyChainBreakTest, RejectsSwappedEntries) {
  auto signed_entries = Sign();
  std::swap(signed_entries[1], signed_entries[2]);
  EXPECT_EQ(VerifyCustodyChain(signed_entries).code(), StatusCode::kCorruption);
}

TEST_F(CustodyChainBreakTest, RejectsChainNotStartingAtSeqZero) {
  auto signed_entries = Sign();
  signed_entries.erase(signed_entries.begin());
  EXPECT_EQ(VerifyCustodyChain(signed_entries).code(), StatusCode::kCorruption);
}

TEST_F(CustodyChainBreakTest, RejectsEntryOfAnotherArtifact) {
  auto signed_entries = Sign();
  CustodyEntry stray = entries[3];
  stray.artifact = "a-9";
  signed_entries[3] = *ParseCustodyNote(*SignCustodyEntry(stray, std::span(&signer, 1)));
  Status s = VerifyCustodyChain(signed_entries);
  EXPECT_NE(s.message().find("artifact"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace custos::core
