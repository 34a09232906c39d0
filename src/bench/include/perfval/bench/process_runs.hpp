// `perfval bench --processes N`: the suite runs in N separate perfval-bench processes and their Google Benchmark
// JSON documents become one, so a reader can tell the samples are processes (docs/regression.md).
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

namespace perfval::bench {

// One document from the per-process documents (in process order): the first one's context plus
// "perfval_processes", "perfval_repetitions_per_process" and "perfval_interleaved" (the repetitions were spread
// through each process: then each is a sample of its own, docs/regression.md); every iteration row of every
// process with its "perfval_process" index (0-based); and per benchmark one "median" aggregate row whose times
// and counters are the median over the processes of each process's median. The processes' own aggregates are
// dropped (they describe one process only). Error rows are kept as they are.
nlohmann::json merge_process_runs(const std::vector<nlohmann::json>& documents, int repetitions_per_process,
                                  bool interleaved);

}  // namespace perfval::bench
