// ScenarioDriver: k6 executor semantics for one worker's share — closed-model VU loops and open-model arrivals.
#include <algorithm>
#include <random>

#include "splitmix.hpp"
#include "vu.hpp"

namespace perfval::loadgen::detail {

namespace {
constexpr auto kTickEvery = std::chrono::milliseconds(50);  // ramping-vus re-evaluates the VU target this often
constexpr std::int64_t kMaxArrivalBatch = 2000;              // arrivals started before yielding to I/O

// After a failed connection, a closed-model VU waits 50 ms, doubling up to 1 s, so a dead target does not spin.
Clock::duration backoff_delay(int failures) {
  const int shift = std::min(failures - 1, 5);
  return std::min<Clock::duration>(std::chrono::milliseconds(50L << shift), std::chrono::seconds(1));
}
}  // namespace

Vu::Vu(ScenarioDriver& d, asio::io_context& io, std::int64_t i)
    : driver(d), transport(http::make_transport(io, d.target().transport, *this)), timer(io), index(i) {}

namespace {
// Each VU's own {{random}}/{{uuid}} sequence: different VUs and different runs draw different values.
void seed_vu(Vu& vu, std::uint64_t run_seed) {
  std::uint64_t s = run_seed ^ (static_cast<std::uint64_t>(vu.index + 1) * 0x9E3779B97F4A7C15ull);
  vu.rng.state = splitmix64(s);
}
}  // namespace

ScenarioDriver::ScenarioDriver(Worker& worker, const Scenario& scenario, const ScenarioTarget& target, Share share,
                               TimePoint run_start)
    : worker_(worker),
      scenario_(scenario),
      target_(target),
      cfg_(scenario.executor),
      share_(share),
      open_(is_arrival_rate(scenario.executor.kind)),
      start_(run_start + std::chrono::duration_cast<Clock::duration>(scenario.executor.start_time)),
      end_(start_ + std::chrono::duration_cast<Clock::duration>(planned_duration(scenario))),
      timer_(worker.io()),
      arrivals_(scenario.executor),
      seed_((static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()) {
  if (target.uses_data && scenario.data) data_.emplace(*scenario.data, share.offset, share.stride, seed_);
  swrr_current_.assign(target.requests.size(), 0);
  for (const auto& r : target.requests) swrr_total_ += r.weight;
  if (cfg_.kind == ExecutorKind::shared_iterations) {
    // Iteration i belongs to VU i % vus; this worker takes the iterations of the VUs it owns, so a worker
    // never holds iterations without VUs to run them and the shares add up exactly.
    const std::int64_t per_vu = cfg_.iterations / cfg_.vus, extra = cfg_.iterations % cfg_.vus;
    const std::int64_t owned = share_.count_below(cfg_.vus);
    iteration_budget_ = owned * per_vu + share_.count_below(extra);
  }
  max_vus_share_ = share_.count_below(max_vus(cfg_));
}

const PreparedRequest& ScenarioDriver::next_request() {
  // Smooth weighted round-robin: exact proportions over every window of sum(weights) iterations.
  std::size_t best = 0;
  for (std::size_t i = 0; i < swrr_current_.size(); ++i) {
    swrr_current_[i] += target_.requests[i].weight;
    if (swrr_current_[i] > swrr_current_[best]) best = i;
  }
  swrr_current_[best] -= swrr_total_;
  return target_.requests[best];
}

std::int64_t ScenarioDriver::active_vus() const {
  std::int64_t n = 0;
  for (const auto& vu : vus_) {
    n += open_ ? vu->state == VuState::busy : vu->state != VuState::parked;
  }
  return n;
}

Vu& ScenarioDriver::new_vu(std::int64_t index) {
  vus_.push_back(std::make_unique<Vu>(*this, worker_.io(), index));
  seed_vu(*vus_.back(), seed_);
  return *vus_.back();
}

void ScenarioDriver::start() {
  timer_.expires_at(start_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    if (open_) {
      const std::int64_t pre = share_.count_below(cfg_.pre_allocated_vus);
      for (std::int64_t k = 0; k < pre; ++k) free_.push_back(&new_vu(share_.item(k)));
      std::reverse(free_.begin(), free_.end());
      on_arrival_timer();
    } else {
      tick();
    }
  });
}

bool ScenarioDriver::may_start_iteration(Vu& vu) {
  if (stopping_ || vu.retiring) return false;
  if (cfg_.kind == ExecutorKind::per_vu_iterations) return vu.iterations < cfg_.iterations;
  if (cfg_.kind == ExecutorKind::shared_iterations) return iteration_budget_ > 0;
  return true;
}

bool ScenarioDriver::take_row(Vu& vu) {
  if (const auto row = data_->next()) {
    vu.row = *row;
    ++worker_.stats().data_rows;
    return true;
  }
  // `unique` rows used up: this share ends as if its iterations were done (in-flight ones still finish).
  worker_.stats().data_ran_out = true;
  vu.state = VuState::parked;
  begin_stopping();
  return false;
}

void ScenarioDriver::launch(Vu& vu, TimePoint intended) {
  if (data_ && !take_row(vu)) return;
  if (iteration_budget_ > 0) --iteration_budget_;
  const auto now = Clock::now();
  vu.intended = intended;
  vu.deadline = now + std::chrono::duration_cast<Clock::duration>(scenario_.timeout);
  ++in_flight_;
  vu_begin(vu);
}

void ScenarioDriver::tick() {
  if (stopping_) return;
  const auto now = Clock::now();
  if (now >= end_) {
    begin_stopping();
    return;
  }
  const std::int64_t wanted = share_.count_below(active_vus_at(cfg_, now - start_));
  while (static_cast<std::int64_t>(vus_.size()) < wanted) new_vu(share_.item(static_cast<std::int64_t>(vus_.size())));
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(vus_.size()); ++k) {
    Vu& vu = *vus_[static_cast<std::size_t>(k)];
    if (k < wanted) {
      vu.retiring = false;
      if (vu.state == VuState::parked && may_start_iteration(vu)) launch(vu, now);
    } else if (vu.state != VuState::parked && !vu.retiring) {
      vu.retiring = true;
      vu.retire_deadline = now + std::chrono::duration_cast<Clock::duration>(cfg_.graceful_ramp_down);
      if (vu.state == VuState::waiting) {
        vu.timer.cancel();
        vu.state = VuState::parked;
        vu.retiring = false;
      }
    }
  }
  check_done();
  if (!stopping_) arm_tick();
}

