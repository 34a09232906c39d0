// Worker: one thread and one io_context running its share of every scenario; snapshots its Stats each second.
#include "worker.hpp"

#include <boost/asio/post.hpp>

#include <pthread.h>
#include <sched.h>

namespace perfval::loadgen::detail {

namespace {
constexpr auto kSweepEvery = std::chrono::milliseconds(20);  // request-timeout resolution
constexpr std::size_t kReadBuffer = 64 * 1024;              // bytes, shared by the worker's connections
}  // namespace

Worker::Worker(int index, const TestPlan& plan, const std::vector<ScenarioTarget>& targets, Share share,
               std::size_t request_count, TimePoint run_start, bool batch_scheduling, SnapshotFn on_snapshot)
    : index_(index),
      // Only this thread touches the worker's sockets and timers (other threads just post() to it), so the
      // reactor's per-descriptor locking is dropped; the scheduler keeps its lock for those posts.
      io_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
      request_count_(request_count),
      run_start_(run_start),
      on_snapshot_(std::move(on_snapshot)),
      stats_(std::make_unique<Stats>(request_count)),
      read_buffer_(kReadBuffer),
      snapshot_timer_(io_),
      sweep_timer_(io_),
      batch_scheduling_(batch_scheduling) {
  for (std::size_t i = 0; i < plan.scenarios.size(); ++i) {
    drivers_.push_back(std::make_unique<ScenarioDriver>(*this, plan.scenarios[i], targets[i], share, run_start));
  }
}

void Worker::run() {
  if (batch_scheduling_) {
    // SCHED_BATCH: the scheduler treats the thread as CPU-bound, so its wake-ups (a response, a timer) do not
    // preempt the running task; it gets the core at the next scheduling point instead. Unprivileged.
    const sched_param param{};
    sched_error_ = pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  }
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
  auto& examples = stats_->error_examples;
  if (kind < examples.size() && examples[kind].empty()) examples[kind] = message;
}

void Worker::recycle(std::unique_ptr<Stats> emptied) {
  asio::post(io_, [this, s = std::move(emptied)]() mutable {
    if (!spare_) spare_ = std::move(s);
  });
}

void Worker::snapshot(bool final) {
  Gauges g;
  for (auto& d : drivers_) {
    g.vus += d->active_vus();
    g.vus_max += d->allocated_vus();
    g.in_flight += d->in_flight();
  }
  std::unique_ptr<Stats> delta = std::move(stats_);
  // Only the first seconds (or a coordinator that fell behind) allocate here.
  stats_ = spare_ ? std::move(spare_) : std::make_unique<Stats>(request_count_);
  on_snapshot_(index_, interval_, std::move(delta), g, final);
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
