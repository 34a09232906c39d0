// Node facts both slurmrestd renderers report identically.
#include "slurm_common.hpp"

#include <algorithm>

namespace perfval::target {

void write_node_flags(JsonWriter& w, const Node& n) {
  if (n.drain) w.value("DRAIN");
  if (n.completing) w.value("COMPLETING");
  if (n.down) w.value("NOT_RESPONDING");
}

std::int64_t node_free_memory_mb(const Node& n) {
  return std::max<std::int64_t>(0, n.memory_mb - n.alloc_memory_mb - n.memory_mb / 50);
}

std::string node_tres(const ClusterSnapshot& s, const Node& n) {
  const int gpus = s.partitions[n.partition].gpus_per_node;
  std::string tres = "cpu=" + std::to_string(n.cpus) + ",mem=" + std::to_string(n.memory_mb) + "M,billing=" +
                     std::to_string(n.cpus);
  if (gpus > 0) tres += ",gres/gpu=" + std::to_string(gpus);
  return tres;
}

}  // namespace perfval::target
