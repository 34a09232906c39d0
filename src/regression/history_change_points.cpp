// Change points of one row over the history: its series across runs, every change point and a drift, named,
// and the runs of the current run's segment (since the latest change point) for judging its level.
#include <algorithm>

#include "judge.hpp"
#include "perfval/regression/format.hpp"
#include "run_noise.hpp"

namespace perfval::regression::detail {

namespace {

std::string describe(const RowChangePoint& c, const std::string& unit) {
  return c.run + " (#" + std::to_string(c.index) + ") " + format_value(c.before, unit) + " -> " +
         format_value(c.after, unit) + " (" + format_change(c.change_pct) + ", p " + format_p_value(c.p_value) + ")";
}

}  // namespace

void find_change_points(MetricResult& row, const std::vector<RunResults>& history, const RunResults& current,
                        double current_value, const ChangePointOptions& options) {
  if (row.key.empty() || history.empty()) return;
  std::vector<double> series;
  std::vector<std::string> labels;
  for (const auto& run : history) {
    if (run.path == current.path) continue;
    if (const auto v = observe(run, row.key, row.unit, nullptr)) series.push_back(v->value), labels.push_back(run.label);
  }
  series.push_back(current_value);
  labels.push_back(current.label);
  const ChangePointAnalysis a = analyze_change_points(series, options);
  row.series_runs = labels;
  row.series_values = series;
  for (const ChangePoint& c : a.change_points)
    row.change_points.push_back({c.index, labels[c.index], c.mean_before, c.mean_after, c.change_pct, c.p_value});
  if (!row.change_points.empty()) {
    const RowChangePoint& last = row.change_points.back();
    row.shift_began = last.run;
    row.shift_from = last.before;
    row.shift_to = last.after;
  }
  if (a.drift)
    row.drift = RowDrift{a.drift->begin, labels[a.drift->begin], a.drift->slope_pct, a.drift->total_change_pct,
                         a.drift->p_value};
}

void segment_since_change_point(const MetricResult& row, const std::vector<RunResults>& history,
                                const RunResults& current, RowNoise& noise) {
  if (row.change_points.empty() || !noise.history_sigma) return;
  const std::size_t begin = row.change_points.back().index;
  std::vector<std::string> since(row.series_runs.begin() + static_cast<std::ptrdiff_t>(begin), row.series_runs.end() - 1);
  for (const auto& [label, v] : history_values(history, current, row.key, row.unit))
    if (std::find(since.begin(), since.end(), label) != since.end()) noise.segment.push_back(v);
  noise.segment_since = row.change_points.back().run;
}

void describe_change_points(MetricResult& row) {
  if (!row.change_points.empty()) {
    std::string list;
    for (const auto& c : row.change_points) list += (list.empty() ? "" : ", ") + describe(c, row.unit);
    row.reason += (row.change_points.size() == 1 ? "; change point: " : "; change points: ") + list;
  }
  if (row.drift)
    row.reason += "; steady drift of " + format_change(row.drift->pct_per_run) + " per run since " +
                  row.drift->since_run + " (" + format_change(row.drift->total_pct) + " in all), not a step";
}

}  // namespace perfval::regression::detail
