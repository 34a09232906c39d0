// Collector: steps the simulation at most once per second and rebuilds only the bodies clients asked for.
#include "collector.hpp"

#include "perfval/target/metrics_renderer.hpp"
#include "perfval/target/slurm_api.hpp"

namespace perfval::target {
namespace {
constexpr std::chrono::seconds kInterval{1};  // like an exporter's collection interval
}

Collector::Collector(ClusterOptions options, const std::atomic<std::uint64_t>& metrics_errors)
    : cluster_(std::move(options)),
      metrics_errors_(metrics_errors),
      node_count_(static_cast<int>(cluster_.state().nodes.size())),
      metrics_([this] { return build_metrics(); }, kInterval) {
  for (const SlurmApiVersion& api : slurm_api_versions()) {
    for (SlurmApiVersion::Renderer render : api.renderers) {
      if (render == nullptr) slurm_.push_back(nullptr);
      else slurm_.push_back(std::make_unique<BodyCache>([this, render] { return render(*snapshot_); }, kInterval));
    }
  }
}

Collector::~Collector() { stop(); }

template <typename F>
void Collector::each_cache(F f) {
  f(metrics_);
  for (const auto& c : slurm_) {
    if (c) f(*c);
  }
}

std::shared_ptr<const std::string> Collector::slurm(std::size_t api, int endpoint) {
  const std::size_t i = api * slurm_endpoint_count + static_cast<std::size_t>(endpoint);
  if (i >= slurm_.size() || !slurm_[i]) return nullptr;
  return get(*slurm_[i]);
}

void Collector::start() {
  started_ = std::chrono::steady_clock::now();
  snapshot_ = std::make_shared<const ClusterSnapshot>(cluster_.snapshot());
  metrics_.rebuild(now());
  for (int e = 0; e < slurm_endpoint_count; ++e) {
    if (slurm_[e]) slurm_[e]->rebuild(now());  // slurm_api_versions()[0]
  }
  thread_ = std::thread([this] { run(); });
}

void Collector::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  built_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const std::string> Collector::get(BodyCache& cache) {
  bool wants = false;
  auto body = cache.get(now(), &wants);
  if (wants) {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    wake_.notify_one();
  }
  if (!body) {  // never built (a version nobody asked for yet): wait for the collector's first build
    std::unique_lock lock(mutex_);
    built_.wait(lock, [&] { return cache.builds() > 0 || stopping_; });
    lock.unlock();
    body = cache.get(now(), nullptr);
  }
  return body;
}

void Collector::advance() {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t target = std::chrono::duration_cast<std::chrono::seconds>(now()).count();
  if (cluster_.state().step >= target) return;
  cluster_.advance_to(target);
  snapshot_ = std::make_shared<const ClusterSnapshot>(cluster_.snapshot());
  last_advance_cost_ = std::chrono::steady_clock::now() - t0;
}

void Collector::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    pending_ = false;
    lock.unlock();
    advance();
    each_cache([this](BodyCache& c) {
      if (c.rebuild_requested()) c.rebuild(now());
    });
    lock.lock();
    built_.notify_all();  // under the lock, so a waiter cannot miss it between its check and its wait
  }
}

std::string Collector::build_metrics() {
  const auto t0 = std::chrono::steady_clock::now();
  std::string body = render_cluster_metrics(*snapshot_);
  ExporterStats stats;
  stats.scrape_duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0 + last_advance_cost_).count();
  stats.collection_errors = metrics_errors_.load(std::memory_order_relaxed);
  stats.collections = ++collections_;
  stats.last_collection_time = static_cast<double>(snapshot_->time);
  body += render_exporter_metrics(stats, snapshot_->cluster_name);
  return body;
}

}  // namespace perfval::target
