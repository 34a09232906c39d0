// Tests against a real SLURM 22.05 started by scripts/slurm-local.sh: the script's start/stop contract (socket
// path last, idempotent, nothing left running, missing packages named), and that the v0.0.38 bodies of
// `perfval serve` have the key structure of the real slurmrestd's, endpoint by endpoint and job state by state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "integration/process.hpp"
#include "integration/slurm_local.hpp"
#include "perfval/http/simple_client.hpp"
#include "perfval/target/embedded.hpp"

namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using perfval::test::ProcessResult;
using perfval::test::TempDir;
using namespace std::chrono_literals;

const std::string& kScript = perfval::test::kSlurmLocal;
using perfval::test::last_line;
using perfval::test::processes_of;
using perfval::test::read_text;
using perfval::test::slurm_local;

// GET over slurmrestd's Unix socket with curl (a public client that speaks Unix sockets).
json get_real(const std::string& socket, const std::string& path) {
  const ProcessResult r = perfval::test::run_process(
      {"/usr/bin/curl", "-sS", "--max-time", "30", "--unix-socket", socket, "http://localhost" + path}, 60s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

using perfval::test::RealSlurm;

std::string daemon_pids(const std::string& dir) {
  std::string pids;
  for (const char* d : {"munged", "slurmctld", "slurmd", "slurmrestd"}) pids += read_text(dir + "/run/" + d + ".pid");
  return pids;
}

TEST_F(RealSlurm, StartPrintsTheSocketLastIsIdempotentAndStopLeavesNothing) {
  EXPECT_EQ(socket_, dir_.path() + "/rest/slurmrestd.sock");
  EXPECT_TRUE(std::filesystem::is_socket(socket_));
  // The daemons' output goes to DIR/log, not to the caller: stdout is the socket path alone.
  EXPECT_EQ(start_.out, socket_ + "\n");
  for (const char* log : {"munged", "slurmctld", "slurmd", "slurmrestd"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/log/" + log + ".out")) << log;
  }
  const std::string pids = daemon_pids(dir_.path());
  EXPECT_EQ(std::count(pids.begin(), pids.end(), '\n'), 4) << pids;
  const ProcessResult again = slurm_local("start", dir_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(last_line(again.out), socket_);
  EXPECT_EQ(daemon_pids(dir_.path()), pids);  // the same daemons, not a second set
  const json ping = get_real(socket_, "/slurm/v0.0.38/ping");
  EXPECT_EQ(ping["pings"][0]["ping"], "UP") << ping.dump();
  EXPECT_FALSE(processes_of(dir_.path()).empty());
  stop_and_expect_nothing_left();
  const ProcessResult twice = slurm_local("stop", dir_.path());
  EXPECT_EQ(twice.exit_code, 0) << twice.err;
}

// Without /usr/sbin on PATH the daemons are "missing"; install-deps finds the packages installed and cannot
// help, so the script names what is missing and fails (the same path a machine without apt access takes).
TEST(SlurmLocal, MissingPackagesAreNamedAndTheStartFails) {
  if (::geteuid() != 0) GTEST_SKIP() << "scripts/slurm-local.sh needs root";
  TempDir dir;
  const ProcessResult r = perfval::test::run_process({"/usr/bin/env", "PATH=/usr/bin:/bin", kScript, "start",
                                                      dir.path()}, 120s);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("missing packages that could not be installed: munge slurmctld slurmd slurmrestd"));
  EXPECT_THAT(processes_of(dir.path()), ::testing::IsEmpty());
}

// slurmrestd runs as nobody: a DIR under a directory others cannot enter is refused up front, naming it.
TEST(SlurmLocal, DirUnreachableForSlurmrestdIsRefusedNamingTheBlockingDirectory) {
  if (::geteuid() != 0) GTEST_SKIP() << "scripts/slurm-local.sh needs root";
  TempDir dir;  // mode 0700, as mkdtemp makes it
  const ProcessResult r = slurm_local("start", dir.path() + "/slurm");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(dir.path() + " is not searchable by others, so slurmrestd (running as nobody)"));
  EXPECT_THAT(processes_of(dir.path()), ::testing::IsEmpty());
}

// ---- mock vs real key structure ----

std::string type_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "bool";
  if (v.is_number_float()) return "float";
  if (v.is_number()) return "integer";
  if (v.is_string()) return "string";
  return v.is_array() ? "array" : "object";
}

// Every key path with the types seen there; array elements share "path[]", numeric object keys (socket and
// core indexes) are "#".
void shape(const json& v, const std::string& path, std::map<std::string, std::set<std::string>>& out) {
  out[path].insert(type_of(v));
  if (v.is_array()) {
    for (const json& e : v) shape(e, path + "[]", out);
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      const bool index = !k.empty() && k.find_first_not_of("0123456789") == std::string::npos;
      shape(e, path + "." + (index ? "#" : k), out);
    }
  }
}

