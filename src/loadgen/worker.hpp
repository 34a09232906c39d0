// Private to the engine: a worker thread, its scenario drivers and its virtual users (Asio inside).
#pragma once

#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "perfval/http/response_parser.hpp"
#include "perfval/http/transport.hpp"
#include "perfval/loadgen/request_template.hpp"
#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/schedule.hpp"
#include "perfval/loadgen/stats.hpp"

namespace perfval::loadgen::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// A request serialized once per worker and written by every VU without copying; one with {{...}} templates is
// compiled once and rendered per iteration into the VU's own buffer.
struct PreparedRequest {
  std::string wire;       // request line, headers and body (empty when `templ` is set)
  std::optional<RequestTemplate> templ;  // the request's templates, when it has any
  bool head = false;      // HEAD: the response has no body
  bool idempotent = true; // may be resent on a fresh connection if a stale keep-alive one was closed
  std::uint32_t id = 0;   // global request id (index into Stats::by_request)
  std::uint32_t weight = 1;
  const RequestChecks* checks = nullptr;  // the request's response checks (the plan's; it outlives the run)
  bool capture = false;   // a check reads header fields or the body: keep them (otherwise nothing is kept)
  std::string name;       // request name, for check failure examples
};

// What every worker shares read-only: the plan, where connections go, and the prepared requests.
struct ScenarioTarget {
  http::TransportTarget transport;  // TCP endpoints resolved once before the run (empty when resolution failed),
                                    // or a Unix socket; with a TLS context for https
  std::string resolve_error;        // "cannot resolve ..." when resolution failed
  std::vector<PreparedRequest> requests;
  bool uses_data = false;           // some request has {{data.COLUMN}}: iterations take rows of the data file
};

class ScenarioDriver;
class Worker;

enum class VuState : std::uint8_t { parked, idle, busy, waiting };

// One virtual user: one keep-alive connection looping request -> response (-> think time). Its transport
// (plain TCP, TLS or a Unix socket) reports completions to it; the loop in vu.cpp is the same for all three.
struct Vu final : http::TransportEvents {
  Vu(ScenarioDriver& driver, asio::io_context& io, std::int64_t index);
  Vu(const Vu&) = delete;
  Vu& operator=(const Vu&) = delete;
  ~Vu() = default;
  void on_connected(const boost::system::error_code& ec) override;  // defined in vu.cpp
  void on_writable(const boost::system::error_code& ec) override;
  void on_readable(const boost::system::error_code& ec) override;

  ScenarioDriver& driver;
  std::unique_ptr<http::Transport> transport;  // one per VU for its lifetime (a TLS one keeps the session)
  asio::steady_timer timer;        // think time and reconnect back-off
  http::ResponseParser parser;
  const PreparedRequest* request = nullptr;
  const std::string* wire = nullptr;  // the bytes being written: request->wire, or `rendered`
  std::string rendered;            // this iteration's templated request (capacity reused across iterations)
  TemplateRng rng;                 // {{random}} and {{uuid}} of this VU
  std::size_t row = 0;             // the iteration's data row (when the scenario uses data)
  http::ResponseCapture capture;   // header fields / body for the request's checks (reused, stops allocating)
  std::vector<CheckResult> check_results;  // reused by every response of the VU
  std::size_t written = 0;         // bytes of the request written so far
  TimePoint intended{};            // when the request was due (open model) or started (closed)
  TimePoint sent{};                // when writing began
  TimePoint deadline{};            // request timeout
  std::int64_t index;              // global VU number (for the share and per-vu-iterations)
  std::int64_t iterations = 0;     // iterations this VU finished
  int connect_failures = 0;        // consecutive, for back-off
  VuState state = VuState::parked;
  bool connected = false;
  bool reused = false;             // the request went out on a connection that served one before
  bool retried = false;            // already resent once after a stale keep-alive connection closed
  bool timed_out = false;          // the sweep closed the socket for the deadline
  bool interrupted = false;        // a hard stop closed the socket
  bool retiring = false;           // ramp-down: park after the current iteration
  TimePoint retire_deadline{};     // gracefulRampDown end for a retiring VU
};

// Runs one scenario's executor inside one worker for that worker's share.
class ScenarioDriver {
 public:
  ScenarioDriver(Worker& worker, const Scenario& scenario, const ScenarioTarget& target, Share share,
                 TimePoint run_start);
  void start();
  void hard_stop();                // interrupt in-flight iterations now
  bool done() const { return done_; }
  bool open_model() const { return open_; }
  std::int64_t active_vus() const;
  std::int64_t allocated_vus() const { return static_cast<std::int64_t>(vus_.size()); }
  std::int64_t in_flight() const { return in_flight_; }

