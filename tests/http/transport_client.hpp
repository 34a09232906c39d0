// Test driver for the transport seam: the VU's loop in miniature (connect, write_some with the
// wait_writable fallback, wait_readable + read_some until would_block into one buffer, the response parser),
// repeated for N requests on one transport, reconnecting when a response is not reusable or when asked.
#pragma once

#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "perfval/http/response_parser.hpp"
#include "perfval/http/transport.hpp"

namespace perfval::http::test {

struct Exchange {
  bool ok = false;              // a complete response
  unsigned status = 0;          // its status code
  std::uint64_t body_bytes = 0;
  bool before_eof = false;      // complete while reading, not at the close
  std::string error;            // parser error, I/O error or connect failure detail
  ConnectStep failed_step = ConnectStep::none;
  ConnectTiming timing;         // of the connection that carried it
  unsigned warnings = 0;        // parser warning_count()
};

class TransportClient final : public TransportEvents {
 public:
  TransportClient(boost::asio::io_context& io, const TransportTarget& target, std::string request)
      : io_(io), transport_(make_transport(io, target, *this)), request_(std::move(request)), buffer_(64 * 1024) {}

  // Sends `count` requests (one at a time), new connection for each when `reconnect_each`; stops the
  // io_context when done or after `limit`.
  std::vector<Exchange> run(int count, bool reconnect_each = false,
                            std::chrono::seconds limit = std::chrono::seconds(20)) {
    count_ = count;
    reconnect_each_ = reconnect_each;
    boost::asio::steady_timer guard(io_, limit);
    guard.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        transport_->close();
        io_.stop();
      }
    });
    next();
    io_.run();
    io_.restart();
    return results_;
  }

  void on_connected(const boost::system::error_code& ec) override {
    if (ec) {
      Exchange x;
      x.error = transport_->failure_detail();
      x.failed_step = transport_->failed_step();
      x.timing = transport_->timing();
      finish(std::move(x), true);
      return;
    }
    send();
  }
  void on_writable(const boost::system::error_code& ec) override {
    if (ec) return io_failed(ec);
    send();
  }
  void on_readable(const boost::system::error_code& ec) override {
    if (ec) return io_failed(ec);
    for (;;) {
      boost::system::error_code rec;
      const std::size_t n = transport_->read_some(buffer_.data(), buffer_.size(), rec);
      if (rec == boost::asio::error::would_block || rec == boost::asio::error::try_again) {
        transport_->wait_readable();
        return;
      }
      if (rec == boost::asio::error::eof) {
        if (parser_.on_eof() == ResponseParser::Status::complete) return complete(false);
        Exchange x;
        x.error = parser_.error();
        return finish(std::move(x), true);
      }
      if (rec) return io_failed(rec);
      const auto r = parser_.feed(buffer_.data(), n);
      if (r.status == ResponseParser::Status::complete) return complete(true);
      if (r.status == ResponseParser::Status::error) {
        Exchange x;
        x.error = parser_.error();
        return finish(std::move(x), true);
      }
    }
  }

 private:
  void next() {
    if (static_cast<int>(results_.size()) == count_) {
      transport_->close();
      io_.stop();
      return;
    }
    parser_.reset();
    written_ = 0;
    if (transport_->is_open()) {
      send();
    } else {
      transport_->async_connect();
    }
  }
  void send() {
    while (written_ < request_.size()) {
      boost::system::error_code ec;
      written_ += transport_->write_some(request_.data() + written_, request_.size() - written_, ec);
      if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
        transport_->wait_writable();
        return;
      }
      if (ec) return io_failed(ec);
    }
    transport_->wait_readable();
  }
  void complete(bool before_eof) {
    Exchange x;
    x.ok = true;
    x.status = parser_.status_code();
    x.body_bytes = parser_.body_bytes();
    x.before_eof = before_eof;
    x.timing = transport_->timing();
    x.warnings = parser_.warning_count();
    finish(std::move(x), !parser_.keep_alive() || reconnect_each_);
  }
  void io_failed(const boost::system::error_code& ec) {
    Exchange x;
    x.error = ec.message();
    finish(std::move(x), true);
  }
  void finish(Exchange x, bool close) {
    if (close) transport_->close();
    results_.push_back(std::move(x));
    next();
  }

  boost::asio::io_context& io_;
  std::unique_ptr<Transport> transport_;
  std::string request_;
  std::vector<char> buffer_;  // the "worker's shared buffer"
  ResponseParser parser_;
  std::vector<Exchange> results_;
  std::size_t written_ = 0;
  int count_ = 0;
  bool reconnect_each_ = false;
};

}  // namespace perfval::http::test
