// Tests for response checks: each kind passes and fails on real response bytes (through the parser and its
// capture, as the engine will run them), and bad `checks:` blocks are rejected with file:line:column.
#include "perfval/loadgen/checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "perfval/common/error.hpp"
#include "perfval/http/response_parser.hpp"

namespace perfval::loadgen {
namespace {

using ::testing::HasSubstr;

RequestChecks checks_of(const std::string& yaml) {
  return parse_checks(YamlValue::load_string(yaml, "plan.yaml").require("checks"));
}

std::string error_of(const std::string& yaml) {
  try {
    checks_of(yaml);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return "";
}

// Parses `wire` keeping what the checks need (as the engine will), then evaluates them.
std::vector<CheckResult> run(const RequestChecks& checks, const std::string& wire, bool head = false) {
  http::ResponseCapture cap;
  cap.keep_headers = checks.needs_headers();
  cap.keep_body = checks.needs_body();
  http::ResponseParser p;
  p.set_capture(&cap);
  p.reset(head);
  auto r = p.feed(wire.data(), wire.size());
  if (r.status == http::ResponseParser::Status::need_more) {
    EXPECT_EQ(p.on_eof(), http::ResponseParser::Status::complete);
  }
  ResponseView view{p.status_code(), p.has_body(), p.body_bytes(), &cap};
  std::vector<CheckResult> results;
  checks.evaluate(view, results);
  return results;
}

std::string ok_response(const std::string& type, const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

const std::string kMetrics =
    "# HELP slurm_nodes Nodes\n# TYPE slurm_nodes gauge\nslurm_nodes 3\n"
    "# TYPE slurm_node_state gauge\nslurm_node_state{node=\"a\"} 1\nslurm_node_state{node=\"b\"} 1\n"
    "# TYPE slurm_rpc_seconds histogram\nslurm_rpc_seconds_bucket{le=\"1\"} 2\nslurm_rpc_seconds_bucket{le=\"+Inf\"} 3\n"
    "slurm_rpc_seconds_sum 1.5\nslurm_rpc_seconds_count 3\n";

TEST(Checks, AllKindsPassOnAGoodExporterResponse) {
  const auto checks = checks_of(
      "checks:\n"
      "  status: [200, 204]\n"
      "  header: {content-type: \"text/plain*\"}\n"
      "  body_contains: [slurm_nodes, \"node=\\\"b\\\"\"]\n"
      "  body_matches: 'slurm_node_state\\{'\n"
      "  body_size: {min: 100, max: 1Ki}\n"
      "  prometheus: {families: [slurm_nodes, slurm_rpc_seconds], min_series: {slurm_node_state: 2, "
      "slurm_rpc_seconds: 4}}\n");
  ASSERT_EQ(checks.size(), 6u);
  EXPECT_TRUE(checks.needs_headers());
  EXPECT_TRUE(checks.needs_body());
  EXPECT_STREQ(checks.name(0), "status");
  EXPECT_EQ(checks.description(0), "status is 200 or 204");
  const auto results = run(checks, ok_response("text/plain; version=0.0.4", kMetrics));
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_TRUE(results[i].passed) << i << ": " << results[i].message;
}

TEST(Checks, EachKindFailsWithAMessageNamingWhatWasSeen) {
  const auto checks = checks_of(
      "checks:\n"
      "  status: 200\n"
      "  header: {Content-Type: \"text/plain*\"}\n"
      "  body_contains: slurm_jobs\n"
      "  body_matches: 'slurm_job_state\\{'\n"
      "  body_size: {min: 10000}\n"
      "  prometheus: {families: [slurm_jobs], min_series: {slurm_node_state: 1000}}\n");
  const auto results = run(checks, "HTTP/1.1 503 Busy\r\nContent-Type: application/json\r\nContent-Length: " +
                                       std::to_string(kMetrics.size()) + "\r\n\r\n" + kMetrics);
  ASSERT_EQ(results.size(), 6u);
  for (const auto& r : results) EXPECT_FALSE(r.passed);
  EXPECT_EQ(results[0].message, "status 503, expected 200");
  EXPECT_EQ(results[1].message, "header Content-Type is \"application/json\", expected \"text/plain*\"");
  EXPECT_EQ(results[2].message, "body does not contain \"slurm_jobs\"");
  EXPECT_EQ(results[3].message, "body does not match /slurm_job_state\\{/");
  EXPECT_THAT(results[4].message, HasSubstr("expected at least 10000"));
  EXPECT_EQ(results[5].message, "family slurm_jobs missing");
}

TEST(Checks, PrometheusCountsSeriesAndRejectsInvalidText) {
  const auto checks = checks_of("checks:\n  prometheus: {min_series: {slurm_node_state: 3}}\n");
  auto r = run(checks, ok_response("text/plain", kMetrics));
  EXPECT_EQ(r[0].message, "slurm_node_state has 2 series, expected at least 3");
  r = run(checks, ok_response("text/plain", kMetrics + "slurm_broken{node=a} 1\n"));
  EXPECT_THAT(r[0].message, HasSubstr("invalid Prometheus text: prometheus text:12:"));
  const auto just_valid = checks_of("checks:\n  prometheus: {}\n");
  EXPECT_TRUE(run(just_valid, ok_response("text/plain", kMetrics))[0].passed);
}

TEST(Checks, JsonPointersCompareValuesByTypeAndExistence) {
  const std::string body = R"({"meta":{"plugin":{"type":"openapi/v0.0.44"},"count":3,"ok":true},"errors":[]})";
  const auto pass = checks_of(
      "checks:\n  json:\n    /meta/plugin/type: openapi/v0.0.44\n    /meta/count: 3\n    /meta/ok: true\n"
      "    /errors: {exists: true}\n    /warnings: {exists: false}\n");
  for (const auto& r : run(pass, ok_response("application/json", body))) EXPECT_TRUE(r.passed) << r.message;

  const auto quoted = checks_of("checks:\n  json: {/meta/count: \"3\"}\n");  // quoted: only the string "3"
  EXPECT_EQ(run(quoted, ok_response("application/json", body))[0].message, "/meta/count is 3, expected \"3\"");
  const auto missing = checks_of("checks:\n  json: {/meta/plugin/name: x}\n");
  EXPECT_EQ(run(missing, ok_response("application/json", body))[0].message, "/meta/plugin/name missing");
  EXPECT_THAT(run(missing, ok_response("application/json", "{not json"))[0].message, HasSubstr("body is not JSON"));
}

TEST(Checks, BodyChecksFailWithoutABodyInsteadOfCrashing) {
  const auto checks = checks_of("checks:\n  status: 200\n  body_contains: x\n  json: {/a: 1}\n  body_size: {max: 10}\n");
  const auto head = run(checks, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", /*head=*/true);
  EXPECT_TRUE(head[0].passed);
  for (std::size_t i = 1; i < head.size(); ++i) EXPECT_EQ(head[i].message, "the response has no body");
  const auto no_content = run(checks, "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(no_content[1].message, "the response has no body");
}

TEST(Checks, StatusAndSizeChecksKeepNothing) {
  const auto checks = checks_of("checks:\n  status: 200\n  body_size: {min: 5}\n");
  EXPECT_FALSE(checks.needs_headers());
  EXPECT_FALSE(checks.needs_body());
  std::vector<CheckResult> results;
  checks.evaluate(ResponseView{200, true, 7, nullptr}, results);  // no capture at all
  EXPECT_TRUE(results[0].passed && results[1].passed);
}

TEST(Checks, HeaderGlobs) {
  const auto checks = checks_of("checks:\n  header: {X-A: \"a?c*\", X-Missing: \"*\"}\n");
  const auto r = run(checks, "HTTP/1.1 200 OK\r\nX-A: abcdef\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r[0].message, "header X-Missing missing");
}

TEST(ChecksErrors, UnknownKindSuggestsTheRightOne) {
  EXPECT_THAT(error_of("checks:\n  status: 200\n  bdy_contains: x\n"),
              HasSubstr("plan.yaml:3:3: checks.bdy_contains: unknown check \"bdy_contains\" (did you mean "
                        "\"body_contains\"?); checks are status, header"));
}

TEST(ChecksErrors, BadValuesNameTheirLocation) {
  EXPECT_THAT(error_of("checks:\n  body_matches: '(unclosed'\n"),
              HasSubstr("plan.yaml:2:17: checks.body_matches: invalid regular expression /(unclosed/"));
  EXPECT_THAT(error_of("checks:\n  json: {meta/x: 1}\n"),
              HasSubstr("plan.yaml:2:10: checks.json.meta/x: invalid JSON pointer \"meta/x\""));
  EXPECT_THAT(error_of("checks:\n  status: [200, 700]\n"), HasSubstr("checks.status[1]: a status code is between"));
  EXPECT_THAT(error_of("checks:\n  body_size: {min: 10, max: 5}\n"), HasSubstr("max is smaller than min"));
  EXPECT_THAT(error_of("checks:\n  body_size: {}\n"), HasSubstr("give min, max or both"));
  EXPECT_THAT(error_of("checks:\n  prometheus: {families: [9bad]}\n"), HasSubstr("invalid metric family name"));
  EXPECT_THAT(error_of("checks:\n  body_contains: \"\"\n"), HasSubstr("an empty string is in every body"));
  EXPECT_THAT(error_of("checks: {}\n"), HasSubstr("expected at least one check"));
  EXPECT_THAT(error_of("checks:\n  json: {/a: [1, 2]}\n"), HasSubstr("expected a value to compare or {exists"));
}

}  // namespace
}  // namespace perfval::loadgen
