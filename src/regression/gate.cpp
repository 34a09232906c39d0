// evaluate(): plans one row per baseline entry, monitored load-test metric and benchmark, then judges each.
#include "perfval/regression/gate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "judge.hpp"
#include "perfval/regression/noise.hpp"
#include "perfval/regression/stats.hpp"
#include "perfval/regression/units.hpp"
#include "perfval/regression/format.hpp"
#include "resolve.hpp"
#include "run_noise.hpp"

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

// Whether an entry reads benchmark results (true) or a load-test summary (false).
bool reads_benchmarks(const BaselineEntry& e) {
  if (e.source.kind == MetricSource::Kind::benchmark) return true;
  if (e.source.kind != MetricSource::Kind::lookup) return false;
  const auto known = detail::well_known_metrics();
  return std::find(known.begin(), known.end(), e.metric) == known.end();
}

// An entry applies unless the current run has no input of the kind it reads at all: a load-test summary is not
// judged against benchmark entries, nor benchmark results against load-test entries.
bool applies(const BaselineEntry& e, const RunResults& cur) {
  return reads_benchmarks(e) ? !cur.benchmarks.empty() : !cur.scenarios.empty();
}

void plan_baseline_rows(const BaselineFile& b, const RunResults& cur, const std::optional<RunResults>& prev,
                        const GateOptions& o, RegressionReport& report, std::vector<RowPlan>& plans) {
  for (const auto& e : b.entries) {
    if (!applies(e, cur)) {
      report.inapplicable.push_back(e.name);
      continue;
    }
    RowPlan p;
    p.row.name = e.name;
    p.row.metric = e.metric;
    p.row.unit = e.unit;
    p.row.direction = e.direction;
    p.row.baseline = e.baseline;
    p.row.tolerance_pct = e.tolerance_pct;
    const Testbed& measured_on = testbed_of(b, e);
    p.row.other_testbed = reads_benchmarks(e) && measured_on.known() && cur.machine.testbed.known() &&
                          !same_testbed(measured_on, cur.machine.testbed);
    const auto r = detail::resolve_source(e, cur);
    p.row.key = r.key;
    p.row.baseline_loaded_machine = !o.strict_testbed && reads_benchmarks(e) && !p.row.other_testbed &&
                                    !r.key.empty() && cur.machine.oversubscribed() &&
                                    detail::wall_clock_row(r.key, e.unit);
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
  if (detail::is_control_key(key) || !claimed.insert(key).second) return;
  RowPlan p;
  p.row.name = field == "real_time" || field == "cpu_time" ? n : n + " " + field;
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
  for (const auto& n : names) {
    std::vector<std::string> fields = compared_fields(cur, prev, n);
    if (!cur.judged_fields.count(n) && !prev.judged_fields.count(n)) {
      // Google Benchmark: the time it measures the benchmark by, CPU time unless it is timed by the wall clock.
      // CPU time leaves out the time other processes held the CPU, the largest noise on a shared machine.
      std::string field = detail::time_field_of(n);
      if (!cur.find("bench:" + n + ":" + field) && !prev.find("bench:" + n + ":" + field)) field = "real_time";
      fields = {field};
    }
    for (const std::string& field : fields) plan_benchmark_row(cur, prev, n, field, claimed, plans);
  }
}

}  // namespace

namespace detail {
void attach_sla(std::vector<MetricResult*>& rows, SlaTier tier);
void add_change_points(MetricResult& row, const std::vector<RunResults>& history, const RunResults& current,
                       const ChangePointOptions& options);
std::optional<SlaTier> choose_tier(const BaselineFile& b, const RunResults& cur, const GateOptions& o,
                                   std::string& source);
}  // namespace detail

