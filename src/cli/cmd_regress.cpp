// `perfval regress`: compare results with baselines, the previous run and the history; gate with exit 99.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "verdict_cli.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/regression/history.hpp"
#include "perfval/report/prometheus.hpp"
#include "perfval/report/regress_reporter.hpp"
#include "perfval/report/slack_client.hpp"

namespace perfval::cli {

namespace {

namespace fs = std::filesystem;
using regression::RunResults;

VerdictOptions regress_defaults() {
  const regression::GateOptions g;
  return {g.threshold_pct, g.alpha, g.inconclusive_fails};
}

ArgParser regress_parser() {
  ArgParser p("regress",
              "--baseline FILE [--current PATH] [--previous PATH | --history DIR]\n"
              "                       [--format console|markdown|json|junit|slack|html] [--report FILE] [--slack]\n"
              "PATH is a summary.json, Google Benchmark JSON, `go test -bench` output, or a folder of them.\n"
              "Exit codes: 0 no regression and no SLA breach, 99 regression or SLA breach, 2 bad input.\n"
              "See docs/regression.md.");
  p.option("baseline", "FILE", "baselines YAML (docs/baselines.md)")
      .option("current", "PATH", "results to judge (default: the newest run of --history)")
      .option("previous", "PATH", "results to compare with")
      .option("history", "DIR", "results history, one folder per run or ISO week (e.g. results/2026-W46/)")
      .option("noise-floor", "PCT", "run-to-run noise of one run, at least (default 20; 3x for wall-clock benchmarks)")
      .flag("strict-testbed", "judge absolute benchmark baselines measured on another machine too")
      .flag("no-normalize", "do not take the machine's shift (control set) out of benchmark changes")
      .option("sla-tier", "TIER", "small, medium or large (default: baselines sla:, else target.nodes)")
      .flag("fail-on-missing", "missing data fails the gate too (exit 99)")
      .flag("no-change-points", "skip change-point detection over the history")
      .flag("update-baseline", "write the current measured values into the baselines file and exit")
      .flag("slack", "post the result to Slack (SLACK_WEBHOOK_URL or --slack-webhook-file)")
      .option("slack-webhook-file", "PATH", "file holding the webhook URL (e.g. a mounted Kubernetes Secret)")
      .option("ca-file", "PATH", "PEM CA bundle for the Slack HTTPS connection (private CAs)")
      .option("link", "TEXT=URL", "a link to show in the Slack message (repeatable)")
      .flag("dry-run", "read and check the baselines and inputs, say what would be compared, and exit");
  add_verdict_options(p, regress_defaults(),
                      "significance level for the whole comparison (alpha / m per metric compared, Bonferroni)");
  report::add_push_options(p);
  return p;
}

regression::GateOptions gate_options(const ParsedArgs& a) {
  regression::GateOptions o;
  const VerdictOptions v = verdict_options(a, regress_defaults());
  o.threshold_pct = v.threshold_pct;
  o.alpha = v.alpha;
  o.inconclusive_fails = v.inconclusive_fails;
  if (auto f = a.get("noise-floor")) o.noise_floor_pct = parse_number_arg("--noise-floor", *f);
  if (o.noise_floor_pct < 0) throw Error("--noise-floor: must not be negative");
  o.strict_testbed = a.has("strict-testbed");
  o.normalize = !a.has("no-normalize");
  if (auto tier = a.get("sla-tier")) {
    o.sla_tier = regression::parse_sla_tier(*tier);
    if (!o.sla_tier) throw Error("--sla-tier: expected small, medium or large, got \"" + *tier + "\"");
  }
  o.fail_on_missing = a.has("fail-on-missing");
  o.change_points = !a.has("no-change-points");
  return o;
}

std::vector<report::ReportLink> links(const ParsedArgs& a) {
  std::vector<report::ReportLink> out;
  for (const auto& l : a.all("link")) {
    const auto eq = l.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--link: expected TEXT=URL, got \"" + l + "\"");
    out.push_back({l.substr(0, eq), l.substr(eq + 1)});
  }
  const char* server = std::getenv("GITHUB_SERVER_URL");
  const char* repo = std::getenv("GITHUB_REPOSITORY");
  const char* run = std::getenv("GITHUB_RUN_ID");
  if (server && repo && run) out.push_back({"CI run", std::string(server) + "/" + repo + "/actions/runs/" + run});
  if (const char* job = std::getenv("CI_JOB_URL")) out.push_back({"CI job", job});
  return out;
}

struct Inputs {
  RunResults current;
  std::optional<RunResults> previous;
  std::vector<RunResults> history;  // oldest first, current excluded
  std::vector<std::string> notes;
};

bool same_path(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

Inputs load_inputs(const ParsedArgs& a) {
  if (a.has("previous") && a.has("history")) throw Error("give --previous PATH or --history DIR, not both");
  if (!a.has("current") && !a.has("history")) throw Error("nothing to judge: give --current PATH or --history DIR");
  Inputs in;
  if (auto dir = a.get("history")) {
    regression::History h = regression::load_history(*dir);
    in.history = std::move(h.runs);
    in.notes = std::move(h.notes);
  }
  if (auto cur = a.get("current")) {
    in.current = regression::read_results(*cur);
    std::erase_if(in.history, [&](const RunResults& r) { return same_path(r.path, *cur); });
  } else {
    in.current = std::move(in.history.back());
    in.history.pop_back();
  }
  if (auto prev = a.get("previous")) in.previous = regression::read_results(*prev);
  else if (!in.history.empty()) in.previous = in.history.back();
  else if (a.has("history")) in.notes.push_back("history holds only the current run: nothing earlier to compare with");
  return in;
}

int update_baseline(const regression::BaselineFile& baselines, const RunResults& current) {
  const auto values = regression::measured_baseline_values(baselines, current);
  std::string skipped;
  for (const auto& e : baselines.entries)
    if (!values.count(e.name)) skipped += (skipped.empty() ? "" : ", ") + e.name;
  if (values.empty())
    throw Error(baselines.path + ": nothing to update: " + current.label + " provides none of the baseline metrics");
  const regression::Testbed& testbed = current.machine.testbed;
  const std::string text = regression::update_baseline_text(baselines, values, testbed);
  regression::parse_baselines(text, baselines.path);  // never write a file we cannot read back
  write_file_atomic(baselines.path, text);
  std::printf("updated %zu of %zu baselines in %s from %s\n", values.size(), baselines.entries.size(),
              baselines.path.c_str(), current.label.c_str());
  if (!skipped.empty()) std::printf("not updated (no measured value): %s\n", skipped.c_str());
  if (testbed.known()) std::printf("testbed: %s\n", testbed.fingerprint().c_str());
  else std::printf("testbed: unknown (%s does not say which machine it ran on); testbed: left as it was\n",
                   current.label.c_str());
  return exit_code::ok;
}

void post_slack(const regression::RegressionReport& report, const std::string& url, const ParsedArgs& a) {
  report::SlackOptions o;
  o.ca_file = a.get_or("ca-file", "");
  const std::string payload = report::make_slack_regress_reporter(links(a))->render(report);
  const report::SlackPostResult r = report::post_to_slack(url, payload, o);
  if (r.ok) std::fprintf(stderr, "perfval: slack: message posted\n");
  else std::fprintf(stderr, "perfval: warning: slack: %s; the gate result is unchanged\n", r.error.c_str());
}

// <prefix>_regression_* gauges (docs/metrics.md): one verdict per row, the count of failing rows, the time.
std::vector<report::PushedMetric> regression_metrics(const regression::RegressionReport& r, const std::string& prefix) {
  std::vector<report::PushedMetric> out;
  double failing = 0;
  for (const auto& m : r.metrics) {
    double code = 0;  // unchanged, improved, inconclusive
    if (m.verdict == regression::Verdict::regressed) code = 1;
    if (m.verdict == regression::Verdict::sla_breach) code = 2;
    if (m.verdict == regression::Verdict::missing_data) code = 3;
    if (code == 1 || code == 2) ++failing;
    out.push_back({prefix + "_regression_verdict", "Verdict per metric: 0 ok, 1 regressed, 2 SLA breach, 3 missing data",
                   {{"metric", m.name}}, code});
    if (m.change_vs_previous_pct) {
      out.push_back({prefix + "_regression_change_percent", "Change against the previous run, percent",
                     {{"metric", m.name}}, *m.change_vs_previous_pct});
    }
  }
  out.push_back({prefix + "_regression_regressions", "Metrics regressed or in SLA breach", {}, failing});
  out.push_back({prefix + "_regression_gate_failed", "1 if the regression gate failed, else 0", {}, r.gate_failed() ? 1.0 : 0.0});
  out.push_back({prefix + "_last_regression_check_timestamp", "Unix time of the last regression check", {},
                 std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()});
  return out;
}

int run_regress(const std::vector<std::string>& args) {
  const ArgParser parser = regress_parser();
  const ParsedArgs a = parser.parse(args);
  if (a.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  if (!a.positionals.empty()) throw Error("perfval regress: unexpected argument \"" + a.positionals[0] + "\"");
  const auto baseline_path = a.get("baseline");
  if (!baseline_path) throw Error("perfval regress: --baseline FILE is required");
  const regression::BaselineFile baselines = regression::load_baselines(*baseline_path);
  const regression::GateOptions options = gate_options(a);
  const auto reporter = report::make_regress_reporter(a.get_or("format", "console"), links(a));
  const std::string slack_url = a.has("slack") ? report::slack_webhook_url(a.get_or("slack-webhook-file", "")) : "";
  const auto push = report::push_options_from(a);
  Inputs in = load_inputs(a);
  if (a.has("dry-run")) {
    std::printf("baselines %s: %zu entries; inputs read; would compare %s\n", baseline_path->c_str(),
                baselines.entries.size(), in.previous ? "the current run with the previous one" : "the current run with the baselines");
    return exit_code::ok;
  }
  if (a.has("update-baseline")) return update_baseline(baselines, in.current);

  regression::RegressionReport report = regression::evaluate(baselines, in.current, in.previous, in.history, options);
  report.notes.insert(report.notes.end(), in.notes.begin(), in.notes.end());
  emit_report(report, *reporter, a);
  if (!slack_url.empty()) post_slack(report, slack_url, a);
  report::push_and_report(push, regression_metrics(report, push ? push->prefix : "slurm"));
  if (report.nothing_judged() && !report.gate_failed())
    std::fprintf(stderr, "perfval: error: nothing could be judged: every metric is missing data (see the reasons above)\n");
  return report.exit_code();
}

const CommandRegistration reg{"regress", "detect regressions and gate on baselines, history and SLA tiers",
                              &run_regress};

}  // namespace

}  // namespace perfval::cli
