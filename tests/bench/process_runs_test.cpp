// `perfval bench --processes N`: the documents of N processes become one whose samples say their process.
#include <gtest/gtest.h>

#include "perfval/bench/process_runs.hpp"

namespace perfval::bench {
namespace {

using nlohmann::json;

json process_doc(double real, double cpu, double counter) {
  return {{"context", {{"host_name", "h"}, {"num_cpus", 2}}},
          {"benchmarks",
           {{{"name", "cpu/x"}, {"run_name", "cpu/x"}, {"run_type", "iteration"}, {"repetitions", 1},
             {"repetition_index", 0}, {"iterations", 100}, {"real_time", real}, {"cpu_time", cpu},
             {"time_unit", "ns"}, {"items_per_second", counter}},
            {{"name", "cpu/x_mean"}, {"run_name", "cpu/x"}, {"run_type", "aggregate"}, {"aggregate_name", "mean"},
             {"real_time", real}, {"cpu_time", cpu}, {"time_unit", "ns"}}}}};
}

TEST(ProcessRuns, EveryRowKeepsItsProcessAndTheMedianIsOverProcesses) {
  const json merged =
      merge_process_runs({process_doc(10, 9, 100), process_doc(30, 29, 50), process_doc(20, 19, 70)}, 1, true);
  EXPECT_EQ(merged["context"]["perfval_processes"], 3);
  EXPECT_EQ(merged["context"]["perfval_repetitions_per_process"], 1);
  EXPECT_EQ(merged["context"]["perfval_interleaved"], false);  // one repetition per process: nothing interleaved
  EXPECT_EQ(merged["context"]["host_name"], "h");
  int iterations = 0, medians = 0;
  for (const auto& row : merged["benchmarks"]) {
    if (row["run_type"] == "iteration") {
      EXPECT_EQ(row["perfval_process"], iterations);
      ++iterations;
    } else {
      EXPECT_EQ(row["aggregate_name"], "median");  // the processes' own means are dropped
      EXPECT_EQ(row["real_time"], 20);
      EXPECT_EQ(row["cpu_time"], 19);
      EXPECT_EQ(row["items_per_second"], 70);
      EXPECT_EQ(row["iterations"], 100);  // bookkeeping stays as the first process has it
      ++medians;
    }
  }
  EXPECT_EQ(iterations, 3);
  EXPECT_EQ(medians, 1);
  // Several repetitions per process, interleaved: the reader may take every repetition as a sample.
  EXPECT_EQ(merge_process_runs({process_doc(10, 9, 100), process_doc(30, 29, 50)}, 3, true)["context"]
                              ["perfval_interleaved"],
            true);
  EXPECT_EQ(merge_process_runs({process_doc(10, 9, 100), process_doc(30, 29, 50)}, 3, false)["context"]
                              ["perfval_interleaved"],
            false);
}

}  // namespace
}  // namespace perfval::bench
