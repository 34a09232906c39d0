// Tests of the run report: what a reader sees (verdict, p95, thresholds, charts), what it must not do (reach
// the network), long runs staying small, and bad input naming the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/report/html.hpp"
#include "report/html_fixtures.hpp"

namespace perfval::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::count_of;
using testing::RunShape;
using testing::summary_doc;

std::string render_one(const nlohmann::json& doc, const std::string& file = "results/run/summary.json") {
  return render_run_html({{file, doc}});
}

TEST(HtmlRunReport, VerdictP95ThresholdsAndChartsAreThere) {
  const std::string html = render_one(summary_doc({}));
  EXPECT_THAT(html, HasSubstr("✗ FAILED"));
  EXPECT_THAT(html, HasSubstr("1 of 3 thresholds failed: http_req_duration p(95)&lt;300ms observed"));
  const nlohmann::json doc = summary_doc({});
  const double p95 = doc["metrics"]["http_req_duration"]["p(95)"].get<double>();
  EXPECT_THAT(html, HasSubstr(format_latency_us(p95 * 1000)));
  for (const char* t : {"p(95)&lt;300ms", "p(99)&lt;2s", "rate&lt;0.01"}) EXPECT_THAT(html, HasSubstr(t));
  EXPECT_GE(count_of(html, "<svg class=\"chart"), 5u);  // latency, throughput, VUs, spectrum, per-name spectrum, status
  EXPECT_THAT(html, HasSubstr("Latency over time"));
  EXPECT_THAT(html, HasSubstr("uncorrected"));  // open model: both curves of the spectrum
  EXPECT_THAT(html, HasSubstr("planned arrival rate 100.0/s"));
}

TEST(HtmlRunReport, TheWorkersSchedulingShowsWhenItIsNotNormal) {
  nlohmann::json doc = summary_doc({});
  EXPECT_THAT(render_one(doc), Not(HasSubstr("scheduling")));
  doc["config"]["sched"] = "batch";
  EXPECT_THAT(render_one(doc), HasSubstr("worker threads (batch scheduling)"));
  doc["config"]["sched"] = "normal";
  doc["config"]["sched_note"] = "SCHED_BATCH was refused for 2 of 2 worker threads (Operation not permitted): they ran under normal scheduling";
  EXPECT_THAT(render_one(doc), HasSubstr("<b>Scheduling:</b> SCHED_BATCH was refused for 2 of 2 worker threads"));
}

TEST(HtmlRunReport, MakesNoRequestAndCarriesAPolicyThatForbidsThem) {
  const std::string html = render_one(summary_doc({}));
  EXPECT_THAT(html, HasSubstr("content=\"default-src 'none'; style-src 'unsafe-inline'"));
  for (const char* ref : {" src=", " href=", "url(", "@import", "<script", "<link", "<img", "<iframe"}) {
    EXPECT_THAT(html, Not(HasSubstr(ref))) << ref;
  }
}

TEST(HtmlRunReport, PassedRunSaysSo) {
  RunShape shape;
  shape.failing = false;
  shape.stall_every = 0;
  const std::string html = render_one(summary_doc(shape));
  EXPECT_THAT(html, HasSubstr("✓ PASSED"));
  EXPECT_THAT(html, HasSubstr("All 3 thresholds held."));
  EXPECT_THAT(html, Not(HasSubstr("FAILED")));
}

TEST(HtmlRunReport, SecretsFromTheEnvironmentStayAsWritten) {
  const std::string html = render_one(summary_doc({}));
  EXPECT_THAT(html, HasSubstr("${TARGET_URL:-http://127.0.0.1:9}"));
}

TEST(HtmlRunReport, ZeroRequestsSaySoAndDrawNoChart) {
  RunShape shape;
  shape.rps = 0;
  const std::string html = render_one(summary_doc(shape));
  EXPECT_THAT(html, HasSubstr("This run measured no requests"));
  EXPECT_EQ(count_of(html, "<svg"), 0u);
  EXPECT_THAT(html, Not(HasSubstr("NaN")));
  EXPECT_THAT(html, Not(HasSubstr("nan")));
}

TEST(HtmlRunReport, AnHourLongRunStaysUnderOneMegabyteAndKeepsItsPeak) {
  RunShape shape;
  shape.seconds = 3600;
  shape.names = 5;
  shape.rps = 20;
  shape.stall_every = 0;
  nlohmann::json doc = summary_doc(shape);
  doc["timeseries"][1800]["p99"] = 4321.0;  // one slow second in the middle of the hour
  const std::string html = render_one(doc);
  EXPECT_LT(html.size(), 1'000'000u) << html.size() << " bytes";
  // The latency axis reaches the one slow second: thinned series keep each bucket's highest value.
  EXPECT_THAT(html, HasSubstr(">5s</text>"));
  EXPECT_THAT(html, HasSubstr(">1:00:00</text>"));
}

TEST(HtmlRunReport, SeveralRunsAreOverlaidAndNamedByTheirFolder) {
  RunShape slower;
  slower.stall_ms = 1500;
  const std::string html = render_run_html({{"results/2026-W46/summary.json", summary_doc({})},
                                            {"results/2026-W47/summary.json", summary_doc(slower)}});
  EXPECT_THAT(html, HasSubstr("Runs compared"));
  EXPECT_THAT(html, HasSubstr("2026-W46 p95"));
  EXPECT_THAT(html, HasSubstr("2026-W47 p95"));
}

