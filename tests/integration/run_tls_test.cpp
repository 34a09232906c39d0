// `perfval run` over the engine's transports against a real nginx on loopback: HTTPS with a private CA made by
// the test (verified, refused without the CA, accepted with insecureSkipTLSVerify) and HTTP over a Unix socket.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "process.hpp"
#include "support/nginx.hpp"
#include "support/test_pki.hpp"

namespace {
using nlohmann::json;
using namespace std::chrono_literals;

class RunTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& pki = perfval::test::test_pki();
    nginx_ = new perfval::test::Nginx(
        "server { listen 127.0.0.1:{PORT0} ssl; ssl_certificate " + pki.server_cert + "; ssl_certificate_key " +
            pki.server_key + "; location / { return 200 \"tls\\n\"; } }\n"
            "server { listen 127.0.0.1:{PORT1}; listen unix:{DIR}/http.sock; access_log {DIR}/unix.log;"
            " location / { return 200 \"unix\\n\"; } }\n",
        2);
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
  }

  // Runs a 2 s, 2-VU plan whose top-level options and target are `options` and `target`.
  static json run(const std::string& options, const std::string& target, perfval::test::ProcessResult& p) {
    perfval::test::TempDir dir;
    const std::string file = dir.write("s.yaml", "name: transport\n" + options + "target: " + target +
                                                     "\nrequests: [{name: x, path: /}]\n"
                                                     "executor: constant-vus\nvus: 2\nduration: 2s\ntimeout: 2s\n"
                                                     "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n");
    p = perfval::test::run_process({PERFVAL_BIN, "run", file, "--out", dir.path() + "/out"}, 60s);
    std::ifstream in(dir.path() + "/out/summary.json");
    return in ? json::parse(in) : json();
  }
  static std::string https_target(const std::string& extra = "") {
    return "{base_url: \"https://localhost:" + std::to_string(nginx_->port(0)) + "\"" + extra + "}";
  }
  static std::uint64_t requests(const json& s) { return s.at("metrics").at("http_reqs").at("count").get<std::uint64_t>(); }

  static perfval::test::Nginx* nginx_;
};
perfval::test::Nginx* RunTls::nginx_ = nullptr;

TEST_F(RunTls, VerifiedWithThePrivateCaHasNoFailures) {
  perfval::test::ProcessResult p;
  const json s = run("", https_target(", ca_file: \"" + perfval::test::test_pki().ca_cert + "\""), p);
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(requests(s), 50u);
  EXPECT_EQ(s.at("metrics").at("http_req_failed").at("fails").get<std::uint64_t>(), requests(s));
  EXPECT_EQ(s.at("errors").at("tls").get<int>(), 0);
  // Two VUs on keep-alive connections: a handshake per connection, not per request.
  const json& hs = s.at("metrics").at("http_req_tls_handshaking");
  EXPECT_GE(hs.at("count").get<int>(), 2);
  EXPECT_LT(hs.at("count").get<std::uint64_t>(), requests(s));
  EXPECT_GT(hs.at("max").get<double>(), 0.0);
  EXPECT_NE(p.out.find("http_req_tls_handshaking"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("http_req_connecting"), std::string::npos) << p.out;
}

TEST_F(RunTls, WithoutTheCaEveryRequestIsATlsErrorWithTheReason) {
  perfval::test::ProcessResult p;
  const json s = run("", https_target(), p);
  EXPECT_EQ(p.exit_code, 99) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(s.at("errors").at("tls").get<std::uint64_t>(), 0u);
  EXPECT_EQ(s.at("errors").at("tls").get<std::uint64_t>(), requests(s));
  EXPECT_NE(s.at("error_examples").dump().find("tls: certificate verify failed"), std::string::npos)
      << s.at("error_examples").dump();
}

TEST_F(RunTls, InsecureSkipTlsVerifyAcceptsThePrivateCertificate) {
  perfval::test::ProcessResult p;
  const json s = run("insecureSkipTLSVerify: true\n", https_target(), p);
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(requests(s), 50u);
  EXPECT_EQ(s.at("errors").at("tls").get<int>(), 0);
}

TEST_F(RunTls, AUnixSocketServerReceivesEveryRequest) {
  perfval::test::ProcessResult p;
  // The base_url names a port nothing listens on through this run: every request must go over the socket.
  const json s = run("", "{base_url: \"http://slurmrestd.local\", unix_socket: \"" + nginx_->dir() + "/http.sock\"}", p);
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
  ASSERT_FALSE(s.is_null());
  EXPECT_GT(requests(s), 50u);
  std::ifstream log(nginx_->dir() + "/unix.log");
  std::uint64_t lines = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find("unix:") != std::string::npos) ++lines;  // nginx logs the client of a Unix socket as "unix:"
  }
  EXPECT_EQ(lines, requests(s));
  EXPECT_EQ(s.at("metrics").at("http_req_failed").at("passes").get<std::uint64_t>(), 0u);
}

}  // namespace
