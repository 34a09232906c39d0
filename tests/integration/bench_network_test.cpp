// `perfval bench --category network` against a real nginx on loopback, started and stopped by the test: named
// endpoints all succeed with nginx's latency, the in-flight sweep reports its knee, and endpoints that answer
// 404 (nginx has none of `perfval serve`'s paths) are error rows naming the request, with exit 98.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <thread>

#include "integration/process.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/http/simple_client.hpp"
#include "support/free_port.hpp"

namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using perfval::test::ProcessResult;
using perfval::test::TempDir;
using namespace std::chrono_literals;

ProcessResult perfval_bench(std::vector<std::string> args) {
  args.insert(args.begin(), {PERFVAL_BIN, "bench", "--quick", "--category", "network", "--processes", "1"});
  return perfval::test::run_process(args, 300s);
}

// nginx on 127.0.0.1:free port: /ok answers 200 "ok", /big 64 KiB, everything else 404.
class Nginx : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/usr/sbin/nginx", X_OK) != 0) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh)";
    const std::uint16_t port = perfval::test::free_loopback_port();
    url_ = "http://127.0.0.1:" + std::to_string(port);
    const std::string d = dir_.path();
    dir_.write("big", std::string(64 * 1024, 'x'));
    const std::string conf = dir_.write(
        "nginx.conf", "daemon off; master_process off; worker_processes 1; pid " + d + "/nginx.pid;\n"
                      "error_log " + d + "/error.log;\nevents { worker_connections 256; }\n"
                      "http { access_log off; client_body_temp_path " + d + "; proxy_temp_path " + d +
                      "; fastcgi_temp_path " + d + "; uwsgi_temp_path " + d + "; scgi_temp_path " + d + ";\n"
                      "  keepalive_requests 1000000;\n"
                      "  server { listen 127.0.0.1:" + std::to_string(port) + "; location = /ok { return 200 ok; }"
                      " location = /big { root " + d + "; } location / { return 404; } } }\n");
    nginx_ = std::make_unique<perfval::test::Child>(
        std::vector<std::string>{"/usr/sbin/nginx", "-p", d, "-c", conf, "-e", d + "/error.log"});
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
      try {
        ready = perfval::http::http_request("GET", url_ + "/ok").status == 200;
      } catch (const perfval::http::HttpError&) {
        std::this_thread::sleep_for(100ms);
      }
    }
    ASSERT_TRUE(ready) << "nginx did not start on " << url_;
  }
  void TearDown() override {
    if (nginx_) {
      EXPECT_EQ(nginx_->stop(SIGTERM, 5s), 0);
    }
  }

  // Rows of the benchmarks (the control set left out) in the JSON at `path`.
  static std::vector<json> benchmark_rows(const std::string& path) {
    std::vector<json> rows;
    const json doc = json::parse(perfval::read_file(path));
    for (const auto& row : doc.at("benchmarks"))
      if (row["run_name"].get<std::string>().rfind("control/", 0) != 0) rows.push_back(row);
    return rows;
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<perfval::test::Child> nginx_;
};

