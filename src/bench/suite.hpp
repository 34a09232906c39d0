// What perfval-bench registers: one function per category, each adding its Google Benchmark families.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <string>
#include <vector>

namespace perfval::bench {

class LoopbackClient;

// Runs `client.round(path)` once per iteration, adding body bytes to *bytes (and latencies when given);
// false, with the benchmark marked error_occurred, on the first failed request.
bool run_rounds(benchmark::State& state, LoopbackClient& client, const std::string& path,
                std::vector<double>* latencies, std::size_t* bytes);

// A known slower build for validating the regression gate on real runs (scripts/gate-noise.sh): with
// PERFVAL_BENCH_EXTRA_WORK_PCT=P in the environment, cpu/metric_render, cpu/metric_parse and cpu/json_parse
// spin on the CPU for P% of each iteration's own CPU time after it, so every iteration costs P% more.
// Unset (or 0), it runs the body alone.
void with_extra_work(const std::function<void()>& body);

struct SuiteConfig {
  bool quick = false;  // CI mode: the largest sizes are left out (names of the rest are unchanged)
};

// One slot of the control set (control/cpu, control/memory, control/syscall); main registers a slot before
// and after every category so the controls sample the machine's speed through the whole run.
void register_control_benchmarks();
constexpr std::size_t kControlBenchmarks = 3;  // benchmarks in one slot of the control set
void register_memory_benchmarks(const SuiteConfig& config);
void register_cpu_benchmarks(const SuiteConfig& config);
void register_network_benchmarks(const SuiteConfig& config);
void register_scalability_benchmarks(const SuiteConfig& config);

}  // namespace perfval::bench
