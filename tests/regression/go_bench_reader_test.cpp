// Tests of the Go benchmark text reader: samples per unit, names as benchstat groups them, bad lines, and
// the rows the gate makes of them (each unit its own metric with its own direction).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "perfval/common/error.hpp"
#include "perfval/regression/gate.hpp"
#include "perfval/regression/results.hpp"

namespace perfval::regression {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// `go test -bench . -benchmem -count 3` output in Go's layout (tabs between columns, name padded).
const char* go_text =
    "goos: linux\n"
    "goarch: amd64\n"
    "pkg: example.com/slurm-exporter/collector\n"
    "cpu: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
    "BenchmarkCollect/nodes=1000-8         \t     500\t   2400000 ns/op\t 1048576 B/op\t   12003 allocs/op\n"
    "BenchmarkCollect/nodes=1000-8         \t     500\t   2500000 ns/op\t 1048580 B/op\t   12003 allocs/op\n"
    "BenchmarkCollect/nodes=1000-8         \t     500\t   2600000 ns/op\t 1048590 B/op\t   12003 allocs/op\n"
    "BenchmarkParseNodes-8                 \t   20000\t     61000 ns/op\t  95.00 MB/s\t   24576 B/op\t     310 allocs/op\n"
    "BenchmarkParseNodes-8                 \t   20000\t     62000 ns/op\t  94.00 MB/s\t   24576 B/op\t     310 allocs/op\n"
    "BenchmarkParseNodes-8                 \t   20000\t     60000 ns/op\t  96.00 MB/s\t   24576 B/op\t     310 allocs/op\n"
    "PASS\n"
    "ok  \texample.com/slurm-exporter/collector\t12.345s\n";

RunResults read_text(const std::string& text, const std::string& name = "new.txt") {
  RunResults run;
  run.label = name;
  run.path = name;
  read_results_text(text, name, run);
  return run;
}

std::string error_of(const std::string& text, const std::string& name = "bench.txt") {
  try {
    read_text(text, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(GoBenchText, EachLineIsASampleOfEachUnit) {
  const RunResults run = read_text(go_text);
  EXPECT_EQ(run.benchmarks, (std::vector<std::string>{"BenchmarkCollect/nodes=1000", "BenchmarkParseNodes"}));
  const Measurement* ns = run.find("bench:BenchmarkCollect/nodes=1000:ns/op");
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->samples, (std::vector<double>{2400000, 2500000, 2600000}));
  EXPECT_DOUBLE_EQ(ns->value, 2500000);
  EXPECT_EQ(ns->unit, "ns");  // so that a baseline in ms converts
  EXPECT_EQ(run.find("bench:BenchmarkCollect/nodes=1000:B/op")->unit, "B");
  EXPECT_EQ(run.find("bench:BenchmarkCollect/nodes=1000:allocs/op")->unit, "allocs/op");
  EXPECT_DOUBLE_EQ(run.find("bench:BenchmarkParseNodes:MB/s")->value, 95);
  EXPECT_EQ(run.judged_fields.at("BenchmarkParseNodes"),
            (std::vector<std::string>{"ns/op", "MB/s", "B/op", "allocs/op"}));
}

TEST(GoBenchText, VerboseNameLinesLogOutputAndFailuresAreHandled) {
  const std::string text =
      "goos: linux\n"
      "BenchmarkRender\n"  // go test -v prints the bare name first
      "BenchmarkRender-2   \t   10000\t    112345 ns/op\n"
      "--- BENCH: BenchmarkRender-2\n"
      "    render_test.go:20: rendered 500 nodes\n"
      "Benchmarking with 500 nodes\n"  // a log line, not a result
      "BenchmarkScrape\n"
      "--- FAIL: BenchmarkScrape-2\n"
      "    scrape_test.go:31: dial tcp 127.0.0.1:9: connection refused\n"
      "FAIL\n";
  const RunResults run = read_text(text);
  EXPECT_EQ(run.benchmarks, (std::vector<std::string>{"BenchmarkRender", "BenchmarkScrape"}));
  EXPECT_NE(run.find("bench:BenchmarkRender:ns/op"), nullptr);
  EXPECT_THAT(run.failed.at("bench:BenchmarkScrape"), HasSubstr("connection refused"));
}

TEST(GoBenchText, GomaxprocsVariantsAndPackagesStayApart) {
  // go test -cpu 1,4 prints no suffix for GOMAXPROCS=1; two packages may share a benchmark name.
  const std::string text =
      "pkg: example.com/a\n"
      "BenchmarkX     \t 100\t 10 ns/op\n"
      "BenchmarkX-4   \t 100\t 4 ns/op\n"
      "pkg: example.com/b\n"
      "BenchmarkX-4   \t 100\t 7 ns/op\n";
  const RunResults run = read_text(text);
  EXPECT_EQ(run.benchmarks,
            (std::vector<std::string>{"example.com/a.BenchmarkX", "example.com/a.BenchmarkX-4", "example.com/b.BenchmarkX"}));
}

TEST(GoBenchText, MalformedLineNamesFileLineAndTheExpectedShape) {
  const std::string base = "goos: linux\npkg: p\nBenchmarkA-8 \t 100\t 5 ns/op\n";
  std::string e = error_of(base + "BenchmarkB-8 \t 100\t 5x ns/op\n");
  EXPECT_THAT(e, HasSubstr("bench.txt:4:"));
  EXPECT_THAT(e, HasSubstr("value \"5x\" is not a number"));
  EXPECT_THAT(e, HasSubstr("expected \"BenchmarkName-N <iterations> <value> <unit>"));
  EXPECT_THAT(error_of(base + "BenchmarkB-8 \t 100\t 5\n"), HasSubstr("bench.txt:4:"));        // odd field count
  EXPECT_THAT(error_of(base + "BenchmarkB-8 \t many\t 5 ns/op\n"), HasSubstr("iteration count \"many\""));
  EXPECT_THAT(error_of(base + "BenchmarkB-8 \t 100\t 5 7\n"), HasSubstr("\"7\" is not a unit"));
}

TEST(GoBenchText, ContentDecidesNotTheName) {
  EXPECT_THAT(error_of("hello\nworld\n", "notes.txt"), HasSubstr("notes.txt: unknown content"));
  EXPECT_THAT(error_of("", "empty.txt"), HasSubstr("empty.txt: empty file"));
  const fs::path dir = fs::temp_directory_path() / ("perfval_go_reader_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "run");
  std::ofstream(dir / "run" / "results") << go_text;           // no extension at all
  std::ofstream(dir / "run" / "build.log") << "compiling...\nok\n";  // not results: skipped
  std::ofstream(dir / "plain.json") << go_text;                // a misleading name is fine too
  EXPECT_EQ(read_results((dir / "run").string()).benchmarks.size(), 2u);
  EXPECT_EQ(read_results((dir / "plain.json").string()).benchmarks.size(), 2u);
  EXPECT_TRUE(is_results_file((dir / "run" / "results").string()));
  EXPECT_FALSE(is_results_file((dir / "run" / "build.log").string()));
  fs::remove_all(dir);
}

std::string scaled(double ns_factor, double allocs_factor) {
  std::string out = "goos: linux\npkg: example.com/c\n";
  const double ns[] = {2400000, 2450000, 2500000, 2550000, 2600000, 2480000, 2520000, 2460000, 2540000, 2500000};
  for (double v : ns) {
    out += "BenchmarkCollect/nodes=1000-8 \t 500\t " + std::to_string(v * ns_factor) + " ns/op\t 1048576 B/op\t " +
           std::to_string(12003 * allocs_factor) + " allocs/op\n";
    out += "BenchmarkParseNodes-8 \t 20000\t " + std::to_string(v / 40) + " ns/op\t " + std::to_string(95e6 / v) +
           " MB/s\t 24576 B/op\t 310 allocs/op\n";
  }
  return out;
}

const MetricResult& row(const RegressionReport& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return m;
  throw std::runtime_error("no row " + name);
}

TEST(GoBenchGate, EveryUnitIsARowWithItsOwnDirection) {
  const RunResults prev = read_text(scaled(1, 1), "old.txt"), same = read_text(scaled(1, 1), "new.txt");
  const RegressionReport ok = evaluate(BaselineFile{}, same, prev, {});
  EXPECT_EQ(ok.exit_code(), 0);
  EXPECT_EQ(row(ok, "BenchmarkParseNodes MB/s").direction, Direction::higher_is_better);
  EXPECT_EQ(row(ok, "BenchmarkParseNodes ns/op").direction, Direction::lower_is_better);
  EXPECT_EQ(row(ok, "BenchmarkCollect/nodes=1000 allocs/op").direction, Direction::lower_is_better);

  const RegressionReport slow = evaluate(BaselineFile{}, read_text(scaled(1.3, 1), "new.txt"), prev, {});
  EXPECT_EQ(slow.exit_code(), 99);
  EXPECT_EQ(row(slow, "BenchmarkCollect/nodes=1000 ns/op").verdict, Verdict::regressed);
  EXPECT_EQ(row(slow, "BenchmarkCollect/nodes=1000 allocs/op").verdict, Verdict::unchanged);

  const RegressionReport allocs = evaluate(BaselineFile{}, read_text(scaled(1, 2), "new.txt"), prev, {});
  EXPECT_EQ(allocs.exit_code(), 99);
  EXPECT_EQ(row(allocs, "BenchmarkCollect/nodes=1000 allocs/op").verdict, Verdict::regressed);
  EXPECT_EQ(row(allocs, "BenchmarkCollect/nodes=1000 ns/op").verdict, Verdict::unchanged);
}

TEST(GoBenchGate, BaselineEntryNamesABenchmarkAndAUnit) {
  const BaselineFile b = parse_baselines(
      "collect_allocs: {metric: allocs_per_op, baseline: 12000, tolerance: 10%, unit: allocs/op,\n"
      "                 source: {benchmark: BenchmarkCollect/nodes=1000, counter: allocs/op}}\n"
      "collect_time: {metric: collect_time, baseline: 2.5, tolerance: 10%, unit: ms,\n"
      "               source: {benchmark: BenchmarkCollect/nodes=1000, counter: ns/op}}\n",
      "b.yaml");
  const RegressionReport r = evaluate(b, read_text(scaled(1, 2), "new.txt"), std::nullopt, {});
  EXPECT_EQ(row(r, "collect_allocs").verdict, Verdict::regressed);
  EXPECT_DOUBLE_EQ(*row(r, "collect_allocs").current, 24006);
  EXPECT_NEAR(*row(r, "collect_time").current, 2.5, 0.01);  // ns/op converted to the entry's ms
  EXPECT_EQ(row(r, "collect_time").verdict, Verdict::unchanged);
}

TEST(GoBenchGate, MissingUnitAndMissingBenchmarkAreNamed) {
  const RunResults prev = read_text(scaled(1, 1), "old.txt");
  // A run without -benchmem has no B/op or allocs/op; one benchmark is gone entirely.
  const RunResults cur = read_text("BenchmarkCollect/nodes=1000-8 \t 500\t 2500000 ns/op\n", "new.txt");
  const RegressionReport r = evaluate(BaselineFile{}, cur, prev, {});
  EXPECT_EQ(row(r, "BenchmarkCollect/nodes=1000 allocs/op").verdict, Verdict::missing_data);
  EXPECT_THAT(row(r, "BenchmarkCollect/nodes=1000 allocs/op").reason, HasSubstr("new.txt has no allocs/op"));
  EXPECT_THAT(row(r, "BenchmarkParseNodes ns/op").reason, HasSubstr("benchmark is in old.txt but not in new.txt"));
  EXPECT_EQ(r.exit_code(), 0);  // missing names are listed; the gate fails on them only with --fail-on-missing
}

}  // namespace
}  // namespace perfval::regression
