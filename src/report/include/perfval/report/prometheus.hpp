// Prometheus output: final results pushed to a Pushgateway (run, bench, capacity, regress) and live metrics
// served while a run goes on (`perfval run --metrics-listen`). Metric names: docs/metrics.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "perfval/common/args.hpp"
#include "perfval/loadgen/summary.hpp"

namespace perfval::report {

struct PushOptions {
  std::string url;               // Pushgateway base URL, e.g. http://127.0.0.1:9091
  std::string job = "perfval";   // `job` grouping label
  std::string instance;          // `instance` grouping label; default: this host's name
  std::string prefix = "slurm";  // metric name prefix, e.g. slurm -> slurm_load_test_response_time_p95
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // for the whole push
};

// One pushed value. `type` is "gauge" or "counter".
struct PushedMetric {
  std::string name;                           // full name, prefix included
  std::string help;                           // HELP text
  std::map<std::string, std::string> labels;  // extra labels besides job/instance
  double value = 0;
  std::string type = "gauge";
};

// Adds --pushgateway, --push-job, --push-instance and --metric-prefix to a command's options.
void add_push_options(ArgParser& parser);
// nullopt when --pushgateway was not given; throws perfval::Error for a malformed URL or prefix.
std::optional<PushOptions> push_options_from(const ParsedArgs& args);

// The Prometheus text exposition of `metrics` (one family per name, HELP and TYPE lines).
std::string render_exposition(const std::vector<PushedMetric>& metrics);

// PUTs the metrics to <url>/metrics/job/<job>/instance/<instance>, replacing that group. Never throws for
// transport problems: returns "" on success or a message; a push failure must not change any verdict.
std::string push_metrics(const PushOptions& options, const std::vector<PushedMetric>& metrics);
// push_metrics, then one line on stderr: what was pushed, or a warning naming the failure. No-op without options.
void push_and_report(const std::optional<PushOptions>& options, const std::vector<PushedMetric>& metrics);

// The final results of a load run: <prefix>_load_test_* with label scenario.
std::vector<PushedMetric> load_test_metrics(const loadgen::RunSummary& summary, const std::string& prefix);

// `perfval run --metrics-listen HOST:PORT`: a /metrics endpoint updated from the coordinator once a second.
class LiveMetrics {
 public:
  explicit LiveMetrics(const std::string& listen);  // throws perfval::Error when it cannot listen
  ~LiveMetrics();
  LiveMetrics(const LiveMetrics&) = delete;
  LiveMetrics& operator=(const LiveMetrics&) = delete;

  // Adds one worker's per-second delta (called on the coordinator thread, never on the request path).
  void add(const loadgen::Stats& delta, const loadgen::RequestCatalog& catalog);
  void set_vus(std::int64_t vus);
  // The target's latest memory/CPU/GC figures (perfval_target_*), registered once a reading had them.
  void set_resources(const loadgen::ResourceSummary& resources);
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace perfval::report
