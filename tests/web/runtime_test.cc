// web::Runtime on its own: what happens at start-up to the derived state.
#include "custos/web/runtime.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <fstream>
#include <sstream>

#include "custos/archive/data_dir.h"
#include "fakes/fixed_clock.h"
#include "temp_dir.h"

namespace custos::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(RuntimeTest, AnIndexOfAnOlderSchemaIsRebuiltAtStart) {
  TempDir dir;
  FixedClock clock;
  auto archive = archive::Archive::Open(dir.file("data"), clock);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  core::Artifact a;
  a.title = "Gilded silver rhyton";
  a.object_type = "rhyton";
  ASSERT_TRUE((*archive)->records().CreateArtifact(a, "test").ok());
  web::RuntimeOptions ro;
  ro.fixity_interval = std::chrono::seconds(0);
  std::vector<std::string> log;
  ro.log = [&log](const std::string& line) { log.push_back(line); };
  {
    auto runtime = web::Runtime::Start(**archive, clock, ro);
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    ASSERT_TRUE((*runtime)->SyncIndex().ok());
  }
  // Stamp the live generation as written by schema "0", as an index built by
  // an older release would be.
  const std::string index_dir = (*archive)->paths().index();
  std::string gen = Slurp(index_dir + "/CURRENT");
  while (!gen.empty() && (gen.back() == '\n' || gen.back() == ' ')) gen.pop_back();
  ASSERT_FALSE(gen.empty());
  {
    Xapian::WritableDatabase w(index_dir + "/" + gen, Xapian::DB_OPEN);
    w.set_metadata("custos:schema", "0");
    w.commit();
  }

  auto runtime = web::Runtime::Start(**archive, clock, ro);
  ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
  ASSERT_TRUE((*runtime)->SyncIndex().ok());
  core::SearchQuery q;
  q.q = "rhyton";
  auto found = (*runtime)->deps().search->Search(q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->total, 1);
  bool logged = false;
  for (const auto& line : log) logged = logged || line.find("rebuilding") != std::string::npos;
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace custos::testing
