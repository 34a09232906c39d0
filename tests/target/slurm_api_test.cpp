// Tests that the SLURM REST mock bodies parse, hold every node and job, and have the slurmrestd v0.0.44 shape.
#include "perfval/target/slurm_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace perfval::target {
namespace {

using nlohmann::json;

ClusterSnapshot snapshot(int nodes) {
  ClusterOptions o;
  o.nodes = nodes;
  return Cluster(o).snapshot();
}

void expect_envelope(const json& doc) {
  EXPECT_TRUE(doc.at("errors").is_array());
  EXPECT_TRUE(doc.at("errors").empty());
  EXPECT_TRUE(doc.at("warnings").is_array());
  EXPECT_EQ(doc.at("meta").at("plugin").at("data_parser"), "data_parser/v0.0.44");
  EXPECT_EQ(doc.at("meta").at("slurm").at("cluster"), "perfval");
}

TEST(SlurmApi, PingReportsThePrimaryControllerUp) {
  const json doc = json::parse(render_ping_json(snapshot(10), 321));
  expect_envelope(doc);
  ASSERT_EQ(doc.at("pings").size(), 1u);
  const json& p = doc["pings"][0];
  EXPECT_EQ(p.at("pinged"), "UP");
  EXPECT_EQ(p.at("mode"), "primary");
  EXPECT_EQ(p.at("latency"), 321);
  EXPECT_TRUE(p.at("hostname").is_string());
}

TEST(SlurmApi, NodesListsEveryNodeWithConsistentFields) {
  const ClusterSnapshot s = snapshot(700);
  const json doc = json::parse(render_nodes_json(s));
  expect_envelope(doc);
  const json& nodes = doc.at("nodes");
  ASSERT_EQ(nodes.size(), 700u);
  EXPECT_EQ(nodes[0].at("name"), "node0001");
  std::set<std::string> base_states;
  for (const json& n : nodes) {
    ASSERT_TRUE(n.at("state").is_array());
    base_states.insert(n["state"][0].get<std::string>());
    EXPECT_LE(n.at("alloc_cpus").get<int>(), n.at("cpus").get<int>());
    EXPECT_LE(n.at("alloc_memory").get<std::int64_t>(), n.at("real_memory").get<std::int64_t>());
    EXPECT_EQ(n.at("partitions").size(), 1u);
    EXPECT_TRUE(n.at("cpu_load").is_number_integer());
    EXPECT_TRUE(n.at("boot_time").at("set").get<bool>());
  }
  for (const char* st : {"IDLE", "ALLOCATED", "MIXED", "DOWN"}) EXPECT_TRUE(base_states.count(st)) << st;
  EXPECT_EQ(doc.at("last_update").at("number"), s.time);
}

TEST(SlurmApi, JobsListsEveryJobWithSlurmShapes) {
  const ClusterSnapshot s = snapshot(300);
  const json doc = json::parse(render_jobs_json(s));
  expect_envelope(doc);
  const json& jobs = doc.at("jobs");
  ASSERT_EQ(jobs.size(), s.jobs.size());
  bool saw_pending = false, saw_running = false;
  for (const json& j : jobs) {
    const std::string state = j.at("job_state").at(0);
    EXPECT_TRUE(j.at("job_id").is_number_integer());
    EXPECT_FALSE(j.at("user_name").get<std::string>().empty());
    EXPECT_TRUE(j.at("submit_time").at("set").get<bool>());
    EXPECT_GT(j.at("cpus").at("number").get<int>(), 0);
    if (state == "PENDING") {
      saw_pending = true;
      EXPECT_EQ(j.at("nodes"), "");
      EXPECT_FALSE(j.at("start_time").at("set").get<bool>());
    }
    if (state == "RUNNING") {
      saw_running = true;
      EXPECT_EQ(j.at("nodes").get<std::string>().rfind("node", 0), 0u);
      EXPECT_GE(j.at("start_time").at("number").get<std::int64_t>(), j.at("submit_time").at("number").get<std::int64_t>());
    }
  }
  EXPECT_TRUE(saw_pending);
  EXPECT_TRUE(saw_running);
}

TEST(SlurmApi, ErrorDocumentCarriesStatusAndDescription) {
  const json doc = json::parse(render_error_json(500, "injected \"fault\"", "perfval serve"));
  ASSERT_EQ(doc.at("errors").size(), 1u);
  EXPECT_EQ(doc["errors"][0].at("error_number"), 500);
  EXPECT_EQ(doc["errors"][0].at("description"), "injected \"fault\"");
}

}  // namespace
}  // namespace perfval::target

namespace perfval::target {
namespace {

TEST(SlurmApi, StringsWithQuotesAndControlCharactersStayValidJson) {
  ClusterSnapshot s = snapshot(20);
  s.users[0].name = "o\"brien\\\n\t\x01";
  s.cluster_name = "lab \"a\"";
  const json doc = json::parse(render_jobs_json(s));
  bool found = false;
  for (const json& j : doc.at("jobs")) found = found || j.at("user_name") == "o\"brien\\\n\t\x01";
  EXPECT_TRUE(found);
  EXPECT_EQ(doc.at("meta").at("slurm").at("cluster"), "lab \"a\"");
  EXPECT_EQ(json::parse(render_nodes_json(s)).at("nodes").size(), 20u);
}

}  // namespace
}  // namespace perfval::target
