// Command-line overrides of a loaded plan (--target, --vus, --duration, --rate, --scenario) and plan durations.
#include <algorithm>
#include <cmath>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/http/url.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen {

namespace {

double peak_target(const std::vector<Stage>& stages, double start) {
  double peak = start;
  for (const auto& s : stages) peak = std::max(peak, s.target);
  return peak;
}

// Multiplies stage targets (and the start value) so the largest becomes `peak`.
void scale_targets(std::vector<Stage>& stages, double& start, double peak, bool whole) {
  const double old_peak = peak_target(stages, start);
  const double factor = peak / old_peak;
  const auto scaled = [&](double v) { return whole ? std::round(v * factor) : v * factor; };
  start = scaled(start);
  for (auto& s : stages) s.target = scaled(s.target);
}

void override_vus(Scenario& s, std::int64_t vus) {
  ExecutorConfig& e = s.executor;
  switch (e.kind) {
    case ExecutorKind::ramping_vus: {
      double start = static_cast<double>(e.start_vus);
      scale_targets(e.stages, start, static_cast<double>(vus), true);
      e.start_vus = static_cast<std::int64_t>(start);
      break;
    }
    case ExecutorKind::constant_arrival_rate:
    case ExecutorKind::ramping_arrival_rate:
      e.pre_allocated_vus = vus;
      e.max_vus = std::max(e.max_vus, vus);
      break;
    case ExecutorKind::shared_iterations:
      if (e.iterations < vus) {
        throw Error("--vus: scenario \"" + s.name + "\" (shared-iterations) has only " +
                    std::to_string(e.iterations) + " iterations to share; --vus must not exceed that");
      }
      e.vus = vus;
      break;
    default:
      e.vus = vus;
      break;
  }
}

// Stretches or shrinks the stages proportionally so they add up to `total`.
void rescale_stages(Scenario& s, Nanos total) {
  auto& stages = s.executor.stages;
  Nanos old_total{0};
  for (const auto& st : stages) old_total += st.duration;
  const long double factor = static_cast<long double>(total.count()) / static_cast<long double>(old_total.count());
  Nanos used{0};
  for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
    const auto ns = std::llround(static_cast<long double>(stages[i].duration.count()) * factor);
    stages[i].duration = Nanos{std::max<long long>(1, ns)};
    used += stages[i].duration;
  }
  if (total - used <= Nanos{0}) {
    throw Error("--duration: " + format_duration(total) + " is too short for the " +
                std::to_string(stages.size()) + " stages of scenario \"" + s.name + "\"");
  }
  stages.back().duration = total - used;  // absorbs rounding so the sum is exact
}

void override_duration(Scenario& s, Nanos d) {
  switch (s.executor.kind) {
    case ExecutorKind::constant_vus:
    case ExecutorKind::constant_arrival_rate:
      s.executor.duration = d;
      break;
    case ExecutorKind::ramping_vus:
    case ExecutorKind::ramping_arrival_rate:
      rescale_stages(s, d);
      break;
    case ExecutorKind::per_vu_iterations:
    case ExecutorKind::shared_iterations:
      s.executor.max_duration = d;
      break;
  }
}

void override_rate(Scenario& s, double rate) {
  ExecutorConfig& e = s.executor;
  if (e.kind == ExecutorKind::constant_arrival_rate) {
    e.rate = rate;
  } else if (e.kind == ExecutorKind::ramping_arrival_rate) {
    scale_targets(e.stages, e.start_rate, rate, false);
  } else {
    throw Error("--rate: scenario \"" + s.name + "\" uses " + to_string(e.kind) +
                ", a closed-model (VU) executor; --rate applies only to constant-arrival-rate and "
                "ramping-arrival-rate (use --vus instead)");
  }
}

// A threshold filtered on a scenario or request that is no longer in the plan could only fail for lack of data.
bool still_applies(const Threshold& t, const std::vector<Scenario>& scenarios) {
  for (const auto& [tag, value] : t.selector.tags) {
    bool found = false;
    for (const auto& s : scenarios) {
      if (tag == "scenario") found = found || s.name == value;
      for (const auto& r : s.requests) found = found || (tag == "name" && r.name == value);
    }
    if ((tag == "scenario" || tag == "name") && !found) return false;
  }
  return true;
}

void keep_only(TestPlan& plan, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : plan.scenarios) names.push_back(s.name);
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw Error("--scenario: " + plan.file + " has no scenario \"" + name + "\"" + did_you_mean_suffix(name, names) +
                "; its scenarios are " + detail::join(names));
  }
  Scenario kept = plan.scenarios[static_cast<std::size_t>(it - names.begin())];
  kept.executor.start_time = Nanos{0};  // run alone, it starts right away
  plan.scenarios = {std::move(kept)};
  std::erase_if(plan.thresholds, [&](const Threshold& t) { return !still_applies(t, plan.scenarios); });
}

}  // namespace

void apply_overrides(TestPlan& plan, const Overrides& o) {
  if (o.scenario) keep_only(plan, *o.scenario);
  if (o.target) {
    std::string why;
    const auto url = http::parse_url(*o.target, &why);
    if (!url) throw Error("--target: invalid URL \"" + *o.target + "\": " + why);
    if (url->target.find('?') != std::string::npos) throw Error("--target: a base URL cannot have a query");
    std::string base = *o.target;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    for (auto& s : plan.scenarios) {
      s.base_url = base;
      s.base_url_as_written = base;
      s.embedded.reset();
      s.unix_socket.clear();  // another server: the file's Unix socket belongs to the old one
      s.unix_socket_as_written.clear();
    }
  }
  if (o.vus) {
    if (*o.vus < 1) throw Error("--vus: must be at least 1, got " + std::to_string(*o.vus));
    for (auto& s : plan.scenarios) override_vus(s, *o.vus);
  }
  if (o.duration) {
    if (o.duration->count() <= 0) throw Error("--duration: must be greater than zero");
    for (auto& s : plan.scenarios) override_duration(s, *o.duration);
  }
  if (o.rate) {
    if (!(*o.rate > 0) || !std::isfinite(*o.rate)) throw Error("--rate: must be greater than zero");
    for (auto& s : plan.scenarios) override_rate(s, *o.rate);
  }
}

Nanos planned_duration(const Scenario& scenario) {
  const ExecutorConfig& e = scenario.executor;
  switch (e.kind) {
    case ExecutorKind::constant_vus:
    case ExecutorKind::constant_arrival_rate:
      return e.duration;
    case ExecutorKind::ramping_vus:
    case ExecutorKind::ramping_arrival_rate: {
      Nanos total{0};
      for (const auto& st : e.stages) total += st.duration;
      return total;
    }
    case ExecutorKind::per_vu_iterations:
    case ExecutorKind::shared_iterations:
      return e.max_duration;
  }
  return Nanos{0};
}

Nanos max_total_duration(const TestPlan& plan) {
  Nanos longest{0};
  for (const auto& s : plan.scenarios) {
    longest = std::max(longest, s.executor.start_time + planned_duration(s) + s.executor.graceful_stop);
  }
  return longest;
}

}  // namespace perfval::loadgen
