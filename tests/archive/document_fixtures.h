// Test fixtures for scanned documents, generated at run time (nothing binary
// is committed): hand-written PDFs with a text layer or with only an image,
// PNG and multi-page TIFF renderings of text, and an archive set-up with real
// SQLite and a real blob store in a temp dir.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "custos/archive/document_store.h"
#include "custos/archive/file_blob_store.h"
#include "custos/archive/sqlite_database.h"
#include "custos/archive/sqlite_record_store.h"
#include "custos/core/artifact.h"
#include "fakes/fixed_clock.h"
#include "temp_dir.h"

namespace custos::testing {

// A PDF (1.4) whose page i shows pages[i] as Helvetica text: lines split at
// '\n', 24 pt, starting 1 inch from the top-left. Page size 612 x 300 pt.
// Cross-reference offsets are computed, so the file is valid as written.
std::string MakeTextPdf(const std::vector<std::string>& pages);

// A gray image of `pages[page]` rendered from MakeTextPdf at `dpi`: the
// width/height and 8-bit rows (no padding) of what a scanner would produce.
struct GrayImage {
  int width = 0;
  int height = 0;
  int dpi = 0;
  std::string pixels;
};
GrayImage RenderTextImage(const std::string& text, int dpi);

// A "scanned" PDF: one page per image, each page an /Image XObject (8-bit
// DeviceGray, uncompressed) and no text at all, sized to the image's dpi.
// `text_pages` (optional) adds pages with a text layer after the images.
std::string MakeImagePdf(const std::vector<GrayImage>& images,
                         const std::vector<std::string>& text_pages = {});

// PNG bytes of `image` (leptonica).
std::string EncodePng(const GrayImage& image);
// A multi-page TIFF (one page per image; leptonica, zip-compressed).
std::string EncodeMultipageTiff(const std::vector<GrayImage>& images);
// Width and height of a PNG, read with leptonica; {0, 0} when unreadable.
std::pair<int, int> PngSize(const std::string& png);

// True when `haystack` contains `needle`, ignoring ASCII case.
bool ContainsNoCase(const std::string& haystack, const std::string& needle);

std::string ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::string& bytes);
// Regular files anywhere under `dir`.
std::vector<std::string> FilesUnder(const std::string& dir);

// Real SQLite, a FileBlobStore and a DocumentStore in a temp dir, plus the
// record store to make artifacts with.
class DocumentArchive {
 public:
  DocumentArchive();
  // Opens the stores again on the same directory (as after a restart).
  void Reopen();

  std::string NewArtifact(const std::string& title);
  core::Result<archive::UploadResult> Upload(const std::string& bytes,
                                             const std::string& artifact_id,
                                             archive::NewDocument meta = {},
                                             uint64_t max_bytes = 0);
  // Polls until the document's extraction is done or failed (or `timeout`).
  archive::Document WaitForExtraction(const std::string& sha,
                                      std::chrono::seconds timeout = std::chrono::seconds(120));

  TempDir dir;
  FixedClock clock;
  std::string blobs_dir() const { return dir.path() + "/blobs"; }
  std::shared_ptr<archive::SqliteDatabase> db;
  std::unique_ptr<archive::FileBlobStore> blobs;
  std::unique_ptr<archive::SqliteRecordStore> records;
  std::unique_ptr<archive::DocumentStore> documents;
};

}  // namespace custos::testing
