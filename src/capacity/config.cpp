// Reads and validates baselines/capacity-planning.yaml; every error names file:line:col and the field.
#include "perfval/capacity/config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "config_internal.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/duration.hpp"
#include "perfval/common/yaml_reader.hpp"

namespace perfval::capacity {

const std::vector<std::string>& metric_keys() {
  static const std::vector<std::string> keys{"cpu", "memory", "cardinality", "requests", "storage"};
  return keys;
}

const char* to_string(MetricKind kind) {
  static const char* names[] = {"cpu", "memory", "cardinality", "requests", "storage"};
  return names[static_cast<int>(kind)];
}

const char* to_string(Aggregate a) {
  static const char* names[] = {"each", "sum", "avg", "max", "min"};
  return names[static_cast<int>(a)];
}

const char* to_string(SeasonalityMode m) {
  static const char* names[] = {"auto", "none", "daily", "weekly", "daily+weekly"};
  return names[static_cast<int>(m)];
}

std::optional<double> parse_days(const std::string& text) {
  if (!text.empty() && (text.back() == 'd' || text.back() == 'w')) {
    const double per = text.back() == 'w' ? 7.0 : 1.0;
    try {
      std::size_t used = 0;
      const double v = std::stod(text.substr(0, text.size() - 1), &used);
      if (used == text.size() - 1 && std::isfinite(v)) return v * per;
    } catch (...) {
    }
    return std::nullopt;
  }
  const auto d = parse_duration(text);
  if (!d) return std::nullopt;
  return to_seconds(*d) / 86400.0;
}

std::optional<double> parse_millicores(const std::string& text) {
  std::string s = text;
  const bool milli = !s.empty() && s.back() == 'm';
  if (milli) s.pop_back();
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v)) return std::nullopt;
    return milli ? v : v * 1000.0;
  } catch (...) {
    return std::nullopt;
  }
}

MetricConfig default_metric(MetricKind kind) {
  MetricConfig m;
  m.kind = kind;
  m.column = to_string(kind);
  switch (kind) {
    case MetricKind::cpu:
      m = {kind, "CPU utilization", "percent", "", m.column, Aggregate::each, 30, 15, 80, 100, SeasonalityMode::automatic, 0, std::nullopt};
      break;
    case MetricKind::memory:
      m = {kind, "memory utilization", "percent", "", m.column, Aggregate::each, 30, 20, 85, 100, SeasonalityMode::automatic, 0, std::nullopt};
      break;
    case MetricKind::cardinality:
      m = {kind, "active series", "series", "", m.column, Aggregate::each, 60, 25, 40000, 50000, SeasonalityMode::automatic, 0, std::nullopt};
      break;
    case MetricKind::requests:
      m = {kind, "request volume", "rps", "", m.column, Aggregate::each, 45, 30, 1000, 1500, SeasonalityMode::automatic, 0, std::nullopt};
      break;
    case MetricKind::storage:
      m = {kind, "storage usage", "percent", "", m.column, Aggregate::each, 90, 10, 80, 100, SeasonalityMode::automatic, 0, std::nullopt};
      break;
  }
  if (m.unit == "percent") m.bound_max = 100;
  return m;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kGi = 1024.0 * 1024 * 1024;

SimulationConfig default_simulation() {
  SimulationConfig s;
  s.scenarios = {{"conservative", 0.5}, {"expected", 1.0}, {"aggressive", 2.0}};
  s.cluster_growth = {{0, 1000}, {180, 5000}, {365, 10000}};
  s.sla_tiers = {{"small", 999, 2000, 100, 0.5 * kGi, 0.5},
                 {"medium", 5000, 5000, 50, 1 * kGi, 1.0},
                 {"large", kInf, 10000, 25, 2 * kGi, 2.0}};
  return s;
}

}  // namespace

double days_value(const YamlValue& v) {
  if (v.raw().IsScalar()) {
    const auto d = parse_days(v.as_string());
    if (d && *d > 0) return *d;
  }
  v.fail("expected a positive duration such as 30d, 12h or 90m, got \"" + v.as_string() + "\"");
}

namespace {

Aggregate parse_aggregate(const YamlValue& v) {
  const std::string s = v.as_string();
  const std::vector<std::string> names{"each", "sum", "avg", "max", "min"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) return static_cast<Aggregate>(i);
  }
  v.fail("expected one of each, sum, avg, max, min, got \"" + s + "\"" + did_you_mean_suffix(s, names));
}

