// Bodies of the SLURM REST API mock (slurmrestd v0.0.44 shapes) rendered from a cluster snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "perfval/target/cluster.hpp"

namespace perfval::target {

inline constexpr std::string_view slurm_api_version = "v0.0.44";
inline constexpr std::string_view slurm_api_prefix = "/slurm/v0.0.44";

// GET /slurm/v0.0.44/ping: one primary controller, UP, with the given latency in microseconds.
std::string render_ping_json(const ClusterSnapshot& snapshot, std::int64_t latency_us);
// GET /slurm/v0.0.44/nodes: every node with CPUs, memory, load, state flags and partitions.
std::string render_nodes_json(const ClusterSnapshot& snapshot);
// GET /slurm/v0.0.44/jobs: pending, running and recently finished jobs.
std::string render_jobs_json(const ClusterSnapshot& snapshot);
// The error document slurmrestd returns, used for 404, 405 and injected 500s.
std::string render_error_json(int http_status, std::string_view description, std::string_view source);

}  // namespace perfval::target
