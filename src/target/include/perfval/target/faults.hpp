// Fault injection for the embedded target: added latency, HTTP 500s at a rate, and periodic stalls.
#pragma once

#include <cstdint>
#include <random>

#include "perfval/target/options.hpp"

namespace perfval::target {

// How long a response that is ready `since_start` after server start must be held so that it leaves when the
// stall window it falls into ends; 0 outside windows. Windows are [k*period, k*period + length).
Nanos stall_hold(const StallSpec& stall, Nanos since_start);

struct FaultDecision {
  bool error = false;  // answer with HTTP 500 instead of the real response
  Nanos delay{0};      // hold the response this long before sending (latency plus any stall)
};

class Faults {
 public:
  Faults(LatencySpec latency, double error_rate, StallSpec stall, std::uint64_t seed);

  bool active() const;  // any fault configured
  // One decision per response. Draws from a random generator private to the calling thread (no shared state),
  // seeded from the seed and the order in which threads first call it.
  FaultDecision decide(Nanos since_start) const;

 private:
  std::mt19937_64& thread_rng() const;

  LatencySpec latency_;  // added latency distribution
  double error_rate_;    // fraction of responses replaced by HTTP 500, in [0, 1]
  StallSpec stall_;      // periodic freezes
  std::uint64_t seed_;   // base seed for the per-thread generators
  std::uint64_t instance_;  // distinguishes Faults objects so a thread reseeds when it serves a new one
};

}  // namespace perfval::target
