// Pushgateway export: per-benchmark means as gauges, replaced as a group on every push (PUT).
#include "perfval/bench/push.hpp"

#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "perfval/common/error.hpp"
#include "perfval/http/simple_client.hpp"

namespace perfval::bench {
namespace {

using nlohmann::json;

// Fields of a row that are not measurements.
const std::set<std::string> kNotMeasurements{
    "name", "run_name", "run_type", "aggregate_name", "aggregate_unit", "repetitions", "repetition_index", "threads",
    "iterations", "real_time", "cpu_time", "time_unit", "error_occurred", "error_message", "family_index",
    "per_family_instance_index", "label", "big_o", "rms", "complexity_n"};

double to_ns(double value, const std::string& unit) {
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return value;
}

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

bool valid_name(const std::string& s, bool allow_dash) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    (allow_dash && c == '-');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string benchmark_exposition(const json& doc, const std::string& prefix) {
  std::map<std::string, std::map<std::string, std::vector<double>>> values;  // benchmark -> counter -> samples
  std::map<std::string, bool> failed;
  for (const auto& row : doc.value("benchmarks", json::array())) {
    if (row.value("run_type", "iteration") != "iteration") continue;
    const std::string name = row.value("run_name", row.value("name", ""));
    failed[name] = failed[name] || row.value("error_occurred", false);
    if (row.value("error_occurred", false)) continue;
    auto& counters = values[name];
    if (row.contains("real_time")) counters["real_time_ns"].push_back(to_ns(row["real_time"], row.value("time_unit", "ns")));
    for (auto it = row.begin(); it != row.end(); ++it)
      if (!kNotMeasurements.count(it.key()) && it->is_number()) counters[it.key()].push_back(it->get<double>());
  }
  const auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  };
  std::string out = "# HELP " + prefix + "_benchmark_value Mean over repetitions of a perfval bench counter.\n# TYPE " +
                    prefix + "_benchmark_value gauge\n";
  for (const auto& [bench, counters] : values)
    for (const auto& [counter, samples] : counters)
      out += prefix + "_benchmark_value{benchmark=\"" + escape(bench) + "\",counter=\"" + escape(counter) + "\"} " +
             number(mean(samples)) + "\n";
  out += "# HELP " + prefix + "_benchmark_failed 1 when the benchmark reported error_occurred.\n# TYPE " + prefix +
         "_benchmark_failed gauge\n";
  for (const auto& [bench, f] : failed)
    out += prefix + "_benchmark_failed{benchmark=\"" + escape(bench) + "\"} " + (f ? "1" : "0") + "\n";
  for (const auto& [bench, counters] : values) {
    if (bench.rfind("memory/allocation/", 0) != 0 || !counters.count("allocations_per_second")) continue;
    out += "# HELP " + prefix + "_benchmark_memory_allocs_per_second Allocations per second (memory/allocation).\n";
    out += "# TYPE " + prefix + "_benchmark_memory_allocs_per_second gauge\n";
    out += prefix + "_benchmark_memory_allocs_per_second " + number(mean(counters.at("allocations_per_second"))) + "\n";
    break;
  }
  return out;
}

void push_to_gateway(const std::string& url, const std::string& job, const std::string& body) {
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string target = base + "/metrics/job/" + job;
  http::ClientOptions options;
  options.timeout = std::chrono::seconds(15);
  try {
    const auto r = http::http_request("PUT", target, body, {{"Content-Type", "text/plain; version=0.0.4"}}, options);
    if (r.status / 100 != 2) {
      throw Error("--pushgateway: " + base + " answered HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200),
                  exit_code::internal_error);
    }
  } catch (const http::HttpError& e) {
    throw Error("--pushgateway: cannot push to " + base + " (" + e.kind() + "): " + e.what(), exit_code::internal_error);
  }
}

void check_metric_prefix(const std::string& name, const std::string& option) {
  if (!valid_name(name, false)) throw Error(option + ": \"" + name + "\" is not a metric name prefix ([a-zA-Z_][a-zA-Z0-9_]*)");
}

void check_job_name(const std::string& name, const std::string& option) {
  if (!valid_name(name, true)) throw Error(option + ": \"" + name + "\" is not a job name (letters, digits, _ and -)");
}

}  // namespace perfval::bench
