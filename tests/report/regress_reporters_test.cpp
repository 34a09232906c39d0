// Tests of the regress reporters: what a reader of the console, a PR comment, a tool, a CI system or Slack sees.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "perfval/common/error.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::report {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using regression::MetricResult;
using regression::RegressionReport;
using regression::Verdict;

MetricResult metric(const std::string& name, Verdict v, std::optional<double> prev, std::optional<double> cur,
                    const std::string& reason) {
  MetricResult m;
  m.name = name;
  m.unit = "ms";
  m.previous = prev;
  m.current = cur;
  if (prev && cur) m.change_vs_previous_pct = (*cur - *prev) / *prev * 100;
  m.verdict = v;
  m.reason = reason;
  return m;
}

RegressionReport sample_report() {
  RegressionReport r;
  r.baseline_file = "baselines/performance-baselines.yaml";
  r.current = "2026-W47";
  r.previous = "2026-W46";
  r.sla_tier = regression::SlaTier::small;
  r.sla_tier_source = "target.nodes = 500";
  r.metrics.push_back(metric("memory/allocation/1024", Verdict::regressed, 100, 130, "regressed: +30.0% vs previous"));
  r.metrics.back().p_value = 0.0079;
  r.metrics.back().noise_pct = 4.04;
  r.metrics.back().normalized_change_pct = 30;
  r.metrics.push_back(metric("response time p95", Verdict::sla_breach, 1500, 2500, "SLA breach: 2500 ms is not < 2000 ms"));
  r.metrics.back().sla_limit = 2000, r.metrics.back().sla_op = "<";
  r.metrics.push_back(metric("cpu/parse <fast> & \"quoted\"", Verdict::unchanged, 10, 10.2, "within limits"));
  r.metrics.push_back(metric("gc_pressure", Verdict::missing_data, std::nullopt, std::nullopt,
                             "missing data: no perfval summary in 2026-W47"));
  r.metrics.push_back(metric("throughput", Verdict::inconclusive, 200, 150, "inconclusive: -25.0% vs previous"));
  r.notes.push_back("history gap: 1 week without a run between 2026-W44 and 2026-W46");
  r.current_machine.testbed = {"AMD EPYC", 2};
  r.current_machine.host = "ci-7";
  r.current_machine.load_average = "3.10 2.50 1.90";
  r.inapplicable = {"slurm_api_latency_load"};
  r.inapplicable_why = "they read a load-test summary and 2026-W47 has none";
  return r;
}

TEST(ConsoleReporter, TableReasonsNotesAndHeadline) {
  const std::string out = make_regress_reporter("console")->render(sample_report());
  EXPECT_THAT(out, HasSubstr("2026-W47 vs 2026-W46"));
  EXPECT_THAT(out, HasSubstr("SLA tier: small"));
  EXPECT_THAT(out, HasSubstr("memory/allocation/1024"));
  EXPECT_THAT(out, HasSubstr("+30.0%"));
  EXPECT_THAT(out, HasSubstr("0.0079"));
  EXPECT_THAT(out, HasSubstr("< 2000 ms"));
  EXPECT_THAT(out, HasSubstr("  gc_pressure: missing data: no perfval summary"));
  EXPECT_THAT(out, HasSubstr("history gap"));
  EXPECT_THAT(out, HasSubstr("FAIL: 1 regression, 1 SLA breach; 1 inconclusive (of 5 metrics)"));
  EXPECT_THAT(out, HasSubstr("machine: host ci-7, AMD EPYC, 2 cores, load 3.10 2.50 1.90 at the start"));
  EXPECT_THAT(out, HasSubstr("±4%"));  // the noise column
  EXPECT_THAT(out, HasSubstr("warning: 1 metric is inconclusive"));
  // Columns line up: every table row has the verdict column ending at the same place.
  const auto header = out.find("metric");
  const auto header_end = out.find('\n', header);
  const auto row = out.find("memory/allocation/1024");
  auto columns = [](const std::string& line) {  // display width: UTF-8 continuation bytes ("±") take none
    std::size_t w = 0;
    for (unsigned char c : line) w += (c & 0xC0) != 0x80 ? 1 : 0;
    return w;
  };
  EXPECT_EQ(columns(out.substr(header, header_end - header)), columns(out.substr(row, out.find('\n', row) - row)));
}

