// Verdict names and the report-level decisions: counts, gate result, exit code and headline.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "perfval/common/error.hpp"
#include "perfval/regression/format.hpp"
#include "perfval/regression/gate.hpp"

namespace perfval::regression {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::unchanged: return "unchanged";
    case Verdict::improved: return "improved";
    case Verdict::regressed: return "regressed";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::sla_breach: return "SLA breach";
    case Verdict::missing_data: return "missing data";
  }
  return "?";
}

std::string verdict_id(Verdict v) {
  std::string s = to_string(v);
  for (char& c : s) c = c == ' ' ? '_' : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::size_t RegressionReport::count(Verdict v) const {
  std::size_t n = 0;
  for (const auto& m : metrics) n += m.verdict == v ? 1 : 0;
  return n;
}

bool RegressionReport::gate_failed() const {
  return count(Verdict::regressed) > 0 || count(Verdict::sla_breach) > 0 ||
         (fail_on_missing && count(Verdict::missing_data) > 0) ||
         (inconclusive_fails && count(Verdict::inconclusive) > 0);
}

bool RegressionReport::row_fails(const MetricResult& m) const {
  return m.verdict == Verdict::regressed || m.verdict == Verdict::sla_breach ||
         (fail_on_missing && m.verdict == Verdict::missing_data) ||
         (inconclusive_fails && m.verdict == Verdict::inconclusive);
}

bool RegressionReport::nothing_judged() const { return count(Verdict::missing_data) == metrics.size(); }

int RegressionReport::exit_code() const {
  if (stopped_code) return *stopped_code;
  if (gate_failed()) return exit_code::threshold_failed;
  if (nothing_judged()) return exit_code::usage;
  return exit_code::ok;
}

namespace {
std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}
}  // namespace

RegressionReport::Sensitivity RegressionReport::sensitivity(double probe_pct) const {
  Sensitivity s;
  s.probe_pct = probe_pct;
  // As the slowdown each row could have seen: a rate's detectable fall f is the slowdown 1 / (1 - f) - 1, so a
  // rate that can show a 22 % fall cannot show a 25 % slowdown (a 20 % fall).
  std::vector<double> detectable;
  for (const auto& m : metrics) {
    if (!m.detectable_pct) continue;
    const double d = *m.detectable_pct / 100;
    const double as_slowdown = m.direction == Direction::lower_is_better ? d : d < 1 ? 1 / (1 - d) - 1 : 1e12;
    detectable.push_back(as_slowdown * 100);
  }
  s.compared = detectable.size();
  if (detectable.empty()) return s;
  for (double d : detectable) s.would_catch += d < probe_pct ? 1 : 0;
  std::sort(detectable.begin(), detectable.end());
  const std::size_t n = detectable.size();
  s.median_detectable_pct = n % 2 ? detectable[n / 2] : (detectable[n / 2 - 1] + detectable[n / 2]) / 2;
  return s;
}

std::string RegressionReport::sensitivity_line() const {
  const Sensitivity s = sensitivity();
  if (s.compared == 0) return "";
  const auto whole = [](double v) { return format_number(std::round(v)); };
  return "sensitivity: a " + whole(s.probe_pct) + "% slowdown would be called regressed in " +
         std::to_string(s.would_catch) + " of " + plural(s.compared, "metric", "metrics") +
         " (median smallest detectable change " + whole(s.median_detectable_pct) + "%); " +
         (more_data_hint.empty() ? std::string("more samples (perfval bench --repetitions, --processes) or an interleaved "
                                               "A/B (perfval compare --rounds) make it smaller, and for load-test "
                                               "summaries a history (--history)")
                                 : more_data_hint + " make it smaller");
}

void RegressionReport::set_family_alpha(double alpha, std::size_t rows, double share) {
  metric_alpha = alpha * share / static_cast<double>(std::max<std::size_t>(rows, 1));
  const std::string per_metric = format_number(metric_alpha) + " per metric over " + std::to_string(rows) +
                                 (rows == 1 ? " metric" : " metrics (Bonferroni)");
  if (share < 1 && rows > 0)
    notes.push_back("significance " + format_number(alpha) + " for the whole comparison, shared by its looks: this one "
                    "spends " + format_number(alpha * share) + ", " + per_metric);
  else if (share >= 1 && rows > 1)
    notes.push_back("significance " + format_number(alpha) + " for the whole comparison: " + per_metric);
}

std::string RegressionReport::inconclusive_warning() const {
  const std::size_t n = count(Verdict::inconclusive);
  if (n == 0) return "";
  return "warning: " + plural(n, "metric is", "metrics are") + " inconclusive (changed beyond the threshold but not "
         "beyond the noise); " + (inconclusive_fails ? "--inconclusive fail: the gate fails on them"
                                                      : "they pass the gate (--inconclusive fail to fail on them)");
}

std::string RegressionReport::headline() const {
  return stopped_code ? "STOPPED " + stopped_reason + "; so far " + judged_headline() : judged_headline();
}

std::string RegressionReport::judged_headline() const {
  const std::size_t reg = count(Verdict::regressed), sla = count(Verdict::sla_breach);
  const std::size_t missing = count(Verdict::missing_data);
  const std::string of = " (of " + plural(metrics.size(), "metric", "metrics") + ")";
  std::string parts;
  auto add = [&](std::size_t n, const std::string& one, const std::string& many) {
    if (n) parts += (parts.empty() ? "" : ", ") + plural(n, one, many);
  };
  if (gate_failed()) {
    add(reg, "regression", "regressions");
    add(sla, "SLA breach", "SLA breaches");
    if (fail_on_missing) add(missing, "metric missing", "metrics missing");
    const std::size_t undecided = count(Verdict::inconclusive);
    if (inconclusive_fails) add(undecided, "inconclusive", "inconclusive");
    else if (undecided) parts += "; " + std::to_string(undecided) + " inconclusive";
    return "FAIL: " + parts + of;
  }
  if (nothing_judged()) return "NO DATA: nothing could be judged" + of;
  add(count(Verdict::improved), "improvement", "improvements");
  add(count(Verdict::inconclusive), "inconclusive", "inconclusive");
  add(missing, "metric missing", "metrics missing");
  return "PASS: no regression, no SLA breach" + (parts.empty() ? "" : "; " + parts) + of;
}

}  // namespace perfval::regression
