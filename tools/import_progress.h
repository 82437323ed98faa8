// The progress display of `custos import`: on a terminal one line redrawn in
// place (a bar, percentage, count, rate and ETA), otherwise a plain
// "progress: ..." line now and then (for logs and scripts). Formatting is
// pure (FormatProgress) so it is tested apart from the clock and the tty.
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace custos::tools {

struct ProgressSnapshot {
  int64_t done = 0;
  int64_t total = 0;   // records expected; 0 when unknown
  double seconds = 0;  // since the import started
  bool final = false;  // the import is over: elapsed time instead of ETA
};

// "42s", "3m05s", "1h02m" (rounded to whole seconds; negative as 0s).
std::string FormatDuration(double seconds);

// The remaining time at the rate so far, "--" while it cannot be known (no
// total, nothing done yet, no time elapsed).
std::string FormatEta(const ProgressSnapshot& p);

// One progress line, without line ending. Terminal:
//   "[##########..............]  42%  42000/100000 records  1850/s  ETA 31s"
// plain:
//   "progress: 42000/100000 records (42%), 1850/s, ETA 31s"
// With an unknown total the bar, percentage and ETA are left out; a final
// line ends with "done in 54s" instead of the ETA.
std::string FormatProgress(const ProgressSnapshot& p, bool tty);

class ImportProgress {
 public:
  // Writes to stderr; a terminal when stderr is one.
  explicit ImportProgress(int64_t total);
  // At most every 200 ms on a terminal and every 5 s otherwise, unless final.
  void Report(int64_t done, bool final = false);

 private:
  bool tty_;
  int64_t total_;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace custos::tools
