// End to end: the HTML reports as the commands write them (run --out, perfval report, regress and capacity
// analyze --format html), their exit codes, and bad input (truncated file, unknown schema) naming the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/process.hpp"

namespace perfval::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessResult perfval(std::vector<std::string> args) {
  args.insert(args.begin(), PERFVAL_BIN);
  return run_process(args, std::chrono::seconds(120));
}

std::size_t charts(const std::string& html) {
  std::size_t n = 0;
  for (auto at = html.find("<svg class=\"chart"); at != std::string::npos; at = html.find("<svg class=\"chart", at + 1)) ++n;
  return n;
}

class ReportCli : public ::testing::Test {
 protected:
  // A 3-second open-model run of the embedded target, with a threshold that fails (p(95) under 1 µs).
  std::string run(const std::string& name) {
    const std::string scenario = dir_.write(name + ".yaml",
        "name: " + name + "\ntarget:\n  embedded: {nodes: 50, seed: 3}\nrequests:\n  - {name: health, path: /health}\n"
        "  - {name: metrics, path: /metrics}\nexecutor: constant-arrival-rate\nrate: 50\ntimeUnit: 1s\nduration: 3s\n"
        "preAllocatedVUs: 5\nmaxVUs: 20\nthresholds:\n  http_req_duration: [\"p(95)<1us\"]\n  http_req_failed: [\"rate<0.01\"]\n");
    const ProcessResult r = perfval({"run", scenario, "--quiet", "--out", dir_.path() + "/" + name});
    EXPECT_EQ(r.exit_code, 99) << r.err;
    return dir_.path() + "/" + name;
  }
  TempDir dir_;
};

TEST_F(ReportCli, RunOutWritesTheReportBesideTheSummary) {
  const std::string out = run("week1");
  const std::string html = slurp(out + "/report.html");
  const auto summary = nlohmann::json::parse(slurp(out + "/summary.json"));
  ASSERT_FALSE(html.empty());
  EXPECT_THAT(html, HasSubstr("✗ FAILED"));
  EXPECT_THAT(html, HasSubstr("p(95)&lt;1us"));
  EXPECT_THAT(html, HasSubstr("rate&lt;0.01"));
  EXPECT_GE(charts(html), 4u);
  // The key figure is the summary's own p(95), formatted as the console prints it.
  const double p95 = summary["metrics"]["http_req_duration"]["p(95)"].get<double>();
  char text[32];
  if (p95 < 1) std::snprintf(text, sizeof text, "%.0fµs", p95 * 1000);
  else std::snprintf(text, sizeof text, "%.2fms", p95);
  EXPECT_THAT(html, HasSubstr(text));
}

TEST_F(ReportCli, ReportOverlaysRunsAndRefusesBadFilesByName) {
  const std::string a = run("week1"), b = run("week2");
  const std::string html_path = dir_.path() + "/both.html";
  ProcessResult r = perfval({"report", a + "/summary.json", b + "/summary.json", "-o", html_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(html_path);
  EXPECT_THAT(html, HasSubstr("Runs compared"));
  EXPECT_THAT(html, HasSubstr("week1 p95"));
  EXPECT_THAT(html, HasSubstr("week2 p95"));

  const std::string full = slurp(a + "/summary.json");
  const std::string cut = dir_.write("cut.json", full.substr(0, full.size() / 3));
  r = perfval({"report", cut, "-o", dir_.path() + "/cut.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(cut + ": truncated"));

  auto doc = nlohmann::json::parse(full);
  doc["schema"] = "perfval/summary/v7";
  const std::string future = dir_.write("future.json", doc.dump());
  r = perfval({"report", future, "-o", dir_.path() + "/future.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(future + ": schema: unsupported schema \"perfval/summary/v7\""));
  EXPECT_EQ(slurp(dir_.path() + "/future.html"), "");  // nothing written
}

TEST_F(ReportCli, RegressHtmlShowsEachVerdictAndKeepsTheExitCode) {
  const std::string a = run("week1"), b = run("week2");
  const std::string baselines = dir_.write("baselines.yaml",
      "p95: {metric: response_time_p95, baseline: 0.001, tolerance: 10%, unit: ms, source: {summary: http_req_duration, field: \"p(95)\"}}\n");
  const std::string report = dir_.path() + "/regress.html";
  const ProcessResult r = perfval({"regress", "--baseline", baselines, "--current", b, "--previous", a, "--format", "html", "--report", report});
  EXPECT_EQ(r.exit_code, 99) << r.out << r.err;  // far above its baseline: regressed, as the console says
  const std::string html = slurp(report);
  EXPECT_THAT(html, HasSubstr("✗ FAILED"));
  EXPECT_THAT(html, HasSubstr(">regressed<"));
  EXPECT_THAT(r.out, HasSubstr("regressed"));
  EXPECT_GE(charts(html), 1u);
}

TEST_F(ReportCli, CapacityAnalyzeHtmlShowsEachForecast) {
  std::string csv = "timestamp,cpu,memory\n";
  for (int h = 0; h < 24 * 40; ++h) {
    csv += std::to_string(1764547200 + h * 3600) + "," + std::to_string(30 + 0.05 * h) + "," + std::to_string(40 + (h % 24) * 0.1) + "\n";
  }
  const std::string data = dir_.write("data.csv", csv);
  const std::string config = dir_.write("capacity.yaml", "metrics:\n  cpu: {horizon: 30d}\n  memory: {horizon: 30d}\n");
  const std::string out = dir_.path() + "/capacity.html";
  const ProcessResult r = perfval({"capacity", "analyze", "--config", config, "--data", data, "--format", "html", "--out", out});
  EXPECT_EQ(r.exit_code, 99) << r.err;  // cpu reaches 80 % within 30 days
  const std::string html = slurp(out);
  EXPECT_THAT(html, HasSubstr("ALERT"));
  EXPECT_EQ(charts(html), 2u);
  const ProcessResult j = perfval({"capacity", "analyze", "--config", config, "--data", data, "--format", "json"});
  const nlohmann::json doc = nlohmann::json::parse(j.out);  // the loop must not range over a temporary's member
  for (const auto& m : doc["metrics"]) {
    char projected[32];
    std::snprintf(projected, sizeof projected, "%.4g %%", m["projected"]["value"].get<double>());
    EXPECT_THAT(html, HasSubstr(projected)) << m["name"];
  }
}

}  // namespace
}  // namespace perfval::test
