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
      metrics_([this] { return build_metrics(); }, kInterval),
      nodes_([this] { return render_nodes_json(*snapshot_); }, kInterval),
      jobs_([this] { return render_jobs_json(*snapshot_); }, kInterval),
      ping_([this] {
              const auto latency = static_cast<std::int64_t>(snapshot_->scheduler.last_cycle_seconds * 1e6 / 4);
              return render_ping_json(*snapshot_, latency);
            },
            kInterval) {}

Collector::~Collector() { stop(); }

void Collector::start() {
  started_ = std::chrono::steady_clock::now();
  snapshot_ = std::make_shared<const ClusterSnapshot>(cluster_.snapshot());
  for (BodyCache* c : {&metrics_, &nodes_, &jobs_, &ping_}) c->rebuild(now());
  thread_ = std::thread([this] { run(); });
}

void Collector::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
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
    for (BodyCache* c : {&metrics_, &nodes_, &jobs_, &ping_}) {
      if (c->rebuild_requested()) c->rebuild(now());
    }
    lock.lock();
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
  if (const auto usage = read_process_usage(0)) body += render_process_metrics(*usage);
  return body;
}

}  // namespace perfval::target
