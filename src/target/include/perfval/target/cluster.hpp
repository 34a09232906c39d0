// A simulated SLURM cluster: nodes in partitions, jobs in a queue, deterministic from a seed, drifting per step.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::target {

// Base node state as slurmctld reports it; `drain`/`completing` are flags on top of it.
enum class NodeBase { idle, allocated, mixed, down };

// Job states slurmctld keeps in its queue (finished jobs stay visible for a while, like MinJobAge).
enum class JobState { pending, running, completed, failed, cancelled, timeout };
inline constexpr int job_state_count = 6;

struct Partition {
  std::string name;        // "cpu", "gpu", "bigmem", "debug"
  int cpus_per_node = 0;   // CPUs of every node in the partition
  std::int64_t memory_mb_per_node = 0;  // MiB of every node in the partition (SLURM's real_memory)
  int gpus_per_node = 0;   // GPUs (gres) per node
  int max_time_minutes = 0;  // partition time limit, minutes
};

struct Node {
  std::string name;          // "node0001"
  int partition = 0;         // index into ClusterSnapshot::partitions
  int cpus = 0;              // CPUs in total
  int alloc_cpus = 0;        // CPUs allocated to running jobs
  std::int64_t memory_mb = 0;        // MiB in total
  std::int64_t alloc_memory_mb = 0;  // MiB allocated to running jobs
  double load = 0.0;         // 1-minute load average
  bool down = false;         // not responding
  bool drain = false;        // drained by an admin: no new jobs
  bool completing = false;   // a job ended here during the last step
  std::int64_t boot_time = 0;  // unix seconds

  NodeBase base() const;              // idle/allocated/mixed/down
  std::string state_name() const;     // Prometheus label: idle, allocated, mixed, down, drained, draining, completing
};

struct Job {
  std::int64_t id = 0;             // SLURM job id
  std::string name;                // job name
  int user = 0;                    // index into ClusterSnapshot::users
  int partition = 0;               // index into ClusterSnapshot::partitions
  JobState state = JobState::pending;
  int first_node = -1;             // index of the first node (running/finished jobs), -1 while pending
  int node_count = 1;              // consecutive nodes from first_node
  int cpus_per_node = 1;           // CPUs used on each node
  std::int64_t memory_mb_per_node = 0;  // MiB used on each node
  std::int64_t submit_time = 0;    // unix seconds
  std::int64_t start_time = 0;     // unix seconds, 0 while pending
  std::int64_t end_time = 0;       // unix seconds, 0 until finished
  int time_limit_minutes = 60;     // minutes
  std::int64_t priority = 0;       // scheduling priority (higher first)
  int exit_code = 0;               // process exit code of finished jobs

  int cpus() const { return cpus_per_node * node_count; }
};

struct User {
  std::string name;     // "alice03"
  std::string account;  // "physics"
  int uid = 0;          // numeric user id
};

struct SchedulerStats {
  int threads = 0;                      // slurmctld server threads busy
  std::int64_t cycles = 0;              // main scheduler cycles since start
  double last_cycle_seconds = 0.0;      // seconds
  double mean_cycle_seconds = 0.0;      // seconds
  std::int64_t backfill_cycles = 0;     // backfill cycles since start
  std::int64_t backfilled_jobs = 0;     // jobs started by backfill since start
  double backfill_last_cycle_seconds = 0.0;  // seconds
  double backfill_depth_mean = 0.0;     // jobs examined per backfill cycle
  std::int64_t jobs_submitted = 0;      // since start
  std::int64_t jobs_started = 0;        // since start
};

// Everything the renderers need, copied out of the simulation so rendering never holds its lock.
struct ClusterSnapshot {
  std::string cluster_name;            // SLURM cluster name
  std::int64_t time = 0;               // unix seconds of the snapshot
  std::int64_t step = 0;               // simulation steps since start
  std::vector<Partition> partitions;
  std::vector<Node> nodes;             // in name order
  std::vector<Job> jobs;               // pending, running and recently finished
  std::vector<User> users;
  SchedulerStats scheduler;

  // Hostlist expression of a job's nodes, e.g. "node[0012-0015]" or "node0007"; "" while pending.
  std::string job_nodes(const Job& job) const;
};

struct ClusterOptions {
  int nodes = 100;                       // cluster size
  std::uint64_t seed = 42;               // same seed, same cluster
  std::int64_t epoch = 1735689600;       // unix seconds of step 0 (fixed by default so output is reproducible)
  std::string name = "perfval";          // cluster name
};

// The simulation. Not thread-safe: callers serialise step() and snapshot().
class Cluster {
 public:
  explicit Cluster(ClusterOptions options);

  void step();                      // advance one simulated second: jobs end, start and arrive; nodes fail
  void advance_to(std::int64_t target_step);  // step until `target_step` (at most 10 steps, then the clock jumps)
  const ClusterSnapshot& state() const { return state_; }
  ClusterSnapshot snapshot() const { return state_; }

 private:
  void build_nodes();
  void build_users();
  void seed_jobs();
  void finish_jobs();
  void node_health();
  void schedule();
  void submit_jobs();
  void refresh_loads();
  void trim_finished();
  bool try_place(Job& job);
  Job make_pending(std::int64_t submit_time);
  void occupy(const Job& job, int sign);

  ClusterOptions options_;
  ClusterSnapshot state_;
  std::mt19937_64 rng_;
  std::int64_t next_job_id_ = 1000;
  std::vector<int> partition_first_;  // index of each partition's first node
  std::vector<int> partition_count_;  // nodes per partition
};

std::string_view job_state_name(JobState s);   // "pending", "running", ... (Prometheus labels)
std::string_view job_state_slurm(JobState s);  // "PENDING", "RUNNING", ... (REST API)

}  // namespace perfval::target
