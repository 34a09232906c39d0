// evaluate_steps: each step's figures from its window histograms, the run's thresholds judged on each step alone,
// the capacity within the SLA (last step that held before the first that broke) and the knee.
#include <algorithm>
#include <cmath>

#include "perfval/common/format.hpp"
#include "perfval/loadgen/knee.hpp"
#include "perfval/loadgen/steps.hpp"
#include "perfval/loadgen/summary.hpp"

namespace perfval::loadgen {

namespace {
// A threshold about the whole run, not about a level: counts add up over the run, vus_max is the run's peak
// and GC pauses are read as the run's recent pauses.
bool judged_per_step(const Threshold& t) {
  return t.expr.aggregation != "count" && t.selector.metric != "vus_max" && t.selector.metric != "target_gc_pause";
}

// Aggregates of duration metrics are in ms; the others are rates, counts, bytes or cores as they are.
std::string format_value(const std::string& metric, double v) {
  if (metric.find("duration") != std::string::npos) {
    return v >= 1000 ? format_double("%.3gs", v / 1000) : format_double("%.3gms", v);
  }
  return format_double(threshold_unit(metric) == ThresholdUnit::size ? "%.4g B" : "%.4g", v);
}

const char* negated(ThresholdExpr::Op op) {
  switch (op) {
    case ThresholdExpr::Op::lt: return ">=";
    case ThresholdExpr::Op::le: return ">";
    case ThresholdExpr::Op::gt: return "<=";
    case ThresholdExpr::Op::ge: return "<";
    case ThresholdExpr::Op::eq: return "!=";
    case ThresholdExpr::Op::ne: return "==";
  }
  return "!";
}

// The limit as written: what follows the operator in "p(95) < 5s".
std::string limit_text(const std::string& source) {
  auto i = source.find_first_of("<>=!");
  if (i == std::string::npos) return source;
  while (i < source.size() && (source[i] == '<' || source[i] == '>' || source[i] == '=' || source[i] == '!' || source[i] == ' ')) ++i;
  return source.substr(i);
}

// The seconds of the series inside a window (second n is the point whose end t lies in (n-1, n]).
std::vector<IntervalSample> seconds_in(const std::vector<IntervalSample>& series, const TimeWindow& w) {
  std::vector<IntervalSample> out;
  for (const auto& p : series) {
    const int n = static_cast<int>(std::ceil(p.t - 1e-9));
    if (n >= w.first && n <= w.last) out.push_back(p);
  }
  return out;
}

// The target's memory and CPU readings that fell in the step (GC pauses are not judged per step).
ResourceSummary resources_in(const ResourceSummary& run, const std::vector<IntervalSample>& seconds) {
  ResourceSummary r;
  r.source = run.source;
  for (const auto& p : seconds) {
    if (p.memory_bytes) r.memory.add(*p.memory_bytes);
    if (p.cpu_cores) r.cpu.add(*p.cpu_cores);
  }
  if (!r.cpu.empty()) r.cpu_cores_avg = r.cpu.avg();
  return r;
}

const WindowStats* window_named(const RunSummary& s, const std::string& name) {
  for (const auto& w : s.windows) {
    if (w.window.name == name) return &w;
  }
  return nullptr;
}

StepResult measure(const RunSummary& s, const StepPlan& plan, const PlannedStep& p) {
  StepResult r;
  r.stage = p.stage;
  r.start_s = p.window.first - 1;
  r.end_s = p.window.last;
  r.complete = !s.aborted || s.duration + 1e-6 >= p.end_s;
  const std::vector<IntervalSample> secs = seconds_in(s.timeseries, p.window);
  double elapsed = 0, vus_sum = 0;
  for (const auto& x : secs) {
    elapsed += x.length;
    vus_sum += static_cast<double>(x.vus);
  }
  if (!secs.empty()) r.end_s = std::min(r.end_s, secs.back().t);
  r.vus = plan.arrival_rate ? (secs.empty() ? 0 : vus_sum / static_cast<double>(secs.size())) : p.level;
  if (plan.arrival_rate) r.rate = p.level;
  const WindowStats* w = window_named(s, p.window.name);
  if (w == nullptr || elapsed <= 0) return r;
  const RequestStats total = w->stats.total();
  r.requests = total.requests;
  r.dropped = w->stats.dropped_iterations;
  r.rps = static_cast<double>(total.requests) / elapsed;
  r.error_rate = total.requests > 0 ? static_cast<double>(total.failed) / static_cast<double>(total.requests) : 0;
  if (!total.duration.empty()) {
    r.p50_ms = static_cast<double>(total.duration.value_at_percentile(50)) / 1000.0;
    r.p95_ms = static_cast<double>(total.duration.value_at_percentile(95)) / 1000.0;
    r.p99_ms = static_cast<double>(total.duration.value_at_percentile(99)) / 1000.0;
  }
  const ResourceSummary res = resources_in(s.resources, secs);
  const std::int64_t vus_now = secs.empty() ? 0 : secs.back().vus;
  const RunView view{w->stats, s.catalog, elapsed, secs, Gauges{vus_now, s.vus_max, 0}, res};
  for (const auto& t : s.threshold_specs) {
    if (!judged_per_step(t)) continue;
    const auto v = aggregate(view, t.selector, t.expr);
    if (v && t.expr.passes(*v)) continue;
    r.failed_thresholds.push_back({t.selector.key, t.expr.source, v, describe_failure(t, v)});
  }
  return r;
}

std::string why_broken(const RunSummary& s, const StepResult& r) {
  std::string why;
  for (const auto& f : r.failed_thresholds) why += (why.empty() ? "" : "; ") + f.text;
  if (!r.complete) why += (why.empty() ? "" : "; ") + ("the run stopped before the step ended: " + s.abort_reason);
  if (why.empty() && r.requests == 0) why = "no request finished in the step";
  return why;
}

CapacityFound answer(const RunSummary& s, const StepPlan& plan) {
  CapacityFound c;
  c.basis = plan.fixed_windows ? "fixed windows" : "plateaus";
  const auto& steps = s.steps;
  const auto bad = std::find_if(steps.begin(), steps.end(), [](const StepResult& r) { return !r.sla_ok; });
  const auto k = static_cast<int>(bad - steps.begin());  // 0-based first broken step (or steps.size())
  if (k > 0) {
    const StepResult& ok = steps[static_cast<std::size_t>(k - 1)];
    c.step = k;
    c.vus = ok.vus;
    c.rate = ok.rate;
    c.rps = ok.rps;
  }
  if (bad == steps.end()) {
    c.status = steps.empty() ? "not determined" : "not reached";
    if (steps.empty()) c.reason = "no step was measured" + (s.aborted ? ": " + s.abort_reason : std::string());
    return c;
  }
  c.broke_step = k + 1;
  c.broke_reason = why_broken(s, *bad);
  const bool only_interrupted = s.interrupted && bad->failed_thresholds.empty();
  if (only_interrupted) {
    c.status = "not determined";
    c.reason = s.abort_reason + " during step " + std::to_string(k + 1) + " (" + level_text(*bad) + ")" +
               (k > 0 ? ": at least " + level_text(steps[static_cast<std::size_t>(k - 1)]) + " within the SLA" : "");
  } else if (k == 0) {
    c.status = "not determined";
    c.reason = bad->requests == 0 ? "the run stopped before the first step was measured: " + s.abort_reason
                                  : "the first step (" + level_text(*bad) + ") already broke the SLA: " + c.broke_reason;
  } else {
    c.status = "found";
  }
  return c;
}

}  // namespace

Knee knee_of(const std::vector<StepResult>& steps) {
  Knee knee;
  knee.status = "not reached";
  const auto level = [](const StepResult& r) { return r.rate ? *r.rate : r.vus; };
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
    const StepResult& a = steps[i];
    const StepResult& b = steps[i + 1];
    if (level(b) <= level(a) || a.requests == 0 || b.requests == 0 || a.rps <= 0 || a.p95_ms <= 0) break;
    const double load = level(b) / level(a) - 1, rps = b.rps / a.rps - 1, p95 = b.p95_ms / a.p95_ms - 1;
    if (rps < load / 2 && p95 > 0.2) {
      knee.status = "found";
      knee.step = static_cast<int>(i) + 1;
      knee.vus = a.vus;
      knee.rate = a.rate;
      knee.rps = a.rps;
      knee.reason = "from " + level_text(a) + " to " + level_text(b) + format_double(" (%+.0f %%)", load * 100) +
                    (rps < 0 ? format_double(" throughput fell %.0f %%", -rps * 100) : format_double(" throughput grew %.0f %%", rps * 100)) + format_double(" while p95 rose %.0f %%", p95 * 100);
      return knee;
    }
  }
  return knee;
}

std::string level_text(const StepResult& r) {
  if (r.rate) return format_double("%.4g it/s", *r.rate);
  return format_double(r.vus == 1 ? "%.0f VU" : "%.0f VUs", r.vus);
}

std::string describe_failure(const Threshold& t, std::optional<double> observed) {
  const std::string& metric = t.selector.metric;
  std::string prefix = t.selector.key == "http_req_duration" ? "" : t.selector.key + " ";
  if (!observed) return prefix + t.expr.aggregation + ": no data";
  return prefix + t.expr.aggregation + "=" + format_value(metric, *observed) + " " + negated(t.expr.op) + " " +
         limit_text(t.expr.source);
}

void evaluate_steps(RunSummary& summary, const StepPlan& plan) {
  summary.steps.clear();
  for (const auto& p : plan.steps) {
    StepResult r = measure(summary, plan, p);
    r.sla_ok = r.requests > 0 && r.complete && r.failed_thresholds.empty();
    summary.steps.push_back(std::move(r));
    if (!summary.steps.back().complete) break;  // later steps never ran: this one says why
  }
  summary.capacity_found = answer(summary, plan);
  summary.knee = knee_of(summary.steps);
}

}  // namespace perfval::loadgen
