// The simulated SLURM cluster: initial layout from a seed, then one step per simulated second.
#include "perfval/target/cluster.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <numeric>

namespace perfval::target {
namespace {

constexpr std::array<std::string_view, 16> kFirstNames = {
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil"};
constexpr std::array<std::string_view, 8> kAccounts = {
    "physics", "chemistry", "biology", "climate", "astro", "ml", "engineering", "materials"};
constexpr std::array<std::string_view, 12> kJobNames = {
    "train_resnet", "md_sim", "wrf_run", "bwa_align", "cfd_solver", "vasp_relax",
    "gromacs", "blast_search", "spark_etl", "lammps", "interactive", "array_task"};
constexpr std::array<int, 7> kTimeLimits = {30, 60, 120, 240, 480, 1440, 2880};  // minutes
constexpr std::int64_t kMinJobAge = 300;  // seconds finished jobs stay visible, like slurm.conf MinJobAge

std::string node_name(int index, int width) {
  std::string digits = std::to_string(index + 1);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
  return "node" + digits;
}

std::size_t digit_start(const std::string& name) {
  std::size_t i = name.size();
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
  return i;
}

}  // namespace

std::string_view job_state_name(JobState s) {
  constexpr std::array<std::string_view, job_state_count> names = {"pending", "running", "completed",
                                                                   "failed", "cancelled", "timeout"};
  return names[static_cast<int>(s)];
}

std::string_view job_state_slurm(JobState s) {
  constexpr std::array<std::string_view, job_state_count> names = {"PENDING", "RUNNING", "COMPLETED",
                                                                   "FAILED", "CANCELLED", "TIMEOUT"};
  return names[static_cast<int>(s)];
}

NodeBase Node::base() const {
  if (down) return NodeBase::down;
  if (alloc_cpus <= 0) return NodeBase::idle;
  return alloc_cpus >= cpus ? NodeBase::allocated : NodeBase::mixed;
}

std::string Node::state_name() const {
  if (down) return "down";
  if (drain) return alloc_cpus > 0 ? "draining" : "drained";
  if (completing && alloc_cpus == 0) return "completing";
  switch (base()) {
    case NodeBase::idle: return "idle";
    case NodeBase::allocated: return "allocated";
    case NodeBase::mixed: return "mixed";
    case NodeBase::down: break;
  }
  return "down";
}

std::string ClusterSnapshot::job_nodes(const Job& job) const {
  if (job.first_node < 0 || job.first_node >= static_cast<int>(nodes.size())) return "";
  const std::string& first = nodes[job.first_node].name;
  if (job.node_count <= 1) return first;
  const int last_index = std::min<int>(job.first_node + job.node_count, nodes.size()) - 1;
  const std::string& last = nodes[last_index].name;
  const std::size_t cut = digit_start(first);
  return first.substr(0, cut) + "[" + first.substr(cut) + "-" + last.substr(digit_start(last)) + "]";
}

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)), rng_(options_.seed) {
  options_.nodes = std::max(1, options_.nodes);
  state_.cluster_name = options_.name;
  state_.time = options_.epoch;
  state_.partitions = {{"cpu", 64, 257000, 0, 2880},
                       {"gpu", 48, 515000, 4, 2880},
                       {"bigmem", 96, 2063000, 0, 4320},
                       {"debug", 32, 128000, 0, 60}};
  // A controller that has been up for a while: plausible cycle times before the first simulated step.
  state_.scheduler.threads = 2;
  state_.scheduler.last_cycle_seconds = state_.scheduler.mean_cycle_seconds = 0.0012;
  build_nodes();
  build_users();
  seed_jobs();
  refresh_loads();
}