namespace {

RegressionReport report_header(const BaselineFile& baselines, const RunResults& current,
                               const std::optional<RunResults>& previous, const std::vector<RunResults>& history,
                               const GateOptions& options) {
  RegressionReport report;
  report.baseline_file = baselines.path;
  report.current = current.label;
  report.previous = previous ? previous->label : "";
  for (const auto& h : history) report.history.push_back(h.label);
  report.threshold_pct = options.threshold_pct;
  report.alpha = options.alpha;
  report.noise_floor_pct = options.noise_floor_pct;
  report.fail_on_missing = options.fail_on_missing;
  report.inconclusive_fails = options.inconclusive_fails;
  report.current_machine = current.machine;
  report.baseline_testbed = baselines.testbed;
  report.notes = current.notes;
  if (previous) {
    report.previous_machine = previous->machine;
    report.notes.insert(report.notes.end(), previous->notes.begin(), previous->notes.end());
  }
  return report;
}

// The median log ratio of `field` over the benchmarks judged by it (control set excluded) that both runs have.
CommonShift common_shift(const RunResults& previous, const RunResults& current, const std::string& field,
                         const GateOptions& o) {
  std::vector<double> shifts;
  for (const auto& n : current.benchmarks) {
    if (detail::time_field_of(n) != field) continue;
    const std::string key = "bench:" + n + ":" + field;
    if (detail::is_control_key(key) || current.failed.count("bench:" + n) || previous.failed.count("bench:" + n)) continue;
    const Measurement* c = current.find(key);
    const Measurement* p = previous.find(key);
    if (!c || !p) continue;
    const auto lc = locate(c->samples, c->value), lp = locate(p->samples, p->value);
    const auto unit = convert_unit(p->value, p->unit, c->unit);
    if (!lc || !lp || !unit) continue;
    shifts.push_back(lc->log_value - lp->log_value - std::log(*unit / p->value));
  }
  CommonShift s;
  if (shifts.size() < std::max<std::size_t>(o.min_common_benchmarks, 1)) return s;
  s.log_shift = median(shifts);
  s.benchmarks = shifts.size();
  return s;
}

std::string field_words(const std::string& field) { return field == "real_time" ? "wall-clock time" : "CPU time"; }

void note_common_shifts(RegressionReport& report, const GateOptions& o) {
  for (const auto* field : {"cpu_time", "real_time"}) {
    const CommonShift& s = std::string(field) == "real_time" ? report.common_shift : report.common_shift_cpu;
    if (!s.measured()) continue;
    report.notes.push_back("in " + field_words(field) + " every benchmark moved " +
                           format_change(log_to_pct(s.log_shift)) + " together (median of " +
                           std::to_string(s.benchmarks) + " benchmarks)" +
                           (o.normalize ? "; changes are normalized by it" : "; not normalized (--no-normalize)"));
  }
}

// A move of every benchmark together beyond the threshold that the controls do not show is either the machine
// or a global regression (an allocator, a compiler flag): normalizing it away must not pass silently.
// A pair that started oversubscribed has no such row in wall-clock time: those rows are not judged either.
void add_global_move_rows(const GateOptions& o, bool loaded_pair, RegressionReport& report) {
  if (!o.normalize) return;
  const double limit = std::log1p(o.threshold_pct / 100);
  for (const auto* field : {"cpu_time", "real_time"}) {
    const bool wall = std::string(field) == "real_time";
    if (wall && loaded_pair) continue;
    const CommonShift& s = wall ? report.common_shift : report.common_shift_cpu;
    const MachineShift& controls = wall ? report.machine_shift : report.machine_shift_cpu;
    if (!s.measured() || std::fabs(s.log_shift) <= limit) continue;
    if (controls.measured() && std::fabs(s.log_shift - controls.log_shift) <= limit) continue;  // the machine did it
    MetricResult row;
    row.name = "every benchmark together";
    row.metric = std::string(field) + " common shift";
    row.unit = "%";
    row.change_vs_previous_pct = log_to_pct(s.log_shift);
    row.test = "common shift";
    row.verdict = Verdict::inconclusive;
    row.reason = "inconclusive: every benchmark moved " + format_change(log_to_pct(s.log_shift)) + " together in " +
                 field_words(field) + ", the controls " +
                 (controls.measured() ? format_change(log_to_pct(controls.log_shift)) : std::string("were not measured")) +
                 ": a machine change or a global regression; an interleaved A/B (perfval compare) tells";
    report.metrics.push_back(std::move(row));
  }
}

// The controls' shift between the two runs, and the notes that say what it means for the comparison.
void measure_machine(const RunResults& current, const std::optional<RunResults>& previous, const GateOptions& o,
                     RegressionReport& report) {
  if (!previous) return;
  report.common_shift = common_shift(*previous, current, "real_time", o);
  report.common_shift_cpu = common_shift(*previous, current, "cpu_time", o);
  note_common_shifts(report, o);
  const detail::RunControls a = detail::controls_of(*previous), b = detail::controls_of(current);
  report.machine_shift = machine_shift(a.real_time, b.real_time);
  report.machine_shift_cpu = machine_shift(a.cpu_time, b.cpu_time);
  if (!report.machine_shift.measured()) {
    if (!current.benchmarks.empty())
      report.notes.push_back("no control benchmarks (control/...) in both runs: changes are not normalized for the "
                             "machine's speed (perfval bench measures them)");
    return;
  }
  const bool common = report.common_shift.measured() || report.common_shift_cpu.measured();
  const std::string how = !o.normalize ? "; not normalized (--no-normalize)"
                          : common     ? "; the cross-check of the common shift above"
                                       : "; benchmark times and rates are normalized by it";
  report.notes.push_back(report.machine_shift.describe("wall-clock time") + how);
  if (report.machine_shift_cpu.measured())
    report.notes.push_back("in CPU time the current run's machine was " +
                           format_change(log_to_pct(report.machine_shift_cpu.log_shift)) +
                           " (CPU time leaves out time other processes held the CPU)");
}

void note_testbeds(const BaselineFile& baselines, const RunResults& current, RegressionReport& report) {
  std::size_t other = 0;
  for (const auto& m : report.metrics) other += m.other_testbed ? 1 : 0;
  if (other > 0)
    report.notes.push_back(std::to_string(other) + " baseline entries were measured on another machine (" +
                           baselines.testbed.fingerprint() + "; this run: " + current.machine.testbed.fingerprint() +
                           "): shown, not judged (--strict-testbed judges them)");
  else if (!baselines.testbed.known() && !baselines.entries.empty() && !current.benchmarks.empty())
    report.notes.push_back(baselines.path + " does not say which machine its values come from (testbed:): they are "
                           "judged as if measured on this one (--update-baseline writes the testbed)");
  std::size_t loaded = 0;
  for (const auto& m : report.metrics) loaded += m.baseline_loaded_machine ? 1 : 0;
  if (loaded > 0)
    report.notes.push_back(std::to_string(loaded) + " wall-clock baseline entries were shown, not judged: " +
                           current.label + " started with the machine oversubscribed (load " +
                           current.machine.load_average.substr(0, current.machine.load_average.find(' ')) + " on " +
                           std::to_string(current.machine.testbed.cores) +
                           " cores), so its wall-clock times include waiting for a CPU; CPU-time entries were judged "
                           "(--strict-testbed judges them all)");
  if (report.inapplicable.empty()) return;
  report.inapplicable_why = current.benchmarks.empty() ? "they read benchmark results and " + current.label +
                                                             " has none"
                                                       : "they read a load-test summary and " + current.label +
                                                             " has none";
  report.notes.push_back(std::to_string(report.inapplicable.size()) + " baseline entries do not apply to this run: " +
                         report.inapplicable_why + " (listed in --format json)");
}

detail::RowNoise row_noise(const MetricResult& row, const RunResults& current, const std::vector<RunResults>& history,
                           const RegressionReport& report, const GateOptions& o) {
  detail::RowNoise n;
  n.history_sigma = detail::history_sigma(history, current, row.key, row.unit, o.min_history_runs, &n.history_runs);
  const bool benchmark = detail::is_benchmark_key(row.key);
  const bool wall_clock =
      benchmark && detail::time_field_of(row.key.substr(6, row.key.rfind(':') - 6)) == "real_time";
  n.floor = std::log1p(o.noise_floor_pct / 100 * (wall_clock ? o.wall_clock_floor_factor : 1.0));
  // A machine that moved a lot between the runs (load came or went) moves benchmarks by different amounts, which
  // no single normalization takes out: the band widens with the controls' wall-clock shift.
  if (report.machine_shift.measured())
    n.machine_change = o.machine_change_factor * std::fabs(report.machine_shift.log_shift);
  n.drift = std::log1p(o.drift_floor_pct / 100);
  n.repetition_drift = std::log1p(o.repetition_drift_floor_pct / 100);
  n.alpha = report.metric_alpha;
  const std::string field = o.normalize ? detail::control_field(row.key, row.unit) : "";
  if (field.empty()) return n;
  // Every benchmark's common shift tracks the machine far better than three controls do (docs/regression.md).
  const CommonShift& common = field == "real_time" ? report.common_shift : report.common_shift_cpu;
  const MachineShift& shift = field == "real_time" ? report.machine_shift : report.machine_shift_cpu;
  if (common.measured()) {
    n.shift_field = field, n.shift_source = "common";
    n.log_shift = detail::speed_sign(row.unit) * common.log_shift;
    n.machine_change = 0;  // the common shift takes the machine's move out; what is left is the drift
  } else if (shift.measured()) {
    n.shift_field = field, n.shift_source = "controls";
    n.log_shift = detail::speed_sign(row.unit) * shift.log_shift;
  }
  return n;
}

}  // namespace

