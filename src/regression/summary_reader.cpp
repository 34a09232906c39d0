// perfval run summaries (schema perfval/summary/v1): metric values, interval samples, resources, cluster size.
#include <algorithm>

#include "results_internal.hpp"

namespace perfval::regression::detail {

using nlohmann::json;

namespace {

std::string unit_for(const std::string& type, const std::string& metric, const std::string& field) {
  if (type == "trend") return "ms";
  if (type == "rate") return field == "rate" ? "ratio" : "count";
  if (type == "counter") {
    if (field == "rate") return "/s";
    return metric.rfind("data_", 0) == 0 ? "bytes" : "count";
  }
  return "";
}

bool is_value_field(const std::string& k) {
  return k == "avg" || k == "min" || k == "med" || k == "max" || k == "count" || k == "rate" || k == "value" ||
         k == "passes" || k == "fails" || k.rfind("p(", 0) == 0;
}

std::string resource_unit(const std::string& field) {
  auto ends = [&](const std::string& s) {
    return field.size() >= s.size() && field.compare(field.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("_bytes")) return "bytes";
  if (ends("_ms")) return "ms";
  if (ends("_cores")) return "cores";
  if (ends("_pct") || ends("_percent")) return "%";
  return "";
}

// Per-interval samples from timeseries[] for the untagged request metrics.
std::vector<double> interval_samples(const json& series, const std::string& metric, const std::string& field,
                                     const std::string& file) {
  std::vector<double> out;
  if (!series.is_array()) return out;
  std::string column;
  if (metric == "http_req_duration") {
    if (field == "p(95)") column = "p95";
    else if (field == "p(99)") column = "p99";
    else if (field == "med") column = "p50";
  } else if (metric == "http_reqs" && field == "rate") {
    column = "rps";
  } else if (metric == "http_req_failed" && field == "rate") {
    column = "errors";
  }
  if (column.empty()) return out;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const json& row = series[i];
    const std::string where = "timeseries[" + std::to_string(i) + "]";
    if (!row.is_object()) fail_field(file, where, "expected an object");
    const double requests = number_at(row, "requests", file, where + ".requests").value_or(0);
    const auto v = number_at(row, column.c_str(), file, where + "." + column);
    if (!v) continue;
    if (column == "errors") {
      if (requests > 0) out.push_back(*v / requests);
    } else if (column == "rps" || requests > 0) {
      out.push_back(*v);
    }
  }
  return out;
}

std::string scenario_name(const json& doc, const std::string& file) {
  const auto it = doc.find("scenario");
  if (it == doc.end() || !it->is_object()) return "default";
  const auto name = it->find("name");
  if (name == it->end()) return "default";
  if (!name->is_string()) fail_field(file, "scenario.name", "expected a string");
  return name->get<std::string>();
}

void read_metrics(const json& doc, const std::string& file, const std::string& scenario, RunResults& into) {
  const auto metrics = doc.find("metrics");
  if (metrics == doc.end()) fail_field(file, "metrics", "missing (a summary always has a metrics object)");
  if (!metrics->is_object()) fail_field(file, "metrics", "expected an object");
  const json timeseries = doc.value("timeseries", json::array());
  for (auto it = metrics->begin(); it != metrics->end(); ++it) {
    const std::string where = "metrics." + it.key();
    if (!it->is_object()) fail_field(file, where, "expected an object");
    const auto type_it = it->find("type");
    const std::string type = type_it != it->end() && type_it->is_string() ? type_it->get<std::string>() : "";
    for (auto f = it->begin(); f != it->end(); ++f) {
      // Numbers are values; nested objects (thresholds), flags and descriptive strings are not. A known value
      // field holding anything but a number is an error.
      if (!f->is_number() && !is_value_field(f.key())) continue;
      const auto v = number_at(*it, f.key().c_str(), file, where + "." + f.key());
      if (!v) continue;
      Measurement m{"summary:" + scenario + ":" + it.key() + ":" + f.key(), *v,
                    interval_samples(timeseries, it.key(), f.key(), file), unit_for(type, it.key(), f.key()), file};
      into.measurements[m.key] = std::move(m);
    }
  }
}

void read_resources(const json& doc, const std::string& file, const std::string& scenario, RunResults& into) {
  const auto res = doc.find("resources");
  if (res == doc.end() || res->is_null()) return;
  if (!res->is_object()) fail_field(file, "resources", "expected an object such as {\"memory_bytes\": 1.2e8}");
  for (auto it = res->begin(); it != res->end(); ++it) {
    // perfval writes descriptive fields beside the numbers (source, notes); a field with a unit must be a number.
    if (!it->is_number() && resource_unit(it.key()).empty()) continue;
    const auto v = number_at(*res, it.key().c_str(), file, "resources." + it.key());
    if (!v) continue;
    Measurement m{"resource:" + scenario + ":" + it.key(), *v, {}, resource_unit(it.key()), file};
    into.measurements[m.key] = std::move(m);
  }
}

}  // namespace

void read_summary_json(const json& doc, const std::string& file, RunResults& into) {
  const std::string scenario = scenario_name(doc, file);
  if (std::find(into.scenarios.begin(), into.scenarios.end(), scenario) != into.scenarios.end()) {
    into.notes.push_back(file + ": scenario " + scenario + " also appears in an earlier summary; the first is used");
    return;
  }
  into.scenarios.push_back(scenario);
  into.summary_files.push_back(file);
  read_metrics(doc, file, scenario, into);
  read_resources(doc, file, scenario, into);
  if (const auto target = doc.find("target"); target != doc.end() && target->is_object())
    if (const auto nodes = number_at(*target, "nodes", file, "target.nodes")) into.target_nodes = *nodes;
  const auto flag = doc.find("aborted");
  const auto status = doc.find("status");
  const bool aborted = (flag != doc.end() && flag->is_boolean() && flag->get<bool>()) ||
                       (status != doc.end() && status->is_string() && status->get<std::string>() == "aborted");
  if (aborted) into.notes.push_back(file + ": the run was aborted; its values cover only part of the test");
}

}  // namespace perfval::regression::detail