SeasonalityMode parse_seasonality(const YamlValue& v) {
  const std::string s = v.as_string();
  const std::vector<std::string> names{"auto", "none", "daily", "weekly", "daily+weekly"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == s) return static_cast<SeasonalityMode>(i);
  }
  v.fail("expected one of auto, none, daily, weekly, daily+weekly, got \"" + s + "\"" +
         did_you_mean_suffix(s, names));
}

}  // namespace

// A plain number, or a percentage ("80%") for metrics measured in percent.
double threshold_value(const YamlValue& v) {
  const double x = v.as_percent();
  if (x <= 0) v.fail("must be greater than zero, got " + v.as_string());
  return x;
}

namespace {

// bounds: {min: 0, max: 100}; max may be "none". Defaults come from the unit (percent: 0..100, else 0..none).
void parse_bounds(const YamlValue& v, MetricConfig& m) {
  v.check_keys({"min", "max"});
  if (auto x = v.get("min")) m.bound_min = x->as_percent();
  if (auto x = v.get("max")) {
    if (x->is_null() || x->as_string() == "none") {
      m.bound_max.reset();
    } else {
      m.bound_max = x->as_percent();
    }
  }
  if (m.bound_max && *m.bound_max <= m.bound_min) {
    v.require("max").fail("must be above min (" + std::to_string(m.bound_min) + ")");
  }
}

MetricConfig parse_metric(const YamlValue& v, MetricKind kind) {
  MetricConfig m = default_metric(kind);
  if (v.is_null()) return m;
  v.check_keys({"description", "unit", "query", "column", "aggregate", "horizon", "growth_threshold",
                "capacity_threshold", "hard_limit", "seasonality", "bounds"});
  if (auto x = v.get("description")) m.description = x->as_string();
  if (auto x = v.get("unit")) m.unit = x->as_string();
  if (auto x = v.get("query")) m.query = x->as_string();
  if (auto x = v.get("column")) m.column = x->as_string();
  if (auto x = v.get("aggregate")) m.aggregate = parse_aggregate(*x);
  if (auto x = v.get("horizon")) m.horizon_days = days_value(*x);
  if (auto x = v.get("growth_threshold")) m.growth_threshold_pct = threshold_value(*x);
  if (auto x = v.get("capacity_threshold")) m.capacity_threshold = threshold_value(*x);
  if (auto x = v.get("hard_limit")) {
    if (x->is_null() || x->as_string() == "none") {
      m.hard_limit.reset();
    } else {
      m.hard_limit = threshold_value(*x);
    }
  }
  if (auto x = v.get("seasonality")) m.seasonality = parse_seasonality(*x);
  m.bound_max = m.unit == "percent" ? std::optional<double>(100) : std::nullopt;
  if (auto x = v.get("bounds")) parse_bounds(*x, m);
  if (m.hard_limit && *m.hard_limit < m.capacity_threshold) {
    v.require("hard_limit").fail("must not be below capacity_threshold (" + std::to_string(m.capacity_threshold) +
                                 ")");
  }
  return m;
}

double millicores_value(const YamlValue& v) {
  const auto m = parse_millicores(v.as_string());
  if (!m || *m <= 0) v.fail("expected CPU such as 1000m or 1.5, got \"" + v.as_string() + "\"");
  return *m;
}

ResourceScaling parse_resource(const YamlValue& v, ResourceScaling r, bool cpu) {
  v.check_keys({"limit", "increment", "max"});
  auto read = [&](const YamlValue& x) { return cpu ? millicores_value(x) : x.as_bytes(); };
  if (auto x = v.get("limit")) r.limit = read(*x);
  if (auto x = v.get("increment")) r.increment = read(*x);
  if (auto x = v.get("max")) r.max = read(*x);
  if (r.increment <= 0) v.require("increment").fail("must be greater than zero");
  if (r.max < r.limit) v.require("max").fail("must not be below limit");
  return r;
}

ReplicaScaling parse_replicas(const YamlValue& v, ReplicaScaling r) {
  v.check_keys({"min", "max", "recommended_max", "per_replica_rps", "target_utilization", "measured"});
  if (auto x = v.get("min")) r.min = static_cast<int>(x->as_positive_int());
  if (auto x = v.get("max")) r.max = static_cast<int>(x->as_positive_int());
  if (auto x = v.get("recommended_max")) r.recommended_max = static_cast<int>(x->as_positive_int());
  if (auto x = v.get("per_replica_rps")) r.per_replica_rps = x->as_positive_double();
  if (auto x = v.get("measured")) {
    if (v.get("per_replica_rps")) x->fail("give per_replica_rps or measured, not both");
    r.measured = x->as_string();
    if (r.measured.empty()) x->fail("expected the path of a capacity run's summary.json");
  }
  if (auto x = v.get("target_utilization")) {
    r.target_utilization_pct = x->as_percent();
    if (r.target_utilization_pct <= 0 || r.target_utilization_pct > 100) x->fail("must be in (0%, 100%]");
  }
  if (r.max < r.min) v.require("max").fail("must not be below min (" + std::to_string(r.min) + ")");
  if (r.recommended_max < r.max) v.require("recommended_max").fail("must not be below max");
  return r;
}

ScalingPolicy parse_scaling(const YamlValue& v) {
  ScalingPolicy p;
  v.check_keys({"cpu", "memory", "replicas"});
  if (auto x = v.get("cpu")) p.cpu = parse_resource(*x, p.cpu, true);
  if (auto x = v.get("memory")) p.memory = parse_resource(*x, p.memory, false);
  if (auto x = v.get("replicas")) p.replicas = parse_replicas(*x, p.replicas);
  return p;
}

}  // namespace

