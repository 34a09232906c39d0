// A small multi-threaded HTTP/1.1 keep-alive server (Boost.Beast inside), used by `perfval serve`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::http {

struct ServerRequest {
  std::string method;   // "GET"
  std::string target;   // path and query, e.g. "/metrics?x=1"
  std::string body;     // request body (small; capped by ServerOptions::max_body_bytes)
  std::vector<std::pair<std::string, std::string>> headers;  // as received
};

struct ServerResponse {
  unsigned status = 200;                              // HTTP status code
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;                                   // used when shared_body is null
  std::shared_ptr<const std::string> shared_body;     // large cached bodies, sent without copying
  std::chrono::nanoseconds delay{0};                  // hold the response this long before sending (fault injection)
};

// Called on the connection's I/O thread; must not block (use ServerResponse::delay instead of sleeping).
using Handler = std::function<ServerResponse(const ServerRequest&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";            // address to bind
  std::uint16_t port = 0;                     // 0 picks a free port
  int threads = 1;                            // I/O threads, each with its own io_context
  std::size_t max_header_bytes = 16 * 1024;   // larger request headers get 431 and the connection closes
  std::size_t max_body_bytes = 1024 * 1024;   // larger request bodies get 413
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(60);  // keep-alive idle limit per connection
};

struct ServerCounters {
  std::uint64_t connections = 0;  // accepted since start
  std::uint64_t requests = 0;     // responses sent since start
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // stops and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();                        // binds and starts the I/O threads; throws perfval::Error if it cannot bind
  std::uint16_t port() const;          // the bound port (after start)
  void stop();                         // closes the listener and connections, joins threads; idempotent
  ServerCounters counters() const;     // summed over threads (approximate while running)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace perfval::http
