// read_process_usage: /proc/PID/stat (CPU, memory, start time), /proc/PID/fd and /proc/PID/limits.
#include "perfval/common/proc_stat.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace perfval {

namespace {

std::string proc_dir(int pid) { return pid == 0 ? "/proc/self" : "/proc/" + std::to_string(pid); }

// Seconds since the epoch at which the machine booted (`btime` of /proc/stat).
double boot_time() {
  static const double btime = [] {
    std::ifstream in("/proc/stat");
    std::string key;
    double v = 0;
    while (in >> key) {
      if (key == "btime" && (in >> v)) return v;
      in.ignore(1 << 20, '\n');
    }
    return 0.0;
  }();
  return btime;
}

std::optional<double> count_fds(const std::string& dir) {
  DIR* d = opendir((dir + "/fd").c_str());
  if (d == nullptr) return std::nullopt;
  double n = 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n - (dir == "/proc/self" ? 1 : 0);  // the descriptor opendir itself holds
}

std::optional<double> max_open_files(const std::string& dir) {
  std::ifstream in(dir + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(14));
    std::string soft;
    fields >> soft;
    if (soft == "unlimited") return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(soft.c_str(), &end);
    if (end != soft.c_str()) return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcessUsage> read_process_usage(int pid, std::string* why) {
  const std::string dir = proc_dir(pid);
  std::ifstream in(dir + "/stat");
  std::string text;
  if (!in || !std::getline(in, text)) {
    if (why != nullptr) *why = "process " + std::to_string(pid) + " does not exist (exited?)";
    return std::nullopt;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields start after the last ')'.
  const auto close = text.rfind(')');
  std::vector<std::string> f;  // f[0] is field 3 (state)
  std::istringstream rest(close == std::string::npos ? std::string() : text.substr(close + 1));
  for (std::string x; rest >> x;) f.push_back(x);
  if (f.size() < 22) {
    if (why != nullptr) *why = dir + "/stat: unexpected format";
    return std::nullopt;
  }
  if (f[0] == "Z" || f[0] == "X") {  // exited, not yet reaped by its parent
    if (why != nullptr) *why = "process " + std::to_string(pid) + " has exited";
    return std::nullopt;
  }
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto field = [&](int number) { return std::strtod(f[static_cast<std::size_t>(number - 3)].c_str(), nullptr); };
  ProcessUsage u;
  u.cpu_seconds = (field(14) + field(15)) / ticks;  // utime + stime
  u.start_time_seconds = boot_time() + field(22) / ticks;
  u.virtual_bytes = field(23);
  u.resident_bytes = field(24) * page;
  u.open_fds = count_fds(dir);
  u.max_fds = max_open_files(dir);
  return u;
}

}  // namespace perfval
