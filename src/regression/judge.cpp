// One row's verdict: beyond tolerance vs baseline and beyond threshold vs previous, each against the run-level
// noise (regressed, unchanged or inconclusive), and SLA limits.
#include "judge.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/regression/format.hpp"
#include "perfval/regression/stats.hpp"

namespace perfval::regression::detail {

namespace {

struct Findings {
  bool regressed = false;
  bool improved = false;
  bool inconclusive = false;
  bool sla_breach = false;
  std::vector<std::string> reasons;
};

std::string pct(double log_value) { return format_change(log_to_pct(log_value)); }

std::string plus_minus(double log_noise) { return "±" + format_number(std::round(log_to_pct(log_noise) * 10) / 10) + "%"; }

// The reason of a wall-clock figure that an oversubscribed machine keeps from being judged.
std::string shown_not_judged(const std::string& against, const std::optional<double>& change,
                             const std::optional<double>& value, const std::string& unit, const std::string& whose) {
  return against + ": " + format_change(change) + " vs " + format_value(value, unit) + " not judged: a wall-clock " +
         "figure of " + whose + " on an oversubscribed machine (--strict-testbed judges it)";
}

// The run-level part of the noise: the row's own spread over the history, but never below the floor (a dozen
// runs cannot show a metric to be quieter than the machine is known to be), else the floor.
double run_sigma(const RowNoise& noise) {
  return noise.history_sigma ? std::max(*noise.history_sigma, noise.floor) : noise.floor;
}

}  // namespace

std::optional<double> change_pct(double from, double to) {
  if (from == 0) return std::nullopt;
  return (to - from) / std::fabs(from) * 100;
}

double badness(double pct, Direction d) { return d == Direction::lower_is_better ? pct : -pct; }

// The run's location and spread. A summary's value (p95 over the whole run) is its location, the intervals only
// give the spread: the median of per-second p95s is another, smaller figure. A benchmark's location is the
// median of its samples.
std::optional<RunLocation> located(const std::string& key, const Observed& o) {
  // Interleaved repetitions (a design effect of their own): the mean of the logs, else the median.
  auto loc = o.independent && o.design_effect_measured ? locate_mean(o.samples, o.value) : locate(o.samples, o.value);
  if (loc && !is_benchmark_key(key) && o.value > 0) loc->log_value = std::log(o.value);
  if (loc) loc->design_effect = o.design_effect;
  return loc;
}

namespace {

// The noise a run's own samples add to a change when a history's spread is known. A benchmark's repetitions
// are real replications: a current run with fewer or wider ones than the history's is less certain, so their
// spread stays a lower bound. A summary's samples are its per-second intervals, which say little about the
// noise of its whole-run value (a 3-s run's per-second p95s spread by a third where whole runs' p95s differ by
// 2 %), and every history run's value already carried that noise: none.
double within_under_history(const std::string& key, double within) { return is_benchmark_key(key) ? within : 0; }

// Degrees of freedom of the history's spread when it decides the noise; 0 (a normal) when the floor does: the
// floor is a fixed figure, not estimated from the runs.
double history_df(const RowNoise& noise) {
  if (!noise.history_sigma || *noise.history_sigma <= noise.floor) return 0;
  return static_cast<double>(noise.history_runs) - 2;
}

// The machine's drift per run that independent samples do not hold: measured separately for processes' medians
// and for interleaved repetitions, whose design effect already holds most of it (docs/regression.md).
double drift_of(const RowNoise& noise, const RunLocation& a, const RunLocation& b) {
  return a.mean_based && b.mean_based ? noise.repetition_drift : noise.drift;
}

// The noise of a change between two runs whose samples are independent (processes, interleaved repetitions):
// their own spread and the machine's drift, as measured on this machine for such runs.
double samples_sd(const RowNoise& noise, const RunLocation& a, const RunLocation& b) {
  return difference_noise(a, b, drift_of(noise, a, b));
}

// Whether the history's spread sets the noise of the change. Runs of independent samples hold their own
// run-to-run noise, so there the history only widens it, where the metric moved more between runs than its
// samples and the drift say; never below them (measured: 21 quiet quick runs, a 20 % floor under every
// history made the median detectable change 170 % against 65 % without a history). Other runs: the history,
// never below the floor.
bool history_decides(const RowNoise& noise, const RunLocation& a, const RunLocation& b) {
  if (!noise.history_sigma) return false;
  return !noise.processes || std::sqrt(2.0) * *noise.history_sigma > samples_sd(noise, a, b);
}

// Standard deviation of a change between two runs of `key`: repetitions, run-level noise and the machine's
// movement.
double change_sd(const std::string& key, const RunLocation& a, const RunLocation& b, const RowNoise& noise) {
  const double within = difference_noise(a, b, 0);
  if (noise.history_sigma && noise.processes)
    return std::max(std::sqrt(2.0) * *noise.history_sigma, samples_sd(noise, a, b));
  // Other runs under a history: its spread (never below the floor) already holds how the metric moved with the
  // machine over many runs, so no widening for the machine's shift.
  if (noise.history_sigma) return std::max(std::sqrt(2.0) * run_sigma(noise), within_under_history(key, within));
  // Samples that are processes hold the run-to-run noise themselves: their spread, and the machine's drift.
  if (noise.processes) return samples_sd(noise, a, b);
  const double runs = difference_noise(a, b, noise.floor);
  return std::sqrt(runs * runs + noise.machine_change * noise.machine_change);
}

// Degrees of freedom of the change's noise: the history's runs where its spread decides (0, a normal, where the
// floor does), the samples' where they do, 0 for the floor of one-process runs.
double change_df(const RowNoise& noise, const RunLocation& a, const RunLocation& b) {
  // Where the history decides, its runs' degrees of freedom, but never more than the samples': a slightly wider
  // history must not make a row easier to call (a t's critical value falls steeply with its df at these alphas).
  if (noise.history_sigma && noise.processes)
    return history_decides(noise, a, b) ? std::min(static_cast<double>(noise.history_runs) - 2, sample_df(a, b))
                                        : sample_df(a, b);
  if (noise.history_sigma) return history_df(noise);
  return noise.processes ? sample_df(a, b) : 0;
}

std::string history_spread(const RowNoise& noise) {
  return "the metric's run-to-run spread " + plus_minus(*noise.history_sigma) + " over " +
         std::to_string(noise.history_runs) + " history runs";
}

std::string noise_source(const RowNoise& noise, const RunLocation& a, const RunLocation& b) {
  if (noise.processes && history_decides(noise, a, b))
    return history_spread(noise) + " (beyond what its " + std::to_string(a.n) + " + " + std::to_string(b.n) +
           " samples and the machine's drift show)";
  if (noise.processes)
    return "the spread of " + std::to_string(a.n) + " + " + std::to_string(b.n) +
           (a.mean_based && b.mean_based ? " interleaved repetitions (design effect " +
                                               format_number(std::round(a.design_effect * 100) / 100) + " / " +
                                               format_number(std::round(b.design_effect * 100) / 100) + ")"
                                         : std::string(" processes")) +
           ", a machine-drift floor of " + plus_minus(drift_of(noise, a, b)) + " per run" +
           (noise.history_sigma ? "; " + history_spread(noise) + " is within that" : "");
  std::string out = a.n > 1 || b.n > 1 ? "repetitions, " : "";
  if (noise.history_sigma)
    out += history_spread(noise) +
           (*noise.history_sigma < noise.floor ? " (below the " + plus_minus(noise.floor) + " floor, so the floor)" : "");
  else
    out += "a run-to-run floor of " + plus_minus(noise.floor) + " per run" +
           (noise.machine_change > 0 ? ", " + plus_minus(noise.machine_change) + " for the machine's shift" : "");
  return out;
}

// What would turn an inconclusive change into a verdict; `z` is the quantile the verdict used (a t's with the
// samples' degrees of freedom, so the factor is an upper bound: more samples also lower that quantile).
std::string what_would_decide(const std::string& key, double change, const RunLocation& a, const RunLocation& b,
                              const RowNoise& noise, double z, const GateOptions& o) {
  const double needed = std::fabs(change) / z;  // the noise at which this change would be significant
  const double run = noise.processes ? drift_of(noise, a, b) : run_sigma(noise), within = difference_noise(a, b, 0);
  const double fixed =
      2 * run * run + (noise.processes ? 0 : noise.machine_change * noise.machine_change);  // more samples leave it
  // Runs of independent samples under a history: no number of samples takes the noise below sqrt(2) x the
  // history's spread. Other runs under a history: the history's spread decides, whatever the samples.
  const double lowest = noise.processes && noise.history_sigma
                            ? std::max(fixed, 2 * *noise.history_sigma * *noise.history_sigma)
                            : fixed;
  if (within > 0 && needed * needed > lowest && (noise.processes || !noise.history_sigma)) {
    const double factor = std::max(2.0, std::ceil(within * within / (needed * needed - fixed)));
    return "about " + format_number(factor) + "x the " +
           (!noise.processes ? "repetitions"
            : a.mean_based   ? "samples (perfval bench --repetitions or --processes)"
                             : "samples (perfval bench --processes, go test -count)") +
           " or an interleaved A/B " +
           "(perfval compare) would tell";
  }
  if (noise.history_sigma) {
    std::string out = "an interleaved A/B (perfval compare) would tell";
    if (!noise.processes && *noise.history_sigma < noise.floor)
      out += "; its own spread over the history is " + plus_minus(*noise.history_sigma) + ", below the " +
             plus_minus(noise.floor) + " floor: on a quiet, dedicated runner a lower --noise-floor lets the history decide";
    return out;
  }
  // A load-test summary under a history loses its per-second intervals' spread and the machine's shift from its
  // noise: a history tells. A benchmark's history never makes it look quieter than its samples and the floor
  // (it only widens the noise): independent samples would, for one-process runs judged by the floor.
  if (!is_benchmark_key(key))
    return "a history of " + std::to_string(o.min_history_runs) + "+ runs (--history) would tell";
  return noise.processes ? "an interleaved A/B (perfval compare) would tell"
                         : "runs of several processes (perfval bench --processes, go test -count) or an interleaved "
                           "A/B (perfval compare) would tell";
}

// The call on a change (log scale, raw direction) against a limit, with the verdict flags and a reason.
ChangeCall call(const std::string& against, double change, double noise_sd, double limit_pct, double df,
          const std::string& detail, const std::string& decide, const RowNoise& noise, MetricResult& row,
          Findings& f) {
  const double bad = row.direction == Direction::lower_is_better ? change : -change;
  const ChangeCall c = call_change(bad, noise_sd, limit_pct, noise.alpha, df);
  row.p_value = c.p_value;
  const std::string text = pct(change) + " vs " + against + " (" + detail + ", p=" + format_p_value(c.p_value) + ")";
  switch (c.call) {
    case Call::unchanged: break;
    case Call::regressed: f.regressed = true, f.reasons.push_back("regressed: " + text); break;
    case Call::improved: f.improved = true, f.reasons.push_back("improved: " + text); break;
    case Call::inconclusive:
      f.inconclusive = true;
      f.reasons.push_back("inconclusive: " + text + ": beyond the " +
                          (against.rfind("baseline", 0) == 0 ? "tolerance" : "threshold") + " but within the noise; " +
                          decide);
      break;
  }
  return c;
}

void judge_baseline(MetricResult& row, const std::optional<RunLocation>& cur, const RowNoise& noise,
                    const GateOptions& o, Findings& f) {
  if (!row.baseline || !row.current) return;
  row.change_vs_baseline_pct = change_pct(*row.baseline, *row.current);
  if (!row.change_vs_baseline_pct) {
    f.reasons.push_back("baseline is 0, so no relative change");
    return;
  }
  const double tol = row.tolerance_pct.value_or(0);
  if (row.other_testbed && !o.strict_testbed) {
    f.reasons.push_back("baseline measured on another machine: " + format_change(row.change_vs_baseline_pct) +
                        " vs " + format_value(row.baseline, row.unit) + " not judged (--strict-testbed judges it)");
    return;
  }
  if (row.baseline_loaded_machine && !o.strict_testbed) {
    f.reasons.push_back(shown_not_judged("baseline", row.change_vs_baseline_pct, row.baseline, row.unit,
                                         "a run that started"));
    return;
  }
  const auto base = locate({}, *row.baseline);
  if (!cur || !base) {  // zero or negative values: tolerance alone
    const double bad = badness(*row.change_vs_baseline_pct, row.direction);
    const std::string vs = format_change(row.change_vs_baseline_pct) + " vs baseline " +
                           format_value(row.baseline, row.unit) + " (tolerance " + format_number(tol) + "%)";
    if (bad > tol) f.regressed = true, f.reasons.push_back("regressed: " + vs);
    else if (-bad > tol) f.improved = true, f.reasons.push_back("improved: " + vs);
    return;
  }
  RowNoise against_baseline = noise;
  against_baseline.machine_change = 0;  // no controls were recorded with the baseline
  against_baseline.processes = false;   // a baseline measured another day: the run-to-run floor, not the drift
  // The baseline is a fixed value: only the current run carries repetition and run-to-run noise.
  const double within = noise.history_sigma ? within_under_history(row.key, difference_noise(*base, *cur, 0))
                                            : difference_noise(*base, *cur, 0);
  const double run = run_sigma(noise);
  const double sd = std::sqrt(within * within + run * run);
  const std::string detail = "tolerance " + format_number(tol) + "%, noise " + plus_minus(sd);
  const double df = history_df(noise);
  const double z = two_sided_critical(noise.alpha, df);
  const std::string decide =
      what_would_decide(row.key, cur->log_value - base->log_value, *base, *cur, against_baseline, z, o);
  const std::optional<double> p_before = row.p_value;
  // The tolerance is linear (a rate may fall to baseline x (1 - tol)); as a log-scale limit that is 1 / (1 - tol).
  const double limit = row.direction == Direction::lower_is_better ? tol : tol >= 100 ? 1e12 : 100 * tol / (100 - tol);
  call("baseline " + format_value(row.baseline, row.unit), cur->log_value - base->log_value, sd, limit, df, detail,
       decide, against_baseline, row, f);
  if (p_before) row.p_value = p_before;  // the report's p is the previous-run comparison's when there is one
}

void judge_single_values(MetricResult& row, double bad, bool beyond, const GateOptions& o, Findings& f) {
  row.test = "threshold only";
  if (!beyond) return;
  const std::string vs = format_change(row.change_vs_previous_pct) + " vs previous";
  f.reasons.push_back("values not all positive, so no noise model: threshold " + format_number(o.threshold_pct) +
                      "% only");
  if (bad > 0) f.regressed = true, f.reasons.push_back("regressed: " + vs);
  else f.improved = true, f.reasons.push_back("improved: " + vs);
}

// Against the previous run: log ratio of the medians, the machine's shift (controls) taken out, judged against
// the run-level noise: the history's spread for this metric, else repetitions plus the documented floor.
void judge_previous(MetricResult& row, const Observed& prev, const Observed& cur, RowNoise noise,
                    const GateOptions& o, Findings& f) {
  row.change_vs_previous_pct = change_pct(prev.value, cur.value);
  if (row.previous_loaded_machine && !o.strict_testbed) {
    f.reasons.push_back(shown_not_judged("previous", row.change_vs_previous_pct, row.previous, row.unit,
                                         "runs of which one started"));
    return;
  }
  const auto lp = located(row.key, prev), lc = located(row.key, cur);
  if (!lp || !lc) {
    if (!row.change_vs_previous_pct) return;
    const double bad = badness(*row.change_vs_previous_pct, row.direction);
    return judge_single_values(row, bad, std::fabs(bad) > o.threshold_pct, o, f);
  }
  row.test = "run-level noise";
  // Independent samples on both sides, located the same way: a run of processes' medians against one of
  // interleaved repetitions (a file from before perfval_interleaved, or --no-interleave) is judged by the floor.
  noise.processes = prev.independent && cur.independent && lp->n > 1 && lc->n > 1 && lp->mean_based == lc->mean_based;
  const double raw = lc->log_value - lp->log_value;
  const double change = raw - noise.log_shift;
  const double sd = change_sd(row.key, *lp, *lc, noise);
  row.noise_pct = log_to_pct(sd);
  row.noise_source = noise_source(noise, *lp, *lc);
  const double df = change_df(noise, *lp, *lc);
  const double z = two_sided_critical(noise.alpha, df);
  row.change_ci_low_pct = log_to_pct(change - z * sd);
  row.change_ci_high_pct = log_to_pct(change + z * sd);
  std::string detail;
  if (!noise.shift_field.empty()) {
    row.normalized_change_pct = log_to_pct(change);
    detail = "measured " + pct(raw) + ", " + (noise.shift_source == "common" ? "every benchmark " : "machine ") +
             pct(noise.log_shift) + ", ";
  }
  detail += "noise " + plus_minus(sd);
  const ChangeCall c = call("previous", change, sd, o.threshold_pct, df, detail,
                            what_would_decide(row.key, change, *lp, *lc, noise, z, o), noise, row, f);
  row.detectable_pct = worse_pct(c.detectable, row.direction);
}

void judge_sla(MetricResult& row, Findings& f) {
  if (!row.sla_limit || !row.current) return;
  const bool ok = row.sla_op == "<" ? *row.current < *row.sla_limit : *row.current > *row.sla_limit;
  if (ok) return;
  f.sla_breach = true;
  f.reasons.push_back("SLA breach: " + format_value(row.current, row.unit) + " is not " + row.sla_op + " " +
                      format_value(row.sla_limit, row.unit));
}

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : "; ") + x;
  return out;
}

}  // namespace

