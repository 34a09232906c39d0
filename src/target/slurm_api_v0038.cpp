// slurmrestd v0.0.38 bodies (SLURM 22.05, Debian 12's slurmrestd): every key the real daemon sends, same types.
// Unlike v0.0.44, numbers are plain (null when unset), node states are lower-case strings with a flags array,
// there is no "warnings" member, and meta names the plugin and the SLURM version only. The key sets follow
// responses of a real 22.05.8 slurmrestd; tests/integration/slurm_real_test.cpp compares them on every run.
#include <algorithm>
#include <charconv>
#include <vector>

#include "json_writer.hpp"
#include "perfval/target/slurm_api.hpp"
#include "slurm_common.hpp"

namespace perfval::target {
namespace {

constexpr std::string_view kMeta =
    R"({"plugin":{"type":"openapi/v0.0.38","name":"Slurm OpenAPI v0.0.38"},)"
    R"("Slurm":{"version":{"major":22,"micro":8,"minor":5},"release":"22.05.8"}})";
constexpr int kSockets = 2;       // sockets per node, as in the v0.0.44 bodies
constexpr int kSlurmdPort = 6818;  // slurmd's default port

void begin_document(JsonWriter& w) {
  w.begin_object();
  w.key("meta").raw(kMeta);
  w.key("errors").begin_array().end_array();
}

JsonWriter& null(JsonWriter& w) { return w.raw("null"); }

JsonWriter& real(JsonWriter& w, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  return w.raw(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

// Members that are the same empty string on every node or job of a simple cluster.
void empty_strings(JsonWriter& w, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) w.key(k).value("");
}

void nulls(JsonWriter& w, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) null(w.key(k));
}

void zeros(JsonWriter& w, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) w.key(k).value(0);
}

std::string_view node_state(const Node& n) {
  switch (n.base()) {
    case NodeBase::idle: return "idle";
    case NodeBase::allocated: return "allocated";
    case NodeBase::mixed: return "mixed";
    case NodeBase::down: return "down";
  }
  return "unknown";
}

void node_flags(JsonWriter& w, const Node& n) {
  w.key("state_flags").begin_array();
  write_node_flags(w, n);
  w.end_array();
}

void node_json(JsonWriter& w, const ClusterSnapshot& s, const Node& n) {
  const Partition& p = s.partitions[n.partition];
  const std::string gpus = std::to_string(p.gpus_per_node);
  const std::int64_t free_mb = node_free_memory_mb(n);
  const std::string tres = node_tres(s, n);
  const bool has_reason = n.down || n.drain;
  w.begin_object();
  w.key("architecture").value("x86_64");
  empty_strings(w, {"burstbuffer_network_address"});
  w.key("boards").value(1).key("boot_time").value(n.boot_time).key("comment").value("");
  w.key("cores").value(n.cpus / kSockets).key("cpu_binding").value(0);
  w.key("cpu_load").value(static_cast<std::int64_t>(n.load * 100.0 + 0.5));  // hundredths, as slurmd reports it
  w.key("extra").value("").key("free_memory").value(free_mb).key("cpus").value(n.cpus);
  w.key("last_busy").value(n.alloc_cpus > 0 ? s.time : s.time - 600);
  empty_strings(w, {"features", "active_features"});
  w.key("gres").value(p.gpus_per_node > 0 ? "gpu:a100:" + gpus : "");
  w.key("gres_drained").value("N/A");
  w.key("gres_used").value(p.gpus_per_node > 0 ? "gpu:a100:0(IDX:N/A)" : "");
  w.key("mcs_label").value("").key("name").value(n.name).key("next_state_after_reboot").value("invalid");
  w.key("address").value(n.name).key("hostname").value(n.name).key("state").value(node_state(n));
  node_flags(w, n);
  w.key("next_state_after_reboot_flags").begin_array().end_array();
  w.key("operating_system").value("Linux 5.14.0-427.el9.x86_64");
  null(w.key("owner"));
  w.key("partitions").begin_array().value(p.name).end_array();
  w.key("port").value(kSlurmdPort).key("real_memory").value(n.memory_mb);
  w.key("reason").value(n.down ? "Not responding" : n.drain ? "maintenance" : "");
  w.key("reason_changed_at").value(has_reason ? s.time - 3600 : 0);
  if (has_reason) w.key("reason_set_by_user").value(n.down ? "slurm" : "root");
  else null(w.key("reason_set_by_user"));
  w.key("slurmd_start_time").value(n.boot_time + 60).key("sockets").value(kSockets).key("threads").value(1);
  w.key("temporary_disk").value(0).key("weight").value(1).key("tres").value(tres);
  w.key("slurmd_version").value("22.05.8").key("alloc_memory").value(n.alloc_memory_mb);
  w.key("alloc_cpus").value(n.alloc_cpus).key("idle_cpus").value(n.cpus - n.alloc_cpus);
  if (n.alloc_cpus > 0) w.key("tres_used").value("cpu=" + std::to_string(n.alloc_cpus));
  else null(w.key("tres_used"));
  real(w.key("tres_weighted"), n.cpus);
  w.end_object();
}

// {"0":"allocated",...,"k-1":"allocated"} by k, built once per body: these maps are most of a jobs body.
class CoreMaps {
 public:
  std::string_view allocated(int k) {
    if (static_cast<std::size_t>(k) >= maps_.size()) maps_.resize(k + 1);
    std::string& m = maps_[k];
    if (m.empty()) {
      JsonWriter w(m);
      w.begin_object();
      for (int c = 0; c < k; ++c) w.key(std::to_string(c)).value("allocated");
      w.end_object();
    }
    return m;
  }

