#include "custos/archive/document_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "custos/archive/data_dir.h"
#include "custos/archive/ocr_languages.h"
#include "custos/core/crypto.h"
#include "document_fixtures.h"

namespace custos::archive {
namespace {

using core::StatusCode;
using testing::DocumentArchive;
using testing::FilesUnder;
using testing::MakeTextPdf;

class DocumentStoreTest : public ::testing::Test {
 protected:
  // The change-feed rows written after `after`.
  std::vector<core::Change> ChangesAfter(int64_t after) {
    auto changes = a_.records->ChangesSince(after, 1000);
    EXPECT_TRUE(changes.ok());
    return changes.ok() ? *changes : std::vector<core::Change>{};
  }
  int64_t LastSeq() { return *a_.records->LastChangeSeq(); }

  DocumentArchive a_;
  const std::string pdf_ = MakeTextPdf({"Invoice 1932", "Sold to M. Durand, Paris"});
};

TEST_F(DocumentStoreTest, UploadStoresBlobMetadataLinkJobAndChangeRow) {
  const std::string artifact = a_.NewArtifact("Stele of Iry");
  const int64_t seq = LastSeq();
  NewDocument meta;
  meta.kind = DocumentKind::kInvoice;
  meta.original_filename = "C:\\scans\\invoice 1932.pdf";
  meta.date = "1932-05-14";
  meta.description = "Sale invoice, Galerie Durand";
  meta.visibility = core::Visibility::kRestricted;
  auto up = a_.Upload(pdf_, artifact, meta);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_TRUE(up->created);
  EXPECT_TRUE(up->linked);
  const DocumentMetadata& m = up->document.metadata;
  EXPECT_EQ(m.sha256, core::Sha256Hex(pdf_));
  EXPECT_EQ(m.media_type, "application/pdf");
  EXPECT_EQ(m.size, pdf_.size());
  EXPECT_EQ(m.original_filename, "invoice 1932.pdf");
  EXPECT_EQ(m.kind, DocumentKind::kInvoice);
  EXPECT_EQ(m.date, "1932-05-14");
  EXPECT_EQ(m.visibility, core::Visibility::kRestricted);
  EXPECT_EQ(m.ocr_languages, std::vector<std::string>{"eng"});
  EXPECT_EQ(m.created_by, "curator");
  EXPECT_EQ(up->document.artifact_ids, std::vector<std::string>{artifact});
  EXPECT_EQ(up->document.extraction.status, ExtractionStatus::kQueued);
  EXPECT_FALSE(up->document.last_fixity.has_value());
  EXPECT_EQ(*a_.blobs->Exists(m.sha256), true);

  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].artifact_id, artifact);
  EXPECT_EQ(changes[0].op, "update");
  EXPECT_EQ(changes[0].version, 1);
  EXPECT_EQ(*a_.documents->CountJobs(ExtractionStatus::kQueued), 1);

  auto listed = a_.documents->ListForArtifact(artifact);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].sha256, m.sha256);
}

TEST_F(DocumentStoreTest, SameBytesTwiceAreOneDocumentLinkedToBothArtifacts) {
  const std::string first = a_.NewArtifact("Bowl"), second = a_.NewArtifact("Lid");
  auto a = a_.Upload(pdf_, first);
  const int64_t seq = LastSeq();
  auto b = a_.Upload(pdf_, second);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->created);
  EXPECT_FALSE(b->created);
  EXPECT_TRUE(b->linked);
  EXPECT_EQ(a->document.metadata.sha256, b->document.metadata.sha256);
  std::vector<std::string> both = {first, second};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(b->document.artifact_ids, both);
  EXPECT_EQ(a_.blobs->List()->size(), 1u);
  EXPECT_EQ(*a_.documents->CountJobs(ExtractionStatus::kQueued), 1);
  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].artifact_id, second);

  // Again to the same artifact: nothing new.
  auto c = a_.Upload(pdf_, second);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->created);
  EXPECT_FALSE(c->linked);
}

