// The scenario model read from YAML (docs/scenarios.md): target, weighted request mix, executor, thresholds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfval/common/env_subst.hpp"
#include "perfval/http/tls_options.hpp"
#include "perfval/loadgen/checks.hpp"
#include "perfval/loadgen/data_file.hpp"
#include "perfval/loadgen/threshold.hpp"
#include "perfval/target/options.hpp"

namespace perfval::loadgen {

using Nanos = std::chrono::nanoseconds;

enum class ExecutorKind {
  constant_vus,
  ramping_vus,
  constant_arrival_rate,
  ramping_arrival_rate,
  per_vu_iterations,
  shared_iterations,
};
const char* to_string(ExecutorKind kind);  // k6 spelling, e.g. "constant-arrival-rate"
bool is_arrival_rate(ExecutorKind kind);   // the open-model executors

struct Stage {
  Nanos duration{0};  // length of the stage
  double target = 0;  // VUs (ramping-vus) or iterations per time_unit (ramping-arrival-rate) at its end
};

// k6 executor options; only those of `kind` are meaningful, the parser rejects the others.
struct ExecutorConfig {
  ExecutorKind kind = ExecutorKind::constant_vus;
  std::int64_t vus = 1;                 // constant-vus, per-vu-iterations, shared-iterations
  Nanos duration{0};                    // constant-vus, constant-arrival-rate
  std::int64_t start_vus = 1;           // ramping-vus: VUs at t=0 (k6 startVUs)
  std::vector<Stage> stages;            // ramping-vus, ramping-arrival-rate
  double rate = 0;                      // constant-arrival-rate: iterations per time_unit
  double start_rate = 0;                // ramping-arrival-rate: iterations per time_unit at t=0 (k6 startRate)
  Nanos time_unit = std::chrono::seconds(1);  // arrival-rate executors (k6 timeUnit)
  std::int64_t pre_allocated_vus = 0;   // arrival-rate executors (k6 preAllocatedVUs)
  std::int64_t max_vus = 0;             // arrival-rate executors (k6 maxVUs); >= pre_allocated_vus
  std::int64_t iterations = 1;          // per-vu-iterations: per VU; shared-iterations: in total
  Nanos max_duration = std::chrono::minutes(10);    // iteration-based executors (k6 maxDuration)
  Nanos graceful_stop = std::chrono::seconds(30);   // time in-flight iterations get after the end (k6 gracefulStop)
  Nanos graceful_ramp_down = std::chrono::seconds(30);  // ramping-vus: time a VU being removed may finish in
  Nanos start_time{0};                  // offset from the start of the run (k6 startTime)
};

struct Header {
  std::string name;
  std::string value;
};

struct RequestSpec {
  std::string name;             // tag used in per-name metrics, e.g. "metrics"
  std::string method = "GET";   // HTTP method, upper case
  std::string path = "/";       // path and query, starting with "/"
  std::vector<Header> headers;  // extra request headers
  std::string body;             // request body (sent with Content-Length)
  std::uint32_t weight = 1;     // relative share of iterations, > 0
  std::string path_as_written;  // `path` as written (${VAR} kept): what summaries echo instead of `path`
  RequestChecks checks;         // response checks (docs/scenarios.md#checks); empty: none
};

struct Scenario {
  std::string name;             // "baseline"; under `scenarios:` the map key
  std::string description;
  std::string base_url;         // "http://host:port" (path prefix allowed); empty when `embedded` is set
  std::optional<target::ServeOptions> embedded;  // start an in-process target on a free loopback port
  std::vector<RequestSpec> requests;             // at least one
  Nanos think_time{0};          // closed-model executors: pause after each response
  Nanos timeout = std::chrono::seconds(30);      // per request: connect + send + full response
  ExecutorConfig executor;
  std::string base_url_as_written;  // base_url as written (${VAR} kept): what echoes print instead of base_url
  std::string unix_socket;          // target.unix_socket: HTTP over this Unix socket; empty: TCP to base_url
  std::string unix_socket_as_written;  // for echoes
  http::TlsOptions tls;             // https targets: top-level k6 TLS options and target.ca_file
  std::optional<DataSource> data;   // `data:` rows for {{data.COLUMN}}
};

// A whole scenario file: one scenario (flat form) or several under `scenarios:`, sharing the thresholds.
struct TestPlan {
  std::string file;                  // path it was read from
  std::string name;                  // file-level name (or the single scenario's name)
  std::string description;
  std::vector<Scenario> scenarios;   // run concurrently, each from its start_time
  std::vector<Threshold> thresholds; // evaluated on the merged metrics
  std::vector<EnvUse> env;           // variables taken from the environment: redact_env() free-text output
};

// Reads and validates a scenario file. Throws perfval::Error naming file:line:column and field.
// ${VAR} / ${VAR:-default} in values come from `env` (the process environment by default).
TestPlan load_test_plan(const std::string& path, const EnvLookup& env = process_env());
TestPlan parse_test_plan(const std::string& yaml_text, const std::string& file_name,
                         const EnvLookup& env = process_env());

// What echoes of the configuration (summary.json, console, reports) print: the text as written, so a value
// taken from the environment never appears; falls back to the value for fields set in code.
const std::string& echo_base_url(const Scenario& s);
const std::string& echo_path(const RequestSpec& r);

// Command-line overrides (`perfval run --target/--vus/--duration/--rate`), applied to every scenario.
struct Overrides {
  std::optional<std::string> target;  // base URL replacing the target (and disabling `embedded`)
  std::optional<std::int64_t> vus;
  std::optional<Nanos> duration;
  std::optional<double> rate;         // iterations per time_unit
  std::optional<std::string> scenario;  // run only this named scenario
};
// Throws perfval::Error when an override does not fit the executor (e.g. --rate on constant-vus).
void apply_overrides(TestPlan& plan, const Overrides& overrides);

// Longest time the plan can run: max over scenarios of start_time + planned duration + graceful stop.
Nanos planned_duration(const Scenario& scenario);  // without graceful stop
Nanos max_total_duration(const TestPlan& plan);

}  // namespace perfval::loadgen
