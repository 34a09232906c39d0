// Benchmark results as Prometheus gauges, pushed to a Pushgateway after a run (the Kubernetes benchmark Jobs).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace perfval::bench {

// Text exposition of a Google Benchmark JSON document: PREFIX_benchmark_value{benchmark,counter} with the mean over
// repetitions of every counter plus real_time_ns, PREFIX_benchmark_failed{benchmark} (1 for error_occurred),
// and PREFIX_benchmark_memory_allocs_per_second from memory/allocation (the dashboard's allocation panel).
std::string benchmark_exposition(const nlohmann::json& doc, const std::string& prefix);

// PUT `body` to URL/metrics/job/JOB. Throws perfval::Error naming the Pushgateway on any failure.
void push_to_gateway(const std::string& url, const std::string& job, const std::string& body);

// Throws Error naming `option` unless `name` is a valid metric name prefix / job name ([a-zA-Z_][a-zA-Z0-9_]*,
// '-' also allowed in a job).
void check_metric_prefix(const std::string& name, const std::string& option);
void check_job_name(const std::string& name, const std::string& option);

}  // namespace perfval::bench
