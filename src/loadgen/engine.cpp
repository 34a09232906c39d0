// run_plan: prepares each request's bytes and resolves targets once, starts the workers, the coordinator and
// the resource sampler, and assembles the RunSummary. Nothing here runs on the request path.
#include "perfval/loadgen/engine.hpp"

#include <boost/asio/post.hpp>

#include <cstring>
#include <thread>

#include "coordinator.hpp"
#include "perfval/common/env_subst.hpp"
#include "perfval/common/error.hpp"
#include "perfval/http/url.hpp"
#include "perfval/loadgen/steps.hpp"
#include "resource_sampler.hpp"
#include "worker.hpp"

namespace perfval::loadgen {

namespace {
using namespace detail;

std::string join_path(const std::string& prefix, const std::string& path) {
  std::string p = prefix == "/" ? "" : prefix;
  if (!p.empty() && p.back() == '/') p.pop_back();
  return p + path;
}

bool has_header(const RequestSpec& r, const char* name) {
  for (const auto& h : r.headers) {
    if (h.name.size() == std::strlen(name) &&
        std::equal(h.name.begin(), h.name.end(), name, [](char a, char b) { return std::tolower(a) == b; })) {
      return true;
    }
  }
  return false;
}

PreparedRequest prepare(const RequestSpec& r, const http::Url& url, const DataTable* data, std::uint32_t id) {
  PreparedRequest p;
  p.id = id;
  p.weight = r.weight;
  p.head = r.method == "HEAD";
  p.idempotent = r.method != "POST" && r.method != "PATCH";
  p.name = r.name;
  if (!r.checks.empty()) {
    p.checks = &r.checks;
    p.capture = r.checks.needs_headers() || r.checks.needs_body();
  }
  std::string head = r.method + " " + join_path(url.target, r.path) + " HTTP/1.1\r\n";
  if (!has_header(r, "host")) head += "Host: " + url.host_header() + "\r\n";
  if (!has_header(r, "user-agent")) head += "User-Agent: perfval/0.1\r\n";
  for (const auto& h : r.headers) head += h.name + ": " + h.value + "\r\n";
  const bool has_body = !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  const bool body_templated = has_template(r.body);  // its length is known per render only
  if (has_body && !body_templated && !has_header(r, "content-length")) {
    head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  if (body_templated || has_template(head)) {
    p.templ = RequestTemplate::compile(head, r.body, data, body_templated);
  } else {
    p.wire = head + "\r\n" + r.body;
  }
  return p;
}

bool uses_data(const RequestSpec& r, const DataTable& data) {
  bool any = !template_columns(r.path, data).empty() || !template_columns(r.body, data).empty();
  for (const auto& h : r.headers) any = any || !template_columns(h.value, data).empty();
  return any;
}

ScenarioTarget prepare_target(const Scenario& s, std::uint32_t& next_id) {
  std::string why;
  const auto url = http::parse_url(s.base_url, &why);
  if (!url) throw Error("scenario " + s.name + ": target " + s.base_url + ": " + why);
  ScenarioTarget t;
  const DataTable* data = s.data ? s.data->table.get() : nullptr;
  for (const auto& r : s.requests) {
    t.requests.push_back(prepare(r, *url, data, next_id++));
    t.uses_data = t.uses_data || (data && uses_data(r, *data));
  }
  if (!s.unix_socket.empty()) {
    t.transport.unix_socket = s.unix_socket;  // Host still comes from base_url (prepare)
    return t;
  }
  if (url->scheme == "https") {
    auto tls = http::TlsClientContext::make(s.tls, url->host, &why);
    if (!tls) throw Error("scenario " + s.name + ": target " + s.base_url + ": " + why);
    t.transport.tls = std::move(tls);
  }
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(url->host, std::to_string(url->port), ec);
  if (ec) {
    t.resolve_error = "cannot resolve " + url->host + ": " + ec.message();
  } else {
    for (const auto& e : results) t.transport.endpoints.push_back(e.endpoint());
  }
  return t;
}

TimePoint start_instant(const EngineOptions& options) {
  const auto now = Clock::now();
  if (!options.start_at) return now + std::chrono::milliseconds(20);
  const auto wait = *options.start_at - std::chrono::system_clock::now();
  return now + std::chrono::duration_cast<Clock::duration>(std::max<std::chrono::system_clock::duration>(wait, {}));
}

// The plan's `target.resources` (the parser allows one per file), with a metrics_url path made absolute on the
// scenario's base URL as run (after --target and embedded targets).
std::optional<ResourceConfig> resources_of(const TestPlan& plan) {
  for (const auto& s : plan.scenarios) {
    if (!s.resources) continue;
    ResourceConfig c = *s.resources;
    if (c.source == ResourceConfig::Source::metrics_url && !c.url.empty() && c.url.front() == '/') {
      // On the target itself: trust what the load trusts.
      c.ca_file = s.tls.ca_file;
      c.verify_tls = !s.tls.insecure_skip_verify;
      c.unix_socket = s.unix_socket;  // same socket as the load; Host from base_url
      std::string base = s.base_url;
      while (!base.empty() && base.back() == '/') base.pop_back();
      c.url = base + c.url;
    }
    return c;
  }
  return std::nullopt;
}
}  // namespace

RunSummary run_plan(const TestPlan& plan, const EngineOptions& options) {
  RunSummary summary;
  summary.file = plan.file;
  summary.name = plan.name;
  summary.description = plan.description;
  summary.scenarios = plan.scenarios;
  summary.threshold_specs = plan.thresholds;
  summary.segment = options.segment.to_string();

  std::vector<ScenarioTarget> targets;
  std::uint32_t next_id = 0;
  for (const auto& s : plan.scenarios) {
    for (const auto& r : s.requests) {
      summary.catalog.entries.push_back({s.name, r.name});
      RequestCatalog::Checks c;
      for (std::size_t i = 0; i < r.checks.size(); ++i) {
        c.names.emplace_back(r.checks.name(i));
        c.descriptions.push_back(r.checks.description(i));
      }
      summary.catalog.checks.push_back(std::move(c));
    }
    targets.push_back(prepare_target(s, next_id));
    summary.open_model = summary.open_model || is_arrival_rate(s.executor.kind);
    if (s.embedded) summary.target_nodes = s.embedded->nodes;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int threads = options.threads > 0 ? options.threads : static_cast<int>(cores);
  // Arrivals and VUs are shared out to workers alike (item k to worker k mod T); a worker without VUs would
  // drop every arrival it owns, so an open-model plan never uses more workers than its smallest VU pool.
  const Share segment_share = Share::make(options.segment.index, options.segment.count, 0, 1);
  for (const auto& s : plan.scenarios) {
    if (!is_arrival_rate(s.executor.kind)) continue;
    threads = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, segment_share.count_below(max_vus(s.executor)))));
  }
  summary.threads = threads;

