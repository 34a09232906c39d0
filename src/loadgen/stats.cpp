// Merging of per-worker measurements: counters add, histograms merge exactly.
#include "perfval/loadgen/stats.hpp"

namespace perfval::loadgen {

ErrorCounts& ErrorCounts::operator+=(const ErrorCounts& o) {
  for (std::size_t i = 0; i < kKinds.size(); ++i) by_index(i) += o.by_index(i);
  return *this;
}

std::uint64_t& ErrorCounts::by_index(std::size_t i) {
  switch (i) {
    case 0: return dns;
    case 1: return connect;
    case 2: return timeout;
    case 3: return read;
    case 4: return write;
    case 5: return protocol;
    default: return tls;
  }
}

std::uint64_t ErrorCounts::by_index(std::size_t i) const { return const_cast<ErrorCounts*>(this)->by_index(i); }

void StatusCounts::add(unsigned code, std::uint64_t n) {
  for (auto& [c, count] : counts) {
    if (c == code) {
      count += n;
      return;
    }
  }
  counts.emplace_back(code, n);
}

StatusCounts& StatusCounts::operator+=(const StatusCounts& o) {
  for (const auto& [code, n] : o.counts) add(code, n);
  return *this;
}

RequestStats& RequestStats::operator+=(const RequestStats& o) {
  duration += o.duration;
  duration_uncorrected += o.duration_uncorrected;
  requests += o.requests;
  failed += o.failed;
  unavailable += o.unavailable;
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  status += o.status;
  errors += o.errors;
  connecting += o.connecting;
  tls_handshaking += o.tls_handshaking;
  tls_resumed += o.tls_resumed;
  protocol_warnings += o.protocol_warnings;
  if (checks.size() < o.checks.size()) checks.resize(o.checks.size());
  for (std::size_t i = 0; i < o.checks.size(); ++i) {
    checks[i].passes += o.checks[i].passes;
    checks[i].fails += o.checks[i].fails;
  }
  return *this;
}

void RequestStats::reset() {
  duration.reset();
  duration_uncorrected.reset();
  connecting.reset();
  tls_handshaking.reset();
  requests = failed = unavailable = bytes_sent = bytes_received = tls_resumed = protocol_warnings = 0;
  status.reset();
  errors = ErrorCounts{};
  for (auto& c : checks) c = CheckCounts{};  // keeps the size: the request path never allocates
}

Stats& Stats::operator+=(const Stats& o) {
  if (by_request.size() < o.by_request.size()) by_request.resize(o.by_request.size());
  for (std::size_t i = 0; i < o.by_request.size(); ++i) by_request[i] += o.by_request[i];
  iterations += o.iterations;
  dropped_iterations += o.dropped_iterations;
  interrupted_iterations += o.interrupted_iterations;
  data_rows += o.data_rows;
  data_ran_out = data_ran_out || o.data_ran_out;
  for (std::size_t i = 0; i < error_examples.size(); ++i) {
    if (error_examples[i].empty()) error_examples[i] = o.error_examples[i];
  }
  if (protocol_warning_example.empty()) protocol_warning_example = o.protocol_warning_example;
  if (check_failure_example.empty()) check_failure_example = o.check_failure_example;
  return *this;
}

void Stats::reset() {
  for (auto& r : by_request) r.reset();
  iterations = dropped_iterations = interrupted_iterations = data_rows = 0;
  data_ran_out = false;
  for (auto& e : error_examples) e.clear();
  protocol_warning_example.clear();
  check_failure_example.clear();
}

RequestStats Stats::total() const {
  RequestStats t;
  for (const auto& r : by_request) t += r;
  return t;
}

}  // namespace perfval::loadgen
