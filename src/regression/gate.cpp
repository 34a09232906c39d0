// evaluate(): plans one row per baseline entry, monitored load-test metric and benchmark, then judges each.
#include "perfval/regression/gate.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "judge.hpp"
#include "perfval/regression/format.hpp"
#include "resolve.hpp"

namespace perfval::regression {

namespace {

struct Monitored {
  const char* label;   // row name
  const char* metric;  // summary metric or resource field
  const char* field;   // summary field ("" for a resource)
  const char* unit;    // unit the row is shown in
  Direction direction;
};

// Always monitored for every scenario of a summary (issue 4: p95/p99, errors, throughput, memory, CPU, pause).
const std::array<Monitored, 7> monitored{{
    {"response time p95", "http_req_duration", "p(95)", "ms", Direction::lower_is_better},
    {"response time p99", "http_req_duration", "p(99)", "ms", Direction::lower_is_better},
    {"error rate", "http_req_failed", "rate", "%", Direction::lower_is_better},
    {"throughput", "http_reqs", "rate", "rps", Direction::higher_is_better},
    {"memory", "memory_bytes", "", "bytes", Direction::lower_is_better},
    {"CPU", "cpu_cores", "", "cores", Direction::lower_is_better},
    // perfval run writes the target's longest reported GC pause (Go exporters report quantiles up to the max).
    {"GC pause max", "gc_pause_max_ms", "", "ms", Direction::lower_is_better},
}};

struct RowPlan {
  MetricResult row;     // name, metric, key, unit, direction, baseline and SLA filled in
  std::string missing;  // why the current run has no value (when the key could not be resolved)
};

std::string monitored_key(const Monitored& m, const std::string& scenario) {
  return *m.field ? "summary:" + scenario + ":" + m.metric + ":" + m.field : "resource:" + scenario + ":" + m.metric;
}

void plan_baseline_rows(const BaselineFile& b, const RunResults& cur, const std::optional<RunResults>& prev,
                        std::vector<RowPlan>& plans) {
  for (const auto& e : b.entries) {
    RowPlan p;
    p.row.name = e.name;
    p.row.metric = e.metric;
    p.row.unit = e.unit;
    p.row.direction = e.direction;
    p.row.baseline = e.baseline;
    p.row.tolerance_pct = e.tolerance_pct;
    const auto r = detail::resolve_source(e, cur);
    p.row.key = r.key;
    if (r.key.empty()) {
      p.missing = r.error + " (baseline " + e.where.to_string() + ")";
      if (prev) p.row.key = detail::resolve_source(e, *prev).key;  // still show the previous value
    }
    plans.push_back(std::move(p));
  }
}

void plan_monitored_rows(const RunResults& cur, const std::optional<RunResults>& prev, std::set<std::string>& claimed,
                         std::vector<RowPlan>& plans) {
  std::vector<std::string> scenarios = cur.scenarios;
  if (prev)
    for (const auto& s : prev->scenarios)
      if (std::find(scenarios.begin(), scenarios.end(), s) == scenarios.end()) scenarios.push_back(s);
  for (const auto& s : scenarios) {
    for (const auto& m : monitored) {
      const std::string key = monitored_key(m, s);
      if (!claimed.insert(key).second) continue;
      RowPlan p;
      p.row.name = scenarios.size() > 1 ? s + ": " + m.label : m.label;
      p.row.metric = *m.field ? std::string(m.metric) + " " + m.field : "resources." + std::string(m.metric);
      p.row.key = key;
      p.row.unit = m.unit;
      p.row.direction = m.direction;
      if (!cur.find(key)) p.missing = "the summary of " + cur.label + " has no " + p.row.metric;
      if (std::find(cur.scenarios.begin(), cur.scenarios.end(), s) == cur.scenarios.end())
        p.missing = "scenario " + s + " is in the previous run but not in " + cur.label;
      plans.push_back(std::move(p));
    }
  }
}

void plan_benchmark_row(const RunResults& cur, const RunResults& prev, const std::string& n, const std::string& field,
                        std::set<std::string>& claimed, std::vector<RowPlan>& plans) {
  const std::string key = "bench:" + n + ":" + field;
  if (!claimed.insert(key).second) return;
  RowPlan p;
  p.row.name = field == "real_time" ? n : n + " " + field;
  p.row.metric = field;
  p.row.key = key;
  const Measurement* m = cur.find(key);
  const Measurement* pm = prev.find(key);
  p.row.unit = m ? m->unit : pm ? pm->unit : "ns";
  p.row.direction = direction_from_unit(p.row.unit).value_or(Direction::lower_is_better);
  if (const auto f = cur.failed.find("bench:" + n); f != cur.failed.end())
    p.missing = "benchmark failed in " + cur.label + ": " + f->second;
  else if (!m && std::find(cur.benchmarks.begin(), cur.benchmarks.end(), n) != cur.benchmarks.end())
    p.missing = cur.label + " has no " + field + " for this benchmark (it is in " + prev.label + ")";
  else if (!m)  // two runs may share a file name (a/bench.json, b/bench.json): then their paths say more
    p.missing = "benchmark is in " + (prev.label == cur.label ? prev.path : prev.label) + " but not in " +
                (prev.label == cur.label ? cur.path : cur.label);
  plans.push_back(std::move(p));
}

void plan_benchmark_rows(const RunResults& cur, const RunResults& prev, std::set<std::string>& claimed,
                         std::vector<RowPlan>& plans) {
  std::vector<std::string> names = cur.benchmarks;
  for (const auto& n : prev.benchmarks)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  for (const auto& n : names)
    for (const std::string& field : compared_fields(cur, prev, n)) plan_benchmark_row(cur, prev, n, field, claimed, plans);
}

}  // namespace

namespace detail {
void attach_sla(std::vector<MetricResult*>& rows, SlaTier tier);
void add_change_points(MetricResult& row, const std::vector<RunResults>& history, const RunResults& current,
                       const ChangePointOptions& options);
std::optional<SlaTier> choose_tier(const BaselineFile& b, const RunResults& cur, const GateOptions& o,
                                   std::string& source);
}  // namespace detail

RegressionReport evaluate(const BaselineFile& baselines, const RunResults& current,
                          const std::optional<RunResults>& previous, const std::vector<RunResults>& history,
                          const GateOptions& options) {
  RegressionReport report;
  report.baseline_file = baselines.path;
  report.current = current.label;
  report.previous = previous ? previous->label : "";
  for (const auto& h : history) report.history.push_back(h.label);
  report.threshold_pct = options.threshold_pct;
  report.alpha = options.alpha;
  report.fail_on_missing = options.fail_on_missing;
  report.notes = current.notes;
  if (previous) report.notes.insert(report.notes.end(), previous->notes.begin(), previous->notes.end());

  std::vector<RowPlan> plans;
  plan_baseline_rows(baselines, current, previous, plans);
  std::set<std::string> claimed;
  for (const auto& p : plans)
    if (!p.row.key.empty()) claimed.insert(p.row.key);
  plan_monitored_rows(current, previous, claimed, plans);
  if (previous) plan_benchmark_rows(current, *previous, claimed, plans);

  report.sla_tier = detail::choose_tier(baselines, current, options, report.sla_tier_source);
  std::vector<MetricResult*> rows;
  for (auto& p : plans) rows.push_back(&p.row);
  if (report.sla_tier) detail::attach_sla(rows, *report.sla_tier);
  else if (!current.scenarios.empty())
    report.notes.push_back("SLA not checked: " + report.sla_tier_source);

  for (auto& p : plans) {
    MetricResult& row = p.row;
    std::string why = p.missing;
    std::optional<detail::Observed> cur;
    if (why.empty()) cur = detail::observe(current, row.key, row.unit, &why);
    std::optional<detail::Observed> prev;
    std::string prev_why;
    if (previous && !row.key.empty()) prev = detail::observe(*previous, row.key, row.unit, &prev_why);
    if (!cur) {
      row.verdict = Verdict::missing_data;
      if (prev) row.previous = prev->value, row.previous_samples = prev->samples.size();
      row.reason = "missing data: " + why + (row.sla_limit ? " (SLA not checked)" : "");
    } else {
      if (previous && !prev) row.reason = "no previous value: " + prev_why;
      detail::judge(row, prev, *cur, options);
      if (options.change_points) detail::add_change_points(row, history, current, options.change_point);
    }
    report.metrics.push_back(std::move(row));
  }
  return report;
}

std::map<std::string, double> measured_baseline_values(const BaselineFile& baselines, const RunResults& run) {
  std::map<std::string, double> out;
  for (const auto& e : baselines.entries) {
    const auto r = detail::resolve_source(e, run);
    if (r.key.empty()) continue;
    if (const auto v = detail::observe(run, r.key, e.unit, nullptr)) out[e.name] = v->value;
  }
  return out;
}

}  // namespace perfval::regression
