// Executor schedules as pure functions: VUs over time, arrival instants, and each worker's exact share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perfval/loadgen/scenario.hpp"

namespace perfval::loadgen {

// The slice of the work one worker owns. Work items (VUs, iterations, arrivals) are numbered 0, 1, 2, ...;
// process segment i of N (`--segment i/N`) owns items with k % N == i, and worker thread t of T inside it
// owns those with (k / N) % T == t. Shares of adjacent slots always add up to the whole, exactly.
struct Share {
  std::int64_t offset = 0;  // first owned item
  std::int64_t stride = 1;  // distance between owned items

  static Share make(int segment_index, int segment_count, int thread_index, int thread_count);
  bool owns(std::int64_t k) const { return k >= offset && (k - offset) % stride == 0; }
  std::int64_t count_below(std::int64_t n) const;  // owned items in [0, n)
  std::int64_t item(std::int64_t m) const { return offset + m * stride; }  // the m-th owned item
};

// `--segment i/N`; throws perfval::Error for malformed or out-of-range text.
struct Segment {
  int index = 0;  // 0-based
  int count = 1;  // N >= 1
  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }
};
Segment parse_segment(std::string_view text);

// VUs wanted at time t (since the scenario's start) by a VU-based executor, before rounding:
// constant-vus -> vus; ramping-vus -> linear between startVUs and each stage target; iteration executors -> vus.
double vus_at(const ExecutorConfig& config, Nanos t);
// Whole VUs active at t: floor(vus_at) (k6 starts VU n once the ramp reaches n).
std::int64_t active_vus_at(const ExecutorConfig& config, Nanos t);
// Largest number of VUs the executor ever uses (for preallocation and the vus_max metric).
std::int64_t max_vus(const ExecutorConfig& config);

// Arrival instants of an arrival-rate executor: iteration k is due at time_of(k) after the scenario's start.
class ArrivalSchedule {
 public:
  explicit ArrivalSchedule(const ExecutorConfig& config);
  std::int64_t total() const { return total_; }             // iterations due within the executor's duration
  std::optional<Nanos> time_of(std::int64_t k) const;       // nullopt when k >= total()
  double rate_at(Nanos t) const;                            // iterations per second at t

 private:
  struct Piece {
    double start;      // seconds since scenario start
    double length;     // seconds
    double r0, r1;     // iterations per second at start and end (linear in between)
    double a0;         // iterations due before `start`
  };
  std::vector<Piece> pieces_;
  std::int64_t total_ = 0;
};

}  // namespace perfval::loadgen
