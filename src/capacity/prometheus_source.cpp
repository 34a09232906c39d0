// The Prometheus source: /api/v1/query_range with a step inside the 11,000-point limit, every series kept.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "perfval/capacity/sources.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/http/simple_client.hpp"
#include "perfval/http/url.hpp"

namespace perfval::capacity {

namespace {

using nlohmann::json;

std::string labels_of(const json& metric) {
  std::string out;
  for (const auto& [k, v] : metric.items()) {
    if (k == "__name__") continue;  // the query already says which metric it is
    out += (out.empty() ? "{" : ",") + k + "=\"" + (v.is_string() ? v.get<std::string>() : v.dump()) + "\"";
  }
  return out.empty() ? out : out + "}";
}

Series parse_series(const json& item, const std::string& metric_key) {
  Series s;
  s.metric = metric_key;
  s.labels = labels_of(item.value("metric", json::object()));
  const json& values = item.at("values");
  s.t.reserve(values.size());
  s.v.reserve(values.size());
  int bad = 0;
  for (const auto& pair : values) {
    const double t = pair.at(0).get<double>();
    const std::string text = pair.at(1).get<std::string>();
    double v = NAN;
    try {
      v = std::stod(text);
    } catch (...) {
    }
    if (!std::isfinite(v) || v < 0) {
      if (bad++ == 0) s.error = text + " at " + format_timestamp(t);
      continue;
    }
    s.t.push_back(t);
    s.v.push_back(v);
  }
  if (bad > 0) {
    s.error = s.name() + ": " + std::to_string(bad) + " negative or NaN values (first: " + s.error +
              "); fix the query (e.g. guard divisions with `> 0`) or clamp it";
  }
  return s;
}

// Combines series sampled on the same step grid into one, per timestamp.
Series aggregate(const std::vector<Series>& all, Aggregate how, const std::string& metric_key) {
  struct Acc {
    double sum = 0, max = -INFINITY, min = INFINITY;
    int n = 0;
  };
  std::map<double, Acc> by_time;
  Series out;
  out.metric = metric_key;
  out.labels = std::string("{") + to_string(how) + " of " + std::to_string(all.size()) + " series}";
  for (const auto& s : all) {
    if (!s.error.empty()) {
      out.error = s.error;
      return out;
    }
    for (std::size_t i = 0; i < s.t.size(); ++i) {
      Acc& a = by_time[s.t[i]];
      a.sum += s.v[i];
      a.max = std::max(a.max, s.v[i]);
      a.min = std::min(a.min, s.v[i]);
      ++a.n;
    }
  }
  for (const auto& [t, a] : by_time) {
    out.t.push_back(t);
    out.v.push_back(how == Aggregate::sum ? a.sum : how == Aggregate::avg ? a.sum / a.n : how == Aggregate::max ? a.max : a.min);
  }
  if (all.size() == 1) out.labels.clear();
  return out;
}

json fetch(const PrometheusQuery& q, const MetricConfig& m, double step) {
  std::string base = q.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string body = "query=" + percent_encode(m.query) + "&start=" + std::to_string(q.start) +
                           "&end=" + std::to_string(q.end) + "&step=" + std::to_string(static_cast<long long>(step));
  http::ClientOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(q.timeout_s * 1000));
  http::ClientResponse resp;
  const auto url = http::parse_url(base);
  const std::string origin = url ? url->origin() : base;
  try {
    resp = http::http_request("POST", base + "/api/v1/query_range", body,
                              {{"Content-Type", "application/x-www-form-urlencoded"}}, options);
  } catch (const http::HttpError& e) {
    throw Error("Prometheus at " + origin + " unreachable (" + e.kind() + "): " + e.what());
  }
  json doc;
  try {
    doc = json::parse(resp.body);
  } catch (const json::exception&) {
    throw Error("Prometheus at " + origin + " answered HTTP " + std::to_string(resp.status) +
                " with a body that is not JSON: " + resp.body.substr(0, 200));
  }
  if (doc.value("status", "") != "success") {
    throw Error("Prometheus at " + origin + " answered HTTP " + std::to_string(resp.status) + " with an error: " +
                doc.value("errorType", "unknown") + ": " + doc.value("error", resp.body.substr(0, 200)));
  }
  return doc;
}

}  // namespace

double choose_step(double range_s, double resolution_s) {
  const double min_step = std::ceil(range_s / (kPrometheusMaxPoints - 1));
  return std::max(std::ceil(std::max(resolution_s, 1.0)), min_step);
}

std::vector<Series> query_prometheus(const PrometheusQuery& q, const MetricConfig& m) {
  const double step = choose_step(q.end - q.start, q.resolution_s);
  const json doc = fetch(q, m, step);
  const json& data = doc.at("data");
  if (data.value("resultType", "") != "matrix") {
    throw Error("query returned a " + data.value("resultType", std::string("?")) + ", expected a range vector");
  }
  std::vector<Series> all;
  try {
    for (const auto& item : data.at("result")) all.push_back(parse_series(item, to_string(m.kind)));
  } catch (const json::exception& e) {
    throw Error(std::string("malformed query_range answer: ") + e.what());
  }
  if (all.empty()) {
    throw Error("query returned no series over the last " + std::to_string(static_cast<int>((q.end - q.start) / 86400)) +
                " d: " + m.query);
  }
  if (m.aggregate != Aggregate::each) return {aggregate(all, m.aggregate, to_string(m.kind))};
  if (all.size() == 1) all.front().labels.clear();  // a single series is the metric itself
  return all;
}

}  // namespace perfval::capacity
