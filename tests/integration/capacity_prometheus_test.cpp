// End to end: `perfval capacity analyze` against a real Prometheus on loopback over 90 days of backfilled history.
// The TSDB is built with `promtool tsdb create-blocks-from openmetrics`; Prometheus runs with 400 d retention.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fcntl.h>

#include <filesystem>
#include <map>
#include <numbers>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "perfval/http/simple_client.hpp"
#include "support/free_port.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string find_binary(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    const fs::path p = fs::path(dir) / name;
    if (fs::exists(p)) return p.string();
  }
  return "";
}

// Runs a shell command line; returns its exit status.
int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A Prometheus process owned by the test: SIGTERM (then SIGKILL) on destruction, whatever the test outcome.
struct PrometheusProcess {
  pid_t pid = -1;

  ~PrometheusProcess() {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // up to 10 s for a clean shutdown
      if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

// 90 days of 5-minute samples ending now: two CPU series (linear + daily cycle), exponential memory (crosses
// 85 % within 30 days), two cardinality series to be summed.
void write_openmetrics(const fs::path& file, double now) {
  std::ofstream out(file);
  const long long end = static_cast<long long>(now) / 300 * 300 - 600;
  const long long start = end - 90LL * 86400;
  out << "# TYPE cap_cpu gauge\n";
  for (const char* pod : {"a", "b"}) {
    const double base = pod[0] == 'a' ? 30 : 20;
    for (long long t = start; t <= end; t += 300) {
      const double d = static_cast<double>(t - start) / 86400;
      out << "cap_cpu{pod=\"" << pod << "\"} " << base + 0.3 * d + 5 * std::sin(2 * std::numbers::pi * static_cast<double>(t) / 86400)
          << " " << t << "\n";
    }
  }
  out << "# TYPE cap_mem gauge\n";
  for (long long t = start; t <= end; t += 300) {
    const double d = static_cast<double>(t - start) / 86400;
    out << "cap_mem " << 40 * std::exp(0.008 * d) << " " << t << "\n";
  }
  out << "# TYPE cap_series gauge\n";
  for (const char* shard : {"0", "1"}) {
    for (long long t = start; t <= end; t += 300) {
      const double d = static_cast<double>(t - start) / 86400;
      out << "cap_series{shard=\"" << shard << "\"} " << 5000 + 40 * d << " " << t << "\n";
    }
  }
  out << "# EOF\n";
}

void write_config(const fs::path& file) {
  std::ofstream(file) << R"(history: 90d
metrics:
  cpu:
    query: cap_cpu
    aggregate: each
  memory:
    query: cap_mem
  cardinality:
    query: cap_series
    aggregate: sum
  requests:
    query: 'sum(rate(cap_missing_total[5m])'
  storage:
    query: cap_not_there
)";
}

class CapacityPrometheus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfval_capacity_prom_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CapacityPrometheus, AnalysesNinetyDaysEndToEnd) {
  const std::string prometheus = find_binary("prometheus"), promtool = find_binary("promtool");
  ASSERT_FALSE(prometheus.empty() || promtool.empty())
      << "the prometheus/promtool binaries (Debian package prometheus) are missing: run scripts/install-deps.sh";
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  write_openmetrics(dir_ / "history.om", now);
  write_config(dir_ / "capacity.yaml");
  std::ofstream(dir_ / "prometheus.yml") << "global:\n  scrape_interval: 1m\n";
  // Large blocks keep the backfill and Prometheus' start fast (2 h blocks would be ~1,000 of them).
  ASSERT_EQ(run("timeout 120 " + promtool + " tsdb create-blocks-from --max-block-duration=2400h openmetrics -q " +
                (dir_ / "history.om").string() + " " + (dir_ / "tsdb").string() + " > " + (dir_ / "promtool.log").string() + " 2>&1"),
            0)
      << slurp(dir_ / "promtool.log");

