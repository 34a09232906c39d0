// perfval with the real Prometheus and Pushgateway from Debian on loopback: pushed results are scraped and
// queryable by their documented names, live /metrics passes `promtool check metrics`, and a Pushgateway that
// is down changes neither the verdict nor the files.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "perfval/http/simple_client.hpp"
#include "process.hpp"
#include "support/free_port.hpp"

namespace {
using nlohmann::json;
using perfval::test::Child;
using perfval::test::run_process;
using perfval::test::TempDir;
using perfval::test::wait_http_ok;
using namespace std::chrono_literals;

void require_binary(const char* path) {
  ASSERT_EQ(access(path, X_OK), 0) << path << " is missing: run scripts/install-deps.sh (it installs the Debian "
                                   << "prometheus and prometheus-pushgateway packages these tests use)";
}

std::string smoke_scenario(const TempDir& dir) {
  return dir.write("s.yaml", "name: pushed\ntarget: {embedded: {nodes: 20, threads: 1}}\n"
                             "requests: [{name: health, path: /health}]\nthink_time: 20ms\n"
                             "executor: constant-vus\nvus: 2\nduration: 2s\n"
                             "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n");
}

TEST(Prometheus, PushedResultsAreScrapedAndQueryableByName) {
  require_binary("/usr/bin/prometheus");
  require_binary("/usr/bin/prometheus-pushgateway");
  TempDir dir;
  const int pg_port = perfval::test::free_loopback_port(), prom_port = perfval::test::free_loopback_port();
  const std::string pg = "127.0.0.1:" + std::to_string(pg_port);
  Child pushgateway({"/usr/bin/prometheus-pushgateway", "--web.listen-address=" + pg,
                     "--persistence.file=" + dir.path() + "/pg.data"});
  ASSERT_TRUE(wait_http_ok("http://" + pg + "/-/ready", 20s)) << "pushgateway did not start";
  const std::string config = dir.write("prometheus.yml", "global: {scrape_interval: 1s}\nscrape_configs:\n"
                                                         "  - job_name: pushgateway\n    honor_labels: true\n"
                                                         "    static_configs: [{targets: ['" + pg + "']}]\n");
  Child prometheus({"/usr/bin/prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.path() + "/tsdb",
                    "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)});
  const std::string prom = "http://127.0.0.1:" + std::to_string(prom_port);
  ASSERT_TRUE(wait_http_ok(prom + "/-/ready", 30s)) << "prometheus did not start";

  const auto run = run_process({PERFVAL_BIN, "run", smoke_scenario(dir), "--quiet", "--pushgateway", "http://" + pg,
                                "--push-job", "perfval-test", "--metric-prefix", "slurm"}, 60s);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("pushed"), std::string::npos) << run.err;

  for (const std::string name : {"slurm_load_test_response_time_p95", "slurm_load_test_requests_total",
                                 "slurm_load_test_passed", "slurm_load_test_throughput_rps"}) {
    json result;
    const auto end = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < end) {
      const auto r = perfval::http::http_request("GET", prom + "/api/v1/query?query=" + name + "%7Bjob%3D%22perfval-test%22%7D");
      result = json::parse(r.body)["data"]["result"];
      if (!result.empty()) break;
      std::this_thread::sleep_for(500ms);
    }
    ASSERT_FALSE(result.empty()) << name << " never became queryable";
    EXPECT_EQ(result[0]["metric"]["scenario"], "pushed") << name;
    if (name == "slurm_load_test_passed") {
      EXPECT_EQ(result[0]["value"][1], "1");
    }
    if (name == "slurm_load_test_requests_total") {
      EXPECT_GT(std::stod(result[0]["value"][1].get<std::string>()), 50);
    }
  }
}

TEST(Prometheus, LiveMetricsDuringARunAreValidExposition) {
  require_binary("/usr/bin/promtool");
  TempDir dir;
  const std::string listen = "127.0.0.1:" + std::to_string(perfval::test::free_loopback_port());
  const std::string file = dir.write("live.yaml", "name: live\ntarget: {embedded: {nodes: 20, threads: 1}}\n"
                                                  "requests: [{name: health, path: /health}, {name: ping, path: /slurm/v0.0.44/ping}]\n"
                                                  "think_time: 10ms\nexecutor: constant-vus\nvus: 2\nduration: 4s\n");
  Child run({PERFVAL_BIN, "run", file, "--quiet", "--metrics-listen", listen});
  ASSERT_TRUE(wait_http_ok("http://" + listen + "/metrics", 10s));
  std::this_thread::sleep_for(2500ms);  // let a couple of per-second deltas arrive
  const std::string body = perfval::http::http_request("GET", "http://" + listen + "/metrics").body;
  EXPECT_EQ(run.wait(30s), 0);
  EXPECT_NE(body.find("perfval_http_reqs_total{name=\"health\",status=\"200\"}"), std::string::npos) << body;
  EXPECT_NE(body.find("perfval_http_req_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(body.find("perfval_vus 2"), std::string::npos) << body;
  const std::string path = dir.write("live.prom", body);
  const auto check = run_process({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + path}, 30s);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST(Prometheus, PushgatewayDownDoesNotChangeTheVerdictOrFiles) {
  TempDir dir;
  const auto run = run_process({PERFVAL_BIN, "run", smoke_scenario(dir), "--quiet", "--out", dir.path() + "/out",
                                "--pushgateway", "http://127.0.0.1:1"}, 60s);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("warning: cannot push to Pushgateway http://127.0.0.1:1"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("✅ LOAD TEST PASSED"), std::string::npos);
  std::ifstream summary(dir.path() + "/out/summary.json");
  EXPECT_TRUE(summary.good());
}

}  // namespace
