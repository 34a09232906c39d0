// Fuzz target: the scenario loader (YAML text -> TestPlan). Bad input must be a perfval::Error (with a
// location); a plan that loads must satisfy the rules docs/scenarios.md states, load the same way again, and
// its thresholds must re-parse from their own text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/threshold.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace perfval::loadgen;
using perfval::fuzz::require;

// Fixed environment: ${TARGET} and ${VUS} resolve, anything else is unset (so ${X:-default} is exercised).
std::optional<std::string> fixed_env(const std::string& name) {
  if (name == "TARGET") return "http://127.0.0.1:8080";
  if (name == "VUS") return "3";
  return std::nullopt;
}

void check_executor(const ExecutorConfig& e) {
  require(e.graceful_stop.count() >= 0 && e.start_time.count() >= 0, "negative gracefulStop or startTime");
  require(e.time_unit.count() > 0, "time unit not positive");
  switch (e.kind) {
    case ExecutorKind::constant_vus:
    case ExecutorKind::per_vu_iterations:
    case ExecutorKind::shared_iterations:
      require(e.vus >= 1, "closed-model executor with fewer than 1 VU");
      break;
    case ExecutorKind::ramping_vus:
    case ExecutorKind::ramping_arrival_rate:
      require(!e.stages.empty(), "ramping executor without stages");
      for (const Stage& st : e.stages) require(st.target >= 0 && st.duration.count() >= 0, "negative stage");
      break;
    case ExecutorKind::constant_arrival_rate:
      require(e.rate > 0, "constant-arrival-rate with a rate that is not positive");
      break;
  }
  if (is_arrival_rate(e.kind)) require(e.max_vus >= e.pre_allocated_vus, "maxVUs below preAllocatedVUs");
}

void check_plan(const TestPlan& plan) {
  require(!plan.scenarios.empty(), "a plan without scenarios");
  for (const Scenario& s : plan.scenarios) {
    require(!s.requests.empty(), "a scenario without requests");
    for (const RequestSpec& r : s.requests) {
      require(r.weight > 0, "a request with weight 0");
      require(!r.path.empty() && r.path.front() == '/', "a request path that does not start with /");
      require(!r.method.empty(), "a request without a method");
    }
    require(s.embedded.has_value() || !s.base_url.empty() || !s.unix_socket.empty(), "a scenario without target");
    require(s.timeout.count() > 0, "a request timeout that is not positive");
    check_executor(s.executor);
    require(planned_duration(s).count() >= 0, "negative planned duration");
    require(max_total_duration(plan) >= s.executor.start_time + planned_duration(s),
            "max_total_duration shorter than a scenario");
  }
  for (const Threshold& t : plan.thresholds) {
    const ThresholdExpr again = parse_threshold_expression(t.expr.source);
    require(again.aggregation == t.expr.aggregation && again.op == t.expr.op, "threshold re-parses differently");
    require(parse_metric_selector(t.selector.key).key == t.selector.key, "selector key re-parses differently");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = perfval::fuzz::as_text(data, size);
  TestPlan plan;
  try {
    plan = parse_test_plan(text, "fuzz.yaml", fixed_env);
  } catch (const perfval::Error&) {
    return 0;  // rejected with a message: what bad input should get
  }
  check_plan(plan);
  const TestPlan again = parse_test_plan(text, "fuzz.yaml", fixed_env);
  require(again.scenarios.size() == plan.scenarios.size() && again.thresholds.size() == plan.thresholds.size() &&
              max_total_duration(again) == max_total_duration(plan),
          "loading the same text twice gives different plans");
  return 0;
}
