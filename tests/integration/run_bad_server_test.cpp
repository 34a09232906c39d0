// `perfval run` against misbehaving servers on loopback: garbage, oversized headers, and connections closed
// mid-response are counted as protocol/read errors and the VUs reconnect and go on; and a table of raw
// responses through the engine (docs/scenarios.md "How responses are parsed").
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "process.hpp"

namespace {
using nlohmann::json;
using namespace std::chrono_literals;

// A tiny single-threaded TCP server answering every request with `reply` and then closing the connection.
class BadServer {
 public:
  explicit BadServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 128);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~BadServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      char buf[4096];
      pollfd q{c, POLLIN, 0};
      if (poll(&q, 1, 1000) > 0 && read(c, buf, sizeof buf) > 0) {
        (void)!write(c, reply_.data(), reply_.size());
      }
      close(c);
    }
  }
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

json run_against(const BadServer& server, perfval::test::ProcessResult& process) {
  perfval::test::TempDir dir;
  const std::string file = dir.write("s.yaml", "name: bad-server\ntarget: {base_url: \"http://127.0.0.1:" +
                                                   std::to_string(server.port()) + "\"}\n"
                                                   "requests: [{name: x, path: /}]\n"
                                                   "executor: constant-vus\nvus: 2\nduration: 2s\ntimeout: 2s\n"
                                                   "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n");
  process = perfval::test::run_process({PERFVAL_BIN, "run", file, "--quiet", "--out", dir.path() + "/out"}, 60s);
  std::ifstream in(dir.path() + "/out/summary.json");
  return in ? json::parse(in) : json();
}

TEST(RunBadServer, GarbageIsAProtocolErrorAndVusReconnect) {
  BadServer server("this is not HTTP at all\r\n\r\n");
  perfval::test::ProcessResult p;
  const json s = run_against(server, p);
  EXPECT_EQ(p.exit_code, 99) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(s.at("errors").at("protocol").get<int>(), 10);
  EXPECT_EQ(s.at("errors").at("protocol").get<int>(), s.at("metrics").at("http_reqs").at("count").get<int>());
  EXPECT_GT(server.connections(), 10);  // each failed response led to a new connection
}

TEST(RunBadServer, OversizedHeadersAreCapped) {
  BadServer server("HTTP/1.1 200 OK\r\nX-Huge: " + std::string(200 * 1024, 'h') + "\r\nContent-Length: 0\r\n\r\n");
  perfval::test::ProcessResult p;
  const json s = run_against(server, p);
  EXPECT_EQ(p.exit_code, 99) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(s.at("errors").at("protocol").get<int>(), 0);
  EXPECT_NE(s.at("error_examples").dump().find("size limit"), std::string::npos) << s.at("error_examples").dump();
}

TEST(RunBadServer, CloseMidResponseIsAReadError) {
  BadServer server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly part of the body");
  perfval::test::ProcessResult p;
  const json s = run_against(server, p);
  EXPECT_EQ(p.exit_code, 99) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(s.at("errors").at("read").get<int>(), 10);
  EXPECT_NE(s.at("error_examples").dump().find("read"), std::string::npos);
}

// Valid or lenient responses succeed (warnings counted), malformed ones are protocol errors, as documented.
struct RawCase {
  const char* name;      // for failure messages
  const char* reply;     // the whole response; the server closes the connection after it
  bool ok;               // the requests succeed (status 200 or 101) rather than fail with kind protocol
  bool warning;          // protocol_warnings > 0
};

TEST(RunBadServer, RawResponseTableThroughTheEngine) {
  const RawCase cases[] = {
      {"blank line before the status line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true, true},
      {"chunked, deflate runs to the close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, deflate\r\n\r\nxyz", true,
       false},
      {"101 ends the request", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n", true,
       false},
      {"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", true, true},
      {"space in a header name", "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok", false, false},
      {"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", false,
       false},
  };
  for (const auto& c : cases) {
    BadServer server(c.reply);
    perfval::test::ProcessResult p;
    const json s = run_against(server, p);
    ASSERT_FALSE(s.is_null()) << c.name << ": " << p.err;
    const auto requests = s.at("metrics").at("http_reqs").at("count").get<std::uint64_t>();
    EXPECT_GT(requests, 5u) << c.name;
    EXPECT_EQ(p.exit_code, c.ok ? 0 : 99) << c.name << ": " << p.out;
    EXPECT_EQ(s.at("errors").at("protocol").get<std::uint64_t>(), c.ok ? 0u : requests) << c.name;
    EXPECT_EQ(s.at("protocol_warnings").get<std::uint64_t>() > 0, c.warning) << c.name;
  }
}

}  // namespace
