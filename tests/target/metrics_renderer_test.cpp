// Tests that /metrics is valid Prometheus text exposition 0.0.4, consistent with the cluster, and grows linearly.
#include "perfval/target/metrics_renderer.hpp"

#include "perfval/common/prom_text.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace perfval::target {
namespace {

// A small exposition-format checker: what a Prometheus scrape would reject, reported line by line.
struct Exposition {
  std::vector<std::string> errors;
  std::map<std::string, std::string> types;          // family -> type
  std::map<std::string, double> series;               // "name{labels}" -> value
  std::size_t sample_count = 0;
};

bool parse_labels(const std::string& text, std::string* error) {
  std::set<std::string> names;
  std::size_t i = 0;
  static const std::regex name_re("[a-zA-Z_][a-zA-Z0-9_]*");
  while (i < text.size()) {
    const std::size_t eq = text.find('=', i);
    if (eq == std::string::npos) return *error = "label without =", false;
    const std::string name = text.substr(i, eq - i);
    if (!std::regex_match(name, name_re)) return *error = "bad label name '" + name + "'", false;
    if (!names.insert(name).second) return *error = "duplicate label " + name, false;
    if (eq + 1 >= text.size() || text[eq + 1] != '"') return *error = "unquoted label value", false;
    std::size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\n') return *error = "raw newline in label value", false;
      if (text[j] == '\\') {
        if (j + 1 >= text.size() || std::string("\\\"n").find(text[j + 1]) == std::string::npos) {
          return *error = "bad escape in label value", false;
        }
        ++j;
      }
    }
    if (j >= text.size()) return *error = "unterminated label value", false;
    i = j + 1;
    if (i < text.size()) {
      if (text[i] != ',') return *error = "expected , between labels", false;
      ++i;
    }
  }
  return true;
}

bool parse_value(const std::string& v, double* out) {
  if (v == "NaN" || v == "+Inf" || v == "-Inf") return *out = 0, true;
  char* end = nullptr;
  *out = std::strtod(v.c_str(), &end);
  return !v.empty() && end == v.c_str() + v.size();
}

Exposition check(const std::string& body) {
  Exposition e;
  if (body.empty() || body.back() != '\n') e.errors.push_back("body must end with a newline");
  static const std::regex meta_re(R"(# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))");
  static const std::regex sample_re(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))");
  std::set<std::string> helps, finished;
  std::string current;
  std::istringstream in(body);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string where = "line " + std::to_string(n) + ": ";
    std::smatch m;
    if (line.rfind("#", 0) == 0) {
      if (!std::regex_match(line, m, meta_re)) continue;  // other comments are allowed
      const std::string name = m[2];
      if (m[1] == "TYPE") {
        static const std::set<std::string> kinds = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!kinds.count(m[3])) e.errors.push_back(where + "unknown type " + std::string(m[3]));
        if (e.types.count(name)) e.errors.push_back(where + "second TYPE for " + name);
        e.types[name] = m[3];
      } else if (!helps.insert(name).second) {
        e.errors.push_back(where + "second HELP for " + name);
      }
      continue;
    }
    if (!std::regex_match(line, m, sample_re)) {
      e.errors.push_back(where + "not a sample: " + line);
      continue;
    }
    const std::string name = m[1];
    if (!e.types.count(name)) e.errors.push_back(where + name + " has no TYPE before it");
    if (name != current) {
      if (finished.count(name)) e.errors.push_back(where + name + " samples are not contiguous");
      if (!current.empty()) finished.insert(current);
      current = name;
    }
    std::string why;
    if (m[2].matched && !parse_labels(m[3], &why)) e.errors.push_back(where + why);
    double v = 0;
    if (!parse_value(m[4], &v)) e.errors.push_back(where + "value not numeric: " + std::string(m[4]));
    const std::string key = name + "{" + std::string(m[3]) + "}";
    if (e.series.count(key)) e.errors.push_back(where + "duplicate series " + key);
    e.series[key] = v;
    ++e.sample_count;
  }
  return e;
}

