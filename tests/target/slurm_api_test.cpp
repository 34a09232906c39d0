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

// ---- v0.0.38 (SLURM 22.05): plain numbers, lower-case node states, job_resources only for placed jobs ----
namespace perfval::target {
namespace {

void expect_v0038_envelope(const json& doc) {
  EXPECT_EQ(doc.at("meta").at("plugin").at("type"), "openapi/v0.0.38");
  EXPECT_EQ(doc.at("meta").at("Slurm").at("release"), "22.05.8");
  EXPECT_TRUE(doc.at("errors").empty());
  EXPECT_FALSE(doc.contains("warnings"));  // v0.0.38 has none
}

TEST(SlurmApiV0038, PingHasTheFourMembersOf2205) {
  const json doc = json::parse(render_ping_json_v0038(snapshot(10)));
  expect_v0038_envelope(doc);
  ASSERT_EQ(doc.at("pings").size(), 1u);
  const json& p = doc["pings"][0];
  EXPECT_EQ(p.at("ping"), "UP");
  EXPECT_EQ(p.at("status"), 0);
  EXPECT_EQ(p.at("mode"), "primary");
  EXPECT_EQ(p.size(), 4u);
}

TEST(SlurmApiV0038, NodesUsePlainNumbersAndLowerCaseStates) {
  ClusterSnapshot s = snapshot(400);
  s.nodes[3].drain = true;
  const json doc = json::parse(render_nodes_json_v0038(s));
  expect_v0038_envelope(doc);
  const json& nodes = doc.at("nodes");
  ASSERT_EQ(nodes.size(), 400u);
  std::set<std::string> states;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const json& n = nodes[i];
    states.insert(n.at("state").get<std::string>());
    EXPECT_TRUE(n.at("boot_time").is_number_integer());
    EXPECT_TRUE(n.at("free_memory").is_number_integer());
    EXPECT_EQ(n.at("alloc_cpus").get<int>() + n.at("idle_cpus").get<int>(), n.at("cpus").get<int>());
    EXPECT_EQ(n.at("cpus").get<int>(), s.nodes[i].cpus);
    EXPECT_EQ(n.at("tres_used").is_null(), s.nodes[i].alloc_cpus == 0);
    EXPECT_TRUE(n.at("tres_weighted").is_number_float());
    const bool drained = std::find(n.at("state_flags").begin(), n.at("state_flags").end(), "DRAIN") !=
                         n.at("state_flags").end();
    EXPECT_EQ(drained, s.nodes[i].drain) << i;
    EXPECT_EQ(n.at("reason_set_by_user").is_null(), !s.nodes[i].drain && !s.nodes[i].down) << i;
  }
  for (const char* st : {"idle", "allocated", "mixed", "down"}) EXPECT_TRUE(states.count(st)) << st;
}

TEST(SlurmApiV0038, JobsCarryStatesAsStringsAndResourcesOnlyOncePlaced) {
  const ClusterSnapshot s = snapshot(300);
  const json doc = json::parse(render_jobs_json_v0038(s));
  expect_v0038_envelope(doc);
  const json& jobs = doc.at("jobs");
  ASSERT_EQ(jobs.size(), s.jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const json& j = jobs[i];
    const Job& job = s.jobs[i];
    EXPECT_EQ(j.at("job_id"), job.id);
    EXPECT_EQ(j.at("job_state"), job_state_slurm(job.state));
    EXPECT_EQ(j.at("cpus"), job.cpus());
    EXPECT_EQ(j.at("nodes"), s.job_nodes(job));
    EXPECT_EQ(j.at("time_limit"), job.time_limit_minutes);
    ASSERT_EQ(j.contains("job_resources"), job.first_node >= 0) << i;
    if (job.first_node < 0) continue;
    const json& res = j["job_resources"];
    EXPECT_EQ(res.at("allocated_hosts"), job.node_count);
    ASSERT_EQ(res.at("allocated_nodes").size(), static_cast<std::size_t>(job.node_count));
    int cores = 0;
    for (const auto& [socket, cores_of] : res["allocated_nodes"][0].at("sockets").items()) {
      cores += static_cast<int>(cores_of.at("cores").size());
    }
    EXPECT_EQ(cores, job.cpus_per_node) << i;  // one "allocated" core per CPU the job holds on the node
  }
}

TEST(SlurmApiV0038, DiagCountsTheQueueOfTheSnapshot) {
  const ClusterSnapshot s = snapshot(300);
  const json doc = json::parse(render_diag_json_v0038(s));
  expect_v0038_envelope(doc);
  const json& st = doc.at("statistics");
  long pending = 0, running = 0;
  for (const Job& j : s.jobs) {
    pending += j.state == JobState::pending;
    running += j.state == JobState::running;
  }
  EXPECT_EQ(st.at("jobs_pending"), pending);
  EXPECT_EQ(st.at("jobs_running"), running);
  EXPECT_EQ(st.at("jobs_submitted"), s.scheduler.jobs_submitted);
  EXPECT_EQ(st.at("req_time"), s.time);
  EXPECT_FALSE(st.at("rpcs_by_message_type").empty());
  EXPECT_EQ(st.at("rpcs_by_user").at(0).at("user"), "root");
}

TEST(SlurmApiVersions, BothVersionsServePingNodesAndJobsAndOnlyV0038Diag) {
  const auto versions = slurm_api_versions();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version, "v0.0.44");
  EXPECT_EQ(versions[1].version, "v0.0.38");
  for (const auto& v : versions) {
    for (SlurmEndpoint e : {SlurmEndpoint::ping, SlurmEndpoint::nodes, SlurmEndpoint::jobs}) {
      EXPECT_NE(v.renderers[static_cast<int>(e)], nullptr) << v.version;
    }
  }
  EXPECT_EQ(versions[0].renderers[static_cast<int>(SlurmEndpoint::diag)], nullptr);
  EXPECT_NE(versions[1].renderers[static_cast<int>(SlurmEndpoint::diag)], nullptr);
}

}  // namespace
}  // namespace perfval::target
