// Pure schedule functions behind the executors, unit-tested without any I/O.
#include "perfval/loadgen/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <charconv>

#include "perfval/common/error.hpp"

namespace perfval::loadgen {

Share Share::make(int segment_index, int segment_count, int thread_index, int thread_count) {
  Share s;
  s.offset = segment_index + static_cast<std::int64_t>(segment_count) * thread_index;
  s.stride = static_cast<std::int64_t>(segment_count) * thread_count;
  return s;
}

std::int64_t Share::count_below(std::int64_t n) const {
  if (n <= offset) return 0;
  return (n - offset - 1) / stride + 1;
}

Segment parse_segment(std::string_view text) {
  const auto slash = text.find('/');
  Segment s;
  const auto bad = [&](const std::string& why) {
    return Error("--segment \"" + std::string(text) + "\": " + why + " (expected i/N with 0 <= i < N, e.g. 2/4)");
  };
  if (slash == std::string_view::npos) throw bad("missing \"/\"");
  const auto a = text.substr(0, slash), b = text.substr(slash + 1);
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), s.index);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), s.count);
  if (a.empty() || b.empty() || r1.ec != std::errc() || r1.ptr != a.data() + a.size() || r2.ec != std::errc() ||
      r2.ptr != b.data() + b.size()) {
    throw bad("not two whole numbers");
  }
  if (s.count < 1) throw bad("N must be at least 1");
  if (s.index < 0 || s.index >= s.count) throw bad("i out of range");
  return s;
}

namespace {
double seconds(Nanos d) { return static_cast<double>(d.count()) / 1e9; }
}  // namespace

double vus_at(const ExecutorConfig& config, Nanos t) {
  switch (config.kind) {
    case ExecutorKind::ramping_vus: {
      double from = static_cast<double>(config.start_vus);
      double at = seconds(t);
      for (const auto& stage : config.stages) {
        const double len = seconds(stage.duration);
        if (at < len) return len <= 0 ? stage.target : from + (stage.target - from) * (at / len);
        at -= len;
        from = stage.target;
      }
      return from;
    }
    case ExecutorKind::constant_arrival_rate:
    case ExecutorKind::ramping_arrival_rate:
      return static_cast<double>(config.pre_allocated_vus);
    default:
      return static_cast<double>(config.vus);
  }
}

std::int64_t active_vus_at(const ExecutorConfig& config, Nanos t) {
  return static_cast<std::int64_t>(std::floor(vus_at(config, t) + 1e-9));
}

std::int64_t max_vus(const ExecutorConfig& config) {
  switch (config.kind) {
    case ExecutorKind::ramping_vus: {
      double m = static_cast<double>(config.start_vus);
      for (const auto& s : config.stages) m = std::max(m, s.target);
      return static_cast<std::int64_t>(std::floor(m + 1e-9));
    }
    case ExecutorKind::constant_arrival_rate:
    case ExecutorKind::ramping_arrival_rate:
      return std::max(config.max_vus, config.pre_allocated_vus);
    default:
      return config.vus;
  }
}

ArrivalSchedule::ArrivalSchedule(const ExecutorConfig& config) {
  const double unit = seconds(config.time_unit);
  double start = 0, a = 0;
  const auto add = [&](double length, double r0, double r1) {
    if (length <= 0) return;
    pieces_.push_back({start, length, r0, r1, a});
    a += (r0 + r1) / 2 * length;
    start += length;
  };
  if (config.kind == ExecutorKind::constant_arrival_rate) {
    const double r = config.rate / unit;
    add(seconds(config.duration), r, r);
  } else if (config.kind == ExecutorKind::ramping_arrival_rate) {
    double from = config.start_rate / unit;
    for (const auto& stage : config.stages) {
      const double to = stage.target / unit;
      add(seconds(stage.duration), from, to);
      from = to;
    }
  }
  // Iteration k is due when the cumulative count reaches k, so k < A(end) are due within the duration.
  total_ = a > 0 ? static_cast<std::int64_t>(std::ceil(a - 1e-9)) : 0;
}

std::optional<Nanos> ArrivalSchedule::time_of(std::int64_t k) const {
  if (k < 0 || k >= total_) return std::nullopt;
  const double target = static_cast<double>(k);
  // The last piece whose cumulative start is <= k holds the instant (pieces with zero rate are skipped over).
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), target,
                             [](double v, const Piece& p) { return v < p.a0; });
  if (it == pieces_.begin()) return Nanos{0};
  const Piece* p = &*(it - 1);
  // Skip back over pieces that add nothing (rate 0 throughout) only if k lies at their start exactly.
  const double need = target - p->a0;
  const double c = (p->r1 - p->r0) / (2 * p->length);
  double s;
  if (need <= 0) {
    s = 0;
  } else if (std::fabs(c) < 1e-12) {
    s = p->r0 > 0 ? need / p->r0 : 0;
  } else {
    const double disc = std::max(0.0, p->r0 * p->r0 + 4 * c * need);
    s = 2 * need / (p->r0 + std::sqrt(disc));
  }
  s = std::clamp(s, 0.0, p->length);
  return Nanos{static_cast<std::int64_t>(std::llround((p->start + s) * 1e9))};
}

double ArrivalSchedule::rate_at(Nanos t) const {
  const double at = seconds(t);
  for (const auto& p : pieces_) {
    if (at < p.start + p.length) return p.r0 + (p.r1 - p.r0) * ((at - p.start) / p.length);
  }
  return 0;
}

}  // namespace perfval::loadgen