ClusterSnapshot snapshot(int nodes) {
  ClusterOptions o;
  o.nodes = nodes;
  return Cluster(o).snapshot();
}

double sum_of(const Exposition& e, const std::string& name) {
  double s = 0;
  for (const auto& [key, v] : e.series) {
    if (key.rfind(name + "{", 0) == 0) s += v;
  }
  return s;
}

TEST(MetricsRenderer, IsValidExposition) {
  ExporterStats stats;
  stats.scrape_duration_seconds = 0.0123;
  stats.collection_errors = 3;
  const Exposition e = check(render_metrics(snapshot(300), stats));
  EXPECT_TRUE(e.errors.empty()) << e.errors.front();
  EXPECT_GT(e.sample_count, 300u * 6);
  for (const auto& [name, type] : e.types) EXPECT_EQ(name.rfind("slurm_", 0), 0u) << name;
  for (const char* required :
       {"slurm_node_state", "slurm_node_cpus_alloc", "slurm_node_cpus_total", "slurm_node_memory_alloc_bytes",
        "slurm_node_memory_total_bytes", "slurm_partition_cpus_total", "slurm_partition_jobs", "slurm_jobs",
        "slurm_user_jobs", "slurm_account_jobs", "slurm_scheduler_queue_size", "slurm_scheduler_cycles_total",
        "slurm_exporter_scrape_duration_seconds", "slurm_exporter_collection_errors_total"}) {
    EXPECT_TRUE(e.types.count(required)) << required;
  }
  EXPECT_EQ(e.types.at("slurm_scheduler_cycles_total"), "counter");
  EXPECT_EQ(e.series.at("slurm_exporter_collection_errors_total{}"), 3);
  EXPECT_DOUBLE_EQ(e.series.at("slurm_exporter_scrape_duration_seconds{}"), 0.0123);
}

TEST(MetricsRenderer, ProcessMetricsAreTheServingProcesssOwn) {
  ProcessUsage u;
  u.cpu_seconds = 1.5;
  u.resident_bytes = 64e6;
  u.virtual_bytes = 512e6;
  u.start_time_seconds = 1.7e9;
  u.open_fds = 12;
  const Exposition e = check(render_process_metrics(u));
  EXPECT_TRUE(e.errors.empty()) << e.errors.front();
  EXPECT_EQ(e.types.at("process_cpu_seconds_total"), "counter");
  EXPECT_EQ(e.types.at("process_resident_memory_bytes"), "gauge");
  EXPECT_DOUBLE_EQ(e.series.at("process_resident_memory_bytes{}"), 64e6);
  EXPECT_DOUBLE_EQ(e.series.at("process_open_fds{}"), 12);
  EXPECT_FALSE(e.types.count("process_max_fds")) << "an unknown limit is left out, not reported as 0";
}

TEST(MetricsRenderer, CheckerRejectsBrokenExposition) {
  // The checker above must be able to fail, or the validity test proves nothing.
  EXPECT_FALSE(check("slurm_x 1\n").errors.empty());                                      // no TYPE
  EXPECT_FALSE(check("# TYPE slurm_x gauge\nslurm_x{a=\"1} 1\n").errors.empty());         // unterminated
  EXPECT_FALSE(check("# TYPE slurm_x gauge\nslurm_x{a=\"\\q\"} 1\n").errors.empty());     // bad escape
  EXPECT_FALSE(check("# TYPE slurm_x gauge\nslurm_x abc\n").errors.empty());              // not numeric
  EXPECT_FALSE(check("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n").errors.empty());  // split family
  EXPECT_TRUE(check("# TYPE slurm_x gauge\nslurm_x{a=\"q\\\"\\n\"} 1.5e-3\n").errors.empty());
}

