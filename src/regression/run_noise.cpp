// Control locations of a run, which control field a row follows, and a row's run-to-run spread over a history.
#include "run_noise.hpp"

#include "judge.hpp"
#include "perfval/regression/units.hpp"

namespace perfval::regression::detail {

namespace {

const std::string kControlPrefix = "bench:control/";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

bool is_benchmark_key(const std::string& key) { return starts_with(key, "bench:"); }

bool is_control_key(const std::string& key) { return starts_with(key, kControlPrefix); }

RunControls controls_of(const RunResults& run) {
  RunControls c;
  for (const auto& [key, m] : run.measurements) {
    if (!is_control_key(key)) continue;
    const auto colon = key.rfind(':');
    const std::string name = key.substr(6, colon - 6), field = key.substr(colon + 1);
    if (field != "real_time" && field != "cpu_time") continue;
    const auto loc = locate(m.samples, m.value);
    if (loc) (field == "real_time" ? c.real_time : c.cpu_time)[name] = *loc;
  }
  return c;
}

std::string time_field_of(const std::string& benchmark) {
  const bool wall_clock =
      benchmark.find("/real_time") != std::string::npos || benchmark.find("/manual_time") != std::string::npos;
  return wall_clock ? "real_time" : "cpu_time";
}

std::string control_field(const std::string& key, const std::string& unit) {
  if (!is_benchmark_key(key) || is_control_key(key) || speed_sign(unit) == 0) return "";
  const auto colon = key.rfind(':');
  const std::string field = key.substr(colon + 1);
  if (field == "real_time" || field == "cpu_time") return field;
  return time_field_of(key.substr(6, colon - 6));
}

bool wall_clock_row(const std::string& key, const std::string& unit) {
  if (!is_benchmark_key(key) || is_control_key(key)) return false;
  const auto colon = key.rfind(':');
  if (colon == std::string::npos || colon < 6) return false;
  const std::string field = key.substr(colon + 1), name = key.substr(6, colon - 6);
  if (field == "cpu_time") return false;
  if (field == "real_time" || is_time_unit(unit)) return true;
  return is_rate_unit(unit) && time_field_of(name) == "real_time";
}

int speed_sign(const std::string& unit) {
  if (is_time_unit(unit)) return 1;
  if (is_rate_unit(unit)) return -1;
  return 0;
}

std::optional<double> history_sigma(const std::vector<RunResults>& history, const RunResults& current,
                                    const std::string& key, const std::string& unit, std::size_t min_runs,
                                    std::size_t* runs) {
  const std::string field = control_field(key, unit);
  const RunControls now = controls_of(current);
  std::vector<double> values;
  for (const auto& run : history) {
    if (run.path == current.path && !run.path.empty()) continue;
    const auto seen = observe(run, key, unit, nullptr);
    if (!seen) continue;
    const auto loc = located(key, *seen);  // located as the runs it is the noise of are
    if (!loc) continue;
    double v = loc->log_value;
    if (!field.empty()) {
      const MachineShift shift = machine_shift(controls_of(run).field(field), now.field(field));
      if (shift.measured()) v += speed_sign(unit) * shift.log_shift;
    }
    values.push_back(v);
  }
  if (runs) *runs = values.size();
  return run_spread(values, min_runs);
}

}  // namespace perfval::regression::detail
