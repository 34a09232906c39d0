// Console and JSON reports of `perfval changepoints` (schema perfval/changepoints/v1).
#include "perfval/report/changepoints_report.hpp"

#include <nlohmann/json.hpp>

#include "perfval/regression/format.hpp"

namespace perfval::report {

namespace {

using nlohmann::json;

json options_json(const regression::ChangePointOptions& o) {
  return {{"max_p_value", o.max_p_value}, {"weak_p_factor", o.weak_p_factor}, {"window", o.window},
          {"min_segment", o.min_segment}, {"min_magnitude_pct", o.min_magnitude_pct},
          {"separate_drift", o.separate_drift}};
}

json series_json(const SeriesChangePoints& s) {
  json points = json::array();
  for (const auto& c : s.analysis.change_points)
    points.push_back({{"index", c.index}, {"time", s.times[c.index]}, {"before", c.mean_before},
                      {"after", c.mean_after}, {"change_pct", c.change_pct}, {"p_value", c.p_value}});
  json drift = nullptr;
  if (const auto& d = s.analysis.drift)
    drift = {{"index", d->begin}, {"time", s.times[d->begin]}, {"slope", d->slope}, {"slope_pct", d->slope_pct},
             {"total_change_pct", d->total_change_pct}, {"p_value", d->p_value}};
  return {{"column", s.name}, {"points", s.values.size()}, {"change_points", points}, {"drift", drift}};
}

}  // namespace

std::string render_changepoints_console(const ChangePointsReport& r) {
  using regression::format_change;
  using regression::format_number;
  std::string out = "perfval changepoints: " + r.file + "\n";
  for (const auto& s : r.series) {
    const auto& cps = s.analysis.change_points;
    out += "\n" + s.name + " (" + std::to_string(s.values.size()) + " points): " +
           (cps.empty() ? "no change point" : std::to_string(cps.size()) + (cps.size() == 1 ? " change point" : " change points")) +
           "\n";
    for (const auto& c : cps)
      out += "  #" + std::to_string(c.index) + "  " + s.times[c.index] + "  " + format_number(c.mean_before) + " -> " +
             format_number(c.mean_after) + "  (" + format_change(c.change_pct) + ", p " +
             regression::format_p_value(c.p_value) + ")\n";
    if (const auto& d = s.analysis.drift)
      out += "  steady drift since #" + std::to_string(d->begin) + " " + s.times[d->begin] + ": " +
             format_change(d->slope_pct) + " per point (" + format_change(d->total_change_pct) + " in all), not a step\n";
  }
  return out;
}

std::string render_changepoints_json(const ChangePointsReport& r) {
  json series = json::array();
  for (const auto& s : r.series) series.push_back(series_json(s));
  const json doc{{"schema", "perfval/changepoints/v1"}, {"file", r.file}, {"options", options_json(r.options)},
                 {"series", series}};
  return doc.dump(2) + "\n";
}

}  // namespace perfval::report
