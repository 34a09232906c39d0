// The virtual user's connection cycle: connect -> write -> read (the VU's small inbox, then the worker's shared
// buffer for the rest of a large response).
#include "vu.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "perfval/common/duration.hpp"

namespace perfval::loadgen::detail {

namespace {
enum Kind : std::size_t { k_dns = 0, k_connect = 1, k_timeout = 2, k_read = 3, k_write = 4, k_protocol = 5 };

void start_request(Vu& vu);

std::int64_t micros(TimePoint from, TimePoint to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

RequestStats& stats_for(Vu& vu) { return vu.driver.worker().stats().by_request[vu.request->id]; }

void finish(Vu& vu, bool backoff) {
  vu.state = VuState::idle;
  vu.driver.on_iteration_end(vu, backoff);
}

void record_failure(Vu& vu, std::size_t kind, const std::string& message) {
  auto& s = stats_for(vu);
  ++s.requests;
  ++s.failed;
  ++s.unavailable;
  ++s.errors.by_index(kind);
  if (kind == k_timeout) {
    // A timed-out request did take at least this long: leaving it out would hide the slowness.
    const auto now = Clock::now();
    s.duration.record(micros(vu.intended, now));
    if (vu.driver.open_model()) s.duration_uncorrected.record(micros(vu.sent, now));
  }
  ++vu.driver.worker().stats().iterations;
  vu.driver.worker().note_error(kind, message);
}

// Ends the iteration after an I/O error, deciding between timeout, interruption, retry and failure.
void on_io_error(Vu& vu, std::size_t kind, const boost::system::error_code& ec, bool response_started) {
  vu_close(vu);
  if (vu.interrupted) {
    ++vu.driver.worker().stats().interrupted_iterations;
    vu.interrupted = false;
    vu.timed_out = false;
    finish(vu, false);
    return;
  }
  if (vu.timed_out) {
    vu.timed_out = false;
    record_failure(vu, k_timeout, "request timed out after " + perfval::format_duration(vu.driver.scenario().timeout));
    finish(vu, false);
    return;
  }
  // A keep-alive connection the server closed while idle: resend once on a fresh one, as HTTP clients do
  // (idempotent methods only: a POST the server may already have processed is not sent twice).
  if (vu.reused && !response_started && !vu.retried && vu.request->idempotent && (kind == k_read || kind == k_write)) {
    vu.retried = true;
    start_request(vu);
    return;
  }
  record_failure(vu, kind, ec.message());
  finish(vu, kind == k_connect || kind == k_dns);
}

void on_response(Vu& vu) {
  const auto now = Clock::now();
  auto& s = stats_for(vu);
  const unsigned code = vu.parser.status_code();
  ++s.requests;
  if (code >= 400) ++s.failed;
  if (code >= 500) ++s.unavailable;
  s.status.add(code);
  s.bytes_sent += vu.request->wire.size();
  s.bytes_received += vu.parser.total_bytes();
  s.duration.record(micros(vu.intended, now));
  if (vu.driver.open_model()) s.duration_uncorrected.record(micros(vu.sent, now));
  ++vu.driver.worker().stats().iterations;
  vu.connect_failures = 0;
  if (!vu.parser.keep_alive()) vu_close(vu);
  finish(vu, false);
}

void wait_readable(Vu& vu);

// Feeds what was read; true when the iteration ended (response complete, or a protocol error).
bool on_bytes(Vu& vu, const char* data, std::size_t n) {
  const auto r = vu.parser.feed(data, n);
  if (r.status == http::ResponseParser::Status::complete) {
    // Bytes after a complete response were never asked for (no pipelining): the connection is not reusable.
    if (r.consumed != n) vu_close(vu);
    on_response(vu);
    return true;
  }
  if (r.status == http::ResponseParser::Status::error) {
    vu_close(vu);
    record_failure(vu, k_protocol, vu.parser.error());
    finish(vu, false);
    return true;
  }
  return false;
}

// A read ended with `ec`; true when that ended the iteration (anything but "no more bytes for now").
bool on_read_error(Vu& vu, const boost::system::error_code& ec) {
  if (ec == asio::error::would_block || ec == asio::error::try_again) return false;
  if (ec == asio::error::eof && vu.parser.on_eof() == http::ResponseParser::Status::complete) {
    vu_close(vu);
    on_response(vu);
    return true;
  }
  on_io_error(vu, k_read, ec, vu.parser.started());
  return true;
}

void on_readable(Vu& vu, const boost::system::error_code& ec, std::size_t n) {
  if (ec) {
    if (!on_read_error(vu, ec)) wait_readable(vu);
    return;
  }
  if (on_bytes(vu, vu.inbox.data(), n)) return;
  // A response larger than the inbox: read the rest into the worker's shared buffer until the socket is drained.
  Worker& w = vu.driver.worker();
  for (;;) {
    boost::system::error_code read_ec;
    const std::size_t got = vu.socket.read_some(asio::buffer(w.read_buffer(), w.read_buffer_size()), read_ec);
    if (read_ec) {
      if (!on_read_error(vu, read_ec)) wait_readable(vu);
      return;
    }
    if (on_bytes(vu, w.read_buffer(), got)) return;
  }
}

// The reactor reads into the VU's inbox as soon as the socket is readable: unlike a bare readiness wait, a
// read with a buffer needs no epoll_ctl per request, and a small response arrives in this one recv.
void wait_readable(Vu& vu) {
  vu.socket.async_read_some(asio::buffer(vu.inbox), [&vu](const boost::system::error_code& ec, std::size_t n) {
    on_readable(vu, ec, n);
  });
}

void send(Vu& vu) {
  vu.sent = Clock::now();
  vu.parser.reset(vu.request->head);
  // The socket is non-blocking and a request is small: write it now and go straight to waiting for the
  // response, saving a trip through the event loop; only a partial write falls back to async_write.
  const std::string& wire = vu.request->wire;
  boost::system::error_code ec;
  const std::size_t n = vu.socket.write_some(asio::buffer(wire), ec);
  if (!ec && n == wire.size()) {
    wait_readable(vu);
    return;
  }
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    on_io_error(vu, k_write, ec, false);
    return;
  }
  asio::async_write(vu.socket, asio::buffer(wire.data() + n, wire.size() - n),
                    [&vu](const boost::system::error_code& wec, std::size_t) {
                      if (wec) {
                        on_io_error(vu, k_write, wec, false);
                        return;
                      }
                      wait_readable(vu);
                    });
}

void connect(Vu& vu) {
  const auto& endpoints = vu.driver.target().endpoints;
  if (endpoints.empty()) {
    // Resolution failed before the run: every iteration fails the same way, after back-off.
    record_failure(vu, k_dns, vu.driver.target().resolve_error);
    finish(vu, true);
    return;
  }
  asio::async_connect(vu.socket, endpoints, [&vu](const boost::system::error_code& ec, const tcp::endpoint&) {
    if (ec) {
      if (vu.timed_out || vu.interrupted) {
        on_io_error(vu, k_connect, ec, false);
        return;
      }
      vu_close(vu);
      record_failure(vu, k_connect, ec.message());
      finish(vu, true);
      return;
    }
    boost::system::error_code ignored;
    vu.socket.set_option(tcp::no_delay(true), ignored);
    vu.socket.non_blocking(true, ignored);
    vu.connected = true;
    vu.reused = false;
    send(vu);
  });
}
void start_request(Vu& vu) {
  if (vu.connected) {
    vu.reused = true;
    send(vu);
  } else {
    connect(vu);
  }
}
}  // namespace

void vu_close(Vu& vu) {
  boost::system::error_code ignored;
  if (vu.socket.is_open()) vu.socket.close(ignored);
  vu.connected = false;
}

void vu_begin(Vu& vu) {
  vu.state = VuState::busy;
  vu.request = &vu.driver.next_request();
  vu.retried = false;
  start_request(vu);
}

}  // namespace perfval::loadgen::detail
