// plan_steps: where the plateaus of a ramping scenario lie in the run, and the fixed windows of a continuous ramp.
#include "perfval/loadgen/steps.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/loadgen/schedule.hpp"

namespace perfval::loadgen {

namespace {
constexpr double kMaxWarmup = 10;      // seconds left out at most at the start of a plateau
constexpr double kWarmupShare = 0.25;  // ... and never more than this share of it
constexpr int kFixedWindows = 10;      // a continuous ramp is cut into this many windows
constexpr double kMinFixedWindow = 5;  // seconds: ... each at least this long

double seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }

bool ramping(const Scenario& s) {
  return s.executor.kind == ExecutorKind::ramping_vus || s.executor.kind == ExecutorKind::ramping_arrival_rate;
}

// Iterations per second for an arrival-rate level given per time_unit.
double per_second(const ExecutorConfig& e, double level) {
  const double unit = seconds(e.time_unit);
  return unit > 0 ? level / unit : level;
}

// Second n covers (n-1, n]: the whole seconds inside [from, to] of run time.
std::optional<TimeWindow> whole_seconds(double from, double to, int index) {
  TimeWindow w;
  w.name = "step " + std::to_string(index);
  w.first = static_cast<int>(std::ceil(from - 1e-9)) + 1;
  w.last = static_cast<int>(std::floor(to + 1e-9));
  if (w.last < w.first) return std::nullopt;
  return w;
}

std::vector<PlannedStep> plateaus(const ExecutorConfig& e, double offset, double& warmup_max) {
  std::vector<PlannedStep> out;
  const bool open = e.kind == ExecutorKind::ramping_arrival_rate;
  double level = open ? e.start_rate : static_cast<double>(e.start_vus);
  double t = offset;
  for (std::size_t i = 0; i < e.stages.size(); ++i) {
    const Stage& st = e.stages[i];
    const double length = seconds(st.duration);
    if (length > 0 && st.target == level && st.target > 0) {
      const double warmup = std::min(kMaxWarmup, kWarmupShare * length);
      if (auto w = whole_seconds(t + warmup, t + length, static_cast<int>(out.size()) + 1)) {
        warmup_max = std::max(warmup_max, warmup);
        out.push_back({*w, static_cast<int>(i) + 1, t, t + length, open ? per_second(e, level) : level});
      }
    }
    level = st.target;
    t += length;
  }
  return out;
}

// A ramp without plateaus: equal windows, each judged at the level planned for its middle.
std::vector<PlannedStep> fixed_windows(const Scenario& s, double offset) {
  const ExecutorConfig& e = s.executor;
  double total = 0;
  for (const auto& st : e.stages) total += seconds(st.duration);
  const double length = std::max(kMinFixedWindow, total / kFixedWindows);
  std::vector<PlannedStep> out;
  const bool open = e.kind == ExecutorKind::ramping_arrival_rate;
  const std::optional<ArrivalSchedule> arrivals = open ? std::optional<ArrivalSchedule>(e) : std::nullopt;
  for (double a = 0; a + length <= total + 1e-9; a += length) {
    const auto w = whole_seconds(offset + a, offset + a + length, static_cast<int>(out.size()) + 1);
    if (!w) continue;
    const Nanos mid = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(a + length / 2));
    const double level = open ? arrivals->rate_at(mid) : vus_at(e, mid);
    if (level <= 0) continue;
    out.push_back({*w, 0, offset + a, offset + a + length, level});
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].window.name = "step " + std::to_string(i + 1);
  return out;
}
}  // namespace

std::optional<StepPlan> plan_steps(const std::vector<Scenario>& scenarios) {
  const Scenario* found = nullptr;
  for (const auto& s : scenarios) {
    if (!ramping(s)) continue;
    if (found != nullptr) return std::nullopt;  // two ramps at once: no step belongs to one level
    found = &s;
  }
  if (found == nullptr || found->executor.stages.empty()) return std::nullopt;
  StepPlan plan;
  plan.scenario = found->name;
  plan.arrival_rate = found->executor.kind == ExecutorKind::ramping_arrival_rate;
  const double offset = seconds(found->executor.start_time);
  plan.steps = plateaus(found->executor, offset, plan.warmup_s);
  if (plan.steps.empty()) {
    plan.fixed_windows = true;
    plan.warmup_s = 0;
    plan.steps = fixed_windows(*found, offset);
  }
  if (plan.steps.empty()) return std::nullopt;
  return plan;
}

}  // namespace perfval::loadgen
