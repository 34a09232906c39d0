// `perfval capacity analyze --measured SUMMARY.json`: replicas from the throughput a capacity run measured within
// its SLA, citing the file and its date; `measured:` in the config; a summary without an answer is exit 2.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "process.hpp"

namespace {
using nlohmann::json;
using perfval::test::run_process;
using perfval::test::TempDir;
using namespace std::chrono_literals;

// What a capacity run writes (docs/results.md#steps), reduced to the members `--measured` reads.
std::string capacity_summary(const std::string& status, double rps) {
  return json{{"schema", "perfval/summary/v1"},
              {"started_at", "2026-11-30T02:00:00Z"},
              {"capacity_found",
               {{"status", status}, {"basis", "plateaus"}, {"step", 3}, {"vus", 300}, {"rate", nullptr}, {"rps", rps},
                {"reason", ""}, {"broke_at", {{"step", 4}, {"vus", 400}, {"rate", nullptr}, {"reason", "p(99)=11.2s >= 10s"}}}}}}
      .dump();
}

// 60 days of hourly request rates around 400 req/s: the forecast peak is ~400 req/s.
std::string requests_csv() {
  std::string out = "timestamp,requests\n";
  for (int h = 0; h <= 60 * 24; ++h) out += std::to_string(1700000000 + h * 3600) + "," + std::to_string(398 + 2 * (h % 3)) + "\n";
  return out;
}

const char* kConfig = "metrics:\n  requests: {}\nscaling:\n  replicas: {min: 2, max: 10, target_utilization: 90%}\n";

TEST(CapacityMeasured, MeasuredThroughputWithinTheSlaSetsTheReplicas) {
  TempDir dir;
  const std::string summary = dir.write("summary.json", capacity_summary("found", 120));
  const auto r = run_process({PERFVAL_BIN, "capacity", "analyze", "--config", dir.write("cap.yaml", kConfig), "--data",
                              dir.write("data.csv", requests_csv()), "--measured", summary, "--format", "json"},
                             60s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json doc = json::parse(r.out);
  EXPECT_DOUBLE_EQ(doc["throughput"]["per_replica_rps"].get<double>(), 120);
  EXPECT_EQ(doc["throughput"]["measured_at"], "2026-11-30T02:00:00Z");
  const json& metric = doc["metrics"][0];
  EXPECT_NEAR(metric["projected"]["peak_upper"].get<double>(), 400, 25) << metric.dump();
  json replicas;
  for (const auto& rec : doc["recommendations"]) {
    if (rec["resource"] == "replicas") replicas = rec;
  }
  ASSERT_FALSE(replicas.is_null()) << doc["recommendations"].dump();
  // ceil(~400 / (120 x 90 %)) = 4; the typed default (150 rps per replica) would have said 3.
  EXPECT_EQ(replicas["recommended"], "4") << replicas.dump();
  const std::string action = replicas["action"].get<std::string>();
  EXPECT_NE(action.find(summary), std::string::npos) << action;
  EXPECT_NE(action.find("2026-11-30T02:00:00Z"), std::string::npos) << action;
  EXPECT_NE(action.find("300 VUs within the SLA"), std::string::npos) << action;
}

TEST(CapacityMeasured, TheConfigKeyReadsTheSummaryBesideIt) {
  TempDir dir;
  dir.write("summary.json", capacity_summary("found", 120));
  const std::string config = dir.write("cap.yaml", "metrics:\n  requests: {}\nscaling:\n  replicas:\n    min: 2\n"
                                                   "    target_utilization: 90%\n    measured: summary.json\n");
  const auto r = run_process({PERFVAL_BIN, "capacity", "analyze", "--config", config, "--data",
                              dir.write("data.csv", requests_csv())}, 60s);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("rps per replica from the capacity run " + dir.path() + "/summary.json"), std::string::npos) << r.out;
}

TEST(CapacityMeasured, ASummaryWithoutAnAnswerIsExit2NamingTheFile) {
  TempDir dir;
  const std::string plain = dir.write("plain.json", R"({"schema":"perfval/summary/v1","started_at":"2026-11-30T02:00:00Z"})");
  const std::string undetermined = dir.write("undetermined.json", capacity_summary("not determined", 0));
  for (const auto& file : {plain, undetermined}) {
    const auto r = run_process({PERFVAL_BIN, "capacity", "analyze", "--config", dir.write("cap.yaml", kConfig), "--data",
                                dir.write("data.csv", requests_csv()), "--measured", file}, 60s);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(file + ": capacity_found"), std::string::npos) << r.err;
  }
}

// Fields of the wrong type are named like missing ones (exit 2), never an internal JSON type error.
TEST(CapacityMeasured, FieldsOfTheWrongTypeAreNamed) {
  TempDir dir;
  const std::string numeric_schema = dir.write("schema.json", R"({"schema":1,"capacity_found":{"status":"found","rps":5}})");
  const std::string numeric_status =
      dir.write("status.json", R"({"schema":"perfval/summary/v1","capacity_found":{"status":7,"reason":[1],"rps":5}})");
  for (const auto& [file, field] : {std::pair{numeric_schema, ": schema: expected"},
                                    std::pair{numeric_status, ": capacity_found.status"}}) {
    const auto r = run_process({PERFVAL_BIN, "capacity", "analyze", "--config", dir.write("cap.yaml", kConfig), "--data",
                                dir.write("data.csv", requests_csv()), "--measured", file}, 60s);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(file + field), std::string::npos) << r.err;
  }
}

}  // namespace
