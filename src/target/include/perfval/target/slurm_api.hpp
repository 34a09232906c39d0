// Bodies of the SLURM REST API mock rendered from a cluster snapshot, in the shapes of two slurmrestd API
// versions: v0.0.44 (SLURM 25.11) and v0.0.38 (SLURM 22.05, what Debian 12 ships), and the table of both.
#pragma once

#include <cstdint>
#include <span>
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

// GET /slurm/v0.0.38/ping, /nodes, /jobs, /diag: every member a 22.05.8 slurmrestd sends, with its types.
std::string render_ping_json_v0038(const ClusterSnapshot& snapshot);
std::string render_nodes_json_v0038(const ClusterSnapshot& snapshot);
std::string render_jobs_json_v0038(const ClusterSnapshot& snapshot);
std::string render_diag_json_v0038(const ClusterSnapshot& snapshot);

// The endpoints of the mock under /slurm/<version>/.
enum class SlurmEndpoint { ping, nodes, jobs, diag };
inline constexpr int slurm_endpoint_count = 4;
inline constexpr std::string_view slurm_endpoint_names[slurm_endpoint_count] = {"ping", "nodes", "jobs", "diag"};

// One API version the mock serves: its renderers by endpoint, null where that version's mock has none.
struct SlurmApiVersion {
  using Renderer = std::string (*)(const ClusterSnapshot&);
  std::string_view version;                    // "v0.0.38": the path is /slurm/<version>/<endpoint>
  Renderer renderers[slurm_endpoint_count];    // indexed by SlurmEndpoint
};

// Every version `perfval serve` speaks, newest first.
std::span<const SlurmApiVersion> slurm_api_versions();

// The controller latency v0.0.44's ping reports for a snapshot, in microseconds.
std::int64_t ping_latency_us(const ClusterSnapshot& snapshot);

}  // namespace perfval::target
