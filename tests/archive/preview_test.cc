#include "custos/archive/preview.h"

#include <gtest/gtest.h>

#include "document_fixtures.h"

namespace custos::archive {
namespace {

using core::StatusCode;
using testing::DocumentArchive;
using testing::EncodeMultipageTiff;
using testing::EncodePng;
using testing::FilesUnder;
using testing::MakeTextPdf;
using testing::PngSize;
using testing::RenderTextImage;

class PreviewCacheTest : public ::testing::Test {
 protected:
  std::string Store(const std::string& bytes) {
    auto info = a_.blobs->PutBytes(bytes);
    EXPECT_TRUE(info.ok());
    return info.ok() ? info->sha256 : "";
  }
  std::string cache_dir() const { return a_.dir.path() + "/previews"; }
  DocumentArchive a_;
  PreviewCache cache_{cache_dir(), *a_.blobs};
};

TEST_F(PreviewCacheTest, PdfPagesRenderToPngAtTheRequestedWidthAndAreCached) {
  const std::string sha = Store(MakeTextPdf({"First page", "Second page"}));
  auto thumb = cache_.Preview(sha, 2, PreviewSize::kThumbnail);
  ASSERT_TRUE(thumb.ok()) << thumb.status().ToString();
  EXPECT_EQ(thumb->substr(0, 4), "\x89PNG");
  auto [w, h] = PngSize(*thumb);
  EXPECT_EQ(w, 256);
  EXPECT_NEAR(h, 256 * 300 / 612, 2);  // the page's aspect ratio
  auto page = cache_.Preview(sha, 1, PreviewSize::kPage);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(PngSize(*page).first, 1200);
  EXPECT_EQ(FilesUnder(cache_dir()).size(), 2u);

  // A hit is served from the cache, even when the blob is gone.
  auto again = cache_.Preview(sha, 2, PreviewSize::kThumbnail);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *thumb);
  ASSERT_TRUE(cache_.Forget(sha).ok());
  EXPECT_TRUE(FilesUnder(cache_dir()).empty());
}

TEST_F(PreviewCacheTest, ImagesAreScaledDownButNeverUp) {
  const std::string png = Store(EncodePng(RenderTextImage("Photo caption", 300)));  // 2550 wide
  auto page = cache_.Preview(png, 1, PreviewSize::kPage);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(PngSize(*page).first, 1200);

  const std::string small = Store(EncodePng(RenderTextImage("Tiny", 20)));  // 170 wide
  auto thumb = cache_.Preview(small, 1, PreviewSize::kThumbnail);
  ASSERT_TRUE(thumb.ok());
  EXPECT_EQ(PngSize(*thumb).first, 170);

  const std::string tiff =
      Store(EncodeMultipageTiff({RenderTextImage("one", 100), RenderTextImage("two", 100)}));
  auto second = cache_.Preview(tiff, 2, PreviewSize::kThumbnail);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(PngSize(*second).first, 256);
  EXPECT_EQ(cache_.Preview(tiff, 3, PreviewSize::kThumbnail).status().code(),
            StatusCode::kNotFound);
}

TEST_F(PreviewCacheTest, BadRequestsAndDamagedFiles) {
  const std::string sha = Store(MakeTextPdf({"Only page"}));
  EXPECT_EQ(cache_.Preview(sha, 2, PreviewSize::kPage).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cache_.Preview(sha, 0, PreviewSize::kPage).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(cache_.Preview("../etc", 1, PreviewSize::kPage).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(cache_.Preview(std::string(64, 'b'), 1, PreviewSize::kPage).status().code(),
            StatusCode::kNotFound);
  const std::string broken = Store("%PDF-1.4\nnot really\n%%EOF\n");
  EXPECT_EQ(cache_.Preview(broken, 1, PreviewSize::kPage).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParsePreviewSize("thumb"), PreviewSize::kThumbnail);
  EXPECT_FALSE(ParsePreviewSize("huge").has_value());
}

}  // namespace
}  // namespace custos::archive
