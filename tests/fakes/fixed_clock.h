// FixedClock: a core::Clock that returns what the test sets.
#pragma once

#include <atomic>

#include "custos/core/clock.h"

namespace custos::testing {

class FixedClock final : public core::Clock {
 public:
  explicit FixedClock(int64_t millis = 1763800000000) : now_(millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace custos::testing
