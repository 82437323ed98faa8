#include "custos/archive/bagit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_dir.h"

namespace custos::archive {
using core::Status;
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(CUSTOS_SHARED_TESTDATA) / "bagit";

// Every case of the BagIt conformance suite for v1.0 and v0.97, by folder:
// valid and warning bags validate (warning bags with at least one warning),
// invalid and linux-only bags do not. windows-only cases test Windows paths.
struct Case {
  std::string version, kind;
};

TEST(BagValidatorTest, ConformanceSuiteGivesTheRightVerdictOnEveryCase) {
  int checked = 0;
  for (const Case& c : std::vector<Case>{{"v1.0", "valid"},
                                         {"v1.0", "invalid"},
                                         {"v1.0", "warning"},
                                         {"v0.97", "valid"},
                                         {"v0.97", "invalid"},
                                         {"v0.97", "warning"},
                                         {"v0.97", "linux-only"}}) {
    fs::path dir = kSuite / c.version / c.kind;
    if (!fs::exists(dir)) continue;
    for (const auto& bag : fs::directory_iterator(dir)) {
      if (!bag.is_directory()) continue;
      SCOPED_TRACE(bag.path().string());
      auto r = ValidateBag(bag.path().string());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::string errors;
      for (const auto& e : r->errors) errors += e + "\n";
      if (c.kind == "valid" || c.kind == "warning") {
        EXPECT_TRUE(r->valid) << errors;
      } else {
        EXPECT_FALSE(r->valid);
        EXPECT_FALSE(r->errors.empty());
      }
      if (c.kind == "warning") {
        EXPECT_FALSE(r->warnings.empty());
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 35);
}

TEST(BagValidatorTest, CorruptPayloadIsNamed) {
  testing::TempDir tmp;
  fs::copy(kSuite / "v1.0" / "valid" / "basicBag", tmp.path(), fs::copy_options::recursive);
  fs::path data = fs::path(tmp.path()) / "data";
  fs::path file = fs::directory_iterator(data)->path();
  std::ofstream(file, std::ios::app) << "tampered";
  auto r = ValidateBag(tmp.path());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->valid);
  ASSERT_FALSE(r->errors.empty());
  EXPECT_NE(r->errors[0].find(file.filename().string()), std::string::npos) << r->errors[0];
}

TEST(BagValidatorTest, NotADirectoryIsIOError) {
  auto r = ValidateBag("/nonexistent/bag");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace custos::archive
