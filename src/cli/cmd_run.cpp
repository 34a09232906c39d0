// `perfval run SCENARIO.yaml`: load a scenario, start embedded targets, run the engine, report, write, exit.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/duration.hpp"
#include "perfval/common/error.hpp"
#include "perfval/loadgen/engine.hpp"
#include "perfval/report/html.hpp"
#include "perfval/report/prometheus.hpp"
#include "perfval/report/run_console.hpp"
#include "perfval/report/run_slack.hpp"
#include "perfval/report/slack_client.hpp"
#include "perfval/target/embedded.hpp"

namespace perfval::cli {

namespace {
ArgParser run_parser() {
  ArgParser p("run", "SCENARIO.yaml [options]");
  p.option("target", "URL", "replace the scenario's target (base URL)")
      .option("vus", "N", "override the number of VUs")
      .option("duration", "D", "override the duration, e.g. 30s")
      .option("rate", "R", "override the arrival rate (iterations per timeUnit)")
      .option("scenario", "NAME", "run only this named scenario of the file")
      .option("threads", "N", "worker threads (default: one per core)")
      .option("sched", "normal|batch",
              "the workers' CPU scheduling; batch: waking, they do not preempt a target sharing their cores (default normal)")
      .option("out", "DIR", "write DIR/summary.json and DIR/report.html (atomically; also when interrupted)")
      .option("segment", "i/N", "run only segment i of N of the load (distributed runs)")
      .option("start-at", "TIME", "start at this instant (RFC 3339 or Unix seconds), for distributed runs")
      .option("metrics-listen", "HOST:PORT", "serve live Prometheus metrics here while the run goes on")
      .flag("slack", "post the summary to Slack (webhook from SLACK_WEBHOOK_URL or --slack-webhook-file)")
      .option("slack-webhook-file", "PATH", "file holding the Slack webhook URL (a mounted Secret)")
      .option("ca-file", "PEM", "CA bundle to verify the Slack endpoint with (private CAs)")
      .flag("quiet", "no live progress line")
      .flag("dry-run", "validate the scenario and options, print the plan, and exit");
  report::add_push_options(p);
  return p;
}

std::chrono::system_clock::time_point parse_start_at(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(std::stoll(text)));
  }
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr || (*end != 'Z' && *end != '\0')) {
    throw Error("option --start-at: expected RFC 3339 UTC (2026-11-22T10:00:00Z) or Unix seconds, got \"" + text + "\"");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

void raise_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

loadgen::Overrides overrides_from(const ParsedArgs& a) {
  loadgen::Overrides o;
  o.target = a.get("target");
  if (auto v = a.get("vus")) {
    o.vus = parse_int_arg("vus", *v);
    if (*o.vus < 1) throw Error("option --vus: must be at least 1");
  }
  if (auto v = a.get("duration")) {
    o.duration = parse_duration(*v);
    if (!o.duration || o.duration->count() <= 0) throw Error("option --duration: expected a positive duration such as 30s, got \"" + *v + "\"");
  }
  if (auto v = a.get("rate")) {
    o.rate = parse_number_arg("rate", *v);
    if (*o.rate <= 0) throw Error("option --rate: must be greater than zero");
  }
  o.scenario = a.get("scenario");
  return o;
}

// Starts one in-process target per scenario that asks for `embedded` and points the scenario at it.
std::vector<std::unique_ptr<target::EmbeddedTarget>> start_embedded(loadgen::TestPlan& plan) {
  std::vector<std::unique_ptr<target::EmbeddedTarget>> started;
  for (auto& s : plan.scenarios) {
    if (!s.embedded) continue;
    auto t = std::make_unique<target::EmbeddedTarget>(*s.embedded);
    t->start();
    s.base_url = t->base_url();
    started.push_back(std::move(t));
  }
  return started;
}

void post_summary_to_slack(const loadgen::RunSummary& summary, const std::string& url, const std::string& ca_file) {
  report::SlackOptions o;
  o.ca_file = ca_file;
  const auto r = report::post_to_slack(url, report::run_slack_payload(summary), o);
  if (r.ok) std::fprintf(stderr, "posted the summary to Slack\n");
  else std::fprintf(stderr, "perfval: warning: Slack post failed after %d attempt(s): %s (exit code unaffected)\n", r.attempts, r.error.c_str());
}

// DIR/summary.json, then DIR/report.html rendered from the same document. A report that cannot be made is a
// warning: it changes neither the summary nor the verdict. Returns whether the report was written.
bool write_results(const std::string& dir, const loadgen::RunSummary& summary) {
  const nlohmann::json doc = loadgen::summary_to_json(summary);
  write_file_atomic(dir + "/summary.json", doc.dump(2) + "\n");
  try {
    write_file_atomic(dir + "/report.html", report::render_run_html({{dir + "/summary.json", doc}}));
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "perfval: warning: %s/report.html not written: %s\n", dir.c_str(), e.what());
    return false;
  }
}

