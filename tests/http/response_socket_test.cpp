// The raw-response table (response_cases.hpp) served by a real loopback TCP server, in several writes with
// pauses, read by the transport seam and the parser as the engine reads: what reaches the user is the same.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "http/response_cases.hpp"
#include "http/transport_client.hpp"
#include "support/free_port.hpp"

namespace perfval::http {
namespace {

// Accepts one connection per case, in order: reads the request, writes the case's bytes in random pieces
// with short pauses (so the client sees several reads), then closes.
class RawServer {
 public:
  explicit RawServer(std::vector<std::string> wires) : wires_(std::move(wires)) {
    fd_ = perfval::test::listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve() {
    std::mt19937 rng(9112);
    for (const auto& wire : wires_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      const int one = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::string request;
      char buf[1024];
      for (ssize_t n; request.find("\r\n\r\n") == std::string::npos && (n = ::recv(c, buf, sizeof buf, 0)) > 0;) {
        request.append(buf, static_cast<std::size_t>(n));
      }
      for (std::size_t sent = 0; sent < wire.size();) {
        const std::size_t piece = std::min(wire.size() - sent, std::uniform_int_distribution<std::size_t>(1, 40)(rng));
        if (::send(c, wire.data() + sent, piece, MSG_NOSIGNAL) < 0) break;
        sent += piece;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      ::close(c);
    }
  }

  std::vector<std::string> wires_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST(ResponseSocket, TableThroughARealConnection) {
  const auto cases = test::response_cases();
  std::vector<std::string> wires;
  for (const auto& c : cases) wires.push_back(c.wire);
  RawServer server(wires);
  TransportTarget target;
  target.endpoints.emplace_back(boost::asio::ip::make_address("127.0.0.1"), server.port());
  boost::asio::io_context io;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto r = test::TransportClient(io, target, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").run(1);
    ASSERT_EQ(r.size(), 1u);
    if (!c.ok) {
      EXPECT_FALSE(r[0].ok);
      EXPECT_NE(r[0].error.find(c.error), std::string::npos) << r[0].error;
      continue;
    }
    ASSERT_TRUE(r[0].ok) << r[0].error;
    EXPECT_EQ(r[0].status, c.status);
    EXPECT_EQ(r[0].body_bytes, c.body);
    EXPECT_EQ(r[0].before_eof, !c.needs_eof);
    EXPECT_EQ(r[0].warnings, c.warnings.size());
  }
}

}  // namespace
}  // namespace perfval::http