  // A ramping plan is judged per load step: the coordinator keeps one histogram set per step.
  const std::optional<StepPlan> steps = plan_steps(plan.scenarios);
  EngineOptions engine_options = options;
  if (steps) {
    for (const auto& st : steps->steps) engine_options.windows.push_back(st.window);
  }
  Coordinator coordinator(plan, engine_options, summary, threads);
  const TimePoint run_start = start_instant(options);
  summary.started_at = std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(run_start - Clock::now());
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    const Share share = Share::make(options.segment.index, options.segment.count, i, threads);
    workers.push_back(std::make_unique<Worker>(
        i, plan, targets, share, summary.catalog.entries.size(), run_start, options.batch_scheduling,
        [&coordinator](int worker, int interval, std::unique_ptr<Stats> delta, const Gauges& g, bool final) {
          asio::post(coordinator.io(), [&coordinator, worker, interval, g, final, d = std::move(delta)]() mutable {
            coordinator.on_snapshot(worker, interval, std::move(d), g, final);
          });
        }));
  }
  const auto resources = resources_of(plan);
  coordinator.start(run_start, workers, resources ? &*resources : nullptr);
  std::unique_ptr<ResourceSampler> sampler;
  if (resources) {
    sampler = std::make_unique<ResourceSampler>(*resources, run_start, [&coordinator](ResourceReading r) {
      asio::post(coordinator.io(), [&coordinator, r = std::move(r)] { coordinator.on_reading(r); });
    });
  }
  std::vector<std::thread> threads_running;
  try {
    if (sampler) sampler->start();
    for (auto& w : workers) threads_running.emplace_back([&w] { w->run(); });
    coordinator.io().run();
  } catch (...) {
    // A thread that cannot start, or a progress/metrics callback that throws: stop the workers cleanly
    // instead of terminating with joinable threads.
    for (auto& w : workers) w->stop();
    for (auto& t : threads_running) t.join();
    throw;
  }
  for (auto& t : threads_running) t.join();
  if (options.batch_scheduling) {
    std::size_t refused = 0;
    int why = 0;
    for (const auto& w : workers) {
      if (w->sched_error() == 0) continue;
      ++refused;
      why = w->sched_error();
    }
    summary.sched = refused == 0 ? "batch" : refused == workers.size() ? "normal" : "mixed";
    if (refused > 0) {
      summary.sched_note = "SCHED_BATCH was refused for " + std::to_string(refused) + " of " +
                           std::to_string(workers.size()) + " worker threads (" + std::strerror(why) +
                           "): they ran under normal scheduling";
    }
  }
  if (sampler) sampler->stop();  // readings it still posts are never run: the coordinator has finished
  coordinator.attach_resources();
  // The sampler's source and its messages quote metrics_url / the Prometheus url, which may hold a ${VAR} value.
  summary.resources.source = redact_env(summary.resources.source, plan.env);
  for (auto& e : summary.resources.error_examples) e = redact_env(e, plan.env);
  for (auto& n : summary.resources.notes) n = redact_env(n, plan.env);

  for (std::size_t k = 0; k < summary.totals.error_examples.size(); ++k) {
    if (!summary.totals.error_examples[k].empty()) {
      // A message may quote a header or URL that holds a value from the environment.
      summary.error_examples.push_back(
          redact_env(std::string(ErrorCounts::kKinds[k]) + ": " + summary.totals.error_examples[k], plan.env));
    }
  }
  summary.totals.check_failure_example = redact_env(summary.totals.check_failure_example, plan.env);
  evaluate_summary_thresholds(summary);
  if (steps) evaluate_steps(summary, *steps);
  return summary;
}

}  // namespace perfval::loadgen