TEST(HtmlRunReport, OptionalSectionsAppearOnlyWithTheirData) {
  nlohmann::json doc = summary_doc({});
  std::string html = render_one(doc);
  for (const char* s : {"Target resources", "Target memory", "Checks", "id=\"steps\""}) EXPECT_THAT(html, Not(HasSubstr(s))) << s;
  doc["resources"] = {{"source", "pid 1234"}, {"samples", 30}, {"errors", 0}, {"memory_bytes", 52428800.0}, {"cpu_cores", 0.25}};
  for (auto& p : doc["timeseries"]) p["memory_bytes"] = 50e6, p["cpu_cores"] = 0.2;
  doc["metrics"]["checks"] = {{"type", "rate"}, {"rate", 0.98}, {"passes", 98}, {"fails", 2}};
  doc["metrics"]["checks{check:req0.status}"] = {{"type", "rate"}, {"rate", 0.98}, {"passes", 98}, {"fails", 2}};
  doc["steps"] = {{{"stage", 1}, {"vus", 100}, {"rps", 95.0}, {"p95_ms", 120.0}, {"p99_ms", 300.0}, {"error_rate", 0.0}, {"sla_ok", true}}};
  html = render_one(doc);
  EXPECT_THAT(html, HasSubstr("Target resources"));
  EXPECT_THAT(html, HasSubstr("Target memory"));
  EXPECT_THAT(html, HasSubstr("50Mi"));
  EXPECT_THAT(html, HasSubstr("req0.status"));
  EXPECT_THAT(html, HasSubstr("98.00%"));
  EXPECT_THAT(html, HasSubstr("id=\"steps\""));
}

TEST(HtmlRunReport, StepsShowTheAnswerThroughputAndP95AgainstTheSla) {
  nlohmann::json doc = summary_doc({});
  doc["thresholds"].push_back({{"metric", "http_req_duration"}, {"expression", "p(95)<200ms"}, {"ok", false},
                               {"observed", 250.0}, {"abort_on_fail", false}});
  auto step = [](int stage, double vus, double rps, double p95, bool ok) {
    return nlohmann::json{{"stage", stage}, {"start_s", 0}, {"end_s", 1}, {"vus", vus}, {"rate", nullptr}, {"rps", rps},
                          {"p50_ms", p95 / 2}, {"p95_ms", p95}, {"p99_ms", p95 * 2}, {"error_rate", 0.0}, {"requests", 100},
                          {"dropped", 0}, {"complete", true}, {"sla_ok", ok},
                          {"failed_thresholds", ok ? nlohmann::json::array()
                                                   : nlohmann::json::array({{{"metric", "http_req_duration"},
                                                                             {"expression", "p(95)<200ms"},
                                                                             {"observed", p95},
                                                                             {"text", "p(95)=612ms >= 200ms"}}})}};
  };
  doc["steps"] = {step(2, 100, 95, 40, true), step(4, 200, 180, 120, true), step(6, 300, 186, 612, false)};
  doc["capacity_found"] = {{"status", "found"}, {"basis", "plateaus"}, {"step", 2}, {"vus", 200}, {"rate", nullptr},
                           {"rps", 180.0}, {"reason", ""},
                           {"broke_at", {{"step", 3}, {"vus", 300}, {"rate", nullptr}, {"reason", "p(95)=612ms >= 200ms"}}}};
  doc["knee"] = {{"status", "found"}, {"step", 2}, {"vus", 200}, {"rate", nullptr}, {"rps", 180.0},
                 {"reason", "from 200 VUs to 300 VUs (+50 %) throughput grew 3 % while p95 rose 410 %"}};
  const std::string html = render_one(doc);
  EXPECT_THAT(html, HasSubstr("Capacity within the SLA: 200 VUs, 180.0/s"));
  EXPECT_THAT(html, HasSubstr("broke at 300 VUs: p(95)=612ms &gt;= 200ms"));
  EXPECT_THAT(html, HasSubstr("Throughput per step"));
  EXPECT_THAT(html, HasSubstr("p95 per step against the SLA"));
  EXPECT_THAT(html, HasSubstr("SLA p(95)&lt;200ms"));
  EXPECT_THAT(html, HasSubstr("capacity within SLA — step 2"));
  EXPECT_THAT(html, HasSubstr("broke the SLA — step 3"));
}

TEST(HtmlRunReport, UnknownSchemaAndMissingFieldsNameTheFile) {
  nlohmann::json doc = summary_doc({});
  doc["schema"] = "perfval/summary/v2";
  try {
    render_html({{"old/summary.json", doc}});
    FAIL() << "accepted an unknown schema";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("old/summary.json: schema: unsupported schema \"perfval/summary/v2\""));
    EXPECT_EQ(e.exit_code(), 2);
  }
  doc = summary_doc({});
  doc.erase("timeseries");
  try {
    render_one(doc, "cut/summary.json");
    FAIL() << "accepted a summary without its time series";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cut/summary.json: timeseries: missing"));
  }
  doc = summary_doc({});
  doc["duration_s"] = "long";
  EXPECT_THROW(render_one(doc), Error);
}

TEST(HtmlRunReport, TruncatedFileIsNamed) {
  const std::string text = summary_doc({}).dump(2);
  char path_template[] = "/tmp/perfval-html-XXXXXX";
  const int fd = mkstemp(path_template);
  ASSERT_GE(fd, 0);
  close(fd);
  const std::string path = path_template;
  std::ofstream(path) << text.substr(0, text.size() / 2);
  try {
    read_result_document(path);
    FAIL() << "accepted a truncated file";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path + ": truncated"));
    EXPECT_EQ(e.exit_code(), 2);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace perfval::report
