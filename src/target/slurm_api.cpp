// slurmrestd-shaped JSON for ping, nodes and jobs: the fields clients of v0.0.44 read, with its number wrappers.
#include "perfval/target/slurm_api.hpp"

#include <nlohmann/json.hpp>

namespace perfval::target {
namespace {

using nlohmann::json;

// slurmrestd wraps optional numbers as {"set", "infinite", "number"}.
json number(std::int64_t v, bool set = true) { return {{"set", set}, {"infinite", false}, {"number", set ? v : 0}}; }

json meta(const ClusterSnapshot& s) {
  return {{"plugin",
           {{"type", "openapi/slurmctld"},
            {"name", "Slurm OpenAPI slurmctld"},
            {"data_parser", "data_parser/v0.0.44"},
            {"accounting_storage", "accounting_storage/slurmdbd"}}},
          {"client", {{"source", "perfval"}, {"user", "slurm"}, {"group", "slurm"}}},
          {"command", json::array()},
          {"slurm",
           {{"version", {{"major", "25"}, {"micro", "0"}, {"minor", "11"}}},
            {"release", "25.11.0"},
            {"cluster", s.cluster_name}}}};
}

json envelope(const ClusterSnapshot& s) {
  return {{"meta", meta(s)}, {"errors", json::array()}, {"warnings", json::array()}};
}

json node_state(const Node& n) {
  json state = json::array();
  switch (n.base()) {
    case NodeBase::idle: state.push_back("IDLE"); break;
    case NodeBase::allocated: state.push_back("ALLOCATED"); break;
    case NodeBase::mixed: state.push_back("MIXED"); break;
    case NodeBase::down: state.push_back("DOWN"); break;
  }
  if (n.drain) state.push_back("DRAIN");
  if (n.completing) state.push_back("COMPLETING");
  if (n.down) state.push_back("NOT_RESPONDING");
  return state;
}

json node_json(const ClusterSnapshot& s, const Node& n) {
  const Partition& p = s.partitions[n.partition];
  const int sockets = 2;
  const std::string gres = p.gpus_per_node > 0 ? "gpu:a100:" + std::to_string(p.gpus_per_node) : "";
  const std::int64_t free_mb = std::max<std::int64_t>(0, n.memory_mb - n.alloc_memory_mb - n.memory_mb / 50);
  std::string tres = "cpu=" + std::to_string(n.cpus) + ",mem=" + std::to_string(n.memory_mb) + "M,billing=" +
                     std::to_string(n.cpus);
  if (p.gpus_per_node > 0) tres += ",gres/gpu=" + std::to_string(p.gpus_per_node);
  return {{"name", n.name},
          {"hostname", n.name},
          {"address", n.name},
          {"architecture", "x86_64"},
          {"operating_system", "Linux 5.14.0-427.el9.x86_64"},
          {"state", node_state(n)},
          {"partitions", json::array({p.name})},
          {"cpus", n.cpus},
          {"alloc_cpus", n.alloc_cpus},
          {"alloc_idle_cpus", n.cpus - n.alloc_cpus},
          {"effective_cpus", n.cpus},
          {"sockets", sockets},
          {"cores", n.cpus / sockets},
          {"threads", 1},
          {"boards", 1},
          {"real_memory", n.memory_mb},
          {"alloc_memory", n.alloc_memory_mb},
          {"free_mem", number(n.down ? 0 : free_mb, !n.down)},
          {"cpu_load", static_cast<std::int64_t>(n.load * 100.0 + 0.5)},  // hundredths, as slurmd reports it
          {"gres", gres},
          {"gres_used", p.gpus_per_node > 0 ? "gpu:a100:0" : ""},
          {"tres", tres},
          {"weight", 1},
          {"features", json::array()},
          {"active_features", json::array()},
          {"reason", n.down ? "Not responding" : n.drain ? "maintenance" : ""},
          {"reason_set_by_user", n.down ? "slurm" : n.drain ? "root" : ""},
          {"boot_time", number(n.boot_time)},
          {"slurmd_start_time", number(n.boot_time + 60)},
          {"last_busy", number(n.alloc_cpus > 0 ? s.time : s.time - 600)},
          {"version", "25.11.0"}};
}

json job_json(const ClusterSnapshot& s, const Job& j) {
  const User& u = s.users[j.user];
  const bool pending = j.state == JobState::pending;
  const bool finished = j.end_time != 0;
  std::string reason = "None";
  if (pending) reason = j.priority > 90000 ? "Resources" : "Priority";
  return {{"job_id", j.id},
          {"name", j.name},
          {"user_name", u.name},
          {"user_id", u.uid},
          {"group_id", u.uid},
          {"account", u.account},
          {"partition", s.partitions[j.partition].name},
          {"qos", "normal"},
          {"cluster", s.cluster_name},
          {"job_state", json::array({job_state_slurm(j.state)})},
          {"state_reason", reason},
          {"nodes", s.job_nodes(j)},
          {"node_count", number(j.node_count)},
          {"cpus", number(j.cpus())},
          {"tasks", number(j.cpus())},
          {"memory_per_node", number(j.memory_mb_per_node)},
          {"priority", number(j.priority)},
          {"time_limit", number(j.time_limit_minutes)},
          {"submit_time", number(j.submit_time)},
          {"eligible_time", number(j.submit_time)},
          {"start_time", number(pending ? 0 : j.start_time, !pending)},
          {"end_time", number(finished ? j.end_time : 0, finished)},
          {"batch_flag", true},
          {"command", "/home/" + u.name + "/jobs/" + j.name + ".sh"},
          {"current_working_directory", "/home/" + u.name},
          {"exit_code",
           {{"status", json::array({finished ? (j.exit_code == 0 ? "SUCCESS" : "ERROR") : "PENDING"})},
            {"return_code", number(j.exit_code, finished)}}}};
}

}  // namespace

std::string render_ping_json(const ClusterSnapshot& snapshot, std::int64_t latency_us) {
  json doc = envelope(snapshot);
  doc["pings"] = json::array({{{"hostname", snapshot.cluster_name + "-ctld"},
                               {"pinged", "UP"},
                               {"responding", true},
                               {"latency", latency_us},
                               {"mode", "primary"},
                               {"primary", true}}});
  return doc.dump();
}

std::string render_nodes_json(const ClusterSnapshot& snapshot) {
  json nodes = json::array();
  for (const Node& n : snapshot.nodes) nodes.push_back(node_json(snapshot, n));
  json doc = envelope(snapshot);
  doc["nodes"] = std::move(nodes);
  doc["last_update"] = number(snapshot.time);
  return doc.dump();
}

std::string render_jobs_json(const ClusterSnapshot& snapshot) {
  json jobs = json::array();
  for (const Job& j : snapshot.jobs) jobs.push_back(job_json(snapshot, j));
  json doc = envelope(snapshot);
  doc["jobs"] = std::move(jobs);
  doc["last_update"] = number(snapshot.time);
  doc["last_backfill"] = number(snapshot.time - snapshot.step % 30);
  return doc.dump();
}

std::string render_error_json(int http_status, std::string_view description, std::string_view source) {
  json doc = {{"errors", json::array({{{"description", description},
                                       {"error_number", http_status},
                                       {"error", http_status == 404 ? "Unknown path" : "Request failed"},
                                       {"source", source}}})},
              {"warnings", json::array()}};
  return doc.dump();
}

}  // namespace perfval::target
