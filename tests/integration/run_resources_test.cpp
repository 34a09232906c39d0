// `perfval run` sampling the target's own resources, against real processes on loopback: `perfval serve` (its
// /metrics and its /proc), Debian's prometheus-node-exporter (a real Go exporter, GC pauses included), a real
// Prometheus scraping a target, an unreachable metrics_url and a process that exits mid-run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "perfval/http/simple_client.hpp"
#include "process.hpp"
#include "support/free_port.hpp"
#include "support/nginx.hpp"
#include "support/proc_rss.hpp"

namespace {
using nlohmann::json;
using perfval::test::Child;
using perfval::test::run_process;
using perfval::test::TempDir;
using perfval::test::wait_http_ok;
using perfval::test::rss_of;
using namespace std::chrono_literals;

// Highest RSS of `pid` seen every 100 ms while it lives (an independent view of what the sampler reports).
class RssWatch {
 public:
  explicit RssWatch(int pid) : thread_([this, pid] {
      while (!stop_) {
        max_ = std::max(max_.load(), rss_of(pid));
        std::this_thread::sleep_for(100ms);
      }
    }) {}
  ~RssWatch() { stop_ = true; thread_.join(); }
  double max() const { return max_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<double> max_{0};
  std::thread thread_;
};

struct RunResult {
  perfval::test::ProcessResult process;
  json summary;
};

RunResult run_yaml(const TempDir& dir, const std::string& yaml) {
  const std::string file = dir.write("s.yaml", yaml);
  RunResult r;
  r.process = run_process({PERFVAL_BIN, "run", file, "--quiet", "--out", dir.path() + "/out"}, 90s);
  std::ifstream in(dir.path() + "/out/summary.json");
  if (in) r.summary = json::parse(in);
  return r;
}

// `ms` milliseconds stretched by the build's time scale: under a sanitizer `perfval serve` renders the /metrics of
// its 5000 nodes many times slower (TSan: no reading within 500 ms while 4 VUs asked for the same page), so the
// run, the sampling interval and its timeout stretch together and the run still gets its readings.
std::string stretched(long ms) { return std::to_string(ms * perfval::test::time_scale()) + "ms"; }

// `resources` sampled every 500 ms (stretched), each reading allowed `timeout_ms` (default: the interval, as
// without a timeout:). Under a sanitizer a reading of the 2 MB page also waits behind the VUs' own requests for it
// on the target's one thread, so it gets 3 s, stretched.
std::string sampled(const std::string& source, long timeout_ms = 500) {
  if (perfval::test::time_scale() > 1) timeout_ms = std::max(timeout_ms, 3000L);
  return "{" + source + ", interval: " + stretched(500) + ", timeout: " + stretched(timeout_ms) + "}";
}

std::string scenario(const std::string& base_url, const std::string& resources, const std::string& path,
                     const std::string& extra = "") {
  return "name: res\ntarget:\n  base_url: " + base_url + "\n  resources: " + resources + "\n"
         "requests: [{name: r, path: " + path + "}]\nthink_time: 20ms\nexecutor: constant-vus\nvus: 4\nduration: " +
         stretched(4000) + "\n" + extra;
}

class ServeTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    serve_ = std::make_unique<Child>(std::vector<std::string>{PERFVAL_BIN, "serve", "--listen", "127.0.0.1:0",
                                                              "--nodes", "5000", "--threads", "1"});
    url_ = perfval::test::serve_url(*serve_, 30s);
    ASSERT_FALSE(url_.empty()) << "perfval serve did not start";
  }
  void TearDown() override { EXPECT_EQ(serve_->stop(SIGTERM, 10s), 0); }

  // The run's resources agree with the target's RSS in /proc during the run, and CPU was seen.
  void expect_real_figures(const RunResult& r, double rss) {
    ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
    const json& res = r.summary.at("resources");
    EXPECT_GE(res.at("samples").get<int>(), 4) << res.dump();
    EXPECT_EQ(res.at("errors").get<int>(), 0) << res.dump();
    ASSERT_GT(rss, 0);
    EXPECT_NEAR(res.at("memory_bytes").get<double>(), rss, 0.25 * rss) << res.dump();
    EXPECT_GT(res.at("cpu_cores").get<double>(), 0) << res.dump();
    int with_memory = 0;
    for (const auto& t : r.summary.at("timeseries")) with_memory += t.at("memory_bytes").is_number() ? 1 : 0;
    EXPECT_GE(with_memory, 3) << "the 1-second series carries the target's memory";
    EXPECT_NE(r.process.out.find("target_memory_bytes"), std::string::npos) << r.process.out;
  }

  TempDir dir_;
  std::unique_ptr<Child> serve_;
  std::string url_;
};

