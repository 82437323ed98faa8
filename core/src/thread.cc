#include "custos/core/thread.h"

#ifdef __linux__
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace custos::core {

void NameThisThread(std::string_view name) {
#ifdef __linux__
  std::string cut(name.substr(0, 15));
  pthread_setname_np(pthread_self(), cut.c_str());
#else
  (void)name;
#endif
}

std::string ThisThreadName() {
#ifdef __linux__
  char buf[16] = {};
  if (pthread_getname_np(pthread_self(), buf, sizeof buf) == 0) return buf;
#endif
  return "";
}

bool SetThisThreadNice(int nice) {
#ifdef __linux__
  // On Linux the nice value belongs to the thread: PRIO_PROCESS with a
  // thread id changes that thread only.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  return ::setpriority(PRIO_PROCESS, tid, nice) == 0;
#else
  (void)nice;
  return false;
#endif
}

}  // namespace custos::core
