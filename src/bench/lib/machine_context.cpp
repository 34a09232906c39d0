// Reading the machine's description from /proc and uname, and adding it to Google Benchmark's context.
#include "perfval/bench/machine_context.hpp"

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace perfval::bench {

namespace {

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

std::string cpu_model_from_cpuinfo(const std::string& cpuinfo) {
  std::istringstream lines(cpuinfo);
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    if (key == "model name" || key == "Model" || key == "cpu model") {
      const std::string value = trim(line.substr(colon + 1));
      if (!value.empty()) return value;
    }
  }
  return "";
}

MachineInfo read_machine_info() {
  MachineInfo m;
  m.cpu_model = cpu_model_from_cpuinfo(slurp("/proc/cpuinfo"));
  m.cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::istringstream meminfo(slurp("/proc/meminfo"));
  std::string key;
  long long kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:") m.memory_bytes = kib * 1024;
    meminfo.ignore(1 << 10, '\n');
  }
  utsname u{};
  if (::uname(&u) == 0) m.kernel = u.release;
  std::istringstream load(slurp("/proc/loadavg"));
  std::string one, five, fifteen;
  if (load >> one >> five >> fifteen) m.load_avg = one + " " + five + " " + fifteen;
  return m;
}

void record_machine_context() {
  const MachineInfo m = read_machine_info();
  benchmark::AddCustomContext("cpu_model", m.cpu_model.empty() ? "unknown" : m.cpu_model);
  benchmark::AddCustomContext("cpu_cores", std::to_string(m.cores));
  benchmark::AddCustomContext("memory_bytes", std::to_string(m.memory_bytes));
  benchmark::AddCustomContext("kernel", m.kernel);
  benchmark::AddCustomContext("load_avg_start", m.load_avg);
}

void quiet_malloc() {
  // glibc returns freed memory to the kernel and maps large blocks afresh by default, so where a process's heap
  // ends up decides a benchmark's speed for the whole process; a fixed, large heap makes processes agree better
  // (docs/regression.md: the per-benchmark spread over processes fell from 14 % to 10 %).
  mallopt(M_MMAP_THRESHOLD, kMallocMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kMallocTrimThreshold);
  mallopt(M_TOP_PAD, kMallocTopPad);
  benchmark::AddCustomContext("perfval_malloc", "mallopt M_MMAP_THRESHOLD=" + std::to_string(kMallocMmapThreshold) +
                                                    " M_TRIM_THRESHOLD=" + std::to_string(kMallocTrimThreshold) +
                                                    " M_TOP_PAD=" + std::to_string(kMallocTopPad));
}

}  // namespace perfval::bench
