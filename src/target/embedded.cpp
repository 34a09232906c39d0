// EmbeddedTarget: routes requests to the cached SLURM bodies, applies faults, and runs the HTTP server.
#include "perfval/target/embedded.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "collector.hpp"
#include "perfval/http/server.hpp"
#include "perfval/target/faults.hpp"
#include "perfval/target/metrics_renderer.hpp"
#include "perfval/target/slurm_api.hpp"

namespace perfval::target {
namespace {

constexpr std::string_view kJson = "application/json";

enum class Route { index, metrics, health, slurm, unknown };

struct Match {
  Route route = Route::unknown;
  std::size_t api = 0;  // index into slurm_api_versions() (Route::slurm)
  int endpoint = 0;     // SlurmEndpoint (Route::slurm)
};

Match find_route(std::string_view path) {
  if (path == "/metrics") return {Route::metrics};
  if (path == "/health") return {Route::health};
  if (path == "/") return {Route::index};
  constexpr std::string_view root = "/slurm/";
  if (path.substr(0, root.size()) != root) return {};
  path.remove_prefix(root.size());
  const std::span<const SlurmApiVersion> apis = slurm_api_versions();
  for (std::size_t a = 0; a < apis.size(); ++a) {
    const std::string_view v = apis[a].version;
    if (path.substr(0, v.size()) != v || path.substr(v.size(), 1) != "/") continue;
    const std::string_view endpoint = path.substr(v.size() + 1);
    for (int e = 0; e < slurm_endpoint_count; ++e) {
      if (endpoint == slurm_endpoint_names[e] && apis[a].renderers[e] != nullptr) return {Route::slurm, a, e};
    }
  }
  return {};
}

http::ServerResponse json_response(unsigned status, std::string body) {
  http::ServerResponse r;
  r.status = status;
  r.content_type = std::string(kJson);
  r.body = std::move(body);
  return r;
}

http::ServerResponse shared_response(std::string_view type, std::shared_ptr<const std::string> body) {
  if (!body) return json_response(503, render_error_json(503, "shutting down", "perfval serve"));  // while stopping
  http::ServerResponse r;
  r.content_type = std::string(type);
  r.shared_body = std::move(body);
  return r;
}

std::string index_text() {
  std::string text =
      "perfval embedded target: a simulated SLURM cluster\n\n"
      "GET /metrics                 Prometheus exposition (slurm_* families)\n"
      "GET /health                  liveness\n";
  for (const SlurmApiVersion& api : slurm_api_versions()) {
    for (int e = 0; e < slurm_endpoint_count; ++e) {
      if (api.renderers[e] == nullptr) continue;
      std::string path = "/slurm/" + std::string(api.version) + "/" + std::string(slurm_endpoint_names[e]);
      path.resize(std::max<std::size_t>(path.size() + 1, 25), ' ');
      text += "GET " + path + "slurmrestd " + std::string(slurm_endpoint_names[e]) + "\n";
    }
  }
  return text;
}

}  // namespace

struct EmbeddedTarget::Impl {
  explicit Impl(ServeOptions o)
      : options(std::move(o)), faults(options.latency, options.error_rate, options.stall, options.seed) {}

  http::ServerResponse answer(const http::ServerRequest& req, const Match& match);
  http::ServerResponse handle(const http::ServerRequest& req);

  ServeOptions options;
  Faults faults;
  std::atomic<std::uint64_t> metrics_errors{0};  // injected 500s on /metrics, reported by the exporter metrics
  std::unique_ptr<Collector> collector;
  std::unique_ptr<http::Server> server;
  std::chrono::steady_clock::time_point started;
};

http::ServerResponse EmbeddedTarget::Impl::answer(const http::ServerRequest& req, const Match& match) {
  const Route route = match.route;
  if (route == Route::unknown) {
    return json_response(404, render_error_json(404, "no such path; see / for the endpoints", "perfval serve"));
  }
  if (req.method != "GET" && req.method != "HEAD") {  // HEAD: the server sends the headers only
    return json_response(405, render_error_json(405, "method " + req.method + " not allowed; use GET", "perfval serve"));
  }
  switch (route) {
    case Route::metrics: return shared_response(prometheus_content_type, collector->metrics());
    case Route::slurm: return shared_response(kJson, collector->slurm(match.api, match.endpoint));
    case Route::health:
      return json_response(200, "{\"status\":\"ok\",\"nodes\":" + std::to_string(collector->node_count()) + "}");
    case Route::index: {
      http::ServerResponse r;
      static const std::string text = index_text();
      r.body = text;
      return r;
    }
    case Route::unknown: break;
  }
  return json_response(404, render_error_json(404, "no such path", "perfval serve"));
}

http::ServerResponse EmbeddedTarget::Impl::handle(const http::ServerRequest& req) {
  const std::string_view target = req.target;
  const Match match = find_route(target.substr(0, target.find('?')));
  if (!faults.active()) return answer(req, match);
  const FaultDecision fault = faults.decide(std::chrono::steady_clock::now() - started);
  http::ServerResponse r;
  if (fault.error) {
    if (match.route == Route::metrics) metrics_errors.fetch_add(1, std::memory_order_relaxed);
    r = json_response(500, render_error_json(500, "injected fault (--error-rate)", "perfval serve"));
  } else {
    r = answer(req, match);
  }
  r.delay = fault.delay;
  return r;
}

EmbeddedTarget::EmbeddedTarget(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

EmbeddedTarget::~EmbeddedTarget() { stop(); }

void EmbeddedTarget::start() {
  if (impl_->server) return;
  ClusterOptions cluster;
  cluster.nodes = impl_->options.nodes;
  cluster.seed = impl_->options.seed;
  cluster.epoch = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  impl_->collector = std::make_unique<Collector>(cluster, impl_->metrics_errors);
  impl_->collector->start();
  http::ServerOptions so;
  so.host = impl_->options.host;
  so.port = impl_->options.port;
  so.threads = impl_->options.threads > 0 ? impl_->options.threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Impl* impl = impl_.get();
  impl_->server = std::make_unique<http::Server>(so, [impl](const http::ServerRequest& r) { return impl->handle(r); });
  impl_->started = std::chrono::steady_clock::now();
  try {
    impl_->server->start();
  } catch (...) {
    impl_->server.reset();
    impl_->collector->stop();
    throw;
  }
}

void EmbeddedTarget::stop() {
  if (impl_->server) impl_->server->stop();
  if (impl_->collector) impl_->collector->stop();
}

std::uint16_t EmbeddedTarget::port() const { return impl_->server ? impl_->server->port() : 0; }

std::string EmbeddedTarget::base_url() const {
  std::string host = impl_->options.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  else if (host == "::") host = "[::1]";
  else if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port());
}

std::uint64_t EmbeddedTarget::requests_served() const {
  return impl_->server ? impl_->server->counters().requests : 0;
}

}  // namespace perfval::target