TEST_F(ServeTarget, MetricsUrlReportsItsMemoryAndCpu) {
  RunResult r;
  double rss = 0;
  {
    RssWatch watch(serve_->pid());
    r = run_yaml(dir_, scenario(url_, sampled("metrics_url: /metrics"), "/metrics"));
    rss = watch.max();
  }
  expect_real_figures(r, rss);
  EXPECT_EQ(r.summary.at("resources").at("source"), "metrics_url " + url_ + "/metrics");
  // The HTML report written next to it shows them: the resources table and the memory and CPU charts.
  std::ifstream in(dir_.path() + "/out/report.html");
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* s : {"Target resources", "Target memory", "Target CPU", "memory, highest"}) {
    EXPECT_NE(html.find(s), std::string::npos) << s;
  }
}

TEST_F(ServeTarget, PidReadsItsProc) {
  RunResult r;
  double rss = 0;
  {
    RssWatch watch(serve_->pid());
    r = run_yaml(dir_, scenario(url_, sampled("pid: " + std::to_string(serve_->pid())), "/metrics"));
    rss = watch.max();
  }
  expect_real_figures(r, rss);
}

// A target reached over a Unix socket (nginx listening on one, proxying to perfval serve): the sampler reads
// metrics_url over that same socket, with Host from base_url, which no TCP listener answers.
TEST_F(ServeTarget, MetricsUrlGoesOverTheTargetsUnixSocket) {
  const std::string port = url_.substr(url_.rfind(':') + 1);
  perfval::test::Nginx nginx("server { listen 127.0.0.1:{PORT0}; listen unix:{DIR}/t.sock;"
                             " location / { proxy_pass http://127.0.0.1:" + port + "; } }\n", 1);
  const std::string socket = nginx.dir() + "/t.sock";
  RunResult r;
  double rss = 0;
  {
    RssWatch watch(serve_->pid());
    // timeout 3s: through the proxy on a loaded machine a reading may take longer than the interval.
    r = run_yaml(dir_, "name: res\ntarget:\n  base_url: http://exporter.invalid\n  unix_socket: " + socket +
                           "\n  resources: " + sampled("metrics_url: /metrics", 3000) + "\n"
                           "requests: [{name: r, path: /metrics}]\nthink_time: 20ms\nexecutor: constant-vus\n"
                           "vus: 4\nduration: " + stretched(4000) + "\n");
    rss = watch.max();
  }
  expect_real_figures(r, rss);
  EXPECT_EQ(r.summary.at("resources").at("source"), "metrics_url http://exporter.invalid/metrics via unix:" + socket);
}

TEST_F(ServeTarget, AMemoryThresholdTheTargetExceedsFailsTheRun) {
  const RunResult r = run_yaml(dir_, scenario(url_, "{metrics_url: /metrics}", "/health",
                                        "thresholds:\n  target_memory_bytes: [\"max<1Mi\"]\n"));
  EXPECT_EQ(r.process.exit_code, 99) << r.process.out << r.process.err;
  EXPECT_NE(r.process.out.find("✗ target_memory_bytes  max<1Mi"), std::string::npos) << r.process.out;
  EXPECT_GT(r.summary.at("thresholds").at(0).at("observed").get<double>(), 1024.0 * 1024);
}

TEST_F(ServeTarget, LiveMetricsCarryTheTargetsMemoryWhileTheRunGoesOn) {
  const std::string listen = "127.0.0.1:" + std::to_string(perfval::test::free_loopback_port());
  const std::string file = dir_.write("live.yaml", scenario(url_, sampled("metrics_url: /metrics"), "/health"));
  Child run({PERFVAL_BIN, "run", file, "--quiet", "--metrics-listen", listen});
  std::string body;
  const auto end = std::chrono::steady_clock::now() + 20s * perfval::test::time_scale();
  while (std::chrono::steady_clock::now() < end && body.find("perfval_target_cpu_cores") == std::string::npos) {
    std::this_thread::sleep_for(200ms);
    try {
      body = perfval::http::http_request("GET", "http://" + listen + "/metrics").body;
    } catch (const perfval::http::HttpError&) {
    }
  }
  EXPECT_NE(body.find("perfval_target_memory_bytes "), std::string::npos) << body.substr(0, 2000);
  EXPECT_NE(body.find("perfval_target_cpu_cores "), std::string::npos);
  EXPECT_NE(body.find("perfval_target_resource_errors 0"), std::string::npos);
  EXPECT_EQ(run.wait(30s), 0);
}

