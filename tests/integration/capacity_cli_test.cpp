// `perfval capacity` from the command line with --data files: exit codes 0/99/2, --out, formats, simulate.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

class CapacityCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("perfval_capacity_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  int perfval(const std::string& args) {
    const std::string cmd = std::string("timeout 60 ") + PERFVAL_BIN + " " + args + " > " + (dir_ / "out.txt").string() +
                            " 2> " + (dir_ / "err.txt").string();
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // 60 days hourly: cpu = a + b * day.
  std::string csv(double a, double b) {
    const auto path = dir_ / "data.csv";
    std::ofstream out(path);
    out << "timestamp,cpu\n";
    for (int h = 0; h <= 60 * 24; ++h) out << 1700000000 + h * 3600 << "," << a + b * h / 24.0 + 0.1 * (h % 3) << "\n";
    return path.string();
  }
  std::string config(const std::string& text) {
    const auto path = dir_ / "cap.yaml";
    std::ofstream(path) << text;
    return path.string();
  }
  fs::path dir_;
};

TEST_F(CapacityCli, CrossingTheThresholdExits99AndWritesTheReport) {
  const std::string cfg = config("metrics:\n  cpu: {}\n");
  const std::string out = (dir_ / "report.json").string();
  EXPECT_EQ(perfval("capacity analyze --config " + cfg + " --data " + csv(40, 0.5) + " --format json --out " + out), 99)
      << read("err.txt");
  const auto doc = nlohmann::json::parse(read("report.json"));
  EXPECT_EQ(doc["alert"], true);
  EXPECT_EQ(doc["recommendations"][0]["recommended"], "1500m");
  EXPECT_TRUE(read("out.txt").empty());  // --out replaces stdout
}

TEST_F(CapacityCli, SlowGrowthExits0InMarkdown) {
  const std::string cfg = config("metrics:\n  cpu: {}\n");
  EXPECT_EQ(perfval("capacity analyze --config " + cfg + " --data " + csv(20, 0.05) + " --format markdown"), 0) << read("err.txt");
  EXPECT_NE(read("out.txt").find("# Capacity plan"), std::string::npos);
}

TEST_F(CapacityCli, BadConfigNamesFileLineAndField) {
  const std::string cfg = config("metrics:\n  cpu:\n    capacity_treshold: 80\n");
  EXPECT_EQ(perfval("capacity analyze --config " + cfg + " --data " + csv(20, 0.05)), 2);
  EXPECT_NE(read("err.txt").find("cap.yaml:3:5: metrics.cpu.capacity_treshold: unknown key"), std::string::npos) << read("err.txt");
}

TEST_F(CapacityCli, NothingAnalysableExits2AndSaysWhy) {
  const std::string cfg = config("metrics:\n  cpu: {}\n  memory: {}\n");
  std::ofstream(dir_ / "short.csv") << "timestamp,cpu\n1,1\n2,2\n3,-1\n";
  EXPECT_EQ(perfval("capacity analyze --config " + cfg + " --data " + (dir_ / "short.csv").string()), 2);
  const std::string err = read("err.txt");
  EXPECT_NE(err.find("short.csv:4:3: cpu: negative value -1"), std::string::npos) << err;
  EXPECT_NE(err.find("memory: column \"memory\" is not in"), std::string::npos) << err;
  EXPECT_NE(err.find("no metric could be analysed"), std::string::npos) << err;
}

TEST_F(CapacityCli, SimulateProjectsTheCheckpoints) {
  const std::string cfg = std::string(PERFVAL_SOURCE_DIR) + "/baselines/capacity-planning.yaml";
  EXPECT_EQ(perfval("capacity simulate --config " + cfg + " --scenario aggressive --format json"), 0) << read("err.txt");
  const auto doc = nlohmann::json::parse(read("out.txt"));
  ASSERT_EQ(doc["points"].size(), 4u);
  EXPECT_EQ(doc["points"][3]["day"], 365);
  EXPECT_EQ(doc["points"][3]["nodes"], 10000);
  EXPECT_EQ(doc["points"][3]["tier"]["name"], "large");
  EXPECT_EQ(perfval("capacity simulate --config " + cfg + " --scenario wild"), 2);
  EXPECT_NE(read("err.txt").find("unknown scenario \"wild\""), std::string::npos);
}