CapacityConfig default_config() {
  CapacityConfig c;
  for (int k = 0; k < 5; ++k) c.metrics.push_back(default_metric(static_cast<MetricKind>(k)));
  c.simulation = default_simulation();
  return c;
}

namespace {

void parse_levels(const YamlValue& v, CapacityConfig& c) {
  c.interval_levels.clear();
  for (const auto& item : v.items()) {
    const double level = item.as_percent();
    if (level <= 0 || level >= 100) item.fail("expected a coverage between 0% and 100%, got " + item.as_string());
    c.interval_levels.push_back(level);
  }
  if (c.interval_levels.empty()) v.fail("expected at least one interval level such as 80");
  std::sort(c.interval_levels.begin(), c.interval_levels.end());
}

void parse_metrics(const YamlValue& v, CapacityConfig& c) {
  c.metrics.clear();
  v.check_keys(metric_keys());
  for (const auto& [key, value] : v.entries()) {
    const auto& keys = metric_keys();
    const auto kind = static_cast<MetricKind>(std::find(keys.begin(), keys.end(), key) - keys.begin());
    c.metrics.push_back(parse_metric(value, kind));
  }
  if (c.metrics.empty()) v.fail("expected at least one metric (cpu, memory, cardinality, requests, storage)");
}

}  // namespace

CapacityConfig parse_config(const std::string& yaml_text, const std::string& name) {
  const YamlValue root = YamlValue::load_string(yaml_text, name);
  CapacityConfig c = default_config();
  c.file = name;
  if (root.is_null()) return c;
  root.check_keys({"history", "resolution", "intervals", "min_points", "max_fit_points", "metrics", "scaling",
                   "simulation"});
  if (auto x = root.get("history")) c.history_days = days_value(*x);
  if (auto x = root.get("resolution")) c.resolution_s = to_seconds(x->as_positive_duration());
  if (auto x = root.get("intervals")) parse_levels(*x, c);
  if (auto x = root.get("min_points")) {
    c.min_points = static_cast<std::size_t>(x->as_positive_int());
    if (c.min_points < 5) x->fail("must be at least 5 (a fit with fewer points says nothing)");
  }
  if (auto x = root.get("max_fit_points")) {
    c.max_fit_points = static_cast<std::size_t>(x->as_positive_int());
    if (c.max_fit_points < 100) x->fail("must be at least 100");
  }
  if (auto x = root.get("metrics")) parse_metrics(*x, c);
  if (auto x = root.get("scaling")) c.scaling = parse_scaling(*x);
  if (auto x = root.get("simulation")) c.simulation = parse_simulation(*x, c.simulation);
  return c;
}

CapacityConfig load_config(const std::string& path) { return parse_config(read_file(path), path); }

}  // namespace perfval::capacity