void ScenarioDriver::arm_tick() {
  // Only ramping-vus changes its VU count while running; the others just need to wake at the end.
  const auto next = cfg_.kind == ExecutorKind::ramping_vus ? std::min(end_, Clock::now() + kTickEvery) : end_;
  timer_.expires_at(next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void ScenarioDriver::on_arrival_timer() {
  if (stopping_) return;
  const auto now = Clock::now();
  for (std::int64_t batch = 0; batch < kMaxArrivalBatch; ++batch) {
    const auto t = arrivals_.time_of(share_.item(next_arrival_m_));
    if (!t) {
      timer_.expires_at(end_);
      timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) begin_stopping();
      });
      return;
    }
    const TimePoint due = start_ + std::chrono::duration_cast<Clock::duration>(*t);
    if (due > now) {
      timer_.expires_at(due);
      timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) on_arrival_timer();
      });
      return;
    }
    ++next_arrival_m_;
    if (!free_.empty()) {
      Vu* vu = free_.back();
      free_.pop_back();
      launch(*vu, due);
    } else if (static_cast<std::int64_t>(vus_.size()) < max_vus_share_) {
      launch(new_vu(share_.item(static_cast<std::int64_t>(vus_.size()))), due);
    } else {
      ++worker_.stats().dropped_iterations;
    }
    if (stopping_) return;  // the data rows ran out
  }
  asio::post(worker_.io(), [this] { on_arrival_timer(); });
}

void ScenarioDriver::on_iteration_end(Vu& vu, bool backoff) {
  --in_flight_;
  ++vu.iterations;
  if (open_) {
    if (stopping_) vu.state = VuState::parked;
    else free_.push_back(&vu);
    check_done();
    return;
  }
  if (!may_start_iteration(vu)) {
    vu.state = VuState::parked;
    vu.retiring = false;
    check_done();
    return;
  }
  Clock::duration delay = std::chrono::duration_cast<Clock::duration>(scenario_.think_time);
  if (backoff) delay = std::max(delay, backoff_delay(++vu.connect_failures));
  if (delay.count() <= 0) {
    launch(vu, Clock::now());
    return;
  }
  vu.state = VuState::waiting;
  vu.timer.expires_after(delay);
  vu.timer.async_wait([this, &vu](const boost::system::error_code& ec) {
    if (ec || vu.state != VuState::waiting) return;
    if (!may_start_iteration(vu)) {
      vu.state = VuState::parked;
      check_done();
      return;
    }
    launch(vu, Clock::now());
  });
}

void ScenarioDriver::begin_stopping() {
  if (stopping_) return;
  stopping_ = true;
  timer_.cancel();
  hard_end_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(cfg_.graceful_stop);
  for (auto& vu : vus_) {
    if (vu->state == VuState::waiting) vu->timer.cancel();
    if (vu->state != VuState::busy) vu->state = VuState::parked;
  }
  free_.clear();
  check_done();
}

void ScenarioDriver::hard_stop() {
  begin_stopping();
  for (auto& vu : vus_) {
    if (vu->state == VuState::busy && !vu->interrupted) {
      vu->interrupted = true;
      vu_close(*vu);
    }
  }
}

void ScenarioDriver::sweep(TimePoint now) {
  if (stopping_ && !done_ && now >= hard_end_) {
    hard_stop();
    return;
  }
  for (auto& vu : vus_) {
    if (vu->state != VuState::busy || vu->timed_out || vu->interrupted) continue;
    if (now >= vu->deadline) {
      vu->timed_out = true;
      vu_close(*vu);
    } else if (vu->retiring && now >= vu->retire_deadline) {
      vu->interrupted = true;
      vu_close(*vu);
    }
  }
}

void ScenarioDriver::check_done() {
  if (done_) return;
  const bool iterations_used_up =
      (cfg_.kind == ExecutorKind::shared_iterations && iteration_budget_ == 0) ||
      (cfg_.kind == ExecutorKind::per_vu_iterations &&
       std::all_of(vus_.begin(), vus_.end(), [&](const auto& v) { return v->iterations >= cfg_.iterations; }) &&
       static_cast<std::int64_t>(vus_.size()) >= share_.count_below(cfg_.vus));
  if (!stopping_ && iterations_used_up && in_flight_ == 0) begin_stopping();
  if (!stopping_ || in_flight_ > 0) return;
  done_ = true;
  timer_.cancel();
  for (auto& vu : vus_) vu_close(*vu);
  worker_.driver_done();
}

}  // namespace perfval::loadgen::detail
