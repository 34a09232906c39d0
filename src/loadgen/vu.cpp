// The virtual user's connection cycle: connect -> write -> read, through the VU's transport (plain TCP, TLS or
// a Unix socket: the same loop for all three, see perfval/http/transport.hpp). Reads go into the worker's
// shared buffer: every read is synchronous, after a readiness wait (for the plain transports a reactor read
// into the connection's 512-byte inbox, handed out by the first read_some), so no VU owns the buffer.
#include "vu.hpp"

#include "perfval/common/duration.hpp"

namespace perfval::loadgen::detail {

namespace {
// Indexes into ErrorCounts::kKinds.
enum Kind : std::size_t { k_dns = 0, k_connect = 1, k_timeout = 2, k_read = 3, k_write = 4, k_protocol = 5, k_tls = 6 };

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

// k6's check(): every check of the request on this response, into `checks`; never fails the request.
void run_checks(Vu& vu, RequestStats& s) {
  const RequestChecks& checks = *vu.request->checks;
  const ResponseView view{vu.parser.status_code(), vu.parser.has_body(), vu.parser.body_bytes(),
                          vu.request->capture ? &vu.capture : nullptr};
  checks.evaluate(view, vu.check_results);
  if (s.checks.size() < checks.size()) s.checks.resize(checks.size());  // first response of a delta buffer only
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (vu.check_results[i].passed) {
      ++s.checks[i].passes;
      continue;
    }
    ++s.checks[i].fails;
    std::string& example = vu.driver.worker().stats().check_failure_example;
    if (example.empty()) example = vu.request->name + "." + checks.name(i) + ": " + vu.check_results[i].message;
  }
}

void on_response(Vu& vu) {
  const auto now = Clock::now();
  auto& s = stats_for(vu);
  const unsigned code = vu.parser.status_code();
  ++s.requests;
  if (code >= 400) ++s.failed;
  if (code >= 500) ++s.unavailable;
  s.status.add(code);
  s.bytes_sent += vu.wire->size();
  s.bytes_received += vu.parser.total_bytes();
  s.duration.record(micros(vu.intended, now));
  if (vu.driver.open_model()) s.duration_uncorrected.record(micros(vu.sent, now));
  if (const unsigned w = vu.parser.warning_count(); w > 0) {
    s.protocol_warnings += w;
    std::string& example = vu.driver.worker().stats().protocol_warning_example;
    if (example.empty() && vu.parser.first_warning() != nullptr) example = vu.parser.first_warning();
  }
  if (vu.request->checks != nullptr) run_checks(vu, s);
  ++vu.driver.worker().stats().iterations;
  vu.connect_failures = 0;
  if (!vu.parser.keep_alive()) vu_close(vu);
  finish(vu, false);
}

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

// Reads until the response is complete or the transport has nothing more for now (a TLS transport may hold
// decrypted bytes, so "readable" is never assumed from the socket alone).
void read_available(Vu& vu) {
  Worker& w = vu.driver.worker();
  for (;;) {
    boost::system::error_code ec;
    const std::size_t got = vu.transport->read_some(w.read_buffer(), w.read_buffer_size(), ec);
    if (ec) {
      if (!on_read_error(vu, ec)) vu.transport->wait_readable();
      return;
    }
    if (on_bytes(vu, w.read_buffer(), got)) return;
  }
}

// Writes what is left of the request. A request is small and the socket non-blocking: it usually goes out in
// this one call and the VU goes straight to waiting for the response, saving a trip through the event loop.
void write_rest(Vu& vu) {
  const std::string& wire = *vu.wire;
  while (vu.written < wire.size()) {
    boost::system::error_code ec;
    const std::size_t n = vu.transport->write_some(wire.data() + vu.written, wire.size() - vu.written, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      vu.transport->wait_writable();
      return;
    }
    if (ec) {
      on_io_error(vu, k_write, ec, false);
      return;
    }
    vu.written += n;
  }
  vu.transport->wait_readable();
}

void send(Vu& vu) {
  vu.sent = Clock::now();
  if (vu.request->capture) {
    vu.capture.keep_headers = vu.request->checks->needs_headers();
    vu.capture.keep_body = vu.request->checks->needs_body();
  }
  vu.parser.set_capture(vu.request->capture ? &vu.capture : nullptr);
  vu.parser.reset(vu.request->head);
  vu.written = 0;
  write_rest(vu);
}

void connect(Vu& vu) {
  const auto& target = vu.driver.target();
  if (target.transport.unix_socket.empty() && target.transport.endpoints.empty()) {
    // Resolution failed before the run: every iteration fails the same way, after back-off.
    record_failure(vu, k_dns, target.resolve_error);
    finish(vu, true);
    return;
  }
  vu.transport->async_connect();
}

void start_request(Vu& vu) {
  if (vu.connected) {
    vu.reused = true;
    send(vu);
  } else {
    connect(vu);
  }
}

// This iteration's request from its templates, into the VU's buffer (no allocation once it has grown).
void render_request(Vu& vu) {
  const auto& data = vu.driver.scenario().data;
  const TemplateContext ctx{vu.index + 1, vu.iterations, data ? data->table.get() : nullptr, vu.row, &vu.rng};
  vu.request->templ->render(ctx, vu.rendered);
  vu.wire = &vu.rendered;
}

// Connect (and TLS handshake) timings of the connection just made or refused at the TLS step.
void record_connect_timing(Vu& vu) {
  const http::ConnectTiming& t = vu.transport->timing();
  auto& s = stats_for(vu);
  s.connecting.record(t.connect_us);
  if (vu.driver.target().transport.tls) {
    s.tls_handshaking.record(t.handshake_us);
    if (t.resumed) ++s.tls_resumed;
  }
}
}  // namespace

void vu_close(Vu& vu) {
  vu.transport->close();
  vu.connected = false;
}

void vu_begin(Vu& vu) {
  vu.state = VuState::busy;
  vu.request = &vu.driver.next_request();
  vu.retried = false;
  if (vu.request->templ) {
    render_request(vu);
  } else {
    vu.wire = &vu.request->wire;  // the common case: the prepared bytes, nothing rendered
  }
  start_request(vu);
}

void Vu::on_connected(const boost::system::error_code& ec) {
  Vu& vu = *this;
  if (!ec) {
    record_connect_timing(vu);
    vu.connected = true;
    vu.reused = false;
    send(vu);
    return;
  }
  if (vu.timed_out || vu.interrupted) {
    on_io_error(vu, k_connect, ec, false);
    return;
  }
  const bool tls = vu.transport->failed_step() == http::ConnectStep::tls;
  if (tls) record_connect_timing(vu);
  vu_close(vu);
  record_failure(vu, tls ? k_tls : k_connect, vu.transport->failure_detail());
  finish(vu, true);
}

void Vu::on_writable(const boost::system::error_code& ec) {
  if (ec) {
    on_io_error(*this, k_write, ec, false);
    return;
  }
  write_rest(*this);
}

void Vu::on_readable(const boost::system::error_code& ec) {
  if (ec) {
    if (!on_read_error(*this, ec)) transport->wait_readable();
    return;
  }
  read_available(*this);
}

}  // namespace perfval::loadgen::detail
