// One server connection in the Beast idiom: a timeout before every step, error codes (never exceptions) on I/O,
// one request at a time so pipelined requests are answered in order.
#include "server_session.hpp"

#include <algorithm>
#include <boost/asio/write.hpp>
#include <string_view>

namespace perfval::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After an error response the client may still be sending; read and discard for at most this long before closing,
// so the kernel does not answer unread input with a reset that destroys the response in flight.
constexpr std::chrono::seconds max_linger{2};

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

bool status_allows_body(unsigned status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

Session::Session(tcp::socket&& socket, const SessionConfig& config, WorkerCounters& counters)
    : stream_(std::move(socket)), delay_timer_(stream_.get_executor()), config_(config), counters_(counters) {}

void Session::start() {
  WorkerCounters::bump(counters_.connections);
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);  // small responses must not wait for delayed ACKs
  do_read();
}

void Session::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(config_.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(config_.max_body_bytes);
  stream_.expires_after(config_.idle_timeout);
  // The header is read on its own: Beast 1.74 misses the body limit when an eager parse runs from the header
  // straight into the body of the same read.
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::on_read_header, shared_from_this()));
}

void Session::on_read_header(beast::error_code ec, std::size_t bytes) {
  if (ec || parser_->is_done()) return on_read(ec, bytes);
  if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
    // curl and others wait for this before sending a large body; the body limit was already checked.
    static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(config_.idle_timeout);
    net::async_write(stream_, net::buffer(continue_line.data(), continue_line.size()),
                     beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
    return;
  }
  on_continue_sent({}, 0);
}

void Session::on_continue_sent(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return on_read(ec, 0);
  stream_.expires_after(config_.idle_timeout);
  bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (!ec) return handle_request();
  if (ec == bhttp::error::header_limit) return send_error(431);
  if (ec == bhttp::error::body_limit) return send_error(413);
  if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted) {
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
    return;
  }
  if (is_http_error(ec) && ec != bhttp::error::partial_message) return send_error(400);
  stream_.socket().close(ec);  // reset, timeout or truncated request: nobody to answer
}

void Session::handle_request() {
  auto& req = parser_->get();
  ServerRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.body = std::move(req.body());
  for (const auto& field : req) request.headers.emplace_back(field.name_string(), field.value());

  ServerResponse response;
  try {
    response = (*config_.handler)(request);
  } catch (const std::exception&) {
    response = ServerResponse{};
    response.status = 500;
    response.body = "internal server error\n";
  }
  const auto delay = response.delay;
  prepare(std::move(response), req.version(), req.keep_alive(), req.method() == bhttp::verb::head);
  if (delay <= std::chrono::nanoseconds::zero()) return do_write();
  delay_timer_.expires_after(delay);
  delay_timer_.async_wait(beast::bind_front_handler(&Session::on_delay, shared_from_this()));
}

void Session::prepare(ServerResponse&& response, unsigned version, bool keep_alive, bool head) {
  body_ = std::move(response.body);
  shared_body_ = std::move(response.shared_body);
  const std::string& body = shared_body_ ? *shared_body_ : body_;
  response_ = Response{};
  response_.version(version);
  response_.result(response.status);
  response_.set(bhttp::field::server, "perfval");
  response_.set(bhttp::field::content_type, response.content_type);
  if (status_allows_body(response.status)) {
    response_.content_length(body.size());
    // HEAD gets the length of the body it would have received, but no body.
    if (!head) response_.body() = beast::span<const char>(body.data(), body.size());
  }
  response_.keep_alive(keep_alive);
  close_after_write_ = !keep_alive;
}

void Session::on_delay(beast::error_code ec) {
  if (ec) return;  // cancelled: the server is stopping
  do_write();
}

void Session::do_write() {
  // Counted when handed to the socket: stop() may abandon the completion of a write the client already has.
  WorkerCounters::bump(counters_.requests);
  stream_.expires_after(config_.idle_timeout);
  bhttp::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    stream_.socket().close(ec);
    return;
  }
  shared_body_.reset();
  if (close_after_write_) return linger_close();
  do_read();
}

void Session::send_error(unsigned status) {
  ServerResponse response;
  response.status = status;
  response.body = std::string(bhttp::obsolete_reason(bhttp::int_to_status(status))) + "\n";
  prepare(std::move(response), 11, false, false);
  do_write();
}

void Session::linger_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  const auto linger = std::min<std::chrono::nanoseconds>(config_.idle_timeout, max_linger);
  stream_.expires_after(linger);
  stream_.async_read_some(net::buffer(drain_), beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void Session::on_linger(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {  // end of stream, timeout or reset: done either way
    stream_.socket().close(ec);
    return;
  }
  stream_.async_read_some(net::buffer(drain_), beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

}  // namespace perfval::http::detail