TEST_F(DocumentStoreTest, UnsupportedTypeIs415AndLeavesNothingOnDisk) {
  const std::string artifact = a_.NewArtifact("Mask");
  for (const std::string& bytes : {std::string("<html>not a scan</html>"), std::string(200000, 'z'),
                                   std::string("GIF89a") + std::string(5000, '\x01')}) {
    auto up = a_.Upload(bytes, artifact);
    EXPECT_EQ(up.status().code(), StatusCode::kUnsupportedMediaType);
  }
  EXPECT_TRUE(FilesUnder(a_.blobs_dir()).empty());
  EXPECT_TRUE(a_.documents->ListAll()->empty());
}

TEST_F(DocumentStoreTest, OversizedUploadIsTooLargeAndLeavesNothingOnDisk) {
  const std::string artifact = a_.NewArtifact("Mask");
  const int64_t seq = LastSeq();
  auto up = a_.Upload(pdf_, artifact, {}, /*max_bytes=*/100);
  EXPECT_EQ(up.status().code(), StatusCode::kTooLarge);
  // Larger than one read chunk, too.
  std::string big = pdf_ + std::string(300000, '%');
  EXPECT_EQ(a_.Upload(big, artifact, {}, 200000).status().code(), StatusCode::kTooLarge);
  EXPECT_TRUE(FilesUnder(a_.blobs_dir()).empty());
  EXPECT_TRUE(a_.documents->ListAll()->empty());
  EXPECT_EQ(LastSeq(), seq);
}

