// Prometheus output: push final results to a Pushgateway, serve live metrics during a run.
#include "perfval/report/prometheus.hpp"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <regex>

#include "perfval/common/error.hpp"
#include "perfval/http/simple_client.hpp"
#include "perfval/http/url.hpp"

namespace perfval::report {

namespace {
std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

// Pushgateway grouping-key values go into the URL path: keep them to a safe alphabet.
std::string path_segment(const std::string& s) {
  std::string out;
  for (const char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out.empty() ? "_" : out;
}
}  // namespace

void add_push_options(ArgParser& parser) {
  parser.option("pushgateway", "URL", "push the final results to this Prometheus Pushgateway")
      .option("push-job", "NAME", "Pushgateway job label (default perfval)")
      .option("push-instance", "NAME", "Pushgateway instance label (default: host name)")
      .option("metric-prefix", "PREFIX", "prefix of pushed metric names (default slurm)");
}

std::optional<PushOptions> push_options_from(const ParsedArgs& args) {
  const auto url = args.get("pushgateway");
  if (!url) return std::nullopt;
  std::string why;
  if (!http::parse_url(*url, &why)) throw Error("option --pushgateway: " + why);
  PushOptions o;
  o.url = *url;
  while (!o.url.empty() && o.url.back() == '/') o.url.pop_back();
  o.job = args.get_or("push-job", "perfval");
  o.instance = args.get_or("push-instance", host_name());
  o.prefix = args.get_or("metric-prefix", "slurm");
  static const std::regex name_re("[a-zA-Z_][a-zA-Z0-9_]*");
  if (!std::regex_match(o.prefix, name_re)) {
    throw Error("option --metric-prefix: \"" + o.prefix + "\" is not a valid Prometheus metric name prefix");
  }
  return o;
}

std::string render_exposition(const std::vector<PushedMetric>& metrics) {
  prometheus::Registry registry;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters;
  for (const auto& m : metrics) {
    const prometheus::Labels labels(m.labels.begin(), m.labels.end());
    if (m.type == "counter") {
      auto& fam = counters[m.name];
      if (fam == nullptr) fam = &prometheus::BuildCounter().Name(m.name).Help(m.help).Register(registry);
      fam->Add(labels).Increment(m.value);
    } else {
      auto& fam = gauges[m.name];
      if (fam == nullptr) fam = &prometheus::BuildGauge().Name(m.name).Help(m.help).Register(registry);
      fam->Add(labels).Set(m.value);
    }
  }
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

std::string push_metrics(const PushOptions& o, const std::vector<PushedMetric>& metrics) {
  const std::string url = o.url + "/metrics/job/" + path_segment(o.job) + "/instance/" + path_segment(o.instance);
  http::ClientOptions client;
  client.timeout = o.timeout;
  try {
    const auto r = http::http_request("PUT", url, render_exposition(metrics),
                                      {{"Content-Type", "text/plain; version=0.0.4"}}, client);
    if (r.status >= 200 && r.status < 300) return "";
    std::string body = r.body.substr(0, 200);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    return "Pushgateway " + o.url + " answered HTTP " + std::to_string(r.status) + (body.empty() ? "" : ": " + body);
  } catch (const http::HttpError& e) {
    return "cannot push to Pushgateway " + o.url + ": " + e.what();
  }
}

void push_and_report(const std::optional<PushOptions>& options, const std::vector<PushedMetric>& metrics) {
  if (!options) return;
  const std::string problem = push_metrics(*options, metrics);
  if (problem.empty()) {
    std::fprintf(stderr, "pushed %zu metrics to %s (job=%s, instance=%s)\n", metrics.size(), options->url.c_str(),
                 options->job.c_str(), options->instance.c_str());
  } else {
    std::fprintf(stderr, "perfval: warning: %s (results and exit code are unaffected)\n", problem.c_str());
  }
}

std::vector<PushedMetric> load_test_metrics(const loadgen::RunSummary& s, const std::string& prefix) {
  const loadgen::RequestStats total = s.totals.total();
  const std::map<std::string, std::string> l = {{"scenario", s.name}};
  const std::string p = prefix + "_load_test_";
  const double reqs = static_cast<double>(total.requests);
  auto seconds_at = [&](double q) { return static_cast<double>(total.duration.value_at_percentile(q)) / 1e6; };
  const auto started = std::chrono::duration<double>(s.started_at.time_since_epoch()).count();
  std::vector<PushedMetric> out = {
      {p + "requests_total", "Requests finished in the load test", l, reqs, "counter"},
      {p + "response_time_p50", "Median response time of the load test, seconds", l, seconds_at(50)},
      {p + "response_time_p95", "95th percentile response time of the load test, seconds", l, seconds_at(95)},
      {p + "response_time_p99", "99th percentile response time of the load test, seconds", l, seconds_at(99)},
      {p + "error_rate", "Fraction of failed requests (transport error or status >= 400)", l,
       reqs > 0 ? static_cast<double>(total.failed) / reqs : 0},
      {p + "availability", "Fraction of requests answered with status < 500", l,
       reqs > 0 ? 1 - static_cast<double>(total.unavailable) / reqs : 0},
      {p + "throughput_rps", "Requests per second over the load test", l, s.duration > 0 ? reqs / s.duration : 0},
      {p + "passed", "1 if every threshold passed, else 0", l, s.passed() ? 1.0 : 0.0},
      {p + "last_run_timestamp_seconds", "Unix time the load test started", l, started},
  };
  // The target's own resources, only when they were sampled and had data (a missing value is not a zero).
  const auto& r = s.resources;
  if (!r.memory.empty()) {
    out.push_back({p + "target_memory_bytes", "Peak memory of the target during the load test, bytes", l, r.memory.max});
    out.push_back({p + "target_memory_bytes_avg", "Mean memory of the target during the load test, bytes", l, r.memory.avg()});
  }
  if (r.cpu_cores_avg) {
    out.push_back({p + "target_cpu_cores", "Mean CPU of the target during the load test, cores", l, *r.cpu_cores_avg});
    out.push_back({p + "target_cpu_cores_max", "Highest CPU of the target between two readings, cores", l, r.cpu.max});
  }
  if (!r.gc_pause.empty()) {
    out.push_back({p + "target_gc_pause_max_seconds", "Longest GC pause the target reported, seconds", l, r.gc_pause.max / 1000});
  }
  if (r.sampled()) {
    out.push_back({p + "target_resource_errors", "Failed readings of the target's resources", l, static_cast<double>(r.errors)});
  }
  return out;
}

// ---- live metrics ---------------------------------------------------------------------------------------------

struct LiveMetrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
  prometheus::Gauge* vus = nullptr;
  prometheus::Gauge* target_memory = nullptr;   // registered on the first resource reading
  prometheus::Gauge* target_cpu = nullptr;
  prometheus::Gauge* target_gc_pause = nullptr;
  prometheus::Gauge* target_errors = nullptr;
  prometheus::Histogram* duration = nullptr;
  prometheus::Histogram::BucketBoundaries bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25,   0.5,   1,      2.5,   5,    10,    30};
};

LiveMetrics::LiveMetrics(const std::string& listen) : impl_(std::make_unique<Impl>()) {
  try {
    impl_->exposer = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    throw Error("option --metrics-listen: cannot listen on " + listen + ": " + e.what());
  }
  auto& r = *impl_->registry;
  impl_->requests = &prometheus::BuildCounter().Name("perfval_http_reqs_total").Help("HTTP requests finished, by request name and status code (0: transport error)").Register(r);
  impl_->errors = &prometheus::BuildCounter().Name("perfval_http_req_errors_total").Help("Transport errors by kind").Register(r);
  impl_->vus = &prometheus::BuildGauge().Name("perfval_vus").Help("Active virtual users").Register(r).Add({});
  impl_->duration = &prometheus::BuildHistogram().Name("perfval_http_req_duration_seconds").Help("HTTP request duration (from the intended send time in open models)").Register(r).Add({}, impl_->bounds);
  for (const char* kind : loadgen::ErrorCounts::kKinds) impl_->errors->Add({{"kind", kind}});
  impl_->exposer->RegisterCollectable(impl_->registry);
}

LiveMetrics::~LiveMetrics() = default;

std::uint16_t LiveMetrics::port() const {
  const auto ports = impl_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<std::uint16_t>(ports.front());
}

void LiveMetrics::set_vus(std::int64_t vus) { impl_->vus->Set(static_cast<double>(vus)); }

void LiveMetrics::set_resources(const loadgen::ResourceSummary& r) {
  auto& i = *impl_;
  auto gauge = [&i](prometheus::Gauge*& g, const char* name, const char* help) -> prometheus::Gauge& {
    if (g == nullptr) g = &prometheus::BuildGauge().Name(name).Help(help).Register(*i.registry).Add({});
    return *g;
  };
  if (!r.memory.empty()) gauge(i.target_memory, "perfval_target_memory_bytes", "The target's memory at the latest reading, bytes").Set(r.memory.last);
  if (!r.cpu.empty()) gauge(i.target_cpu, "perfval_target_cpu_cores", "The target's CPU between the two latest readings, cores").Set(r.cpu.last);
  if (!r.gc_pause.empty()) gauge(i.target_gc_pause, "perfval_target_gc_pause_max_seconds", "Longest recent GC pause the target reports, seconds").Set(r.gc_pause.last / 1000);
  gauge(i.target_errors, "perfval_target_resource_errors", "Failed readings of the target's resources so far").Set(static_cast<double>(r.errors));
}

void LiveMetrics::add(const loadgen::Stats& delta, const loadgen::RequestCatalog& catalog) {
  std::vector<double> increments(impl_->bounds.size() + 1, 0.0);
  double sum = 0;
  for (std::size_t i = 0; i < delta.by_request.size() && i < catalog.entries.size(); ++i) {
    const auto& r = delta.by_request[i];
    for (const auto& [code, n] : r.status.counts) {
      impl_->requests->Add({{"name", catalog.entries[i].name}, {"status", std::to_string(code)}}).Increment(static_cast<double>(n));
    }
    if (r.errors.total() > 0) {
      impl_->requests->Add({{"name", catalog.entries[i].name}, {"status", "0"}}).Increment(static_cast<double>(r.errors.total()));
    }
    for (std::size_t k = 0; k < loadgen::ErrorCounts::kKinds.size(); ++k) {
      if (r.errors.by_index(k) > 0) impl_->errors->Add({{"kind", loadgen::ErrorCounts::kKinds[k]}}).Increment(static_cast<double>(r.errors.by_index(k)));
    }
    for (const auto& b : r.duration.buckets()) {
      const double seconds = static_cast<double>(b.high) / 1e6;
      const auto slot = std::lower_bound(impl_->bounds.begin(), impl_->bounds.end(), seconds) - impl_->bounds.begin();
      increments[static_cast<std::size_t>(slot)] += static_cast<double>(b.count);
      sum += seconds * static_cast<double>(b.count);
    }
  }
  impl_->duration->ObserveMultiple(increments, sum);
}

}  // namespace perfval::report
