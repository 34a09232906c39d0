// Running one side of an A/B round: a shell command whose results land in a file, with failures reported as the
// command and the tail of its standard error.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include "perfval/common/error.hpp"
#include "perfval/regression/ab.hpp"

extern char** environ;

namespace perfval::regression {

namespace {

std::string tail_of(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "\n  | " + all[i];
  return out.empty() ? " (no output on stderr)" : out;
}

std::string with_out(std::string command, const std::string& out_file) {
  for (std::size_t at = command.find("{out}"); at != std::string::npos; at = command.find("{out}", at + out_file.size()))
    command.replace(at, 5, out_file);
  return command;
}

// While an AbStopSignals guard is alive: the first stop signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT), how many came,
// and the process group of the command running now (each command runs in a group of its own, so a signal reaches
// everything its shell started).
volatile std::sig_atomic_t stop_signal = 0;
volatile std::sig_atomic_t stop_signals_seen = 0;
volatile std::sig_atomic_t running_group = 0;
bool guarded = false;
constexpr int stop_signal_numbers[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
struct sigaction previous_actions[4];

bool stop_was_requested = false;  // what the last guard saw, for requested() after it ended

// Passes the stop on to a command's group: the first signal as it came; from the second on, SIGKILL (a command
// that traps or ignores the first is not waited for). SIGCONT: a stopped command must run to act on it.
void pass_stop_on(pid_t group) {  // async-signal-safe: kill() only
  ::kill(-group, stop_signals_seen > 1 ? SIGKILL : static_cast<int>(stop_signal));
  ::kill(-group, SIGCONT);
}

void on_stop_signal(int signal) {  // async-signal-safe: flags, kill(), errno kept; the four are masked meanwhile
  const int saved_errno = errno;
  if (!stop_signal) stop_signal = signal;
  stop_signals_seen = stop_signals_seen + 1;
  if (running_group > 0) pass_stop_on(static_cast<pid_t>(running_group));
  errno = saved_errno;
}

// Exit status of `sh -c command` with stdout/stderr redirected; -signal when killed by a signal.
int run_shell(const std::string& command, const std::string& stdout_file, const std::string& err_file) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (guarded) {  // a group of its own, signalled by on_stop_signal; unguarded, Ctrl-C reaches it with perfval
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  }
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  // No terminal input: a benchmark does not read it, and a command outside the terminal's foreground group that
  // tried would be stopped (SIGTTIN) with perfval waiting for it.
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&files, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string sh = "/bin/sh", flag = "-c", cmd = command;
  char* argv[] = {sh.data(), flag.data(), cmd.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", &files, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) throw Error("cannot start /bin/sh for \"" + command + "\": " + std::strerror(rc), exit_code::internal_error);
  int status = 0;
  if (guarded) {
    running_group = pid;
    if (stop_signal) pass_stop_on(pid);  // it came while the command was being started
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  running_group = 0;
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

AbStopSignals::AbStopSignals() {
  stop_signal = 0;
  stop_signals_seen = 0;
  struct sigaction on_stop {};
  on_stop.sa_handler = on_stop_signal;
  on_stop.sa_flags = SA_RESTART;
  sigemptyset(&on_stop.sa_mask);
  for (int number : stop_signal_numbers) sigaddset(&on_stop.sa_mask, number);
  stop_was_requested = false;
  for (int i = 0; i < 4; ++i) {
    sigaction(stop_signal_numbers[i], nullptr, &previous_actions[i]);
    // A signal ignored on the way in (SIGINT of a background job, SIGHUP under nohup) stays ignored.
    if (previous_actions[i].sa_handler != SIG_IGN) sigaction(stop_signal_numbers[i], &on_stop, nullptr);
  }
  guarded = true;
}

AbStopSignals::~AbStopSignals() {
  guarded = false;
  for (int i = 0; i < 4; ++i) sigaction(stop_signal_numbers[i], &previous_actions[i], nullptr);
  // Read after the handlers are gone, so a signal up to here still counts; then a later, unguarded command is not
  // "interrupted" by this comparison's signal.
  stop_was_requested = stop_signal != 0;
  stop_signal = 0;
}

bool AbStopSignals::requested() { return stop_signal != 0 || stop_was_requested; }

RunResults run_benchmark_command(const std::string& command, const std::string& out_file, const std::string& err_file) {
  const bool writes_file = command.find("{out}") != std::string::npos;
  const std::string expanded = with_out(command, out_file);
  const auto interrupted = [&] { return Error("interrupted while running \"" + expanded + "\"", exit_code::interrupted); };
  if (stop_signal) throw interrupted();  // a signal between two commands: the next one does not start
  const int status = run_shell(expanded, writes_file ? "/dev/null" : out_file, err_file);
  // Whatever the command made of the signal (a shell may turn it into exit 1), the comparison was interrupted.
  if (stop_signal) throw interrupted();
  if (status == -SIGINT || status == -SIGTERM || status == exit_code::interrupted)
    throw interrupted();
  if (status != 0) {
    const std::string how = status < 0 ? "was killed by signal " + std::to_string(-status)
                                       : "exited " + std::to_string(status);
    throw Error("command \"" + expanded + "\" " + how + "; the end of its stderr:" + tail_of(err_file, 10));
  }
  try {
    RunResults r = read_results(out_file);
    if (r.benchmarks.empty())
      throw Error(out_file + ": no benchmark results (perfval compare needs Google Benchmark or go test -bench output)");
    return r;
  } catch (const Error& e) {
    throw Error("command \"" + expanded + "\" succeeded but its results cannot be read: " + e.what() +
                (writes_file ? "" : " (it should print benchmark results on stdout, or write them to {out})") +
                "; the end of its stderr:" + tail_of(err_file, 10));
  }
}

}  // namespace perfval::regression
