// End-to-end tests of the embedded target on loopback: endpoints, status codes, and faults as a client sees them.
#include "perfval/target/embedded.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "perfval/common/error.hpp"
#include "perfval/http/simple_client.hpp"

namespace perfval::target {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

ServeOptions options(int nodes) {
  ServeOptions o;
  o.port = 0;
  o.nodes = nodes;
  o.threads = 2;
  return o;
}

http::ClientResponse get(const EmbeddedTarget& t, const std::string& path, const std::string& method = "GET") {
  http::ClientOptions co;
  co.timeout = std::chrono::seconds(5);
  return http::http_request(method, t.base_url() + path, {}, {}, co);
}

int count_lines_starting(const std::string& body, const std::string& prefix) {
  int n = 0;
  for (std::size_t pos = 0; pos < body.size();) {
    const std::size_t end = body.find('\n', pos);
    if (body.compare(pos, prefix.size(), prefix) == 0) ++n;
    pos = end == std::string::npos ? body.size() : end + 1;
  }
  return n;
}

TEST(EmbeddedTarget, ServesEveryEndpoint) {
  EmbeddedTarget t(options(50));
  t.start();
  ASSERT_NE(t.port(), 0);
  EXPECT_EQ(t.base_url(), "http://127.0.0.1:" + std::to_string(t.port()));

  const auto metrics = get(t, "/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.headers.at("content-type").find("version=0.0.4"), std::string::npos);
  EXPECT_EQ(count_lines_starting(metrics.body, "slurm_node_state{"), 50);
  EXPECT_EQ(get(t, "/metrics?debug=1").status, 200u);

  const auto health = get(t, "/health");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(json::parse(health.body).at("status"), "ok");

  const auto nodes = get(t, "/slurm/v0.0.44/nodes");
  EXPECT_EQ(nodes.status, 200u);
  EXPECT_EQ(json::parse(nodes.body).at("nodes").size(), 50u);
  EXPECT_FALSE(json::parse(get(t, "/slurm/v0.0.44/jobs").body).at("jobs").empty());
  EXPECT_EQ(json::parse(get(t, "/slurm/v0.0.44/ping").body).at("pings").at(0).at("pinged"), "UP");
  EXPECT_EQ(get(t, "/").status, 200u);
  t.stop();
  EXPECT_EQ(t.requests_served(), 7u);  // the seven GETs above
  t.stop();  // idempotent
}

TEST(EmbeddedTarget, ServesTheV0038PathsOfSlurm2205NextToV0044) {
  EmbeddedTarget t(options(40));
  t.start();
  for (const char* endpoint : {"ping", "nodes", "jobs", "diag"}) {
    const auto r = get(t, std::string("/slurm/v0.0.38/") + endpoint);
    EXPECT_EQ(r.status, 200u) << endpoint;
    EXPECT_EQ(json::parse(r.body).at("meta").at("plugin").at("type"), "openapi/v0.0.38") << endpoint;
  }
  EXPECT_EQ(json::parse(get(t, "/slurm/v0.0.38/nodes").body).at("nodes").size(), 40u);
  EXPECT_EQ(get(t, "/slurm/v0.0.44/diag").status, 404u);  // no real v0.0.44 diag to shape it after
  EXPECT_EQ(get(t, "/slurm/v0.0.38/pingx").status, 404u);
  EXPECT_EQ(get(t, "/slurm/v0.0.3/ping").status, 404u);
  const std::string index = get(t, "/").body;
  EXPECT_NE(index.find("GET /slurm/v0.0.38/diag"), std::string::npos) << index;
  EXPECT_NE(index.find("GET /slurm/v0.0.44/jobs"), std::string::npos) << index;
}

TEST(EmbeddedTarget, UnknownPathIs404AndOtherMethodsAre405) {
  EmbeddedTarget t(options(10));
  t.start();
  const auto missing = get(t, "/slurm/v0.0.44/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(json::parse(missing.body).at("errors").at(0).at("error_number"), 404);
  EXPECT_EQ(get(t, "/metricsx").status, 404u);
  EXPECT_EQ(get(t, "/metrics", "POST").status, 405u);
  EXPECT_EQ(get(t, "/slurm/v0.0.44/jobs", "DELETE").status, 405u);
  const auto head = get(t, "/health", "HEAD");
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.body, "");
}

TEST(EmbeddedTarget, ErrorRateOneAnswersEveryRequestWith500) {
  ServeOptions o = options(10);
  o.error_rate = 1.0;
  EmbeddedTarget t(o);
  t.start();
  for (const char* path : {"/metrics", "/health", "/slurm/v0.0.44/nodes"}) {
    const auto r = get(t, path);
    EXPECT_EQ(r.status, 500u) << path;
    EXPECT_EQ(json::parse(r.body).at("errors").at(0).at("error_number"), 500) << path;
  }
}

TEST(EmbeddedTarget, LatencyDelaysResponses) {
  ServeOptions o = options(10);
  o.latency = *parse_latency_spec("150ms");
  EmbeddedTarget t(o);
  t.start();
  const auto t0 = Clock::now();
  EXPECT_EQ(get(t, "/health").status, 200u);
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(150));
}

TEST(EmbeddedTarget, StallHoldsResponsesUntilTheWindowEnds) {
  ServeOptions o = options(10);
  o.stall = *parse_stall_spec("400ms/30s");  // the first window opens at server start
  EmbeddedTarget t(o);
  const auto before_start = Clock::now();
  t.start();
  EXPECT_EQ(get(t, "/health").status, 200u);
  EXPECT_GE(Clock::now() - before_start, std::chrono::milliseconds(400));
}

TEST(EmbeddedTarget, MetricsAreRecollectedAfterAnInterval) {
  EmbeddedTarget t(options(20));
  t.start();
  auto collections = [&] {
    const std::string body = get(t, "/metrics").body;
    const std::string key = "\nslurm_exporter_collections_total ";
    const auto pos = body.find(key);
    return pos == std::string::npos ? -1 : std::stoi(body.substr(pos + key.size()));
  };
  const int first = collections();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(collections(), first) << "bodies are cached within an interval";
  int later = first;
  for (int i = 0; i < 40 && later == first; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    later = collections();
  }
  EXPECT_EQ(later, first + 1);
}

TEST(EmbeddedTarget, StartThrowsWhenThePortIsTaken) {
  EmbeddedTarget a(options(5));
  a.start();
  ServeOptions o = options(5);
  o.port = a.port();
  EmbeddedTarget b(o);
  EXPECT_THROW(b.start(), perfval::Error);
}

}  // namespace
}  // namespace perfval::target
