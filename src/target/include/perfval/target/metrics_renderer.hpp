// The /metrics body: Prometheus text exposition format 0.0.4 rendered from a cluster snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "perfval/common/proc_stat.hpp"
#include "perfval/target/cluster.hpp"

namespace perfval::target {

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// The exporter's view of itself, reported as slurm_exporter_* families.
struct ExporterStats {
  double scrape_duration_seconds = 0.0;   // seconds the collection behind this body took
  std::uint64_t collection_errors = 0;    // /metrics requests answered with an error since start
  std::uint64_t collections = 0;          // bodies built since start, this one included
  double last_collection_time = 0.0;      // unix seconds when this body was built
};

// All slurm_* cluster families (nodes, partitions, jobs, scheduler).
std::string render_cluster_metrics(const ClusterSnapshot& snapshot);
// The slurm_exporter_* self-metric families.
std::string render_exporter_metrics(const ExporterStats& stats, std::string_view cluster_name);
// The process_* families every Prometheus client library exports (CPU, memory, start time, file descriptors),
// from the serving process's own /proc: so a run can sample `perfval serve` like a real exporter.
std::string render_process_metrics(const ProcessUsage& usage);
// Both, as served on /metrics.
std::string render_metrics(const ClusterSnapshot& snapshot, const ExporterStats& stats = {});

// Escapes a label value for the text format: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace perfval::target
