// Tests for checks, TLS timings and protocol warnings in a RunSummary: thresholds on checks{check:...},
// summary.json's fields, the round trip through summary_from_json and merging two segments.
#include <gtest/gtest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/summary.hpp"
#include "perfval/loadgen/summary_io.hpp"
#include "loadgen/threshold_spec.hpp"

namespace perfval::loadgen {
namespace {

using test::threshold;

// Two requests: "metrics" with checks status (9 of 10 pass) and body_contains (all fail), "health" with none.
RunSummary summary_with_checks() {
  RunSummary s;
  s.file = "x.yaml";
  s.name = "x";
  s.duration = 1;
  s.catalog.entries = {{"x", "metrics"}, {"x", "health"}};
  s.catalog.checks = {{{"status", "body_contains"}, {"status is 200", "body contains \"a\""}}, {}};
  s.totals = Stats(2);
  auto& m = s.totals.by_request[0];
  m.requests = 10;
  m.duration.record(1000, 10);
  m.checks = {{9, 1}, {0, 10}};
  m.connecting.record(120, 2);
  m.tls_handshaking.record(900, 2);
  m.tls_resumed = 1;
  m.protocol_warnings = 3;
  s.totals.by_request[1].requests = 5;
  s.totals.by_request[1].duration.record(500, 5);
  s.totals.check_failure_example = "metrics.body_contains: body does not contain \"a\"";
  s.threshold_specs = {threshold("checks", "rate>0.4"), threshold("checks{check:metrics.status}", "rate>0.95")};
  evaluate_summary_thresholds(s);
  return s;
}

TEST(SummaryChecks, ChecksRateOverAllChecksAndPerCheck) {
  const RunSummary s = summary_with_checks();
  ASSERT_EQ(s.thresholds.size(), 2u);
  EXPECT_DOUBLE_EQ(*s.thresholds[0].observed, 9.0 / 20.0);
  EXPECT_TRUE(s.thresholds[0].ok);
  EXPECT_DOUBLE_EQ(*s.thresholds[1].observed, 0.9);
  EXPECT_FALSE(s.thresholds[1].ok);
}

TEST(SummaryChecks, JsonFieldsAndRoundTrip) {
  const RunSummary s = summary_with_checks();
  const auto doc = summary_to_json(s);
  EXPECT_EQ(doc.at("metrics").at("checks").at("passes"), 9);
  EXPECT_EQ(doc.at("metrics").at("checks").at("fails"), 11);
  EXPECT_EQ(doc.at("metrics").at("checks{check:metrics.body_contains}").at("fails"), 10);
  EXPECT_EQ(doc.at("metrics").at("http_req_tls_handshaking").at("count"), 2);
  EXPECT_EQ(doc.at("protocol_warnings"), 3);
  EXPECT_EQ(doc.at("errors").at("tls"), 0);
  const RunSummary back = summary_from_json(doc, "summary.json");
  ASSERT_EQ(back.catalog.checks_of(0).names.size(), 2u);
  EXPECT_EQ(back.catalog.checks_of(0).descriptions[0], "status is 200");
  EXPECT_TRUE(back.catalog.checks_of(1).names.empty());
  EXPECT_EQ(back.totals.by_request[0].checks[0].passes, 9u);
  EXPECT_EQ(back.totals.by_request[0].tls_handshaking.count(), 2);
  EXPECT_EQ(back.totals.by_request[0].tls_resumed, 1u);
  EXPECT_EQ(back.totals.check_failure_example, s.totals.check_failure_example);
  EXPECT_EQ(summary_to_json(back).at("metrics").at("checks"), doc.at("metrics").at("checks"));
}

// Found by fuzz_summary_reader (UBSan: year 0226 overflowed system_clock's nanoseconds in from_time_t).
TEST(SummaryChecks, AStartTimeSystemClockCannotHoldReadsAsUnreadable) {
  auto doc = summary_to_json(summary_with_checks());
  doc["started_at"] = "2200-01-02T03:04:05Z";
  EXPECT_EQ(summary_to_json(summary_from_json(doc, "s.json")).at("started_at"), "2200-01-02T03:04:05Z");
  for (const char* far : {"0226-12-01T14:04:33Z", "1677-01-01T00:00:00Z", "2263-01-01T00:00:00Z", "not a time"}) {
    doc["started_at"] = far;
    EXPECT_EQ(summary_from_json(doc, "s.json").started_at, std::chrono::system_clock::time_point{}) << far;
  }
}

// Found by fuzz_summary_reader: nlohmann's type_error escaped, so `perfval merge` said "internal error".
TEST(SummaryChecks, AFieldOfTheWrongTypeIsAnErrorNamingTheFile) {
  for (const char* key : {"schema", "duration_s", "aborted"}) {
    auto doc = summary_to_json(summary_with_checks());
    doc[key] = nlohmann::json::array();
    try {
      summary_from_json(doc, "s.json");
      ADD_FAILURE() << key << ": no error";
    } catch (const perfval::Error& e) {
      EXPECT_NE(std::string(e.what()).find("s.json"), std::string::npos) << e.what();
    }
  }
}

TEST(SummaryChecks, MergingSegmentsAddsCheckCounts) {
  const auto doc = summary_to_json(summary_with_checks());
  RunSummary a = summary_from_json(doc, "a.json");
  RunSummary b = summary_from_json(doc, "b.json");
  a.segment = "0/2";
  b.segment = "1/2";
  const RunSummary merged = merge_summaries({a, b}, {"a.json", "b.json"});
  EXPECT_EQ(merged.totals.by_request[0].checks[0].passes, 18u);
  EXPECT_EQ(merged.totals.by_request[0].checks[1].fails, 20u);
  EXPECT_EQ(summary_to_json(merged).at("metrics").at("checks{check:metrics.status}").at("rate"), 0.9);
}

TEST(SummaryChecks, TheWorkersSchedulingRoundTripsAndAMergeOfDifferentOnesSaysMixed) {
  RunSummary s = summary_with_checks();
  s.sched = "batch";
  const auto doc = summary_to_json(s);
  EXPECT_EQ(doc.at("config").at("sched"), "batch");
  EXPECT_FALSE(doc.at("config").contains("sched_note"));
  RunSummary a = summary_from_json(doc, "a.json");
  EXPECT_EQ(a.sched, "batch");
  RunSummary b = a;
  b.sched = "normal";
  b.sched_note = "SCHED_BATCH was refused (Operation not permitted): the workers ran under normal scheduling";
  EXPECT_EQ(summary_from_json(summary_to_json(b), "b.json").sched_note, b.sched_note);
  a.segment = "0/2";
  b.segment = "1/2";
  RunSummary c = a;
  c.segment = "1/2";
  EXPECT_EQ(merge_summaries({a, c}, {"a.json", "c.json"}).sched, "batch");
  const RunSummary merged = merge_summaries({a, b}, {"a.json", "b.json"});
  EXPECT_EQ(merged.sched, "mixed");
  EXPECT_EQ(merged.sched_note, b.sched_note);
  // A summary from before the field reads as normal scheduling; a wrong type names the file.
  auto old = doc;
  old["config"].erase("sched");
  EXPECT_EQ(summary_from_json(old, "old.json").sched, "normal");
  old["config"]["sched"] = nlohmann::json::array();
  try {
    summary_from_json(old, "old.json");
    ADD_FAILURE() << "no error";
  } catch (const perfval::Error& e) {
    EXPECT_NE(std::string(e.what()).find("old.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace perfval::loadgen