TEST(MarkdownReporter, NamesRegressionsForAPullRequestComment) {
  const std::string out = make_regress_reporter("markdown")->render(sample_report());
  EXPECT_THAT(out, HasSubstr("### ❌ perfval regress"));
  EXPECT_THAT(out, HasSubstr("#### Regressions and SLA breaches"));
  EXPECT_THAT(out, HasSubstr("- **memory/allocation/1024**: regressed: +30.0% vs previous"));
  EXPECT_THAT(out, HasSubstr("- **response time p95**: SLA breach"));
  EXPECT_THAT(out, HasSubstr("| Metric | Baseline | Previous | Current |"));
  EXPECT_THAT(out, HasSubstr("cpu/parse \\<fast\\> & \"quoted\""));  // no raw HTML from names
  EXPECT_THAT(out, HasSubstr("<details>"));
  EXPECT_THAT(out, HasSubstr("gc_pressure: missing data"));
  RegressionReport ok;
  ok.current = "c";
  ok.metrics.push_back(metric("a", Verdict::unchanged, 1, 1, "within limits"));
  EXPECT_THAT(make_regress_reporter("markdown")->render(ok), AllOf(HasSubstr("### ✅"), Not(HasSubstr("Regressions"))));
}

TEST(JsonReporter, EveryRowWithNumbersAndVerdictIds) {
  const auto doc = nlohmann::json::parse(make_regress_reporter("json")->render(sample_report()));
  EXPECT_EQ(doc["schema"], "perfval/regress/v1");
  EXPECT_EQ(doc["status"], "failed");
  EXPECT_EQ(doc["exit_code"], 99);
  EXPECT_EQ(doc["counts"]["regressed"], 1);
  EXPECT_EQ(doc["counts"]["missing_data"], 1);
  ASSERT_EQ(doc["metrics"].size(), 5u);
  EXPECT_EQ(doc["metrics"][0]["verdict"], "regressed");
  EXPECT_DOUBLE_EQ(doc["metrics"][0]["change_vs_previous_pct"].get<double>(), 30.0);
  EXPECT_DOUBLE_EQ(doc["metrics"][0]["p_value"].get<double>(), 0.0079);
  EXPECT_EQ(doc["metrics"][1]["sla"]["op"], "<");
  EXPECT_TRUE(doc["metrics"][3]["current"].is_null());
  EXPECT_EQ(doc["sla_tier"], "small");
  EXPECT_EQ(doc["counts"]["inconclusive"], 1);
  EXPECT_EQ(doc["counts"]["unchanged"], 1);
  EXPECT_DOUBLE_EQ(doc["metrics"][0]["noise_pct"].get<double>(), 4.04);
  EXPECT_DOUBLE_EQ(doc["metrics"][0]["normalized_change_pct"].get<double>(), 30);
  EXPECT_EQ(doc["machine"]["current"]["testbed"], "AMD EPYC, 2 cores");
  EXPECT_EQ(doc["inapplicable"]["count"], 1);
  EXPECT_EQ(doc["inapplicable"]["entries"][0], "slurm_api_latency_load");
  EXPECT_EQ(doc["inconclusive"], "pass");
}

TEST(JunitReporter, OneTestCasePerMetricFailuresAndSkips) {
  const std::string out = make_regress_reporter("junit")->render(sample_report());
  EXPECT_THAT(out, HasSubstr("<testsuites name=\"perfval regress\" tests=\"5\" failures=\"2\" errors=\"0\" skipped=\"2\">"));
  EXPECT_THAT(out, HasSubstr("<testcase classname=\"perfval.regress\" name=\"memory/allocation/1024\""));
  EXPECT_THAT(out, HasSubstr("<failure type=\"regressed\" message=\"regressed: +30.0% vs previous\">"));
  EXPECT_THAT(out, HasSubstr("<failure type=\"sla_breach\""));
  EXPECT_THAT(out, HasSubstr("<skipped message=\"missing data: no perfval summary in 2026-W47\"/>"));
  EXPECT_THAT(out, HasSubstr("<skipped message=\"inconclusive: -25.0% vs previous\"/>"));
  EXPECT_THAT(out, HasSubstr("name=\"cpu/parse &lt;fast&gt; &amp; &quot;quoted&quot;\""));
  std::size_t cases = 0;
  for (std::size_t at = out.find("<testcase "); at != std::string::npos; at = out.find("<testcase ", at + 1)) ++cases;
  EXPECT_EQ(cases, 5u);
  RegressionReport strict = sample_report();
  strict.fail_on_missing = true;
  EXPECT_THAT(make_regress_reporter("junit")->render(strict), HasSubstr("failures=\"3\" errors=\"0\" skipped=\"1\""));
  strict.inconclusive_fails = true;  // --inconclusive fail
  EXPECT_THAT(make_regress_reporter("junit")->render(strict), HasSubstr("failures=\"4\" errors=\"0\" skipped=\"0\""));
}