  const int port = perfval::test::free_loopback_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::string args[] = {prometheus,
                              "--config.file=" + (dir_ / "prometheus.yml").string(),
                              "--storage.tsdb.path=" + (dir_ / "tsdb").string(),
                              "--storage.tsdb.retention.time=400d",
                              "--web.listen-address=127.0.0.1:" + std::to_string(port),
                              "--log.level=warn"};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  PrometheusProcess proc;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "prometheus.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_EQ(posix_spawn(&proc.pid, prometheus.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  bool ready = false;
  for (int i = 0; i < 120 && !ready; ++i) {  // up to 30 s
    try {
      perfval::http::ClientOptions o;
      o.timeout = std::chrono::seconds(1);
      ready = perfval::http::http_request("GET", url + "/-/ready", {}, {}, o).status == 200;
    } catch (const perfval::http::HttpError&) {
    }
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(ready) << "Prometheus did not become ready in 30 s: " << slurp(dir_ / "prometheus.log");

  const std::string out = (dir_ / "report.json").string();
  const int rc = run(std::string("timeout 120 ") + PERFVAL_BIN + " capacity analyze --config " + (dir_ / "capacity.yaml").string() +
                     " --prometheus " + url + " --format json --out " + out + " 2> " + (dir_ / "stderr.txt").string());
  EXPECT_EQ(rc, 99) << slurp(dir_ / "stderr.txt");  // memory crosses 85 % within 30 days
  const auto doc = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(doc["schema"], "perfval/capacity/v1");
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& m : doc["metrics"]) by_name[m["name"].get<std::string>()] = m;

  // Each CPU series is analysed on its own: never just the first.
  ASSERT_TRUE(by_name.count("cpu{pod=\"a\"}")) << doc.dump(1);
  ASSERT_TRUE(by_name.count("cpu{pod=\"b\"}"));
  const auto& a = by_name["cpu{pod=\"a\"}"];
  EXPECT_EQ(a["status"], "ok");
  EXPECT_GT(a["history"]["days"].get<double>(), 89.5);
  EXPECT_NEAR(a["model"]["r2"].get<double>(), 1.0, 0.05);
  EXPECT_NE(a["model"]["name"].get<std::string>().find("daily"), std::string::npos) << a.dump(1);
  EXPECT_NEAR(a["growth"]["pct"].get<double>(), 9.0 / 57 * 100, 2);  // 57 % now, +0.3 %/day for 30 days

  const auto& mem = by_name["memory"];
  EXPECT_EQ(mem["model"]["name"].get<std::string>().rfind("exponential", 0), 0u) << mem.dump(1);
  EXPECT_EQ(mem["alert"], true);
  const double crossing = std::log(85.0 / 40) / 0.008 - 90;  // days after the last sample
  EXPECT_NEAR(mem["capacity_threshold"]["days_until"].get<double>(), crossing, 1.0);

  ASSERT_EQ(doc["metrics"].size(), 6u);
  bool summed = false, storage_error = false, requests_error = false;
  for (const auto& m : doc["metrics"]) {
    const std::string name = m["name"];
    if (name.rfind("cardinality", 0) == 0) summed = std::fabs(m["current"].get<double>() - 2 * (5000 + 40 * 90)) < 100;
    if (name == "storage") storage_error = m["error"].get<std::string>().find("storage: query returned no series") != std::string::npos;
    if (name == "requests") requests_error = m["error"].get<std::string>().find("bad_data") != std::string::npos;
  }
  EXPECT_TRUE(summed) << doc.dump(1);
  EXPECT_TRUE(storage_error) << doc.dump(1);
  EXPECT_TRUE(requests_error) << doc.dump(1);
  EXPECT_GE(doc["recommendations"].size(), 2u);
}

TEST_F(CapacityPrometheus, UnreachablePrometheusIsBadInputNamingEachMetric) {
  write_config(dir_ / "capacity.yaml");
  const std::string url = "http://127.0.0.1:" + std::to_string(perfval::test::free_loopback_port());  // nothing listens there
  const int rc = run(std::string("timeout 60 ") + PERFVAL_BIN + " capacity analyze --config " + (dir_ / "capacity.yaml").string() +
                     " --prometheus " + url + " > /dev/null 2> " + (dir_ / "stderr.txt").string());
  EXPECT_EQ(rc, 2);
  const std::string err = slurp(dir_ / "stderr.txt");
  EXPECT_NE(err.find("cpu: Prometheus at " + url + " unreachable (connect)"), std::string::npos) << err;
  EXPECT_NE(err.find("memory: Prometheus at"), std::string::npos) << err;
  EXPECT_NE(err.find("no metric could be analysed"), std::string::npos) << err;
}

}  // namespace
