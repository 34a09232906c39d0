// The network benchmarks' target from options: defaults, named paths, headers on every request, a scenario file's
// target and requests, the flags that carry it to perfval-bench, and bad input refused naming the option.
#include "perfval/bench/network_target.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "perfval/common/error.hpp"

namespace perfval::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> names(const loadgen::Scenario& s) {
  std::vector<std::string> out;
  for (const auto& r : s.requests) out.push_back(r.name + "=" + r.path);
  return out;
}

std::string error_of(const NetworkTargetArgs& args) {
  try {
    network_scenario(args);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  return "";
}

TEST(NetworkTarget, WithoutOptionsTheEmbeddedTargetsPingNodesAndMetricsAreMeasured) {
  const loadgen::Scenario s = network_scenario({});
  EXPECT_EQ(s.base_url, "");  // the benchmark starts the embedded target and fills it in
  EXPECT_THAT(names(s), ElementsAre("ping=/slurm/v0.0.44/ping", "nodes=/slurm/v0.0.44/nodes", "metrics=/metrics"));
}

TEST(NetworkTarget, PathsAreNamedByTheirLastSegmentOrExplicitlyAndHeadersGoOnEveryRequest) {
  NetworkTargetArgs a;
  a.target = "http://127.0.0.1:8080/api/";
  a.paths = {"/", "/slurm/v0.0.38/ping?x=1", "big=/files/1m.bin", "/a b"};
  EXPECT_THAT(error_of(a), HasSubstr("option --path: \"/a b\": spaces in the path"));
  a.paths.pop_back();
  a.headers = {"X-SLURM-USER-TOKEN:  abc", "Accept: */*"};
  const loadgen::Scenario s = network_scenario(a);
  EXPECT_EQ(s.base_url, "http://127.0.0.1:8080/api");
  EXPECT_THAT(names(s), ElementsAre("root=/", "ping=/slurm/v0.0.38/ping?x=1", "big=/files/1m.bin"));
  for (const auto& r : s.requests) {
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0].name, "X-SLURM-USER-TOKEN");
    EXPECT_EQ(r.headers[0].value, "abc");
  }
}

TEST(NetworkTarget, AUnixSocketDefaultsTheHostToLocalhostAndRefusesHttps) {
  NetworkTargetArgs a;
  a.unix_socket = "/run/slurmrestd/slurmrestd.socket";
  a.paths = {"/slurm/v0.0.38/ping"};
  const loadgen::Scenario s = network_scenario(a);
  EXPECT_EQ(s.unix_socket, a.unix_socket);
  EXPECT_EQ(s.base_url, "http://localhost");
  a.target = "https://localhost";
  EXPECT_THAT(error_of(a), HasSubstr("option --unix-socket: HTTPS over a Unix socket is not supported"));
  a.target.clear();
  a.unix_socket = "/" + std::string(120, 's');
  EXPECT_THAT(error_of(a), HasSubstr("option --unix-socket: longer than 107 bytes"));
}

TEST(NetworkTarget, DuplicateNamesAndPathWithScenarioAreRefused) {
  NetworkTargetArgs a;
  a.paths = {"/v1/ping", "/v2/ping"};
  EXPECT_THAT(error_of(a), HasSubstr("two endpoints named \"ping\" (/v1/ping, /v2/ping); name them with --path NAME=PATH"));
  a.scenario = "x.yaml";
  EXPECT_THAT(error_of(a), HasSubstr("give the endpoints with --path or --scenario, not both"));
}

class ScenarioFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("perfval-nt-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string path = (dir_ / "s.yaml").string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ScenarioFile, TheScenariosTargetRequestsHeadersAndChecksAreTaken) {
  NetworkTargetArgs a;
  a.scenario = write(
      "name: api\ntarget: {base_url: \"http://127.0.0.1:9/p\", unix_socket: /run/s.sock}\n"
      "insecureSkipTLSVerify: true\n"
      "requests:\n  - name: ping\n    path: /ping\n    headers: {X-A: \"1\"}\n    checks: {status: 200}\n"
      "  - {name: nodes, method: HEAD, path: /nodes}\n"
      "executor: constant-vus\nvus: 1\nduration: 1s\n");
  a.headers = {"X-B: 2"};
  const loadgen::Scenario s = network_scenario(a);
  EXPECT_EQ(s.base_url, "http://127.0.0.1:9/p");
  EXPECT_EQ(s.unix_socket, "/run/s.sock");
  EXPECT_TRUE(s.tls.insecure_skip_verify);
  ASSERT_THAT(names(s), ElementsAre("ping=/ping", "nodes=/nodes"));
  EXPECT_EQ(s.requests[0].headers.size(), 2u);
  EXPECT_EQ(s.requests[0].checks.size(), 1u);
  EXPECT_EQ(s.requests[1].method, "HEAD");
  a.target = "http://localhost:8080";  // --target wins over the file's base_url
  EXPECT_EQ(network_scenario(a).base_url, "http://localhost:8080");
}

TEST_F(ScenarioFile, ARequestThatReadsADataFileIsRefusedNamingIt) {
  std::ofstream(dir_ / "users.csv") << "user\nalice\nbob\n";
  NetworkTargetArgs a;
  a.scenario = write("name: d\ntarget: {base_url: \"http://127.0.0.1:9\"}\ndata: {file: users.csv, mode: sequential}\n"
                     "requests:\n  - {name: me, path: \"/users/{{data.user}}\"}\n"
                     "executor: constant-vus\nvus: 1\nduration: 1s\n");
  EXPECT_THAT(error_of(a), HasSubstr("request \"me\" uses {{data.*}}, and the network benchmarks do not read data "
                                     "files; use perfval run for it"));
}

TEST_F(ScenarioFile, AnEmbeddedScenarioMeansTheEmbeddedTargetAndABadFileNamesItsLine) {
  NetworkTargetArgs a;
  a.scenario = write("name: e\ntarget: {embedded: {nodes: 10}}\nrequests:\n  - {name: m, path: /metrics}\n"
                     "executor: constant-vus\nvus: 1\nduration: 1s\n");
  EXPECT_EQ(network_scenario(a).base_url, "");
  a.scenario = write("name: e\ntarget: {embedded: {}}\nrequests:\n  - {name: m, paht: /metrics}\n");
  EXPECT_THAT(error_of(a), HasSubstr("option --scenario: " + a.scenario + ":4:"));
}

TEST(NetworkTarget, FlagsCarryEveryOptionToPerfvalBenchAndBack) {
  NetworkTargetArgs a;
  a.target = "http://127.0.0.1:1";
  a.unix_socket = "/s";
  a.scenario = "f.yaml";
  a.paths = {"/a", "b=/b"};
  a.headers = {"X: y"};
  NetworkTargetArgs back;
  for (const auto& flag : network_flags(a)) EXPECT_TRUE(take_network_flag(flag, back)) << flag;
  EXPECT_EQ(back.target, a.target);
  EXPECT_EQ(back.unix_socket, a.unix_socket);
  EXPECT_EQ(back.scenario, a.scenario);
  EXPECT_EQ(back.paths, a.paths);
  EXPECT_EQ(back.headers, a.headers);
  EXPECT_FALSE(take_network_flag("--perfval_quick", back));
}

}  // namespace
}  // namespace perfval::bench
