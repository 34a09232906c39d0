// Snapshot and target caches. Benchmarks run one at a time on the main thread (threaded ones call in from
// their setup), so a mutex around each cache is enough.
#include "perfval/bench/fixtures.hpp"

#include <map>
#include <memory>
#include <mutex>

#include "perfval/target/embedded.hpp"

namespace perfval::bench {
namespace {

std::mutex cache_mutex;
std::optional<Endpoint> external;

std::map<int, std::unique_ptr<target::ClusterSnapshot>>& snapshots() {
  static std::map<int, std::unique_ptr<target::ClusterSnapshot>> cache;
  return cache;
}

std::map<int, std::unique_ptr<target::EmbeddedTarget>>& targets() {
  static std::map<int, std::unique_ptr<target::EmbeddedTarget>> cache;
  return cache;
}

}  // namespace

const target::ClusterSnapshot& cluster_snapshot(int nodes) {
  std::lock_guard lock(cache_mutex);
  auto& slot = snapshots()[nodes];
  if (!slot) {
    target::ClusterOptions options;
    options.nodes = nodes;
    target::Cluster cluster(options);
    for (int i = 0; i < 5; ++i) cluster.step();
    slot = std::make_unique<target::ClusterSnapshot>(cluster.snapshot());
  }
  return *slot;
}

void set_external_target(std::optional<Endpoint> endpoint) {
  std::lock_guard lock(cache_mutex);
  external = std::move(endpoint);
}

const std::optional<Endpoint>& external_target() { return external; }

Endpoint benchmark_target(int nodes) {
  {
    std::lock_guard lock(cache_mutex);
    if (external) return *external;
  }
  return embedded_target(nodes);
}

Endpoint embedded_target(int nodes) {
  std::lock_guard lock(cache_mutex);
  auto& slot = targets()[nodes];
  if (!slot) {
    target::ServeOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.nodes = nodes;
    options.threads = 2;
    auto t = std::make_unique<target::EmbeddedTarget>(options);
    t->start();
    slot = std::move(t);
  }
  Endpoint e;
  e.port = slot->port();
  return e;
}

void stop_benchmark_targets() {
  std::lock_guard lock(cache_mutex);
  targets().clear();
}

}  // namespace perfval::bench
