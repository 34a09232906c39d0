// The control set: fixed CPU-, memory- and syscall-bound reference work, named control/..., that does not change
// from one build to the next, so the regression gate can tell how fast the machine itself was during a run.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "suite.hpp"

namespace perfval::bench {
namespace {

// Integer mixing with a data dependency from one step to the next: pure ALU work, no memory traffic.
void control_cpu(benchmark::State& state) {
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto _ : state) {
    for (int i = 0; i < 4096; ++i) {
      x += 0x9e3779b97f4a7c15ULL;
      x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
      x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
      x ^= x >> 31;
    }
    benchmark::DoNotOptimize(x);
  }
}

// A random cyclic walk over 64 MiB: every step is a cache miss, so this measures memory latency, which other
// processes on the machine (their caches and memory traffic) slow down.
constexpr std::size_t kChaseSlots = (64u << 20) / sizeof(std::uint32_t);

const std::vector<std::uint32_t>& chase_ring() {
  static const std::vector<std::uint32_t> ring = [] {
    std::vector<std::uint32_t> order(kChaseSlots);
    std::iota(order.begin(), order.end(), 0u);
    std::mt19937 rng(20261201);  // fixed, so every run and build walks the same ring
    std::shuffle(order.begin() + 1, order.end(), rng);
    std::vector<std::uint32_t> next(kChaseSlots);
    for (std::size_t i = 0; i < kChaseSlots; ++i) next[order[i]] = order[(i + 1) % kChaseSlots];
    return next;
  }();
  return ring;
}

void control_memory(benchmark::State& state) {
  const std::vector<std::uint32_t>& next = chase_ring();
  std::uint32_t at = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1024; ++i) at = next[at];
    benchmark::DoNotOptimize(at);
  }
}

// One-byte round trips through a pipe: system calls and the kernel's scheduling paths.
void control_syscall(benchmark::State& state) {
  int fds[2];
  if (::pipe(fds) != 0) {
    state.SkipWithError("pipe() failed");
    return;
  }
  char byte = 'x';
  for (auto _ : state) {
    for (int i = 0; i < 64; ++i) {
      if (::write(fds[1], &byte, 1) != 1 || ::read(fds[0], &byte, 1) != 1) {
        state.SkipWithError("pipe write/read failed");
        break;
      }
    }
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace

void register_control_benchmarks() {
  chase_ring();  // built once, outside any measurement
  for (auto [name, fn] : {std::pair{"control/cpu", &control_cpu}, std::pair{"control/memory", &control_memory},
                          std::pair{"control/syscall", &control_syscall}}) {
    // No per-benchmark MinTime or Repetitions: Google Benchmark would add them to the name.
    benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace perfval::bench
