// summary_from_json: rebuilds a RunSummary from perfval/summary/v1, exactly for counters and histograms.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/duration.hpp"
#include "perfval/common/error.hpp"
#include "perfval/loadgen/summary_io.hpp"
#include "steps_json.hpp"

namespace perfval::loadgen {

namespace {
using json = nlohmann::json;

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw Error(SourceLocation{file_, 0, 0}, field, why);
  }
  const json& at(const json& obj, const std::string& key, const std::string& path) const {
    if (!obj.is_object() || !obj.contains(key)) fail(path.empty() ? key : path + "." + key, "missing");
    return obj.at(key);
  }
  std::uint64_t count(const json& obj, const std::string& key, const std::string& path) const {
    const json& v = at(obj, key, path);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
      fail(path + "." + key, "expected a non-negative integer");
    }
    return v.get<std::uint64_t>();
  }
  std::string text(const json& obj, const std::string& key, const std::string& path) const {
    const json& v = at(obj, key, path);
    if (!v.is_string()) fail(path.empty() ? key : path + "." + key, "expected a string");
    return v.get<std::string>();
  }
  Histogram histogram(const json& obj, const std::string& key, const std::string& path) const {
    try {
      return Histogram::deserialize(text(obj, key, path));
    } catch (const Error& e) {
      fail(path + "." + key, std::string("incompatible histogram: ") + e.what());
    }
  }

 private:
  std::string file_;
};

std::size_t error_kind_index(const std::string& kind) {
  for (std::size_t i = 0; i < ErrorCounts::kKinds.size(); ++i) {
    if (kind == ErrorCounts::kKinds[i]) return i;
  }
  return ErrorCounts::kKinds.size();
}

std::optional<double> optional_number(const Reader& r, const json& obj, const std::string& key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) r.fail(path + "." + key, "expected a number or null");
  return it->get<double>();
}

ResourceStat read_stat(const Reader& r, const json& raw, const char* key) {
  const std::string path = std::string("raw.resources.") + key;
  const json& v = r.at(raw, key, "raw.resources");
  if (!v.is_array() || v.size() != 5 || !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_number(); })) {
    r.fail(path, "expected [count, sum, min, max, last]");
  }
  return ResourceStat{v[0].get<std::uint64_t>(), v[1].get<double>(), v[2].get<double>(), v[3].get<double>(),
                      v[4].get<double>()};
}

// `resources` and `raw.resources` (written only when the run sampled the target).
void read_resources(const Reader& r, const json& doc, const json& raw, RunSummary& s) {
  const auto it = doc.find("resources");
  if (it == doc.end() || it->is_null()) return;
  const json& res = *it;
  ResourceSummary& out = s.resources;
  out.source = r.text(res, "source", "resources");
  out.samples = r.count(res, "samples", "resources");
  out.errors = r.count(res, "errors", "resources");
  for (const auto& e : res.value("error_examples", json::array())) out.error_examples.push_back(e.get<std::string>());
  for (const auto& n : res.value("notes", json::array())) out.notes.push_back(n.get<std::string>());
  out.cpu_cores_avg = optional_number(r, res, "cpu_cores", "resources");
  out.gc_pause_avg_ms = optional_number(r, res, "gc_pause_avg_ms", "resources");
  out.gc_cycles = optional_number(r, res, "gc_cycles", "resources");
  const json& stats = r.at(raw, "resources", "raw");
  out.memory = read_stat(r, stats, "memory");
  out.cpu = read_stat(r, stats, "cpu");
  out.gc_pause = read_stat(r, stats, "gc_pause");
  out.heap_inuse = read_stat(r, stats, "heap_inuse");
  out.goroutines = read_stat(r, stats, "goroutines");
}

RequestStats read_request(const Reader& r, const json& e, const std::string& path) {
  RequestStats s;
  s.requests = r.count(e, "requests", path);
  s.failed = r.count(e, "failed", path);
  s.unavailable = r.count(e, "unavailable", path);
  s.bytes_sent = r.count(e, "bytes_sent", path);
  s.bytes_received = r.count(e, "bytes_received", path);
  for (const auto& [code, n] : r.at(e, "status", path).items()) {
    const bool is_code = !code.empty() && code.size() <= 3 &&
                         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!is_code) r.fail(path + ".status." + code, "expected an HTTP status code (1-3 digits)");
    if (!n.is_number_unsigned()) r.fail(path + ".status." + code, "expected a count (a whole number >= 0)");
    s.status.add(static_cast<unsigned>(std::stoul(code)), n.get<std::uint64_t>());
  }
  for (const auto& [kind, n] : r.at(e, "errors", path).items()) {
    const std::size_t k = error_kind_index(kind);
    if (k >= ErrorCounts::kKinds.size()) r.fail(path + ".errors." + kind, "unknown error kind");
    if (!n.is_number_unsigned()) r.fail(path + ".errors." + kind, "expected a count (a whole number >= 0)");
    s.errors.by_index(k) = n.get<std::uint64_t>();
  }
  s.duration = r.histogram(e, "duration", path);
  s.duration_uncorrected = r.histogram(e, "duration_uncorrected", path);
  // Written since issue 12; older summaries have none.
  if (e.contains("connecting")) s.connecting = r.histogram(e, "connecting", path);
  if (e.contains("tls_handshaking")) s.tls_handshaking = r.histogram(e, "tls_handshaking", path);
  if (e.contains("tls_resumed")) s.tls_resumed = r.count(e, "tls_resumed", path);
  if (e.contains("protocol_warnings")) s.protocol_warnings = r.count(e, "protocol_warnings", path);
  return s;
}

