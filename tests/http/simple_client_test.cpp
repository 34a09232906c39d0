// Tests the blocking HTTP(S) client against the project's Server and a test-only TLS server, all on 127.0.0.1.
#include <utility>  // must precede Boost.Asio with g++ 12 in C++20

#include "perfval/http/simple_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "perfval/http/server.hpp"
#include "support/free_port.hpp"

namespace perfval::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

// Answers /delay/<ms>, /status/<code>, /big/<bytes>; otherwise echoes method, target, X-Token and body.
ServerResponse handler(const ServerRequest& req) {
  ServerResponse r;
  if (req.target.rfind("/delay/", 0) == 0) r.delay = std::chrono::milliseconds(std::stoi(req.target.substr(7)));
  if (req.target.rfind("/status/", 0) == 0) r.status = static_cast<unsigned>(std::stoi(req.target.substr(8)));
  if (req.target.rfind("/big/", 0) == 0) {
    r.body.assign(std::stoul(req.target.substr(5)), 'x');
    return r;
  }
  std::string token;
  for (const auto& [name, value] : req.headers) {
    if (name == "X-Token") token = value;
  }
  r.content_type = "application/json";
  r.body = req.method + " " + req.target + " token=" + token + " body=" + req.body;
  return r;
}

class SimpleClientTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.start(); }
  std::string url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + target;
  }
  Server server_{ServerOptions{}, handler};
};

HttpError expect_error(const std::string& method, const std::string& url, const ClientOptions& options = {}) {
  try {
    http_request(method, url, {}, {}, options);
  } catch (const HttpError& e) {
    return e;
  }
  ADD_FAILURE() << "expected HttpError for " << url;
  return HttpError("none", "");
}

TEST_F(SimpleClientTest, GetReturnsStatusBodyAndLowerCasedHeaders) {
  const auto response = http_request("GET", url("/metrics?q=1"));
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "GET /metrics?q=1 token= body=");
  ASSERT_TRUE(response.headers.count("server"));
  EXPECT_EQ(response.headers.at("server"), "perfval");
  EXPECT_EQ(response.headers.at("content-type"), "application/json");
  EXPECT_EQ(response.headers.at("content-length"), std::to_string(response.body.size()));
}

TEST_F(SimpleClientTest, PostSendsBodyAndHeaders) {
  const auto response = http_request("POST", url("/push"), R"({"a":1})", {{"X-Token", "t0k"}});
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, R"(POST /push token=t0k body={"a":1})");
}

TEST_F(SimpleClientTest, ErrorStatusesAreReturnedNotThrown) {
  EXPECT_EQ(http_request("GET", url("/status/503")).status, 503u);
  EXPECT_EQ(http_request("GET", url("/status/404")).status, 404u);
}

TEST_F(SimpleClientTest, HeadReturnsHeadersWithoutWaitingForABody) {
  const auto response = http_request("HEAD", url("/big/5000"));
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.headers.at("content-length"), "5000");
  EXPECT_EQ(response.body, "");
}

TEST_F(SimpleClientTest, TimesOutOnASlowResponseWithinTheDeadline) {
  ClientOptions options;
  options.timeout = std::chrono::milliseconds(200);
  const auto begin = std::chrono::steady_clock::now();
  const auto error = expect_error("GET", url("/delay/3000"), options);
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(error.kind(), "timeout");
  EXPECT_THAT(error.what(), HasSubstr("timed out"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));  // the deadline, not the server, ended the call
}

TEST_F(SimpleClientTest, ResponseWithinTheDeadlineSucceeds) {
  ClientOptions options;
  options.timeout = std::chrono::seconds(5);
  EXPECT_EQ(http_request("GET", url("/delay/100"), {}, {}, options).status, 200u);
}

TEST_F(SimpleClientTest, BodyLargerThanTheLimitIsAProtocolError) {
  ClientOptions options;
  options.max_body_bytes = 1024;
  const auto error = expect_error("GET", url("/big/10000"), options);
  EXPECT_EQ(error.kind(), "protocol");
  EXPECT_THAT(error.what(), HasSubstr("1024 bytes"));
  EXPECT_EQ(http_request("GET", url("/big/1024"), {}, {}, options).body.size(), 1024u);
}

TEST(SimpleClient, ConnectionRefusedIsAConnectErrorThatHidesThePath) {
  const std::string origin = "http://127.0.0.1:" + std::to_string(perfval::test::free_loopback_port());
  const auto error = expect_error("POST", origin + "/services/T000/B000/s3cretpath?token=abc");
  EXPECT_EQ(error.kind(), "connect");
  EXPECT_THAT(error.what(), HasSubstr(origin));
  EXPECT_THAT(error.what(), Not(HasSubstr("s3cretpath")));
  EXPECT_THAT(error.what(), Not(HasSubstr("token")));
}

TEST(SimpleClient, MalformedUrlIsAUrlError) {
  EXPECT_EQ(expect_error("GET", "ftp://127.0.0.1/x").kind(), "url");
  EXPECT_EQ(expect_error("GET", "127.0.0.1:80/x").kind(), "url");
  const auto error = expect_error("GET", "https://user:hunter2@127.0.0.1/x");
  EXPECT_EQ(error.kind(), "url");
  EXPECT_THAT(error.what(), Not(HasSubstr("hunter2")));
}

// ---- HTTPS against a test CA made at run time with the openssl command ----

