// Inputs shared by benchmarks and built once per process: cluster snapshots by size and the HTTP target the
// network benchmarks talk to (an in-process EmbeddedTarget, the code `perfval serve` runs, or an external one).
#pragma once

#include <optional>
#include <string>

#include "perfval/bench/loopback_client.hpp"
#include "perfval/target/cluster.hpp"

namespace perfval::bench {

// A deterministic cluster of `nodes` nodes a few simulated seconds in (jobs queued, running and finished).
const target::ClusterSnapshot& cluster_snapshot(int nodes);

// When set, network benchmarks use this server instead of starting their own (perfval bench --target).
void set_external_target(std::optional<Endpoint> endpoint);
const std::optional<Endpoint>& external_target();

// The external target if set, else an embedded target simulating `nodes` nodes on 127.0.0.1 (started on first
// use, kept until exit). Throws perfval::Error when the embedded target cannot start.
Endpoint benchmark_target(int nodes);
// Always the in-process target (for measurements of this process, such as resident memory while serving).
Endpoint embedded_target(int nodes);
// Stops the embedded targets; main calls it before exit so no server thread outlives the reporters.
void stop_benchmark_targets();

}  // namespace perfval::bench
