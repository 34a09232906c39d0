// Stable MemoryManager results for reporters. Google Benchmark 1.7.1 stores each repetition's
// MemoryManager::Result in a std::vector that grows while later repetitions run, so earlier repetitions'
// Run::memory_result pointers dangle by the time they are reported (garbage max_bytes_used in the JSON).
// The ledger keeps a copy of every result; the wrapper points each reported run at its copy.
#pragma once

#include <benchmark/benchmark.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace perfval::bench {

class MemoryResultLedger {
 public:
  using Result = benchmark::MemoryManager::Result;

  // Called from MemoryManager::Stop with the pointer Google Benchmark will later put in the run.
  void record(const Result* where, const Result& value);
  // The copy for this run (the earliest unclaimed result recorded at the run's pointer), or null. Asking again
  // for the same run and repetition returns the same copy, so several reporters agree.
  const Result* claim(const std::string& run_name, std::int64_t repetition, const Result* where);
  // Drops results nobody claimed (repetitions that failed); call after a benchmark's runs are reported.
  void drop_unclaimed();

 private:
  struct Entry {
    const Result* where;  // address Google Benchmark handed to Stop
    Result value;         // what Stop wrote there
    bool claimed = false;
  };
  std::vector<Entry> pending_;
  std::deque<Result> stable_;                                          // claimed copies; addresses never move
  std::map<std::pair<std::string, std::int64_t>, const Result*> by_run_;  // run name, repetition -> copy
};

// Forwards to `inner` after pointing each run's memory_result at the ledger's copy.
class StableMemoryReporter final : public benchmark::BenchmarkReporter {
 public:
  StableMemoryReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner, MemoryResultLedger& ledger,
                       bool drops_after_report);
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  MemoryResultLedger& ledger_;
  bool drops_after_report_;  // the last reporter to see a batch clears what was not claimed
};

}  // namespace perfval::bench