TEST(RunResources, NodeExporterMemoryCpuAndGcPauses) {
  ASSERT_EQ(access("/usr/bin/prometheus-node-exporter", X_OK), 0)
      << "run scripts/install-deps.sh: it installs Debian's prometheus-node-exporter";
  TempDir dir;
  const std::string addr = "127.0.0.1:" + std::to_string(perfval::test::free_loopback_port());
  // A handful of cheap collectors: every scrape still allocates, so the Go runtime collects garbage.
  Child exporter({"/usr/bin/prometheus-node-exporter", "--web.listen-address=" + addr, "--collector.disable-defaults",
                  "--collector.cpu", "--collector.meminfo", "--collector.loadavg", "--collector.stat"});
  ASSERT_TRUE(wait_http_ok("http://" + addr + "/metrics", 20s)) << "node exporter did not start";
  const RunResult r = run_yaml(dir, "name: ne\ntarget:\n  base_url: http://" + addr +
                                  "\n  resources: {metrics_url: /metrics, interval: 250ms}\n"
                                  "requests: [{name: m, path: /metrics}]\nexecutor: constant-vus\nvus: 4\nduration: 4s\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  const json& res = r.summary.at("resources");
  EXPECT_GT(res.at("memory_bytes").get<double>(), 1e6) << res.dump();
  EXPECT_GT(res.at("cpu_cores").get<double>(), 0) << res.dump();
  EXPECT_GT(res.at("gc_cycles").get<double>(), 0) << res.dump();
  EXPECT_GT(res.at("gc_pause_max_ms").get<double>(), 0) << res.dump();
  EXPECT_GT(res.at("gc_pause_avg_ms").get<double>(), 0) << res.dump();
  EXPECT_LE(res.at("gc_pause_avg_ms").get<double>(), res.at("gc_pause_max_ms").get<double>() * 1.001);
  EXPECT_GT(res.at("goroutines").get<double>(), 0) << res.dump();
  EXPECT_NE(r.process.out.find("target_gc_pause"), std::string::npos) << r.process.out;

  // perfval regress's memory, CPU and GC rows (and the SLA tier's memory limit) now have a real value.
  const std::string summary = dir.path() + "/out/summary.json";
  const auto regress = run_process({PERFVAL_BIN, "regress", "--baseline", dir.write("b.yaml", "sla: {tier: small}\n"),
                                    "--current", summary, "--previous", summary, "--format", "json", "--report",
                                    dir.path() + "/report.json"}, 60s);
  std::ifstream in(dir.path() + "/report.json");
  ASSERT_TRUE(in) << regress.out << regress.err;
  const json report = json::parse(in);
  for (const char* row : {"memory", "CPU", "GC pause max"}) {
    bool found = false;
    for (const auto& m : report.at("metrics")) {
      if (m.at("name") != row) continue;
      found = true;
      EXPECT_TRUE(m.at("current").is_number()) << row << ": " << m.dump();
      EXPECT_NE(m.at("verdict"), "missing_data") << row << ": " << m.dump();
    }
    EXPECT_TRUE(found) << row;
  }
}

TEST(RunResources, PrometheusSourceSumsTheMatchedSeries) {
  ASSERT_EQ(access("/usr/bin/prometheus", X_OK), 0) << "run scripts/install-deps.sh (Debian's prometheus)";
  TempDir dir;
  Child serve({PERFVAL_BIN, "serve", "--listen", "127.0.0.1:0", "--nodes", "2000", "--threads", "1"});
  const std::string url = perfval::test::serve_url(serve, 30s);
  ASSERT_FALSE(url.empty()) << "perfval serve did not start";
  const std::string prom = "127.0.0.1:" + std::to_string(perfval::test::free_loopback_port());
  const std::string config = dir.write("prometheus.yml", "global: {scrape_interval: 1s}\nscrape_configs:\n"
                                                         "  - job_name: serve\n    static_configs: [{targets: ['" +
                                                             url.substr(7) + "']}]\n");
  Child prometheus({"/usr/bin/prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.path() + "/tsdb",
                    "--web.listen-address=" + prom});
  ASSERT_TRUE(wait_http_ok("http://" + prom + "/-/ready", 30s)) << "prometheus did not start";
  // Two scrapes at least, so rate() has an answer from the first reading on.
  const std::string ready_query = "http://" + prom + "/api/v1/query?query=count_over_time(process_cpu_seconds_total%5B10s%5D)";
  for (int i = 0; i < 60; ++i) {
    const auto result = json::parse(perfval::http::http_request("GET", ready_query).body)["data"]["result"];
    if (!result.empty() && std::stod(result[0]["value"][1].get<std::string>()) >= 2) break;
    std::this_thread::sleep_for(500ms);
  }
  RunResult r;
  double rss = 0;
  {
    RssWatch watch(serve.pid());
    r = run_yaml(dir, scenario(url, "{prometheus: {url: 'http://" + prom + "', selector: '{job=\"serve\"}', "
                                    "memory_metric: process_resident_memory_bytes, "
                                    "cpu_metric: process_cpu_seconds_total, rate_window: 5s}}",
                               "/metrics"));
    rss = watch.max();
  }
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  const json& res = r.summary.at("resources");
  EXPECT_GE(res.at("samples").get<int>(), 3) << res.dump();
  EXPECT_NEAR(res.at("memory_bytes").get<double>(), rss, 0.25 * rss) << res.dump();
  EXPECT_GT(res.at("cpu_cores").get<double>(), 0) << res.dump();
}

TEST(RunResources, UnreachableMetricsUrlIsNoDataAndFailsItsThresholdButNotTheRun) {
  TempDir dir;
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(perfval::test::free_loopback_port()) + "/metrics";
  const std::string base = "name: down\ntarget:\n  embedded: {nodes: 20, threads: 1}\n  resources: {metrics_url: '" +
                           nowhere + "', interval: 500ms}\nrequests: [{name: h, path: /health}]\n"
                           "think_time: 50ms\nexecutor: constant-vus\nvus: 2\nduration: 2s\n";
  const RunResult plain = run_yaml(dir, base);
  EXPECT_EQ(plain.process.exit_code, 0) << "the run goes on: " << plain.process.out << plain.process.err;
  EXPECT_GT(plain.summary.at("metrics").at("http_reqs").at("count").get<double>(), 10);
  const json& res = plain.summary.at("resources");
  EXPECT_GE(res.at("errors").get<int>(), 2);
  EXPECT_EQ(res.at("samples").get<int>(), 0);
  EXPECT_TRUE(res.at("memory_bytes").is_null());
  EXPECT_NE(res.at("error_examples").at(0).get<std::string>().find("connect"), std::string::npos) << res.dump();
  EXPECT_NE(plain.process.out.find(": no data: connect"), std::string::npos)
      << plain.process.out;

  const RunResult gated = run_yaml(dir, base + "thresholds:\n  target_memory_bytes: [\"max<1Gi\"]\n");
  EXPECT_EQ(gated.process.exit_code, 99) << "no data never passes: " << gated.process.out;
  EXPECT_TRUE(gated.summary.at("thresholds").at(0).at("observed").is_null());
}

TEST(RunResources, AMetricsUrlFromTheEnvironmentIsNeverWrittenOut) {
  TempDir dir;
  // The exporter's URL carries a secret from the environment; the sampler fails on it, and its messages must
  // show ${VAR}, never the value, in the summary, the report and the console.
  const std::string secret = "s3cr3t-7f1c9a";
  const std::string port = std::to_string(perfval::test::free_loopback_port());
  const std::string file = dir.write("s.yaml", "name: secret\ntarget:\n  embedded: {nodes: 20, threads: 1}\n"
                                              "  resources: {metrics_url: 'http://127.0.0.1:" + port +
                                              "/metrics?token=${PERFVAL_TEST_METRICS_TOKEN}', interval: 500ms}\n"
                                              "requests: [{name: h, path: /health}]\n"
                                              "think_time: 50ms\nexecutor: constant-vus\nvus: 1\nduration: 2s\n");
  const auto r = run_process({"/usr/bin/env", "PERFVAL_TEST_METRICS_TOKEN=" + secret, PERFVAL_BIN, "run", file,
                              "--out", dir.path() + "/out"},
                             90s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::ifstream in(dir.path() + "/out/summary.json");
  const std::string summary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream html_in(dir.path() + "/out/report.html");
  const std::string html((std::istreambuf_iterator<char>(html_in)), std::istreambuf_iterator<char>());
  ASSERT_NE(summary.find("\"resources\""), std::string::npos) << summary;
  EXPECT_NE(summary.find("${PERFVAL_TEST_METRICS_TOKEN}"), std::string::npos) << "the source names the variable";
  for (const std::string* text : {&summary, &html, &r.out, &r.err}) EXPECT_EQ(text->find(secret), std::string::npos);
}

TEST(RunResources, AProcessThatExitsStopsSamplingWithANote) {
  TempDir dir;
  Child short_lived({"/bin/sleep", "1"});
  const RunResult r = run_yaml(dir, "name: gone\ntarget:\n  embedded: {nodes: 20, threads: 1}\n  resources: {pid: " +
                                  std::to_string(short_lived.pid()) + ", interval: 200ms}\n"
                                  "requests: [{name: h, path: /health}]\nthink_time: 50ms\n"
                                  "executor: constant-vus\nvus: 1\nduration: 3s\n");
  ASSERT_EQ(r.process.exit_code, 0) << r.process.out << r.process.err;
  const json& res = r.summary.at("resources");
  EXPECT_GE(res.at("samples").get<int>(), 2) << res.dump();
  ASSERT_FALSE(res.at("notes").empty()) << res.dump();
  EXPECT_NE(res.at("notes").at(0).get<std::string>().find("has exited; sampling stopped at"), std::string::npos)
      << res.dump();
  EXPECT_NE(r.process.out.find("note: process"), std::string::npos) << r.process.out;
}

}  // namespace