class TlsFiles {
 public:
  TlsFiles() {
    char pattern[] = "/tmp/perfval-tls-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    std::ofstream(dir_ + "/good.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n";
    std::ofstream(dir_ + "/other.ext") << "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n";
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    ok_ = run("openssl req -x509" + key + " -keyout ca.key -out ca.pem -days 2 -subj '/CN=perfval test CA'") &&
          sign("good") && sign("other");
  }
  ~TlsFiles() { std::filesystem::remove_all(dir_); }
  bool ok() const { return ok_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  bool run(const std::string& command) const {
    return std::system(("cd '" + dir_ + "' && " + command + " >/dev/null 2>&1").c_str()) == 0;
  }
  bool sign(const std::string& name) const {
    return run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key -out " +
               name + ".csr -subj '/CN=" + name + "'") &&
           run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out " +
               name + ".pem -extfile " + name + ".ext");
  }
  std::string dir_;
  bool ok_ = false;
};

// A test-only HTTPS server on 127.0.0.1: one request per connection, answers "tls ok <target>".
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key) {
    ctx_.use_certificate_chain_file(cert);
    ctx_.use_private_key_file(key, ssl::context::pem);
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TlsServer() {
    ioc_.stop();
    thread_.join();
  }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + "/hook/secret";
  }

 private:
  struct Connection : std::enable_shared_from_this<Connection> {
    Connection(tcp::socket&& socket, ssl::context& ctx) : stream(std::move(socket), ctx) {}
    void start() {
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
      stream.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();
      });
    }
    void read() {
      bhttp::async_read(stream, buffer, request, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;
        self->response.result(bhttp::status::ok);
        self->response.body() = "tls ok " + std::string(self->request.target());
        self->response.keep_alive(false);
        self->response.prepare_payload();
        bhttp::async_write(self->stream, self->response, [self](beast::error_code, std::size_t) {
          beast::get_lowest_layer(self->stream).close();
        });
      });
    }
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> request;
    bhttp::response<bhttp::string_body> response;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Connection>(std::move(socket), ctx_)->start();
      accept();
    });
  }

  ssl::context ctx_{ssl::context::tls_server};  // first: connections reference it until the io_context goes
  net::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  std::thread thread_;
};

class HttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { files_ = std::make_unique<TlsFiles>(); }
  static void TearDownTestSuite() { files_.reset(); }
  void SetUp() override { ASSERT_TRUE(files_->ok()) << "openssl could not create the test CA"; }
  static ClientOptions trusting_test_ca() {
    ClientOptions options;
    options.ca_file = files_->path("ca.pem");
    options.timeout = std::chrono::seconds(5);
    return options;
  }
  static std::unique_ptr<TlsFiles> files_;
};
std::unique_ptr<TlsFiles> HttpsTest::files_;

TEST_F(HttpsTest, TrustedThroughCaFileSucceeds) {
  TlsServer server(files_->path("good.pem"), files_->path("good.key"));
  const auto response = http_request("POST", server.url(), "{}", {}, trusting_test_ca());
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "tls ok /hook/secret");
  EXPECT_EQ(http_request("GET", server.url("localhost"), {}, {}, trusting_test_ca()).status, 200u);
}

TEST_F(HttpsTest, UnknownCaIsATlsErrorWithoutThePath) {
  TlsServer server(files_->path("good.pem"), files_->path("good.key"));
  ClientOptions options;  // system store only: the test CA is not in it
  options.timeout = std::chrono::seconds(5);
  const auto error = expect_error("POST", server.url(), options);
  EXPECT_EQ(error.kind(), "tls");
  EXPECT_THAT(error.what(), HasSubstr("certificate"));
  EXPECT_THAT(error.what(), Not(HasSubstr("secret")));
}

TEST_F(HttpsTest, CertificateForAnotherHostIsATlsError) {
  TlsServer server(files_->path("other.pem"), files_->path("other.key"));
  const auto error = expect_error("GET", server.url(), trusting_test_ca());
  EXPECT_EQ(error.kind(), "tls");
  EXPECT_THAT(error.what(), HasSubstr("mismatch"));
}

TEST_F(HttpsTest, VerificationCanBeTurnedOff) {
  TlsServer server(files_->path("other.pem"), files_->path("other.key"));
  ClientOptions options;
  options.verify_tls = false;
  options.timeout = std::chrono::seconds(5);
  EXPECT_EQ(http_request("GET", server.url(), {}, {}, options).body, "tls ok /hook/secret");
}

TEST_F(HttpsTest, MissingCaFileIsATlsError) {
  TlsServer server(files_->path("good.pem"), files_->path("good.key"));
  ClientOptions options;
  options.ca_file = files_->path("missing.pem");
  const auto error = expect_error("GET", server.url(), options);
  EXPECT_EQ(error.kind(), "tls");
  EXPECT_THAT(error.what(), HasSubstr("missing.pem"));
}

TEST(Https, PlainServerBehindHttpsUrlIsATlsError) {
  Server plain(ServerOptions{}, handler);
  plain.start();
  ClientOptions options;
  options.timeout = std::chrono::seconds(5);
  const auto error = expect_error("GET", "https://127.0.0.1:" + std::to_string(plain.port()) + "/", options);
  EXPECT_EQ(error.kind(), "tls");
}

}  // namespace
}  // namespace perfval::http
