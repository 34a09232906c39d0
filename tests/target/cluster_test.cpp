// Tests of the simulated cluster: names, partitions, state mix, determinism, drift and internal consistency.
#include "perfval/target/cluster.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

namespace perfval::target {
namespace {

Cluster make(int nodes, std::uint64_t seed = 42) {
  ClusterOptions o;
  o.nodes = nodes;
  o.seed = seed;
  return Cluster(o);
}

TEST(Cluster, NamesNodesSequentiallyWithZeroPadding) {
  const Cluster c = make(250);
  const auto& nodes = c.state().nodes;
  ASSERT_EQ(nodes.size(), 250u);
  EXPECT_EQ(nodes.front().name, "node0001");
  EXPECT_EQ(nodes[41].name, "node0042");
  EXPECT_EQ(nodes.back().name, "node0250");
  EXPECT_EQ(make(12345).state().nodes.back().name, "node12345");
}

TEST(Cluster, SpreadsNodesOverSeveralPartitions) {
  const Cluster c = make(1000);
  std::map<std::string, int> per_partition;
  for (const Node& n : c.state().nodes) ++per_partition[c.state().partitions[n.partition].name];
  EXPECT_EQ(per_partition.size(), 4u);
  EXPECT_GT(per_partition["cpu"], per_partition["gpu"]);
  EXPECT_GT(per_partition["gpu"], 0);
  EXPECT_GT(per_partition["bigmem"], 0);
  EXPECT_GT(per_partition["debug"], 0);
}

TEST(Cluster, HasAPlausibleStateMix) {
  const Cluster c = make(2000);
  std::map<std::string, int> states;
  for (const Node& n : c.state().nodes) ++states[n.state_name()];
  const int busy = states["allocated"] + states["mixed"];
  EXPECT_GT(busy, 2000 / 2) << "a production cluster is mostly busy";
  EXPECT_GT(states["idle"], 0);
  EXPECT_GT(states["down"], 0);
  EXPECT_GT(states["drained"] + states["draining"], 0);
  EXPECT_LT(states["down"] + states["drained"] + states["draining"], 2000 / 10);
}

TEST(Cluster, AllocationsNeverExceedCapacityAndMatchRunningJobs) {
  Cluster c = make(500);
  for (int step = 0; step < 120; ++step) {
    std::vector<int> cpus(c.state().nodes.size());
    for (const Job& j : c.state().jobs) {
      if (j.state != JobState::running) continue;
      for (int i = j.first_node; i < j.first_node + j.node_count; ++i) cpus[i] += j.cpus_per_node;
    }
    for (std::size_t i = 0; i < cpus.size(); ++i) {
      const Node& n = c.state().nodes[i];
      ASSERT_EQ(n.alloc_cpus, cpus[i]) << n.name << " at step " << step;
      ASSERT_LE(n.alloc_cpus, n.cpus) << n.name;
      ASSERT_LE(n.alloc_memory_mb, n.memory_mb) << n.name;
      ASSERT_GE(n.alloc_memory_mb, 0) << n.name;
    }
    c.step();
  }
}

TEST(Cluster, HasJobsInEveryStateFromManyUsers) {
  Cluster c = make(1000);
  for (int i = 0; i < 60; ++i) c.step();
  std::map<JobState, int> states;
  std::set<int> users;
  for (const Job& j : c.state().jobs) {
    ++states[j.state];
    users.insert(j.user);
  }
  for (JobState s : {JobState::pending, JobState::running, JobState::completed, JobState::failed}) {
    EXPECT_GT(states[s], 0) << job_state_name(s);
  }
  EXPECT_GT(users.size(), 20u);
}

TEST(Cluster, SameSeedGivesSameClusterAndDifferentSeedDiffers) {
  Cluster a = make(300, 7), b = make(300, 7), other = make(300, 8);
  for (int i = 0; i < 30; ++i) {
    a.step();
    b.step();
    other.step();
  }
  auto fingerprint = [](const Cluster& c) {
    std::string s;
    for (const Node& n : c.state().nodes) s += n.state_name() + std::to_string(n.alloc_cpus) + std::to_string(n.load);
    for (const Job& j : c.state().jobs) s += std::to_string(j.id) + std::string(job_state_name(j.state));
    return s;
  };
  EXPECT_EQ(fingerprint(a), fingerprint(b));
  EXPECT_NE(fingerprint(a), fingerprint(other));
}

TEST(Cluster, DriftsALittlePerStep) {
  Cluster c = make(1000);
  const ClusterSnapshot before = c.snapshot();
  c.step();
  const ClusterSnapshot after = c.snapshot();
  EXPECT_EQ(after.time, before.time + 1);
  int alloc_changed = 0, load_changed = 0;
  for (std::size_t i = 0; i < before.nodes.size(); ++i) {
    alloc_changed += before.nodes[i].alloc_cpus != after.nodes[i].alloc_cpus ? 1 : 0;
    load_changed += before.nodes[i].load != after.nodes[i].load ? 1 : 0;
  }
  EXPECT_GT(load_changed, 0);
  EXPECT_LT(alloc_changed, 1000 / 10) << "one second changes few allocations";
  for (int i = 0; i < 300; ++i) c.step();
  int changed_later = 0;
  for (std::size_t i = 0; i < before.nodes.size(); ++i) {
    changed_later += before.nodes[i].alloc_cpus != c.state().nodes[i].alloc_cpus ? 1 : 0;
  }
  EXPECT_GT(changed_later, alloc_changed) << "five minutes change more than one second";
}

TEST(Cluster, AdvanceToJumpsTheClockAfterABoundedBacklog) {
  Cluster c = make(50);
  const std::int64_t t0 = c.state().time;
  c.advance_to(3);
  EXPECT_EQ(c.state().step, 3);
  c.advance_to(1000);
  EXPECT_EQ(c.state().step, 1000);
  EXPECT_EQ(c.state().time, t0 + 1000);
  c.advance_to(10);  // never goes back
  EXPECT_EQ(c.state().step, 1000);
}

TEST(Cluster, JobNodesIsAHostlistExpression) {
  const Cluster c = make(400);
  bool saw_range = false, saw_single = false;
  for (const Job& j : c.state().jobs) {
    const std::string nodes = c.state().job_nodes(j);
    if (j.state == JobState::pending) {
      EXPECT_EQ(nodes, "");
    } else if (j.node_count > 1) {
      saw_range = true;
      const std::string first = c.state().nodes[j.first_node].name.substr(4);
      const std::string last = c.state().nodes[j.first_node + j.node_count - 1].name.substr(4);
      EXPECT_EQ(nodes, "node[" + first + "-" + last + "]");
    } else {
      saw_single = true;
      EXPECT_EQ(nodes, c.state().nodes[j.first_node].name);
    }
  }
  EXPECT_TRUE(saw_range);
  EXPECT_TRUE(saw_single);
}

TEST(Cluster, ASingleNodeClusterWorks) {
  Cluster c = make(1);
  for (int i = 0; i < 10; ++i) c.step();
  EXPECT_EQ(c.state().nodes.size(), 1u);
  EXPECT_EQ(c.state().nodes[0].name, "node0001");
}

// perfval-bench steps a cluster while its embedded target steps another in its own thread: the job arrivals'
// Poisson draws (lgamma, which writes libm's signgam) raced there under TSan. Both still match one run alone.
TEST(Cluster, TwoClustersSteppingInTwoThreadsMatchOneSteppedAlone) {
  Cluster alone = make(5000);
  for (int i = 0; i < 200; ++i) alone.step();
  Cluster a = make(5000);
  Cluster b = make(5000);
  std::thread other([&b] { for (int i = 0; i < 200; ++i) b.step(); });
  for (int i = 0; i < 200; ++i) a.step();
  other.join();
  EXPECT_EQ(a.state().jobs.size(), alone.state().jobs.size());
  EXPECT_EQ(b.state().jobs.size(), alone.state().jobs.size());
}

}  // namespace
}  // namespace perfval::target
