// Parsing of k6 executor options (executor, vus, stages, rate, ...) with per-executor key validation.
#include <algorithm>
#include <cmath>
#include <optional>

#include "perfval/common/did_you_mean.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen {

namespace {

struct ExecutorInfo {
  ExecutorKind kind;
  const char* name;               // k6 spelling, e.g. "constant-vus"
  std::vector<std::string> keys;  // option keys besides executor, gracefulStop and startTime
};

const std::vector<ExecutorInfo>& executors() {
  static const std::vector<ExecutorInfo> table = {
      {ExecutorKind::constant_vus, "constant-vus", {"vus", "duration"}},
      {ExecutorKind::ramping_vus, "ramping-vus", {"startVUs", "stages", "gracefulRampDown"}},
      {ExecutorKind::constant_arrival_rate,
       "constant-arrival-rate",
       {"rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"}},
      {ExecutorKind::ramping_arrival_rate,
       "ramping-arrival-rate",
       {"startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"}},
      {ExecutorKind::per_vu_iterations, "per-vu-iterations", {"vus", "iterations", "maxDuration"}},
      {ExecutorKind::shared_iterations, "shared-iterations", {"vus", "iterations", "maxDuration"}},
  };
  return table;
}

const std::vector<std::string> kCommonKeys = {"executor", "gracefulStop", "startTime"};

const ExecutorInfo& info(ExecutorKind kind) {
  for (const auto& e : executors()) {
    if (e.kind == kind) return e;
  }
  return executors().front();
}

ExecutorKind parse_kind(const YamlValue& map) {
  const auto node = map.get("executor");
  if (!node || node->is_null()) {
    // k6's shortcut options: stages alone mean ramping-vus, otherwise constant-vus.
    return map.has("stages") ? ExecutorKind::ramping_vus : ExecutorKind::constant_vus;
  }
  const std::string name = node->as_string();
  std::vector<std::string> names;
  for (const auto& e : executors()) {
    if (name == e.name) return e.kind;
    names.emplace_back(e.name);
  }
  node->fail("unknown executor \"" + name + "\"" + did_you_mean_suffix(name, names) + "; executors are " +
             detail::join(names));
}

void check_executor_keys(const YamlValue& map, const ExecutorInfo& exec) {
  std::vector<std::string> allowed = kCommonKeys;
  allowed.insert(allowed.end(), exec.keys.begin(), exec.keys.end());
  for (const auto& key : detail::executor_keys()) {
    if (!map.has(key) || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    detail::fail_at_key(map, key,
                        "\"" + key + "\" does not apply to executor " + exec.name + " (it takes " +
                            detail::join(allowed) + ")");
  }
}

std::optional<YamlValue> present(const YamlValue& map, const std::string& key) {
  auto v = map.get(key);
  if (v && v->is_null()) v->fail("a value is required");
  return v;
}

YamlValue required(const YamlValue& map, const std::string& key, const char* executor) {
  auto v = present(map, key);
  if (!v) {
    // Point at the executor line: that is the choice that made the key required.
    throw Error(detail::key_location(map, "executor"), map.field().empty() ? key : map.field() + "." + key,
                std::string("required by executor ") + executor);
  }
  return *v;
}

std::vector<Stage> parse_stages(const YamlValue& node, bool whole_targets) {
  const auto items = node.items();
  if (items.empty()) node.fail("at least one stage is required, e.g. [{duration: 30s, target: 10}]");
  std::vector<Stage> stages;
  for (const auto& item : items) {
    item.check_keys({"duration", "target"});
    Stage s;
    s.duration = item.require("duration").as_positive_duration();
    const YamlValue target = item.require("target");
    if (whole_targets) {
      s.target = static_cast<double>(target.as_nonnegative_int());
    } else {
      s.target = target.as_double();
      if (s.target < 0) target.fail("must not be negative, got " + target.as_string());
    }
    stages.push_back(s);
  }
  return stages;
}

double peak_target(const std::vector<Stage>& stages, double start) {
  double peak = start;
  for (const auto& s : stages) peak = std::max(peak, s.target);
  return peak;
}

void parse_vu_executors(const YamlValue& map, ExecutorConfig& c, const char* name) {
  if (auto v = present(map, "vus")) c.vus = v->as_positive_int();
  switch (c.kind) {
    case ExecutorKind::constant_vus:
      c.duration = required(map, "duration", name).as_positive_duration();
      break;
    case ExecutorKind::ramping_vus: {
      if (auto v = present(map, "startVUs")) c.start_vus = v->as_nonnegative_int();
      const YamlValue stages = required(map, "stages", name);
      c.stages = parse_stages(stages, true);
      if (peak_target(c.stages, static_cast<double>(c.start_vus)) < 1) {
        stages.fail("startVUs and every stage target are 0: the scenario would never run a VU");
      }
      if (auto v = present(map, "gracefulRampDown")) c.graceful_ramp_down = v->as_duration();
      break;
    }
    default: {  // per-vu-iterations and shared-iterations
      if (auto v = present(map, "iterations")) c.iterations = v->as_positive_int();
      if (auto v = present(map, "maxDuration")) c.max_duration = v->as_positive_duration();
      if (c.kind == ExecutorKind::shared_iterations && c.iterations < c.vus) {
        const auto where = map.get("iterations") ? *map.get("iterations") : map;
        throw Error(where.location(), map.field().empty() ? "iterations" : map.field() + ".iterations",
                    "shared-iterations needs iterations >= vus (" + std::to_string(c.iterations) + " < " +
                        std::to_string(c.vus) + ")");
      }
      break;
    }
  }
}

void parse_arrival_executors(const YamlValue& map, ExecutorConfig& c, const char* name) {
  if (c.kind == ExecutorKind::constant_arrival_rate) {
    c.rate = required(map, "rate", name).as_positive_double();
    c.duration = required(map, "duration", name).as_positive_duration();
  } else {
    if (auto v = present(map, "startRate")) {
      c.start_rate = v->as_double();
      if (c.start_rate < 0) v->fail("must not be negative, got " + v->as_string());
    }
    const YamlValue stages = required(map, "stages", name);
    c.stages = parse_stages(stages, false);
    if (peak_target(c.stages, c.start_rate) <= 0) {
      stages.fail("startRate and every stage target are 0: the scenario would never start an iteration");
    }
  }
  if (auto v = present(map, "timeUnit")) c.time_unit = v->as_positive_duration();
  c.pre_allocated_vus = required(map, "preAllocatedVUs", name).as_positive_int();
  c.max_vus = c.pre_allocated_vus;
  if (auto v = present(map, "maxVUs")) {
    c.max_vus = v->as_positive_int();
    if (c.max_vus < c.pre_allocated_vus) {
      v->fail("maxVUs (" + std::to_string(c.max_vus) + ") must be >= preAllocatedVUs (" +
              std::to_string(c.pre_allocated_vus) + ")");
    }
  }
}

}  // namespace

const char* to_string(ExecutorKind kind) { return info(kind).name; }

bool is_arrival_rate(ExecutorKind kind) {
  return kind == ExecutorKind::constant_arrival_rate || kind == ExecutorKind::ramping_arrival_rate;
}

namespace detail {

const std::vector<std::string>& executor_keys() {
  static const std::vector<std::string> keys = {
      "executor",       "vus",    "duration",        "startVUs", "stages",      "rate",
      "startRate",      "timeUnit", "preAllocatedVUs", "maxVUs",   "iterations",  "maxDuration",
      "gracefulStop",   "gracefulRampDown", "startTime"};
  return keys;
}

bool has_executor_key(const YamlValue& map, std::string* which) {
  for (const auto& key : executor_keys()) {
    if (map.has(key)) {
      if (which != nullptr) *which = key;
      return true;
    }
  }
  return false;
}

ExecutorConfig parse_executor(const YamlValue& map) {
  ExecutorConfig c;
  c.kind = parse_kind(map);
  const ExecutorInfo& exec = info(c.kind);
  check_executor_keys(map, exec);
  if (is_arrival_rate(c.kind)) {
    parse_arrival_executors(map, c, exec.name);
  } else {
    parse_vu_executors(map, c, exec.name);
  }
  if (auto v = present(map, "gracefulStop")) c.graceful_stop = v->as_duration();
  if (auto v = present(map, "startTime")) c.start_time = v->as_duration();
  return c;
}

}  // namespace detail
}  // namespace perfval::loadgen