TEST_F(DocumentStoreTest, ZeroByteFileIsInvalidArgument) {
  const std::string artifact = a_.NewArtifact("Mask");
  auto up = a_.Upload("", artifact);
  EXPECT_EQ(up.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(up.status().field(), "file");
  EXPECT_TRUE(FilesUnder(a_.blobs_dir()).empty());
}

TEST_F(DocumentStoreTest, UploadToAMissingArtifactIsNotFoundBeforeStoring) {
  auto up = a_.Upload(pdf_, "no-such-artifact");
  EXPECT_EQ(up.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(FilesUnder(a_.blobs_dir()).empty());
}

TEST_F(DocumentStoreTest, MetadataIsValidated) {
  const std::string artifact = a_.NewArtifact("Mask");
  struct Case {
    NewDocument meta;
    std::string field;
  };
  std::vector<Case> cases;
  for (const char* date : {"14/05/1932", "1932-13", "1932-05-32", "19x2", "c. 1930"}) {
    NewDocument m;
    m.date = date;
    cases.push_back({m, "date"});
  }
  NewDocument long_desc;
  long_desc.description = std::string(10001, 'd');
  cases.push_back({long_desc, "description"});
  NewDocument bad_utf8;
  bad_utf8.description = "\xff\xfe";
  cases.push_back({bad_utf8, "description"});
  NewDocument klingon;
  klingon.ocr_languages = {"tlh"};
  cases.push_back({klingon, "ocr_languages"});
  NewDocument path_lang;
  path_lang.ocr_languages = {"../eng"};
  cases.push_back({path_lang, "ocr_languages"});
  for (const auto& c : cases) {
    auto up = a_.Upload(pdf_, artifact, c.meta);
    EXPECT_EQ(up.status().code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(up.status().field(), c.field);
  }
  EXPECT_TRUE(FilesUnder(a_.blobs_dir()).empty());
}

TEST_F(DocumentStoreTest, OcrLanguagesAreTheInstalledOnes) {
  auto dir = FindTessdataDir();
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  auto langs = InstalledOcrLanguages(*dir);
  ASSERT_TRUE(langs.ok());
  EXPECT_TRUE(std::find(langs->begin(), langs->end(), "eng") != langs->end());
  EXPECT_TRUE(std::find(langs->begin(), langs->end(), "osd") == langs->end());
  auto valid = ValidateOcrLanguages({"eng", "eng"}, *dir);
  ASSERT_TRUE(valid.ok());
  EXPECT_EQ(*valid, std::vector<std::string>{"eng"});
  EXPECT_EQ(SplitOcrLanguages("eng+deu"), (std::vector<std::string>{"eng", "deu"}));
  EXPECT_EQ(JoinOcrLanguages({"eng", "deu"}), "eng+deu");
}

TEST_F(DocumentStoreTest, FileNamesAreSanitisedMetadataNeverPaths) {
  const std::string artifact = a_.NewArtifact("Mask");
  NewDocument meta;
  meta.original_filename = "../../../../tmp/evil\x01\n.pdf";
  auto up = a_.Upload(pdf_, artifact, meta);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->document.metadata.original_filename, "evil.pdf");
  // The only file is the blob, named by its hash.
  auto files = FilesUnder(a_.dir.path());
  for (const auto& f : files) EXPECT_EQ(f.find("evil"), std::string::npos) << f;
}

TEST_F(DocumentStoreTest, FinishedExtractionFeedsTextAndChangeRowsToLinkedArtifacts) {
  const std::string first = a_.NewArtifact("Bowl"), second = a_.NewArtifact("Lid");
  NewDocument meta;
  meta.kind = DocumentKind::kPoliceReport;
  auto up = a_.Upload(pdf_, first, meta);
  ASSERT_TRUE(up.ok());
  const std::string sha = up->document.metadata.sha256;
  ASSERT_TRUE(a_.documents->Link(sha, second, "curator").ok());
  auto job = a_.documents->ClaimNextJob();
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->sha256, sha);
  EXPECT_EQ((*job)->attempts, 1);
  EXPECT_EQ(a_.documents->GetDocument(sha)->extraction.status, ExtractionStatus::kRunning);
  EXPECT_FALSE(a_.documents->ClaimNextJob()->has_value());

  const int64_t seq = LastSeq();
  ASSERT_TRUE(a_.documents
                  ->CompleteJob(sha,
                                {{1, PageSource::kTextLayer, "Invoice 1932"},
                                 {2, PageSource::kOcr, "Sold to M. Durand"}},
                                2)
                  .ok());
  auto changes = ChangesAfter(seq);
  ASSERT_EQ(changes.size(), 2u);
  std::vector<std::string> ids = {changes[0].artifact_id, changes[1].artifact_id};
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> both = {first, second};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(ids, both);

  auto doc = a_.documents->GetDocument(sha);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->extraction.status, ExtractionStatus::kDone);
  EXPECT_EQ(doc->metadata.page_count, 2);
  ASSERT_EQ(doc->pages.size(), 2u);
  EXPECT_EQ(doc->pages[1].source, PageSource::kOcr);

  auto text = a_.documents->TextForArtifact(second);
  ASSERT_TRUE(text.ok());
  ASSERT_EQ(text->size(), 2u);
  EXPECT_EQ((*text)[1].page, 2);
  EXPECT_EQ((*text)[1].kind, "police_report");
  EXPECT_EQ((*text)[1].text, "Sold to M. Durand");
  EXPECT_FALSE((*text)[1].restricted);

  // Many artifacts in one call: the same pages, each under its artifact.
  const std::string bare = a_.NewArtifact("Jar");
  auto many = a_.documents->TextForArtifacts({second, bare, "no-such", first});
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  ASSERT_EQ(many->size(), 4u);
  ASSERT_EQ((*many)[0].size(), 2u);
  EXPECT_EQ((*many)[0][0].text, "Invoice 1932");
  EXPECT_EQ((*many)[0][1].text, "Sold to M. Durand");
  EXPECT_TRUE((*many)[1].empty());
  EXPECT_TRUE((*many)[2].empty());
  ASSERT_EQ((*many)[3].size(), 2u);
  EXPECT_EQ((*many)[3][1].sha256, sha);
}

