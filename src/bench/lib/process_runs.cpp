// Merging the JSON documents of `perfval bench --processes N` into one (see process_runs.hpp).
#include "perfval/bench/process_runs.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace perfval::bench {

namespace {

using nlohmann::json;

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Fields of a row that are not measurements: left as the first repetition has them.
bool is_bookkeeping(const std::string& key) {
  static const std::set<std::string> fields{"family_index", "per_family_instance_index", "repetitions",
                                            "repetition_index", "threads", "iterations", "perfval_process"};
  return fields.count(key) > 0;
}

}  // namespace

json merge_process_runs(const std::vector<json>& documents, int repetitions_per_process, bool interleaved) {
  json out = documents.empty() ? json::object() : documents.front();
  out["benchmarks"] = json::array();
  if (!out.contains("context")) out["context"] = json::object();
  out["context"]["perfval_processes"] = documents.size();
  out["context"]["perfval_repetitions_per_process"] = repetitions_per_process;
  out["context"]["perfval_interleaved"] = interleaved && repetitions_per_process > 1;
  std::vector<std::string> order;                   // run names in first-seen order
  std::map<std::string, json> first;                // the first iteration row of each run name
  // run name -> field -> process -> values of its repetitions
  std::map<std::string, std::map<std::string, std::map<std::size_t, std::vector<double>>>> values;
  for (std::size_t p = 0; p < documents.size(); ++p) {
    for (const auto& row : documents[p].value("benchmarks", json::array())) {
      if (row.value("run_type", "iteration") != "iteration") continue;
      json r = row;
      r["perfval_process"] = p;
      out["benchmarks"].push_back(r);
      if (row.value("error_occurred", false)) continue;
      const std::string name = row.value("run_name", row.value("name", std::string()));
      if (!first.count(name)) order.push_back(name), first[name] = row;
      for (const auto& [key, v] : row.items())
        if (v.is_number() && !is_bookkeeping(key)) values[name][key][p].push_back(v.get<double>());
    }
  }
  for (const auto& name : order) {
    json agg = first[name];
    agg["name"] = name + "_median";
    agg["run_type"] = "aggregate";
    agg["aggregate_name"] = "median";
    agg["aggregate_unit"] = "time";
    agg.erase("repetition_index");
    for (const auto& [key, by_process] : values[name]) {
      std::vector<double> medians;
      for (const auto& [p, v] : by_process) medians.push_back(median_of(v));
      agg[key] = median_of(medians);
    }
    out["benchmarks"].push_back(agg);
  }
  return out;
}

}  // namespace perfval::bench
