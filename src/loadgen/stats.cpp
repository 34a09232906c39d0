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
    default: return protocol;
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
  return *this;
}

void RequestStats::reset() {
  duration.reset();
  duration_uncorrected.reset();
  requests = failed = unavailable = bytes_sent = bytes_received = 0;
  status.reset();
  errors = ErrorCounts{};
}

Stats& Stats::operator+=(const Stats& o) {
  if (by_request.size() < o.by_request.size()) by_request.resize(o.by_request.size());
  for (std::size_t i = 0; i < o.by_request.size(); ++i) by_request[i] += o.by_request[i];
  iterations += o.iterations;
  dropped_iterations += o.dropped_iterations;
  interrupted_iterations += o.interrupted_iterations;
  for (std::size_t i = 0; i < error_examples.size(); ++i) {
    if (error_examples[i].empty()) error_examples[i] = o.error_examples[i];
  }
  return *this;
}

void Stats::reset() {
  for (auto& r : by_request) r.reset();
  iterations = dropped_iterations = interrupted_iterations = 0;
  for (auto& e : error_examples) e.clear();
}

RequestStats Stats::total() const {
  RequestStats t;
  for (const auto& r : by_request) t += r;
  return t;
}

}  // namespace perfval::loadgen
