// The multi-threaded HTTP/1.1 server: one io_context per I/O thread, one acceptor dealing connections round-robin.
//
// A single acceptor handing sockets to the per-thread contexts spreads keep-alive connections evenly (SO_REUSEPORT
// hashes the 4-tuple and can leave one thread with most of a benchmark's connections); accepting is cheap next to
// serving requests, so the acceptor thread is not a bottleneck for keep-alive load.
#include <utility>  // must precede Boost.Asio with g++ 12 in C++20

#include "perfval/http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <thread>

#include "perfval/common/error.hpp"
#include "server_session.hpp"

namespace perfval::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Counters come first so they outlive the sessions that the io_context destroys.
struct Worker {
  detail::WorkerCounters counters;
  net::io_context ioc{1};  // concurrency hint 1: only this worker's thread runs it
  net::executor_work_guard<net::io_context::executor_type> guard = net::make_work_guard(ioc);
  std::thread thread;
};

tcp::endpoint resolve_listen_endpoint(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) return {address, port};
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    throw Error("cannot listen on " + host + ":" + std::to_string(port) + ": cannot resolve host: " +
                (ec ? ec.message() : std::string("no addresses")));
  }
  return results.begin()->endpoint();
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  detail::SessionConfig config;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<tcp::acceptor> acceptor;    // runs on workers[0]
  std::unique_ptr<net::steady_timer> retry;   // backs off accepting after errors such as EMFILE
  std::size_t next_worker = 0;                // round-robin cursor, used only on the acceptor's thread
  std::uint16_t port = 0;
  bool running = false;
  ServerCounters final_counters;              // totals kept after stop()
  mutable std::mutex mutex;                   // start/stop/counters against each other

  void open_acceptor();
  void do_accept();
  void on_accept(const boost::system::error_code& ec, tcp::socket socket, Worker& worker);
  void stop_locked();
  ServerCounters sum() const;
};

void Server::Impl::open_acceptor() {
  const auto endpoint = resolve_listen_endpoint(options.host, options.port);
  acceptor = std::make_unique<tcp::acceptor>(workers.front()->ioc);
  boost::system::error_code ec;
  const auto fail = [&](const char* step) {
    throw Error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + step + ": " +
                ec.message());
  };
  acceptor->open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR");
  acceptor->bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  port = acceptor->local_endpoint().port();
  retry = std::make_unique<net::steady_timer>(workers.front()->ioc);
}

void Server::Impl::do_accept() {
  Worker& worker = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  acceptor->async_accept(worker.ioc, [this, &worker](const boost::system::error_code& ec, tcp::socket socket) {
    on_accept(ec, std::move(socket), worker);
  });
}

void Server::Impl::on_accept(const boost::system::error_code& ec, tcp::socket socket, Worker& worker) {
  if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
  if (ec) {  // out of descriptors or similar: try again shortly instead of spinning
    retry->expires_after(std::chrono::milliseconds(50));
    retry->async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec) do_accept();
    });
    return;
  }
  auto session = std::make_shared<detail::Session>(std::move(socket), config, worker.counters);
  net::post(worker.ioc, [session] { session->start(); });
  do_accept();
}

ServerCounters Server::Impl::sum() const {
  ServerCounters total = final_counters;
  for (const auto& w : workers) {
    total.connections += w->counters.connections.load(std::memory_order_relaxed);
    total.requests += w->counters.requests.load(std::memory_order_relaxed);
  }
  return total;
}

void Server::Impl::stop_locked() {
  if (!running) return;
  running = false;
  // Stopping the contexts abandons every pending read, write and delay; destroying them below destroys the
  // sessions those operations own, which closes their sockets. No connection can hold stop() up.
  for (auto& w : workers) w->ioc.stop();
  for (auto& w : workers) {
    if (w->thread.joinable()) w->thread.join();
  }
  final_counters = sum();
  retry.reset();
  acceptor.reset();
  workers.clear();
}

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

Server::~Server() { stop(); }

void Server::start() {
  std::lock_guard lock(impl_->mutex);
  Impl& s = *impl_;
  if (s.running) throw Error("server already started on port " + std::to_string(s.port));
  if (s.options.threads < 1) throw Error("server threads must be at least 1, got " + std::to_string(s.options.threads));
  if (!s.handler) throw Error("server has no request handler");
  s.config = {&s.handler, s.options.max_header_bytes, s.options.max_body_bytes, s.options.idle_timeout};
  for (int i = 0; i < s.options.threads; ++i) s.workers.push_back(std::make_unique<Worker>());
  try {
    s.open_acceptor();
  } catch (...) {
    s.acceptor.reset();
    s.workers.clear();
    throw;
  }
  s.next_worker = 0;
  s.do_accept();
  for (auto& w : s.workers) {
    w->thread = std::thread([&ioc = w->ioc] { ioc.run(); });
  }
  s.running = true;
}

std::uint16_t Server::port() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->port;
}

void Server::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_locked();
}

ServerCounters Server::counters() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sum();
}

}  // namespace perfval::http
