// Plain transports: HTTP bytes straight over a TCP or a Unix stream socket (non-blocking, Asio reactor waits).
#include <boost/asio/connect.hpp>
#include <boost/asio/local/stream_protocol.hpp>


#include <chrono>
#include <utility>

#include "transport_internal.hpp"

namespace perfval::http {

namespace detail {

std::int64_t micros_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - from).count();
}

}  // namespace detail

namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using detail::Inbox;
using detail::ReactorSocket;

// Shared by both plain transports: everything but how to connect.
template <class Socket>
class SocketTransport : public Transport {
 public:
  SocketTransport(asio::io_context& io, TransportEvents& events)
      : socket_(io), events_(events), inbox_(io) {}

  std::size_t write_some(const char* data, std::size_t size, error_code& ec) override {
    return socket_.write_some(asio::buffer(data, size), ec);
  }
  void wait_writable() override {
    socket_.async_wait(Socket::wait_write, [this](const error_code& ec) { events_.on_writable(ec); });
  }
  std::size_t read_some(char* buffer, std::size_t size, error_code& ec) override {
    if (const std::size_t n = inbox_.take(buffer, size); n > 0) {  // what the readiness read got
      ec = {};
      return n;
    }
    if (inbox_.error) {  // the readiness read's failure (eof, reset), reported here as a read's would be
      ec = std::exchange(inbox_.error, {});
      return 0;
    }
    return socket_.read_some(asio::buffer(buffer, size), ec);
  }
  // A reactor read into the inbox rather than a bare readiness wait (see InboxRead): no epoll_ctl per wait, and
  // a small response arrives whole with this one read. read_some() hands out the inbox, then the read's
  // error, first; on_readable() gets an error only when the wait itself ended (operation_aborted after
  // close()), as with a readiness wait.
  void wait_readable() override { inbox_.start_read(socket_, events_); }
  void close() override {
    error_code ignored;
    if (socket_.is_open()) socket_.close(ignored);
    inbox_.clear();
  }
  bool is_open() const override { return socket_.is_open(); }

 protected:
  void connected(const error_code& ec, std::chrono::steady_clock::time_point started) {
    timing_ = {};
    timing_.connect_us = detail::micros_since(started);
    if (ec) {
      failed_step_ = ConnectStep::connect;
      failure_detail_ = ec.message();
      close();
    } else {
      failed_step_ = ConnectStep::none;
      error_code ignored;
      socket_.non_blocking(true, ignored);
    }
    events_.on_connected(ec);
  }

  ReactorSocket<Socket> socket_;
  TransportEvents& events_;
  Inbox inbox_;                    // what the last readiness read got (512 bytes per connection)
};

class TcpTransport final : public SocketTransport<asio::ip::tcp::socket> {
 public:
  TcpTransport(asio::io_context& io, const TransportTarget& target, TransportEvents& events)
      : SocketTransport(io, events), target_(target) {}

  void async_connect() override {
    const auto started = std::chrono::steady_clock::now();
    asio::async_connect(socket_, target_.endpoints, [this, started](const error_code& ec, const asio::ip::tcp::endpoint&) {
      if (!ec) {
        error_code ignored;
        socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
      }
      connected(ec, started);
    });
  }

 private:
  const TransportTarget& target_;
};

class UnixTransport final : public SocketTransport<asio::local::stream_protocol::socket> {
 public:
  UnixTransport(asio::io_context& io, const TransportTarget& target, TransportEvents& events)
      : SocketTransport(io, events), endpoint_(target.unix_socket) {}

  void async_connect() override {
    const auto started = std::chrono::steady_clock::now();
    socket_.async_connect(endpoint_, [this, started](const error_code& ec) { connected(ec, started); });
  }

 private:
  asio::local::stream_protocol::endpoint endpoint_;
};

}  // namespace

std::unique_ptr<Transport> make_transport(asio::io_context& io, const TransportTarget& target, TransportEvents& events) {
  if (!target.unix_socket.empty()) return std::make_unique<UnixTransport>(io, target, events);
  if (target.tls) return detail::make_tls_transport(io, target, events);
  return std::make_unique<TcpTransport>(io, target, events);
}

}  // namespace perfval::http
