#include "custos/archive/extraction_worker.h"

#include <gtest/gtest.h>

#include "document_fixtures.h"

namespace custos::archive {
namespace {

using testing::ContainsNoCase;
using testing::DocumentArchive;
using testing::EncodeMultipageTiff;
using testing::EncodePng;
using testing::MakeImagePdf;
using testing::MakeTextPdf;
using testing::RenderTextImage;

constexpr char kSentence[] = "The export licence was granted in Cairo";

ExtractionOptions FastOptions() {
  ExtractionOptions o;
  o.poll_interval = std::chrono::milliseconds(20);
  return o;
}

class ExtractionWorkerTest : public ::testing::Test {
 protected:
  // Uploads `bytes` and runs its extraction on this thread.
  Document UploadAndExtract(const std::string& bytes) {
    auto up = a_.Upload(bytes, artifact_);
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    if (!up.ok()) return {};
    ExtractionWorker worker(*a_.documents, *a_.blobs, FastOptions());
    auto ran = worker.RunOnce();
    EXPECT_TRUE(ran.ok() && *ran);
    auto doc = a_.documents->GetDocument(up->document.metadata.sha256);
    EXPECT_TRUE(doc.ok());
    return doc.ok() ? *doc : Document{};
  }

  DocumentArchive a_;
  std::string artifact_ = a_.NewArtifact("Stele of Iry");
};

TEST_F(ExtractionWorkerTest, PdfTextLayerIsExtractedPerPage) {
  Document doc = UploadAndExtract(
      MakeTextPdf({"Invoice of the Galerie Durand, Paris", std::string(kSentence) + "\nin 1931."}));
  EXPECT_EQ(doc.extraction.status, ExtractionStatus::kDone) << doc.extraction.reason;
  EXPECT_EQ(doc.metadata.page_count, 2);
  ASSERT_EQ(doc.pages.size(), 2u);
  EXPECT_EQ(doc.pages[0].page, 1);
  EXPECT_EQ(doc.pages[1].page, 2);
  EXPECT_FALSE(ContainsNoCase(doc.pages[0].text, "Cairo"));
  EXPECT_TRUE(ContainsNoCase(doc.pages[1].text, kSentence)) << doc.pages[1].text;
  EXPECT_EQ(doc.pages[1].source, PageSource::kTextLayer);

  auto text = a_.documents->TextForArtifact(artifact_);
  ASSERT_TRUE(text.ok());
  ASSERT_EQ(text->size(), 2u);
  EXPECT_EQ((*text)[1].page, 2);
  EXPECT_TRUE(ContainsNoCase((*text)[1].text, "granted in Cairo"));
}

TEST_F(ExtractionWorkerTest, PngIsOcred) {
  Document doc = UploadAndExtract(EncodePng(RenderTextImage(kSentence, 300)));
  EXPECT_EQ(doc.metadata.media_type, "image/png");
  EXPECT_EQ(doc.extraction.status, ExtractionStatus::kDone) << doc.extraction.reason;
  ASSERT_EQ(doc.pages.size(), 1u);
  EXPECT_EQ(doc.pages[0].source, PageSource::kOcr);
  EXPECT_TRUE(ContainsNoCase(doc.pages[0].text, "export licence")) << doc.pages[0].text;
  EXPECT_TRUE(ContainsNoCase(doc.pages[0].text, "Cairo")) << doc.pages[0].text;
}

TEST_F(ExtractionWorkerTest, ScannedPdfPagesAreOcredAndTextPagesKeepTheirLayer) {
  // Page 1 is an image only (a scan); page 2 has a text layer.
  const std::string pdf =
      MakeImagePdf({RenderTextImage(kSentence, 200)}, {"Catalogue of the sale of 12 June 1970"});
  Document doc = UploadAndExtract(pdf);
  EXPECT_EQ(doc.extraction.status, ExtractionStatus::kDone) << doc.extraction.reason;
  ASSERT_EQ(doc.pages.size(), 2u);
  EXPECT_EQ(doc.pages[0].source, PageSource::kOcr);
  EXPECT_TRUE(ContainsNoCase(doc.pages[0].text, "Cairo")) << doc.pages[0].text;
  EXPECT_TRUE(ContainsNoCase(doc.pages[0].text, "granted")) << doc.pages[0].text;
  EXPECT_EQ(doc.pages[1].source, PageSource::kTextLayer);
  EXPECT_TRUE(ContainsNoCase(doc.pages[1].text, "12 June 1970"));
}

TEST_F(ExtractionWorkerTest, EveryPageOfAMultiPageTiffIsOcred) {
  Document doc = UploadAndExtract(EncodeMultipageTiff(
      {RenderTextImage("Police report", 200), RenderTextImage("Seized at Marseille", 200)}));
  EXPECT_EQ(doc.metadata.media_type, "image/tiff");
  EXPECT_EQ(doc.extraction.status, ExtractionStatus::kDone) << doc.extraction.reason;
  EXPECT_EQ(doc.metadata.page_count, 2);
  ASSERT_EQ(doc.pages.size(), 2u);
  EXPECT_TRUE(ContainsNoCase(doc.pages[0].text, "Police")) << doc.pages[0].text;
  EXPECT_TRUE(ContainsNoCase(doc.pages[1].text, "Marseille")) << doc.pages[1].text;
  EXPECT_FALSE(ContainsNoCase(doc.pages[0].text, "Marseille"));
}

TEST_F(ExtractionWorkerTest, DamagedFilesFailTheirJobWithAReason) {
  const std::string pdf = MakeTextPdf({kSentence});
  struct Case {
    std::string name;
    std::string bytes;
  };
  const Case cases[] = {
      {"truncated pdf", pdf.substr(0, pdf.size() / 2)},
      {"pdf header only", "%PDF-1.4\n%%EOF\n"},
      {"png signature only", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0')},
      {"jpeg garbage", std::string("\xff\xd8\xff\xe0", 4) + std::string(500, '\x42')},
      {"tiff garbage", std::string("II*\0\xff\xff\xff\x7f", 8) + std::string(64, '\x01')},
  };
  for (const auto& c : cases) {
    Document doc = UploadAndExtract(c.bytes);
    EXPECT_EQ(doc.extraction.status, ExtractionStatus::kFailed) << c.name;
    EXPECT_FALSE(doc.extraction.reason.empty()) << c.name;
    EXPECT_TRUE(doc.pages.empty()) << c.name;
    // Stored all the same: the archive keeps what it was given.
    EXPECT_EQ(*a_.blobs->Exists(doc.metadata.sha256), true) << c.name;
  }
}

TEST_F(ExtractionWorkerTest, TruncatedPdfFailsButTheWorkerKeepsRunning) {
  const std::string pdf = MakeTextPdf({"Court order of the tribunal of Marseille", kSentence});
  auto bad = a_.Upload(pdf.substr(0, pdf.size() - 40), artifact_);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_EQ(bad->document.metadata.media_type, "application/pdf");
  ExtractionWorker worker(*a_.documents, *a_.blobs, FastOptions());
  ASSERT_TRUE(worker.Start().ok());
  Document failed = a_.WaitForExtraction(bad->document.metadata.sha256);
  EXPECT_EQ(failed.extraction.status, ExtractionStatus::kFailed);
  EXPECT_TRUE(ContainsNoCase(failed.extraction.reason, "truncated")) << failed.extraction.reason;

  // Uploaded while the worker runs: it wakes up and extracts it.
  auto good = a_.Upload(pdf, artifact_);
  ASSERT_TRUE(good.ok());
  Document done = a_.WaitForExtraction(good->document.metadata.sha256);
  EXPECT_EQ(done.extraction.status, ExtractionStatus::kDone) << done.extraction.reason;
  ASSERT_EQ(done.pages.size(), 2u);
  EXPECT_TRUE(ContainsNoCase(done.pages[1].text, "Cairo"));
  worker.Stop();
  EXPECT_EQ(worker.jobs_finished(), 2);
}

TEST_F(ExtractionWorkerTest, QueuedAndInterruptedJobsCompleteAfterARestart) {
  std::vector<std::string> shas;
  for (int i = 0; i < 3; ++i) {
    auto up =
        a_.Upload(MakeTextPdf({"Letter number " + std::to_string(i) + " from the museum in Cairo"}),
                  artifact_);
    ASSERT_TRUE(up.ok());
    shas.push_back(up->document.metadata.sha256);
  }
  {
    // A worker that never ran, and a job left `running` as by a crash.
    ExtractionWorker never_started(*a_.documents, *a_.blobs, FastOptions());
    auto claimed = a_.documents->ClaimNextJob();
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
  }
  EXPECT_EQ(*a_.documents->CountJobs(ExtractionStatus::kRunning), 1);
  EXPECT_EQ(*a_.documents->CountJobs(ExtractionStatus::kQueued), 2);

  a_.Reopen();  // a new process on the same data directory
  ExtractionWorker worker(*a_.documents, *a_.blobs, FastOptions());
  ASSERT_TRUE(worker.Start().ok());
  for (size_t i = 0; i < shas.size(); ++i) {
    Document doc = a_.WaitForExtraction(shas[i]);
    EXPECT_EQ(doc.extraction.status, ExtractionStatus::kDone) << doc.extraction.reason;
    ASSERT_EQ(doc.pages.size(), 1u);
    EXPECT_TRUE(ContainsNoCase(doc.pages[0].text, "Letter number"));
  }
  worker.Stop();
  EXPECT_EQ(*a_.documents->CountJobs(ExtractionStatus::kDone), 3);
}

TEST_F(ExtractionWorkerTest, AJobInterruptedTooOftenIsFailedNotRetriedForever) {
  auto up = a_.Upload(MakeTextPdf({"Crashes the extractor"}), artifact_);
  ASSERT_TRUE(up.ok());
  ExtractionOptions options = FastOptions();
  options.max_attempts = 2;
  for (int i = 0; i < 2; ++i) {  // two crashes mid-job
    ASSERT_TRUE(a_.documents->ClaimNextJob()->has_value());
    ASSERT_EQ(*a_.documents->RequeueRunningJobs(), 1);
  }
  ExtractionWorker worker(*a_.documents, *a_.blobs, options);
  ASSERT_TRUE(*worker.RunOnce());
  auto doc = a_.documents->GetDocument(up->document.metadata.sha256);
  EXPECT_EQ(doc->extraction.status, ExtractionStatus::kFailed);
  EXPECT_TRUE(ContainsNoCase(doc->extraction.reason, "interrupted")) << doc->extraction.reason;
  EXPECT_EQ(doc->extraction.attempts, 3);
}

TEST_F(ExtractionWorkerTest, MissingBlobFailsTheJob) {
  auto up = a_.Upload(MakeTextPdf({"Soon gone"}), artifact_);
  ASSERT_TRUE(up.ok());
  const std::string& sha = up->document.metadata.sha256;
  std::filesystem::remove(a_.blobs_dir() + "/sha256/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) +
                          "/" + sha);
  ExtractionWorker worker(*a_.documents, *a_.blobs, FastOptions());
  ASSERT_TRUE(*worker.RunOnce());
  auto doc = a_.documents->GetDocument(sha);
  EXPECT_EQ(doc->extraction.status, ExtractionStatus::kFailed);
  EXPECT_TRUE(ContainsNoCase(doc->extraction.reason, "missing"));
}

TEST_F(ExtractionWorkerTest, ReextractQueuesADocumentAgain) {
  Document doc = UploadAndExtract(MakeTextPdf({"Correspondence, 1954"}));
  ASSERT_EQ(doc.extraction.status, ExtractionStatus::kDone);
  ASSERT_TRUE(a_.documents->Reextract(doc.metadata.sha256, std::vector<std::string>{"eng"}).ok());
  EXPECT_EQ(a_.documents->GetDocument(doc.metadata.sha256)->extraction.status,
            ExtractionStatus::kQueued);
  EXPECT_EQ(a_.documents->Reextract(doc.metadata.sha256, std::vector<std::string>{"xx"}).code(),
            core::StatusCode::kInvalidArgument);
}

TEST_F(ExtractionWorkerTest, PageCapIsNoted) {
  ExtractionOptions options;
  options.max_pages = 1;
  auto out = ExtractDocumentText(MakeTextPdf({"one", "two", "three"}), "application/pdf", {"eng"},
                                 options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->page_count, 3);
  EXPECT_EQ(out->pages.size(), 1u);
  EXPECT_TRUE(ContainsNoCase(out->note, "pages after 1")) << out->note;
}

TEST_F(ExtractionWorkerTest, CancelStopsExtraction) {
  std::atomic<bool> cancel{true};
  auto out = ExtractDocumentText(MakeTextPdf({"one"}), "application/pdf", {"eng"},
                                 ExtractionOptions{}, &cancel);
  EXPECT_EQ(out.status().code(), core::StatusCode::kUnavailable);
}

TEST_F(ExtractionWorkerTest, WithoutOcrLanguagesPdfTextLayersAreStillExtracted) {
  testing::TempDir empty_tessdata;
  ExtractionOptions options;
  options.tessdata_dir = empty_tessdata.path();
  auto out = ExtractDocumentText(
      MakeImagePdf({RenderTextImage("Scanned", 100)}, {"Typed page with a text layer"}),
      "application/pdf", {"eng"}, options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->pages.size(), 2u);
  EXPECT_EQ(out->pages[0].source, PageSource::kNone);
  EXPECT_EQ(out->pages[1].source, PageSource::kTextLayer);
  EXPECT_TRUE(ContainsNoCase(out->note, "not installed")) << out->note;
  // An image has nothing but OCR: that is a failure.
  auto png =
      ExtractDocumentText(EncodePng(RenderTextImage("Photo", 100)), "image/png", {"eng"}, options);
  EXPECT_EQ(png.status().code(), core::StatusCode::kUnavailable);
}

TEST_F(ExtractionWorkerTest, StopInterruptsAJobAndPutsItBackInTheQueue) {
  std::vector<testing::GrayImage> scans;
  for (int i = 0; i < 8; ++i) scans.push_back(RenderTextImage("Page " + std::to_string(i), 300));
  auto up = a_.Upload(MakeImagePdf(scans), artifact_);
  ASSERT_TRUE(up.ok());
  const std::string sha = up->document.metadata.sha256;
  ExtractionWorker worker(*a_.documents, *a_.blobs, FastOptions());
  ASSERT_TRUE(worker.Start().ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (a_.documents->GetDocument(sha, false)->extraction.status != ExtractionStatus::kRunning &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  worker.Stop();
  auto doc = a_.documents->GetDocument(sha, false);
  EXPECT_EQ(doc->extraction.status, ExtractionStatus::kQueued);
  EXPECT_EQ(doc->extraction.attempts, 0);  // not the document's fault
  EXPECT_EQ(worker.jobs_finished(), 0);
}

}  // namespace
}  // namespace custos::archive
