// BodyCache: stale-while-rebuilding bodies so a slow render never stalls an I/O thread.
#include "perfval/target/body_cache.hpp"

namespace perfval::target {

BodyCache::BodyCache(Builder build, std::chrono::nanoseconds max_age) : build_(std::move(build)), max_age_(max_age) {}

std::shared_ptr<const std::string> BodyCache::get(std::chrono::nanoseconds now, bool* wants_rebuild) {
  std::shared_ptr<const std::string> body;
  {
    std::lock_guard lock(mutex_);
    body = body_;
  }
  const bool stale = !body || now.count() - built_at_.load(std::memory_order_relaxed) >= max_age_.count();
  const bool first_to_ask = stale && !requested_.exchange(true, std::memory_order_acq_rel);
  if (wants_rebuild != nullptr) *wants_rebuild = first_to_ask;
  return body;
}

void BodyCache::rebuild(std::chrono::nanoseconds now) {
  auto fresh = std::make_shared<const std::string>(build_());
  {
    std::lock_guard lock(mutex_);
    body_.swap(fresh);
  }
  built_at_.store(now.count(), std::memory_order_relaxed);
  builds_.fetch_add(1, std::memory_order_relaxed);
  requested_.store(false, std::memory_order_release);
  // `fresh` now holds the old body; it is freed here, outside the lock (or later by the last reader).
}

}  // namespace perfval::target
