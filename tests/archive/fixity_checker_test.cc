#include "custos/archive/fixity_checker.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "custos/core/crypto.h"
#include "document_fixtures.h"

namespace custos::archive {
namespace {

using testing::DocumentArchive;
using testing::MakeTextPdf;
using testing::ReadFileBytes;
using testing::WriteFileBytes;

class FixityCheckerTest : public ::testing::Test {
 protected:
  std::string BlobPath(const std::string& sha) const {
    return a_.blobs_dir() + "/sha256/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
  }
  std::string UploadFor(const std::string& artifact, const std::string& text) {
    auto up = a_.Upload(MakeTextPdf({text}), artifact);
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    return up.ok() ? up->document.metadata.sha256 : "";
  }
  DocumentArchive a_;
  FixityChecker checker_{*a_.documents, *a_.blobs, a_.clock};
};

TEST_F(FixityCheckerTest, IntactBlobsPassAndEachCheckIsRecorded) {
  const std::string artifact = a_.NewArtifact("Bowl");
  const std::string one = UploadFor(artifact, "Invoice one");
  const std::string two = UploadFor(artifact, "Invoice two");
  auto report = checker_.CheckAll();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->checked, 2);
  EXPECT_EQ(report->passed, 2);
  auto last = checker_.LastFixity(one);
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->outcome, FixityOutcome::kPass);
  EXPECT_EQ((*last)->expected, one);
  EXPECT_EQ((*last)->actual, one);
  EXPECT_EQ((*last)->time, core::FormatRfc3339Millis(a_.clock.NowMillis()));
  // Visible on the document.
  auto doc = a_.documents->GetDocument(two);
  ASSERT_TRUE(doc.ok());
  ASSERT_TRUE(doc->last_fixity.has_value());
  EXPECT_EQ(doc->last_fixity->outcome, FixityOutcome::kPass);
}

TEST_F(FixityCheckerTest, AFlippedByteIsReportedWithTheArtifactsThatCiteIt) {
  const std::string bowl = a_.NewArtifact("Bowl"), lid = a_.NewArtifact("Lid");
  const std::string intact = UploadFor(bowl, "Export licence 1931");
  const std::string damaged = UploadFor(bowl, "Police report 2009");
  ASSERT_TRUE(a_.documents->Link(damaged, lid, "curator").ok());

  const std::string path = BlobPath(damaged);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::string bytes = ReadFileBytes(path);
  bytes[bytes.size() / 2] ^= 0x20;
  WriteFileBytes(path, bytes);

  a_.clock.Advance(60000);
  auto report = checker_.CheckAll();
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(report->checked, 2);
  EXPECT_EQ(report->passed, 1);
  ASSERT_EQ(report->failures.size(), 1u);
  const FixityFailure& f = report->failures[0];
  EXPECT_EQ(f.sha256, damaged);
  EXPECT_EQ(f.outcome, FixityOutcome::kFail);
  EXPECT_EQ(f.actual, core::Sha256Hex(bytes));
  std::vector<std::string> citing = {bowl, lid};
  std::sort(citing.begin(), citing.end());
  EXPECT_EQ(f.artifact_ids, citing);

  auto last = a_.documents->LastFixity(damaged);
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->outcome, FixityOutcome::kFail);
  EXPECT_EQ((*last)->expected, damaged);
  EXPECT_NE((*last)->actual, damaged);
  EXPECT_EQ((*a_.documents->LastFixity(intact))->outcome, FixityOutcome::kPass);
}

TEST_F(FixityCheckerTest, AMissingBlobIsReportedAsMissing) {
  const std::string artifact = a_.NewArtifact("Bowl");
  const std::string sha = UploadFor(artifact, "Court order");
  std::filesystem::remove(BlobPath(sha));
  auto report = checker_.CheckAll();
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].outcome, FixityOutcome::kMissing);
  EXPECT_EQ(report->failures[0].actual, "");
  EXPECT_EQ(report->failures[0].artifact_ids, std::vector<std::string>{artifact});
}

TEST_F(FixityCheckerTest, BlobsWithoutADocumentAreCheckedToo) {
  auto info = a_.blobs->PutBytes("orphan bytes");
  ASSERT_TRUE(info.ok());
  auto report = checker_.CheckAll();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->checked, 1);
  EXPECT_TRUE(report->ok());
}

TEST_F(FixityCheckerTest, CancelledCheckIsIncomplete) {
  const std::string artifact = a_.NewArtifact("Bowl");
  UploadFor(artifact, "Invoice one");
  std::atomic<bool> cancel{true};
  auto report = checker_.CheckAll(&cancel);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->complete);
  EXPECT_FALSE(report->ok());
  EXPECT_EQ(report->checked, 0);
}

}  // namespace
}  // namespace custos::archive
