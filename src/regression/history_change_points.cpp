// Change points of one row over the history: its series across runs, every change point and a drift, named.
#include "judge.hpp"
#include "perfval/regression/format.hpp"

namespace perfval::regression::detail {

namespace {

std::string describe(const RowChangePoint& c, const std::string& unit) {
  return c.run + " (#" + std::to_string(c.index) + ") " + format_value(c.before, unit) + " -> " +
         format_value(c.after, unit) + " (" + format_change(c.change_pct) + ", p " + format_p_value(c.p_value) + ")";
}

}  // namespace

void add_change_points(MetricResult& row, const std::vector<RunResults>& history, const RunResults& current,
                       const ChangePointOptions& options) {
  if (row.key.empty() || history.empty() || !row.current) return;
  std::vector<double> series;
  std::vector<std::string> labels;
  for (const auto& run : history) {
    if (run.path == current.path) continue;
    if (const auto v = observe(run, row.key, row.unit, nullptr)) series.push_back(v->value), labels.push_back(run.label);
  }
  series.push_back(*row.current);
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
    std::string list;
    for (const auto& c : row.change_points) list += (list.empty() ? "" : ", ") + describe(c, row.unit);
    row.reason += (row.change_points.size() == 1 ? "; change point: " : "; change points: ") + list;
  }
  if (a.drift) {
    row.drift = RowDrift{a.drift->begin, labels[a.drift->begin], a.drift->slope_pct, a.drift->total_change_pct,
                         a.drift->p_value};
    row.reason += "; steady drift of " + format_change(row.drift->pct_per_run) + " per run since " +
                  row.drift->since_run + " (" + format_change(row.drift->total_pct) + " in all), not a step";
  }
}

}  // namespace perfval::regression::detail
