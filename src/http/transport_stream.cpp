// Plain transports: HTTP bytes straight over a TCP or a Unix stream socket (non-blocking, Asio reactor waits).
#include <boost/asio/connect.hpp>
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <new>
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

// Asio's socket with its reactor registration reachable (for InboxRead).
template <class Socket>
struct ReactorSocket : Socket {
  using Socket::Socket;
  auto& reactor_data() { return this->impl_.get_implementation().reactor_data_; }
};

// The read a plain transport waits with: recv into the connection's inbox, run by Asio's epoll reactor as its
// own reactive reads are. What it does differently (as Boost 1.80's reads do): a read that did not fill the
// buffer reports the socket drained, so the reactor does not try the next read before epoll reports data
// (in 1.74 that attempt is one more recv per request, almost always EAGAIN right after the request went out).
// The owner gets the operation back with the result and reuses it for its next read (no allocation per read);
// one still pending when the io_context is destroyed is freed by it.
class InboxRead final : public asio::detail::reactor_op {
 public:
  // Called with the finished read, which it owns from then on.
  using Done = void (*)(void* owner, std::unique_ptr<InboxRead> op);

  template <class Socket>
  static void start(asio::detail::reactor& reactor, ReactorSocket<Socket>& socket, std::unique_ptr<InboxRead> op,
                    char* data, std::size_t size, void* owner, Done done) {
    void* memory = nullptr;
    if (op) {  // the previous read's operation: destroyed and built afresh in the same memory
      InboxRead* old = op.release();
      old->~InboxRead();
      memory = old;
    } else {
      memory = ::operator new(sizeof(InboxRead));
    }
    auto* raw = new (memory) InboxRead(socket.native_handle(), data, size, owner, done);
    reactor.start_op(asio::detail::reactor::read_op, socket.native_handle(), socket.reactor_data(), raw, false, true);
  }
  const error_code& error() const { return ec_; }
  std::size_t bytes() const { return bytes_transferred_; }

 private:
  InboxRead(int fd, char* data, std::size_t size, void* owner, Done done)
      : reactor_op(error_code(), &perform, &complete), fd_(fd), data_(data), size_(size), owner_(owner), done_(done) {}

  static status perform(reactor_op* base) {
    auto* op = static_cast<InboxRead*>(base);
    for (;;) {
      const ssize_t n = ::recv(op->fd_, op->data_, op->size_, 0);
      if (n > 0) {
        op->bytes_transferred_ = static_cast<std::size_t>(n);
        return op->bytes_transferred_ < op->size_ ? done_and_exhausted : done;
      }
      if (n == 0) {
        op->ec_ = asio::error::eof;
        return done;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return not_done;
      op->ec_ = error_code(errno, asio::error::get_system_category());
      return done;
    }
  }
  // scheduler null: the io_context is being destroyed with the read pending; only the memory is released.
  static void complete(void* scheduler, asio::detail::operation* base, const error_code&, std::size_t) {
    std::unique_ptr<InboxRead> op(static_cast<InboxRead*>(base));
    if (scheduler == nullptr) return;
    const Done done = op->done_;
    void* const owner = op->owner_;
    done(owner, std::move(op));
  }

  int fd_;            // the connected socket
  char* data_;        // the inbox
  std::size_t size_;  // its size, bytes
  void* owner_;       // the transport
  Done done_;         // the transport's completion
};

// Shared by both plain transports: everything but how to connect.
template <class Socket>
class SocketTransport : public Transport {
 public:
  SocketTransport(asio::io_context& io, TransportEvents& events)
      : socket_(io), events_(events), reactor_(asio::use_service<asio::detail::reactor>(io)) {}

  std::size_t write_some(const char* data, std::size_t size, error_code& ec) override {
    return socket_.write_some(asio::buffer(data, size), ec);
  }
  void wait_writable() override {
    socket_.async_wait(Socket::wait_write, [this](const error_code& ec) { events_.on_writable(ec); });
  }
  std::size_t read_some(char* buffer, std::size_t size, error_code& ec) override {
    if (inbox_begin_ != inbox_end_) {  // what the readiness read got
      const std::size_t n = std::min(size, inbox_end_ - inbox_begin_);
      std::memcpy(buffer, inbox_.data() + inbox_begin_, n);
      inbox_begin_ += n;
      ec = {};
      return n;
    }
    if (inbox_error_) {  // the readiness read's failure (eof, reset), reported here as a read's would be
      ec = std::exchange(inbox_error_, {});
      return 0;
    }
    return socket_.read_some(asio::buffer(buffer, size), ec);
  }
  // A reactor read into the inbox rather than a bare readiness wait: Boost 1.74's async_wait re-arms the socket
  // in epoll (an epoll_ctl system call) on every wait, a read does not, and a small response arrives whole
  // with this one read (InboxRead). read_some() hands out the inbox, then the read's error, first;
  // on_readable() gets an error only when the wait itself ended (operation_aborted after close()), as with
  // a readiness wait.
  void wait_readable() override {
    InboxRead::start(reactor_, socket_, std::move(spare_read_), inbox_.data(), inbox_.size(), this,
                     [](void* self, std::unique_ptr<InboxRead> op) {
                       static_cast<SocketTransport*>(self)->inbox_read(std::move(op));
                     });
  }
  void inbox_read(std::unique_ptr<InboxRead> op) {
    const error_code ec = op->error();
    inbox_begin_ = 0;
    inbox_end_ = ec ? 0 : op->bytes();
    spare_read_ = std::move(op);
    if (ec == asio::error::operation_aborted || !socket_.is_open()) {  // closed meanwhile: the bytes are stale
      inbox_end_ = 0;
      events_.on_readable(asio::error::operation_aborted);
      return;
    }
    inbox_error_ = ec;
    events_.on_readable({});
  }
  void close() override {
    error_code ignored;
    if (socket_.is_open()) socket_.close(ignored);
    inbox_begin_ = inbox_end_ = 0;
    inbox_error_ = {};
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
  std::array<char, 512> inbox_{};  // bytes of the last readiness read (a small response whole), per connection
  std::size_t inbox_begin_ = 0;    // next byte of inbox_ to hand out
  std::size_t inbox_end_ = 0;      // end of the bytes read into inbox_
  error_code inbox_error_;         // how the last readiness read failed, until read_some() reports it
  asio::detail::reactor& reactor_;  // the io_context's epoll reactor, where InboxRead runs
  std::unique_ptr<InboxRead> spare_read_;  // the last finished read, reused by the next
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
