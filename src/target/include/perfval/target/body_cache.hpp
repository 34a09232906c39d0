// A response body rebuilt at most once per interval by a collector thread; readers never wait for a rebuild.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace perfval::target {

class BodyCache {
 public:
  using Builder = std::function<std::string()>;
  BodyCache(Builder build, std::chrono::nanoseconds max_age);

  // The current body (null before the first rebuild). Sets *wants_rebuild when the body is older than max_age
  // and nobody has asked for a rebuild yet, so exactly one caller per interval wakes the collector.
  std::shared_ptr<const std::string> get(std::chrono::nanoseconds now, bool* wants_rebuild);
  // Builds a new body outside any lock, then swaps it in; `now` is the time the body counts as built.
  void rebuild(std::chrono::nanoseconds now);
  bool rebuild_requested() const { return requested_.load(std::memory_order_acquire); }
  std::uint64_t builds() const { return builds_.load(std::memory_order_relaxed); }

 private:
  Builder build_;
  std::chrono::nanoseconds max_age_;              // rebuild interval
  mutable std::mutex mutex_;                      // held only to copy or swap body_
  std::shared_ptr<const std::string> body_;
  std::atomic<std::int64_t> built_at_{0};         // nanoseconds since the collector's start
  std::atomic<bool> requested_{false};            // a rebuild is wanted (set by the first get() before a build)
  std::atomic<std::uint64_t> builds_{0};          // rebuilds done
};

}  // namespace perfval::target
