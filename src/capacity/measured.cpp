// measured_capacity: the per-replica throughput within the SLA that a capacity load test measured
// (summary.json `capacity_found`, docs/results.md#steps), with where and when it was measured; and
// read_run_summary, the summary.json reader it shares with --run-summary.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "perfval/capacity/analysis.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "run_summary.hpp"

namespace perfval::capacity {

namespace {
using json = nlohmann::json;

const char* const kMeasuredTakes = "(--measured takes the summary.json of a ramping `perfval run`, "
                                   "e.g. scenarios/capacity.yaml, whose steps found the capacity within the SLA)";

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw Error(path + ": " + why + " " + kMeasuredTakes);
}

// A string field, or "" when it is absent or not a string (a summary from elsewhere may hold anything).
std::string text(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string level_of(const json& o) {
  if (o.contains("rate") && o["rate"].is_number()) return format_double("%.4g it/s", o["rate"].get<double>());
  if (o.contains("vus") && o["vus"].is_number()) return format_double("%.0f VUs", o["vus"].get<double>());
  return "?";
}
}  // namespace

json read_run_summary(const std::string& path, const std::string& expects) {
  json doc;
  try {
    doc = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(path + ": not a perfval run summary: " + e.what() + " " + expects);
  }
  if (!doc.is_object() || text(doc, "schema") != "perfval/summary/v1")
    throw Error(path + ": schema: expected \"perfval/summary/v1\" " + expects);
  return doc;
}

Throughput measured_capacity(const std::string& path) {
  const json doc = read_run_summary(path, kMeasuredTakes);
  if (!doc.contains("capacity_found") || !doc["capacity_found"].is_object()) {
    refuse(path, "capacity_found: missing: this run had no load steps");
  }
  const json& c = doc["capacity_found"];
  const std::string status = text(c, "status");
  if (status != "found" && status != "not reached") {
    refuse(path, "capacity_found.status: \"" + status + "\": the run determined no capacity" +
                     (text(c, "reason").empty() ? "" : " (" + text(c, "reason") + ")"));
  }
  if (!c.contains("rps") || !c["rps"].is_number() || c["rps"].get<double>() <= 0) {
    refuse(path, "capacity_found.rps: expected a positive request rate");
  }
  Throughput t;
  t.per_replica_rps = c["rps"].get<double>();
  t.measured_at = text(doc, "started_at");
  t.source = "the capacity run " + path + (t.measured_at.empty() ? "" : " of " + t.measured_at) + ", " +
             level_of(c) + " within the SLA";
  if (status == "not reached") {
    t.source += " (the SLA never broke: the most it was loaded with, so a lower bound)";
  } else if (c.contains("broke_at") && c["broke_at"].is_object()) {
    t.source += ", broke at " + level_of(c["broke_at"]);
  }
  return t;
}

std::string measured_path(const CapacityConfig& config) {
  const std::string& m = config.scaling.replicas.measured;
  if (m.empty() || m.front() == '/' || config.file.empty()) return m;
  return (std::filesystem::path(config.file).parent_path() / m).string();
}

}  // namespace perfval::capacity
