// `perfval run` with request templates and CSV data against a real nginx on loopback that logs what it got:
// {{vu}}, {{iteration}}, {{uuid}} and {{data.COLUMN}} reach the server rendered per iteration; `unique` rows are
// each sent once and the run ends by itself when they are used up; a template naming a missing column is exit 2.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"
#include "support/nginx.hpp"

namespace {
using nlohmann::json;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One access-log line: the fields nginx wrote, separated by '|'.
std::vector<std::vector<std::string>> log_lines(const std::string& path) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream f(line);
    for (std::string field; std::getline(f, field, '|');) fields.push_back(field);
    out.push_back(fields);
  }
  return out;
}

class RunData : public ::testing::Test {
 protected:
  // nginx logging request URI | X-User | X-Id | Content-Length for every request it answers.
  RunData()
      : nginx_("log_format data '$request_uri|$http_x_user|$http_x_id|$http_content_length';\n"
               "server { listen 127.0.0.1:{PORT0}; access_log {DIR}/data.log data;"
               " location / { return 200 \"ok\\n\"; } }\n",
               1) {}

  perfval::test::ProcessResult run(const std::string& scenario_tail) {
    const std::string file = dir_.write(
        "s.yaml", "name: data\ntarget: {base_url: \"http://127.0.0.1:" + std::to_string(nginx_.port()) + "\"}\n" +
                      scenario_tail);
    return perfval::test::run_process({PERFVAL_BIN, "run", file, "--out", out()}, 120s);
  }
  std::string out() const { return dir_.path() + "/out"; }
  std::vector<std::vector<std::string>> log() const { return log_lines(nginx_.dir() + "/data.log"); }

  perfval::test::TempDir dir_;
  perfval::test::Nginx nginx_;
};

TEST_F(RunData, TemplatesAndACsvColumnReachTheServerRenderedPerIteration) {
  dir_.write("users.csv", "user,group\nalice,a\nbob,b\ncarol,c\ndave,d\n");
  const auto p = run(
      "data: {file: users.csv}\n"
      "requests:\n"
      "  - name: login\n    method: POST\n    path: \"/u/{{data.user}}?vu={{vu}}&it={{iteration}}\"\n"
      "    headers: {X-User: \"{{data.user}}\", X-Id: \"{{uuid}}\"}\n"
      "    body: \"user={{data.user}}&n={{random:1-9}}\"\n"
      "executor: per-vu-iterations\nvus: 3\niterations: 4\n");
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  const auto lines = log();
  ASSERT_EQ(lines.size(), 12u);  // 3 VUs x 4 iterations
  std::set<std::string> users, vus, ids;
  std::map<std::string, std::set<std::string>> iterations_of_vu;
  for (const auto& f : lines) {
    ASSERT_EQ(f.size(), 4u);
    const std::string& uri = f[0];
    const std::size_t q = uri.find('?'), amp = uri.find('&');
    ASSERT_NE(amp, std::string::npos) << uri;
    const std::string user = uri.substr(3, q - 3), vu = uri.substr(q + 4, amp - q - 4);
    users.insert(user);
    vus.insert(vu);
    iterations_of_vu[vu].insert(uri.substr(amp + 4));
    EXPECT_EQ(f[1], user);  // the header carries the same row as the path
    EXPECT_EQ(f[2].size(), 36u) << f[2];
    EXPECT_EQ(f[2][14], '4') << f[2];  // a version-4 UUID
    ids.insert(f[2]);
    // "user=" + user + "&n=" + one digit: the Content-Length follows each rendered body.
    EXPECT_EQ(f[3], std::to_string(5 + user.size() + 4)) << uri;
  }
  EXPECT_EQ(users, (std::set<std::string>{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(vus, (std::set<std::string>{"1", "2", "3"}));
  for (const auto& [vu, its] : iterations_of_vu) EXPECT_EQ(its, (std::set<std::string>{"0", "1", "2", "3"})) << vu;
  EXPECT_EQ(ids.size(), 12u);  // a fresh UUID per request
  const json s = json::parse(slurp(out() + "/summary.json"));
  EXPECT_EQ(s.at("raw").at("data_rows").get<int>(), 12);
  EXPECT_FALSE(s.at("raw").at("data_ran_out").get<bool>());
  EXPECT_EQ(s.at("metrics").at("http_req_failed").at("passes").get<int>(), 0);
}

TEST_F(RunData, UniqueRowsAreEachSentOnceThenTheRunEndsByItself) {
  dir_.write("ids.csv", "id\n101\n102\n103\n104\n105\n");
  const auto started = std::chrono::steady_clock::now();
  const auto p = run(
      "data: {file: ids.csv, mode: unique}\n"
      "requests:\n  - {name: get, path: \"/job/{{data.id}}\"}\n"
      "executor: constant-vus\nvus: 2\nduration: 60s\n");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  EXPECT_LT(took, 45s);  // ended when the rows ran out, not at the 60 s duration
  std::multiset<std::string> uris;
  for (const auto& f : log()) uris.insert(f.at(0));
  EXPECT_EQ(uris, (std::multiset<std::string>{"/job/101", "/job/102", "/job/103", "/job/104", "/job/105"}));
  const json s = json::parse(slurp(out() + "/summary.json"));
  EXPECT_EQ(s.at("metrics").at("http_reqs").at("count").get<int>(), 5);
  EXPECT_EQ(s.at("raw").at("data_rows").get<int>(), 5);
  EXPECT_TRUE(s.at("raw").at("data_ran_out").get<bool>());
  EXPECT_NE(p.out.find("the unique rows ran out"), std::string::npos) << p.out;
}

TEST_F(RunData, ATemplateNamingAMissingColumnIsExitTwoNamingFileAndLine) {
  dir_.write("users.csv", "user\nalice\n");
  const auto p = run("data: {file: users.csv}\nrequests:\n  - {name: get, path: \"/u/{{data.usr}}\"}\n"
                     "executor: constant-vus\nvus: 1\nduration: 1s\n");
  EXPECT_EQ(p.exit_code, 2) << p.out << p.err;
  EXPECT_NE(p.err.find("s.yaml:5:"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("no column \"usr\""), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("did you mean \"user\"?"), std::string::npos) << p.err;
  EXPECT_TRUE(log().empty());  // nothing was sent
}

}  // namespace
