// `perfval merge SUMMARY... -o merged.json`: combine the segment summaries of a distributed run exactly and judge
// the thresholds once, on the merged result (exit codes as `perfval run`).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "perfval/common/args.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/loadgen/summary_io.hpp"
#include "perfval/report/run_console.hpp"

namespace perfval::cli {

namespace {
int merge(const std::vector<std::string>& args) {
  ArgParser p("merge", "SUMMARY.json... -o MERGED.json");
  p.option("o", "FILE", "write the merged summary here (atomically)")
      .option("out", "FILE", "same as -o")
      .flag("allow-partial", "merge even if some segments are missing")
      .flag("quiet", "do not print the merged summary")
      .flag("dry-run", "read and check the summaries, print what would be merged, write nothing");
  std::vector<std::string> normalized;
  for (const auto& a : args) normalized.push_back(a == "-o" ? "--o" : a);
  const ParsedArgs a = p.parse(normalized);
  if (a.help) {
    std::printf("%s", p.help().c_str());
    return exit_code::ok;
  }
  if (a.positionals.empty()) throw Error("perfval merge: give the summary files to merge\n" + p.help());
  const auto out = a.has("o") ? a.get("o") : a.get("out");
  if (!out && !a.has("dry-run")) throw Error("perfval merge: -o MERGED.json is required");
  std::vector<loadgen::RunSummary> parts;
  for (const auto& f : a.positionals) parts.push_back(loadgen::read_summary(f));
  const loadgen::RunSummary merged = loadgen::merge_summaries(parts, a.positionals, a.has("allow-partial"));
  if (a.has("dry-run")) {
    std::printf("would merge %zu summaries of \"%s\" (%llu requests)\n", parts.size(), merged.name.c_str(),
                static_cast<unsigned long long>(merged.totals.total().requests));
    return exit_code::ok;
  }
  write_file_atomic(*out, loadgen::summary_to_json(merged).dump(2) + "\n");
  if (!a.has("quiet")) std::fputs(report::render_run_summary(merged).c_str(), stdout);
  std::printf("merged %zu summaries into %s\n", parts.size(), out->c_str());
  if (merged.interrupted) return exit_code::interrupted;
  return merged.passed() ? exit_code::ok : exit_code::threshold_failed;
}

const CommandRegistration reg{"merge", "merge the summaries of a distributed run and judge its thresholds", &merge};
}  // namespace

}  // namespace perfval::cli
