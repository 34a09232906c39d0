// Judging interleaved A/B rounds: per-round log ratios of B to A, a paired t-test over rounds, three-way calls.
#include "perfval/regression/ab.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "judge.hpp"
#include "perfval/regression/format.hpp"
#include "perfval/regression/stats.hpp"
#include "run_noise.hpp"

namespace perfval::regression {

const char* ab_round_order(int round) { return round % 2 == 0 ? "AB" : "BA"; }

PairedChange paired_change(const std::vector<double>& log_ratios) {
  PairedChange c;
  c.rounds = log_ratios.size();
  c.mean = mean(log_ratios);
  c.sd = stddev(log_ratios);
  if (c.rounds < 2) return c;
  const double se = c.sd / std::sqrt(static_cast<double>(c.rounds));
  if (se == 0) {
    c.p_value = c.mean == 0 ? 1 : 0;
    return c;
  }
  c.t = c.mean / se;
  c.p_value = std::min(1.0, 2 * (1 - student_t_cdf(std::fabs(c.t), static_cast<double>(c.rounds - 1))));
  return c;
}

namespace {

// The metrics judged for one benchmark: the time it is measured by, and per-operation values (Go's B/op,
// allocs/op, ...), which are properties of the code rather than of the machine.
std::vector<std::string> judged_keys(const RunResults& run, const std::string& name) {
  std::vector<std::string> keys;
  const std::string prefix = "bench:" + name + ":";
  const std::string primary = prefix + detail::time_field_of(name);
  keys.push_back(run.find(primary) ? primary : prefix + "real_time");
  for (const auto& [key, m] : run.measurements) {
    if (key.rfind(prefix, 0) != 0 || key == keys.front()) continue;
    const std::string field = key.substr(prefix.size());
    if (field != "real_time" && field != "cpu_time" && field.find("/op") != std::string::npos) keys.push_back(key);
  }
  return keys;
}

struct Sides {
  std::vector<double> a, b, ratios;  // log locations of A and B, and log(B / A) per round (normalized)
  std::vector<double> values_a, values_b;  // rounds whose values are not all positive (0 allocs/op): as they are
  std::string unit;                  // unit of the values
  bool normalized = false;           // at least one round had a machine shift taken out
};

Sides collect(const std::string& key, const std::vector<RunResults>& as, const std::vector<RunResults>& bs,
              const AbOptions& o) {
  Sides s;
  for (std::size_t r = 0; r < as.size() && r < bs.size(); ++r) {
    const Measurement* ma = as[r].find(key);
    const Measurement* mb = bs[r].find(key);
    if (!ma || !mb) continue;
    const auto cb = convert_unit(mb->value, mb->unit, ma->unit);
    if (!cb) continue;
    std::vector<double> b_samples;
    for (double v : mb->samples) b_samples.push_back(*convert_unit(v, mb->unit, ma->unit));
    const auto la = locate(ma->samples, ma->value), lb = locate(b_samples, *cb);
    if (!la || !lb) {  // a 0 somewhere (Go's 0 allocs/op): no log scale, the values themselves
      s.unit = ma->unit;
      s.values_a.push_back(ma->value);
      s.values_b.push_back(*cb);
      continue;
    }
    double ratio = lb->log_value - la->log_value;
    const std::string field = detail::control_field(key, ma->unit);
    if (o.normalize && !field.empty()) {
      const MachineShift shift =
          machine_shift(detail::controls_of(as[r]).field(field), detail::controls_of(bs[r]).field(field));
      if (shift.measured()) ratio -= detail::speed_sign(ma->unit) * shift.log_shift, s.normalized = true;
    }
    s.unit = ma->unit;
    s.a.push_back(la->log_value);
    s.b.push_back(lb->log_value);
    s.ratios.push_back(ratio);
  }
  return s;
}

bool appears(const std::string& key, const std::vector<RunResults>& runs) {
  return std::any_of(runs.begin(), runs.end(), [&](const RunResults& r) { return r.find(key) != nullptr; });
}

void judge_row(MetricResult& row, const Sides& s, const AbOptions& o) {
  const PairedChange c = paired_change(s.ratios);
  const double sign = row.direction == Direction::lower_is_better ? 1 : -1;
  const double bad = sign * c.mean, se = c.rounds > 1 ? c.sd / std::sqrt(static_cast<double>(c.rounds)) : 0;
  row.previous = std::exp(median(s.a));
  row.current = std::exp(median(s.b));
  row.previous_samples = row.current_samples = c.rounds;
  row.change_vs_previous_pct = log_to_pct(c.mean);
  if (s.normalized) row.normalized_change_pct = log_to_pct(c.mean);
  row.p_value = c.p_value;
  row.noise_pct = log_to_pct(se);
  row.noise_source = "spread of the per-round B/A ratios over " + std::to_string(c.rounds) + " rounds";
  row.test = "paired rounds (t-test)";
  if (c.rounds >= 2) {
    const double t = student_t_quantile(1 - o.alpha / 2, static_cast<double>(c.rounds - 1));
    row.change_ci_low_pct = log_to_pct(c.mean - t * se);
    row.change_ci_high_pct = log_to_pct(c.mean + t * se);
    const ChangeCall at_zero = call_change(0, se, o.threshold_pct, o.alpha, static_cast<double>(c.rounds - 1));
    row.detectable_pct = detail::worse_pct(at_zero.detectable, row.direction);
  }
  const std::string text = format_change(log_to_pct(c.mean)) + " B vs A (mean of " + std::to_string(c.rounds) +
                           " rounds, noise ±" + format_number(std::round(log_to_pct(se) * 10) / 10) +
                           "%, p=" + format_p_value(c.p_value) + ")";
  const bool beyond = std::fabs(bad) > std::log1p(o.threshold_pct / 100);
  if (!beyond) row.verdict = Verdict::unchanged, row.reason = "within " + format_number(o.threshold_pct) + "%: " + text;
  else if (c.p_value < o.alpha && c.rounds >= 2)
    row.verdict = bad > 0 ? Verdict::regressed : Verdict::improved, row.reason = to_string(row.verdict) + ": " + text;
  else
    row.verdict = Verdict::inconclusive,
    row.reason = "inconclusive: " + text + ": beyond " + format_number(o.threshold_pct) +
                 "% but within the noise; more rounds (--rounds, --max-rounds) would tell";
}

// Rounds with values that are not all positive and no round with a log ratio: no noise model, the medians of
// the values against the threshold (as `perfval regress` judges such values against the previous run).
void judge_values(MetricResult& row, const Sides& s, const AbOptions& o) {
  const double a = median(s.values_a), b = median(s.values_b);
  row.previous = a;
  row.current = b;
  row.previous_samples = row.current_samples = s.values_a.size();
  row.test = "threshold only";
  const std::string values = format_value(b, row.unit) + " in B, " + format_value(a, row.unit) + " in A";
  if (a == b) {
    row.verdict = Verdict::unchanged, row.reason = "unchanged: " + values;
    return;
  }
  row.change_vs_previous_pct = detail::change_pct(a, b);
  // From 0, any amount is beyond every threshold.
  const double from_zero = (b > 0) == (row.direction == Direction::lower_is_better) ? INFINITY : -INFINITY;
  const double bad_pct = row.change_vs_previous_pct ? detail::badness(*row.change_vs_previous_pct, row.direction)
                                                    : from_zero;
  if (std::fabs(bad_pct) <= o.threshold_pct) {
    row.verdict = Verdict::unchanged, row.reason = "within " + format_number(o.threshold_pct) + "%: " + values;
    return;
  }
  row.verdict = bad_pct > 0 ? Verdict::regressed : Verdict::improved;
  row.reason = to_string(row.verdict) + ": " + values + " (values not all positive, so no noise model: threshold " +
               format_number(o.threshold_pct) + "% only)";
}

}  // namespace

RegressionReport judge_ab(const std::vector<RunResults>& a_runs, const std::vector<RunResults>& b_runs,
                          const AbOptions& options, double look_share) {
  RegressionReport report;
  report.title = "perfval compare";
  report.current = "B";
  report.previous = "A";
  report.threshold_pct = options.threshold_pct;
  report.alpha = options.alpha;
  report.inconclusive_fails = options.inconclusive_fails;
  report.more_data_hint = "more rounds (--rounds, or --max-rounds to go on while a metric is unsettled)";
  if (a_runs.empty() || b_runs.empty()) return report;
  report.current_machine = b_runs.front().machine;
  report.previous_machine = a_runs.front().machine;
  std::vector<std::string> names = a_runs.front().benchmarks;
  for (const auto& n : b_runs.front().benchmarks)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  std::vector<std::pair<MetricResult, Sides>> rows;
  for (const auto& name : names) {
    for (const auto& key : judged_keys(a_runs.front(), name)) {
      if (detail::is_control_key(key)) continue;
      MetricResult row;
      row.name = name;
      row.key = key;
      row.metric = key.substr(key.rfind(':') + 1);
      Sides s = collect(key, a_runs, b_runs, options);
      if (s.ratios.empty() && !appears(key, a_runs) && !appears(key, b_runs)) continue;  // e.g. BigO aggregate rows
      rows.emplace_back(std::move(row), std::move(s));
    }
  }
  // --alpha is for the whole comparison, as in `perfval regress`: each of the m rows with a paired test is judged
  // at alpha / m (Bonferroni). At 0.01 per row, a comparison of 16 unchanged rows would fail about 1 time in 7.
  std::size_t tested = 0;
  for (const auto& [row, s] : rows) tested += s.ratios.empty() ? 0 : 1;
  // A look of a sequential comparison spends only its share of alpha (ab_look_share), so that all looks together
  // stay within it.
  report.set_family_alpha(options.alpha, tested, look_share);
  AbOptions per_row = options;
  per_row.alpha = report.metric_alpha;
  for (auto& [row, s] : rows) {
    row.unit = s.unit;
    row.direction = is_rate_unit(s.unit) ? Direction::higher_is_better : Direction::lower_is_better;
    if (s.ratios.empty() && !s.values_a.empty()) {
      judge_values(row, s, per_row);
    } else if (s.ratios.empty()) {
      row.verdict = Verdict::missing_data;
      row.reason = "missing data: " + row.name + " is only in " + (appears(row.key, a_runs) ? "A's" : "B's") +
                   " results";
    } else {
      judge_row(row, s, per_row);
      if (!s.values_a.empty())
        row.reason += "; " + std::to_string(s.values_a.size()) + " round(s) with a value of 0 left out (no log ratio)";
    }
    report.metrics.push_back(std::move(row));
  }
  return report;
}

}  // namespace perfval::regression
