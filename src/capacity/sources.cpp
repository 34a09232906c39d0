// Gathers every configured metric's series from --data and/or --prometheus; failures stay per metric.
#include <optional>

#include "perfval/capacity/sources.hpp"
#include "perfval/common/error.hpp"

namespace perfval::capacity {

namespace {

AnalysisInput failed(const MetricConfig& m, const std::string& why) {
  AnalysisInput in{m, {}};
  in.series.metric = to_string(m.kind);
  in.series.error = why;
  return in;
}

std::string column_list(const DataTable& table) {
  std::string out;
  for (const auto& c : table.columns) out += (out.empty() ? "" : ", ") + c;
  return out;
}

void add_prometheus(const CapacityConfig& config, const MetricConfig& m, const SourceOptions& o,
                    std::vector<AnalysisInput>& out) {
  const std::string key = to_string(m.kind);
  if (m.query.empty()) {
    out.push_back(failed(m, key + ": no query configured (metrics." + key + ".query) for --prometheus"));
    return;
  }
  PrometheusQuery q;
  q.base_url = o.prometheus_url;
  q.end = o.now_unix;
  q.start = o.now_unix - config.history_days * 86400;
  q.resolution_s = config.resolution_s;
  try {
    for (auto& s : query_prometheus(q, m)) out.push_back({m, std::move(s)});
  } catch (const Error& e) {
    out.push_back(failed(m, key + ": " + e.what()));
  }
}

}  // namespace

std::vector<AnalysisInput> collect_inputs(const CapacityConfig& config, const SourceOptions& o) {
  if (o.data_file.empty() && o.prometheus_url.empty()) {
    throw Error("capacity analyze: give --data FILE (CSV or JSON) or --prometheus URL");
  }
  std::optional<DataTable> table;
  if (!o.data_file.empty()) table = load_data_file(o.data_file);
  std::vector<AnalysisInput> out;
  for (const auto& m : config.metrics) {
    const std::string key = to_string(m.kind);
    if (table) {
      if (auto s = column_series(*table, m.column, key)) {
        out.push_back({m, std::move(*s)});
        continue;
      }
    }
    if (!o.prometheus_url.empty()) {
      add_prometheus(config, m, o, out);
    } else {
      out.push_back(failed(m, key + ": column \"" + m.column + "\" is not in " + table->file + " (columns: " +
                                  column_list(*table) + ")"));
    }
  }
  return out;
}

}  // namespace perfval::capacity
