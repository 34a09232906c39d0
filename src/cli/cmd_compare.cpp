// `perfval compare`: runs two benchmark commands interleaved (A B B A ...) and judges B against A round by round.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "verdict_cli.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/regression/ab.hpp"
#include "perfval/report/regress_reporter.hpp"

namespace perfval::cli {

namespace {

namespace fs = std::filesystem;

VerdictOptions compare_defaults() {
  const regression::AbOptions o;
  return {o.threshold_pct, o.alpha, o.inconclusive_fails};
}

ArgParser compare_parser() {
  ArgParser p("compare",
              "--a 'COMMAND' --b 'COMMAND' [--rounds N [--max-rounds M [--fail-fast]]] [options]\n"
              "Runs A and B alternately (A B B A A B ...) so both see the same machine, then judges B against A\n"
              "from the per-round ratios. With --max-rounds it is sequential: judged at looks from N to M rounds,\n"
              "doubling (docs/regression.md), it stops as soon as every metric is settled, at M rounds at the latest.\n"
              "A command writes Google Benchmark JSON (or go test -bench text) to {out},\n"
              "or prints it on stdout. Exit codes: 0 no regression, 99 regression, 2 bad input or a failed command,\n"
              "105 interrupted (the complete rounds are still reported).\n"
              "See docs/regression.md (interleaved A/B).");
  p.option("a", "COMMAND", "the reference build's benchmark command, e.g. 'main/build/perfval bench --quick --out {out}'")
      .option("b", "COMMAND", "the candidate build's benchmark command")
      .option("rounds", "N", "A/B rounds, 2-100 (default 10); each round runs both commands once")
      .option("max-rounds", "M",
              "sequential: go on while a metric is unsettled, doubling the rounds, up to M (--rounds to 400)")
      .flag("fail-fast", "sequential: stop at the first look where a metric is regressed (the gate has failed)")
      .flag("no-normalize", "do not take each round's machine shift (control set) out of the ratios")
      .option("out", "DIR", "keep every run's results here (default: a temporary folder, removed afterwards)");
  add_verdict_options(p, compare_defaults(),
                      "significance level of the paired t-tests over rounds, for the whole comparison "
                      "(alpha / m per metric, Bonferroni)");
  return p;
}

regression::AbOptions ab_options(const ParsedArgs& a) {
  regression::AbOptions o;
  const auto cmd_a = a.get("a"), cmd_b = a.get("b");
  if (!cmd_a || cmd_a->empty() || !cmd_b || cmd_b->empty())
    throw Error("perfval compare: --a COMMAND and --b COMMAND are both required");
  o.a = *cmd_a;
  o.b = *cmd_b;
  if (auto r = a.get("rounds")) {
    const long long n = parse_int_arg("--rounds", *r);
    if (n < 2 || n > 100) throw Error("--rounds: must be between 2 and 100, got " + *r);
    o.rounds = static_cast<int>(n);
  }
  if (auto m = a.get("max-rounds")) {
    const long long n = parse_int_arg("--max-rounds", *m);
    if (n < o.rounds || n > 400)
      throw Error("--max-rounds: must be between --rounds (" + std::to_string(o.rounds) + ") and 400, got " + *m);
    o.max_rounds = static_cast<int>(n);
  }
  o.fail_fast = a.has("fail-fast");
  if (o.fail_fast && o.max_rounds <= o.rounds)
    throw Error("--fail-fast: applies to a sequential comparison (--max-rounds above --rounds)");
  const VerdictOptions v = verdict_options(a, compare_defaults());
  o.threshold_pct = v.threshold_pct;
  o.alpha = v.alpha;
  o.inconclusive_fails = v.inconclusive_fails;
  o.normalize = !a.has("no-normalize");
  return o;
}

// Runs round `round` (0-based) of the A B, B A, ... order and returns {A's results, B's results}.
std::array<regression::RunResults, 2> run_round(const regression::AbOptions& o, const fs::path& dir, int round) {
  std::array<regression::RunResults, 2> results;
  const std::string bound = o.max_rounds > o.rounds ? " (at most " + std::to_string(o.max_rounds) + ")"
                                                    : "/" + std::to_string(o.rounds);
  // As wide as the last round's number (at least 2), so the files sort in round order: round-007 ... round-120.
  const std::size_t width = std::max<std::size_t>(2, std::to_string(std::max(o.rounds, o.max_rounds)).size());
  std::string number = std::to_string(round + 1);
  number.insert(0, width - std::min(width, number.size()), '0');
  for (const char* side = regression::ab_round_order(round); *side; ++side) {
    const std::string& command = *side == 'A' ? o.a : o.b;
    const std::string stem = "round-" + number + (*side == 'A' ? "-a" : "-b");
    const bool to_file = command.find("{out}") != std::string::npos;
    const fs::path out = dir / (stem + (to_file ? ".json" : ".txt"));
    const auto started = std::chrono::steady_clock::now();
    results[*side == 'A' ? 0 : 1] =
        regression::run_benchmark_command(command, out.string(), (dir / (stem + ".err")).string());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "perfval compare: round %d%s: %c %.1f s\n", round + 1, bound.c_str(), *side, seconds);
  }
  return results;
}

int run_compare(const std::vector<std::string>& args) {
  const ArgParser parser = compare_parser();
  const ParsedArgs a = parser.parse(args);
  if (a.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  if (!a.positionals.empty()) throw Error("perfval compare: unexpected argument \"" + a.positionals[0] + "\"");
  const regression::AbOptions options = ab_options(a);
  const auto reporter = report::make_regress_reporter(a.get_or("format", "console"), {});
  const bool keep = a.has("out");
  std::optional<PrivateTempDir> scratch;  // without --out: removed when the command ends, however it ends
  if (!keep) scratch.emplace("perfval-compare");
  const fs::path dir = keep ? fs::path(*a.get("out")) : fs::path(scratch->path());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("--out: cannot create " + dir.string() + ": " + ec.message());
  std::optional<regression::AbOutcome> ran;
  {
    const regression::AbStopSignals stop_signals;  // Ctrl-C / SIGTERM: the rounds so far are still reported
    ran = regression::run_ab(
        options, [&](int round) { return run_round(options, dir, round); },
        [](const std::string& line) { std::fprintf(stderr, "perfval compare: %s\n", line.c_str()); });
  }
  if (regression::AbStopSignals::requested() && !ran->failure) {  // it came after the last command
    ran->failure = Error("interrupted after the last round", exit_code::interrupted);
    ran->report.stopped_code = exit_code::interrupted;
    ran->report.stopped_reason = "after the last round: interrupted";
  }
  regression::AbOutcome& outcome = *ran;
  regression::RegressionReport& report = outcome.report;
  report.previous = "A: " + options.a;
  report.current = "B: " + options.b;
  report.notes.push_back(std::to_string(outcome.rounds) + " rounds in the order A B, B A, A B, ...; " +
                         (keep ? "results in " + dir.string() : "results removed (--out DIR keeps them)"));
  emit_report(report, *reporter, a);
  if (outcome.failure) throw *outcome.failure;  // the rounds so far are reported; the command still fails
  return report.exit_code();
}

const CommandRegistration reg{"compare", "run two benchmark commands interleaved (A B B A ...) and judge B against A",
                              &run_compare};

}  // namespace

}  // namespace perfval::cli