 private:
  std::vector<std::string> maps_;  // index: cores in the map
};

// Which cores of each allocated node the job holds: {"0": {"cores": {"0": "allocated", ...}}, ...}.
void job_resources(JsonWriter& w, const ClusterSnapshot& s, const Job& j, CoreMaps& maps) {
  w.key("job_resources").begin_object();
  w.key("nodes").value(s.job_nodes(j)).key("allocated_cores").value(j.cpus());
  w.key("allocated_hosts").value(j.node_count);
  w.key("allocated_nodes").begin_array();
  const int last = std::min<int>(j.first_node + j.node_count, static_cast<int>(s.nodes.size()));
  for (int i = j.first_node; i < last; ++i) {
    const int per_socket = std::max(1, s.nodes[i].cpus / kSockets);
    w.begin_object().key("sockets").begin_object();
    for (int socket = 0; socket * per_socket < j.cpus_per_node; ++socket) {
      const int cores = std::min(per_socket, j.cpus_per_node - socket * per_socket);
      w.key(std::to_string(socket)).begin_object().key("cores").raw(maps.allocated(cores)).end_object();
    }
    w.end_object();
    w.key("nodename").value(s.nodes[i].name).key("cpus_used").value(j.cpus_per_node);
    w.key("memory_used").value(j.memory_mb_per_node).key("memory_allocated").value(j.memory_mb_per_node);
    w.end_object();
  }
  w.end_array().end_object();
}

std::string tres_string(const ClusterSnapshot& s, const Job& j, bool requested) {
  const Partition& p = s.partitions[j.partition];
  std::string t = "cpu=" + std::to_string(j.cpus());
  if (requested) t += ",mem=" + std::to_string(j.memory_mb_per_node * j.node_count) + "M";
  t += ",node=" + std::to_string(j.node_count) + ",billing=" + std::to_string(j.cpus());
  if (p.gpus_per_node > 0) t += ",gres/gpu=" + std::to_string(p.gpus_per_node * j.node_count);
  return t;
}

// The members up to "job_id", in the daemon's order.
void job_head(JsonWriter& w, const ClusterSnapshot& s, const Job& j, const User& u) {
  const bool pending = j.first_node < 0;
  w.key("account").value(u.account).key("accrue_time").value(j.submit_time);
  w.key("admin_comment").value("").key("array_job_id").value(0);
  null(w.key("array_task_id"));
  w.key("array_max_tasks").value(0).key("array_task_string").value("").key("association_id").value(j.user + 2);
  w.key("batch_features").value("").key("batch_flag").value(true);
  w.key("batch_host").value(pending ? std::string() : s.nodes[j.first_node].name);
  w.key("flags").begin_array();
  if (j.state == JobState::running) w.value("JOB_WAS_RUNNING");
  else if (!pending) w.value("TRES_STR_CALC");  // what 22.05 shows on a finished job
  w.end_array();
  empty_strings(w, {"burst_buffer", "burst_buffer_state"});
  w.key("cluster").value(s.cluster_name).key("cluster_features").value("");
  w.key("command").value("/home/" + u.name + "/jobs/" + j.name + ".sh");
  empty_strings(w, {"comment", "container"});
  w.key("contiguous").value(false);
  nulls(w, {"core_spec", "thread_spec", "cores_per_socket"});
  if (pending) null(w.key("billable_tres"));
  else real(w.key("billable_tres"), j.cpus());
  nulls(w, {"cpus_per_task", "cpu_frequency_minimum", "cpu_frequency_maximum", "cpu_frequency_governor"});
  w.key("cpus_per_tres").value("");
  zeros(w, {"deadline", "delay_boot"});
  w.key("dependency").value("").key("derived_exit_code").value(0).key("eligible_time").value(j.submit_time);
  const std::int64_t start = pending ? s.time + 600 : j.start_time;  // pending: the scheduler's estimate
  w.key("end_time").value(j.end_time != 0 ? j.end_time : start + std::int64_t{j.time_limit_minutes} * 60);
  w.key("excluded_nodes").value("").key("exit_code").value(j.exit_code).key("features").value("");
  empty_strings(w, {"federation_origin", "federation_siblings_active", "federation_siblings_viable"});
  w.key("gres_detail").begin_array();
  const int gpus = s.partitions[j.partition].gpus_per_node;
  if (!pending && gpus > 0) w.value("gpu:a100:" + std::to_string(gpus) + "(IDX:0-" + std::to_string(gpus - 1) + ")");
  w.end_array();
  w.key("group_id").value(u.uid).key("group_name").value(u.name).key("job_id").value(j.id);
}

void job_json(JsonWriter& w, const ClusterSnapshot& s, const Job& j, CoreMaps& maps) {
  const User& u = s.users[j.user];
  const bool pending = j.first_node < 0;  // not placed on nodes yet
  const Partition& p = s.partitions[j.partition];
  w.begin_object();
  job_head(w, s, j, u);
  if (!pending) job_resources(w, s, j, maps);
  w.key("job_state").value(job_state_slurm(j.state)).key("last_sched_evaluation").value(s.time - s.step % 30);
  w.key("licenses").value("");
  zeros(w, {"max_cpus", "max_nodes"});
  empty_strings(w, {"mcs_label", "memory_per_tres"});
  w.key("name").value(j.name).key("nodes").value(s.job_nodes(j));
  nulls(w, {"nice", "tasks_per_core"});
  w.key("tasks_per_node").value(j.cpus_per_node);
  null(w.key("tasks_per_socket"));
  w.key("tasks_per_board").value(0).key("cpus").value(j.cpus()).key("node_count").value(j.node_count);
  w.key("tasks").value(j.cpus()).key("het_job_id").value(0).key("het_job_id_set").value("");
  w.key("het_job_offset").value(0).key("partition").value(p.name).key("prefer").value("");
  w.key("memory_per_node").value(j.memory_mb_per_node);
  null(w.key("memory_per_cpu"));
  w.key("minimum_cpus_per_node").value(j.cpus_per_node).key("minimum_tmp_disk_per_node").value(0);
  zeros(w, {"preempt_time", "pre_sus_time"});
  w.key("priority").value(j.priority);
  null(w.key("profile"));
  w.key("qos").value("normal").key("reboot").value(false).key("required_nodes").value("");
  w.key("requeue").value(true).key("resize_time").value(0).key("restart_cnt").value(0).key("resv_name").value("");
  null(w.key("shared"));
  w.key("show_flags").begin_array().value("SHOW_ALL").value("SHOW_DETAIL").value("SHOW_LOCAL").end_array();
  w.key("sockets_per_board").value(0);
  null(w.key("sockets_per_node"));
  w.key("start_time").value(pending ? s.time + 600 : j.start_time).key("state_description").value("");
  w.key("state_reason").value(pending ? (j.priority > 90000 ? "Resources" : "Priority") : "None");
  w.key("standard_error").value("").key("standard_input").value("/dev/null");
  w.key("standard_output").value("/home/" + u.name + "/slurm-" + std::to_string(j.id) + ".out");
  w.key("submit_time").value(j.submit_time).key("suspend_time").value(0).key("system_comment").value("");
  w.key("time_limit").value(j.time_limit_minutes).key("time_minimum").value(0);
  null(w.key("threads_per_core"));
  empty_strings(w, {"tres_bind", "tres_freq", "tres_per_job"});
  w.key("tres_per_node").value(p.gpus_per_node > 0 ? "gres:gpu:" + std::to_string(p.gpus_per_node) : "");
  empty_strings(w, {"tres_per_socket", "tres_per_task"});
  w.key("tres_req_str").value(tres_string(s, j, true));
  w.key("tres_alloc_str").value(pending ? std::string() : tres_string(s, j, false));
  w.key("user_id").value(u.uid).key("user_name").value(u.name).key("wckey").value("");
  w.key("current_working_directory").value("/home/" + u.name);
  w.end_object();
}

struct RpcCount {
  std::string_view type;  // slurm message type name
  int id;                 // its numeric id
  std::int64_t count;     // RPCs since start
  std::int64_t mean_us;   // microseconds per RPC
};

void rpc_stats(JsonWriter& w, const ClusterSnapshot& s) {
  const std::int64_t polls = s.step + 1;  // one exporter poll per simulated second
  const RpcCount rpcs[] = {{"REQUEST_PING", 1008, polls, 150},
                           {"REQUEST_NODE_INFO", 2007, polls, 40 + static_cast<std::int64_t>(s.nodes.size()) / 4},
                           {"REQUEST_JOB_INFO", 2003, polls, 60 + static_cast<std::int64_t>(s.jobs.size()) / 2},
                           {"REQUEST_SUBMIT_BATCH_JOB", 4003, s.scheduler.jobs_submitted, 900}};
  w.key("rpcs_by_message_type").begin_array();
  std::int64_t total_count = 0, total_time = 0;
  for (const RpcCount& r : rpcs) {
    w.begin_object().key("message_type").value(r.type).key("type_id").value(r.id).key("count").value(r.count);
    w.key("average_time").value(r.mean_us).key("total_time").value(r.count * r.mean_us).end_object();
    total_count += r.count;
    total_time += r.count * r.mean_us;
  }
  w.end_array();
  w.key("rpcs_by_user").begin_array().begin_object().key("user").value("root").key("user_id").value(0);
  w.key("count").value(total_count).key("average_time").value(total_count > 0 ? total_time / total_count : 0);
  w.key("total_time").value(total_time).end_object().end_array();
}

std::int64_t micros(double seconds) { return static_cast<std::int64_t>(seconds * 1e6 + 0.5); }

void diag_statistics(JsonWriter& w, const ClusterSnapshot& s) {
  const SchedulerStats& st = s.scheduler;
  std::int64_t by_state[job_state_count] = {};
  for (const Job& j : s.jobs) ++by_state[static_cast<int>(j.state)];
  const std::int64_t start = s.time - s.step;
  w.key("statistics").begin_object();
  rpc_stats(w, s);
  w.key("parts_packed").value(static_cast<std::int64_t>(s.partitions.size()));
  w.key("req_time").value(s.time).key("req_time_start").value(start);
  w.key("server_thread_count").value(st.threads);
  zeros(w, {"agent_queue_size", "agent_count", "agent_thread_count", "dbd_agent_queue_size"});
  w.key("gettimeofday_latency").value(25);
  w.key("schedule_cycle_max").value(micros(std::max(st.last_cycle_seconds, st.mean_cycle_seconds) * 2));
  w.key("schedule_cycle_last").value(micros(st.last_cycle_seconds)).key("schedule_cycle_total").value(st.cycles);
  w.key("schedule_cycle_mean").value(micros(st.mean_cycle_seconds)).key("schedule_cycle_mean_depth").value(2);
  w.key("schedule_cycle_per_minute").value(60);
  w.key("schedule_queue_length").value(by_state[static_cast<int>(JobState::pending)]);
  w.key("jobs_submitted").value(st.jobs_submitted).key("jobs_started").value(st.jobs_started);
  w.key("jobs_completed").value(by_state[static_cast<int>(JobState::completed)]);
  w.key("jobs_canceled").value(by_state[static_cast<int>(JobState::cancelled)]);
  w.key("jobs_failed").value(by_state[static_cast<int>(JobState::failed)]);
  w.key("jobs_pending").value(by_state[static_cast<int>(JobState::pending)]);
  w.key("jobs_running").value(by_state[static_cast<int>(JobState::running)]).key("job_states_ts").value(s.time);
  w.key("bf_backfilled_jobs").value(st.backfilled_jobs).key("bf_last_backfilled_jobs").value(0);
  w.key("bf_backfilled_het_jobs").value(0).key("bf_cycle_counter").value(st.backfill_cycles);
  w.key("bf_cycle_mean").value(micros(st.backfill_last_cycle_seconds));
  w.key("bf_depth_mean").value(static_cast<std::int64_t>(st.backfill_depth_mean + 0.5));
  w.key("bf_depth_mean_try").value(static_cast<std::int64_t>(st.backfill_depth_mean + 0.5));
  w.key("bf_cycle_last").value(micros(st.backfill_last_cycle_seconds));
  w.key("bf_cycle_max").value(micros(st.backfill_last_cycle_seconds * 2));
  w.key("bf_queue_len").value(by_state[static_cast<int>(JobState::pending)]);
  w.key("bf_queue_len_mean").value(by_state[static_cast<int>(JobState::pending)]);
  zeros(w, {"bf_table_size", "bf_table_size_mean"});
  w.key("bf_when_last_cycle").value(s.time - s.step % 30).key("bf_active").value(false);
  w.end_object();
}

}  // namespace