void Cluster::build_nodes() {
  const int n = options_.nodes;
  const int gpu = static_cast<int>(std::lround(n * 0.12));
  const int bigmem = static_cast<int>(std::lround(n * 0.08));
  const int debug = static_cast<int>(std::lround(n * 0.05));
  partition_count_ = {n - gpu - bigmem - debug, gpu, bigmem, debug};
  const int width = std::max<int>(4, std::to_string(n).size());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<std::int64_t> uptime(3600, 90 * 86400);
  state_.nodes.reserve(n);
  for (int p = 0; p < static_cast<int>(partition_count_.size()); ++p) {
    partition_first_.push_back(static_cast<int>(state_.nodes.size()));
    const Partition& part = state_.partitions[p];
    for (int i = 0; i < partition_count_[p]; ++i) {
      Node node;
      node.name = node_name(static_cast<int>(state_.nodes.size()), width);
      node.partition = p;
      node.cpus = part.cpus_per_node;
      node.memory_mb = part.memory_mb_per_node;
      node.boot_time = options_.epoch - uptime(rng_);
      const double roll = unit(rng_);
      node.down = roll < 0.015;
      node.drain = !node.down && roll < 0.04;
      state_.nodes.push_back(std::move(node));
    }
  }
}

void Cluster::build_users() {
  const int count = std::max(8, options_.nodes / 10);
  // A few accounts hold most users, as on real clusters.
  std::discrete_distribution<int> account({30, 18, 14, 12, 9, 8, 5, 4});
  for (int i = 0; i < count; ++i) {
    User u;
    u.name = std::string(kFirstNames[i % kFirstNames.size()]);
    if (i >= static_cast<int>(kFirstNames.size())) u.name += std::to_string(i / kFirstNames.size());
    // Every account has at least one user, so the set of accounts does not depend on the cluster size.
    u.account = std::string(kAccounts[i < static_cast<int>(kAccounts.size()) ? i : account(rng_)]);
    u.uid = 10000 + i;
    state_.users.push_back(std::move(u));
  }
}

Job Cluster::make_pending(std::int64_t submit_time) {
  Job job;
  job.id = next_job_id_++;
  job.name = std::string(kJobNames[rng_() % kJobNames.size()]);
  // Heavy users submit more: a skewed pick over users.
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  job.user = std::min<int>(static_cast<int>(u * u * state_.users.size()), state_.users.size() - 1);
  std::discrete_distribution<int> partition({70, 14, 6, 10});
  job.partition = partition(rng_);
  const Partition& part = state_.partitions[job.partition];
  const double shape = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  if (shape < 0.15 && job.partition != 3) {
    job.node_count = 2 + static_cast<int>(rng_() % 7);
    job.cpus_per_node = part.cpus_per_node;
  } else if (shape < 0.55) {
    job.cpus_per_node = part.cpus_per_node;
  } else {
    job.cpus_per_node = 1 + static_cast<int>(rng_() % (part.cpus_per_node - 1));
  }
  const double mem_share = std::uniform_real_distribution<double>(0.3, 0.95)(rng_);
  job.memory_mb_per_node = static_cast<std::int64_t>(part.memory_mb_per_node * mem_share * job.cpus_per_node /
                                                     part.cpus_per_node) / 1024 * 1024 + 1024;
  job.time_limit_minutes = std::min(kTimeLimits[rng_() % kTimeLimits.size()], part.max_time_minutes);
  job.submit_time = submit_time;
  job.priority = 1000 + static_cast<std::int64_t>(rng_() % 100000);
  ++state_.scheduler.jobs_submitted;
  return job;
}

void Cluster::occupy(const Job& job, int sign) {
  for (int i = job.first_node; i < job.first_node + job.node_count; ++i) {
    Node& node = state_.nodes[i];
    node.alloc_cpus += sign * job.cpus_per_node;
    node.alloc_memory_mb += sign * job.memory_mb_per_node;
  }
}

// Finds `node_count` consecutive usable nodes with room in the job's partition, starting at a random offset.
bool Cluster::try_place(Job& job) {
  const int count = partition_count_[job.partition];
  if (count < job.node_count) return false;
  const int first = partition_first_[job.partition];
  const int offset = static_cast<int>(rng_() % count);
  auto fits = [&](const Node& n) {
    return !n.down && !n.drain && n.cpus - n.alloc_cpus >= job.cpus_per_node &&
           n.memory_mb - n.alloc_memory_mb >= job.memory_mb_per_node;
  };
  for (int k = 0; k < count; ++k) {
    const int start = (offset + k) % count;
    if (start + job.node_count > count) continue;
    bool ok = true;
    for (int j = 0; j < job.node_count && ok; ++j) ok = fits(state_.nodes[first + start + j]);
    if (!ok) continue;
    job.first_node = first + start;
    job.state = JobState::running;
    job.start_time = state_.time;
    occupy(job, +1);
    ++state_.scheduler.jobs_started;
    return true;
  }
  return false;
}

