// Clock: the one source of "now" for records, revisions, audit rows and
// custody entries, so tests can pin time. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace custos::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
};

// The system clock (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
};

// RFC 3339 UTC with milliseconds: "2026-11-22T13:12:59.123Z".
std::string FormatRfc3339Millis(int64_t millis);

}  // namespace custos::core