TEST(MetricsRenderer, OneStateSeriesPerNodeAndTotalsAgreeWithNodes) {
  const ClusterSnapshot s = snapshot(500);
  const Exposition e = check(render_metrics(s));
  ASSERT_TRUE(e.errors.empty()) << e.errors.front();
  EXPECT_EQ(sum_of(e, "slurm_node_state"), 500);
  EXPECT_EQ(sum_of(e, "slurm_nodes"), 500);
  EXPECT_EQ(sum_of(e, "slurm_node_cpus_alloc"), e.series.at("slurm_cpus_alloc{}"));
  EXPECT_EQ(sum_of(e, "slurm_node_cpus_total"), e.series.at("slurm_cpus_total{}"));
  EXPECT_EQ(sum_of(e, "slurm_partition_cpus_alloc"), e.series.at("slurm_cpus_alloc{}"));
  EXPECT_EQ(sum_of(e, "slurm_jobs"), static_cast<double>(s.jobs.size()));
  EXPECT_EQ(e.series.at("slurm_cpus_total{}"),
            e.series.at("slurm_cpus_alloc{}") + e.series.at("slurm_cpus_idle{}") + e.series.at("slurm_cpus_other{}"));
  const std::string& first = s.nodes.front().name;
  const std::string part = s.partitions[s.nodes.front().partition].name;
  EXPECT_EQ(e.series.at("slurm_node_memory_total_bytes{node=\"" + first + "\",partition=\"" + part + "\"}"),
            s.nodes.front().memory_mb * 1048576.0);
}

TEST(MetricsRenderer, SeriesAndBytesGrowLinearlyWithNodes) {
  const std::string b100 = render_metrics(snapshot(100)), b200 = render_metrics(snapshot(200)),
                    b400 = render_metrics(snapshot(400));
  const auto s100 = check(b100).sample_count, s200 = check(b200).sample_count, s400 = check(b400).sample_count;
  EXPECT_EQ(s400 - s200, 2 * (s200 - s100)) << "series per node is constant";
  const double per_node_a = static_cast<double>(b200.size() - b100.size()) / 100;
  const double per_node_b = static_cast<double>(b400.size() - b200.size()) / 200;
  EXPECT_NEAR(per_node_a, per_node_b, per_node_a * 0.05);
}

TEST(MetricsRenderer, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  ClusterSnapshot s = snapshot(100);
  s.users[0].name = "we\"ird\\user\n";
  const Exposition e = check(render_metrics(s));
  EXPECT_TRUE(e.errors.empty()) << e.errors.front();
  EXPECT_TRUE(e.series.count("slurm_user_jobs{user=\"we\\\"ird\\\\user\\n\",account=\"" + s.users[0].account +
                             "\",state=\"running\"}"));
}

TEST(MetricsRenderer, TheSharedPrometheusParserCountsEverySampleAndFamily) {
  ClusterOptions options;
  options.nodes = 50;
  Cluster cluster(options);
  const std::string body = render_metrics(cluster.snapshot());
  std::size_t lines = 0, types = 0;
  for (std::size_t pos = 0; pos < body.size();) {
    const std::size_t end = body.find('\n', pos);
    const std::string line = body.substr(pos, end - pos);
    if (!line.empty() && line[0] != '#') ++lines;
    if (line.rfind("# TYPE ", 0) == 0) ++types;
    pos = end + 1;
  }
  std::map<std::string, int> per_name;
  const auto stats = parse_prometheus_text(body, [&](const PromSample& s) { ++per_name[std::string(s.name)]; });
  EXPECT_EQ(stats.samples, lines);
  EXPECT_EQ(stats.families, types);
  EXPECT_EQ(stats.bytes, body.size());
  EXPECT_GT(stats.samples, 50u);  // at least one series per node
  EXPECT_GE(per_name.size(), stats.families);
}

}  // namespace
}  // namespace perfval::target
