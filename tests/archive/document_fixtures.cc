#include "document_fixtures.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>

namespace custos::testing {

namespace {

std::string EscapePdfString(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

// Assembles a PDF from numbered objects 1..n (objects[i] is object i+1's
// body, without "N 0 obj"/"endobj"). Object 1 must be the catalog.
std::string AssemblePdf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n";
  pdf += "0000000000 65535 f \n";
  for (size_t off : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\n";
  pdf += "startxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string Stream(const std::string& dict_entries, const std::string& data) {
  return "<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
         "\nendstream";
}

std::string TextContent(const std::string& text) {
  std::string content = "BT\n/F1 24 Tf\n30 TL\n72 228 Td\n";
  for (const std::string& line : Lines(text)) {
    content += "(" + EscapePdfString(line) + ") Tj T*\n";
  }
  content += "ET";
  return content;
}

struct PixFree {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using PixPtr = std::unique_ptr<PIX, PixFree>;

PixPtr ToPix(const GrayImage& image) {
  PixPtr pix(pixCreate(image.width, image.height, 8));
  l_uint32* data = pixGetData(pix.get());
  const l_int32 wpl = pixGetWpl(pix.get());
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      SET_DATA_BYTE(
          data + y * wpl, x,
          static_cast<unsigned char>(image.pixels[static_cast<size_t>(y) * image.width + x]));
    }
  }
  pixSetResolution(pix.get(), image.dpi, image.dpi);
  return pix;
}

}  // namespace

std::string MakeTextPdf(const std::vector<std::string>& pages) {
  // 1 catalog, 2 pages, 3 font, then (page, content) per page.
  std::vector<std::string> objects(3);
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) {
    const size_t page_obj = 4 + 2 * i;
    kids += std::to_string(page_obj) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 300] "
        "/Resources << /Font << /F1 3 0 R >> >> /Contents " +
        std::to_string(page_obj + 1) + " 0 R >>");
    objects.push_back(Stream("", TextContent(pages[i])));
  }
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] =
      "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  return AssemblePdf(objects);
}

GrayImage RenderTextImage(const std::string& text, int dpi) {
  const std::string pdf = MakeTextPdf({text});
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  EXPECT_TRUE(doc != nullptr);
  if (!doc) return {};
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image img = renderer.render_page(page.get(), dpi, dpi);
  EXPECT_TRUE(img.is_valid());
  GrayImage out;
  out.width = img.width();
  out.height = img.height();
  out.dpi = dpi;
  for (int y = 0; y < out.height; ++y) {
    out.pixels.append(img.const_data() + static_cast<size_t>(y) * img.bytes_per_row(),
                      static_cast<size_t>(out.width));
  }
  return out;
}

std::string MakeImagePdf(const std::vector<GrayImage>& images,
                         const std::vector<std::string>& text_pages) {
  // 1 catalog, 2 pages, 3 font, then (page, content, image) per image, then
  // (page, content) per text page.
  std::vector<std::string> objects(3);
  std::string kids;
  size_t next = 4;
  for (const GrayImage& image : images) {
    const double w = image.width * 72.0 / image.dpi, h = image.height * 72.0 / image.dpi;
    kids += std::to_string(next) + " 0 R ";
    char box[128];
    std::snprintf(box, sizeof box, "[0 0 %.2f %.2f]", w, h);
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox " + std::string(box) +
                      " /Resources << /XObject << /Im1 " + std::to_string(next + 2) +
                      " 0 R >> >> /Contents " + std::to_string(next + 1) + " 0 R >>");
    char content[128];
    std::snprintf(content, sizeof content, "q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q", w, h);
    objects.push_back(Stream("", content));
    objects.push_back(Stream(
        "/Type /XObject /Subtype /Image /Width " + std::to_string(image.width) + " /Height " +
            std::to_string(image.height) + " /ColorSpace /DeviceGray /BitsPerComponent 8",
        image.pixels));
    next += 3;
  }
  for (const std::string& text : text_pages) {
    kids += std::to_string(next) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 300] "
        "/Resources << /Font << /F1 3 0 R >> >> /Contents " +
        std::to_string(next + 1) + " 0 R >>");
    objects.push_back(Stream("", TextContent(text)));
    next += 2;
  }
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " +
               std::to_string(images.size() + text_pages.size()) + " >>";
  objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  return AssemblePdf(objects);
}

std::string EncodePng(const GrayImage& image) {
  PixPtr pix = ToPix(image);
  l_uint8* data = nullptr;
  size_t size = 0;
  EXPECT_EQ(pixWriteMemPng(&data, &size, pix.get(), 0.0), 0);
  std::string out(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return out;
}

std::string EncodeMultipageTiff(const std::vector<GrayImage>& images) {
  PIXA* pixa = pixaCreate(static_cast<l_int32>(images.size()));
  for (const GrayImage& image : images) {
    PixPtr pix = ToPix(image);
    pixaAddPix(pixa, pix.get(), L_COPY);
  }
  l_uint8* data = nullptr;
  size_t size = 0;
  EXPECT_EQ(pixaWriteMemMultipageTiff(&data, &size, pixa), 0);
  pixaDestroy(&pixa);
  std::string out(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return out;
}

std::pair<int, int> PngSize(const std::string& png) {
  PixPtr pix(pixReadMem(reinterpret_cast<const l_uint8*>(png.data()), png.size()));
  if (!pix) return {0, 0};
  return {pixGetWidth(pix.get()), pixGetHeight(pix.get())};
}

bool ContainsNoCase(const std::string& haystack, const std::string& needle) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out.push_back(e.path().string());
  }
  return out;
}

DocumentArchive::DocumentArchive() { Reopen(); }

void DocumentArchive::Reopen() {
  documents.reset();
  records.reset();
  blobs.reset();
  db.reset();
  auto opened = archive::SqliteDatabase::Open(dir.file("custos.db"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  db = *opened;
  auto b = archive::FileBlobStore::OpenAt(blobs_dir());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  blobs = std::move(b).value();
  records = std::make_unique<archive::SqliteRecordStore>(db, clock);
  documents = std::make_unique<archive::DocumentStore>(db, *blobs, clock);
}

std::string DocumentArchive::NewArtifact(const std::string& title) {
  auto a = core::ArtifactFromJson({{"title", title}, {"object_type", "stele"}});
  EXPECT_TRUE(a.ok());
  auto created = records->CreateArtifact(*a, "curator");
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return created.ok() ? created->id : "";
}

core::Result<archive::UploadResult> DocumentArchive::Upload(const std::string& bytes,
                                                            const std::string& artifact_id,
                                                            archive::NewDocument meta,
                                                            uint64_t max_bytes) {
  std::istringstream in(bytes);
  return documents->Upload(in, meta, artifact_id, "curator", max_bytes);
}

archive::Document DocumentArchive::WaitForExtraction(const std::string& sha,
                                                     std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto doc = documents->GetDocument(sha);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    if (!doc.ok()) return {};
    if (doc->extraction.status == archive::ExtractionStatus::kDone ||
        doc->extraction.status == archive::ExtractionStatus::kFailed ||
        std::chrono::steady_clock::now() > deadline) {
      return std::move(doc).value();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace custos::testing

// fontconfig, which poppler asks for a font to draw Helvetica with, keeps its
// configuration for the life of the process and LeakSanitizer reports it at
// exit. Suppressed here, in the test binary, for every way of running it.
extern "C" __attribute__((used, visibility("default"))) const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
