// Options of the embedded SLURM-exporter-like target: cluster size and fault injection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace perfval::target {

using Nanos = std::chrono::nanoseconds;

// Added response latency. Spelling (docs/serve.md):
//   "50ms" or "fixed:50ms"            every response delayed 50 ms
//   "uniform:10ms-50ms"               uniform between the two
//   "normal:50ms/10ms"                normal with mean/stddev, clamped at 0
//   "exponential:20ms"                exponential with that mean
//   "lognormal:20ms/200ms"            log-normal with that median and p99
struct LatencySpec {
  enum class Kind { none, fixed, uniform, normal, exponential, lognormal };
  Kind kind = Kind::none;
  Nanos a{0};        // fixed value, lower bound, mean, or median (by kind)
  Nanos b{0};        // upper bound, stddev, or p99 (by kind); unused otherwise
  std::string text;  // as the user wrote it, for echoing back

  Nanos sample(std::mt19937_64& rng) const;  // one delay drawn from the distribution
};

// All responses frozen for `length` at the start of every `period` ("500ms/5s"), counted from server start.
struct StallSpec {
  Nanos length{0};  // how long each stall lasts
  Nanos period{0};  // how often a stall starts; 0 disables stalls
  std::string text;
};

struct ServeOptions {
  std::string host = "127.0.0.1";  // --listen host part
  std::uint16_t port = 8080;       // --listen port part; 0 picks a free port
  int nodes = 100;                 // simulated cluster size (body of /metrics grows with it)
  int threads = 0;                 // I/O threads; 0 = one per core
  LatencySpec latency;             // --latency
  double error_rate = 0.0;         // --error-rate: fraction of responses answered with HTTP 500, in [0, 1]
  StallSpec stall;                 // --stall
  std::uint64_t seed = 42;         // random seed for simulated values and faults
};

// nullopt on malformed text; callers add file/field context to the error.
std::optional<LatencySpec> parse_latency_spec(std::string_view text);
std::optional<StallSpec> parse_stall_spec(std::string_view text);

}  // namespace perfval::target
