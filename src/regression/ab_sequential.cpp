// Sequential A/B: judge after rounds, 2 x rounds, 4 x rounds, ... and stop as soon as every metric is settled, so
// a clear change or a quiet machine costs few rounds and only a close call pays for many.
#include <algorithm>

#include "perfval/regression/ab.hpp"
#include "perfval/regression/format.hpp"

namespace perfval::regression {

std::vector<int> ab_looks(int rounds, int max_rounds) {
  if (rounds < 1) throw Error("A/B rounds must be at least 1, got " + std::to_string(rounds));
  // A second look within half a step of the first would spend half of alpha on a few rounds: one look at the end.
  if (max_rounds > rounds && 2 * max_rounds < 3 * rounds) return {max_rounds};
  std::vector<int> looks{rounds};
  while (looks.back() < max_rounds) {
    const int next = 2 * looks.back();
    // A last step of less than half a step would spend half of alpha on a few rounds: stop at max_rounds instead.
    looks.push_back(next >= max_rounds || 2 * max_rounds < 3 * next ? max_rounds : next);
  }
  return looks;
}

double ab_look_share(std::size_t look, std::size_t looks) {
  if (looks <= 1) return 1;
  return look + 1 == looks ? 0.5 : 0.5 / static_cast<double>(looks - 1);
}

std::vector<std::string> ab_unsettled(const RegressionReport& report, double resolution_pct) {
  std::vector<std::string> out;
  for (const auto& m : report.metrics) {
    const bool open = m.verdict == Verdict::inconclusive ||
                      (m.verdict == Verdict::unchanged && m.detectable_pct && *m.detectable_pct > resolution_pct);
    if (open) out.push_back(m.name + " (" + m.metric + ")");
  }
  return out;
}

namespace {

// "a, b, c and 4 more": a list short enough for one line.
std::string some_of(const std::vector<std::string>& names, std::size_t shown = 3) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > shown) s += " and " + std::to_string(names.size() - shown) + " more";
  return s;
}

}  // namespace

AbOutcome run_ab(const AbOptions& options, const std::function<std::array<RunResults, 2>(int round)>& run_round,
                 const std::function<void(const std::string&)>& progress) {
  const std::vector<int> looks = ab_looks(options.rounds, options.max_rounds);
  std::vector<RunResults> a, b;
  const double resolution = 2 * options.threshold_pct;
  for (std::size_t look = 0; look < looks.size(); ++look) {
    const double share = ab_look_share(look, looks.size());
    while (static_cast<int>(a.size()) < looks[look]) {
      try {
        std::array<RunResults, 2> round = run_round(static_cast<int>(a.size()));
        a.push_back(std::move(round[0]));
        b.push_back(std::move(round[1]));
      } catch (const Error& e) {
        // What was measured is still judged and reported (the rounds so far as this look, at its share of alpha,
        // which no earlier look spent); the caller then fails with the error.
        if (a.size() < 2) throw;
        AbOutcome out{judge_ab(a, b, options, share), static_cast<int>(a.size()), e};
        out.report.notes.push_back("stopped after " + std::to_string(a.size()) + " complete rounds of " +
                                   std::to_string(looks[look]) + " planned: " + e.what());
        out.report.stopped_code = e.exit_code();
        out.report.stopped_reason = "after " + std::to_string(a.size()) + " of " + std::to_string(looks[look]) +
                                    " rounds: " +
                                    (e.exit_code() == exit_code::interrupted ? "interrupted" : "a command failed");
        return out;
      }
    }
    AbOutcome out{judge_ab(a, b, options, share), looks[look], std::nullopt};
    if (looks.size() == 1) return out;
    const std::vector<std::string> open = ab_unsettled(out.report, resolution);
    const std::string where = "look " + std::to_string(look + 1) + " of " + std::to_string(looks.size()) + " (" +
                              std::to_string(looks[look]) + " rounds)";
    const bool last = look + 1 == looks.size();
    // A call at any look is valid at that look's share of alpha, so a regression already fails the gate; later
    // rounds would only settle the other metrics.
    const std::size_t regressed = out.report.count(Verdict::regressed);
    const bool failed = options.fail_fast && regressed > 0;
    if (open.empty() || last || failed) {
      std::string why = open.empty() ? "every metric settled (called, or unchanged with a detectable change within " +
                                           format_number(resolution) + "%)"
                                     : std::to_string(open.size()) + " still unsettled: " + some_of(open);
      if (failed && !open.empty())
        why = std::to_string(regressed) + " regressed (--fail-fast); " + why;
      out.report.notes.push_back("sequential: stopped at " + where + " of at most " + std::to_string(looks.back()) +
                                 ": " + why);
      return out;
    }
    if (progress)
      progress(where + ": " + std::to_string(open.size()) + " unsettled (" + some_of(open) + "); going on to " +
               std::to_string(looks[look + 1]) + " rounds");
  }
  return {};  // not reached: the last look returns
}

}  // namespace perfval::regression
