// Naming and prioritising the calling thread (Linux; no-ops elsewhere).
#pragma once

#include <string>
#include <string_view>

namespace custos::core {

// Names the calling thread as `top -H`, `ps -L`, gdb and perf show it.
// Linux keeps at most 15 bytes; longer names are cut.
void NameThisThread(std::string_view name);

// The calling thread's name ("" when it cannot be read).
std::string ThisThreadName();

// Sets the calling thread's nice value to `nice` (-20..19; lower runs
// first). A negative value needs root or CAP_SYS_NICE; without it the thread
// keeps its priority and this returns false. For a thread everybody else
// waits on (the custody committer): the scheduler then does not let the
// request threads it has just woken push it off the core.
bool SetThisThreadNice(int nice);

}  // namespace custos::core
