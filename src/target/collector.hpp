// The collector: owns the simulated cluster and rebuilds the cached bodies on its own thread, on demand.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "perfval/target/body_cache.hpp"
#include "perfval/target/cluster.hpp"

namespace perfval::target {

class Collector {
 public:
  // `metrics_errors` is read into slurm_exporter_collection_errors_total; it must outlive the collector.
  Collector(ClusterOptions options, const std::atomic<std::uint64_t>& metrics_errors);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Builds /metrics and the newest API version's bodies synchronously, then starts the thread. The other
  // versions' bodies are built the first time one is asked for; that first request waits for it.
  void start();
  void stop();   // idempotent

  // Current bodies; a stale one is still returned and a rebuild is queued (at most one per second each).
  // Null only while stopping.
  std::shared_ptr<const std::string> metrics() { return get(metrics_); }
  // The body of /slurm/<version>/<endpoint> for slurm_api_versions()[api]; null when that version has none.
  std::shared_ptr<const std::string> slurm(std::size_t api, int endpoint);
  int node_count() const { return node_count_; }

 private:
  std::shared_ptr<const std::string> get(BodyCache& cache);
  std::chrono::nanoseconds now() const { return std::chrono::steady_clock::now() - started_; }
  void advance();
  void run();
  std::string build_metrics();
  template <typename F> void each_cache(F f);  // metrics_ and every slurm_ cache

  Cluster cluster_;                                  // touched only by the collector thread (and start())
  std::shared_ptr<const ClusterSnapshot> snapshot_;  // what the builders render
  const std::atomic<std::uint64_t>& metrics_errors_;
  int node_count_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::nanoseconds last_advance_cost_{0};    // time the last simulation step and snapshot took
  std::uint64_t collections_ = 0;                    // metrics bodies built
  BodyCache metrics_;
  std::vector<std::unique_ptr<BodyCache>> slurm_;  // [api * slurm_endpoint_count + endpoint], null if not served

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable built_;  // a body was built (for a request waiting for a first build)
  bool pending_ = false;  // a cache asked for a rebuild
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace perfval::target
