#include "custos/archive/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

namespace custos::archive {
using core::Status;
namespace {

struct Read {
  Status status;
  std::vector<CsvRecord> records;
};

Read ReadString(const std::string& text) {
  std::istringstream in(text);
  Read r;
  r.status = ReadCsv(in, [&](CsvRecord&& rec) {
    r.records.push_back(std::move(rec));
    return Status::Ok();
  });
  return r;
}

TEST(CsvReaderTest, MapsColumnsWithQuotingBomAndLists) {
  auto r = ReadString(
      "\xEF\xBB\xBFid,Title,object_type,materials,identifiers,date_display,date_earliest,date_latest,"
      "country_of_origin,description\r\n"
      "a-1,\"Bowl, \"\"red\"\"\",bowl,clay|slip,inventory_number:1.2|interpol:X:9,c. 500 BCE,-520,-480,"
      "IQ,\"two\r\nlines\"\r\n"
      "a-2,Coin,coin,,,,,,,\n");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_TRUE(r.records[0].artifact.ok()) << r.records[0].artifact.status().ToString();
  const auto& a = *r.records[0].artifact;
  EXPECT_EQ(a.id, "a-1");
  EXPECT_EQ(a.title, "Bowl, \"red\"");
  EXPECT_EQ(a.materials, (std::vector<std::string>{"clay", "slip"}));
  ASSERT_EQ(a.identifiers.size(), 2u);
  EXPECT_EQ(a.identifiers[1].type, "interpol");
  EXPECT_EQ(a.identifiers[1].value, "X:9");
  EXPECT_EQ(a.date.earliest, -520);
  EXPECT_EQ(a.description, "two\r\nlines");
  EXPECT_EQ(r.records[1].row, 3);
  EXPECT_EQ(r.records[1].line, 4);
  EXPECT_TRUE(r.records[1].artifact.ok());
}

TEST(CsvReaderTest, RowErrorsNameRowAndColumnAndOtherRowsGoOn) {
  auto r = ReadString(
      "title,object_type,date_earliest,country_of_origin,status\n"
      "A,vase,abc,,\n"
      "B,vase,,ZZ,\n"
      "C,vase,,,lost\n"
      ",vase,,,\n"
      "E,vase\n"
      "F,vase,,,\n");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.records.size(), 6u);
  struct Want {
    int row;
    const char* column;
  };
  const Want want[] = {{2, "column date_earliest"}, {3, "column country_of_origin"},
                       {4, "column status"},        {5, "column title"},
                       {6, "fields"}};
  for (size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    ASSERT_FALSE(r.records[i].artifact.ok());
    const std::string& m = r.records[i].artifact.status().message();
    EXPECT_NE(m.find("row " + std::to_string(want[i].row)), std::string::npos) << m;
    EXPECT_NE(m.find(want[i].column), std::string::npos) << m;
  }
  EXPECT_TRUE(r.records[5].artifact.ok());
}

TEST(CsvReaderTest, FileLevelErrors) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"title,object_type,colour\nA,b,red\n", "unknown column"},
      {"title,object_type,title\n", "twice"},
      {"title\nA\n", "object_type"},
      {"", "header"},
      {"title,object_type\n\"A,b\n", "not closed"},
      {"title,object_type\nA\"x,b\n", "quote"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = ReadString(c.text);
    EXPECT_FALSE(r.status.ok());
    EXPECT_NE(r.status.message().find(c.want), std::string::npos) << r.status.message();
    EXPECT_NE(r.status.message().find("row"), std::string::npos) << r.status.message();
  }
}

}  // namespace
}  // namespace custos::archive
