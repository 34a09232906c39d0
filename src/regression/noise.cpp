// Run locations, the machine's shift from the controls, run-to-run spread and the three-way call on a change.
#include "perfval/regression/noise.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/regression/format.hpp"
#include "perfval/regression/stats.hpp"

namespace perfval::regression {

std::optional<RunLocation> locate(const std::vector<double>& samples, double value) {
  RunLocation r;
  if (samples.empty()) {
    if (!(value > 0)) return std::nullopt;
    r.log_value = std::log(value);
    return r;
  }
  std::vector<double> logs;
  logs.reserve(samples.size());
  for (double s : samples) {
    if (!(s > 0)) return std::nullopt;
    logs.push_back(std::log(s));
  }
  r.log_value = median(logs);
  r.log_spread = robust_sd(logs);
  r.n = logs.size();
  return r;
}

std::optional<RunLocation> locate_mean(const std::vector<double>& samples, double value) {
  auto r = locate(samples, value);
  if (!r || r->n < 2) return r;
  std::vector<double> logs;
  for (double s : samples) logs.push_back(std::log(s));
  r->log_value = mean(logs);
  r->log_spread = stddev(logs);
  r->mean_based = true;
  return r;
}

double log_to_pct(double x) { return 100 * std::expm1(x); }

std::string MachineShift::describe(const std::string& field) const {
  if (!measured()) return "";
  const double pct = log_to_pct(log_shift);
  std::string out = "the current run's machine was " + format_number(std::fabs(pct)) + "% " +
                    (pct >= 0 ? "slower" : "faster") + " (" + field + " of ";
  bool first = true;
  for (const auto& [name, shift] : controls) {
    out += (first ? "" : ", ") + name + " " + format_change(log_to_pct(shift));
    first = false;
  }
  return out + ")";
}

MachineShift machine_shift(const std::map<std::string, RunLocation>& previous,
                           const std::map<std::string, RunLocation>& current) {
  MachineShift m;
  std::vector<double> shifts;
  for (const auto& [name, cur] : current) {
    const auto p = previous.find(name);
    if (p == previous.end()) continue;
    m.controls[name] = cur.log_value - p->second.log_value;
    shifts.push_back(m.controls[name]);
  }
  if (shifts.empty()) return m;
  m.log_shift = median(shifts);
  for (double s : shifts) m.disagreement = std::max(m.disagreement, std::fabs(s - m.log_shift));
  return m;
}

std::optional<double> run_spread(const std::vector<double>& log_values, std::size_t min_runs) {
  if (log_values.size() < std::max<std::size_t>(min_runs, 2)) return std::nullopt;
  // Mean absolute successive difference: for normal run-to-run noise E|x_i - x_(i-1)| = 2 sigma / sqrt(pi). It is
  // nearly as efficient as the standard deviation (so a t-test over few runs stays honest) while a step change
  // adds its size only once, divided by the number of differences.
  double sum = 0;
  for (std::size_t i = 1; i < log_values.size(); ++i) sum += std::fabs(log_values[i] - log_values[i - 1]);
  const double mean_abs = sum / static_cast<double>(log_values.size() - 1);
  return mean_abs * std::sqrt(std::acos(-1.0)) / 2;
}

double difference_noise(const RunLocation& a, const RunLocation& b, double run_sigma) {
  // Standard error of a median is about 1.253 sigma / sqrt(n) for normal noise; the spreads are pooled because
  // 3 to 10 repetitions give a poor estimate of either one alone.
  double within = 0;
  // A design effect makes n samples worth n / effect (interleaved repetitions of a few processes).
  const double na = static_cast<double>(a.n) / a.design_effect, nb = static_cast<double>(b.n) / b.design_effect;
  if (a.n > 1 && b.n > 1 && a.mean_based && b.mean_based) {  // Welch: each side its own spread
    within = std::sqrt(a.log_spread * a.log_spread / na + b.log_spread * b.log_spread / nb);
  } else if (a.n > 1 && b.n > 1) {
    const double pooled = std::sqrt((a.log_spread * a.log_spread + b.log_spread * b.log_spread) / 2);
    within = 1.253 * pooled * std::sqrt(1 / na + 1 / nb);
  } else if (a.n > 1 || b.n > 1) {  // one side is a single value (a baseline): only the other has a spread
    within = 1.253 * (a.n > 1 ? a.log_spread / std::sqrt(na) : b.log_spread / std::sqrt(nb));
  }
  return std::sqrt(within * within + 2 * run_sigma * run_sigma);
}

double sample_df(const RunLocation& a, const RunLocation& b) {
  const double na = static_cast<double>(a.n) / a.design_effect, nb = static_cast<double>(b.n) / b.design_effect;
  if (a.mean_based && b.mean_based && na > 1 && nb > 1) {  // Welch-Satterthwaite: each run its own spread
    const double va = a.log_spread * a.log_spread / na, vb = b.log_spread * b.log_spread / nb;
    if (va + vb > 0) return std::max(1.0, (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1)));
  }
  return std::max(1.0, na + nb - 2);
}

ChangeCall call_change(double log_change, double log_noise, double threshold_pct, double alpha, double df) {
  ChangeCall c;
  c.log_change = log_change;
  c.log_noise = log_noise;
  c.limit = std::log1p(threshold_pct / 100);
  if (log_noise > 0) {
    c.z = log_change / log_noise;
    const double upper = df > 0 ? student_t_cdf(std::fabs(c.z), df) : normal_cdf(std::fabs(c.z));
    c.p_value = std::min(1.0, 2 * (1 - upper));
  } else {
    c.p_value = log_change == 0 ? 1 : 0;
  }
  const double critical = two_sided_critical(alpha, df);
  c.detectable = std::max(c.limit, critical * log_noise);
  if (std::fabs(log_change) <= c.limit) c.call = Call::unchanged;
  else if (c.p_value >= alpha) c.call = Call::inconclusive;
  else c.call = log_change > 0 ? Call::regressed : Call::improved;
  return c;
}

}  // namespace perfval::regression
