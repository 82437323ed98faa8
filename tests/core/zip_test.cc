#include "custos/core/zip.h"

#include <gtest/gtest.h>

#include "custody_fixture.h"

namespace custos::core {
namespace {

using testing::HaveCommand;
using testing::ReadFile;
using testing::RunCommand;
using testing::TempDir;
using testing::WriteFile;

std::string Zip(const std::vector<std::pair<std::string, std::string>>& files) {
  ZipWriter w;
  for (const auto& [name, data] : files) EXPECT_TRUE(w.Add(name, data).ok()) << name;
  return w.Finish();
}

// Replaces every occurrence of `from` by `to` (same length): patches both the
// local and the central header of an entry.
std::string Patch(std::string bytes, const std::string& from, const std::string& to) {
  EXPECT_EQ(from.size(), to.size());
  size_t n = 0;
  for (size_t at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + 1)) {
    bytes.replace(at, from.size(), to);
    ++n;
  }
  EXPECT_GT(n, 0u) << from;
  return bytes;
}

TEST(ZipTest, Crc32MatchesKnownValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

// The eight-bytes-at-a-time loop against the textbook bit-at-a-time CRC, on
// every length up to 70 and every start offset within a word.
TEST(ZipTest, Crc32EqualsBitwiseReferenceAtEveryLengthAndAlignment) {
  const auto reference = [](std::string_view data) {
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char ch : data) {
      crc ^= ch;
      for (int k = 0; k < 8; ++k) crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return crc ^ 0xFFFFFFFFu;
  };
  std::string bytes;
  uint32_t x = 2463534242u;
  for (int i = 0; i < 80; ++i) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    bytes.push_back(static_cast<char>(x & 0xFF));
  }
  const std::string_view all = bytes;
  for (size_t start = 0; start < 8; ++start) {
    for (size_t len = 0; start + len <= 78 && len <= 70; ++len) {
      ASSERT_EQ(Crc32(all.substr(start, len)), reference(all.substr(start, len)))
          << "start " << start << " length " << len;
    }
  }
}

TEST(ZipTest, RoundTripsFilesInOrder) {
  const std::string binary("\x00\xff\x01 zip \x00", 9);
  const auto bytes = Zip({{"a.txt", "hello"}, {"dir/b.bin", binary}, {"empty", ""}});
  auto entries = ReadZip(bytes);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].name, "a.txt");
  EXPECT_EQ((*entries)[0].data, "hello");
  EXPECT_EQ((*entries)[1].name, "dir/b.bin");
  EXPECT_EQ((*entries)[1].data, binary);
  EXPECT_EQ((*entries)[2].data, "");
  // Deterministic: equal input, equal bytes.
  EXPECT_EQ(Zip({{"a.txt", "hello"}, {"dir/b.bin", binary}, {"empty", ""}}), bytes);
}

TEST(ZipTest, WriterRejectsUnsafeAndDuplicateNames) {
  ZipWriter w;
  for (const char* bad : {"", "/abs", "../x", "a/../b", "a//b", "./a", "a\\b", "a/", "\x01"}) {
    EXPECT_FALSE(w.Add(bad, "x").ok()) << bad;
  }
  ASSERT_TRUE(w.Add("a", "1").ok());
  EXPECT_FALSE(w.Add("a", "2").ok());
}

TEST(ZipTest, UnzipToolReadsOurArchives) {
  if (!HaveCommand("unzip")) GTEST_SKIP() << "unzip not installed";
  TempDir dir;
  WriteFile(dir.File("t.zip"), Zip({{"entries/000000.note", "note\n"}, {"record.json", "{}"}}));
  EXPECT_EQ(RunCommand("unzip -tq " + dir.File("t.zip") + " >/dev/null 2>&1"), 0);
  EXPECT_EQ(RunCommand("cd " + dir.path() + " && unzip -q t.zip >/dev/null 2>&1"), 0);
  EXPECT_EQ(ReadFile(dir.File("entries/000000.note")), "note\n");
}

TEST(ZipTest, ReadsStoredArchivesFromZipToolAndRejectsDeflated) {
  if (!HaveCommand("zip")) GTEST_SKIP() << "zip not installed";
  TempDir dir;
  ASSERT_EQ(RunCommand("mkdir -p " + dir.File("in/sub")), 0);
  WriteFile(dir.File("in/sub/a.txt"), std::string(1000, 'a'));
  ASSERT_EQ(RunCommand("cd " + dir.File("in") +
                       " && zip -0 -q -r ../stored.zip . && zip -9 -q -r "
                       "../deflated.zip ."),
            0);
  auto stored = ReadZip(ReadFile(dir.File("stored.zip")));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->size(), 1u);  // the directory entry is skipped
  EXPECT_EQ((*stored)[0].name, "sub/a.txt");
  EXPECT_EQ((*stored)[0].data, std::string(1000, 'a'));
  auto deflated = ReadZip(ReadFile(dir.File("deflated.zip")));
  ASSERT_FALSE(deflated.ok());
  EXPECT_NE(deflated.status().message().find("compressed"), std::string::npos);
}

TEST(ZipTest, RejectsPathTraversalAbsoluteAndBackslashNames) {
  const auto good = Zip({{"aa/x", "data"}});
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"aa/x", "../x"}, {"aa/x", "/a/x"}, {"aa/x", "a\\/x"}, {"aa/x", "a//x"}}) {
    auto r = ReadZip(Patch(good, from, to));
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_NE(r.status().message().find("unsafe name"), std::string::npos) << r.status().message();
  }
}

TEST(ZipTest, RejectsDuplicateNames) {
  auto r = ReadZip(Patch(Zip({{"a1", "x"}, {"a2", "y"}}), "a2", "a1"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("duplicate"), std::string::npos);
}

TEST(ZipTest, RejectsEncryptedEntries) {
  // Flags are at offset 6 (local) and 8 (central); set bit 0 in both.
  std::string bytes = Zip({{"a", "x"}});
  bytes[6] |= 1;
  const size_t central = bytes.find("PK\x01\x02");
  bytes[central + 8] |= 1;
  auto r = ReadZip(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("encrypted"), std::string::npos);
}

TEST(ZipTest, RejectsCorruptedDataTruncationAndGarbage) {
  const std::string bytes = Zip({{"a", "hello world"}});
  std::string flipped = bytes;
  flipped[flipped.find("hello")] = 'j';
  auto r = ReadZip(flipped);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("CRC"), std::string::npos);
  EXPECT_FALSE(ReadZip(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(ReadZip(bytes.substr(10)).ok());
  EXPECT_FALSE(ReadZip("not a zip at all, just some text that is long enough").ok());
  EXPECT_FALSE(ReadZip("").ok());
}

TEST(ZipTest, EnforcesEntryAndSizeLimits) {
  const std::string bytes = Zip({{"a", std::string(100, 'a')}, {"b", std::string(100, 'b')}});
  ZipLimits few;
  few.max_entries = 1;
  EXPECT_FALSE(ReadZip(bytes, few).ok());
  ZipLimits small;
  small.max_total_size = 150;
  EXPECT_FALSE(ReadZip(bytes, small).ok());
  EXPECT_TRUE(ReadZip(bytes).ok());
}

}  // namespace
}  // namespace custos::core
