// build/perfval-bench itself, run with narrow filters: every issue item is registered under category/what/size,
// the MemoryManager reports real numbers for every repetition, an unreachable target becomes error_occurred,
// and a filter matching nothing exits 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include "support/free_port.hpp"

namespace perfval::bench {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using nlohmann::json;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfval-suite-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs perfval-bench with `args` (each already shell-safe), capped at 120 s by timeout(1).
  Outcome bench(const std::string& args) {
    const std::string cmd = "timeout 120 " + std::string(PERFVAL_BENCH_BIN) + " " + args + " >" +
                            (dir_ / "out").string() + " 2>" + (dir_ / "err").string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir_ / "out"), slurp(dir_ / "err")};
  }
  json output_json() { return json::parse(slurp(dir_ / "result.json")); }
  std::string out_flags() { return "--benchmark_out=" + (dir_ / "result.json").string() + " --benchmark_out_format=json"; }

  fs::path dir_;
};

TEST_F(SuiteTest, EveryIssueItemIsRegisteredUnderCategoryWhatSize) {
  const Outcome quick = bench("--perfval_quick --benchmark_list_tests=true");
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  for (const char* name :
       {"memory/allocation/mixed", "memory/json_serialize/nodes/1000", "memory/json_serialize/jobs/5000",
        "memory/json_deserialize/nodes/5000", "memory/json_deserialize/jobs/1000", "memory/reclaim_pause/snapshot/5000",
        "memory/concurrent_access/shared/real_time/threads:4", "memory/concurrent_access/per_thread/real_time/threads:1",
        "cpu/metric_processing/1000", "cpu/metric_render/5000", "cpu/metric_parse/5000", "cpu/regex_std/metric_names",
        "cpu/regex_boost/label_filter", "cpu/concurrent_collection/real_time/threads:4", "cpu/json_parse/nodes/5000",
        "network/api_latency/ping/manual_time", "network/api_latency/nodes/manual_time",
        "network/http_throughput/metrics/manual_time", "network/connection_reuse/keep_alive/manual_time",
        "network/connection_reuse/new_connection/manual_time", "network/in_flight/1/manual_time",
        "network/in_flight/8/manual_time", "network/in_flight/64/manual_time", "scalability/cluster_metrics/10000",
        "scalability/cardinality/100000", "scalability/concurrent_scrapers/1000/real_time/threads:8",
        "scalability/memory_under_load/5000/real_time"}) {
    EXPECT_THAT(quick.out, HasSubstr(std::string(name) + "\n"));
  }
  EXPECT_THAT(quick.out, ::testing::Not(HasSubstr("scalability/cardinality/1000000")));
  const Outcome full = bench("--perfval_categories=scalability --benchmark_list_tests=true");
  EXPECT_THAT(full.out, HasSubstr("scalability/cardinality/1000000\n"));
  EXPECT_THAT(full.out, ::testing::Not(HasSubstr("memory/")));
}

TEST_F(SuiteTest, MemoryManagerFiguresAreRealInEveryRepetition) {
  const Outcome r = bench("--perfval_categories=memory --perfval_no_controls --benchmark_filter=memory/allocation/ "
                          "--benchmark_repetitions=3 "
                      "--benchmark_min_time=0.01 " + out_flags());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int repetitions = 0;
  const json doc = output_json();
  for (const auto& row : doc["benchmarks"]) {
    if (row["run_type"] != "iteration") continue;
    ++repetitions;
    // 64 series of 10 allocations each plus the vector: counted by the replaced operator new.
    EXPECT_EQ(row["allocations_per_iteration"].get<double>(), 641.0);
    EXPECT_GE(row["allocs_per_iter"].get<double>(), 641.0);
    EXPECT_LT(row["allocs_per_iter"].get<double>(), 660.0);
    EXPECT_GT(row["max_bytes_used"].get<double>(), 64 * 10 * 16);
    EXPECT_LT(row["max_bytes_used"].get<double>(), 1 << 20);
    EXPECT_GT(row["allocations_per_second"].get<double>(), 0.0);
  }
  EXPECT_EQ(repetitions, 3);
  EXPECT_THAT(r.out, HasSubstr("allocation/mixed"));
  EXPECT_THAT(r.out, HasSubstr("1 benchmarks, 0 failed"));
}

TEST_F(SuiteTest, UnreachableTargetIsReportedPerBenchmarkAndTheSuiteGoesOn) {
  const std::uint16_t port = perfval::test::free_loopback_port();  // nothing listens there
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const Outcome r = bench("--perfval_categories=network --perfval_no_controls --perfval_target=" + url +
                      " '--benchmark_filter=network/(api_latency/ping|in_flight/4/)' --benchmark_repetitions=2 " +
                      out_flags());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int failed = 0;
  const json doc = output_json();
  for (const auto& row : doc["benchmarks"]) {
    ASSERT_TRUE(row.value("error_occurred", false)) << row.dump();
    EXPECT_THAT(row["error_message"].get<std::string>(),
                HasSubstr("GET " + url + "/slurm/v0.0.44/ping: connect: Connection refused ("));
    ++failed;
  }
  EXPECT_EQ(failed, 4);  // two benchmarks, two repetitions each
  EXPECT_THAT(r.out, HasSubstr("2 benchmarks, 2 failed"));
}

TEST_F(SuiteTest, ControlSetRunsAroundEveryCategoryWhateverTheFilter) {
  const Outcome r = bench("--perfval_categories=cpu '--benchmark_filter=cpu/metric_render/1000$' "
                          "--benchmark_repetitions=2 --benchmark_min_time=0.01 " + out_flags());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int> rows;
  std::vector<std::string> order;
  const json doc = output_json();
  for (const auto& row : doc["benchmarks"]) {
    if (row["run_type"] != "iteration") continue;
    ++rows[row["run_name"].get<std::string>()];
    order.push_back(row["run_name"]);
  }
  // Two slots (before and after the one category), two repetitions each.
  EXPECT_EQ(rows["control/cpu"], 4);
  EXPECT_EQ(rows["control/memory"], 4);
  EXPECT_EQ(rows["control/syscall"], 4);
  EXPECT_EQ(rows["cpu/metric_render/1000"], 2);
  EXPECT_EQ(order.front().rfind("control/", 0), 0u);  // a slot before the category ...
  EXPECT_EQ(order.back().rfind("control/", 0), 0u);   // ... and one after it
  EXPECT_FALSE(doc["context"].value("cpu_model", "").empty());
  EXPECT_THAT(r.out, HasSubstr("control/"));
}

TEST_F(SuiteTest, FilterMatchingNothingExitsTwo) {
  const Outcome r = bench("--perfval_categories=cpu --benchmark_filter=no_such_benchmark");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("matches no benchmark in categories cpu"));
}

TEST_F(SuiteTest, UnknownFlagsExitTwo) {
  EXPECT_EQ(bench("--perfval_fast").exit_code, 2);
  EXPECT_EQ(bench("--perfval_categories=gpu").exit_code, 2);
  EXPECT_EQ(bench("--benchmark_nonsense=1").exit_code, 2);
}

}  // namespace
}  // namespace perfval::bench
