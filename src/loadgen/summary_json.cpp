// summary_to_json: the perfval/summary/v1 document — k6-compatible `metrics`, plus thresholds, raw counters,
// serialized histograms and the 1-second time series (docs/results.md).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <set>

#include "perfval/common/duration.hpp"
#include "perfval/loadgen/summary.hpp"
#include "steps_json.hpp"

namespace perfval::loadgen {

namespace {
using json = nlohmann::json;

std::string rfc3339(std::chrono::system_clock::time_point tp) {
  const std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

json trend_json(const Histogram& h) {
  return {{"type", "trend"},        {"count", h.count()},
          {"avg", h.mean() / 1000.0}, {"min", ms(h.min())},
          {"med", ms(h.value_at_percentile(50))}, {"max", ms(h.max())},
          {"p(90)", ms(h.value_at_percentile(90))}, {"p(95)", ms(h.value_at_percentile(95))},
          {"p(99)", ms(h.value_at_percentile(99))}, {"p(99.9)", ms(h.value_at_percentile(99.9))}};
}

json counter_json(double count, double elapsed) {
  return {{"type", "counter"}, {"count", count}, {"rate", elapsed > 0 ? count / elapsed : 0.0}};
}

json rate_json(std::uint64_t trues, std::uint64_t total) {
  const double r = total > 0 ? static_cast<double>(trues) / static_cast<double>(total) : 0.0;
  return {{"type", "rate"}, {"rate", r}, {"value", r}, {"passes", trues}, {"fails", total - trues}};
}

json status_json(const StatusCounts& s) {
  json o = json::object();
  auto sorted = s.counts;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [code, n] : sorted) o[std::to_string(code)] = n;
  return o;
}

json errors_json(const ErrorCounts& e) {
  json o = json::object();
  for (std::size_t i = 0; i < ErrorCounts::kKinds.size(); ++i) o[ErrorCounts::kKinds[i]] = e.by_index(i);
  return o;
}

// The metrics of one selection of requests; `suffix` is "" or "{name:x}".
void add_request_metrics(json& metrics, const std::string& suffix, const RequestStats& r, double elapsed,
                         bool open_model) {
  metrics["http_reqs" + suffix] = counter_json(static_cast<double>(r.requests), elapsed);
  metrics["http_req_duration" + suffix] = trend_json(r.duration);
  if (open_model) metrics["http_req_duration_uncorrected" + suffix] = trend_json(r.duration_uncorrected);
  metrics["http_req_connecting" + suffix] = trend_json(r.connecting);
  if (r.tls_handshaking.count() > 0) metrics["http_req_tls_handshaking" + suffix] = trend_json(r.tls_handshaking);
  metrics["protocol_warnings" + suffix] = counter_json(static_cast<double>(r.protocol_warnings), elapsed);
  metrics["http_req_failed" + suffix] = rate_json(r.failed, r.requests);
  json avail = rate_json(r.requests - r.unavailable, r.requests);
  if (r.requests == 0) avail["rate"] = avail["value"] = 0.0;
  metrics["availability" + suffix] = avail;
  metrics["data_sent" + suffix] = counter_json(static_cast<double>(r.bytes_sent), elapsed);
  metrics["data_received" + suffix] = counter_json(static_cast<double>(r.bytes_received), elapsed);
}

RequestStats select(const RunSummary& s, const std::string& tag, const std::string& value) {
  MetricSelector selector;
  selector.tags[tag] = value;
  return select_requests(s.totals, s.catalog, selector).value_or(RequestStats{});
}

json scenario_json(const Scenario& s) {
  json target = json::object();
  if (s.embedded) {
    target["embedded"] = {{"nodes", s.embedded->nodes},
                          {"latency", s.embedded->latency.text},
                          {"error_rate", s.embedded->error_rate},
                          {"stall", s.embedded->stall.text}};
  }
  target["base_url"] = echo_base_url(s);  // as written: a value from the environment never appears
  json requests = json::array();
  for (const auto& r : s.requests) {
    requests.push_back({{"name", r.name}, {"method", r.method}, {"path", echo_path(r)}, {"weight", r.weight}});
  }
  const auto& e = s.executor;
  json ex = {{"executor", to_string(e.kind)}, {"gracefulStop", format_duration(e.graceful_stop)},
             {"startTime", format_duration(e.start_time)}};
  switch (e.kind) {
    case ExecutorKind::constant_vus: ex["vus"] = e.vus; ex["duration"] = format_duration(e.duration); break;
    case ExecutorKind::ramping_vus: {
      ex["startVUs"] = e.start_vus;
      ex["gracefulRampDown"] = format_duration(e.graceful_ramp_down);
      json stages = json::array();
      for (const auto& st : e.stages) stages.push_back({{"duration", format_duration(st.duration)}, {"target", st.target}});
      ex["stages"] = stages;
      break;
    }
    case ExecutorKind::constant_arrival_rate:
    case ExecutorKind::ramping_arrival_rate: {
      if (e.kind == ExecutorKind::constant_arrival_rate) {
        ex["rate"] = e.rate;
        ex["duration"] = format_duration(e.duration);
      } else {
        ex["startRate"] = e.start_rate;
        json stages = json::array();
        for (const auto& st : e.stages) stages.push_back({{"duration", format_duration(st.duration)}, {"target", st.target}});
        ex["stages"] = stages;
      }
      ex["timeUnit"] = format_duration(e.time_unit);
      ex["preAllocatedVUs"] = e.pre_allocated_vus;
      ex["maxVUs"] = e.max_vus;
      break;
    }
    case ExecutorKind::per_vu_iterations:
    case ExecutorKind::shared_iterations:
      ex["vus"] = e.vus;
      ex["iterations"] = e.iterations;
      ex["maxDuration"] = format_duration(e.max_duration);
      break;
  }
  return {{"name", s.name}, {"description", s.description}, {"target", target}, {"requests", requests},
          {"think_time", format_duration(s.think_time)}, {"timeout", format_duration(s.timeout)}, {"executor", ex}};
}

json checks_json(const RequestCatalog::Checks& e, const RequestStats& r) {
  json out = json::array();
  for (std::size_t j = 0; j < e.names.size(); ++j) {
    const CheckCounts n = j < r.checks.size() ? r.checks[j] : CheckCounts{};
    out.push_back({{"name", e.names[j]}, {"description", j < e.descriptions.size() ? e.descriptions[j] : ""},
                   {"passes", n.passes}, {"fails", n.fails}});
  }
  return out;
}

json raw_json(const RunSummary& s) {
  json requests = json::array();
  for (std::size_t i = 0; i < s.catalog.entries.size() && i < s.totals.by_request.size(); ++i) {
    const auto& r = s.totals.by_request[i];
    requests.push_back({{"scenario", s.catalog.entries[i].scenario}, {"name", s.catalog.entries[i].name},
                        {"requests", r.requests}, {"failed", r.failed}, {"unavailable", r.unavailable},
                        {"bytes_sent", r.bytes_sent}, {"bytes_received", r.bytes_received},
                        {"status", status_json(r.status)}, {"errors", errors_json(r.errors)},
                        {"duration", r.duration.serialize()},
                        {"duration_uncorrected", r.duration_uncorrected.serialize()},
                        {"connecting", r.connecting.serialize()}, {"tls_handshaking", r.tls_handshaking.serialize()},
                        {"tls_resumed", r.tls_resumed}, {"protocol_warnings", r.protocol_warnings},
                        {"checks", checks_json(s.catalog.checks_of(i), r)}});
  }
  json raw = {{"requests", requests}, {"iterations", s.totals.iterations},
              {"dropped_iterations", s.totals.dropped_iterations},
              {"interrupted_iterations", s.totals.interrupted_iterations}, {"vus_max", s.vus_max},
              {"data_rows", s.totals.data_rows}, {"data_ran_out", s.totals.data_ran_out}};
  if (s.resources.sampled()) {
    // [count, sum, min, max, last] of each figure, so `perfval merge` combines segments' readings exactly.
    json res = json::object();
    auto put = [&res](const char* key, const ResourceStat& st) { res[key] = {st.count, st.sum, st.min, st.max, st.last}; };
    put("memory", s.resources.memory);
    put("cpu", s.resources.cpu);
    put("gc_pause", s.resources.gc_pause);
    put("heap_inuse", s.resources.heap_inuse);
    put("goroutines", s.resources.goroutines);
    raw["resources"] = res;
  }
  return raw;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// summary.json `resources`: numbers at the top level (what `perfval regress` reads), the rest described.
json resources_json(const ResourceSummary& r) {
  json o = {{"source", r.source}, {"samples", r.samples}, {"errors", r.errors},
            {"error_examples", r.error_examples}, {"notes", r.notes}};
  auto stat = [&o](const char* max_key, const char* avg_key, const ResourceStat& st) {
    o[max_key] = st.empty() ? json(nullptr) : json(st.max);
    if (avg_key != nullptr) o[avg_key] = st.empty() ? json(nullptr) : json(st.avg());
  };
  stat("memory_bytes", "memory_bytes_avg", r.memory);
  o["memory_bytes_last"] = r.memory.empty() ? json(nullptr) : json(r.memory.last);
  o["cpu_cores"] = optional_number(r.cpu_cores_avg);
  o["cpu_cores_max"] = r.cpu.empty() ? json(nullptr) : json(r.cpu.max);
  if (!r.gc_pause.empty() || r.gc_cycles) {
    stat("gc_pause_max_ms", nullptr, r.gc_pause);
    o["gc_pause_avg_ms"] = optional_number(r.gc_pause_avg_ms);
    o["gc_cycles"] = optional_number(r.gc_cycles);
    for (const auto& [q, ms] : r.gc_quantiles_ms) {
      if (q > 0 && q < 1) o["gc_pause_p" + std::to_string(static_cast<int>(q * 100 + 0.5)) + "_ms"] = ms;
    }
  }
  if (!r.heap_inuse.empty()) o["heap_inuse_bytes"] = r.heap_inuse.max;
  if (!r.goroutines.empty()) o["goroutines"] = r.goroutines.max;
  return o;
}

// k6's `checks` Rate and one `checks{check:REQUEST.KIND}` per check; nothing when no request has checks.
void add_check_metrics(json& metrics, const RunSummary& s) {
  bool any = false;
  for (std::size_t i = 0; i < s.catalog.entries.size(); ++i) {
    for (const auto& c : s.catalog.checks_of(i).names) {
      any = true;
      MetricSelector one;
      one.tags["check"] = s.catalog.entries[i].name + "." + c;
      const CheckCounts n = select_checks(s.totals, s.catalog, one).value_or(CheckCounts{});
      metrics["checks{check:" + one.tags["check"] + "}"] = rate_json(n.passes, n.passes + n.fails);
    }
  }
  if (!any) return;
  const CheckCounts all = select_checks(s.totals, s.catalog, MetricSelector{}).value_or(CheckCounts{});
  metrics["checks"] = rate_json(all.passes, all.passes + all.fails);
}

json metrics_json(const RunSummary& s, const RequestStats& total) {
  json metrics = json::object();
  const double el = s.duration;
  add_request_metrics(metrics, "", total, el, s.open_model);
  metrics["iterations"] = counter_json(static_cast<double>(s.totals.iterations), el);
  metrics["dropped_iterations"] = counter_json(static_cast<double>(s.totals.dropped_iterations), el);
  std::int64_t vmin = s.vus, vmax = s.vus;
  for (const auto& t : s.timeseries) {
    vmin = std::min(vmin, t.vus);
    vmax = std::max(vmax, t.vus);
  }
  metrics["vus"] = {{"type", "gauge"}, {"value", s.vus}, {"min", vmin}, {"max", vmax}};
  metrics["vus_max"] = {{"type", "gauge"}, {"value", s.vus_max}, {"min", s.vus_max}, {"max", s.vus_max}};
  add_check_metrics(metrics, s);
  std::set<std::string> names, scenarios;
  for (const auto& e : s.catalog.entries) {
    names.insert(e.name);
    scenarios.insert(e.scenario);
  }
  for (const auto& n : names) add_request_metrics(metrics, "{name:" + n + "}", select(s, "name", n), el, s.open_model);
  if (scenarios.size() > 1) {
    for (const auto& sc : scenarios) {
      add_request_metrics(metrics, "{scenario:" + sc + "}", select(s, "scenario", sc), el, s.open_model);
    }
  }
  // Threshold results sit on their metric, as in k6's summary; selectors not listed above get their own entry.
  for (const auto& t : s.thresholds) {
    json& m = metrics[t.metric];
    if (m.is_null()) m = {{"type", "selection"}};
    m["thresholds"][t.expression] = {{"ok", t.ok}};
  }
  return metrics;
}
}  // namespace

nlohmann::json summary_to_json(const RunSummary& s) {
  const RequestStats total = s.totals.total();
  json doc;
  doc["schema"] = "perfval/summary/v1";
  doc["perfval_version"] = "0.1.0";
  // One segment of a distributed run is not judged alone; `perfval merge` writes the verdict.
  const bool partial = s.segment != "0/1" && !s.aborted;
  doc["status"] = s.aborted && s.interrupted ? "aborted" : partial ? "partial" : (s.passed() ? "passed" : "failed");
  doc["aborted"] = s.aborted;
  doc["interrupted"] = s.interrupted;
  doc["abort_reason"] = s.abort_reason;
  doc["scenario"] = {{"file", s.file}, {"name", s.name}, {"description", s.description}};
  json scenarios = json::array();
  for (const auto& sc : s.scenarios) scenarios.push_back(scenario_json(sc));
  doc["config"] = {{"scenarios", scenarios}, {"threads", s.threads}, {"sched", s.sched}, {"segment", s.segment}};
  if (!s.sched_note.empty()) doc["config"]["sched_note"] = s.sched_note;
  doc["started_at"] = rfc3339(s.started_at);
  doc["duration_s"] = s.duration;
  if (s.target_nodes) doc["target"] = {{"nodes", *s.target_nodes}};
  doc["metrics"] = metrics_json(s, total);
  doc["status_codes"] = status_json(total.status);
  doc["errors"] = errors_json(total.errors);
  doc["error_examples"] = s.error_examples;
  doc["protocol_warnings"] = total.protocol_warnings;
  doc["protocol_warning_example"] = s.totals.protocol_warning_example;
  doc["check_failure_example"] = s.totals.check_failure_example;
  json thresholds = json::array();
  for (const auto& t : s.thresholds) {
    json o = {{"metric", t.metric}, {"expression", t.expression}, {"ok", t.ok}, {"abort_on_fail", t.abort_on_fail}};
    o["observed"] = t.observed ? json(*t.observed) : json(nullptr);
    thresholds.push_back(o);
  }
  doc["thresholds"] = thresholds;
  json histograms = json::object();
  histograms["http_req_duration"] = total.duration.serialize();
  if (s.open_model) histograms["http_req_duration_uncorrected"] = total.duration_uncorrected.serialize();
  doc["histograms"] = histograms;
  doc["histogram_unit"] = "us";
  doc["raw"] = raw_json(s);
  if (s.resources.sampled()) doc["resources"] = resources_json(s.resources);
  json series = json::array();
  for (const auto& t : s.timeseries) {
    json point = {{"t", t.t}, {"length", t.length}, {"requests", t.requests}, {"rps", t.rps()}, {"p50", t.p50},
                  {"p95", t.p95}, {"p99", t.p99}, {"errors", t.errors}, {"dropped", t.dropped},
                  {"vus", t.vus}, {"bytes_received", t.bytes_received}};
    if (s.resources.sampled()) {
      point["memory_bytes"] = t.memory_bytes ? json(*t.memory_bytes) : json(nullptr);
      point["cpu_cores"] = t.cpu_cores ? json(*t.cpu_cores) : json(nullptr);
    }
    series.push_back(point);
  }
  doc["timeseries"] = series;
  detail::add_steps_json(doc, s);
  return doc;
}

}  // namespace perfval::loadgen
