#include "custos/core/thread.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace custos::core {
namespace {

// The nice value of thread `tid` of this process, from /proc (field 19 of
// its stat line; the name in field 2 may hold spaces, so count from ')').
int NiceOf(long tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line((std::istreambuf_iterator<char>(in)), {});
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19; ++i) rest >> field;
  return std::stoi(field);
}

TEST(ThreadTest, NamesTheCallingThreadAndCutsLongNames) {
  std::string name, cut;
  std::thread([&] {
    NameThisThread("custody-commit");
    name = ThisThreadName();
    NameThisThread("a-name-longer-than-fifteen-bytes");
    cut = ThisThreadName();
  }).join();
  EXPECT_EQ(name, "custody-commit");
  EXPECT_EQ(cut, "a-name-longer-t");
  EXPECT_NE(ThisThreadName(), "custody-commit");  // only that thread was named
}

// Raising a priority needs root or CAP_SYS_NICE: with it the thread's nice
// value is the one asked for, without it nothing changes and the call says
// so. Lowering it (a higher nice value) is allowed to everyone. Either way,
// only the calling thread changes, not the process.
TEST(ThreadTest, SetsTheNiceValueOfTheCallingThreadOnly) {
  const long main_tid = ::syscall(SYS_gettid);
  const int main_before = NiceOf(main_tid);
  bool raised = false;
  int after_raise = 0, after_lower = 0;
  bool lowered = false;
  std::thread([&] {
    const long tid = ::syscall(SYS_gettid);
    const int before = NiceOf(tid);
    raised = SetThisThreadNice(-5);
    after_raise = NiceOf(tid) - (raised ? -5 : before);
    lowered = SetThisThreadNice(19);
    after_lower = NiceOf(tid);
  }).join();
  EXPECT_EQ(after_raise, 0) << "raised=" << raised;
  if (geteuid() == 0) {
    EXPECT_TRUE(raised) << "root may raise a thread's priority";
  }
  EXPECT_TRUE(lowered);
  EXPECT_EQ(after_lower, 19);
  EXPECT_EQ(NiceOf(main_tid), main_before);
}

}  // namespace
}  // namespace custos::core