double worse_pct(double log_bad, Direction d) {
  return d == Direction::lower_is_better ? log_to_pct(log_bad) : -log_to_pct(-log_bad);
}

std::optional<Observed> observe(const RunResults& run, const std::string& key, const std::string& unit,
                                std::string* why) {
  const Measurement* m = run.find(key);
  if (!m) {
    if (why) *why = "not in " + run.label;
    return std::nullopt;
  }
  const auto v = convert_unit(m->value, m->unit, unit);
  if (!v) {
    if (why) *why = "mismatched units: " + m->file + " gives " + m->unit + ", expected " + unit;
    return std::nullopt;
  }
  Observed o{*v, {}, m->independent_samples, m->design_effect, m->design_effect_measured};
  for (double s : m->samples) o.samples.push_back(*convert_unit(s, m->unit, unit));
  return o;
}

void judge(MetricResult& row, const std::optional<Observed>& previous, const Observed& current, const RowNoise& noise,
           const GateOptions& options) {
  row.current = current.value;
  row.current_samples = current.samples.size();
  Findings f;
  judge_sla(row, f);
  if (previous) {
    row.previous = previous->value;
    row.previous_samples = previous->samples.size();
    judge_previous(row, *previous, current, noise, options, f);
  }
  judge_baseline(row, located(row.key, current), noise, options, f);
  if (f.sla_breach) row.verdict = Verdict::sla_breach;
  else if (f.regressed) row.verdict = Verdict::regressed;
  else if (f.inconclusive) row.verdict = Verdict::inconclusive;
  else if (f.improved) row.verdict = Verdict::improved;
  else row.verdict = Verdict::unchanged;
  // The reason for the verdict comes first.
  const std::string lead = row.verdict == Verdict::unchanged ? "" : to_string(row.verdict) + ":";
  if (!lead.empty())
    std::stable_partition(f.reasons.begin(), f.reasons.end(),
                          [&](const std::string& r) { return r.rfind(lead, 0) == 0; });
  if (f.reasons.empty()) {
    const bool compared = row.baseline || previous || row.sla_limit;
    f.reasons.push_back(compared ? "within limits" : "no baseline, previous run or SLA to compare with");
  }
  if (!row.reason.empty()) f.reasons.push_back(row.reason);
  row.reason = join(f.reasons);
}

}  // namespace perfval::regression::detail
