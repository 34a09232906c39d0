// The benchmark clients against the real embedded target on 127.0.0.1: keep-alive, new connections, requests
// in flight, and failures returned as values.
#include "perfval/bench/loopback_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "perfval/common/error.hpp"
#include "perfval/http/simple_client.hpp"
#include "perfval/target/embedded.hpp"
#include "support/free_port.hpp"

namespace perfval::bench {
namespace {

using ::testing::HasSubstr;

class LoopbackClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    target::ServeOptions o;
    o.port = 0;
    o.nodes = 20;
    o.threads = 2;
    server_ = new target::EmbeddedTarget(o);
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static Endpoint endpoint() { return parse_endpoint(server_->base_url(), "test"); }

  static target::EmbeddedTarget* server_;
};

target::EmbeddedTarget* LoopbackClientTest::server_ = nullptr;

TEST_F(LoopbackClientTest, KeepAliveReusesOneConnectionAndReturnsWholeBodies) {
  const std::string expected = http::http_request("GET", server_->base_url() + "/metrics").body;
  const auto served_before = server_->requests_served();
  LoopbackClient client(endpoint(), {});
  std::vector<double> latencies;
  for (int i = 0; i < 5; ++i) {
    const RoundResult r = client.round("/metrics", &latencies);
    EXPECT_EQ(r.ok, 1u);
    EXPECT_EQ(r.failed, 0u);
    // The body is rebuilt once a second; its size stays within a few bytes of the first one.
    EXPECT_NEAR(static_cast<double>(r.body_bytes), static_cast<double>(expected.size()), expected.size() * 0.05);
  }
  EXPECT_EQ(latencies.size(), 5u);
  for (double ns : latencies) EXPECT_GT(ns, 0.0);
  EXPECT_EQ(server_->requests_served() - served_before, 5u);
}

TEST_F(LoopbackClientTest, NewConnectionPerRequestKeepsWorking) {
  ClientOptions options;
  options.keep_alive = false;
  LoopbackClient client(endpoint(), options);
  for (int i = 0; i < 50; ++i) {
    const RoundResult r = client.round("/slurm/v0.0.44/ping");
    ASSERT_EQ(r.ok, 1u) << r.first_error;
  }
}

TEST_F(LoopbackClientTest, RoundSendsOneRequestPerConnectionAtOnce) {
  ClientOptions options;
  options.connections = 16;
  LoopbackClient client(endpoint(), options);
  std::vector<double> latencies;
  const RoundResult r = client.round("/health", &latencies);
  EXPECT_EQ(r.ok, 16u);
  EXPECT_EQ(latencies.size(), 16u);
}

TEST_F(LoopbackClientTest, ErrorStatusIsAFailureNotAnException) {
  LoopbackClient client(endpoint(), {});
  const RoundResult r = client.round("/no/such/path");
  EXPECT_EQ(r.ok, 0u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.first_error, "GET " + endpoint().url() + "/no/such/path: HTTP 404 Not Found");
}

TEST(LoopbackClient, RefusedConnectionIsReportedWithTheStep) {
  Endpoint e;
  e.port = perfval::test::free_loopback_port();  // nothing listens there
  LoopbackClient client(e, {});
  const RoundResult r = client.round("/");
  EXPECT_EQ(r.failed, 1u);
  EXPECT_THAT(r.first_error, HasSubstr("connect http://127.0.0.1:" + std::to_string(e.port)));
}

TEST(ParseEndpoint, AcceptsLoopbackHttpOnly) {
  EXPECT_EQ(parse_endpoint("http://127.0.0.1:9000", "--target").port, 9000);
  EXPECT_EQ(parse_endpoint("http://localhost:81/x", "--target").host, "127.0.0.1");
  EXPECT_THROW(parse_endpoint("https://127.0.0.1:9000", "--target"), Error);
  EXPECT_THROW(parse_endpoint("http://10.0.0.1:9000", "--target"), Error);
  EXPECT_THROW(parse_endpoint("not a url", "--target"), Error);
}

}  // namespace
}  // namespace perfval::bench