void print_plan(const loadgen::TestPlan& plan) {
  std::printf("scenario file %s is valid: %zu scenario(s), %zu threshold(s), at most %s\n", plan.file.c_str(),
              plan.scenarios.size(), plan.thresholds.size(), format_duration(loadgen::max_total_duration(plan)).c_str());
  for (const auto& s : plan.scenarios) {
    std::printf("  %s: %s -> %s\n", s.name.c_str(), loadgen::to_string(s.executor.kind),
                s.embedded ? "embedded target" : loadgen::echo_base_url(s).c_str());
  }
}

int run(const std::vector<std::string>& args) {
  const ArgParser parser = run_parser();
  const ParsedArgs a = parser.parse(args);
  if (a.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  if (a.positionals.size() != 1) throw Error("perfval run: expected exactly one scenario file\n" + parser.help());
  loadgen::TestPlan plan = loadgen::load_test_plan(a.positionals[0]);
  loadgen::apply_overrides(plan, overrides_from(a));
  loadgen::EngineOptions options;
  if (auto v = a.get("threads")) {
    options.threads = static_cast<int>(parse_int_arg("threads", *v));
    if (options.threads < 1 || options.threads > 256) throw Error("option --threads: must be between 1 and 256");
  }
  if (auto v = a.get("sched")) {
    if (*v != "normal" && *v != "batch") throw Error("option --sched: expected normal or batch, got \"" + *v + "\"");
    options.batch_scheduling = *v == "batch";
  }
  if (auto v = a.get("segment")) options.segment = loadgen::parse_segment(*v);
  if (auto v = a.get("start-at")) options.start_at = parse_start_at(*v);
  const auto out_dir = a.get("out");
  const auto push = report::push_options_from(a);
  std::string slack_url;
  if (a.has("slack")) slack_url = report::slack_webhook_url(a.get_or("slack-webhook-file", ""));
  if (a.has("dry-run")) {
    print_plan(plan);
    return exit_code::ok;
  }
  raise_file_limit();
  std::unique_ptr<report::LiveMetrics> live;
  if (auto listen = a.get("metrics-listen")) {
    live = std::make_unique<report::LiveMetrics>(*listen);
    std::fprintf(stderr, "serving live metrics on http://%s/metrics\n", listen->c_str());
    options.on_delta = [&live](const loadgen::Stats& d, const loadgen::RequestCatalog& c) { live->add(d, c); };
  }
  auto targets = start_embedded(plan);
  const bool tty = isatty(STDERR_FILENO) == 1;
  const bool quiet = a.has("quiet");
  // A terminal gets one updating line; logs (Kubernetes) get a plain line every 10 s.
  options.on_progress = [tty, quiet, tick = 0, &live](const loadgen::LiveView& v) mutable {
    if (live) live->set_vus(v.gauges.vus);
    if (live && v.resources) live->set_resources(*v.resources);
    if (quiet) return;
    const std::string line = report::render_progress(v);
    if (tty) std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    else if (++tick % 10 == 0) std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };
  loadgen::RunSummary summary = loadgen::run_plan(plan, options);
  if (tty && !quiet) std::fprintf(stderr, "\n");
  for (auto& t : targets) t->stop();
  const bool report_written = out_dir && write_results(*out_dir, summary);
  std::fputs(report::render_run_summary(summary).c_str(), stdout);
  if (out_dir) std::printf("summary written to %s/summary.json%s\n", out_dir->c_str(), report_written ? ", report to report.html" : "");
  std::fflush(stdout);
  // Notifications come last: a Pushgateway or Slack that is down is reported but changes no verdict or file.
  report::push_and_report(push, report::load_test_metrics(summary, push ? push->prefix : "slurm"));
  if (a.has("slack")) post_summary_to_slack(summary, slack_url, a.get_or("ca-file", ""));
  if (summary.interrupted) return exit_code::interrupted;
  // A segment's share alone cannot be judged (a count or rate threshold is about the whole run):
  // `perfval merge` evaluates the thresholds on the merged segments. abortOnFail still stops a segment.
  if (options.segment.count > 1 && !summary.aborted) return exit_code::ok;
  // A run that measured nothing proves nothing, whatever its thresholds say.
  if (summary.totals.total().requests == 0) {
    std::fprintf(stderr, "perfval run: no request finished, so nothing was measured\n");
    return exit_code::measurement_failed;
  }
  return summary.passed() ? exit_code::ok : exit_code::threshold_failed;
}

const CommandRegistration reg{"run", "run a load-test scenario (YAML) and gate on its thresholds", &run};
}  // namespace

}  // namespace perfval::cli
