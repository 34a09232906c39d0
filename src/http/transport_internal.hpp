// Private to perfval_http: what the transport files share (Asio internals included: only transport_*.cpp
// include this).
#pragma once

#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#include "perfval/http/transport.hpp"

namespace perfval::http::detail {

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
class InboxRead final : public boost::asio::detail::reactor_op {
 public:
  // Called with the finished read, which it owns from then on.
  using Done = void (*)(void* owner, std::unique_ptr<InboxRead> op);
  using error_code = boost::system::error_code;

  template <class Socket>
  static void start(boost::asio::detail::reactor& reactor, ReactorSocket<Socket>& socket, std::unique_ptr<InboxRead> op,
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
    reactor.start_op(boost::asio::detail::reactor::read_op, socket.native_handle(), socket.reactor_data(), raw, false, true);
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
        op->ec_ = boost::asio::error::eof;
        return done;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return not_done;
      op->ec_ = error_code(errno, boost::asio::error::get_system_category());
      return done;
    }
  }
  // scheduler null: the io_context is being destroyed with the read pending; only the memory is released.
  static void complete(void* scheduler, boost::asio::detail::operation* base, const error_code&, std::size_t) {
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


// A connection's inbox: what its last InboxRead got (a small response whole), handed out before the socket is
// read again, and how that read failed. One per plain or TLS connection. When the read ends, the transport's
// events get on_readable(): success, the read's failure kept in `error` for the owner's next read to report,
// or operation_aborted when close() ended it (what it read is then dropped). A wait that starts while bytes or
// a failure are still held (OpenSSL takes one record at a time: the next record's start can stay behind when a
// response ended) reports readable at once instead: a read then would overwrite them.
class Inbox {
 public:
  explicit Inbox(boost::asio::io_context& io)
      : io_(io), reactor_(boost::asio::use_service<boost::asio::detail::reactor>(io)) {}
  template <class Socket>
  void start_read(ReactorSocket<Socket>& socket, TransportEvents& events) {
    socket_ = &socket;
    is_open_ = [](const void* s) { return static_cast<const ReactorSocket<Socket>*>(s)->is_open(); };
    events_ = &events;
    if (begin_ < end_ || error) {
      // Aborted when close() (clear()) came first, even if a reconnect has opened the socket again since.
      boost::asio::post(io_, [this, held = generation_] {
        const bool current = held == generation_ && is_open_(socket_);
        events_->on_readable(current ? boost::system::error_code() : boost::asio::error::operation_aborted);
      });
      return;
    }
    InboxRead::start(reactor_, socket, std::move(spare_), bytes_.data(), bytes_.size(), this,
                     [](void* self, std::unique_ptr<InboxRead> op) { static_cast<Inbox*>(self)->finished(std::move(op)); });
  }
  // Copies up to `size` held bytes into `buffer`; 0 when none are held.
  std::size_t take(char* buffer, std::size_t size) {
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(buffer, bytes_.data() + begin_, n);
    begin_ += n;
    return n;
  }
  void clear() {
    begin_ = end_ = 0;
    error = {};
    ++generation_;
  }

  boost::system::error_code error;  // the last read's failure (eof, reset) until the owner reports it

 private:
  void finished(std::unique_ptr<InboxRead> op) {
    const boost::system::error_code ec = op->error();
    spare_ = std::move(op);
    clear();
    if (ec == boost::asio::error::operation_aborted || !is_open_(socket_)) {  // closed meanwhile
      events_->on_readable(boost::asio::error::operation_aborted);
      return;
    }
    end_ = ec ? 0 : spare_->bytes();
    error = ec;
    events_->on_readable({});
  }

  boost::asio::io_context& io_;            // where a wait on held bytes is answered
  boost::asio::detail::reactor& reactor_;  // the io_context's epoll reactor, where InboxRead runs
  std::array<char, 512> bytes_{};          // the last read's bytes
  std::size_t begin_ = 0;                  // next byte of bytes_ to hand out
  std::size_t end_ = 0;                    // end of the bytes read
  std::unique_ptr<InboxRead> spare_;       // the last finished read, reused by the next
  std::uint64_t generation_ = 0;           // bumped by clear(): a wait answered from held bytes is then stale
  const void* socket_ = nullptr;           // the socket read (a ReactorSocket)
  bool (*is_open_)(const void* socket) = nullptr;
  TransportEvents* events_ = nullptr;      // the owner's events
};

std::int64_t micros_since(std::chrono::steady_clock::time_point from);  // microseconds until now

// TLS over TCP (transport_tls.cpp).
std::unique_ptr<Transport> make_tls_transport(boost::asio::io_context& io, const TransportTarget& target,
                                              TransportEvents& events);

}  // namespace perfval::http::detail