void Cluster::seed_jobs() {
  const int n = options_.nodes;
  std::exponential_distribution<double> wait(1.0 / 600.0);
  // Fill the cluster to a busy steady state: keep placing jobs until ~75% of CPUs are taken.
  const std::int64_t total_cpus = std::accumulate(state_.nodes.begin(), state_.nodes.end(), std::int64_t{0},
                                                  [](std::int64_t s, const Node& x) { return s + x.cpus; });
  std::int64_t used = 0;
  int misses = 0;
  while (used < total_cpus * 3 / 4 && misses < 50) {
    Job job = make_pending(0);
    const std::int64_t limit = job.time_limit_minutes * 60;
    if (!try_place(job)) {
      --next_job_id_;
      --state_.scheduler.jobs_submitted;
      ++misses;
      continue;
    }
    job.start_time = state_.time - static_cast<std::int64_t>(limit * 0.9 *
                                                               std::uniform_real_distribution<double>(0, 1)(rng_));
    job.submit_time = job.start_time - static_cast<std::int64_t>(wait(rng_));
    used += job.cpus();
    state_.jobs.push_back(std::move(job));
  }
  std::exponential_distribution<double> queued(1.0 / 1800.0);
  for (int i = 0; i < n * 35 / 100 + 1; ++i) {
    state_.jobs.push_back(make_pending(state_.time - static_cast<std::int64_t>(queued(rng_))));
  }
  // Recently finished jobs, still listed by squeue-like views.
  std::discrete_distribution<int> outcome({85, 8, 4, 3});
  for (int i = 0; i < n / 5; ++i) {
    Job job = make_pending(0);
    const int count = partition_count_[job.partition];
    if (count < job.node_count) continue;
    job.first_node = partition_first_[job.partition] + static_cast<int>(rng_() % (count - job.node_count + 1));
    job.state = static_cast<JobState>(2 + outcome(rng_));
    job.exit_code = job.state == JobState::completed ? 0 : 1;
    job.end_time = state_.time - static_cast<std::int64_t>(rng_() % kMinJobAge);
    job.start_time = job.end_time - 60 - static_cast<std::int64_t>(rng_() % (job.time_limit_minutes * 60));
    job.submit_time = job.start_time - static_cast<std::int64_t>(wait(rng_));
    state_.jobs.push_back(std::move(job));
  }
  std::sort(state_.jobs.begin(), state_.jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  // A few busy nodes are being drained for maintenance: they finish their jobs but take no new ones.
  for (Node& node : state_.nodes) {
    if (node.alloc_cpus > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < 0.015) node.drain = true;
  }
}

void Cluster::step() {
  ++state_.step;
  ++state_.time;
  for (Node& node : state_.nodes) node.completing = false;
  finish_jobs();
  node_health();
  submit_jobs();
  schedule();
  trim_finished();
  refresh_loads();
}

void Cluster::advance_to(std::int64_t target_step) {
  // Simulate at most a few seconds of backlog; beyond that the clock jumps (an idle exporter is not replayed).
  for (int i = 0; i < 10 && state_.step < target_step; ++i) step();
  if (state_.step < target_step) {
    state_.time += target_step - state_.step;
    state_.step = target_step;
  }
}

void Cluster::finish_jobs() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::discrete_distribution<int> outcome({85, 8, 4});
  for (Job& job : state_.jobs) {
    if (job.state != JobState::running) continue;
    const bool timed_out = state_.time - job.start_time >= job.time_limit_minutes * 60;
    if (!timed_out && unit(rng_) >= 1.0 / 900.0) continue;
    job.state = timed_out ? JobState::timeout : static_cast<JobState>(2 + outcome(rng_));
    job.exit_code = job.state == JobState::completed ? 0 : 1;
    job.end_time = state_.time;
    occupy(job, -1);
    for (int i = job.first_node; i < job.first_node + job.node_count; ++i) state_.nodes[i].completing = true;
  }
}