TEST_F(CapacityCli, JsonCarriesTheBacktestTableThePathAndTheBounds) {
  // A CPU history that rises through 100 %: kept with a warning naming file:line, forecast capped at 100.
  const auto path = dir_ / "hot.csv";
  {
    std::ofstream out(path);
    out << "timestamp,cpu\n";
    for (int i = 0; i < 14 * 288; ++i) out << 1700000000 + i * 300 << "," << 60 + 0.02 * i + (i % 5) << "\n";
  }
  const std::string cfg = config("metrics:\n  cpu: {horizon: 4d}\n");
  const std::string out = (dir_ / "report.json").string();
  EXPECT_EQ(perfval("capacity analyze --config " + cfg + " --data " + path.string() + " --format json --out " + out), 99)
      << read("err.txt");
  // Row i is on line i + 2; the first value above 100 is the first i with 60 + 0.02 i + i % 5 > 100.
  int first = 0;
  while (60 + 0.02 * first + first % 5 <= 100) ++first;
  const std::string err = read("err.txt");
  EXPECT_NE(err.find("perfval: capacity: warning: " + path.string() + ":" + std::to_string(first + 2) + ": cpu: "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("values outside the bounds [0, 100]"), std::string::npos) << err;
  const auto doc = nlohmann::json::parse(read("report.json"));
  const auto& m = doc["metrics"][0];
  EXPECT_EQ(m["bounds"]["max"], 100);
  EXPECT_EQ(m["warnings"].size(), 1u);
  EXPECT_EQ(m["model"]["method"], "backtest");
  EXPECT_GE(m["model"]["backtest"].size(), 8u);
  EXPECT_TRUE(m["model"]["backtest"][0].contains("vs_naive"));
  EXPECT_NE(m["model"]["interval_method"].get<std::string>().find("split-conformal"), std::string::npos);
  EXPECT_FALSE(m["model"]["window"].get<std::string>().empty());
  // The path covers the horizon at the data's 5-minute spacing and never leaves [0, 100].
  const auto& p = m["projected"]["path"];
  ASSERT_EQ(p.size(), 4u * 288);
  EXPECT_DOUBLE_EQ(p[0]["t"].get<double>(), 1700000000.0 + (14 * 288 - 1) * 300 + 300);
  for (const auto& x : p) {
    EXPECT_LE(x["value"].get<double>(), 100);
    for (const auto& i : x["intervals"]) {
      EXPECT_GE(i["lower"].get<double>(), 0);
      EXPECT_LE(i["upper"].get<double>(), 100);
    }
  }
}

TEST_F(CapacityCli, ASeriesTooShortToBacktestGetsTheNaiveForecastNotAnError) {
  const auto path = dir_ / "few.csv";
  std::ofstream(path) << "timestamp,cpu\n1700000000,10\n1700003600,12\n1700007200,11\n";
  const std::string cfg = config("metrics:\n  cpu: {horizon: 1d}\n");
  EXPECT_EQ(perfval("capacity analyze --config " + cfg + " --data " + path.string() + " --format json"), 0) << read("err.txt");
  const auto doc = nlohmann::json::parse(read("out.txt"));
  const auto& m = doc["metrics"][0];
  EXPECT_EQ(m["status"], "ok");
  EXPECT_EQ(m["model"]["method"], "naive");
  EXPECT_EQ(m["projected"]["value"], 11);
  EXPECT_NE(m["model"]["reason"].get<std::string>().find("3 points are too few"), std::string::npos) << m.dump();
  EXPECT_LT(m["projected"]["intervals"][0]["lower"].get<double>(), 11);
  EXPECT_GT(m["projected"]["intervals"][0]["upper"].get<double>(), 11);
}

TEST_F(CapacityCli, HelpShowsOneSynopsisPerSubcommand) {
  for (const std::string sub : {"analyze", "simulate"}) {
    ASSERT_EQ(perfval("capacity " + sub + " --help"), 0) << read("err.txt");
    const std::string out = read("out.txt");
    EXPECT_EQ(out.rfind("usage: perfval capacity " + sub + " [--config FILE]", 0), 0u) << out;
    EXPECT_EQ(out.find("usage:", 1), std::string::npos) << out;
    EXPECT_NE(out.find("See docs/capacity.md"), std::string::npos) << out;
  }
}

}  // namespace
