// slurmrestd-shaped JSON for ping, nodes and jobs in v0.0.44 (with its number wrappers), and the version table.
// The big node and job arrays stream through JsonWriter: a DOM costs ~10x as much for 10k nodes.
#include "perfval/target/slurm_api.hpp"

#include <nlohmann/json.hpp>

#include "json_writer.hpp"
#include "slurm_common.hpp"

namespace perfval::target {
namespace {

using nlohmann::json;

// slurmrestd wraps optional numbers as {"set", "infinite", "number"}.
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

void number(JsonWriter& w, std::string_view key, std::int64_t v, bool set = true) {
  w.key(key).begin_object();
  w.key("set").value(set).key("infinite").value(false).key("number").value(set ? v : std::int64_t{0});
  w.end_object();
}

void node_state(JsonWriter& w, const Node& n) {
  w.key("state").begin_array();
  switch (n.base()) {
    case NodeBase::idle: w.value("IDLE"); break;
    case NodeBase::allocated: w.value("ALLOCATED"); break;
    case NodeBase::mixed: w.value("MIXED"); break;
    case NodeBase::down: w.value("DOWN"); break;
  }
  write_node_flags(w, n);
  w.end_array();
}

void node_json(JsonWriter& w, const ClusterSnapshot& s, const Node& n) {
  const Partition& p = s.partitions[n.partition];
  const int sockets = 2;
  const std::string gpus = std::to_string(p.gpus_per_node);
  const std::int64_t free_mb = node_free_memory_mb(n);
  const std::string tres = node_tres(s, n);
  w.begin_object();
  w.key("name").value(n.name).key("hostname").value(n.name).key("address").value(n.name);
  w.key("architecture").value("x86_64").key("operating_system").value("Linux 5.14.0-427.el9.x86_64");
  node_state(w, n);
  w.key("partitions").begin_array().value(p.name).end_array();
  w.key("cpus").value(n.cpus).key("alloc_cpus").value(n.alloc_cpus).key("alloc_idle_cpus").value(n.cpus - n.alloc_cpus);
  w.key("effective_cpus").value(n.cpus).key("sockets").value(sockets).key("cores").value(n.cpus / sockets);
  w.key("threads").value(1).key("boards").value(1);
  w.key("real_memory").value(n.memory_mb).key("alloc_memory").value(n.alloc_memory_mb);
  number(w, "free_mem", n.down ? 0 : free_mb, !n.down);
  w.key("cpu_load").value(static_cast<std::int64_t>(n.load * 100.0 + 0.5));  // hundredths, as slurmd reports it
  w.key("gres").value(p.gpus_per_node > 0 ? "gpu:a100:" + gpus : "");
  w.key("gres_used").value(p.gpus_per_node > 0 ? "gpu:a100:0" : "");
  w.key("tres").value(tres).key("weight").value(1);
  w.key("features").begin_array().end_array().key("active_features").begin_array().end_array();
  w.key("reason").value(n.down ? "Not responding" : n.drain ? "maintenance" : "");
  w.key("reason_set_by_user").value(n.down ? "slurm" : n.drain ? "root" : "");
  number(w, "boot_time", n.boot_time);
  number(w, "slurmd_start_time", n.boot_time + 60);
  number(w, "last_busy", n.alloc_cpus > 0 ? s.time : s.time - 600);
  w.key("version").value("25.11.0");
  w.end_object();
}

void job_json(JsonWriter& w, const ClusterSnapshot& s, const Job& j) {
  const User& u = s.users[j.user];
  const bool pending = j.state == JobState::pending;
  const bool finished = j.end_time != 0;
  w.begin_object();
  w.key("job_id").value(j.id).key("name").value(j.name);
  w.key("user_name").value(u.name).key("user_id").value(u.uid).key("group_id").value(u.uid);
  w.key("account").value(u.account).key("partition").value(s.partitions[j.partition].name);
  w.key("qos").value("normal").key("cluster").value(s.cluster_name);
  w.key("job_state").begin_array().value(job_state_slurm(j.state)).end_array();
  w.key("state_reason").value(pending ? (j.priority > 90000 ? "Resources" : "Priority") : "None");
  w.key("nodes").value(s.job_nodes(j));
  number(w, "node_count", j.node_count);
  number(w, "cpus", j.cpus());
  number(w, "tasks", j.cpus());
  number(w, "memory_per_node", j.memory_mb_per_node);
  number(w, "priority", j.priority);
  number(w, "time_limit", j.time_limit_minutes);
  number(w, "submit_time", j.submit_time);
  number(w, "eligible_time", j.submit_time);
  number(w, "start_time", pending ? 0 : j.start_time, !pending);
  number(w, "end_time", finished ? j.end_time : 0, finished);
  w.key("batch_flag").value(true);
  w.key("command").value("/home/" + u.name + "/jobs/" + j.name + ".sh");
  w.key("current_working_directory").value("/home/" + u.name);
  w.key("exit_code").begin_object();
  w.key("status").begin_array().value(finished ? (j.exit_code == 0 ? "SUCCESS" : "ERROR") : "PENDING").end_array();
  number(w, "return_code", j.exit_code, finished);
  w.end_object();
  w.end_object();
}

// The shared head of every document: meta, errors and warnings, then the caller's members.
void begin_document(JsonWriter& w, const ClusterSnapshot& s) {
  w.begin_object();
  w.key("meta").raw(meta(s).dump());
  w.key("errors").begin_array().end_array();
  w.key("warnings").begin_array().end_array();
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
  std::string out;
  out.reserve(1024 + snapshot.nodes.size() * 800);
  JsonWriter w(out);
  begin_document(w, snapshot);
  w.key("nodes").begin_array();
  for (const Node& n : snapshot.nodes) node_json(w, snapshot, n);
  w.end_array();
  number(w, "last_update", snapshot.time);
  w.end_object();
  return out;
}

std::string render_jobs_json(const ClusterSnapshot& snapshot) {
  std::string out;
  out.reserve(1024 + snapshot.jobs.size() * 1000);
  JsonWriter w(out);
  begin_document(w, snapshot);
  w.key("jobs").begin_array();
  for (const Job& j : snapshot.jobs) job_json(w, snapshot, j);
  w.end_array();
  number(w, "last_update", snapshot.time);
  number(w, "last_backfill", snapshot.time - snapshot.step % 30);
  w.end_object();
  return out;
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

namespace perfval::target {
namespace {

std::string ping_v0044(const ClusterSnapshot& s) { return render_ping_json(s, ping_latency_us(s)); }

constexpr SlurmApiVersion kVersions[] = {
    {"v0.0.44", {&ping_v0044, &render_nodes_json, &render_jobs_json, nullptr}},
    {"v0.0.38", {&render_ping_json_v0038, &render_nodes_json_v0038, &render_jobs_json_v0038, &render_diag_json_v0038}},
};

}  // namespace

std::span<const SlurmApiVersion> slurm_api_versions() { return kVersions; }

std::int64_t ping_latency_us(const ClusterSnapshot& snapshot) {
  return static_cast<std::int64_t>(snapshot.scheduler.last_cycle_seconds * 1e6 / 4);
}

}  // namespace perfval::target
