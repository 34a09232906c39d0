// Tests for the transport seam against real servers on loopback: nginx over TCP and over TLS with a private
// CA made by the test (verification, wrong CA, host name, insecure mode, versions, mTLS, resumption, a large
// body), and a Unix-socket server that counts the requests it answers.
#include "perfval/http/transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/transport_client.hpp"
#include "support/free_port.hpp"
#include "support/nginx.hpp"
#include "support/test_pki.hpp"

namespace perfval::http {
namespace {

using ::testing::HasSubstr;
namespace asio = boost::asio;

const char* kGet = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

// nginx with a plain port, a TLS port and a TLS port that requires a client certificate, plus a TLS 1.3-only port.
class TlsNginx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& pki = perfval::test::test_pki();
    const std::string tls = " ssl_certificate " + pki.server_cert + "; ssl_certificate_key " + pki.server_key + ";";
    nginx_ = new perfval::test::Nginx(
        "server { listen 127.0.0.1:{PORT0}; location / { return 200 \"plain\\n\"; } }\n"
        "server { listen 127.0.0.1:{PORT1} ssl;" + tls + " root {DIR}/html; location = / { return 200 \"tls\\n\"; } }\n"
        "server { listen 127.0.0.1:{PORT2} ssl;" + tls + " ssl_verify_client on; ssl_client_certificate " +
        pki.ca_cert + "; location / { return 200 \"mtls\\n\"; } }\n"
        "server { listen 127.0.0.1:{PORT3} ssl;" + tls + " ssl_protocols TLSv1.3; location / { return 200 \"13\\n\"; } }\n",
        4);
    std::ofstream(nginx_->dir() + "/html/big") << std::string(1 << 20, 'x');
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
  }

  static TransportTarget target(std::uint16_t port, const TlsOptions* tls, const std::string& host = "localhost") {
    TransportTarget t;
    t.endpoints.emplace_back(asio::ip::make_address("127.0.0.1"), port);
    if (tls) {
      std::string why;
      t.tls = TlsClientContext::make(*tls, host, &why);
      EXPECT_TRUE(t.tls) << why;
    }
    return t;
  }
  static std::vector<test::Exchange> exchange(const TransportTarget& t, int count, bool reconnect_each = false,
                                              const std::string& request = kGet) {
    asio::io_context io;
    test::TransportClient client(io, t, request);
    return client.run(count, reconnect_each);
  }
  static TlsOptions verified() {
    TlsOptions o;
    o.ca_file = perfval::test::test_pki().ca_cert;
    return o;
  }

  static perfval::test::Nginx* nginx_;
};
perfval::test::Nginx* TlsNginx::nginx_ = nullptr;

TEST_F(TlsNginx, PlainTcpKeepsOneConnection) {
  const auto r = exchange(target(nginx_->port(0), nullptr), 3);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) {
    EXPECT_TRUE(x.ok) << x.error;
    EXPECT_EQ(x.status, 200u);
    EXPECT_EQ(x.timing.handshake_us, 0);
  }
}

TEST_F(TlsNginx, VerifiedWithThePrivateCa) {
  const TlsOptions o = verified();
  const auto r = exchange(target(nginx_->port(1), &o), 3);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) {
    EXPECT_TRUE(x.ok) << x.error;
    EXPECT_EQ(x.status, 200u);
    EXPECT_EQ(x.body_bytes, 4u);  // "tls\n"
  }
  EXPECT_GT(r[0].timing.handshake_us, 0);
}

TEST_F(TlsNginx, ReconnectsResumeTheSession) {
  const TlsOptions o = verified();
  const auto r = exchange(target(nginx_->port(1), &o), 3, /*reconnect_each=*/true);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].ok && r[1].ok && r[2].ok);
  EXPECT_FALSE(r[0].timing.resumed);  // the first connection has nothing to resume
  EXPECT_TRUE(r[1].timing.resumed);
  EXPECT_TRUE(r[2].timing.resumed);
}

TEST_F(TlsNginx, WithoutTheCaVerificationFailsWithTheReason) {
  TlsOptions system_store;  // the private CA is not in the system store
  auto r = exchange(target(nginx_->port(1), &system_store), 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].ok);
  EXPECT_EQ(r[0].failed_step, ConnectStep::tls);
  EXPECT_THAT(r[0].error, HasSubstr("certificate verify failed: unable to get local issuer certificate"));

  TlsOptions other;
  other.ca_file = perfval::test::test_pki().other_ca_cert;
  r = exchange(target(nginx_->port(1), &other), 1);
  EXPECT_EQ(r[0].failed_step, ConnectStep::tls);
  EXPECT_THAT(r[0].error, HasSubstr("certificate verify failed"));
}

