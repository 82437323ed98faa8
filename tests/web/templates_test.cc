// Templates (web/src/templates.h): HTML escaping, and parsed templates
// pooled across concurrent renders without one render's data showing up in
// another's page.
#include "templates.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "temp_dir.h"

namespace custos::web {
namespace {

using nlohmann::json;

class TemplatesTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.file(name)) << text;
  }
  testing::TempDir dir_;
};

TEST_F(TemplatesTest, EscapesHtmlAndHidesEmptySections) {
  Write("t.mustache", "<p>{{title}}</p>{{#note}}[{{note}}]{{/note}}");
  Templates t(dir_.path());
  auto out = t.Render("t", json{{"title", "<b>Bronze & gold</b>"}, {"note", ""}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "<p>&lt;b&gt;Bronze &amp; gold&lt;/b&gt;</p>");
}

TEST_F(TemplatesTest, ConcurrentRendersOfOnePooledTemplateKeepTheirOwnData) {
  Write("item.mustache",
        "{{id}}:{{#tags}}<{{.}}>{{/tags}}{{^tags}}none{{/tags}}|{{#restricted}}R{{/restricted}}");
  Templates t(dir_.path());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int w = 0; w < 8; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 300; ++i) {
        const std::string id = std::to_string(w) + "-" + std::to_string(i);
        const bool tagged = (i + w) % 3 != 0, restricted = i % 2 == 0;
        json tags = tagged ? json::array({"t" + id, "u"}) : json::array();
        auto out = t.Render("item", json{{"id", id}, {"tags", tags}, {"restricted", restricted}});
        const std::string want = id + ":" + (tagged ? "<t" + id + "><u>" : "none") + "|" +
                                 (restricted ? "R" : "");
        if (!out.ok() || *out != want) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(TemplatesTest, ASyntaxErrorIsReportedEveryTimeAndAFixedFileIsNotNeeded) {
  Write("bad.mustache", "{{#open}}never closed");
  Templates t(dir_.path());
  for (int i = 0; i < 2; ++i) {
    auto out = t.Render("bad", json::object());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_NE(out.status().message().find("template bad"), std::string::npos);
  }
  EXPECT_EQ(t.Render("missing", json::object()).status().code(), core::StatusCode::kNotFound);
}

}  // namespace
}  // namespace custos::web
