// Tests of the regress and capacity HTML reports: every verdict and forecast is there, with its chart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "perfval/common/error.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/report/html.hpp"
#include "perfval/report/regress_reporter.hpp"
#include "report/html_fixtures.hpp"

namespace perfval::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using regression::MetricResult;
using regression::Verdict;
using testing::count_of;

MetricResult row(const std::string& name, Verdict v, double prev, double cur) {
  MetricResult m;
  m.name = name;
  m.metric = name;
  m.unit = "ms";
  m.previous = prev;
  m.current = cur;
  m.change_vs_previous_pct = (cur - prev) / prev * 100;
  m.verdict = v;
  m.reason = "because " + name;
  return m;
}

regression::RegressionReport report() {
  regression::RegressionReport r;
  r.baseline_file = "baselines/performance-baselines.yaml";
  r.current = "2026-W47";
  r.previous = "2026-W46";
  MetricResult p95 = row("response time p95", Verdict::regressed, 100, 150);
  p95.baseline = 100, p95.tolerance_pct = 20;
  p95.sla_limit = 160, p95.sla_op = "<";
  for (int i = 0; i < 12; ++i) p95.series_runs.push_back("2026-W" + std::to_string(36 + i)), p95.series_values.push_back(i < 8 ? 100 : 150);
  p95.change_points.push_back({8, "2026-W44", 100, 150, 50, 0.0001});
  r.metrics.push_back(p95);
  r.metrics.push_back(row("throughput", Verdict::unchanged, 200, 198));
  r.metrics.push_back(row("median", Verdict::inconclusive, 10, 12));
  MetricResult missing = row("memory", Verdict::missing_data, 1, 1);
  missing.previous.reset(), missing.current.reset();
  r.metrics.push_back(missing);
  return r;
}

TEST(HtmlRegressReport, EveryVerdictAndItsTrendAreShown) {
  const std::string html = make_regress_reporter("html")->render(report());
  EXPECT_THAT(html, HasSubstr("✗ FAILED"));
  for (const char* v : {">regressed<", ">unchanged<", ">inconclusive<", ">missing data<"}) EXPECT_THAT(html, HasSubstr(v)) << v;
  for (const char* name : {"response time p95", "throughput", "median", "memory"}) EXPECT_THAT(html, HasSubstr(name));
  EXPECT_THAT(html, HasSubstr("+50.0% at 2026-W44"));      // the change point, on the trend
  EXPECT_THAT(html, HasSubstr("baseline ± tolerance"));    // the baseline band
  EXPECT_THAT(html, HasSubstr("SLA &lt; 160 ms"));
  EXPECT_THAT(html, HasSubstr("current 150 ms"));
  EXPECT_EQ(count_of(html, "<svg class=\"chart"), 3u);     // the rows with a value; none for missing data
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
}

TEST(HtmlRegressReport, AVerdictThisPerfvalDoesNotKnowIsShownNeutrally) {
  nlohmann::json doc = nlohmann::json::parse(make_regress_reporter("json")->render(report()));
  doc["metrics"][2]["verdict"] = "inconclusive";
  doc["metrics"][1]["verdict"] = "some_future_verdict";
  const std::string html = render_regress_html({"regress.json", doc});
  EXPECT_THAT(html, HasSubstr("<span class=\"chip warn\">inconclusive</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"chip info\">some future verdict</span>"));
}

nlohmann::json capacity_doc() {
  nlohmann::json path = nlohmann::json::array(), series = nlohmann::json::array();
  const double day = 86400, t0 = 1764547200;
  for (int i = 0; i <= 30; ++i) series.push_back({t0 + i * day, 40.0 + i, 42.0 + i});
  for (int i = 1; i <= 30; ++i) {
    const double v = 72 + i;
    path.push_back({{"t", t0 + (30 + i) * day}, {"value", v},
                    {"intervals", {{{"level_pct", 80}, {"lower", v - 2}, {"upper", v + 2}}, {{"level_pct", 95}, {"lower", v - 4}, {"upper", v + 4}}}}});
  }
  nlohmann::json cpu = {{"name", "cpu"}, {"metric", "cpu"}, {"unit", "percent"}, {"status", "ok"}, {"warnings", nlohmann::json::array()},
                        {"model", {{"name", "linear"}}}, {"confidence", {{"grade", "high"}, {"reason", "backtest error 1 %"}}},
                        {"bounds", {{"min", 0}, {"max", 100}}}, {"history", {{"from", "2025-12-01T00:00:00Z"}, {"series", series}}},
                        {"horizon_days", 30}, {"current", 72.0},
                        {"projected", {{"value", 102.0}, {"intervals", {{{"level_pct", 80}, {"lower", 100}, {"upper", 104}}, {{"level_pct", 95}, {"lower", 98}, {"upper", 106}}}}, {"path", path}}},
                        {"growth", {{"pct", 41.7}, {"exceeded", true}}},
                        {"capacity_threshold", {{"value", 80}, {"days_until", 8.0}}}, {"hard_limit", {{"value", 100}, {"days_until", 28.0}}},
                        {"alert", true}};
  nlohmann::json broken = {{"name", "storage"}, {"metric", "storage"}, {"unit", "percent"}, {"status", "error"}, {"error", "storage: no data"}};
  return {{"schema", "perfval/capacity/v1"}, {"generated_at", "2026-01-01T00:00:00Z"}, {"config", "baselines/capacity-planning.yaml"},
          {"alert", true}, {"analysed", 1}, {"failed", 1}, {"throughput", {{"per_replica_rps", 150}, {"source", "config"}}},
          {"metrics", {cpu, broken}},
          {"recommendations", {{{"metric", "cpu"}, {"resource", "cpu_limit"}, {"current", "1000m"}, {"recommended", "1500m"},
                                {"change", true}, {"sufficient", true}, {"action", "raise from 1000m to 1500m"}}}}};
}

TEST(HtmlCapacityReport, ForecastBandsLimitsAndRecommendations) {
  const std::string html = render_capacity_html({"capacity.json", capacity_doc()});
  EXPECT_THAT(html, HasSubstr("ALERT"));
  EXPECT_THAT(html, HasSubstr("102 %"));                    // the forecast at the horizon
  EXPECT_THAT(html, HasSubstr("100 – 104 %"));              // its 80 % interval
  EXPECT_THAT(html, HasSubstr("80 % interval"));
  EXPECT_THAT(html, HasSubstr("95 % interval"));
  EXPECT_THAT(html, HasSubstr("capacity threshold in 8.0 d"));  // the crossing, marked on the chart
  EXPECT_THAT(html, HasSubstr("hard limit in 28.0 d"));
  EXPECT_THAT(html, HasSubstr("raise from 1000m to 1500m"));
  EXPECT_THAT(html, HasSubstr("storage: no data"));         // a metric that could not be analysed is said
  EXPECT_EQ(count_of(html, "<svg class=\"chart"), 1u);
}

TEST(HtmlCapacityReport, WrongDocumentKindIsRefusedWithTheFile) {
  nlohmann::json doc = capacity_doc();
  doc["schema"] = "perfval/capacity/v9";
  EXPECT_THROW(render_html({{"cap.json", doc}}), Error);
  try {
    render_html({{"a.json", capacity_doc()}, {"b.json", capacity_doc()}});
    FAIL() << "overlaid two capacity documents";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("only when all are run summaries"));
  }
}

}  // namespace
}  // namespace perfval::report