TEST_F(Nginx, NamedEndpointsAllSucceedWithNginxsLatencyAndTheSweepReportsItsKnee) {
  const std::string out = dir_.path() + "/bench.json";
  const auto r =
      perfval_bench({"--target", url_, "--path", "/ok", "--path", "file=/big", "--repetitions", "1", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> names;
  for (const auto& row : benchmark_rows(out)) {
    const std::string name = row["run_name"];
    EXPECT_FALSE(row.value("error_occurred", false)) << row.dump();
    EXPECT_GT(row["requests_per_second"].get<double>(), 0.0) << name;
    names.insert(name.substr(0, name.rfind("/manual_time")));
    if (name.rfind("network/http_throughput/", 0) == 0) continue;
    const std::string p = name.rfind("network/api_latency/", 0) == 0 ? "api_response_time_p" : "latency_p";
    const std::string unit = p == "latency_p" ? "_ms" : "";
    const double p50 = row[p + "50" + unit], p95 = row[p + "95" + unit], p99 = row[p + "99" + unit];
    EXPECT_GT(p50, 0.0) << name;
    EXPECT_LT(p50, 1000.0) << name;  // nginx on loopback answers in well under a second
    EXPECT_LE(p50, p95) << name;
    EXPECT_LE(p95, p99) << name;
  }
  const std::set<std::string> expected{
      "network/api_latency/ok", "network/api_latency/file", "network/http_throughput/ok",
      "network/http_throughput/file", "network/connection_reuse/keep_alive", "network/connection_reuse/new_connection",
      "network/in_flight/1", "network/in_flight/2", "network/in_flight/4", "network/in_flight/8",
      "network/in_flight/16", "network/in_flight/32", "network/in_flight/64"};
  EXPECT_EQ(names, expected);
  for (const auto& row : benchmark_rows(out)) {
    if (row["run_name"] == "network/http_throughput/file/manual_time") {
      // 64 KiB bodies: the bytes received say the file came back whole.
      EXPECT_GT(row["bytes_per_second"].get<double>(), 64 * 1024 * row["requests_per_second"].get<double>() * 0.99);
    }
  }
  for (const auto& row : benchmark_rows(out)) {
    // Connection: close made every request of new_connection connect; keep_alive reused its one connection.
    if (row["run_name"] == "network/connection_reuse/new_connection/manual_time") {
      EXPECT_EQ(row["connections_per_request"].get<double>(), 1.0);
    }
    if (row["run_name"] == "network/connection_reuse/keep_alive/manual_time") {
      EXPECT_LE(row["connections_per_request"].get<double>(), 1.0 / 32);
    }
  }
  EXPECT_THAT(r.out, ::testing::ContainsRegex("network/in_flight: (knee at|no knee up to) [0-9]+ in flight"));
}

TEST_F(Nginx, EndpointsAnswering404AreErrorRowsNamingTheRequestAndExit98) {
  const std::string out = dir_.path() + "/bench.json";
  const auto r = perfval_bench({"--target", url_, "--path", "/missing", "--repetitions", "1",
                                "--benchmark_filter=network/(api_latency|in_flight/4/)", "--out", out});
  EXPECT_EQ(r.exit_code, 98) << r.err;
  EXPECT_THAT(r.err, HasSubstr("failed: network/api_latency/missing/manual_time (1 repetition): GET " + url_ +
                               "/missing: HTTP 404 Not Found"));
  EXPECT_THAT(r.err, HasSubstr("failed: network/in_flight/4/manual_time (1 repetition): GET " + url_ +
                               "/missing: HTTP 404 Not Found (16 of 16 requests)"));
  EXPECT_THAT(r.err, HasSubstr("perfval bench: 2 of 2 benchmarks failed"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("hint:")));  // the user chose the path: no talk of perfval serve's
  EXPECT_THAT(r.out, HasSubstr("ERROR: GET " + url_ + "/missing: HTTP 404 Not Found"));
  const auto rows = benchmark_rows(out);
  EXPECT_EQ(rows.size(), 2u);
  for (const auto& row : rows) EXPECT_TRUE(row.value("error_occurred", false)) << row.dump();
}

// Interleaved repetitions (the default) must each run the same iteration count: the batch a row's first
// repetition sizes is kept (sized anew per repetition, Google Benchmark aborted the whole run with signal 6).
TEST_F(Nginx, InterleavedRepetitionsOfANetworkRowAllComeBack) {
  const std::string out = dir_.path() + "/bench.json";
  const auto r = perfval_bench({"--target", url_, "--path", "ok=/ok", "--repetitions", "3",
                                "--benchmark_filter=network/(api_latency|in_flight/2/)", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::set<long long>> reps;
  for (const auto& row : benchmark_rows(out)) {
    if (row.value("run_type", "") != "iteration") continue;
    EXPECT_FALSE(row.value("error_occurred", false)) << row.dump();
    reps[row["run_name"].get<std::string>()].insert(row["repetition_index"].get<long long>());
  }
  EXPECT_EQ(reps, (std::map<std::string, std::set<long long>>{
                      {"network/api_latency/ok/manual_time", {0, 1, 2}},
                      {"network/in_flight/2/manual_time", {0, 1, 2}}}));
}

// Without --path the network benchmarks request `perfval serve`'s paths, which nginx does not have.
TEST_F(Nginx, DefaultPathsOnAnotherServerFailWithAHint) {
  const std::string out = dir_.path() + "/bench.json";
  const auto r = perfval_bench({"--target", url_, "--repetitions", "1",
                                "--benchmark_filter=network/(api_latency/ping|http_throughput/metrics)", "--out", out});
  EXPECT_EQ(r.exit_code, 98) << r.err;
  EXPECT_THAT(r.err, HasSubstr("failed: network/api_latency/ping/manual_time (1 repetition): GET " + url_ +
                               "/slurm/v0.0.44/ping: HTTP 404 Not Found"));
  EXPECT_THAT(r.err, HasSubstr("failed: network/http_throughput/metrics/manual_time (1 repetition): GET " + url_ +
                               "/metrics: HTTP 404 Not Found"));
  EXPECT_THAT(r.err, HasSubstr("hint: --target " + url_ + " does not serve the paths of `perfval serve`"));
  EXPECT_THAT(r.err, HasSubstr("name its endpoints with --path or --scenario"));
  EXPECT_THAT(r.out, HasSubstr("2 benchmarks and 3 controls, 2 failed"));
  for (const auto& row : benchmark_rows(out)) EXPECT_TRUE(row.value("error_occurred", false));
}

}  // namespace
