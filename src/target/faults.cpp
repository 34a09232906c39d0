// Fault decisions: per-thread random generators so the hot path shares nothing between I/O threads.
#include "perfval/target/faults.hpp"

#include <atomic>

namespace perfval::target {
namespace {

std::atomic<std::uint64_t> next_instance{1};
std::atomic<std::uint64_t> next_thread_index{0};

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct ThreadRng {
  std::uint64_t instance = 0;  // the Faults object this generator was seeded for
  std::uint64_t thread_index = next_thread_index.fetch_add(1);
  std::mt19937_64 rng;
};

}  // namespace

Nanos stall_hold(const StallSpec& stall, Nanos since_start) {
  if (stall.period.count() <= 0 || stall.length.count() <= 0) return Nanos{0};
  if (since_start.count() < 0) since_start = Nanos{0};
  const Nanos phase = since_start % stall.period;
  return phase < stall.length ? stall.length - phase : Nanos{0};
}

Faults::Faults(LatencySpec latency, double error_rate, StallSpec stall, std::uint64_t seed)
    : latency_(std::move(latency)),
      error_rate_(error_rate),
      stall_(std::move(stall)),
      seed_(seed),
      instance_(next_instance.fetch_add(1)) {}

bool Faults::active() const {
  return latency_.kind != LatencySpec::Kind::none || error_rate_ > 0.0 || stall_.period.count() > 0;
}

std::mt19937_64& Faults::thread_rng() const {
  thread_local ThreadRng state;
  if (state.instance != instance_) {
    state.instance = instance_;
    state.rng.seed(splitmix64(seed_ ^ splitmix64(state.thread_index + 1)));
  }
  return state.rng;
}

FaultDecision Faults::decide(Nanos since_start) const {
  FaultDecision d;
  if (!active()) return d;
  std::mt19937_64& rng = thread_rng();
  if (error_rate_ > 0.0) {
    d.error = error_rate_ >= 1.0 || std::uniform_real_distribution<double>(0.0, 1.0)(rng) < error_rate_;
  }
  if (latency_.kind != LatencySpec::Kind::none) d.delay = latency_.sample(rng);
  // The response is ready after the latency; if that moment falls in a stall it waits for the window to end.
  d.delay += stall_hold(stall_, since_start + d.delay);
  return d;
}

}  // namespace perfval::target
