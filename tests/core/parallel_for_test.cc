#include "custos/core/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace custos::core {
namespace {

// Every index runs exactly once, round after round, with and without
// helpers, and Run() returns only after the last one.
TEST(ParallelForTest, RunsEveryIndexOnceAndReturnsWhenAllAreDone) {
  for (unsigned helpers : {0u, 1u, 3u}) {
    ParallelFor pool(helpers);
    for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
      for (int round = 0; round < 3; ++round) {
        std::vector<std::atomic<int>> hits(n);
        std::atomic<size_t> done{0};
        pool.Run(n, [&](size_t i) {
          hits[i].fetch_add(1);
          done.fetch_add(1);
        });
        EXPECT_EQ(done.load(), n) << "helpers " << helpers << " n " << n;
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "index " << i;
      }
    }
  }
}

TEST(ParallelForTest, HelpersShareTheWork) {
  ParallelFor pool(2);
  std::mutex mu;
  std::set<std::thread::id> workers;
  pool.Run(64, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard lock(mu);
    workers.insert(std::this_thread::get_id());
  });
  EXPECT_GT(workers.size(), 1u);
}

TEST(ParallelForTest, EachHelperRunsTheStartHookFirst) {
  std::mutex mu;
  std::set<std::thread::id> started;
  ParallelFor pool(3, [&] {
    std::lock_guard lock(mu);
    started.insert(std::this_thread::get_id());
  });
  const auto caller = std::this_thread::get_id();
  std::set<std::thread::id> workers;
  // Run() returns only when every helper has finished its round, so each
  // has run the hook by then, whether or not it got an item.
  pool.Run(64, [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::lock_guard lock(mu);
    if (std::this_thread::get_id() != caller) workers.insert(std::this_thread::get_id());
  });
  std::lock_guard lock(mu);
  EXPECT_EQ(started.size(), 3u);
  for (const auto& w : workers) EXPECT_TRUE(started.contains(w)) << "a helper skipped the hook";
}

}  // namespace
}  // namespace custos::core
