// Baseline entry -> measurement key: explicit sources, the well-known metric table, benchmark counters.
#include "resolve.hpp"

#include <array>

#include "perfval/common/did_you_mean.hpp"
#include "run_noise.hpp"

namespace perfval::regression::detail {

namespace {

struct WellKnown {
  const char* metric;
  MetricSource::Kind kind;
  const char* name;
  const char* field;
};

// Documented in docs/baselines.md; keep the two in step.
const std::array<WellKnown, 14> well_known{{
    {"api_response_time_p50", MetricSource::Kind::summary, "http_req_duration", "med"},
    {"api_response_time_p90", MetricSource::Kind::summary, "http_req_duration", "p(90)"},
    {"api_response_time_p95", MetricSource::Kind::summary, "http_req_duration", "p(95)"},
    {"api_response_time_p99", MetricSource::Kind::summary, "http_req_duration", "p(99)"},
    {"api_response_time_avg", MetricSource::Kind::summary, "http_req_duration", "avg"},
    {"error_rate", MetricSource::Kind::summary, "http_req_failed", "rate"},
    {"throughput", MetricSource::Kind::summary, "http_reqs", "rate"},
    {"requests_per_second", MetricSource::Kind::summary, "http_reqs", "rate"},
    {"availability", MetricSource::Kind::summary, "availability", "rate"},
    {"memory_bytes", MetricSource::Kind::resource, "memory_bytes", ""},
    {"cpu_cores", MetricSource::Kind::resource, "cpu_cores", ""},
    {"gc_pause_time_p99", MetricSource::Kind::resource, "reclaim_pause_p99_ms", ""},
    {"gc_pause_time_p95", MetricSource::Kind::resource, "reclaim_pause_p95_ms", ""},
    {"reclaim_pause_p99", MetricSource::Kind::resource, "reclaim_pause_p99_ms", ""},
}};

Resolution fail(std::string why) { return {"", std::move(why)}; }

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : ", ") + x;
  return out;
}

Resolution resolve_benchmark(const MetricSource& s, const RunResults& run) {
  std::vector<std::string> matches;
  for (const auto& b : run.benchmarks)
    if (b == s.name) matches = {b};
  if (matches.empty())
    for (const auto& b : run.benchmarks)
      if (b.rfind(s.name + "/", 0) == 0) matches.push_back(b);
  if (matches.empty())
    return fail("no benchmark " + s.name + " in " + run.label + did_you_mean_suffix(s.name, run.benchmarks));
  if (matches.size() > 1)
    return fail("benchmark " + s.name + " matches several in " + run.label + " (" + join(matches) +
                "); name one in source.benchmark");
  const std::string prefix = "bench:" + matches[0];
  if (const auto f = run.failed.find(prefix); f != run.failed.end())
    return fail("benchmark " + matches[0] + " failed in " + run.label + ": " + f->second);
  // Without a counter, the benchmark's time as the gate judges it: CPU time unless timed by the wall clock
  // (Google Benchmark), else the wall clock, or Go's ns/op.
  const std::vector<std::string> fields_tried =
      s.field.empty() ? std::vector<std::string>{detail::time_field_of(matches[0]), "real_time", "ns/op"}
                      : std::vector<std::string>{s.field};
  for (const auto& field : fields_tried)
    if (run.find(prefix + ":" + field)) return {prefix + ":" + field, ""};
  std::vector<std::string> fields;
  for (const auto& [k, m] : run.measurements)
    if (k.rfind(prefix + ":", 0) == 0) fields.push_back(k.substr(prefix.size() + 1));
  return fail("benchmark " + matches[0] + " in " + run.label + " has no " +
              (s.field.empty() ? std::string("time") : "counter " + s.field) + " (it has " + join(fields) + ")");
}

Resolution resolve_summary_like(const MetricSource& s, const RunResults& run) {
  std::string scenario = s.scenario;
  if (scenario.empty()) {
    if (run.scenarios.empty()) return fail("no perfval summary in " + run.label + " to take " + s.describe() + " from");
    if (run.scenarios.size() > 1)
      return fail(run.label + " has several scenarios (" + join(run.scenarios) + "); set source.scenario");
    scenario = run.scenarios[0];
  }
  const bool resource = s.kind == MetricSource::Kind::resource;
  const std::string key = resource ? "resource:" + scenario + ":" + s.name
                                   : "summary:" + scenario + ":" + s.name + ":" + s.field;
  if (run.find(key)) return {key, ""};
  if (resource) return fail("the summary of " + run.label + " has no resources." + s.name);
  std::vector<std::string> names;
  const std::string prefix = "summary:" + scenario + ":";
  for (const auto& [k, m] : run.measurements)
    if (k.rfind(prefix, 0) == 0) names.push_back(k.substr(prefix.size()));
  const std::string want = s.name + ":" + s.field;
  return fail("the summary of " + run.label + " has no metric " + s.name + " field " + s.field +
              did_you_mean_suffix(want, names));
}

}  // namespace

std::vector<std::string> well_known_metrics() {
  std::vector<std::string> out;
  for (const auto& w : well_known) out.emplace_back(w.metric);
  return out;
}

Resolution resolve_source(const BaselineEntry& entry, const RunResults& run) {
  const MetricSource& s = entry.source;
  switch (s.kind) {
    case MetricSource::Kind::benchmark: return resolve_benchmark(s, run);
    case MetricSource::Kind::summary:
    case MetricSource::Kind::resource: return resolve_summary_like(s, run);
    case MetricSource::Kind::lookup: break;
  }
  for (const auto& w : well_known) {
    if (entry.metric != w.metric) continue;
    MetricSource known{w.kind, w.name, w.field, ""};
    return resolve_summary_like(known, run);
  }
  std::vector<std::string> keys;
  const std::string suffix = ":" + entry.metric;
  for (const auto& [k, m] : run.measurements)
    if (is_benchmark_key(k) && k.size() > suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0)
      keys.push_back(k);
  if (keys.size() == 1) return {keys[0], ""};
  if (keys.size() > 1)
    return fail("several benchmarks in " + run.label + " have a counter " + entry.metric +
                "; add source: {benchmark: NAME, counter: " + entry.metric + "}");
  return fail("no input provides metric " + entry.metric + " (" + run.label +
              " has no benchmark counter of that name and it is not a well-known metric); add source:");
}

}  // namespace perfval::regression::detail
