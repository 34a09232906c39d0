// Parsing of a scenario file's `thresholds:` map: metric selectors, expressions, and per-metric aggregations.
#include <algorithm>
#include <set>

#include "perfval/common/did_you_mean.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen::detail {

namespace {

// The parser's reason without its own echo of the input ('threshold "x": '), which our message already has.
std::string reason_of(const Error& e, const std::string& prefix) {
  std::string reason = e.what();
  if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
  return reason;
}

enum class MetricType { trend, rate, counter, gauge, resource };

struct MetricInfo {
  const char* name;  // k6 metric name, e.g. "http_req_duration"
  MetricType type;   // decides which aggregations a threshold may use
};

constexpr MetricInfo kMetrics[] = {
    {"http_reqs", MetricType::counter},
    {"http_req_duration", MetricType::trend},
    {"http_req_duration_uncorrected", MetricType::trend},
    {"http_req_connecting", MetricType::trend},       // per new connection
    {"http_req_tls_handshaking", MetricType::trend},  // per new TLS connection
    {"protocol_warnings", MetricType::counter},
    {"http_req_failed", MetricType::rate},
    {"checks", MetricType::rate},  // response checks (k6's check()); tag check:REQUEST.KIND
    {"availability", MetricType::rate},
    {"iterations", MetricType::counter},
    {"dropped_iterations", MetricType::counter},
    {"vus", MetricType::gauge},
    {"vus_max", MetricType::gauge},
    {"data_sent", MetricType::counter},
    {"data_received", MetricType::counter},
    {"target_memory_bytes", MetricType::resource},  // the target's own resources (target.resources)
    {"target_cpu_cores", MetricType::resource},
    {"target_gc_pause", MetricType::resource},
};

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::trend: return "trend";
    case MetricType::rate: return "rate";
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::resource: return "resource";
  }
  return "";
}

// Aggregations each metric type supports; "p(N)" stands for any percentile.
std::vector<std::string> aggregations(MetricType t) {
  switch (t) {
    case MetricType::trend: return {"avg", "min", "med", "max", "p(N)"};
    case MetricType::rate: return {"rate"};
    case MetricType::counter: return {"count", "rate"};
    case MetricType::gauge: return {"value", "min", "max"};
    case MetricType::resource: return {"max", "avg", "min", "value"};
  }
  return {};
}

bool supports(MetricType t, const std::string& aggregation) {
  const auto allowed = aggregations(t);
  const std::string key = aggregation.rfind("p(", 0) == 0 ? "p(N)" : aggregation;
  return std::find(allowed.begin(), allowed.end(), key) != allowed.end();
}

MetricType check_metric(const YamlValue& map, const std::string& key, const std::string& metric) {
  std::vector<std::string> names;
  for (const auto& m : kMetrics) {
    if (metric == m.name) return m.type;
    names.emplace_back(m.name);
  }
  fail_at_key(map, key, "unknown metric \"" + metric + "\"" + did_you_mean_suffix(metric, names) +
                            "; metrics are " + join(names));
}

void check_tags(const YamlValue& map, const std::string& key, const MetricSelector& sel,
                const std::vector<Scenario>& scenarios) {
  std::vector<std::string> scenario_names, request_names, check_names;
  for (const auto& s : scenarios) {
    scenario_names.push_back(s.name);
    for (const auto& r : s.requests) {
      for (std::size_t i = 0; i < r.checks.size(); ++i) check_names.push_back(r.name + "." + r.checks.name(i));
      if (std::find(request_names.begin(), request_names.end(), r.name) == request_names.end()) {
        request_names.push_back(r.name);
      }
    }
  }
  for (const auto& [tag, value] : sel.tags) {
    const std::vector<std::string>* known = nullptr;
    if (tag == "name") known = &request_names;
    else if (tag == "scenario") known = &scenario_names;
    else if (tag == "check" && sel.metric == "checks") known = &check_names;
    else if (tag == "check") fail_at_key(map, key, "the check tag belongs to the checks metric");
    else fail_at_key(map, key, "unknown tag \"" + tag + "\"" + did_you_mean_suffix(tag, {"name", "scenario", "check"}) +
                                   "; thresholds may filter by name and scenario (and checks by check)");
    if (std::find(known->begin(), known->end(), value) == known->end()) {
      const std::string what = tag == "name" ? "request" : tag == "check" ? "check" : "scenario";
      fail_at_key(map, key, "no " + what + " named \"" + value + "\"" + did_you_mean_suffix(value, *known) +
                                "; " + what + "s are " + join(*known));
    }
  }
}

ThresholdExpr parse_expression(const YamlValue& node, const std::string& metric, MetricType type) {
  const std::string text = node.as_string();
  ThresholdExpr expr;
  try {
    expr = parse_threshold_expression(text, threshold_unit(metric));
  } catch (const Error& e) {
    node.fail("invalid threshold \"" + text + "\": " + reason_of(e, "threshold \"" + text + "\": "));
  }
  if (!supports(type, expr.aggregation)) {
    node.fail("\"" + expr.aggregation + "\" does not apply to " + metric + ", a " + type_name(type) +
              " metric (use " + join(aggregations(type)) + ")");
  }
  return expr;
}

Threshold parse_item(const YamlValue& item, const MetricSelector& sel, MetricType type) {
  Threshold t;
  t.selector = sel;
  if (!item.is_map()) {
    t.expr = parse_expression(item, sel.metric, type);
    return t;
  }
  item.check_keys({"threshold", "abortOnFail", "delayAbortEval"});
  t.expr = parse_expression(item.require("threshold"), sel.metric, type);
  if (auto v = item.get("abortOnFail")) t.abort_on_fail = v->as_bool();
  if (auto v = item.get("delayAbortEval")) t.delay_abort_eval = v->as_duration();
  return t;
}

}  // namespace

std::vector<Threshold> parse_thresholds(const YamlValue& node, const std::vector<Scenario>& scenarios) {
  std::vector<Threshold> out;
  if (node.is_null()) return out;
  for (const auto& [key, value] : node.entries()) {
    MetricSelector sel;
    try {
      sel = parse_metric_selector(key);
    } catch (const Error& e) {
      fail_at_key(node, key, "invalid metric selector: " + reason_of(e, "metric selector \"" + key + "\": "));
    }
    const MetricType type = check_metric(node, key, sel.metric);
    if (type == MetricType::resource && !sel.tags.empty()) {
      fail_at_key(node, key, sel.metric + " is the target's, not a request's: it takes no tags");
    }
    check_tags(node, key, sel, scenarios);
    if (!value.is_sequence()) {
      value.fail("expected a list of expressions such as [\"p(95)<500ms\"] or "
                 "[{threshold: \"p(95)<500ms\", abortOnFail: true}]");
    }
    const auto items = value.items();
    if (items.empty()) value.fail("expected at least one threshold expression");
    for (const auto& item : items) out.push_back(parse_item(item, sel, type));
  }
  return out;
}

}  // namespace perfval::loadgen::detail
