// Per-worker measurements: plain value types recorded on the request path without locks, merged with +=.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "perfval/loadgen/histogram.hpp"

namespace perfval::loadgen {

// Transport-level failures by kind (a response with status >= 400 is not one of these).
struct ErrorCounts {
  std::uint64_t dns = 0;       // the target's host name did not resolve
  std::uint64_t connect = 0;   // connection refused/unreachable
  std::uint64_t timeout = 0;   // no complete response within the request timeout
  std::uint64_t read = 0;      // connection reset or closed mid-response
  std::uint64_t write = 0;     // sending the request failed
  std::uint64_t protocol = 0;  // the server sent something that is not HTTP/1.1 (garbage, oversized headers)
  std::uint64_t tls = 0;       // the TLS handshake failed (certificate not verified, no common version, ...)

  std::uint64_t total() const { return dns + connect + timeout + read + write + protocol + tls; }
  ErrorCounts& operator+=(const ErrorCounts& o);
  // Kind names as used in summaries, in by_index() order.
  static constexpr std::array<const char*, 7> kKinds = {"dns",   "connect",  "timeout", "read",
                                                        "write", "protocol", "tls"};
  std::uint64_t& by_index(std::size_t i);
  std::uint64_t by_index(std::size_t i) const;
};

// Status codes seen, as a small list (responses rarely carry more than a handful of distinct codes).
struct StatusCounts {
  std::vector<std::pair<unsigned, std::uint64_t>> counts;  // status code -> responses, unsorted
  void add(unsigned code, std::uint64_t n = 1);
  StatusCounts& operator+=(const StatusCounts& o);
  void reset() { counts.clear(); }  // keeps the capacity
};

// Outcomes of one response check (k6's `checks` Rate, one element per check of a request).
struct CheckCounts {
  std::uint64_t passes = 0;  // responses the check passed on
  std::uint64_t fails = 0;   // responses it failed on (a response that never arrived is not checked)
};

// Everything measured for one request name of one scenario (or, summed, for any selection of them).
struct RequestStats {
  Histogram duration;              // µs; open model: from the intended send time (coordinated-omission corrected)
  Histogram duration_uncorrected;  // µs; from the actual send (open model only; empty for closed models)
  std::uint64_t requests = 0;      // requests finished: with a response or with a transport error
  std::uint64_t failed = 0;        // transport error or status >= 400 (k6's http_req_failed)
  std::uint64_t unavailable = 0;   // transport error or status >= 500 (1 - availability)
  std::uint64_t bytes_sent = 0;    // bytes written, request line to body
  std::uint64_t bytes_received = 0;  // bytes read, status line to body
  StatusCounts status;             // responses by status code
  ErrorCounts errors;              // transport failures by kind
  Histogram connecting;            // µs; TCP/Unix connect, one value per new connection (k6's http_req_connecting)
  Histogram tls_handshaking;       // µs; TLS handshake, one value per new TLS connection (http_req_tls_handshaking)
  std::uint64_t tls_resumed = 0;   // TLS connections that resumed the VU's previous session
  std::uint64_t protocol_warnings = 0;  // responses accepted despite an RFC 9112 violation (see docs/results.md)
  std::vector<CheckCounts> checks;  // by check index of the request (RequestChecks order); empty without checks.
                                    // Merged index-wise: only meaningful for one request id.

  RequestStats& operator+=(const RequestStats& o);
  void reset();  // zero, keeping histogram memory for reuse
};

// One worker's (or, merged, the whole run's) measurements since the last snapshot. Counters only: they add up
// across workers and across time. Gauges travel beside them (Gauges).
struct Stats {
  std::vector<RequestStats> by_request;  // index = global request id (see RequestCatalog)
  std::uint64_t iterations = 0;          // iterations completed (one request each)
  std::uint64_t dropped_iterations = 0;  // arrivals not started because every VU was busy (open model)
  std::uint64_t interrupted_iterations = 0;  // in flight when gracefulStop/gracefulRampDown ran out
  std::uint64_t data_rows = 0;           // rows of a `data` file handed to iterations (one per iteration)
  bool data_ran_out = false;             // a `unique` data file's rows were used up, ending its scenario early
  std::array<std::string, ErrorCounts::kKinds.size()> error_examples;  // first message seen per ErrorCounts kind
  std::string protocol_warning_example;  // the first protocol warning seen, e.g. "bare LF line ending"
  std::string check_failure_example;     // the first failed check, "REQUEST.KIND: why"

  explicit Stats(std::size_t request_count = 0) : by_request(request_count) {}
  Stats& operator+=(const Stats& o);  // counters add, histograms merge exactly
  void reset();                       // zero, keeping histogram memory for reuse (the double buffer)
  RequestStats total() const;         // all requests merged
};

// Values at an instant, not amounts: a worker reports its latest; the run's value is the sum over workers'
// latest values, never a sum over time.
struct Gauges {
  std::int64_t vus = 0;        // VUs running an iteration or ready to (closed model: active VUs)
  std::int64_t vus_max = 0;    // VUs allocated
  std::int64_t in_flight = 0;  // iterations started and not finished

  Gauges& operator+=(const Gauges& o) {
    vus += o.vus;
    vus_max += o.vus_max;
    in_flight += o.in_flight;
    return *this;
  }
};

// Names of the requests of every scenario, flattened; request id = index.
struct RequestCatalog {
  struct Entry {
    std::string scenario;  // scenario name
    std::string name;      // request name
  };
  struct Checks {
    std::vector<std::string> names;         // check names (kinds) of the request, in RequestChecks order
    std::vector<std::string> descriptions;  // each check as written, for the console ("status is 200")
  };
  std::vector<Entry> entries;
  std::vector<Checks> checks;  // by request id, beside entries; shorter (or empty) when the last have none
  const Checks& checks_of(std::size_t id) const {
    static const Checks none;
    return id < checks.size() ? checks[id] : none;
  }
};

}  // namespace perfval::loadgen
