// ParallelFor: runs fn(0..n-1) on the calling thread and on helper threads
// kept for the purpose, for work that splits into independent items (the
// custody committer's signatures, custos-verify's signature checks).
//
// Items are handed out one at a time from a shared counter, so uneven items
// balance. Run() returns when every item is done. One Run() at a time per
// object; not for nested use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace custos::core {

class ParallelFor {
 public:
  // `helpers` extra threads (0: everything runs on the caller). Each helper
  // runs `on_start` first, if given (to name it, or to set its priority).
  explicit ParallelFor(unsigned helpers, const std::function<void()>& on_start = {});
  ~ParallelFor();
  ParallelFor(const ParallelFor&) = delete;
  ParallelFor& operator=(const ParallelFor&) = delete;

  void Run(size_t n, const std::function<void(size_t)>& fn);

 private:
  void Work();
  void Loop();

  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;  // set for a round
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  size_t busy_ = 0;  // helpers still in this round
  uint64_t round_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace custos::core
