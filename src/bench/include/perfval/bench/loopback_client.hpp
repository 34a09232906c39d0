// HTTP/1.1 GET clients for the network benchmarks: N connections driven together on one io_context, kept alive
// between rounds or opened anew per request. Failures come back as values (never thrown) so a benchmark can
// report error_occurred and the suite goes on.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace perfval::bench {

struct Endpoint {
  std::string host = "127.0.0.1";  // IP literal (names are not resolved: benchmarks target loopback)
  std::uint16_t port = 0;          // TCP port

  std::string url() const;  // "http://host:port"
};

// "http://127.0.0.1:8080" (path ignored). Throws perfval::Error naming `option` for anything else.
Endpoint parse_endpoint(const std::string& url, const std::string& option);

struct RoundResult {
  std::size_t ok = 0;               // responses with status 2xx
  std::size_t failed = 0;           // transport failures and non-2xx responses
  std::size_t body_bytes = 0;       // bytes of response bodies received
  std::string first_error;          // e.g. "connect http://127.0.0.1:9: Connection refused" or
                                    // "GET http://127.0.0.1:8080/ping: HTTP 404 Not Found"
};

struct ClientOptions {
  int connections = 1;              // requests in flight per round, one per connection
  bool keep_alive = true;           // false: connect before and close (RST, no TIME_WAIT) after every request
  std::chrono::milliseconds timeout{5000};  // per step: connect, write, read
};

class LoopbackClient {
 public:
  LoopbackClient(Endpoint endpoint, ClientOptions options);
  ~LoopbackClient();
  LoopbackClient(const LoopbackClient&) = delete;
  LoopbackClient& operator=(const LoopbackClient&) = delete;

  // One GET of `path` on every connection at once; returns when all have answered or failed. Appends each
  // request's latency (nanoseconds, connect included when the connection is new) to `latencies_ns` if given.
  RoundResult round(const std::string& path, std::vector<double>* latencies_ns = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace perfval::bench
