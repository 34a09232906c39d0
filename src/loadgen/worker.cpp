// Worker: one thread and one io_context running its share of every scenario; snapshots its Stats each second.
#include "worker.hpp"

#include <boost/asio/post.hpp>

namespace perfval::loadgen::detail {

namespace {
constexpr auto kSweepEvery = std::chrono::milliseconds(20);  // request-timeout resolution
constexpr std::size_t kReadBuffer = 64 * 1024;              // bytes, shared by the worker's connections
}  // namespace

Worker::Worker(int index, const TestPlan& plan, const std::vector<ScenarioTarget>& targets, Share share,
               std::size_t request_count, TimePoint run_start, SnapshotFn on_snapshot)
    : index_(index),
      io_(1),
      request_count_(request_count),
      run_start_(run_start),
      on_snapshot_(std::move(on_snapshot)),
      stats_(request_count),
      read_buffer_(kReadBuffer),
      snapshot_timer_(io_),
      sweep_timer_(io_) {
  for (std::size_t i = 0; i < plan.scenarios.size(); ++i) {
    drivers_.push_back(std::make_unique<ScenarioDriver>(*this, plan.scenarios[i], targets[i], share, run_start));
  }
}

void Worker::run() {
  for (auto& d : drivers_) d->start();
  arm_snapshot();
  arm_sweep();
  if (drivers_.empty()) driver_done();
  io_.run();
}

void Worker::stop() {
  asio::post(io_, [this] {
    for (auto& d : drivers_) d->hard_stop();
  });
}

void Worker::note_error(std::size_t kind, const std::string& message) {
  if (kind < stats_.error_examples.size() && stats_.error_examples[kind].empty()) stats_.error_examples[kind] = message;
}

void Worker::snapshot(bool final) {
  std::int64_t vus = 0, allocated = 0;
  for (auto& d : drivers_) {
    vus += d->active_vus();
    allocated += d->allocated_vus();
  }
  stats_.vus = vus;
  stats_.vus_max = allocated;
  Stats delta(request_count_);
  std::swap(delta, stats_);
  on_snapshot_(index_, interval_, std::move(delta), final);
}

void Worker::arm_snapshot() {
  snapshot_timer_.expires_at(run_start_ + std::chrono::seconds(interval_ + 1));
  snapshot_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    ++interval_;
    snapshot(false);
    arm_snapshot();
  });
}

void Worker::arm_sweep() {
  sweep_timer_.expires_after(kSweepEvery);
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    const auto now = Clock::now();
    for (auto& d : drivers_) {
      if (!d->done()) d->sweep(now);
    }
    arm_sweep();
  });
}

void Worker::driver_done() {
  for (auto& d : drivers_) {
    if (!d->done()) return;
  }
  if (finished_) return;
  finished_ = true;
  snapshot_timer_.cancel();
  sweep_timer_.cancel();
  ++interval_;
  snapshot(true);
}

}  // namespace perfval::loadgen::detail
