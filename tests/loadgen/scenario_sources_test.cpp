// Tests for what a scenario takes from outside its file: ${VAR} values (and that echoes never show them),
// CSV data files with templates, TLS options and files, Unix sockets, and response checks on requests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/summary.hpp"
#include "perfval/loadgen/summary_io.hpp"
#include "support/test_pki.hpp"

namespace perfval::loadgen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* kSecret = "tok-6f1c0a9e-secret";

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvLookup kEnv = env_of({{"PERFVAL_TEST_TOKEN", kSecret}, {"EXPORTER", "127.0.0.1:9341"}});

std::string error_of(const std::string& yaml, const EnvLookup& env = kEnv) {
  try {
    parse_test_plan(yaml, "plan.yaml", env);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return "";
}

const std::string kExec = "executor: constant-vus\nvus: ${VUS:-3}\nduration: 1s\n";

TEST(ScenarioEnv, ValuesComeFromTheEnvironmentAndEchoesKeepTheReference) {
  const auto plan = parse_test_plan(
      "target: {base_url: \"http://${EXPORTER}\"}\n"
      "requests:\n"
      "  - name: nodes\n"
      "    path: /slurm/v0.0.44/nodes?t=${PERFVAL_TEST_TOKEN}\n"
      "    headers: {X-SLURM-USER-TOKEN: \"${PERFVAL_TEST_TOKEN}\"}\n" + kExec,
      "plan.yaml", kEnv);
  const Scenario& s = plan.scenarios.at(0);
  EXPECT_EQ(s.base_url, "http://127.0.0.1:9341");
  EXPECT_EQ(echo_base_url(s), "http://${EXPORTER}");
  EXPECT_EQ(s.requests[0].headers[0].value, kSecret);
  EXPECT_EQ(echo_path(s.requests[0]), "/slurm/v0.0.44/nodes?t=${PERFVAL_TEST_TOKEN}");
  EXPECT_EQ(s.executor.vus, 3);
  ASSERT_EQ(plan.env.size(), 2u);
  EXPECT_EQ(redact_env(std::string("401: bad token ") + kSecret, plan.env), "401: bad token ${PERFVAL_TEST_TOKEN}");

  RunSummary summary;
  summary.scenarios = plan.scenarios;
  summary.name = plan.name;
  const std::string json = summary_to_json(summary).dump();
  EXPECT_THAT(json, Not(HasSubstr(kSecret)));
  EXPECT_THAT(json, Not(HasSubstr("9341")));
  EXPECT_THAT(json, HasSubstr("${PERFVAL_TEST_TOKEN}"));
}

TEST(ScenarioEnv, UnsetVariableNamesFileLineAndVariable) {
  const std::string yaml =
      "target: {base_url: \"http://127.0.0.1:1\"}\n"
      "requests:\n"
      "  - name: ping\n"
      "    path: /ping\n"
      "    headers: {X-SLURM-USER-TOKEN: \"${SLURM_JWT}\"}\n" + kExec;
  EXPECT_THAT(error_of(yaml), HasSubstr("plan.yaml:5:35: requests[0].headers.X-SLURM-USER-TOKEN: environment "
                                        "variable SLURM_JWT is not set"));
}

TEST(ScenarioEnv, NamesAndDescriptionsStayLiteral) {
  EXPECT_THAT(error_of("name: ${RUN}\ntarget: {base_url: \"http://127.0.0.1:1\"}\nrequests: [{name: a, path: /}]\n" + kExec),
              HasSubstr("plan.yaml:1:7: name: names and descriptions label every result"));
  EXPECT_THAT(error_of("target: {base_url: \"http://127.0.0.1:1\"}\nrequests: [{name: \"${R}\", path: /}]\n" + kExec),
              HasSubstr("requests[0].name: names and descriptions"));
}

TEST(ScenarioEnv, EmptyUnixSocketMeansTcp) {
  const std::string yaml =
      "target: {base_url: \"http://localhost\", unix_socket: \"${SLURMRESTD_SOCKET:-}\"}\n"
      "requests: [{name: ping, path: /slurm/v0.0.44/ping}]\n" + kExec;
  EXPECT_EQ(parse_test_plan(yaml, "plan.yaml", env_of({})).scenarios[0].unix_socket, "");
  const auto plan = parse_test_plan(yaml, "plan.yaml", env_of({{"SLURMRESTD_SOCKET", "/run/slurmrestd.sock"}}));
  EXPECT_EQ(plan.scenarios[0].unix_socket, "/run/slurmrestd.sock");
  EXPECT_EQ(plan.scenarios[0].unix_socket_as_written, "${SLURMRESTD_SOCKET:-}");
  EXPECT_THAT(error_of("target: {base_url: \"https://localhost\", unix_socket: /run/x.sock}\n"
                       "requests: [{name: a, path: /}]\n" + kExec),
              HasSubstr("target.unix_socket: HTTPS over a Unix socket is not supported"));
  EXPECT_THAT(error_of("target: {embedded: {}, unix_socket: /run/x.sock}\nrequests: [{name: a, path: /}]\n" + kExec),
              HasSubstr("unix_socket needs a base_url"));
  EXPECT_THAT(error_of("target: {base_url: \"http://localhost\", unix_socket: /" + std::string(120, 'x') +
                       "}\nrequests: [{name: a, path: /}]\n" + kExec),
              HasSubstr("at most 107 bytes"));
}

TEST(ScenarioTls, OptionsAndFilesAreReadAndChecked) {
  const auto& pki = test::test_pki();
  const auto plan = parse_test_plan(
      "insecureSkipTLSVerify: false\n"
      "tlsVersion: {min: tls1.2, max: tls1.3}\n"
      "tlsAuth: [{cert: " + pki.client_cert + ", key: " + pki.client_key + ", domains: [localhost]}]\n"
      "target: {base_url: \"https://localhost:8443\", ca_file: " + pki.ca_cert + "}\n"
      "requests: [{name: a, path: /}]\n" + kExec,
      "plan.yaml", kEnv);
  const auto& tls = plan.scenarios[0].tls;
  EXPECT_EQ(tls.ca_file, pki.ca_cert);
  EXPECT_FALSE(tls.insecure_skip_verify);
  ASSERT_EQ(tls.client_certs.size(), 1u);
  EXPECT_EQ(tls.client_certs[0].domains, (std::vector<std::string>{"localhost"}));
  EXPECT_EQ(parse_test_plan("tlsVersion: tls1.3\ninsecureSkipTLSVerify: true\n"
                            "target: {base_url: \"https://localhost\"}\nrequests: [{name: a, path: /}]\n" + kExec,
                            "plan.yaml", kEnv)
                .scenarios[0].tls.min_version,
            http::TlsVersion::tls1_3);
}

TEST(ScenarioTls, BadFilesAndVersionsAreErrorsBeforeTheRun) {
  const auto& pki = test::test_pki();
  const std::string rest = "requests: [{name: a, path: /}]\n" + kExec;
  EXPECT_THAT(error_of("target: {base_url: \"https://localhost\", ca_file: /nonexistent/ca.pem}\n" + rest),
              HasSubstr("plan.yaml:1:50: target.ca_file: cannot read CA file /nonexistent/ca.pem"));
  EXPECT_THAT(error_of("tlsAuth: {cert: " + pki.client_cert + ", key: /nonexistent/key.pem}\n"
                       "target: {base_url: \"https://localhost\"}\n" + rest),
              HasSubstr("tlsAuth.key: cannot read key file /nonexistent/key.pem"));
  EXPECT_THAT(error_of("tlsAuth: [{cert: " + pki.client_cert + ", key: " + pki.server_key + "}]\n"
                       "target: {base_url: \"https://localhost\"}\n" + rest),
              HasSubstr("tlsAuth[0].key: the key in"));
  EXPECT_THAT(error_of("tlsVersion: tls1.1\ntarget: {base_url: \"https://localhost\"}\n" + rest),
              HasSubstr("plan.yaml:1:13: tlsVersion: tls1.1 is out of range"));
  EXPECT_THAT(error_of("tlsVersion: {min: tls1.3, max: tls1.2}\ntarget: {base_url: \"https://localhost\"}\n" + rest),
              HasSubstr("tlsVersion.max: max tls1.2 is below min tls1.3"));
  EXPECT_THAT(error_of("tlsVersion: tls13\ntarget: {base_url: \"https://localhost\"}\n" + rest),
              HasSubstr("unknown TLS version \"tls13\" (did you mean \"tls1.3\"?)"));
  EXPECT_THAT(error_of("insecureSkipTlsVerify: true\ntarget: {base_url: \"https://localhost\"}\n" + rest),
              HasSubstr("(did you mean \"insecureSkipTLSVerify\"?)"));
}

std::string temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("perfval-i12-scn-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(ScenarioData, TemplatesAreCheckedAgainstTheDataFile) {
  const std::string csv = temp_file("users.csv", "user,token\nalice,t-1\nbob,t-2\n");
  const auto plan = parse_test_plan(
      "target: {base_url: \"http://127.0.0.1:1\"}\ndata: {file: " + csv + ", mode: unique}\n"
      "requests:\n  - name: login\n    method: POST\n    path: /u/{{data.user}}?vu={{vu}}\n"
      "    headers: {X-Token: \"{{data.token}}\"}\n    body: '{\"n\": {{random:1-10}}}'\n" + kExec,
      "plan.yaml", kEnv);
  ASSERT_TRUE(plan.scenarios[0].data);
  EXPECT_EQ(plan.scenarios[0].data->mode, DataMode::unique);
  EXPECT_EQ(plan.scenarios[0].data->table->rows(), 2u);

  const std::string head = "target: {base_url: \"http://127.0.0.1:1\"}\ndata: {file: " + csv + "}\n";
  EXPECT_THAT(error_of(head + "requests:\n  - {name: a, path: \"/u/{{data.usr}}\"}\n" + kExec),
              HasSubstr("plan.yaml:4:21: requests[0].path: {{data.usr}}: no column \"usr\""));
  EXPECT_THAT(error_of("target: {base_url: \"http://127.0.0.1:1\"}\nrequests: [{name: a, path: \"/{{data.x}}\"}]\n" + kExec),
              HasSubstr("the scenario has no data file"));
  EXPECT_THAT(error_of("target: {base_url: \"http://127.0.0.1:1\"}\ndata: {file: /nonexistent/u.csv}\n"
                       "requests: [{name: a, path: /}]\n" + kExec),
              HasSubstr("plan.yaml:2:14: data.file: /nonexistent/u.csv: cannot open data file"));
  EXPECT_THAT(error_of(head + "data: {file: " + csv + ", mode: shuffled}\n"), HasSubstr("duplicate key"));
  EXPECT_THAT(error_of("target: {base_url: \"http://127.0.0.1:1\"}\ndata: {file: " + csv + ", mode: uniqe}\n"
                       "requests: [{name: a, path: /}]\n" + kExec),
              HasSubstr("unknown mode \"uniqe\" (did you mean \"unique\"?)"));
  EXPECT_THAT(error_of(head + "requests: [{name: a, path: \"/{{vus}}\"}]\n" + kExec), HasSubstr("unknown template"));
  EXPECT_THAT(error_of(head + "requests: [{name: a, method: POST, path: /, headers: {Content-Length: \"9\"}, "
                              "body: \"{{uuid}}\"}]\n" + kExec),
              HasSubstr("gets its Content-Length from perfval"));
  const std::string spaced = temp_file("spaced.csv", "q\nok\nhas space\n");
  EXPECT_THAT(error_of("target: {base_url: \"http://127.0.0.1:1\"}\ndata: {file: " + spaced + "}\n"
                       "requests: [{name: a, path: \"/s?q={{data.q}}\"}]\n" + kExec),
              HasSubstr("spaced.csv:3: column q has a space or line break, which cannot go into the path"));
}

TEST(ScenarioData, RelativeFilesAreFoundNextToTheScenario) {
  const auto dir = std::filesystem::temp_directory_path() / "perfval-i12-rel";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rows.csv") << "id\n1\n";
  std::ofstream(dir / "plan.yaml") << "target: {base_url: \"http://127.0.0.1:1\"}\ndata: {file: rows.csv}\n"
                                      "requests: [{name: a, path: \"/{{data.id}}\"}]\n" + kExec;
  const auto plan = load_test_plan((dir / "plan.yaml").string(), kEnv);
  EXPECT_EQ(plan.scenarios[0].data->table->file, (dir / "rows.csv").string());
}

TEST(ScenarioChecks, RequestsCarryTheirChecks) {
  const auto plan = parse_test_plan(
      "target: {base_url: \"http://127.0.0.1:1\"}\n"
      "requests:\n  - name: metrics\n    path: /metrics\n    checks:\n      status: 200\n"
      "      prometheus: {families: [slurm_nodes]}\n  - {name: health, path: /health}\n" + kExec,
      "plan.yaml", kEnv);
  EXPECT_EQ(plan.scenarios[0].requests[0].checks.size(), 2u);
  EXPECT_TRUE(plan.scenarios[0].requests[0].checks.needs_body());
  EXPECT_TRUE(plan.scenarios[0].requests[1].checks.empty());
  EXPECT_THAT(error_of("target: {base_url: \"http://127.0.0.1:1\"}\n"
                       "requests:\n  - name: m\n    path: /m\n    checks: {stauts: 200}\n" + kExec),
              HasSubstr("plan.yaml:5:14: requests[0].checks.stauts: unknown check \"stauts\" (did you mean \"status\"?)"));
}

}  // namespace
}  // namespace perfval::loadgen
