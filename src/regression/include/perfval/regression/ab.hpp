// Interleaved A/B comparison: two benchmark commands run alternately (A B B A A B ...) so both see the same
// machine; each round's B/A ratio is one paired observation and the rounds, not the repetitions, are the unit.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "perfval/common/error.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/regression/results.hpp"

namespace perfval::regression {

struct AbOptions {
  std::string a;                 // command of the reference build (shell), e.g. "old/perfval bench --quick --out {out}"
  std::string b;                 // command of the candidate build
  int rounds = 10;               // A/B pairs; each round runs both commands once (the first look when sequential)
  int max_rounds = 0;            // > rounds: sequential, going on (2x, 4x, ... rounds) while a metric is unsettled
  bool fail_fast = false;        // sequential: stop at the first look where a metric is called regressed
  double threshold_pct = 5;      // change of B against A that counts, percent
  double alpha = 0.01;           // significance level for the whole comparison: alpha / m per metric of m tested
  bool normalize = true;         // take each round's machine shift (control set, when both sides run it) out
  bool inconclusive_fails = false;  // an inconclusive metric fails the gate
};

// The two sides of round r (0-based) in the order they run: A then B when r is even, B then A when odd, so the
// steps go "ABBAAB...".
const char* ab_round_order(int round);

// Sequential A/B. The rounds at which the data are judged: rounds, 2 x rounds, 4 x rounds, ... and max_rounds
// last (only `rounds` when max_rounds <= rounds); a look that would leave less than half a step to max_rounds
// is max_rounds itself (10, 21: 10 and 21, not 10, 20, 21; 10, 14: only 14). Throws Error when rounds < 1.
std::vector<int> ab_looks(int rounds, int max_rounds);
// Share of alpha spent at look `look` (0-based) of `looks`: half at the last look, the other half split evenly
// over the earlier ones (Bonferroni over looks, so the whole comparison stays within alpha); 1 for one look.
double ab_look_share(std::size_t look, std::size_t looks);
// Metrics the data cannot settle yet, as "name (metric)": inconclusive ones, and unchanged ones whose smallest
// detectable change is above resolution_pct (the data would not have seen a change of that size).
std::vector<std::string> ab_unsettled(const RegressionReport& report, double resolution_pct);

// Per round, log(B / A) of a metric's median, in the bad direction when `bad_positive`; exposed for tests.
struct PairedChange {
  double mean = 0;        // mean of the per-round log ratios
  double sd = 0;          // their sample standard deviation
  std::size_t rounds = 0; // rounds with a value on both sides
  double t = 0;           // mean / (sd / sqrt(rounds)); 0 when sd is 0 and mean is 0
  double p_value = 1;     // two-sided p of Student's t with rounds - 1 degrees of freedom
};
PairedChange paired_change(const std::vector<double>& log_ratios);

// Runs `command` with /bin/sh -c. "{out}" in it is replaced by `out_file` (the command writes its results
// there); without it, the command's standard output is saved to `out_file`. Its standard error goes to
// `err_file`. Returns the results read from `out_file`; throws Error (exit 2) naming the command, its exit
// status and the tail of its standard error when it fails or writes nothing readable (exit 105 when
// interrupted: the command died of SIGINT/SIGTERM or exited 105, or, under an AbStopSignals guard, a stop signal
// came). Its standard input is /dev/null.
RunResults run_benchmark_command(const std::string& command, const std::string& out_file, const std::string& err_file);

// While alive, SIGINT, SIGTERM, SIGHUP and SIGQUIT (those not ignored on the way in) do not stop perfval: they
// are passed on to the command running (each command then runs in a process group of its own, so everything its
// shell started gets them; a second signal kills the group), no further command starts, and
// run_benchmark_command throws Error(exit 105), so the rounds so far can still be reported. Without a guard a
// signal acts as it always does (commands share perfval's group). One guard at a time.
class AbStopSignals {
 public:
  AbStopSignals();
  ~AbStopSignals();
  static bool requested();  // a stop signal came while this guard (or, once it ended, the last one) was alive
  AbStopSignals(const AbStopSignals&) = delete;
  AbStopSignals& operator=(const AbStopSignals&) = delete;
};

// One row per benchmark time (and per-op metric) present on both sides: previous = A's median over rounds,
// current = B's; regressed / improved when beyond the threshold and p < alpha / m (m rows with a paired test,
// Bonferroni), inconclusive when beyond the threshold only. a_runs[i] and b_runs[i] are round i's runs.
// look_share: the fraction (0-1] of alpha this judgement may spend: 1 for a fixed comparison, ab_look_share()
// for one look of a sequential one.
RegressionReport judge_ab(const std::vector<RunResults>& a_runs, const std::vector<RunResults>& b_runs,
                          const AbOptions& options, double look_share = 1);

// Runs and judges an A/B comparison: run_round(r) runs round r (0-based) and returns {A's run, B's run}. Fixed
// (max_rounds <= rounds): `rounds` rounds, one judgement. Sequential: judged at every look of ab_looks() with
// that look's share of alpha; stops at the first look where no metric is unsettled at a resolution of twice the
// threshold (or, with fail_fast, where a metric is regressed), else at max_rounds. progress gets one line per
// look that goes on. The report's notes say where it stopped and why.
// When a round fails (a command fails, or the run is interrupted) after at least two complete rounds, the rounds
// so far are judged at the current look's share, the report says where it stopped, and `failure` holds the error
// (the command then exits with its code, after writing the report); with fewer rounds the error is thrown.
struct AbOutcome {
  RegressionReport report;
  int rounds = 0;                 // complete rounds judged
  std::optional<Error> failure;   // why the comparison stopped before it was done
};
AbOutcome run_ab(const AbOptions& options, const std::function<std::array<RunResults, 2>(int round)>& run_round,
                 const std::function<void(const std::string&)>& progress = {});

}  // namespace perfval::regression
