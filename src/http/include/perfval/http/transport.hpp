// The transport seam of the load engine: one small interface for a connection's byte stream, written for the
// VU's loop, with plain TCP, TLS over TCP and Unix-socket implementations (h2load's readfn/writefn and wrk's
// struct sock are the models: the connection loop is written once, transports plug in).
//
// How the VU is meant to call it (phase 2 of issue 12; today's vu.cpp does the same on a tcp::socket):
//   connect:  transport->async_connect()            -> events.on_connected(ec)   (TCP connect + TLS handshake)
//   send:     n = write_some(wire, size, ec)         fast path: the whole request at once, no event-loop trip;
//             would_block/try_again or n < size  -> wait_writable() -> events.on_writable(ec), write the rest
//   receive:  wait_readable() -> events.on_readable(ec); then read_some(worker_buffer, size, ec) in a loop
//             until would_block (wait again) or eof, feeding the parser; TLS may hold decrypted bytes, and a
//             plain transport's wait is a read into a small per-connection inbox (no epoll_ctl per wait), so
//             always read until would_block (or a complete response) before waiting again.
//   timeout / stop / not reusable: close(); every pending wait completes with operation_aborted. The same
//             transport object connects again later (a VU owns one for its lifetime).
// On a failed on_connected, failed_step() says whether TCP/Unix connect or the TLS handshake failed and
// failure_detail() gives the reason (the certificate verification result for TLS) for error examples;
// timing() gives k6's http_req_connecting and http_req_tls_handshaking for the last connect.
// Nothing here allocates per request; a TLS transport keeps the last session to resume on reconnect.
#pragma once

#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perfval/http/tls_options.hpp"

namespace perfval::http {

// Implemented by the owner of a transport (the VU): completions arrive here, on the io_context's thread.
class TransportEvents {
 public:
  virtual void on_connected(const boost::system::error_code& ec) = 0;  // after async_connect
  virtual void on_writable(const boost::system::error_code& ec) = 0;   // after wait_writable
  virtual void on_readable(const boost::system::error_code& ec) = 0;   // after wait_readable

 protected:
  ~TransportEvents() = default;
};

enum class ConnectStep : std::uint8_t { none, connect, tls };  // which step of the last connect failed

struct ConnectTiming {
  std::int64_t connect_us = 0;    // TCP or Unix connect of the last connect, microseconds
  std::int64_t handshake_us = 0;  // TLS handshake of the last connect, microseconds; 0 without TLS
  bool resumed = false;           // the TLS session of a previous connection was resumed
};

// An OpenSSL client context for one target host (SNI, name to verify, client certificate), shared read-only
// by every connection of every worker to that host.
class TlsClientContext {
 public:
  // Builds it from the scenario's options. Returns null and sets *why when a file cannot be used.
  static std::shared_ptr<TlsClientContext> make(const TlsOptions& options, const std::string& host, std::string* why);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  void* native() const { return ctx_; }        // SSL_CTX*
  const std::string& host() const { return host_; }
  bool verify() const { return verify_; }
  bool host_is_ip() const { return host_is_ip_; }

 private:
  TlsClientContext() = default;
  void* ctx_ = nullptr;     // SSL_CTX*, owned
  std::string host_;        // SNI (names only) and the name or address the certificate must carry
  bool verify_ = true;      // false with insecureSkipTLSVerify
  bool host_is_ip_ = false;
};

// Where connections go; one per scenario, shared read-only.
struct TransportTarget {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // TCP: resolved once before the run (tried in order)
  std::string unix_socket;                      // non-empty: a Unix stream socket at this path instead of TCP
  std::shared_ptr<const TlsClientContext> tls;  // non-null: TLS over TCP
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void async_connect() = 0;
  virtual std::size_t write_some(const char* data, std::size_t size, boost::system::error_code& ec) = 0;
  virtual void wait_writable() = 0;
  virtual std::size_t read_some(char* buffer, std::size_t size, boost::system::error_code& ec) = 0;
  virtual void wait_readable() = 0;
  virtual void close() = 0;
  virtual bool is_open() const = 0;

  const ConnectTiming& timing() const { return timing_; }
  ConnectStep failed_step() const { return failed_step_; }
  const std::string& failure_detail() const { return failure_detail_; }

 protected:
  ConnectTiming timing_;
  ConnectStep failed_step_ = ConnectStep::none;
  std::string failure_detail_;
};

// A transport for `target` driven by `io`, reporting to `events`; both must outlive it.
std::unique_ptr<Transport> make_transport(boost::asio::io_context& io, const TransportTarget& target,
                                          TransportEvents& events);

}  // namespace perfval::http
