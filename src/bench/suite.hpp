// What perfval-bench registers: one function per category, each adding its Google Benchmark families.
#pragma once

namespace perfval::bench {

struct SuiteConfig {
  bool quick = false;  // CI mode: the largest sizes are left out (names of the rest are unchanged)
};

void register_memory_benchmarks(const SuiteConfig& config);
void register_cpu_benchmarks(const SuiteConfig& config);
void register_network_benchmarks(const SuiteConfig& config);
void register_scalability_benchmarks(const SuiteConfig& config);

}  // namespace perfval::bench
