#include "custos/archive/media_type.h"

#include <gtest/gtest.h>

namespace custos::archive {
namespace {

using core::StatusCode;
using namespace std::string_literals;

TEST(SniffMediaTypeTest, RecognisesAcceptedTypesByContent) {
  struct Case {
    std::string head;
    std::string_view want;
  };
  const Case cases[] = {
      {"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", kMediaPdf},
      {"%PDF-1.4", kMediaPdf},
      {"\xef\xbb\xbf junk before the header %PDF-1.3\n", kMediaPdf},
      {"II*\0\x08\0\0\0"s, kMediaTiff},
      {"MM\0*\0\0\0\x08"s, kMediaTiff},
      {"\xff\xd8\xff\xe0\0\x10JFIF"s, kMediaJpeg},
      {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s, kMediaPng},
  };
  for (const auto& c : cases) {
    auto got = SniffMediaType(c.head);
    ASSERT_TRUE(got.ok()) << c.head;
    EXPECT_EQ(*got, c.want) << c.head;
  }
}

TEST(SniffMediaTypeTest, RejectsEverythingElseAsUnsupported) {
  const std::string cases[] = {
      "<html><body>%PDF</body></html>",
      "GIF89a\x01\0\x01\0"s,
      "PK\x03\x04 a zip",
      "\x89PNG\r\n",                        // too short to be a PNG signature
      "II+\0"s,                             // BigTIFF
      std::string(1024, ' ') + "%PDF-1.4",  // header beyond the first 1024 bytes
      "plain text invoice",
  };
  for (const auto& head : cases) {
    EXPECT_EQ(SniffMediaType(head).status().code(), StatusCode::kUnsupportedMediaType) << head;
  }
}

TEST(SniffMediaTypeTest, EmptyFileIsInvalidArgument) {
  auto got = SniffMediaType("");
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().field(), "file");
}

TEST(SniffMediaTypeTest, ExtensionsForContentDisposition) {
  EXPECT_EQ(ExtensionForMediaType(kMediaPdf), "pdf");
  EXPECT_EQ(ExtensionForMediaType(kMediaTiff), "tiff");
  EXPECT_EQ(ExtensionForMediaType("text/html"), "");
}

}  // namespace
}  // namespace custos::archive