std::string render_ping_json_v0038(const ClusterSnapshot& snapshot) {
  std::string out;
  JsonWriter w(out);
  begin_document(w);
  w.key("pings").begin_array().begin_object();
  w.key("hostname").value(snapshot.cluster_name + "-ctld").key("ping").value("UP").key("status").value(0);
  w.key("mode").value("primary").end_object().end_array();
  w.end_object();
  return out;
}

std::string render_nodes_json_v0038(const ClusterSnapshot& snapshot) {
  std::string out;
  out.reserve(1024 + snapshot.nodes.size() * 1100);
  JsonWriter w(out);
  begin_document(w);
  w.key("nodes").begin_array();
  for (const Node& n : snapshot.nodes) node_json(w, snapshot, n);
  w.end_array().end_object();
  return out;
}

std::string render_jobs_json_v0038(const ClusterSnapshot& snapshot) {
  std::string out;
  std::size_t placed_cpus = 0;  // each costs ~18 bytes in job_resources
  for (const Job& j : snapshot.jobs) placed_cpus += j.first_node >= 0 ? static_cast<std::size_t>(j.cpus()) : 0;
  out.reserve(1024 + snapshot.jobs.size() * 2000 + placed_cpus * 18);
  JsonWriter w(out);
  begin_document(w);
  CoreMaps maps;
  w.key("jobs").begin_array();
  for (const Job& j : snapshot.jobs) job_json(w, snapshot, j, maps);
  w.end_array().end_object();
  return out;
}

std::string render_diag_json_v0038(const ClusterSnapshot& snapshot) {
  std::string out;
  JsonWriter w(out);
  begin_document(w);
  diag_statistics(w, snapshot);
  w.end_object();
  return out;
}

}  // namespace perfval::target