TEST_F(DocumentStoreTest, DeletedArtifactsAreNeitherLinkedNorFed) {
  const std::string artifact = a_.NewArtifact("Bowl");
  auto up = a_.Upload(pdf_, artifact);
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(a_.records->DeleteArtifact(artifact, std::nullopt, "curator").ok());
  EXPECT_EQ(a_.documents->Link(up->document.metadata.sha256, artifact, "c").status().code(),
            StatusCode::kNotFound);
  const int64_t seq = LastSeq();
  ASSERT_TRUE(a_.documents->CompleteJob(up->document.metadata.sha256, {}, 1).ok());
  EXPECT_TRUE(ChangesAfter(seq).empty());
  EXPECT_TRUE(a_.documents->ArtifactsCiting(up->document.metadata.sha256)->empty());
}

TEST_F(DocumentStoreTest, UnlinkRemovesTheLinkAndReindexesTheArtifact) {
  const std::string artifact = a_.NewArtifact("Bowl");
  auto up = a_.Upload(pdf_, artifact);
  ASSERT_TRUE(up.ok());
  const std::string sha = up->document.metadata.sha256;
  const int64_t seq = LastSeq();
  ASSERT_TRUE(a_.documents->Unlink(sha, artifact, "curator").ok());
  EXPECT_EQ(ChangesAfter(seq).size(), 1u);
  EXPECT_TRUE(a_.documents->ArtifactsCiting(sha)->empty());
  EXPECT_EQ(a_.documents->Unlink(sha, artifact, "curator").code(), StatusCode::kNotFound);
}

TEST_F(DocumentStoreTest, GetDocumentAcceptsEitherCaseAndRejectsJunk) {
  const std::string artifact = a_.NewArtifact("Bowl");
  auto up = a_.Upload(pdf_, artifact);
  ASSERT_TRUE(up.ok());
  std::string upper = up->document.metadata.sha256;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_TRUE(a_.documents->GetDocument(upper).ok());
  EXPECT_EQ(a_.documents->GetDocument("xyz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(a_.documents->GetDocument(std::string(64, '0')).status().code(), StatusCode::kNotFound);
}

TEST_F(DocumentStoreTest, DocumentKindsRoundTrip) {
  for (DocumentKind k : AllDocumentKinds()) {
    EXPECT_EQ(ParseDocumentKind(ToString(k)), k);
  }
  EXPECT_EQ(AllDocumentKinds().size(), 9u);
  EXPECT_EQ(ParseDocumentKind("export_licence"), DocumentKind::kExportLicence);
  EXPECT_FALSE(ParseDocumentKind("Invoice").has_value());
}

TEST_F(DocumentStoreTest, ConcurrentUploadsOfTheSameBytesMakeOneDocument) {
  std::vector<std::string> artifacts;
  for (int i = 0; i < 4; ++i) artifacts.push_back(a_.NewArtifact("Part " + std::to_string(i)));
  std::vector<std::thread> threads;
  std::atomic<int> created{0}, failed{0};
  for (const auto& id : artifacts) {
    threads.emplace_back([&, id] {
      auto up = a_.Upload(pdf_, id);
      if (!up.ok()) ++failed;
      if (up.ok() && up->created) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(a_.blobs->List()->size(), 1u);
  EXPECT_EQ(FilesUnder(a_.blobs_dir()).size(), 1u);
  auto all = a_.documents->ListAll();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(a_.documents->ArtifactsCiting(all->front().sha256)->size(), 4u);
}

TEST(ArchiveDocumentsTest, ArchiveOpensTheDocumentStoresInItsDataDir) {
  testing::TempDir dir;
  testing::FixedClock clock;
  auto archive = Archive::Open(dir.path(), clock);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  auto info = (*archive)->blobs().PutBytes("%PDF-1.4 bytes");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/blobs/sha256/" + info->sha256.substr(0, 2)));
  EXPECT_TRUE((*archive)->documents().ListAll()->empty());
  EXPECT_EQ((*archive)->paths().previews(), dir.path() + "/previews");
}

}  // namespace
}  // namespace custos::archive
