// What perfval-bench registers: one function per category, each adding its Google Benchmark families.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace perfval::bench {

class LoopbackClient;

// Runs `client.round(path)` once per iteration, adding body bytes to *bytes (and latencies when given);
// false, with the benchmark marked error_occurred, on the first failed request.
bool run_rounds(benchmark::State& state, LoopbackClient& client, const std::string& path,
                std::vector<double>* latencies, std::size_t* bytes);

struct SuiteConfig {
  bool quick = false;  // CI mode: the largest sizes are left out (names of the rest are unchanged)
};

void register_memory_benchmarks(const SuiteConfig& config);
void register_cpu_benchmarks(const SuiteConfig& config);
void register_network_benchmarks(const SuiteConfig& config);
void register_scalability_benchmarks(const SuiteConfig& config);

}  // namespace perfval::bench
