#include "custos/archive/file_blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "custos/core/crypto.h"
#include "document_fixtures.h"
#include "temp_dir.h"

namespace custos::archive {
namespace {

using core::StatusCode;
using testing::FilesUnder;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteFileBytes;

class FileBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = FileBlobStore::OpenAt(root());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  std::string root() const { return dir_.path() + "/blobs"; }
  std::string PathOf(const std::string& sha) const {
    return root() + "/sha256/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
  }
  TempDir dir_;
  std::unique_ptr<FileBlobStore> store_;
};

TEST_F(FileBlobStoreTest, PutStoresBytesUnderTheirHashInShardedDirectories) {
  const std::string data = "export licence no. 1931/44, Cairo";
  auto info = store_->PutBytes(data);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, core::Sha256Hex(data));
  EXPECT_EQ(info->size, data.size());
  EXPECT_TRUE(info->created);
  EXPECT_EQ(ReadFileBytes(PathOf(info->sha256)), data);
  EXPECT_EQ(*store_->Exists(info->sha256), true);
  EXPECT_EQ(*store_->Size(info->sha256), data.size());
  auto all = store_->ReadAll(info->sha256);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, data);
  // Stored read-only, and no temp file left beside it.
  struct stat st {};
  ASSERT_EQ(::stat(PathOf(info->sha256).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u);
  EXPECT_EQ(FilesUnder(root()).size(), 1u);
}

TEST_F(FileBlobStoreTest, StreamsLargeInputInChunks) {
  std::string data;
  for (int i = 0; i < 300000; ++i) data += static_cast<char>('a' + i % 26);
  std::istringstream in(data);
  auto info = store_->Put(in);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha256, core::Sha256Hex(data));
  EXPECT_EQ(info->size, data.size());
}

TEST_F(FileBlobStoreTest, SameBytesAreStoredOnce) {
  auto first = store_->PutBytes("same scan");
  auto second = store_->PutBytes("same scan");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->sha256, second->sha256);
  EXPECT_TRUE(first->created);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(store_->List()->size(), 1u);
  EXPECT_EQ(FilesUnder(root()).size(), 1u);
}

TEST_F(FileBlobStoreTest, OverTheLimitIsTooLargeAndLeavesNothingOnDisk) {
  auto writer = store_->NewWriter(10);
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Write("12345").ok());
  EXPECT_EQ(FilesUnder(root()).size(), 1u);  // the temp file while writing
  EXPECT_EQ((*writer)->Write("678901").code(), StatusCode::kTooLarge);
  EXPECT_TRUE(FilesUnder(root()).empty());
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kInternal);

  std::istringstream in(std::string(100, 'x'));
  EXPECT_EQ(store_->Put(in, 99).status().code(), StatusCode::kTooLarge);
  EXPECT_TRUE(FilesUnder(root()).empty());
  EXPECT_TRUE(store_->List()->empty());
}

TEST_F(FileBlobStoreTest, ExactlyAtTheLimitIsAccepted) {
  EXPECT_TRUE(store_->PutBytes(std::string(64, 'y'), 64).ok());
}

TEST_F(FileBlobStoreTest, AbortAndDestroyingAnUncommittedWriterLeaveNothing) {
  {
    auto writer = store_->NewWriter(1000);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("partial").ok());
    (*writer)->Abort();
    (*writer)->Abort();  // idempotent
  }
  {
    auto writer = store_->NewWriter(1000);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("partial").ok());
  }
  EXPECT_TRUE(FilesUnder(root()).empty());
}

TEST_F(FileBlobStoreTest, ReadAtServesRanges) {
  auto info = store_->PutBytes("0123456789");
  ASSERT_TRUE(info.ok());
  auto reader = store_->Open(info->sha256);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->size(), 10u);
  EXPECT_EQ(*(*reader)->ReadAt(2, 3), "234");
  EXPECT_EQ(*(*reader)->ReadAt(8, 100), "89");
  EXPECT_EQ(*(*reader)->ReadAt(10, 5), "");
  EXPECT_EQ(*(*reader)->ReadAt(1000, 5), "");
}

TEST_F(FileBlobStoreTest, MissingAndMalformedAddresses) {
  const std::string absent(64, 'a');
  EXPECT_EQ(store_->Open(absent).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->Exists(absent), false);
  EXPECT_EQ(store_->Size(absent).status().code(), StatusCode::kNotFound);
  for (const std::string& bad :
       std::vector<std::string>{"", "../../etc/passwd", std::string(64, 'A'), std::string(63, 'a'),
                                std::string(62, 'a') + "/."}) {
    EXPECT_EQ(store_->Open(bad).status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store_->Exists(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(FileBlobStoreTest, CommittingTheRightBytesRepairsADamagedCopy) {
  const std::string data = "police report 17/2009";
  auto info = store_->PutBytes(data);
  ASSERT_TRUE(info.ok());
  const std::string path = PathOf(info->sha256);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::string damaged = data;
  damaged[3] ^= 0x01;
  WriteFileBytes(path, damaged);
  auto again = store_->PutBytes(data);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->created);
  EXPECT_EQ(ReadFileBytes(path), data);
}

TEST_F(FileBlobStoreTest, ListNamesEveryBlobSortedAndIgnoresStrayFiles) {
  auto a = store_->PutBytes("a");
  auto b = store_->PutBytes("b");
  ASSERT_TRUE(a.ok() && b.ok());
  WriteFileBytes(root() + "/sha256/stray.txt", "x");
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  std::vector<std::string> want = {a->sha256, b->sha256};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*list, want);
}

TEST_F(FileBlobStoreTest, OpeningRemovesStaleTempFilesOnly) {
  const std::string stale = root() + "/.tmp-stale1", fresh = root() + "/.tmp-fresh1";
  WriteFileBytes(stale, "left by a crash");
  WriteFileBytes(fresh, "being written");
  std::filesystem::last_write_time(
      stale, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  ASSERT_TRUE(FileBlobStore::OpenAt(root()).ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(fresh));
}

}  // namespace
}  // namespace custos::archive
