// One row's verdict: outside tolerance vs baseline, beyond threshold and significant vs previous, SLA limits.
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
  bool not_significant = false;
  bool sla_breach = false;
  std::vector<std::string> reasons;
};

std::optional<double> change_pct(double from, double to) {
  if (from == 0) return std::nullopt;
  return (to - from) / std::fabs(from) * 100;
}

// Positive when the change is in the bad direction.
double badness(double pct, Direction d) { return d == Direction::lower_is_better ? pct : -pct; }

void judge_baseline(MetricResult& row, Findings& f) {
  if (!row.baseline || !row.current) return;
  row.change_vs_baseline_pct = change_pct(*row.baseline, *row.current);
  if (!row.change_vs_baseline_pct) {
    f.reasons.push_back("baseline is 0, so no relative change");
    return;
  }
  const double bad = badness(*row.change_vs_baseline_pct, row.direction);
  const double tol = row.tolerance_pct.value_or(0);
  const std::string vs = format_change(row.change_vs_baseline_pct) + " vs baseline " +
                         format_value(row.baseline, row.unit) + " (tolerance " + format_number(tol) + "%)";
  if (bad > tol) f.regressed = true, f.reasons.push_back("regressed: " + vs);
  else if (-bad > tol) f.improved = true, f.reasons.push_back("improved: " + vs);
}

void judge_single_values(MetricResult& row, double bad, bool beyond, const GateOptions& o, Findings& f) {
  row.test = "threshold only";
  if (!beyond) return;
  const std::string vs = format_change(row.change_vs_previous_pct) + " vs previous";
  f.reasons.push_back("single values, no significance test: threshold " + format_number(o.threshold_pct) + "% only");
  if (bad > 0) f.regressed = true, f.reasons.push_back("regressed: " + vs);
  else f.improved = true, f.reasons.push_back("improved: " + vs);
}

// With repetitions: the change must be significant (Mann-Whitney) and its confidence interval must reach
// the threshold; a significant change whose whole interval stays inside the threshold is judged ok.
void judge_previous(MetricResult& row, const Observed& prev, const Observed& cur, const GateOptions& o, Findings& f) {
  row.change_vs_previous_pct = change_pct(prev.value, cur.value);
  if (!row.change_vs_previous_pct) return;
  const double bad = badness(*row.change_vs_previous_pct, row.direction);
  const bool beyond = std::fabs(bad) > o.threshold_pct;
  if (prev.samples.size() < o.min_samples || cur.samples.size() < o.min_samples)
    return judge_single_values(row, bad, beyond, o, f);
  row.test = "mann-whitney";
  row.p_value = mann_whitney_u(prev.samples, cur.samples).p_value;
  const ShiftInterval interval = shift_interval(prev.samples, cur.samples, o.alpha);
  row.change_ci_low_pct = interval.lower / std::fabs(prev.value) * 100;
  row.change_ci_high_pct = interval.upper / std::fabs(prev.value) * 100;
  const std::size_t fewest = std::min(prev.samples.size(), cur.samples.size());
  if (fewest < o.warn_samples)
    f.reasons.push_back(std::to_string(fewest) + " samples (below " + std::to_string(o.warn_samples) +
                        " the test has little power)");
  // The verdict uses the central 50 % interval of the shift: a significant change counts once it is at least
  // as plausible that it reaches the threshold as that it stays well inside it. The 95 % interval alone would
  // flag significant changes of a few percent whose interval merely touches the threshold (noise on a busy
  // machine does that), while the point estimate alone misses about 1 in 20 real 25 % regressions at 9
  // repetitions and 5 % noise.
  const ShiftInterval likely = shift_interval(prev.samples, cur.samples, 0.5);
  const double likely_low = likely.lower / std::fabs(prev.value) * 100, likely_high = likely.upper / std::fabs(prev.value) * 100;
  const double reach_bad = badness(row.direction == Direction::lower_is_better ? likely_high : likely_low, row.direction);
  const double reach_good = -badness(row.direction == Direction::lower_is_better ? likely_low : likely_high, row.direction);
  const bool significant = *row.p_value < o.alpha;
  const std::string change = format_change(row.change_vs_previous_pct) + " vs previous";
  const std::string ci = "50% CI " + format_change(likely_low) + ".." + format_change(likely_high) + ", " +
                         format_number(100 * (1 - o.alpha)) + "% CI " + format_change(row.change_ci_low_pct) + ".." +
                         format_change(row.change_ci_high_pct);
  const std::string p = "p=" + format_p_value(row.p_value);
  const std::string threshold = "the " + format_number(o.threshold_pct) + "% threshold";
  if (!significant) {
    if (beyond)
      f.not_significant = true, f.reasons.push_back("not significant: " + change + " (" + p + ", not below alpha " +
                                                    format_number(o.alpha) + "; " + ci + ")");
  } else if (bad > 0 && reach_bad >= o.threshold_pct) {
    f.regressed = true, f.reasons.push_back("regressed: " + change + " (" + p + "; " + ci + " reaches " + threshold + ")");
  } else if (bad < 0 && reach_good >= o.threshold_pct) {
    f.improved = true, f.reasons.push_back("improved: " + change + " (" + p + "; " + ci + " reaches " + threshold + ")");
  } else {
    f.reasons.push_back("significant but within threshold: " + change + " (" + p + "; " + ci + " stays inside " +
                        threshold + ")");
  }
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
  Observed o{*v, {}};
  for (double s : m->samples) o.samples.push_back(*convert_unit(s, m->unit, unit));
  return o;
}

void judge(MetricResult& row, const std::optional<Observed>& previous, const Observed& current,
           const GateOptions& options) {
  row.current = current.value;
  row.current_samples = current.samples.size();
  Findings f;
  judge_sla(row, f);
  judge_baseline(row, f);
  if (previous) {
    row.previous = previous->value;
    row.previous_samples = previous->samples.size();
    judge_previous(row, *previous, current, options, f);
  }
  if (f.sla_breach) row.verdict = Verdict::sla_breach;
  else if (f.regressed) row.verdict = Verdict::regressed;
  else if (f.not_significant) row.verdict = Verdict::not_significant;
  else if (f.improved) row.verdict = Verdict::improved;
  else row.verdict = Verdict::ok;
  // The reason for the verdict comes first.
  const std::string lead = row.verdict == Verdict::ok ? "" : to_string(row.verdict) + ":";
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
