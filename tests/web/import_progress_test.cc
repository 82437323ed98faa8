// The progress display of `custos import` (tools/import_progress.h): the
// terminal bar and the plain lines, with rate and ETA.
#include "import_progress.h"

#include <gtest/gtest.h>

namespace custos::tools {
namespace {

TEST(ImportProgressTest, DurationsReadAsSecondsMinutesHours) {
  struct Case {
    double seconds;
    const char* want;
  };
  for (const Case& c : std::vector<Case>{{-3, "0s"},
                                         {0, "0s"},
                                         {41.6, "42s"},
                                         {59.4, "59s"},
                                         {60, "1m00s"},
                                         {185, "3m05s"},
                                         {3599, "59m59s"},
                                         {3600, "1h00m"},
                                         {3725, "1h02m"},
                                         {90000, "25h00m"}}) {
    EXPECT_EQ(FormatDuration(c.seconds), c.want) << c.seconds;
  }
}

TEST(ImportProgressTest, EtaIsTheRemainderAtTheRateSoFar) {
  // 25,000 of 100,000 in 10 s: 75,000 left at 2,500/s.
  EXPECT_EQ(FormatEta({25000, 100000, 10, false}), "30s");
  EXPECT_EQ(FormatEta({1000, 100000, 10, false}), "16m30s");
  EXPECT_EQ(FormatEta({100000, 100000, 40, false}), "0s");
  EXPECT_EQ(FormatEta({120, 100, 1, false}), "0s");  // the file grew meanwhile
  EXPECT_EQ(FormatEta({0, 100000, 10, false}), "--");
  EXPECT_EQ(FormatEta({500, 0, 10, false}), "--");
  EXPECT_EQ(FormatEta({500, 1000, 0, false}), "--");
}

TEST(ImportProgressTest, TerminalLineIsABarWithRateAndEta) {
  EXPECT_EQ(FormatProgress({25000, 100000, 10, false}, /*tty=*/true),
            "[######..................]  25%  25000/100000 records  2500/s  ETA 30s");
  EXPECT_EQ(FormatProgress({100000, 100000, 40, true}, true),
            "[########################] 100%  100000/100000 records  2500/s  done in 40s");
  // No total known: count and rate only.
  EXPECT_EQ(FormatProgress({500, 0, 2, false}, true), "500 records  250/s");
}

TEST(ImportProgressTest, PlainLineCarriesTheSameFacts) {
  EXPECT_EQ(FormatProgress({25000, 100000, 10, false}, /*tty=*/false),
            "progress: 25000/100000 records (25%), 2500/s, ETA 30s");
  EXPECT_EQ(FormatProgress({100000, 100000, 40, true}, false),
            "progress: 100000/100000 records (100%), 2500/s, done in 40s");
  EXPECT_EQ(FormatProgress({500, 0, 2, false}, false), "progress: 500 records, 250/s");
  EXPECT_EQ(FormatProgress({500, 0, 2, true}, false), "progress: 500 records, 250/s, done in 2s");
}

}  // namespace
}  // namespace custos::tools
