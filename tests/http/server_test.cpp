// Tests the Beast server on loopback: keep-alive, pipelining, delays, limits, Connection: close, stop, threads.
#include "perfval/http/server.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "perfval/common/error.hpp"

namespace perfval::http {
namespace {

// A blocking loopback TCP client for the tests: sends raw bytes, reads HTTP/1.x responses.
// One connection to 127.0.0.1:port; every receive gives up after `timeout_s` so no test can hang.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port, int timeout_s = 5) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{timeout_s, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~RawSocket() { close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Sends everything; returns false if the peer stopped accepting bytes.
  bool send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads one response (status line, headers and a Content-Length body); nullopt on EOF, error or timeout.
  std::optional<std::string> read_response(bool head_request = false) {
    std::size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    header_end += 4;
    std::size_t length = 0;
    const auto lower = to_lower(pending_.substr(0, header_end));
    const auto cl = lower.find("\r\ncontent-length:");
    if (cl != std::string::npos && !head_request) length = std::stoul(lower.substr(cl + 17));
    while (pending_.size() < header_end + length) {
      if (!fill()) return std::nullopt;
    }
    std::string response = pending_.substr(0, header_end + length);
    pending_.erase(0, header_end + length);
    return response;
  }

  // True when the server closed the connection (EOF or reset) with nothing more to read.
  bool closed_by_peer() {
    if (!pending_.empty()) return false;
    char c;
    const auto n = ::recv(fd_, &c, 1, 0);
    if (n > 0) pending_.push_back(c);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  static std::string to_lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  bool fill() {
    char buf[16384];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
};

inline std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

}  // namespace
}  // namespace perfval::http

namespace perfval::http {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// Echoes the target, or answers what the target asks for: /delay/<ms>, /status/<code>.
ServerResponse echo(const ServerRequest& req) {
  ServerResponse r;
  if (req.target.rfind("/delay/", 0) == 0) r.delay = std::chrono::milliseconds(std::stoi(req.target.substr(7)));
  if (req.target.rfind("/status/", 0) == 0) r.status = static_cast<unsigned>(std::stoi(req.target.substr(8)));
  r.body = req.method + " " + req.target + " " + req.body;
  return r;
}

struct RunningServer {
  explicit RunningServer(ServerOptions options = {}, Handler handler = echo)
      : server(std::move(options), std::move(handler)) {
    server.start();
  }
  Server server;
};

TEST(Server, StartsOnAFreePortAndServesKeepAliveRequestsOnOneConnection) {
  RunningServer s;
  ASSERT_NE(s.server.port(), 0);
  RawSocket sock(s.server.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(sock.send_all(get("/r" + std::to_string(i))));
    const auto response = sock.read_response();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_THAT(*response, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(*response, HasSubstr("Server: perfval\r\n"));
    EXPECT_THAT(*response, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
    EXPECT_EQ(body_of(*response), "GET /r" + std::to_string(i) + " ");
  }
  s.server.stop();  // counters are exact once the I/O threads have finished
  const auto counters = s.server.counters();
  EXPECT_EQ(counters.connections, 1u);
  EXPECT_EQ(counters.requests, 3u);
}

TEST(Server, PassesMethodHeadersAndBodyToTheHandler) {
  std::string seen_header;
  RunningServer s({}, [&](const ServerRequest& req) {
    for (const auto& [name, value] : req.headers) {
      if (name == "X-Test") seen_header = value;
    }
    return echo(req);
  });
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all("POST /submit?x=1 HTTP/1.1\r\nHost: h\r\nX-Test: yes\r\nContent-Length: 5\r\n\r\nhello"));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(body_of(*response), "POST /submit?x=1 hello");
  EXPECT_EQ(seen_header, "yes");
}

TEST(Server, PipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsDelayed) {
  RunningServer s;
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all(get("/delay/100") + get("/second") + get("/third")));
  for (const char* expected : {"GET /delay/100 ", "GET /second ", "GET /third "}) {
    const auto response = sock.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(body_of(*response), expected);
  }
}

TEST(Server, DelayedResponseArrivesNoEarlierThanTheDelay) {
  RunningServer s;
  RawSocket sock(s.server.port());
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(sock.send_all(get("/delay/200")));
  const auto response = sock.read_response();
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 200"));
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
}

TEST(Server, DelayDoesNotBlockOtherConnectionsOnTheSameThread) {
  RunningServer s;  // one I/O thread
  RawSocket slow(s.server.port());
  RawSocket fast(s.server.port());
  ASSERT_TRUE(slow.send_all(get("/delay/3000")));
  ASSERT_TRUE(fast.send_all(get("/now")));
  const auto response = fast.read_response();  // would time out if the delay slept the thread
  ASSERT_TRUE(response);
  EXPECT_EQ(body_of(*response), "GET /now ");
}

TEST(Server, OversizedHeaderGets431AndTheConnectionCloses) {
  RunningServer s;
  RawSocket sock(s.server.port());
  sock.send_all(get("/", "X-Big: " + std::string(64 * 1024, 'a') + "\r\n"));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 431"));
  EXPECT_THAT(*response, HasSubstr("Connection: close"));
  EXPECT_TRUE(sock.closed_by_peer());
}

TEST(Server, OversizedBodyGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  RunningServer s(options);
  RawSocket sock(s.server.port());
  sock.send_all("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4096\r\n\r\n" + std::string(4096, 'b'));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 413"));
  EXPECT_TRUE(sock.closed_by_peer());
}

TEST(Server, OversizedChunkedBodyGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  RunningServer s(options);
  RawSocket sock(s.server.port());
  sock.send_all("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'c') +
                "\r\n0\r\n\r\n");
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 413"));
}

TEST(Server, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  RunningServer s;
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  const auto interim = sock.read_response();
  ASSERT_TRUE(interim);
  EXPECT_THAT(*interim, StartsWith("HTTP/1.1 100 Continue\r\n"));
  ASSERT_TRUE(sock.send_all("data"));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(body_of(*response), "POST /up data");
}

TEST(Server, BodyWithinTheLimitIsAccepted) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  RunningServer s(options);
  RawSocket sock(s.server.port());
  sock.send_all("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1024\r\n\r\n" + std::string(1024, 'b'));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 200"));
}

TEST(Server, MalformedRequestGets400) {
  RunningServer s;
  RawSocket sock(s.server.port());
  sock.send_all("THIS IS NOT HTTP\r\n\r\n");
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 400"));
}

TEST(Server, ConnectionCloseIsHonoured) {
  RunningServer s;
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all(get("/bye", "Connection: close\r\n")));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, HasSubstr("Connection: close\r\n"));
  EXPECT_TRUE(sock.closed_by_peer());
}