TEST_F(TlsNginx, TheCertificateMustNameTheHost) {
  const TlsOptions o = verified();
  const auto r = exchange(target(nginx_->port(1), &o, "wrong.example"), 1);  // SNI/name only: traffic stays local
  EXPECT_EQ(r[0].failed_step, ConnectStep::tls);
  EXPECT_THAT(r[0].error, HasSubstr("certificate verify failed: hostname mismatch"));
  const auto by_ip = exchange(target(nginx_->port(1), &o, "127.0.0.1"), 1);  // the SAN has IP:127.0.0.1
  EXPECT_TRUE(by_ip[0].ok) << by_ip[0].error;
}

TEST_F(TlsNginx, InsecureSkipVerifyAcceptsAnyCertificate) {
  TlsOptions o;
  o.insecure_skip_verify = true;
  const auto r = exchange(target(nginx_->port(1), &o, "wrong.example"), 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].ok && r[1].ok) << r[0].error;
}

TEST_F(TlsNginx, VersionLimitsAreApplied) {
  TlsOptions only12 = verified();
  only12.max_version = TlsVersion::tls1_2;
  auto r = exchange(target(nginx_->port(3), &only12), 1);  // that server speaks TLS 1.3 only
  EXPECT_EQ(r[0].failed_step, ConnectStep::tls);
  EXPECT_FALSE(r[0].error.empty());
  TlsOptions only13 = verified();
  only13.min_version = TlsVersion::tls1_3;
  r = exchange(target(nginx_->port(3), &only13), 1);
  EXPECT_TRUE(r[0].ok) << r[0].error;
  r = exchange(target(nginx_->port(1), &only12), 2, true);  // TLS 1.2 resumes too
  EXPECT_TRUE(r[0].ok && r[1].ok);
  EXPECT_TRUE(r[1].timing.resumed);
}

TEST_F(TlsNginx, ClientCertificateForMutualTls) {
  TlsOptions without = verified();
  auto r = exchange(target(nginx_->port(2), &without), 1);
  ASSERT_TRUE(r[0].ok) << r[0].error;
  EXPECT_EQ(r[0].status, 400u);  // nginx: "No required SSL certificate was sent"
  TlsOptions with = verified();
  with.client_certs.push_back({perfval::test::test_pki().client_cert, perfval::test::test_pki().client_key, {}});
  r = exchange(target(nginx_->port(2), &with), 2);
  EXPECT_TRUE(r[0].ok && r[1].ok);
  EXPECT_EQ(r[0].status, 200u);
  TlsOptions elsewhere = with;
  elsewhere.client_certs[0].domains = {"other.example"};  // offered to another host only
  r = exchange(target(nginx_->port(2), &elsewhere), 1);
  EXPECT_EQ(r[0].status, 400u);
}

TEST_F(TlsNginx, LargeBodyIsReadCompletely) {
  const TlsOptions o = verified();
  const auto r = exchange(target(nginx_->port(1), &o), 2, false, "GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].ok && r[1].ok) << r[0].error;
  EXPECT_EQ(r[0].body_bytes, 1u << 20);
  EXPECT_EQ(r[1].body_bytes, 1u << 20);
}

TEST(Transport, ConnectFailureNamesTheStep) {
  TransportTarget t;
  t.endpoints.emplace_back(asio::ip::make_address("127.0.0.1"), perfval::test::free_loopback_port());  // nothing listens
  asio::io_context io;
  test::TransportClient client(io, t, kGet);
  const auto r = client.run(1);
  EXPECT_EQ(r[0].failed_step, ConnectStep::connect);
  EXPECT_THAT(r[0].error, HasSubstr("refused"));
}

TEST(TlsFiles, UnusableFilesAreExplained) {
  const auto& pki = perfval::test::test_pki();
  EXPECT_EQ(check_ca_file(pki.ca_cert), "");
  EXPECT_THAT(check_ca_file("/nonexistent/ca.pem"), HasSubstr("cannot read CA file /nonexistent/ca.pem"));
  EXPECT_THAT(check_ca_file(pki.server_key), HasSubstr("no PEM certificate in CA file"));
  bool key_fault = true;
  EXPECT_EQ(check_client_cert(pki.client_cert, pki.client_key, &key_fault), "");
  EXPECT_THAT(check_client_cert(pki.client_cert, pki.server_key, &key_fault), HasSubstr("does not belong"));
  EXPECT_THAT(check_client_cert(pki.client_cert, "/nonexistent/k.pem", &key_fault), HasSubstr("cannot read key file"));
  EXPECT_TRUE(key_fault);
  EXPECT_THAT(check_client_cert(pki.client_key, pki.client_key, &key_fault), HasSubstr("no usable PEM certificate"));
  EXPECT_FALSE(key_fault);
  std::string why;
  TlsOptions missing;
  missing.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(TlsClientContext::make(missing, "localhost", &why), nullptr);
  EXPECT_THAT(why, HasSubstr("cannot load CA file /nonexistent/ca.pem"));
}

// A Unix-socket HTTP server: answers every request it reads with a fixed response, counting them.
class UnixServer {
 public:
  explicit UnixServer(std::string path) : path_(std::move(path)) {
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
      throw std::runtime_error("cannot listen on " + path_);
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~UnixServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    ::unlink(path_.c_str());
  }
  int requests() const { return requests_.load(); }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      std::string pending;
      char buf[4096];
      for (ssize_t n; (n = ::recv(c, buf, sizeof buf, 0)) > 0;) {
        pending.append(buf, static_cast<std::size_t>(n));
        for (std::size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos; pending.erase(0, end + 4)) {
          ++requests_;
          const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
          if (::send(c, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) break;
        }
      }
      ::close(c);
    }
  }

  std::string path_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
};

