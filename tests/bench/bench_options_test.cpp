// `perfval bench` options: what reaches perfval-bench, and each bad input refused with the option named.
#include "perfval/bench/bench_options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "perfval/common/error.hpp"

namespace perfval::bench {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

BenchOptions parse(const std::vector<std::string>& args) {
  return bench_options_from_args(bench_arg_parser().parse(args));
}

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  return "";
}

TEST(BenchOptions, DefaultsRunEverythingInFiveProcessesOfOneRepetition) {
  const BenchOptions o = parse({});
  EXPECT_EQ(o.processes, 5);
  EXPECT_EQ(parse({"--quick"}).processes, 2);  // --quick: 2 processes of 5 interleaved repetitions
  EXPECT_EQ(parse({"--quick"}).repetitions, 5);
  EXPECT_EQ(parse({"--quick", "--repetitions", "2"}).repetitions, 2);
  EXPECT_EQ(parse({"--quick", "--processes", "1"}).processes, 1);
  const auto a = child_arguments(o, "/tmp/x.json");
  EXPECT_THAT(a, Contains("--benchmark_repetitions=1"));
  // One repetition per process has nothing to interleave, so the memory fields stay.
  EXPECT_THAT(a, Not(Contains("--benchmark_enable_random_interleaving=true")));
  EXPECT_THAT(a, Contains("--benchmark_out=/tmp/x.json"));
  EXPECT_THAT(a, Contains("--benchmark_out_format=json"));
  for (const auto& arg : a) EXPECT_THAT(arg, Not(HasSubstr("--perfval_categories")));
}

TEST(BenchOptions, CategoriesQuickTargetAndPassthroughReachTheChild) {
  const auto a = child_arguments(parse({"--category", "network", "--category=cpu", "--quick", "--repetitions", "3",
                                        "--target", "http://127.0.0.1:8080", "--benchmark_filter=ping"}),
                                 "");
  EXPECT_THAT(a, Contains("--perfval_categories=cpu,network"));
  EXPECT_THAT(a, Contains("--perfval_quick"));
  EXPECT_THAT(a, Contains("--perfval_target=http://127.0.0.1:8080"));
  EXPECT_THAT(a, Contains("--benchmark_repetitions=3"));
  EXPECT_EQ(a.back(), "--benchmark_filter=ping");  // last, so the user's flags win
  for (const auto& arg : a) EXPECT_THAT(arg, Not(HasSubstr("--benchmark_out")));
}

TEST(BenchOptions, NetworkTargetOptionsReachTheChildInOrder) {
  const auto a = child_arguments(parse({"--target", "http://localhost/api", "--unix-socket", "/run/x.sock",
                                        "--path", "a=/x", "--path", "/y", "--header", "X-A: 1"}),
                                 "");
  const std::vector<std::string> expected{"--perfval_target=http://localhost/api",
                                          "--perfval_unix_socket=/run/x.sock", "--perfval_path=a=/x",
                                          "--perfval_path=/y", "--perfval_header=X-A: 1"};
  for (const auto& e : expected) EXPECT_THAT(a, Contains(e));
}

TEST(BenchOptions, BadInputNamesTheOption) {
  EXPECT_THAT(error_of({"--category", "gpu"}), HasSubstr("unknown category \"gpu\""));
  EXPECT_THAT(error_of({"--repetitions", "0"}), HasSubstr("--repetitions: must be between 1 and 100"));
  EXPECT_THAT(error_of({"--repetitions", "many"}), HasSubstr("--repetitions"));
  EXPECT_THAT(error_of({"--processes", "0"}), HasSubstr("--processes: must be between 1 and 100"));
  EXPECT_THAT(error_of({"--target", "ftp://127.0.0.1:21"}), HasSubstr("option --target: \"ftp://127.0.0.1:21\" is not a URL"));
  EXPECT_THAT(error_of({"--path", "ping"}), HasSubstr("option --path: \"ping\": expected PATH or NAME=PATH"));
  EXPECT_THAT(error_of({"--header", "X-Token"}), HasSubstr("option --header: \"X-Token...\": expected \"Name: value\""));
  const std::string wrong_separator = error_of({"--header", "X-Token=s3cr3t-value"});
  EXPECT_THAT(wrong_separator, HasSubstr("option --header: \"X-Token...\""));
  EXPECT_THAT(wrong_separator, Not(HasSubstr("s3cr3t")));  // a token given with the wrong separator stays out
  EXPECT_THAT(error_of({"--scenario", "/nonexistent/s.yaml"}), HasSubstr("option --scenario: "));
  EXPECT_THAT(error_of({"memory"}), HasSubstr("unexpected argument \"memory\""));
}

TEST(BenchOptions, UnwritableOutIsRefusedBeforeRunning) {
  const auto dir = std::filesystem::temp_directory_path() / ("perfval-bench-opts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "plain-file";
  std::ofstream(file) << "x";
  EXPECT_THAT(error_of({"--out", (file / "result.json").string()}), HasSubstr("option --out: cannot create directory"));
  EXPECT_THAT(error_of({"--out", dir.string()}), HasSubstr("is a directory"));
  const auto ok = parse({"--out", (dir / "new" / "result.json").string()});
  EXPECT_EQ(ok.out, (dir / "new" / "result.json").string());
  EXPECT_TRUE(std::filesystem::is_directory(dir / "new"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "new"), {}), 0);  // probe removed
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfval::bench
