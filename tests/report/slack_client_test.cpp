// Slack webhook posts against a real HTTPS receiver on 127.0.0.1 with a CA made by the test: the JSON that
// arrives, retries on 429 (Retry-After) and 5xx, refusal of a certificate the CA did not sign, redaction.
#include "perfval/report/slack_client.hpp"

#include <utility>  // before Asio (Boost 1.74 with g++ 12)

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "perfval/common/error.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using net::ip::tcp;
using ::testing::HasSubstr;
using ::testing::Not;

struct KeyCert {
  std::string key_pem;   // private key, PEM
  std::string cert_pem;  // certificate, PEM
};

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `cn`, signed by (issuer, issuer_key) or self-signed when issuer is null.
std::pair<X509*, EVP_PKEY*> make_cert(const char* cn, bool ca, X509* issuer, EVP_PKEY* issuer_key) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), ca ? 1 : 2);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600 * 24);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
  add_ext(cert, issuer ? issuer : cert, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (ca) add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!ca) add_ext(cert, issuer ? issuer : cert, NID_subject_alt_name, "IP:127.0.0.1");
  X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256());
  return {cert, key};
}

struct Pki {
  std::string ca_pem;   // the test CA's certificate
  KeyCert server;       // 127.0.0.1, signed by the CA
  KeyCert rogue;        // 127.0.0.1, self-signed: not trusted
};

Pki make_pki() {
  auto [ca, ca_key] = make_cert("perfval test CA", true, nullptr, nullptr);
  auto [srv, srv_key] = make_cert("127.0.0.1", false, ca, ca_key);
  auto [rogue, rogue_key] = make_cert("127.0.0.1", false, nullptr, nullptr);
  Pki p{pem_of(ca), {pem_of(srv_key), pem_of(srv)}, {pem_of(rogue_key), pem_of(rogue)}};
  for (X509* c : {ca, srv, rogue}) X509_free(c);
  for (EVP_PKEY* k : {ca_key, srv_key, rogue_key}) EVP_PKEY_free(k);
  return p;
}

struct Reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "ok";
};

// A one-thread HTTPS server on 127.0.0.1 answering each request with the next scripted reply.
class Receiver {
 public:
  Receiver(const KeyCert& kc, std::vector<Reply> script) : ctx_(ssl::context::tls_server), script_(std::move(script)) {
    ctx_.use_certificate_chain(net::buffer(kc.cert_pem));
    ctx_.use_private_key(net::buffer(kc.key_pem), ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { loop(); });
  }
  ~Receiver() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket wake(ioc_);
    wake.connect(acceptor_.local_endpoint(), ec);  // unblocks accept()
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  std::vector<std::string> targets() {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }

 private:
  void loop() {
    for (std::size_t served = 0; !stopping_;) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      const timeval tv{5, 0};  // a stuck client cannot hang the test
      setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ssl::stream<tcp::socket> stream(std::move(socket), ctx_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;  // e.g. the client refused our certificate
      beast::flat_buffer buffer;
      bhttp::request<bhttp::string_body> req;
      bhttp::read(stream, buffer, req, ec);
      if (ec) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        bodies_.push_back(req.body());
        targets_.push_back(std::string(req.target()));
      }
      const Reply& r = script_[std::min(served++, script_.size() - 1)];
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
      for (const auto& [k, v] : r.headers) res.set(k, v);
      res.body() = r.body;
      res.prepare_payload();
      res.keep_alive(false);
      bhttp::write(stream, res, ec);
      stream.shutdown(ec);
    }
  }

  net::io_context ioc_;
  ssl::context ctx_;
  tcp::acceptor acceptor_{ioc_};
  std::vector<Reply> script_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::string> bodies_, targets_;
};

class SlackPost : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki(make_pki());
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("perfval_slack_test_" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    std::ofstream(*dir_ / "ca.pem") << pki_->ca_pem;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete pki_;
    delete dir_;
  }
  SlackOptions options() {
    SlackOptions o;
    o.ca_file = (*dir_ / "ca.pem").string();
    o.timeout = std::chrono::milliseconds(5000);
    o.first_backoff = std::chrono::milliseconds(250);
    o.sleep = [this](std::chrono::milliseconds d) { slept_.push_back(d); };  // no real waiting in tests
    return o;
  }
  static std::string url(unsigned short port) {
    return "https://127.0.0.1:" + std::to_string(port) + "/services/T0001/B0002/SECRETtoken42";
  }
  std::string payload() {
    regression::RegressionReport r;
    r.current = "2026-W47";
    r.previous = "2026-W46";
    regression::MetricResult m;
    m.name = "memory/allocation/1024";
    m.unit = "ns";
    m.previous = 100, m.current = 130, m.change_vs_previous_pct = 30, m.p_value = 0.0004;
    m.verdict = regression::Verdict::regressed;
    r.metrics.push_back(m);
    return make_slack_regress_reporter({{"CI job", "https://ci.example/jobs/7"}})->render(r);
  }
  static Pki* pki_;
  static std::filesystem::path* dir_;
  std::vector<std::chrono::milliseconds> slept_;
};
Pki* SlackPost::pki_ = nullptr;
std::filesystem::path* SlackPost::dir_ = nullptr;