// A comparison stopped before it was done (perfval compare: a failed command, Ctrl-C) is never shown as a pass:
// every format says so, with the exit code of the process, even when the rows judged so far all passed.
TEST(StoppedReport, EveryFormatShowsItAsNotPassed) {
  RegressionReport r;
  r.title = "perfval compare";
  r.metrics.push_back(metric("cpu/x", Verdict::unchanged, 10, 10, "within 5%"));
  r.stopped_code = 105;
  r.stopped_reason = "after 12 of 20 rounds: interrupted";
  EXPECT_EQ(r.exit_code(), 105);
  EXPECT_THAT(r.headline(), HasSubstr("STOPPED after 12 of 20 rounds: interrupted; so far PASS"));
  const auto json = nlohmann::json::parse(make_regress_reporter("json")->render(r));
  EXPECT_EQ(json["status"], "aborted");
  EXPECT_EQ(json["exit_code"], 105);
  EXPECT_THAT(make_regress_reporter("junit")->render(r),
              AllOf(HasSubstr("errors=\"1\""), HasSubstr("<error message=\"stopped after 12 of 20 rounds: interrupted\"/>")));
  EXPECT_THAT(make_regress_reporter("markdown")->render(r), HasSubstr("### ❌ perfval compare — STOPPED"));
  EXPECT_THAT(make_regress_reporter("slack")->render(r), HasSubstr(":x:"));
  EXPECT_THAT(make_regress_reporter("html")->render(r), HasSubstr("✗ STOPPED"));
}

TEST(SlackReporter, BlockKitWithHeadlineTableAndLinks) {
  const auto doc = nlohmann::json::parse(
      make_regress_reporter("slack", {{"Report", "https://ci.example/r/1"}})->render(sample_report()));
  EXPECT_THAT(doc["text"].get<std::string>(), HasSubstr("FAIL"));
  const auto& blocks = doc["blocks"];
  EXPECT_EQ(blocks[0]["type"], "header");
  EXPECT_LE(blocks[0]["text"]["text"].get<std::string>().size(), 150u);
  const std::string all = blocks.dump();
  EXPECT_THAT(all, HasSubstr("memory/allocation/1024"));
  EXPECT_THAT(all, HasSubstr("response time p95"));
  EXPECT_THAT(all, Not(HasSubstr("cpu/parse")));  // the table lists regressions only
  EXPECT_THAT(all, HasSubstr("<https://ci.example/r/1|Report>"));
  EXPECT_THAT(all, HasSubstr("*SLA tier*\\nsmall"));
}

TEST(SlackReporter, LongListsAreCut) {
  RegressionReport r;
  r.current = "c";
  for (int i = 0; i < 40; ++i)
    r.metrics.push_back(metric("bench/" + std::to_string(i), Verdict::regressed, 1, 2, "regressed"));
  const auto doc = nlohmann::json::parse(make_regress_reporter("slack")->render(r));
  const std::string table = doc["blocks"][2]["text"]["text"];
  EXPECT_THAT(table, HasSubstr("… and 25 more"));
  EXPECT_LT(table.size(), 3000u);
}

TEST(ReporterFactory, UnknownFormatSuggestsTheNearest) {
  try {
    make_regress_reporter("markdwn");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("markdwn"), HasSubstr("did you mean \"markdown\"")));
    EXPECT_EQ(e.exit_code(), 2);
  }
  for (const auto& f : regress_formats()) EXPECT_EQ(make_regress_reporter(f)->name(), f);
}

}  // namespace
}  // namespace perfval::report
