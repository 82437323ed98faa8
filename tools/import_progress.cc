#include "import_progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace custos::tools {

std::string FormatDuration(double seconds) {
  long s = seconds > 0 ? std::lround(seconds) : 0;
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string FormatEta(const ProgressSnapshot& p) {
  if (p.total <= 0 || p.done <= 0 || p.seconds <= 0) return "--";
  const int64_t left = p.total > p.done ? p.total - p.done : 0;
  return FormatDuration(static_cast<double>(left) * p.seconds / static_cast<double>(p.done));
}

std::string FormatProgress(const ProgressSnapshot& p, bool tty) {
  constexpr int kBar = 24;
  const bool known = p.total > 0;
  const double fraction =
      known ? std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.total)) : 0;
  const int percent = static_cast<int>(fraction * 100);
  const double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
  const std::string when = p.final ? "done in " + FormatDuration(p.seconds) : "ETA " + FormatEta(p);
  char count[64], speed[32];
  if (known) {
    std::snprintf(count, sizeof count, "%lld/%lld records", static_cast<long long>(p.done),
                  static_cast<long long>(p.total));
  } else {
    std::snprintf(count, sizeof count, "%lld records", static_cast<long long>(p.done));
  }
  std::snprintf(speed, sizeof speed, "%.0f/s", rate);
  std::string out;
  if (tty) {
    if (known) {
      const int filled = static_cast<int>(fraction * kBar);
      char pct[8];
      std::snprintf(pct, sizeof pct, "%3d%%", percent);
      out = "[" + std::string(static_cast<size_t>(filled), '#') +
            std::string(static_cast<size_t>(kBar - filled), '.') + "] " + pct + "  ";
    }
    out += std::string(count) + "  " + speed;
    if (known || p.final) out += "  " + when;
  } else {
    out = "progress: " + std::string(count);
    if (known) out += " (" + std::to_string(percent) + "%)";
    out += ", " + std::string(speed);
    if (known || p.final) out += ", " + when;
  }
  return out;
}

ImportProgress::ImportProgress(int64_t total)
    : tty_(isatty(STDERR_FILENO)), total_(total), start_(std::chrono::steady_clock::now()) {}

void ImportProgress::Report(int64_t done, bool final) {
  auto now = std::chrono::steady_clock::now();
  if (!final && now - last_ < std::chrono::milliseconds(tty_ ? 200 : 5000)) return;
  last_ = now;
  ProgressSnapshot p{done, total_, std::chrono::duration<double>(now - start_).count(), final};
  std::string line = FormatProgress(p, tty_);
  if (tty_) {
    // Redraw in place; \x1b[K clears what a longer previous line left.
    std::fprintf(stderr, "\r%s\x1b[K%s", line.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

}  // namespace custos::tools
