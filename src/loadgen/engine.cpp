// The coordinator: prepares targets, runs workers, merges their per-second snapshots, watches thresholds and
// signals, and assembles the RunSummary. Nothing here runs on the request path.
#include "perfval/loadgen/engine.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdlib>
#include <map>
#include <thread>

#include "perfval/common/error.hpp"
#include "perfval/http/url.hpp"
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

PreparedRequest prepare(const RequestSpec& r, const http::Url& url, std::uint32_t id) {
  PreparedRequest p;
  p.id = id;
  p.weight = r.weight;
  p.head = r.method == "HEAD";
  p.idempotent = r.method != "POST" && r.method != "PATCH";
  std::string& w = p.wire;
  w = r.method + " " + join_path(url.target, r.path) + " HTTP/1.1\r\n";
  if (!has_header(r, "host")) w += "Host: " + url.host_header() + "\r\n";
  if (!has_header(r, "user-agent")) w += "User-Agent: perfval/0.1\r\n";
  for (const auto& h : r.headers) w += h.name + ": " + h.value + "\r\n";
  const bool has_body = !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  if (has_body && !has_header(r, "content-length")) w += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  w += "\r\n";
  w += r.body;
  return p;
}

ScenarioTarget prepare_target(const Scenario& s, std::uint32_t& next_id) {
  std::string why;
  const auto url = http::parse_url(s.base_url, &why);
  if (!url) throw Error("scenario " + s.name + ": target " + s.base_url + ": " + why);
  if (url->scheme != "http") {
    throw Error("scenario " + s.name + ": target " + s.base_url +
                ": the load engine speaks plain HTTP/1.1; https targets are not supported yet");
  }
  ScenarioTarget t;
  for (const auto& r : s.requests) t.requests.push_back(prepare(r, *url, next_id++));
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(url->host, std::to_string(url->port), ec);
  if (ec) {
    t.resolve_error = "cannot resolve " + url->host + ": " + ec.message();
  } else {
    for (const auto& e : results) t.endpoints.push_back(e.endpoint());
  }
  return t;
}

// Merges worker snapshots in the coordinator thread; owns everything the summary is made from.
class Coordinator {
 public:
  Coordinator(const TestPlan& plan, const EngineOptions& options, RunSummary& summary, int workers)
      : plan_(plan), options_(options), summary_(summary), workers_(workers), io_(1),
        signals_(io_), progress_timer_(io_), threshold_timer_(io_) {}

  asio::io_context& io() { return io_; }

  void on_snapshot(int interval, Stats&& delta, bool final) {
    if (options_.on_delta) options_.on_delta(delta, summary_.catalog);
    auto& slot = intervals_.try_emplace(interval, Stats(summary_.catalog.entries.size())).first->second;
    slot += delta;
    summary_.totals += delta;
    if (final) {
      ++finished_;
      if (finished_ == workers_) finish();
    }
  }

