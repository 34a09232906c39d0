// `perfval run` with a header from the environment (${PERFVAL_TEST_TOKEN}) against a real nginx on loopback
// that answers 401 without the right token: the value reaches the server, and appears nowhere perfval writes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "process.hpp"
#include "support/nginx.hpp"

namespace {
using nlohmann::json;
using namespace std::chrono_literals;

const char* kToken = "pv-secret-7f3a9c21e8";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class RunEnv : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nginx_ = new perfval::test::Nginx(std::string("server { listen 127.0.0.1:{PORT0}; location / {"
                                                  " if ($http_x_slurm_user_token != \"") +
                                          kToken + "\") { return 401; } return 200 \"ok\\n\"; } }\n",
                                      1);
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
  }
  // Runs the plan with `env` ("NAME=value" or empty) added to perfval's environment.
  perfval::test::ProcessResult run(const std::string& env) {
    const std::string file =
        dir_.write("s.yaml", "name: env\ntarget: {base_url: \"http://127.0.0.1:" + std::to_string(nginx_->port()) +
                                 "\"}\nrequests:\n"
                                 "  - {name: api, path: /, headers: {X-SLURM-USER-TOKEN: \"${PERFVAL_TEST_TOKEN}\"}}\n"
                                 "executor: constant-vus\nvus: 2\nduration: 2s\n"
                                 "thresholds:\n  http_req_failed: [\"rate<0.01\"]\n");
    std::vector<std::string> argv = {"/usr/bin/env", "-u", "PERFVAL_TEST_TOKEN"};
    if (!env.empty()) argv.push_back(env);
    argv.insert(argv.end(), {PERFVAL_BIN, "run", file, "--out", out()});
    return perfval::test::run_process(argv, 60s);
  }
  std::string out() const { return dir_.path() + "/out"; }

  perfval::test::TempDir dir_;
  static perfval::test::Nginx* nginx_;
};
perfval::test::Nginx* RunEnv::nginx_ = nullptr;

TEST_F(RunEnv, TheTokenReachesTheServerAndNothingPerfvalWritesHoldsIt) {
  const auto p = run(std::string("PERFVAL_TEST_TOKEN=") + kToken);
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const json s = json::parse(slurp(out() + "/summary.json"));
  EXPECT_GT(s.at("metrics").at("http_reqs").at("count").get<int>(), 10);
  EXPECT_EQ(s.at("metrics").at("http_req_failed").at("passes").get<int>(), 0);  // no 401
  for (const std::string& text : {p.out, p.err, slurp(out() + "/summary.json"), slurp(out() + "/report.html")}) {
    EXPECT_EQ(text.find(kToken), std::string::npos);
  }
  EXPECT_FALSE(slurp(out() + "/report.html").empty());
}

TEST_F(RunEnv, AWrongTokenIsRefusedByTheServer) {
  const auto p = run("PERFVAL_TEST_TOKEN=not-the-token");
  EXPECT_EQ(p.exit_code, 99) << p.out << p.err;
  const json s = json::parse(slurp(out() + "/summary.json"));
  EXPECT_EQ(s.at("status_codes").at("401").get<int>(), s.at("metrics").at("http_reqs").at("count").get<int>());
}

TEST_F(RunEnv, AnUnsetVariableIsExitTwoNamingFileAndLine) {
  const auto p = run("");
  EXPECT_EQ(p.exit_code, 2) << p.out << p.err;
  EXPECT_NE(p.err.find("s.yaml:4:"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("PERFVAL_TEST_TOKEN is not set"), std::string::npos) << p.err;
}

}  // namespace
