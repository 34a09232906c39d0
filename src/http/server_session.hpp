// One keep-alive HTTP/1.1 connection of the Server (private to src/http): read, handle, (delay), write, repeat.
#pragma once

#include <utility>  // must precede Boost.Asio with g++ 12 in C++20

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "perfval/http/server.hpp"

namespace perfval::http::detail {

// Per-thread counters: one writer (the worker thread), read by counters() from any thread.
struct alignas(64) WorkerCounters {
  std::atomic<std::uint64_t> connections{0};  // accepted connections
  std::atomic<std::uint64_t> requests{0};     // responses sent

  static void bump(std::atomic<std::uint64_t>& c) {  // single writer: no locked read-modify-write needed
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

// What every session of one Server shares; owned by the Server and outlives all sessions.
struct SessionConfig {
  const Handler* handler = nullptr;         // the user's request handler
  std::size_t max_header_bytes = 0;         // request line + headers, bytes
  std::size_t max_body_bytes = 0;           // request body, bytes
  std::chrono::nanoseconds idle_timeout{};  // limit on every read and write step
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, const SessionConfig& config, WorkerCounters& counters);
  void start();

 private:
  using Response = boost::beast::http::response<boost::beast::http::span_body<const char>>;

  void do_read();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_request();
  void prepare(ServerResponse&& response, unsigned version, bool keep_alive, bool head);
  void on_delay(boost::beast::error_code ec);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void send_error(unsigned status);
  void linger_close();
  void on_linger(boost::beast::error_code ec, std::size_t bytes);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  std::string body_;                                // owned response body (ServerResponse::body)
  std::shared_ptr<const std::string> shared_body_;  // keeps a shared body alive until written
  boost::asio::steady_timer delay_timer_;           // holds delayed responses without blocking the thread
  std::array<char, 4096> drain_{};                  // discarded input while lingering before close
  const SessionConfig& config_;
  WorkerCounters& counters_;
  bool close_after_write_ = false;
};

}  // namespace perfval::http::detail
