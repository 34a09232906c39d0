// The machine a benchmark run measured: CPU model, cores, memory, kernel and load, added to Google Benchmark's
// JSON "context" so results (and baselines written from them) say which testbed they come from.
#pragma once

#include <string>

namespace perfval::bench {

struct MachineInfo {
  std::string cpu_model;  // "model name" of /proc/cpuinfo, e.g. "AMD EPYC 7B13"; "" when unknown
  int cores = 0;          // online logical CPUs
  long long memory_bytes = 0;  // MemTotal, bytes
  std::string kernel;     // uname release, e.g. "6.1.0-13-amd64"
  std::string load_avg;   // /proc/loadavg's 1, 5 and 15 minute averages at the start, e.g. "3.10 2.52 1.98"
};

// The first "model name" (x86) or "Model"/"cpu model" line of a /proc/cpuinfo text, whitespace trimmed.
std::string cpu_model_from_cpuinfo(const std::string& cpuinfo);

MachineInfo read_machine_info();

// Adds cpu_model, cpu_cores, memory_bytes, kernel and load_avg_start to Google Benchmark's context (before
// RunSpecifiedBenchmarks). Google Benchmark itself adds host_name, num_cpus, mhz_per_cpu, caches, load_avg.
void record_machine_context();

// glibc malloc settings perfval-bench runs with, before any benchmark: a large, fixed heap (no trimming, large
// blocks from the heap, a generous top pad). Recorded in the context as perfval_malloc.
constexpr int kMallocMmapThreshold = 32 * 1024 * 1024;  // glibc's largest allowed value on 64-bit
constexpr int kMallocTrimThreshold = 1 << 30;
constexpr int kMallocTopPad = 64 * 1024 * 1024;
void quiet_malloc();

}  // namespace perfval::bench