TEST(Server, Http10ClosesByDefaultAndKeepsAliveWhenAsked) {
  RunningServer s;
  RawSocket plain(s.server.port());
  ASSERT_TRUE(plain.send_all("GET /old HTTP/1.0\r\n\r\n"));
  const auto first = plain.read_response();
  ASSERT_TRUE(first);
  EXPECT_THAT(*first, StartsWith("HTTP/1.0 200"));
  EXPECT_EQ(body_of(*first), "GET /old ");
  EXPECT_TRUE(plain.closed_by_peer());

  RawSocket keep(s.server.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(keep.send_all("GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto response = keep.read_response();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_THAT(*response, HasSubstr("Connection: keep-alive"));
  }
}

TEST(Server, SharedBodyAndHead) {
  auto big = std::make_shared<const std::string>(200 * 1024, 'z');
  RunningServer s({}, [&](const ServerRequest&) {
    ServerResponse r;
    r.content_type = "application/octet-stream";
    r.shared_body = big;
    return r;
  });
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all(get("/big")));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, HasSubstr("Content-Type: application/octet-stream\r\n"));
  EXPECT_EQ(body_of(*response), *big);
  ASSERT_TRUE(sock.send_all("HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n"));
  const auto head = sock.read_response(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_THAT(*head, HasSubstr("Content-Length: 204800\r\n"));
  EXPECT_EQ(body_of(*head), "");
  ASSERT_TRUE(sock.send_all(get("/again")));  // the connection is still in sync after HEAD
  const auto again = sock.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(body_of(*again).size(), big->size());
}

TEST(Server, HandlerExceptionBecomes500) {
  RunningServer s({}, [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("boom"); });
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all(get("/")));
  const auto response = sock.read_response();
  ASSERT_TRUE(response);
  EXPECT_THAT(*response, StartsWith("HTTP/1.1 500"));
}

TEST(Server, StopWithIdleKeepAliveConnectionsReturnsPromptlyAndClosesThem) {
  ServerOptions options;
  options.threads = 2;
  options.idle_timeout = std::chrono::seconds(60);
  Server server(options, echo);
  server.start();
  std::vector<std::unique_ptr<RawSocket>> sockets;
  for (int i = 0; i < 4; ++i) {
    sockets.push_back(std::make_unique<RawSocket>(server.port()));
    ASSERT_TRUE(sockets.back()->send_all(get("/")));
    ASSERT_TRUE(sockets.back()->read_response());
  }
  RawSocket delayed(server.port());
  ASSERT_TRUE(delayed.send_all(get("/delay/30000")));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the delayed request reach its timer
  const auto begin = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));  // far below idle and delay
  for (auto& sock : sockets) EXPECT_TRUE(sock->closed_by_peer());
  EXPECT_TRUE(delayed.closed_by_peer());
  server.stop();  // idempotent
  EXPECT_EQ(server.counters().requests, 4u);
}

TEST(Server, TwoThreadsServeConcurrently) {
  // Each request waits (bounded) for the other to arrive; on one thread the second could never be handled.
  std::mutex mutex;
  std::condition_variable cv;
  int arrived = 0;
  ServerOptions options;
  options.threads = 2;
  RunningServer s(options, [&](const ServerRequest&) {
    std::unique_lock lock(mutex);
    ++arrived;
    cv.notify_all();
    const bool met = cv.wait_for(lock, std::chrono::seconds(3), [&] { return arrived >= 2; });
    ServerResponse r;
    r.body = met ? "met" : "alone";
    return r;
  });
  RawSocket a(s.server.port());
  RawSocket b(s.server.port());
  ASSERT_TRUE(a.send_all(get("/a")));
  ASSERT_TRUE(b.send_all(get("/b")));
  const auto ra = a.read_response();
  const auto rb = b.read_response();
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(body_of(*ra), "met");
  EXPECT_EQ(body_of(*rb), "met");
}

TEST(Server, IdleConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  RunningServer s(options);
  RawSocket sock(s.server.port());
  ASSERT_TRUE(sock.send_all(get("/")));
  ASSERT_TRUE(sock.read_response());
  EXPECT_TRUE(sock.closed_by_peer());  // recv waits at most 5 s; the server closes after ~200 ms
}

TEST(Server, StartFailsWithAClearErrorWhenThePortIsTaken) {
  RunningServer first;
  ServerOptions options;
  options.port = first.server.port();
  Server second(options, echo);
  try {
    second.start();
    FAIL() << "expected start() to throw";
  } catch (const perfval::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot listen on 127.0.0.1:" + std::to_string(options.port) + ": bind"));
  }
}

TEST(Server, RejectsZeroThreads) {
  ServerOptions options;
  options.threads = 0;
  Server server(options, echo);
  EXPECT_THROW(server.start(), perfval::Error);
}

}  // namespace
}  // namespace perfval::http