Scenario read_scenario(const Reader& r, const json& j, const std::string& path) {
  Scenario s;
  s.name = r.text(j, "name", path);
  if (j.contains("description") && j["description"].is_string()) s.description = j["description"];
  const json& target = r.at(j, "target", path);
  if (target.contains("base_url") && target["base_url"].is_string()) s.base_url = target["base_url"];
  const json& ex = r.at(j, "executor", path);
  const std::string kind = r.text(ex, "executor", path + ".executor");
  bool known = false;
  for (auto k : {ExecutorKind::constant_vus, ExecutorKind::ramping_vus, ExecutorKind::constant_arrival_rate,
                 ExecutorKind::ramping_arrival_rate, ExecutorKind::per_vu_iterations, ExecutorKind::shared_iterations}) {
    if (kind == to_string(k)) {
      s.executor.kind = k;
      known = true;
    }
  }
  if (!known) r.fail(path + ".executor.executor", "unknown executor \"" + kind + "\"");
  auto dur = [&](const char* key, Nanos& out) {
    if (ex.contains(key) && ex[key].is_string()) {
      if (auto d = parse_duration(ex[key].get<std::string>())) out = *d;
    }
  };
  auto num = [&](const char* key, auto& out) {
    if (ex.contains(key) && ex[key].is_number()) out = ex[key].get<std::remove_reference_t<decltype(out)>>();
  };
  dur("duration", s.executor.duration);
  dur("timeUnit", s.executor.time_unit);
  dur("maxDuration", s.executor.max_duration);
  dur("gracefulStop", s.executor.graceful_stop);
  num("vus", s.executor.vus);
  num("startVUs", s.executor.start_vus);
  num("rate", s.executor.rate);
  num("startRate", s.executor.start_rate);
  num("preAllocatedVUs", s.executor.pre_allocated_vus);
  num("maxVUs", s.executor.max_vus);
  num("iterations", s.executor.iterations);
  if (ex.contains("stages") && ex["stages"].is_array()) {
    for (const auto& st : ex["stages"]) {
      Stage stage;
      if (auto d = parse_duration(st.value("duration", ""))) stage.duration = *d;
      stage.target = st.value("target", 0.0);
      s.executor.stages.push_back(stage);
    }
  }
  return s;
}

std::chrono::system_clock::time_point parse_time(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return {};
  // system_clock counts nanoseconds in 64 bits (years 1678-2262): a time outside overflows from_time_t
  // (undefined behaviour), so it is read like any unreadable one.
  using Clock = std::chrono::system_clock;
  const std::time_t t = timegm(&tm);
  const auto lo = std::chrono::floor<std::chrono::seconds>(Clock::time_point::min().time_since_epoch()).count() + 1;
  const auto hi = std::chrono::floor<std::chrono::seconds>(Clock::time_point::max().time_since_epoch()).count();
  if (t < lo || t > hi) return {};
  return Clock::from_time_t(t);
}
}  // namespace

