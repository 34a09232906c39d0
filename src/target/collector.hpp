// The collector: owns the simulated cluster and rebuilds the cached bodies on its own thread, on demand.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

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

  void start();  // builds every body once, synchronously, then starts the thread
  void stop();   // idempotent

  // Current bodies; a stale one is still returned and a rebuild is queued (at most one per second each).
  std::shared_ptr<const std::string> metrics() { return get(metrics_); }
  std::shared_ptr<const std::string> nodes() { return get(nodes_); }
  std::shared_ptr<const std::string> jobs() { return get(jobs_); }
  std::shared_ptr<const std::string> ping() { return get(ping_); }
  int node_count() const { return node_count_; }

 private:
  std::shared_ptr<const std::string> get(BodyCache& cache);
  std::chrono::nanoseconds now() const { return std::chrono::steady_clock::now() - started_; }
  void advance();
  void run();
  std::string build_metrics();

  Cluster cluster_;                                  // touched only by the collector thread (and start())
  std::shared_ptr<const ClusterSnapshot> snapshot_;  // what the builders render
  const std::atomic<std::uint64_t>& metrics_errors_;
  int node_count_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::nanoseconds last_advance_cost_{0};    // time the last simulation step and snapshot took
  std::uint64_t collections_ = 0;                    // metrics bodies built
  BodyCache metrics_;
  BodyCache nodes_;
  BodyCache jobs_;
  BodyCache ping_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;  // a cache asked for a rebuild
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace perfval::target