TEST_F(SlackPost, DeliversTheBlockKitMessage) {
  Receiver rx(pki_->server, {{}});
  const SlackPostResult r = post_to_slack(url(rx.port()), payload(), options());
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 1);
  ASSERT_EQ(rx.bodies().size(), 1u);
  EXPECT_EQ(rx.targets()[0], "/services/T0001/B0002/SECRETtoken42");
  const auto doc = nlohmann::json::parse(rx.bodies()[0]);
  EXPECT_THAT(doc["text"].get<std::string>(), HasSubstr("FAIL: 1 regression"));
  ASSERT_TRUE(doc["blocks"].is_array());
  EXPECT_EQ(doc["blocks"][0]["type"], "header");
  EXPECT_THAT(doc["blocks"][0]["text"]["text"].get<std::string>(), HasSubstr("FAIL"));
  EXPECT_THAT(doc.dump(), HasSubstr("memory/allocation/1024"));
  EXPECT_THAT(doc.dump(), HasSubstr("+30.0%"));
  EXPECT_THAT(doc.dump(), HasSubstr("<https://ci.example/jobs/7|CI job>"));
}

TEST_F(SlackPost, RetriesA429AfterRetryAfterSeconds) {
  Receiver rx(pki_->server, {{429, {{"Retry-After", "3"}}, "rate_limited"}, {}});
  const SlackPostResult r = post_to_slack(url(rx.port()), payload(), options());
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  ASSERT_EQ(slept_.size(), 1u);
  EXPECT_EQ(slept_[0], std::chrono::milliseconds(3000));
  EXPECT_EQ(rx.bodies().size(), 2u);
  EXPECT_EQ(rx.bodies()[0], rx.bodies()[1]);
}

TEST_F(SlackPost, ServerErrorsBackOffAndGiveUp) {
  Receiver rx(pki_->server, {{503, {}, "unavailable"}});
  const SlackPostResult r = post_to_slack(url(rx.port()), payload(), options());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(slept_, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(250),
                                                              std::chrono::milliseconds(500),
                                                              std::chrono::milliseconds(1000)}));
  EXPECT_THAT(r.error, AllOf(HasSubstr("HTTP 503"), HasSubstr("after 4 attempts")));
}

TEST_F(SlackPost, ClientErrorIsNotRetriedAndTheUrlIsRedacted) {
  // The receiver echoes the secret path back, as a careless proxy might.
  Receiver rx(pki_->server, {{404, {}, "no_service for /services/T0001/B0002/SECRETtoken42"}});
  const SlackPostResult r = post_to_slack(url(rx.port()), payload(), options());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_THAT(r.error, AllOf(HasSubstr("HTTP 404"), HasSubstr("[redacted]"), Not(HasSubstr("SECRETtoken42"))));
}

TEST_F(SlackPost, CertificateNotSignedByTheCaIsRefused) {
  Receiver rx(pki_->rogue, {{}});
  const SlackPostResult r = post_to_slack(url(rx.port()), payload(), options());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 1);  // retrying cannot fix a certificate
  EXPECT_THAT(r.error, AllOf(HasSubstr("tls"), HasSubstr("certificate"), Not(HasSubstr("SECRETtoken42"))));
  EXPECT_TRUE(rx.bodies().empty());  // nothing was sent to the impostor
}

TEST_F(SlackPost, SystemStoreDoesNotTrustThePrivateCa) {
  Receiver rx(pki_->server, {{}});
  SlackOptions o = options();
  o.ca_file.clear();
  const SlackPostResult r = post_to_slack(url(rx.port()), payload(), o);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("certificate"));
}

TEST(SlackWebhookUrl, FromSecretFileOrEnvironmentNeverEchoed) {
  const auto dir = std::filesystem::temp_directory_path() / ("perfval_slack_url_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "url") << "  https://hooks.slack.com/services/T1/B2/SECRETfile\n";
  EXPECT_EQ(slack_webhook_url((dir / "url").string()), "https://hooks.slack.com/services/T1/B2/SECRETfile");
  ::setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T1/B2/SECRETenv", 1);
  EXPECT_EQ(slack_webhook_url(""), "https://hooks.slack.com/services/T1/B2/SECRETenv");
  ::setenv("SLACK_WEBHOOK_URL", "http://hooks.slack.com/services/T1/B2/SECRETplain", 1);
  try {
    slack_webhook_url("");
    FAIL() << "plain http accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("https"), Not(HasSubstr("SECRETplain"))));
  }
  ::unsetenv("SLACK_WEBHOOK_URL");
  EXPECT_THROW(slack_webhook_url(""), Error);
  std::filesystem::remove_all(dir);
}

TEST(Redact, ReplacesTheUrlAndItsPath) {
  const std::string url = "https://hooks.slack.com/services/T1/B2/XYZ";
  EXPECT_EQ(redact("posting to " + url + " failed", url), "posting to [redacted] failed");
  EXPECT_EQ(redact("GET /services/T1/B2/XYZ 404", url), "GET [redacted] 404");
}

}  // namespace
}  // namespace perfval::report
