// A network benchmark's requests, sent by the load engine: a one-scenario plan (shared-iterations, no think time)
// run on one worker thread, its RequestStats taken back and its failures turned into one cause.
#include "perfval/bench/network_probe.hpp"

#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/beast/http/status.hpp>

#include <algorithm>

#include "perfval/loadgen/engine.hpp"

namespace perfval::bench {
namespace {

std::string count_text(std::uint64_t n, std::uint64_t of) {
  return " (" + std::to_string(n) + " of " + std::to_string(of) + " requests)";
}

// Why the run's requests did not all succeed, or "": transport errors first (they say the most), then the
// first status >= 400, then a failed check.
std::string failure_of(const loadgen::RunSummary& summary, const loadgen::RequestStats& s, const std::string& what) {
  if (s.requests == 0) return what + ": no request finished";
  if (const std::uint64_t transport = s.errors.total(); transport > 0) {
    const std::string example = summary.error_examples.empty() ? "transport error" : summary.error_examples.front();
    return what + ": " + example + count_text(transport, s.requests);
  }
  auto codes = s.status.counts;
  std::sort(codes.begin(), codes.end());
  for (const auto& [code, n] : codes) {
    if (code < 400) continue;
    const auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(code));
    return what + ": HTTP " + std::to_string(code) + " " + std::string(reason) + count_text(n, s.requests);
  }
  std::uint64_t check_fails = 0;
  for (const auto& c : s.checks) check_fails += c.fails;
  if (check_fails > 0) return what + ": check failed: " + summary.totals.check_failure_example;
  return "";
}

}  // namespace

std::string request_url(const loadgen::Scenario& base, const loadgen::RequestSpec& request) {
  // As written: a value a --scenario file took from the environment (a token in a URL) never appears.
  std::string url = loadgen::echo_base_url(base) + loadgen::echo_path(request);
  if (!base.unix_socket.empty()) {
    url += " (unix:" + (base.unix_socket_as_written.empty() ? base.unix_socket : base.unix_socket_as_written) + ")";
  }
  return url;
}

ProbeResult probe(const loadgen::Scenario& base, const loadgen::RequestSpec& request, const ProbeOptions& options) {
  loadgen::TestPlan plan;
  plan.name = "bench-network";
  loadgen::Scenario s = base;
  s.name = "network";
  s.requests = {request};
  s.requests.front().weight = 1;
  if (options.new_connections) s.requests.front().headers.push_back({"Connection", "close"});
  s.think_time = loadgen::Nanos{0};
  s.timeout = options.timeout;
  s.executor = {};
  s.executor.kind = loadgen::ExecutorKind::shared_iterations;
  s.executor.vus = options.in_flight;
  s.executor.iterations = std::max<std::int64_t>(options.requests, options.in_flight);
  // Bounded whatever the target does: every request may take the whole timeout, in_flight at a time.
  s.executor.max_duration = options.timeout * (s.executor.iterations / options.in_flight + 1);
  s.executor.graceful_stop = options.timeout;
  plan.scenarios = {std::move(s)};

  loadgen::EngineOptions engine;
  engine.threads = 1;
  engine.handle_signals = false;
  const loadgen::RunSummary summary = loadgen::run_plan(plan, engine);
  ProbeResult r;
  if (!summary.totals.by_request.empty()) r.stats = summary.totals.by_request.front();
  r.seconds = summary.duration;
  r.failure = failure_of(summary, r.stats, request.method + " " + request_url(base, request));
  return r;
}

}  // namespace perfval::bench
