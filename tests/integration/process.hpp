// Test helper: run a perfval command line as a child process with a time limit, capturing its output.
#pragma once

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

namespace perfval::test {

// PERFVAL_TEST_TIME_SCALE (a whole number, default 1): how much slower this build runs than a plain one.
// scripts/test.sh --sanitize sets it (instrumented code is 2-15x slower). Every limit below is stretched by it;
// a test that acts on time (a run's length, an interval, when to interrupt) stretches that time itself, where
// the behaviour it checks needs the work to get done in it.
long time_scale();

struct ProcessResult {
  int exit_code = -1;   // exit status, or 128 + signal when killed
  std::string out;      // stdout
  std::string err;      // stderr
  bool timed_out = false;
};

// Runs argv (argv[0] is a path) with stdin closed. After `limit` it is killed with SIGKILL.
// If `signal_after` > 0, `sig` is sent to the child after that delay (to test interruption).
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                          std::chrono::milliseconds signal_after = std::chrono::milliseconds(0), int sig = SIGTERM);

// A running child whose stdout can be read line by line (for `perfval serve` and real servers).
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();  // SIGKILL if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Reads stdout until a line containing `needle` appears; returns that line, or "" after `limit`.
  std::string wait_for_line(const std::string& needle, std::chrono::milliseconds limit);
  // Sends `sig` and waits up to `limit` for the exit; returns the exit code (or -1 on timeout, then killed).
  int stop(int sig, std::chrono::milliseconds limit);
  // Waits up to `limit` for the child to exit by itself; returns its exit code (-1 on timeout, then killed).
  int wait(std::chrono::milliseconds limit);
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

// Polls GET `url` until it answers 200 (a server the test started is ready) or `limit` passes.
bool wait_http_ok(const std::string& url, std::chrono::milliseconds limit);

// Waits for `perfval serve`'s "listening on http://..." line and returns that URL, or "" after `limit`.
std::string serve_url(Child& serve, std::chrono::milliseconds limit);

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;  // returns the file's path

 private:
  std::string path_;
};

}  // namespace perfval::test
