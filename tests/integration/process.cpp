// Child-process helpers for integration tests: bounded in time, always reaped.
#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "perfval/http/simple_client.hpp"

namespace perfval::test {

long time_scale() {
  static const long factor = [] {
    const char* v = std::getenv("PERFVAL_TEST_TIME_SCALE");
    const long f = v != nullptr ? std::strtol(v, nullptr, 10) : 1;
    return f >= 1 ? f : 1;
  }();
  return factor;
}

namespace {
using Clock = std::chrono::steady_clock;

// A limit is a guard against a hung child, not a measurement: it is stretched by time_scale(). Times a test acts
// on (signal_after) are not stretched here.
std::chrono::milliseconds scaled(std::chrono::milliseconds limit) { return limit * time_scale(); }

pid_t spawn(const std::vector<std::string>& argv, int out[2], int err[2]) {
  if (pipe(out) != 0 || (err != nullptr && pipe(err) != 0)) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out[1], 1);
    dup2(err != nullptr ? err[1] : out[1], 2);
    close(out[0]);
    close(out[1]);  // only fds 1 and 2 stay: a daemon the child starts must not hold our pipes open
    if (err != nullptr) {
      close(err[0]);
      close(err[1]);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  if (err != nullptr) close(err[1]);
  return pid;
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                          std::chrono::milliseconds signal_after, int sig) {
  limit = scaled(limit);
  int out[2], err[2];
  const pid_t pid = spawn(argv, out, err);
  ProcessResult r;
  const auto start = Clock::now();
  bool signalled = false;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto now = Clock::now();
    if (!signalled && signal_after.count() > 0 && now - start >= signal_after) {
      kill(pid, sig);
      signalled = true;
    }
    if (now - start >= limit) {
      kill(pid, SIGKILL);
      r.timed_out = true;
      break;
    }
    if (poll(fds, 2, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[8192];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = decode(status);
  return r;
}

Child::Child(const std::vector<std::string>& argv) {
  int out[2];
  pid_ = spawn(argv, out, nullptr);
  out_fd_ = out[0];
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

std::string Child::wait_for_line(const std::string& needle, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + scaled(limit);
  for (;;) {
    std::size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (line.find(needle) != std::string::npos) return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return "";
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return "";
    char buf[4096];
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return "";
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

int Child::stop(int sig, std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  return wait(limit);
}

int Child::wait(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  const auto deadline = Clock::now() + scaled(limit);
  int status = 0;
  while (Clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return decode(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "perfval-test.XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const std::string p = path_ + "/" + name;
  std::ofstream(p) << content;
  return p;
}

bool wait_http_ok(const std::string& url, std::chrono::milliseconds limit) {
  const auto end = Clock::now() + scaled(limit);
  while (Clock::now() < end) {
    try {
      if (perfval::http::http_request("GET", url).status == 200) return true;
    } catch (const perfval::http::HttpError&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string serve_url(Child& serve, std::chrono::milliseconds limit) {
  const std::string line = serve.wait_for_line("listening on", limit);
  const auto at = line.find("http://");
  return at == std::string::npos ? std::string() : line.substr(at);
}

}  // namespace perfval::test