namespace {
RunSummary read_fields(const json& doc, const std::string& file) {
  const Reader r(file);
  if (!doc.is_object()) r.fail("", "not a JSON object");
  const std::string schema = doc.value("schema", "");
  if (schema != "perfval/summary/v1") {
    r.fail("schema", schema.empty() ? "missing: not a perfval run summary"
                                     : "\"" + schema + "\" is not a schema this perfval reads (perfval/summary/v1)");
  }
  RunSummary s;
  s.file = r.text(r.at(doc, "scenario", ""), "file", "scenario");
  s.name = r.text(r.at(doc, "scenario", ""), "name", "scenario");
  s.description = doc["scenario"].value("description", "");
  const json& config = r.at(doc, "config", "");
  s.segment = r.text(config, "segment", "config");
  s.threads = config.value("threads", 1);
  s.sched = config.value("sched", "normal");
  s.sched_note = config.value("sched_note", "");
  const json& scenarios = r.at(config, "scenarios", "config");
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    s.scenarios.push_back(read_scenario(r, scenarios[i], "config.scenarios[" + std::to_string(i) + "]"));
    s.open_model = s.open_model || is_arrival_rate(s.scenarios.back().executor.kind);
  }
  s.started_at = parse_time(r.text(doc, "started_at", ""));
  s.duration = r.at(doc, "duration_s", "").get<double>();
  s.aborted = doc.value("aborted", false);
  s.interrupted = doc.value("interrupted", false);
  s.abort_reason = doc.value("abort_reason", "");
  if (doc.contains("target") && doc["target"].contains("nodes")) s.target_nodes = doc["target"]["nodes"].get<int>();
  const json& raw = r.at(doc, "raw", "");
  const json& requests = r.at(raw, "requests", "raw");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::string path = "raw.requests[" + std::to_string(i) + "]";
    s.catalog.entries.push_back({r.text(requests[i], "scenario", path), r.text(requests[i], "name", path)});
    RequestStats stats = read_request(r, requests[i], path);
    RequestCatalog::Checks checks;
    for (const auto& c : requests[i].value("checks", json::array())) {  // written since issue 12
      checks.names.push_back(c.value("name", std::string()));
      checks.descriptions.push_back(c.value("description", std::string()));
      stats.checks.push_back({c.value("passes", std::uint64_t{0}), c.value("fails", std::uint64_t{0})});
    }
    s.catalog.checks.push_back(std::move(checks));
    s.totals.by_request.push_back(std::move(stats));
  }
  s.totals.iterations = r.count(raw, "iterations", "raw");
  s.totals.dropped_iterations = r.count(raw, "dropped_iterations", "raw");
  s.totals.interrupted_iterations = r.count(raw, "interrupted_iterations", "raw");
  if (raw.contains("data_rows")) s.totals.data_rows = r.count(raw, "data_rows", "raw");  // written since issue 12
  s.totals.data_ran_out = raw.value("data_ran_out", false);
  s.vus_max = static_cast<std::int64_t>(r.count(raw, "vus_max", "raw"));
  read_resources(r, doc, raw, s);
  for (const auto& t : r.at(doc, "timeseries", "")) {
    IntervalSample x;
    x.t = t.value("t", 0.0);
    x.length = t.value("length", 1.0);
    x.requests = t.value("requests", std::uint64_t{0});
    x.p50 = t.value("p50", 0.0);
    x.p95 = t.value("p95", 0.0);
    x.p99 = t.value("p99", 0.0);
    x.errors = t.value("errors", std::uint64_t{0});
    x.dropped = t.value("dropped", std::uint64_t{0});
    x.vus = t.value("vus", std::int64_t{0});
    x.bytes_received = t.value("bytes_received", std::uint64_t{0});
    x.memory_bytes = optional_number(r, t, "memory_bytes", "timeseries[]");
    x.cpu_cores = optional_number(r, t, "cpu_cores", "timeseries[]");
    s.timeseries.push_back(x);
  }
  if (!s.timeseries.empty()) s.vus = s.timeseries.back().vus;
  for (const auto& e : doc.value("error_examples", json::array())) s.error_examples.push_back(e.get<std::string>());
  s.totals.protocol_warning_example = doc.value("protocol_warning_example", std::string());
  s.totals.check_failure_example = doc.value("check_failure_example", std::string());
  // Thresholds are re-parsed from their text so they can be evaluated again (on merged data).
  for (const auto& t : r.at(doc, "thresholds", "")) {
    Threshold th;
    try {
      th.selector = parse_metric_selector(t.at("metric").get<std::string>());
      th.expr = parse_threshold_expression(t.at("expression").get<std::string>(), threshold_unit(th.selector.metric));
    } catch (const std::exception& e) {
      r.fail("thresholds", e.what());
    }
    th.abort_on_fail = t.value("abort_on_fail", false);
    s.threshold_specs.push_back(th);
  }
  evaluate_summary_thresholds(s);
  detail::read_steps_json(doc, file, s);
  return s;
}
}  // namespace

RunSummary summary_from_json(const json& doc, const std::string& file) {
  try {
    return read_fields(doc, file);
  } catch (const json::exception& e) {  // a field of another type, e.g. "schema": [] (found by fuzzing)
    Reader(file).fail("", std::string("a field has the wrong type: ") + e.what());
  }
}

RunSummary read_summary(const std::string& path) {
  const std::string text = read_file(path);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  } catch (const json::out_of_range& e) {  // a number beyond double's range, e.g. 1e999 (found by fuzzing)
    throw Error(path + ": not valid JSON: " + e.what());
  }
  return summary_from_json(doc, path);
}

}  // namespace perfval::loadgen
