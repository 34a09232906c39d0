// JSON reporter for `perfval regress` (schema perfval/regress/v1): every row with every number, for tools.
#include <nlohmann/json.hpp>

#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {

namespace {

using nlohmann::json;
using regression::MetricResult;
using regression::RegressionReport;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json change_points_json(const MetricResult& m) {
  json out = json::array();
  for (const auto& c : m.change_points)
    out.push_back({{"index", c.index}, {"run", c.run}, {"before", c.before}, {"after", c.after},
                   {"change_pct", c.change_pct}, {"p_value", c.p_value}});
  return out;
}

json drift_json(const MetricResult& m) {
  if (!m.drift) return nullptr;
  return {{"index", m.drift->index}, {"since_run", m.drift->since_run}, {"pct_per_run", m.drift->pct_per_run},
          {"total_pct", m.drift->total_pct}, {"p_value", m.drift->p_value}};
}

json row_json(const MetricResult& m) {
  return {{"name", m.name},
          {"metric", m.metric},
          {"key", m.key},
          {"unit", m.unit},
          {"direction", regression::to_string(m.direction)},
          {"baseline", opt(m.baseline)},
          {"tolerance_pct", opt(m.tolerance_pct)},
          {"previous", opt(m.previous)},
          {"current", opt(m.current)},
          {"change_vs_baseline_pct", opt(m.change_vs_baseline_pct)},
          {"change_vs_previous_pct", opt(m.change_vs_previous_pct)},
          {"normalized_change_pct", opt(m.normalized_change_pct)},
          {"noise_pct", opt(m.noise_pct)},
          {"noise_source", m.noise_source.empty() ? json(nullptr) : json(m.noise_source)},
          {"detectable_change_pct", opt(m.detectable_pct)},
          {"change_ci_pct", m.change_ci_low_pct ? json::array({*m.change_ci_low_pct, *m.change_ci_high_pct}) : json(nullptr)},
          {"p_value", opt(m.p_value)},
          {"previous_samples", m.previous_samples},
          {"current_samples", m.current_samples},
          {"test", m.test.empty() ? json(nullptr) : json(m.test)},
          {"sla", m.sla_limit ? json{{"op", m.sla_op}, {"limit", *m.sla_limit}} : json(nullptr)},
          {"baseline_other_testbed", m.other_testbed},
          {"baseline_loaded_machine", m.baseline_loaded_machine},
          {"shift_began", m.shift_began ? json(*m.shift_began) : json(nullptr)},
          {"shift_from", opt(m.shift_from)},
          {"shift_to", opt(m.shift_to)},
          {"change_points", change_points_json(m)},
          {"drift", drift_json(m)},
          {"series", m.series_values.empty() ? json(nullptr) : json{{"runs", m.series_runs}, {"values", m.series_values}}},
          {"verdict", regression::verdict_id(m.verdict)},
          {"reason", m.reason}};
}

json context_json(const regression::MachineContext& m) {
  if (!m.testbed.known() && m.host.empty()) return nullptr;
  return {{"testbed", m.testbed.fingerprint()}, {"cpu_model", m.testbed.cpu_model}, {"cores", m.testbed.cores},
          {"host", m.host}, {"load_average", m.load_average}, {"date", m.date}};
}

json shift_json(const regression::MachineShift& s) {
  if (!s.measured()) return nullptr;
  json controls = json::object();
  for (const auto& [name, shift] : s.controls) controls[name] = regression::log_to_pct(shift);
  return {{"shift_pct", regression::log_to_pct(s.log_shift)}, {"controls_pct", controls}};
}

// Where each run was measured and how much slower the current run's machine was, from the control set.
json machine_json(const RegressionReport& r) {
  return {{"current", context_json(r.current_machine)},
          {"previous", context_json(r.previous_machine)},
          {"baseline_testbed", r.baseline_testbed.known() ? json(r.baseline_testbed.fingerprint()) : json(nullptr)},
          {"real_time", shift_json(r.machine_shift)},
          {"cpu_time", shift_json(r.machine_shift_cpu)}};
}

json sensitivity_json(const regression::RegressionReport& r) {
  const auto s = r.sensitivity();
  if (s.compared == 0) return nullptr;
  return {{"compared", s.compared},
          {"probe_pct", s.probe_pct},
          {"would_catch", s.would_catch},
          {"median_detectable_change_pct", s.median_detectable_pct},
          {"line", r.sensitivity_line()}};
}

class JsonReporter : public RegressReporter {
 public:
  std::string name() const override { return "json"; }
  std::string render(const RegressionReport& r) const override {
    json counts = json::object();
    for (auto v : {regression::Verdict::unchanged, regression::Verdict::improved, regression::Verdict::regressed,
                   regression::Verdict::inconclusive, regression::Verdict::sla_breach,
                   regression::Verdict::missing_data})
      counts[regression::verdict_id(v)] = r.count(v);
    json rows = json::array();
    for (const auto& m : r.metrics) rows.push_back(row_json(m));
    const json doc{{"schema", "perfval/regress/v1"},
                   {"status", r.stopped_code ? "aborted" : r.gate_failed() ? "failed" : r.nothing_judged() ? "no_data" : "passed"},
                   {"exit_code", r.exit_code()},
                   {"headline", r.headline()},
                   {"baseline_file", r.baseline_file},
                   {"current", r.current},
                   {"previous", r.previous.empty() ? json(nullptr) : json(r.previous)},
                   {"history", r.history},
                   {"sla_tier", r.sla_tier ? json(regression::to_string(*r.sla_tier)) : json(nullptr)},
                   {"sla_tier_source", r.sla_tier_source},
                   {"threshold_pct", r.threshold_pct},
                   {"alpha", r.alpha},
                   {"noise_floor_pct", r.noise_floor_pct},
                   {"inconclusive", r.inconclusive_fails ? "fail" : "pass"},
                   {"warning", r.inconclusive_warning().empty() ? json(nullptr) : json(r.inconclusive_warning())},
                   {"sensitivity", sensitivity_json(r)},
                   {"machine", machine_json(r)},
                   {"inapplicable", {{"count", r.inapplicable.size()}, {"entries", r.inapplicable},
                                     {"why", r.inapplicable_why}}},
                   {"counts", counts},
                   {"metrics", rows},
                   {"notes", r.notes}};
    return doc.dump(2) + "\n";
  }
};

}  // namespace

std::unique_ptr<RegressReporter> make_json_regress_reporter() { return std::make_unique<JsonReporter>(); }

}  // namespace perfval::report