void Cluster::node_health() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (Node& node : state_.nodes) {
    const double roll = unit(rng_);
    if (node.down) {
      if (roll < 0.003) node.down = false;
    } else if (node.drain) {
      if (roll < 0.002 && node.alloc_cpus == 0) node.drain = false;
    } else if (roll < 0.00004) {
      node.drain = true;
    } else if (roll < 0.00006 && node.alloc_cpus == 0) {
      node.down = true;
    }
  }
}

namespace {
// std::poisson_distribution calls lgamma(), which writes libm's global signgam: perfval-bench's cluster and its
// embedded target's, stepping in two threads, raced on it (TSan). One lock for every draw; nothing reads signgam.
std::mutex& lgamma_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

void Cluster::submit_jobs() {
  const double target = options_.nodes * 0.35;
  double pending = 0;
  for (const Job& job : state_.jobs) pending += job.state == JobState::pending ? 1 : 0;
  const double mean = std::max(0.02 * options_.nodes / 10.0, 0.05 * (target - pending) + options_.nodes / 900.0);
  int arrivals = 0;
  {
    const std::lock_guard lock(lgamma_mutex());
    arrivals = std::poisson_distribution<int>(mean)(rng_);
  }
  for (int i = 0; i < arrivals; ++i) state_.jobs.push_back(make_pending(state_.time));
}

void Cluster::schedule() {
  std::vector<std::size_t> queue;
  for (std::size_t i = 0; i < state_.jobs.size(); ++i) {
    if (state_.jobs[i].state == JobState::pending) queue.push_back(i);
  }
  std::sort(queue.begin(), queue.end(),
            [&](std::size_t a, std::size_t b) { return state_.jobs[a].priority > state_.jobs[b].priority; });
  const std::size_t attempts = std::min<std::size_t>(queue.size(), std::max(10, options_.nodes / 20));
  int started = 0;
  for (std::size_t k = 0; k < attempts; ++k) started += try_place(state_.jobs[queue[k]]) ? 1 : 0;
  SchedulerStats& s = state_.scheduler;
  std::uniform_real_distribution<double> jitter(0.8, 1.25);
  ++s.cycles;
  s.last_cycle_seconds = (0.0008 + 0.00002 * static_cast<double>(attempts)) * jitter(rng_);
  s.mean_cycle_seconds = 0.95 * s.mean_cycle_seconds + 0.05 * s.last_cycle_seconds;
  s.threads = 1 + static_cast<int>(rng_() % 4);
  if (state_.step % 30 == 0) {
    ++s.backfill_cycles;
    s.backfilled_jobs += started / 3;
    s.backfill_last_cycle_seconds = (0.01 + 0.00005 * static_cast<double>(queue.size())) * jitter(rng_);
    s.backfill_depth_mean = 0.9 * s.backfill_depth_mean + 0.1 * static_cast<double>(queue.size());
  }
}

void Cluster::trim_finished() {
  const std::int64_t cutoff = state_.time - kMinJobAge;
  std::erase_if(state_.jobs, [&](const Job& j) { return j.end_time != 0 && j.end_time < cutoff; });
}

void Cluster::refresh_loads() {
  std::uniform_real_distribution<double> busy(0.85, 1.02);
  std::normal_distribution<double> noise(0.0, 0.05);
  for (Node& node : state_.nodes) {
    if (node.down) {
      node.load = 0.0;
      continue;
    }
    const double target = node.alloc_cpus * busy(rng_) + 0.02 * node.cpus;
    const double next = node.load == 0.0 ? target : 0.8 * node.load + 0.2 * target + noise(rng_);
    node.load = std::max(0.0, std::round(next * 100.0) / 100.0);
  }
}

}  // namespace perfval::target
