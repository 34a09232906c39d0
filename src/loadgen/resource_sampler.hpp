// Private to the engine: samples the target's resources on a thread of its own, off the request path.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "perfval/loadgen/resources.hpp"

namespace perfval::loadgen::detail {

// One way of reading the target (metrics_url, Prometheus, /proc). read() blocks at most the configured timeout
// and never throws: failures come back as a reading with `error` set.
class ResourceSource {
 public:
  virtual ~ResourceSource() = default;
  virtual ResourceReading read() = 0;
};

// `config.url` must already be absolute (a metrics_url path is resolved against the base URL by the caller).
std::unique_ptr<ResourceSource> make_resource_source(const ResourceConfig& config);

// Reads every `interval` from `first_at` until stop() (or until a sampled process exits) and hands each reading
// to `deliver` on the sampler's thread. A reading that overruns the interval skips the ticks it missed.
class ResourceSampler {
 public:
  using Deliver = std::function<void(ResourceReading)>;
  using Clock = std::chrono::steady_clock;

  ResourceSampler(const ResourceConfig& config, Clock::time_point run_start, Deliver deliver);
  ~ResourceSampler();  // stops and joins
  ResourceSampler(const ResourceSampler&) = delete;
  ResourceSampler& operator=(const ResourceSampler&) = delete;

  void start();
  void stop();  // waits for a reading in progress (at most the timeout)

 private:
  void run();

  std::unique_ptr<ResourceSource> source_;
  std::chrono::nanoseconds interval_;
  Clock::time_point run_start_;
  Deliver deliver_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace perfval::loadgen::detail