  // Called by VUs.
  const PreparedRequest& next_request();
  void on_iteration_end(Vu& vu, bool backoff);
  void sweep(TimePoint now);      // request timeouts and ramp-down deadlines
  Worker& worker() { return worker_; }
  const Scenario& scenario() const { return scenario_; }
  const ScenarioTarget& target() const { return target_; }

 private:
  void tick();                     // closed model: adjust VU count to the schedule
  void arm_tick();
  void on_arrival_timer();         // open model: start due iterations
  void arm_arrival();
  void begin_stopping();
  void check_done();
  Vu& new_vu(std::int64_t index);
  bool may_start_iteration(Vu& vu);
  void launch(Vu& vu, TimePoint intended);
  bool take_row(Vu& vu);           // false when unique rows are used up (then the scenario is stopping)

  Worker& worker_;
  const Scenario& scenario_;
  const ScenarioTarget& target_;
  const ExecutorConfig& cfg_;
  Share share_;
  bool open_;
  TimePoint start_;                // scenario start (run start + startTime)
  TimePoint end_;                  // no new iterations after this
  TimePoint hard_end_{};           // end_ + gracefulStop, set when stopping
  std::deque<std::unique_ptr<Vu>> vus_;
  std::vector<Vu*> free_;          // open model: idle VUs
  asio::steady_timer timer_;
  ArrivalSchedule arrivals_;
  std::int64_t next_arrival_m_ = 0;   // open model: next owned arrival number
  std::int64_t iteration_budget_ = -1;  // shared-iterations: left for this worker; -1 unlimited
  std::int64_t max_vus_share_ = 0;
  std::int64_t in_flight_ = 0;     // VUs in state busy or waiting
  std::vector<std::int64_t> swrr_current_;  // smooth weighted round-robin state (goes negative)
  std::int64_t swrr_total_ = 0;
  std::uint64_t seed_;             // this run's random seed for the VUs' template generators and random rows
  std::optional<DataCursor> data_;  // this share's rows, when a request uses {{data.COLUMN}}
  bool stopping_ = false;
  bool done_ = false;
};

// One thread, one io_context; owns its drivers and its Stats delta, snapshotted every second. The delta is
// double-buffered: the coordinator merges a snapshot, zeroes it on its own thread and hands it back with
// recycle(), so the request thread neither allocates nor clears histograms once the run is warm.
class Worker {
 public:
  using SnapshotFn =
      std::function<void(int worker, int interval, std::unique_ptr<Stats> delta, const Gauges& gauges, bool final)>;

  Worker(int index, const TestPlan& plan, const std::vector<ScenarioTarget>& targets, Share share,
         std::size_t request_count, TimePoint run_start, bool batch_scheduling, SnapshotFn on_snapshot);
  void run();                      // thread body
  int sched_error() const { return sched_error_; }  // after run(): why SCHED_BATCH was refused (errno), or 0
  void stop();                     // thread-safe: hard stop now
  asio::io_context& io() { return io_; }
  Stats& stats() { return *stats_; }
  void recycle(std::unique_ptr<Stats> emptied);  // thread-safe: a zeroed delta to reuse
  char* read_buffer() { return read_buffer_.data(); }
  std::size_t read_buffer_size() const { return read_buffer_.size(); }
  void note_error(std::size_t kind, const std::string& message);
  void driver_done();

 private:
  void arm_snapshot();
  void arm_sweep();
  void snapshot(bool final);

  int index_;
  asio::io_context io_;
  std::vector<std::unique_ptr<ScenarioDriver>> drivers_;
  std::size_t request_count_;
  TimePoint run_start_;
  SnapshotFn on_snapshot_;
  std::unique_ptr<Stats> stats_;   // the delta being recorded
  std::unique_ptr<Stats> spare_;   // a zeroed delta back from the coordinator, swapped in at the next snapshot
  std::vector<char> read_buffer_;  // shared by every connection of this worker
  asio::steady_timer snapshot_timer_;
  asio::steady_timer sweep_timer_;
  int interval_ = 0;               // next snapshot's interval number (1-based seconds)
  bool finished_ = false;
  bool batch_scheduling_;          // run() switches its thread to SCHED_BATCH
  int sched_error_ = 0;
};

}  // namespace perfval::loadgen::detail
