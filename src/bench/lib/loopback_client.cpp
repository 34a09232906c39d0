// LoopbackClient: Beast connections with a deadline on every step (connect, write, read), all driven by one
// private io_context on the calling thread; do_x/on_x pairs as in the Beast examples, error_code throughout.
#include <utility>  // must precede Boost.Asio with g++ 12 in C++20

#include "perfval/bench/loopback_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "perfval/common/error.hpp"
#include "perfval/http/url.hpp"

namespace perfval::bench {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string Endpoint::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint parse_endpoint(const std::string& url, const std::string& option) {
  std::string why;
  const auto parsed = http::parse_url(url, &why);
  if (!parsed) throw Error(option + ": \"" + url + "\" is not a URL: " + why);
  if (parsed->scheme != "http") throw Error(option + ": \"" + url + "\": only http:// targets are benchmarked");
  if (!parsed->is_loopback()) {
    throw Error(option + ": \"" + url + "\": benchmarks run on loopback only; use 127.0.0.1 or [::1]");
  }
  Endpoint e;
  e.host = parsed->host == "localhost" ? "127.0.0.1" : parsed->host;
  e.port = parsed->port;
  boost::system::error_code ec;
  net::ip::make_address(e.host, ec);
  if (ec) throw Error(option + ": \"" + url + "\": the host must be an IP address such as 127.0.0.1");
  return e;
}

namespace {

struct Connection {
  explicit Connection(net::io_context& ioc) : stream(ioc) {}

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bhttp::request<bhttp::empty_body> request;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  bool open = false;     // connected and reusable
  bool reused = false;   // this round started on a connection opened earlier
  bool retried = false;  // already reconnected once this round
  Clock::time_point started;
};

}  // namespace

struct LoopbackClient::Impl {
  Impl(Endpoint e, ClientOptions o)
      : endpoint(std::move(e)), options(o), target(net::ip::make_address(endpoint.host), endpoint.port) {
    for (int i = 0; i < std::max(1, options.connections); ++i) connections.push_back(std::make_unique<Connection>(ioc));
  }

  void begin(Connection& c, const std::string& path);
  void do_connect(Connection& c);
  void do_write(Connection& c);
  void on_read(Connection& c, beast::error_code ec);
  void fail(Connection& c, const char* step, const std::string& what);
  void close(Connection& c);

  Endpoint endpoint;
  ClientOptions options;
  tcp::endpoint target;
  net::io_context ioc{1};
  std::vector<std::unique_ptr<Connection>> connections;
  RoundResult result;
  std::vector<double>* latencies = nullptr;
};

void LoopbackClient::Impl::begin(Connection& c, const std::string& path) {
  c.request = {bhttp::verb::get, path, 11};
  c.request.set(bhttp::field::host, endpoint.host);
  c.request.set(bhttp::field::user_agent, "perfval-bench");
  c.request.keep_alive(options.keep_alive);
  c.reused = c.open;
  c.retried = false;
  c.started = Clock::now();
  if (c.open) do_write(c);
  else do_connect(c);
}

void LoopbackClient::Impl::do_connect(Connection& c) {
  c.stream.expires_after(options.timeout);
  c.stream.async_connect(target, [this, &c](beast::error_code ec) {
    if (ec) return fail(c, "connect", ec.message());
    c.stream.socket().set_option(tcp::no_delay(true), ec);
    c.open = true;
    c.buffer.clear();
    do_write(c);
  });
}

void LoopbackClient::Impl::do_write(Connection& c) {
  c.stream.expires_after(options.timeout);
  bhttp::async_write(c.stream, c.request, [this, &c](beast::error_code ec, std::size_t) {
    if (ec) return fail(c, "write", ec.message());
    c.parser.emplace();
    c.parser->body_limit(256u << 20);
    c.stream.expires_after(options.timeout);
    bhttp::async_read(c.stream, c.buffer, *c.parser, [this, &c](beast::error_code ec2, std::size_t) { on_read(c, ec2); });
  });
}

void LoopbackClient::Impl::on_read(Connection& c, beast::error_code ec) {
  if (ec) return fail(c, "read", ec.message());
  const auto& response = c.parser->get();
  if (latencies) latencies->push_back(static_cast<double>((Clock::now() - c.started).count()));
  if (response.result_int() / 100 == 2) {
    ++result.ok;
    result.body_bytes += response.body().size();
  } else {
    ++result.failed;
    if (result.first_error.empty()) {  // which request and what the server said, for the console and the JSON
      result.first_error = "GET " + endpoint.url() + std::string(c.request.target()) + ": HTTP " +
                           std::to_string(response.result_int()) + " " + std::string(response.reason());
    }
  }
  if (!options.keep_alive || !response.keep_alive()) close(c);
}

void LoopbackClient::Impl::fail(Connection& c, const char* step, const std::string& what) {
  const bool server_closed_idle = c.reused && !c.retried && std::string_view(step) != "connect";
  close(c);
  if (server_closed_idle) {  // the server may drop an idle keep-alive connection: reconnect once
    c.retried = true;
    c.started = Clock::now();
    return do_connect(c);
  }
  ++result.failed;
  if (result.first_error.empty()) result.first_error = std::string(step) + " " + endpoint.url() + ": " + what;
}

void LoopbackClient::Impl::close(Connection& c) {
  beast::error_code ec;
  // Linger 0 resets instead of leaving TIME_WAIT behind, so new-connection runs cannot exhaust ports.
  c.stream.socket().set_option(net::socket_base::linger(true, 0), ec);
  c.stream.socket().close(ec);
  c.open = false;
}

LoopbackClient::LoopbackClient(Endpoint endpoint, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(endpoint), options)) {}

LoopbackClient::~LoopbackClient() {
  for (auto& c : impl_->connections) impl_->close(*c);
}

RoundResult LoopbackClient::round(const std::string& path, std::vector<double>* latencies_ns) {
  impl_->result = {};
  impl_->latencies = latencies_ns;
  for (auto& c : impl_->connections) impl_->begin(*c, path);
  impl_->ioc.restart();
  impl_->ioc.run();
  return impl_->result;
}

}  // namespace perfval::bench
