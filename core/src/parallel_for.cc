#include "custos/core/parallel_for.h"

namespace custos::core {

ParallelFor::ParallelFor(unsigned helpers, const std::function<void()>& on_start) {
  for (unsigned i = 0; i < helpers; ++i) {
    threads_.emplace_back([this, on_start] {
      if (on_start) on_start();
      Loop();
    });
  }
}

ParallelFor::~ParallelFor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void ParallelFor::Run(size_t n, const std::function<void(size_t)>& fn) {
  if (threads_.empty() || n < 2) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    std::lock_guard lock(mu_);
    fn_ = &fn;
    n_ = n;
    next_.store(0);
    busy_ = threads_.size();
    ++round_;
  }
  start_cv_.notify_all();
  Work();
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return busy_ == 0; });
  fn_ = nullptr;
}

void ParallelFor::Work() {
  for (size_t i = next_.fetch_add(1); i < n_; i = next_.fetch_add(1)) (*fn_)(i);
}

void ParallelFor::Loop() {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || round_ != seen; });
      if (stop_) return;
      seen = round_;
    }
    Work();
    std::lock_guard lock(mu_);
    if (--busy_ == 0) done_cv_.notify_one();
  }
}

}  // namespace custos::core
