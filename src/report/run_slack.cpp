// run_slack_payload: Block Kit message for a load run, posted by `perfval run --slack`.
#include "perfval/report/run_slack.hpp"
#include "perfval/common/format.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace perfval::report {

std::string run_slack_payload(const loadgen::RunSummary& s) {
  using nlohmann::json;
  const loadgen::RequestStats t = s.totals.total();
  const double reqs = static_cast<double>(t.requests);
  const bool ok = s.passed();
  const std::string verdict = ok ? "✅ LOAD TEST PASSED" : "❌ LOAD TEST FAILED";
  auto ms = [&](double q) { return format_double("%.1f ms", static_cast<double>(t.duration.value_at_percentile(q)) / 1000.0); };
  json fields = json::array({
      {{"type", "mrkdwn"}, {"text", "*Requests*\n" + format_double("%.0f", reqs) + " (" + format_double("%.1f/s", s.duration > 0 ? reqs / s.duration : 0) + ")"}},
      {{"type", "mrkdwn"}, {"text", "*p95 / p99*\n" + ms(95) + " / " + ms(99)}},
      {{"type", "mrkdwn"}, {"text", "*Failed*\n" + format_double("%.3f %%", reqs > 0 ? 100.0 * static_cast<double>(t.failed) / reqs : 0)}},
      {{"type", "mrkdwn"}, {"text", "*Duration*\n" + format_double("%.0f s", s.duration)}},
  });
  std::string failed;
  for (const auto& th : s.thresholds) {
    if (!th.ok) {
      failed += "• `" + th.metric + "` " + th.expression + " — observed " +
                (th.observed ? format_double("%g", *th.observed) : std::string("no data")) + "\n";
    }
  }
  json blocks = json::array({
      {{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", verdict + ": " + s.name}}}},
      {{"type", "section"}, {"fields", fields}},
  });
  if (!failed.empty()) blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "*Failed thresholds*\n" + failed}}}});
  if (s.aborted) blocks.push_back({{"type", "context"}, {"elements", json::array({{{"type", "mrkdwn"}, {"text", "Run aborted: " + s.abort_reason}}})}});
  blocks.push_back({{"type", "context"}, {"elements", json::array({{{"type", "mrkdwn"}, {"text", "scenario file `" + s.file + "`"}}})}});
  return json{{"text", verdict + ": " + s.name}, {"blocks", blocks}}.dump();
}

}  // namespace perfval::report
