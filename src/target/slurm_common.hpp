// What the v0.0.44 and v0.0.38 slurmrestd renderers derive the same way from a node: flags, free memory, TRES.
#pragma once

#include <cstdint>
#include <string>

#include "json_writer.hpp"
#include "perfval/target/cluster.hpp"

namespace perfval::target {

// Appends DRAIN, COMPLETING, NOT_RESPONDING as they apply, into the array the caller has opened.
void write_node_flags(JsonWriter& w, const Node& n);
// Memory slurmd would report free, MiB: total less allocated less ~2 % for the OS.
std::int64_t node_free_memory_mb(const Node& n);
// "cpu=64,mem=257000M,billing=64[,gres/gpu=4]".
std::string node_tres(const ClusterSnapshot& s, const Node& n);

}  // namespace perfval::target
