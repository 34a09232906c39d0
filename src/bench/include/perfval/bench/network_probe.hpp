// One endpoint measured through the load engine (the client `perfval run` uses, with its transports, parser
// and checks): a bounded shared-iterations run of N VUs with no think time, so N requests are in flight at
// once. Request failures come back as a cause to report, never as an exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/stats.hpp"

namespace perfval::bench {

struct ProbeOptions {
  int in_flight = 1;                          // VUs, each with one request in flight on its own connection
  bool new_connections = false;               // send "Connection: close": every request opens a new connection
  std::int64_t requests = 100;                // requests in this run, shared by the VUs
  std::chrono::milliseconds timeout{10000};   // per request: connect + send + full response
};

struct ProbeResult {
  loadgen::RequestStats stats;  // durations (µs), status codes, error kinds and checks of the run's requests
  double seconds = 0;           // from the run's start to its last response, seconds
  std::string failure;          // "" when every request got a 2xx/3xx answer and passed its checks, else the cause:
                                // "GET http://127.0.0.1:8080/metrics: HTTP 404 Not Found (50 of 50 requests)"
};

// Runs `request` of `base` (its base URL, Unix socket, TLS options; base_url must be set) once with `options`.
// Throws perfval::Error only for a plan the engine cannot run.
ProbeResult probe(const loadgen::Scenario& base, const loadgen::RequestSpec& request, const ProbeOptions& options);

// The URL a request goes to, for messages: "http://h:p/path", "+ unix:PATH" when over a Unix socket.
std::string request_url(const loadgen::Scenario& base, const loadgen::RequestSpec& request);

}  // namespace perfval::bench