// Differences a client would notice: a key only one side has, or a type the other never uses (null, SLURM's
// "not set", matches anything). Paths under an array the real one sent empty cannot be compared.
std::vector<std::string> compare_shapes(const json& mock, const json& real) {
  std::map<std::string, std::set<std::string>> m, r;
  shape(mock, "", m);
  shape(real, "", r);
  std::vector<std::string> diffs;
  for (const auto& [path, types] : r) {
    if (!m.count(path)) diffs.push_back("missing in mock: " + path);
  }
  for (const auto& [path, types] : m) {
    const auto it = r.find(path);
    if (it == r.end()) {
      const auto cut = path.rfind("[]");
      const bool under_empty_array = cut != std::string::npos && !r.count(path.substr(0, cut + 2));
      if (!under_empty_array) diffs.push_back("only in mock: " + path);
      continue;
    }
    std::set<std::string> real_types = it->second, mock_types = types;
    real_types.erase("null");
    mock_types.erase("null");
    if (!real_types.empty() && !mock_types.empty() && real_types != mock_types) {
      diffs.push_back("type of " + path + ": mock " + *mock_types.begin() + ", real " + *real_types.begin());
    }
  }
  return diffs;
}

// The jobs of one state, in the document's envelope.
json jobs_in_state(const json& doc, const std::string& state) {
  json copy = doc;
  copy["jobs"] = json::array();
  for (const json& j : doc["jobs"]) {
    if (j["job_state"] == state) copy["jobs"].push_back(j);
  }
  return copy;
}

// slurm-local.sh submits a finished, a running and a held job; the running one may need a scheduler pass.
json real_jobs_in_three_states(const std::string& socket) {
  json jobs;
  for (int i = 0; i < 120; ++i) {
    jobs = get_real(socket, "/slurm/v0.0.38/jobs");
    std::set<std::string> states;
    for (const json& j : jobs.value("jobs", json::array())) states.insert(j.value("job_state", ""));
    if (states.count("RUNNING") && states.count("PENDING") && states.count("COMPLETED")) return jobs;
    std::this_thread::sleep_for(500ms);
  }
  ADD_FAILURE() << "the real jobs never reached RUNNING, PENDING and COMPLETED: " << jobs.dump().substr(0, 2000);
  return jobs;
}

TEST_F(RealSlurm, MockV0038HasTheKeyStructureOfTheRealSlurmrestd) {
  perfval::target::ServeOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.nodes = 300;
  perfval::target::EmbeddedTarget mock(options);
  mock.start();
  auto mock_get = [&](const std::string& path) {
    const auto r = perfval::http::http_request("GET", mock.base_url() + path);
    EXPECT_EQ(r.status, 200) << path;
    return json::parse(r.body);
  };
  for (const char* endpoint : {"ping", "nodes", "diag"}) {
    const std::string path = std::string("/slurm/v0.0.38/") + endpoint;
    const json real = get_real(socket_, path);
    ASSERT_FALSE(real.is_discarded()) << path;
    EXPECT_THAT(compare_shapes(mock_get(path), real), ::testing::IsEmpty()) << path;
  }
  const json real_jobs = real_jobs_in_three_states(socket_);
  const json mock_jobs = mock_get("/slurm/v0.0.38/jobs");
  for (const char* state : {"RUNNING", "PENDING", "COMPLETED"}) {
    const json real = jobs_in_state(real_jobs, state), mock = jobs_in_state(mock_jobs, state);
    ASSERT_FALSE(mock["jobs"].empty()) << state;
    EXPECT_THAT(compare_shapes(mock, real), ::testing::IsEmpty()) << state;
  }
}

// The comparison itself notices a renamed key and a changed type.
TEST(SlurmShape, ComparisonFindsMissingKeysAndTypeChanges) {
  const json real = json::parse(R"({"nodes":[{"name":"a","cpus":2,"owner":null,"sockets":{"0":{"cores":{"1":"x"}}}}]})");
  EXPECT_THAT(compare_shapes(real, real), ::testing::IsEmpty());
  const json renamed = json::parse(R"({"nodes":[{"nom":"a","cpus":2,"owner":"u","sockets":{"3":{"cores":{"7":"x"}}}}]})");
  EXPECT_THAT(compare_shapes(renamed, real),
              ::testing::UnorderedElementsAre("missing in mock: .nodes[].name", "only in mock: .nodes[].nom"));
  const json retyped = json::parse(R"({"nodes":[{"name":"a","cpus":"2","owner":null,"sockets":{"0":{"cores":{"1":"x"}}}}]})");
  EXPECT_THAT(compare_shapes(retyped, real), ::testing::ElementsAre("type of .nodes[].cpus: mock string, real integer"));
}

}  // namespace