TEST(Transport, UnixSocketCarriesEveryRequest) {
  const std::string path = (std::filesystem::temp_directory_path() / ("perfval-" + std::to_string(::getpid()) + ".sock")).string();
  UnixServer server(path);
  TransportTarget t;
  t.unix_socket = path;
  asio::io_context io;
  test::TransportClient client(io, t, kGet);
  const auto r = client.run(25);
  ASSERT_EQ(r.size(), 25u);
  for (const auto& x : r) EXPECT_TRUE(x.ok && x.status == 200) << x.error;
  EXPECT_EQ(server.requests(), 25);
  EXPECT_EQ(server.connections(), 1);  // kept alive
  const auto again = test::TransportClient(io, t, kGet).run(4, /*reconnect_each=*/true);
  EXPECT_EQ(again.size(), 4u);
  EXPECT_EQ(server.requests(), 29);
  EXPECT_EQ(server.connections(), 5);
}

// A TLS 1.3 server (OpenSSL, blocking, one connection) that sends a KeyUpdate right behind each response, corked
// into the same TCP segment: the client's one read gets both records, OpenSSL takes only the response's, and the
// KeyUpdate must still be read before the next response, which the server encrypts under its new keys. Losing
// the record left behind would make every later response on the connection undecryptable.
class KeyUpdatingTlsServer {
 public:
  KeyUpdatingTlsServer() : ctx_(SSL_CTX_new(TLS_server_method())) {
    const auto& pki = perfval::test::test_pki();
    SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION);
    SSL_CTX_set_num_tickets(ctx_, 0);
    if (SSL_CTX_use_certificate_chain_file(ctx_, pki.server_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, pki.server_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("test server: cannot load the certificate");
    }
    fd_ = perfval::test::listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~KeyUpdatingTlsServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  std::uint16_t port() const { return port_; }
  int requests() const { return requests_; }  // on its one connection

 private:
  void serve() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, c);
    if (SSL_accept(ssl) == 1) {
      std::string pending;
      char buf[2048];
      for (;;) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
        if (pending.find("\r\n\r\n") == std::string::npos) continue;
        pending.clear();
        ++requests_;  // before the response goes out: the client cannot see it before this count
        int on = 1;
        ::setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
        const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
        if (SSL_write(ssl, reply.data(), static_cast<int>(reply.size())) <= 0) break;
        if (SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED) != 1 || SSL_do_handshake(ssl) != 1) break;
        on = 0;
        ::setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
      }
    }
    SSL_free(ssl);
    ::close(c);
  }

  SSL_CTX* ctx_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> requests_{0};
};

TEST(Transport, TlsRecordLeftBehindAResponseIsReadWithTheNext) {
  KeyUpdatingTlsServer server;
  TransportTarget t;
  t.endpoints.emplace_back(asio::ip::make_address("127.0.0.1"), server.port());
  TlsOptions o;
  o.ca_file = perfval::test::test_pki().ca_cert;
  std::string why;
  t.tls = TlsClientContext::make(o, "localhost", &why);
  ASSERT_TRUE(t.tls) << why;
  asio::io_context io;
  const auto r = test::TransportClient(io, t, kGet).run(5, false, std::chrono::seconds(10));
  ASSERT_EQ(r.size(), 5u);
  for (const auto& x : r) EXPECT_TRUE(x.ok && x.status == 200 && x.body_bytes == 3) << x.error;
  EXPECT_EQ(server.requests(), 5);  // one connection carried them all (the server accepts only one)
}

}  // namespace
}  // namespace perfval::http