RegressionReport evaluate(const BaselineFile& baselines, const RunResults& current,
                          const std::optional<RunResults>& previous, const std::vector<RunResults>& history,
                          const GateOptions& options) {
  RegressionReport report = report_header(baselines, current, previous, history, options);
  measure_machine(current, previous, options, report);
  std::vector<RowPlan> plans;
  plan_baseline_rows(baselines, current, previous, options, report, plans);
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

  // A wall-clock figure of a run that started oversubscribed holds the wait for a CPU: against the previous run it
  // is shown, not judged, as against a baseline (measured: at load 14-16 on 2 cores, threaded and loopback
  // benchmarks moved -69..+80 % between runs of one build while every CPU-time row stayed within its noise).
  const bool loaded_pair = previous && !options.strict_testbed &&
                           (current.machine.oversubscribed() || previous->machine.oversubscribed());
  std::size_t loaded_previous = 0;
  for (auto& p : plans)
    if (loaded_pair && !p.row.key.empty() && detail::wall_clock_row(p.row.key, p.row.unit)) {
      p.row.previous_loaded_machine = true;
      loaded_previous += p.missing.empty() && previous->find(p.row.key) ? 1 : 0;
    }
  if (loaded_previous > 0)
    report.notes.push_back(std::to_string(loaded_previous) + " wall-clock rows were not judged against " +
                           previous->label + ": " +
                           (current.machine.oversubscribed() ? current.label : previous->label) +
                           " started with the machine oversubscribed, so their times include waiting for a CPU "
                           "(--strict-testbed judges them)");
  // The comparison's multiplicity: rows judged with a noise model, against the previous run or a baseline.
  std::size_t compared = 0;
  for (const auto& p : plans)
    compared += (previous || p.row.baseline) && p.missing.empty() && !p.row.key.empty() &&
                        (p.row.baseline || !p.row.previous_loaded_machine)  // judged against something
                    ? 1
                    : 0;
  report.set_family_alpha(options.alpha, compared);
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
      detail::judge(row, prev, *cur, row_noise(row, current, history, report, options), options);
      if (options.change_points) detail::add_change_points(row, history, current, options.change_point);
    }
    report.metrics.push_back(std::move(row));
  }
  add_global_move_rows(options, loaded_pair, report);
  note_testbeds(baselines, current, report);
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
