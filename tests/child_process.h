// ChildProcess: runs a binary (the real `custos`) for end-to-end tests, with
// its stdout readable line by line and signals on demand.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace custos::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`; stdout is captured, stderr inherited.
  explicit ChildProcess(std::vector<std::string> argv) {
    // Everything the child needs is built before fork(): after forking a
    // multithreaded test process the child may only make async-signal-safe
    // calls. (It used to build this vector in the child; a malloc lock held
    // by another thread at the fork then hung the child forever.)
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_ >= 0) close(out_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Reads stdout until a line contains `needle`; returns that line, or
  // nullopt on timeout or end of output. Everything read is kept in output().
  std::optional<std::string> WaitForLine(const std::string& needle, int timeout_ms = 30000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      size_t nl;
      while ((nl = pending_.find('\n')) != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        output_ += line + "\n";
        if (line.find(needle) != std::string::npos) return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      pending_.append(buf, static_cast<size_t>(n));
    }
  }

  void Signal(int sig) { kill(pid_, sig); }

  // Waits for exit; returns the exit code, or 128 + signal.
  int Wait() {
    if (exited_) return status_;
    int st = 0;
    waitpid(pid_, &st, 0);
    exited_ = true;
    // The child is gone: read what it wrote last, up to end of file.
    char buf[4096];
    ssize_t n;
    while (out_ >= 0 && (n = read(out_, buf, sizeof buf)) > 0) pending_.append(buf, size_t(n));
    output_ += pending_;
    pending_.clear();
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }

  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  int status_ = 0;
  std::string pending_, output_;
};

// Runs a command to completion and returns its stdout (exit code in *code).
inline std::string RunCommand(std::vector<std::string> argv, int* code) {
  ChildProcess p(std::move(argv));
  p.WaitForLine("\x01never\x01", 120000);  // until end of output, or 2 minutes
  // Still running (looked at without reaping it)? Then it hangs: kill it,
  // so that the test fails instead of waiting forever.
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(p.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
      info.si_pid == 0) {
    p.Signal(SIGKILL);
  }
  *code = p.Wait();
  return p.output();
}

// The last non-empty line of a command's output (where `custos user add`
// and `custos key show` print what scripts want).
inline std::string LastLine(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

// The port in "custos: serving DIR on http://127.0.0.1:PORT".
inline int PortFromServingLine(const std::string& line) {
  auto colon = line.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
}

}  // namespace custos::testing
