// Renders the /metrics body: one family per metric name, HELP and TYPE first, escaped labels, plain numbers.
#include "perfval/target/metrics_renderer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

namespace perfval::target {
namespace {

using Label = std::pair<std::string_view, std::string_view>;

// The node states every per-state family lists, zeros included, so series do not appear and vanish.
constexpr std::array<std::string_view, 7> kNodeStates = {"allocated", "completing", "down",  "drained",
                                                         "draining",  "idle",       "mixed"};
constexpr double kMiB = 1024.0 * 1024.0;

int node_state_index(std::string_view name) {
  for (std::size_t i = 0; i < kNodeStates.size(); ++i) {
    if (kNodeStates[i] == name) return static_cast<int>(i);
  }
  return 2;
}

void append_label_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

class PromWriter {
 public:
  explicit PromWriter(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {
      if (c == '\\') out_ += "\\\\";
      else if (c == '\n') out_ += "\\n";
      else out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    out_ += name;
    if (labels.size() != 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, val] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        append_label_escaped(out_, val);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    append_number(value);
    out_ += '\n';
  }

  void sample(std::string_view name, double value) { sample(name, {}, value); }

 private:
  void append_number(double v) {
    char buf[32];
    std::to_chars_result r{};
    if (std::isnan(v)) {
      out_ += "NaN";
      return;
    }
    if (std::isinf(v)) {
      out_ += v > 0 ? "+Inf" : "-Inf";
      return;
    }
    if (v == std::floor(v) && std::fabs(v) < 9e15) {
      r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    } else {
      r = std::to_chars(buf, buf + sizeof buf, v);
    }
    out_.append(buf, r.ptr);
  }

  std::string& out_;
};

void render_nodes(PromWriter& w, const ClusterSnapshot& s) {
  std::vector<std::string> states;
  states.reserve(s.nodes.size());
  for (const Node& n : s.nodes) states.push_back(n.state_name());
  w.family("slurm_node_state", "gauge", "Node state as reported by slurmctld (1 for the node's current state).");
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    const Node& n = s.nodes[i];
    w.sample("slurm_node_state",
             {{"node", n.name}, {"partition", s.partitions[n.partition].name}, {"state", states[i]}}, 1);
  }
  struct PerNode {
    std::string_view name, type, help;
    double (*value)(const Node&);
  };
  const PerNode families[] = {
      {"slurm_node_cpus_total", "gauge", "CPUs configured on the node.", [](const Node& n) { return 1.0 * n.cpus; }},
      {"slurm_node_cpus_alloc", "gauge", "CPUs allocated to jobs on the node.",
       [](const Node& n) { return 1.0 * n.alloc_cpus; }},
      {"slurm_node_memory_total_bytes", "gauge", "Real memory configured on the node, in bytes.",
       [](const Node& n) { return n.memory_mb * kMiB; }},
      {"slurm_node_memory_alloc_bytes", "gauge", "Memory allocated to jobs on the node, in bytes.",
       [](const Node& n) { return n.alloc_memory_mb * kMiB; }},
      {"slurm_node_cpu_load", "gauge", "One-minute load average of the node.", [](const Node& n) { return n.load; }},
  };
  for (const PerNode& f : families) {
    w.family(f.name, f.type, f.help);
    for (const Node& n : s.nodes) {
      w.sample(f.name, {{"node", n.name}, {"partition", s.partitions[n.partition].name}}, f.value(n));
    }
  }
}

void render_cluster_totals(PromWriter& w, const ClusterSnapshot& s) {
  std::array<int, kNodeStates.size()> by_state{};
  double total = 0, alloc = 0, idle = 0, other = 0;
  for (const Node& n : s.nodes) {
    ++by_state[node_state_index(n.state_name())];
    total += n.cpus;
    alloc += n.alloc_cpus;
    if (n.down || n.drain) other += n.cpus - n.alloc_cpus;
    else idle += n.cpus - n.alloc_cpus;
  }
  w.family("slurm_nodes", "gauge", "Nodes in the cluster by state.");
  for (std::size_t i = 0; i < kNodeStates.size(); ++i) w.sample("slurm_nodes", {{"state", kNodeStates[i]}}, by_state[i]);
  w.family("slurm_cpus_total", "gauge", "CPUs in the cluster.");
  w.sample("slurm_cpus_total", total);
  w.family("slurm_cpus_alloc", "gauge", "CPUs allocated to jobs.");
  w.sample("slurm_cpus_alloc", alloc);
  w.family("slurm_cpus_idle", "gauge", "CPUs free on nodes that accept jobs.");
  w.sample("slurm_cpus_idle", idle);
  w.family("slurm_cpus_other", "gauge", "CPUs free on down or drained nodes (unusable).");
  w.sample("slurm_cpus_other", other);
}

void render_partitions(PromWriter& w, const ClusterSnapshot& s) {
  const std::size_t np = s.partitions.size();
  std::vector<std::array<int, kNodeStates.size()>> nodes(np);
  std::vector<std::array<double, 4>> totals(np);  // cpus, alloc cpus, memory bytes, alloc memory bytes
  for (const Node& n : s.nodes) {
    ++nodes[n.partition][node_state_index(n.state_name())];
    totals[n.partition][0] += n.cpus;
    totals[n.partition][1] += n.alloc_cpus;
    totals[n.partition][2] += n.memory_mb * kMiB;
    totals[n.partition][3] += n.alloc_memory_mb * kMiB;
  }
  w.family("slurm_partition_nodes", "gauge", "Nodes in the partition by state.");
  for (std::size_t p = 0; p < np; ++p) {
    for (std::size_t i = 0; i < kNodeStates.size(); ++i) {
      w.sample("slurm_partition_nodes", {{"partition", s.partitions[p].name}, {"state", kNodeStates[i]}},
               nodes[p][i]);
    }
  }
  const std::array<std::array<std::string_view, 2>, 4> families = {{
      {"slurm_partition_cpus_total", "CPUs in the partition."},
      {"slurm_partition_cpus_alloc", "CPUs allocated to jobs in the partition."},
      {"slurm_partition_memory_total_bytes", "Memory in the partition, in bytes."},
      {"slurm_partition_memory_alloc_bytes", "Memory allocated to jobs in the partition, in bytes."},
  }};
  for (std::size_t f = 0; f < families.size(); ++f) {
    w.family(families[f][0], "gauge", families[f][1]);
    for (std::size_t p = 0; p < np; ++p) w.sample(families[f][0], {{"partition", s.partitions[p].name}}, totals[p][f]);
  }
}

void render_jobs(PromWriter& w, const ClusterSnapshot& s) {
  using Counts = std::array<int, job_state_count>;
  Counts all{};
  std::vector<Counts> by_partition(s.partitions.size()), by_user(s.users.size());
  std::vector<std::string_view> accounts;
  std::vector<Counts> by_account;
  std::vector<int> user_account(s.users.size());
  for (std::size_t u = 0; u < s.users.size(); ++u) {
    std::size_t a = 0;
    while (a < accounts.size() && accounts[a] != s.users[u].account) ++a;
    if (a == accounts.size()) accounts.push_back(s.users[u].account);
    user_account[u] = static_cast<int>(a);
  }
  by_account.resize(accounts.size());
  for (const Job& j : s.jobs) {
    const int st = static_cast<int>(j.state);
    ++all[st];
    ++by_partition[j.partition][st];
    ++by_user[j.user][st];
    ++by_account[user_account[j.user]][st];
  }
  w.family("slurm_jobs", "gauge", "Jobs known to slurmctld by state (finished jobs stay listed for MinJobAge).");
  for (int st = 0; st < job_state_count; ++st) w.sample("slurm_jobs", {{"state", job_state_name(JobState(st))}}, all[st]);
  w.family("slurm_partition_jobs", "gauge", "Jobs by partition and state.");
  for (std::size_t p = 0; p < s.partitions.size(); ++p) {
    for (int st = 0; st < job_state_count; ++st) {
      w.sample("slurm_partition_jobs", {{"partition", s.partitions[p].name}, {"state", job_state_name(JobState(st))}},
               by_partition[p][st]);
    }
  }
  w.family("slurm_account_jobs", "gauge", "Jobs by account and state.");
  for (std::size_t a = 0; a < accounts.size(); ++a) {
    for (int st = 0; st < job_state_count; ++st) {
      w.sample("slurm_account_jobs", {{"account", accounts[a]}, {"state", job_state_name(JobState(st))}},
               by_account[a][st]);
    }
  }
  w.family("slurm_user_jobs", "gauge", "Pending and running jobs by user.");
  for (std::size_t u = 0; u < s.users.size(); ++u) {
    for (JobState st : {JobState::pending, JobState::running}) {
      w.sample("slurm_user_jobs", {{"user", s.users[u].name}, {"account", s.users[u].account},
                                   {"state", job_state_name(st)}},
               by_user[u][static_cast<int>(st)]);
    }
  }
}

void render_scheduler(PromWriter& w, const ClusterSnapshot& s) {
  const SchedulerStats& x = s.scheduler;
  double pending = 0;
  for (const Job& j : s.jobs) pending += j.state == JobState::pending ? 1 : 0;
  struct Family {
    std::string_view name, type, help;
    double value;
  };
  const Family families[] = {
      {"slurm_scheduler_threads", "gauge", "slurmctld server threads in use.", 1.0 * x.threads},
      {"slurm_scheduler_queue_size", "gauge", "Jobs waiting in the scheduler queue.", pending},
      {"slurm_scheduler_last_cycle_seconds", "gauge", "Duration of the last main scheduling cycle, in seconds.",
       x.last_cycle_seconds},
      {"slurm_scheduler_mean_cycle_seconds", "gauge", "Mean main scheduling cycle duration, in seconds.",
       x.mean_cycle_seconds},
      {"slurm_scheduler_cycles_total", "counter", "Main scheduling cycles since slurmctld start.", 1.0 * x.cycles},
      {"slurm_scheduler_backfill_cycles_total", "counter", "Backfill cycles since slurmctld start.",
       1.0 * x.backfill_cycles},
      {"slurm_scheduler_backfilled_jobs_total", "counter", "Jobs started by the backfill scheduler.",
       1.0 * x.backfilled_jobs},
      {"slurm_scheduler_backfill_last_cycle_seconds", "gauge", "Duration of the last backfill cycle, in seconds.",
       x.backfill_last_cycle_seconds},
      {"slurm_scheduler_backfill_depth_mean", "gauge", "Mean jobs examined per backfill cycle.",
       x.backfill_depth_mean},
      {"slurm_scheduler_jobs_submitted_total", "counter", "Jobs submitted since slurmctld start.",
       1.0 * x.jobs_submitted},
      {"slurm_scheduler_jobs_started_total", "counter", "Jobs started since slurmctld start.", 1.0 * x.jobs_started},
  };
  for (const Family& f : families) {
    w.family(f.name, f.type, f.help);
    w.sample(f.name, f.value);
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  append_label_escaped(out, value);
  return out;
}

std::string render_cluster_metrics(const ClusterSnapshot& snapshot) {
  std::string out;
  // About 430 bytes per node across the per-node families, plus fixed families; one allocation in the common case.
  out.reserve(4096 + snapshot.nodes.size() * 480 + snapshot.users.size() * 140);
  PromWriter w(out);
  render_nodes(w, snapshot);
  render_cluster_totals(w, snapshot);
  render_partitions(w, snapshot);
  render_jobs(w, snapshot);
  render_scheduler(w, snapshot);
  return out;
}

std::string render_exporter_metrics(const ExporterStats& stats, std::string_view cluster_name) {
  std::string out;
  PromWriter w(out);
  w.family("slurm_exporter_scrape_duration_seconds", "gauge", "Seconds taken to collect and render this body.");
  w.sample("slurm_exporter_scrape_duration_seconds", stats.scrape_duration_seconds);
  w.family("slurm_exporter_collection_errors_total", "counter", "Collections that failed since exporter start.");
  w.sample("slurm_exporter_collection_errors_total", static_cast<double>(stats.collection_errors));
  w.family("slurm_exporter_collections_total", "counter", "Collections since exporter start.");
  w.sample("slurm_exporter_collections_total", static_cast<double>(stats.collections));
  w.family("slurm_exporter_last_collection_timestamp_seconds", "gauge", "Unix time of the last collection.");
  w.sample("slurm_exporter_last_collection_timestamp_seconds", stats.last_collection_time);
  w.family("slurm_exporter_build_info", "gauge", "Exporter version and the cluster it reports on.");
  w.sample("slurm_exporter_build_info", {{"version", "perfval-0.1.0"}, {"cluster", cluster_name}}, 1);
  return out;
}

std::string render_process_metrics(const ProcessUsage& u) {
  std::string out;
  PromWriter w(out);
  w.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  w.sample("process_cpu_seconds_total", u.cpu_seconds);
  w.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  w.sample("process_resident_memory_bytes", u.resident_bytes);
  w.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  w.sample("process_virtual_memory_bytes", u.virtual_bytes);
  w.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  w.sample("process_start_time_seconds", u.start_time_seconds);
  if (u.open_fds) {
    w.family("process_open_fds", "gauge", "Number of open file descriptors.");
    w.sample("process_open_fds", *u.open_fds);
  }
  if (u.max_fds) {
    w.family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
    w.sample("process_max_fds", *u.max_fds);
  }
  return out;
}

std::string render_metrics(const ClusterSnapshot& snapshot, const ExporterStats& stats) {
  std::string out = render_cluster_metrics(snapshot);
  out += render_exporter_metrics(stats, snapshot.cluster_name);
  return out;
}

}  // namespace perfval::target
