// Aggregates over measured Stats (what thresholds and reports read) and threshold evaluation on a summary.
#include "perfval/loadgen/summary.hpp"

#include <algorithm>

namespace perfval::loadgen {

namespace {
bool selected(const RequestCatalog::Entry& e, const MetricSelector& sel, bool& unsupported_tag) {
  for (const auto& [tag, value] : sel.tags) {
    if (tag == "name") {
      if (e.name != value) return false;
    } else if (tag == "scenario") {
      if (e.scenario != value) return false;
    } else {
      unsupported_tag = true;
      return false;
    }
  }
  return true;
}

// checks{check:REQUEST.KIND}: does check j of entry e carry that name?
bool check_named(const RequestCatalog::Entry& e, const std::string& check, const std::string& value) {
  return value.size() == e.name.size() + 1 + check.size() && value.compare(0, e.name.size(), e.name) == 0 &&
         value[e.name.size()] == '.' && value.compare(e.name.size() + 1, std::string::npos, check) == 0;
}

std::optional<double> trend(const Histogram& h, const ThresholdExpr& expr) {
  if (h.empty()) return std::nullopt;
  const auto& a = expr.aggregation;
  if (a == "avg") return h.mean() / 1000.0;
  if (a == "min") return static_cast<double>(h.min()) / 1000.0;
  if (a == "max") return static_cast<double>(h.max()) / 1000.0;
  if (a == "med") return static_cast<double>(h.value_at_percentile(50)) / 1000.0;
  if (a.rfind("p(", 0) == 0) return static_cast<double>(h.value_at_percentile(expr.percentile)) / 1000.0;
  if (a == "count") return static_cast<double>(h.count());
  return std::nullopt;
}

std::optional<double> counter(double count, double elapsed, const ThresholdExpr& expr) {
  if (expr.aggregation == "count") return count;
  if (expr.aggregation == "rate") return elapsed > 0 ? count / elapsed : 0.0;
  return std::nullopt;
}

std::optional<double> ratio(std::uint64_t part, std::uint64_t whole, bool complement, const ThresholdExpr& expr) {
  if (expr.aggregation != "rate" || whole == 0) return std::nullopt;
  const double r = static_cast<double>(part) / static_cast<double>(whole);
  return complement ? 1.0 - r : r;
}

// vus: every complete second's value, then the current one (a gauge is read, never summed over time).
std::optional<double> vus_gauge(const RunView& run, const ThresholdExpr& expr) {
  const double now = static_cast<double>(run.gauges.vus);
  double lo = now, hi = now;
  for (const auto& s : run.timeseries) {
    lo = std::min(lo, static_cast<double>(s.vus));
    hi = std::max(hi, static_cast<double>(s.vus));
  }
  if (expr.aggregation == "value") return now;
  if (expr.aggregation == "min") return lo;
  if (expr.aggregation == "max") return hi;
  return std::nullopt;
}

// target_*: no readings is no data, so a threshold on them fails rather than passes unseen.
std::optional<double> resource(const ResourceStat& stat, std::optional<double> avg, const ThresholdExpr& expr) {
  if (stat.empty()) return std::nullopt;
  const auto& a = expr.aggregation;
  if (a == "value") return stat.last;
  if (a == "min") return stat.min;
  if (a == "max") return stat.max;
  if (a == "avg") return avg;
  return std::nullopt;
}
}  // namespace

RunView view_of(const RunSummary& s) {
  return RunView{s.totals, s.catalog, s.duration, s.timeseries, Gauges{s.vus, s.vus_max, 0}, s.resources};
}

std::optional<RequestStats> select_requests(const Stats& stats, const RequestCatalog& catalog,
                                            const MetricSelector& selector) {
  RequestStats sel;
  bool unsupported = false;
  for (std::size_t i = 0; i < stats.by_request.size() && i < catalog.entries.size(); ++i) {
    if (selected(catalog.entries[i], selector, unsupported)) sel += stats.by_request[i];
  }
  if (unsupported) return std::nullopt;
  return sel;
}

std::optional<double> aggregate(const RunView& run, const MetricSelector& selector, const ThresholdExpr& expr) {
  const std::string& m = selector.metric;
  const bool tagged = !selector.tags.empty();
  const ResourceSummary& res = run.resources;
  if (m == "target_memory_bytes") return tagged ? std::nullopt : resource(res.memory, res.memory.avg(), expr);
  if (m == "target_cpu_cores") return tagged ? std::nullopt : resource(res.cpu, res.cpu_cores_avg, expr);
  if (m == "target_gc_pause") return tagged ? std::nullopt : resource(res.gc_pause, res.gc_pause_avg_ms, expr);
  const Stats& stats = run.totals;
  const double elapsed = run.elapsed;
  if (m == "checks") {
    const auto c = select_checks(stats, run.catalog, selector);
    if (!c) return std::nullopt;
    return ratio(c->passes, c->passes + c->fails, false, expr);
  }
  const auto selection = select_requests(stats, run.catalog, selector);
  if (!selection) return std::nullopt;
  const RequestStats& sel = *selection;
  if (m == "http_reqs") return counter(static_cast<double>(sel.requests), elapsed, expr);
  if (m == "iterations") {
    return counter(static_cast<double>(tagged ? sel.requests : stats.iterations), elapsed, expr);
  }
  if (m == "http_req_duration") return trend(sel.duration, expr);
  if (m == "http_req_duration_uncorrected") return trend(sel.duration_uncorrected, expr);
  if (m == "http_req_connecting") return trend(sel.connecting, expr);
  if (m == "http_req_tls_handshaking") return trend(sel.tls_handshaking, expr);
  if (m == "protocol_warnings") return counter(static_cast<double>(sel.protocol_warnings), elapsed, expr);
  if (m == "http_req_failed") return ratio(sel.failed, sel.requests, false, expr);
  if (m == "availability") return ratio(sel.unavailable, sel.requests, true, expr);
  if (m == "data_sent") return counter(static_cast<double>(sel.bytes_sent), elapsed, expr);
  if (m == "data_received") return counter(static_cast<double>(sel.bytes_received), elapsed, expr);
  if (tagged) return std::nullopt;  // the remaining metrics are run-wide
  if (m == "dropped_iterations") return counter(static_cast<double>(stats.dropped_iterations), elapsed, expr);
  if (m == "vus") return vus_gauge(run, expr);
  if (m == "vus_max") return static_cast<double>(run.gauges.vus_max);  // value, min and max alike
  return std::nullopt;
}

std::optional<CheckCounts> select_checks(const Stats& stats, const RequestCatalog& catalog,
                                         const MetricSelector& selector) {
  MetricSelector requests_only = selector;
  const auto check_tag = requests_only.tags.find("check");
  std::string check;
  if (check_tag != requests_only.tags.end()) {
    check = check_tag->second;
    requests_only.tags.erase(check_tag);
  }
  CheckCounts sum;
  bool unsupported = false;
  for (std::size_t i = 0; i < stats.by_request.size() && i < catalog.entries.size(); ++i) {
    const auto& e = catalog.entries[i];
    if (!selected(e, requests_only, unsupported)) continue;
    const auto& counts = stats.by_request[i].checks;
    const auto& names = catalog.checks_of(i).names;
    for (std::size_t j = 0; j < counts.size() && j < names.size(); ++j) {
      if (!check.empty() && !check_named(e, names[j], check)) continue;
      sum.passes += counts[j].passes;
      sum.fails += counts[j].fails;
    }
  }
  if (unsupported) return std::nullopt;
  return sum;
}

void evaluate_summary_thresholds(RunSummary& summary) {
  summary.thresholds.clear();
  for (const auto& t : summary.threshold_specs) {
    ThresholdOutcome o;
    o.metric = t.selector.key;
    o.expression = t.expr.source;
    o.abort_on_fail = t.abort_on_fail;
    o.observed = aggregate(view_of(summary), t.selector, t.expr);
    o.ok = o.observed.has_value() && t.expr.passes(*o.observed);
    summary.thresholds.push_back(o);
  }
}

bool RunSummary::passed() const {
  if (aborted) return false;
  if (totals.total().requests == 0) return false;  // a run that measured nothing proves nothing
  return std::all_of(thresholds.begin(), thresholds.end(), [](const ThresholdOutcome& t) { return t.ok; });
}

}  // namespace perfval::loadgen