  void start(TimePoint run_start, std::vector<std::unique_ptr<Worker>>& workers) {
    run_start_ = run_start;
    workers_list_ = &workers;
    if (options_.handle_signals) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      wait_for_signal();
    }
    arm_progress();
    arm_thresholds();
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - run_start_).count(); }

 private:
  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec || finished_all_) return;
      if (summary_.interrupted) std::_Exit(exit_code::interrupted);  // a second signal: stop waiting for workers
      summary_.interrupted = true;
      abort_run(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
      wait_for_signal();
    });
  }

  void abort_run(const std::string& reason) {
    if (summary_.aborted) return;
    summary_.aborted = true;
    summary_.abort_reason = reason;
    for (auto& w : *workers_list_) w->stop();
  }

  void finish() {
    finished_all_ = true;
    summary_.duration = std::max(0.0, elapsed());
    signals_.cancel();
    progress_timer_.cancel();
    threshold_timer_.cancel();
    build_timeseries();
  }

  void build_timeseries() {
    std::int64_t last_vus = 0, vus_max = 0;
    for (auto& [n, stats] : intervals_) {
      vus_max = std::max(vus_max, stats.vus_max);
      IntervalSample s;
      s.t = std::min<double>(n, summary_.duration);
      s.length = std::max(1e-3, s.t - (n - 1));
      const RequestStats total = stats.total();
      s.requests = total.requests;
      s.errors = total.failed;
      s.dropped = stats.dropped_iterations;
      s.bytes_received = total.bytes_received;
      s.p50 = static_cast<double>(total.duration.value_at_percentile(50)) / 1000.0;
      s.p95 = static_cast<double>(total.duration.value_at_percentile(95)) / 1000.0;
      s.p99 = static_cast<double>(total.duration.value_at_percentile(99)) / 1000.0;
      // The final snapshots report 0 VUs; a partial last second keeps the count it ran with.
      s.vus = stats.vus > 0 || s.length >= 1 ? stats.vus : last_vus;
      last_vus = s.vus;
      summary_.timeseries.push_back(s);
    }
    // Gauges were summed over snapshots while merging; keep their meaningful values instead.
    summary_.totals.vus = last_vus;
    summary_.totals.vus_max = vus_max;
  }

  void arm_progress() {
    progress_timer_.expires_at(run_start_ + std::chrono::seconds(++progress_second_) + std::chrono::milliseconds(50));
    progress_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_all_) return;  // cancel() cannot stop a handler whose expiry was already queued
      if (options_.on_progress) {
        const auto it = intervals_.find(progress_second_);
        IntervalSample last;
        if (it != intervals_.end()) {
          const RequestStats t = it->second.total();
          last.t = progress_second_;
          last.requests = t.requests;
          last.errors = t.failed;
          last.p95 = static_cast<double>(t.duration.value_at_percentile(95)) / 1000.0;
          last.vus = it->second.vus;
        }
        LiveView view{elapsed(), planned_seconds(), &summary_.totals, &summary_.catalog, &last};
        options_.on_progress(view);
      }
      arm_progress();
    });
  }

  double planned_seconds() const {
    double m = 0;
    for (const auto& s : plan_.scenarios) {
      m = std::max(m, std::chrono::duration<double>(s.executor.start_time + planned_duration(s)).count());
    }
    return m;
  }

  void arm_thresholds() {
    threshold_timer_.expires_after(options_.threshold_interval);
    threshold_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_all_) return;
      check_abort_thresholds();
      arm_thresholds();
    });
  }

  void check_abort_thresholds() {
    const double now = elapsed();
    for (const auto& t : plan_.thresholds) {
      if (!t.abort_on_fail || now < std::chrono::duration<double>(t.delay_abort_eval).count()) continue;
      const auto v = aggregate(summary_.totals, summary_.catalog, now, t.selector, t.expr);
      if (v && !t.expr.passes(*v)) {
        abort_run("threshold " + t.selector.key + ": " + t.expr.source + " crossed at " +
                  std::to_string(static_cast<int>(now)) + " s (abortOnFail)");
        return;
      }
    }
  }

  const TestPlan& plan_;
  const EngineOptions& options_;
  RunSummary& summary_;
  int workers_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer progress_timer_;
  asio::steady_timer threshold_timer_;
  std::map<int, Stats> intervals_;   // interval number (1-based seconds) -> merged deltas
  int finished_ = 0;
  bool finished_all_ = false;        // every worker sent its final snapshot: handlers must not re-arm
  int progress_second_ = 0;
  TimePoint run_start_{};
  std::vector<std::unique_ptr<Worker>>* workers_list_ = nullptr;
};

TimePoint start_instant(const EngineOptions& options) {
  const auto now = Clock::now();
  if (!options.start_at) return now + std::chrono::milliseconds(20);
  const auto wait = *options.start_at - std::chrono::system_clock::now();
  return now + std::chrono::duration_cast<Clock::duration>(std::max<std::chrono::system_clock::duration>(wait, {}));
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
    for (const auto& r : s.requests) summary.catalog.entries.push_back({s.name, r.name});
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

  Coordinator coordinator(plan, options, summary, threads);
  const TimePoint run_start = start_instant(options);
  summary.started_at = std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(run_start - Clock::now());
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    const Share share = Share::make(options.segment.index, options.segment.count, i, threads);
    workers.push_back(std::make_unique<Worker>(
        i, plan, targets, share, summary.catalog.entries.size(), run_start,
        [&coordinator](int, int interval, Stats&& delta, bool final) {
          asio::post(coordinator.io(), [&coordinator, interval, final, d = std::move(delta)]() mutable {
            coordinator.on_snapshot(interval, std::move(d), final);
          });
        }));
  }
  coordinator.start(run_start, workers);
  std::vector<std::thread> threads_running;
  try {
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

  for (std::size_t k = 0; k < summary.totals.error_examples.size(); ++k) {
    if (!summary.totals.error_examples[k].empty()) {
      summary.error_examples.push_back(std::string(ErrorCounts::kKinds[k]) + ": " + summary.totals.error_examples[k]);
    }
  }
  evaluate_summary_thresholds(summary);
  return summary;
}

}  // namespace perfval::loadgen
