// Go benchmark text (`go test -bench . -benchmem -count N`, golang.org/design/14313-benchmark-format): every
// result line is one sample of each of its units; configuration lines and anything else are skipped.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "perfval/common/error.hpp"
#include "perfval/regression/stats.hpp"
#include "results_internal.hpp"

namespace perfval::regression::detail {

namespace {

struct GoResult {
  std::string pkg;                                   // the `pkg:` configuration in force ("" when none)
  std::string base;                                  // name without the -N GOMAXPROCS suffix
  int procs = 1;                                     // GOMAXPROCS from the suffix (1 when there is none)
  std::vector<std::pair<std::string, double>> values;  // (unit, value) pairs of the line
};

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

bool is_config_line(const std::string& line, std::string& key, std::string& value) {
  const auto colon = line.find(':');
  if (colon == 0 || colon == std::string::npos) return false;
  for (std::size_t i = 0; i < colon; ++i)
    if (std::isspace(static_cast<unsigned char>(line[i])) || std::isupper(static_cast<unsigned char>(line[i])))
      return false;
  if (colon + 1 < line.size() && !std::isspace(static_cast<unsigned char>(line[colon + 1]))) return false;
  key = line.substr(0, colon);
  const auto start = line.find_first_not_of(" \t", colon + 1);
  value = start == std::string::npos ? "" : line.substr(start);
  return true;
}

// Go names benchmark functions Benchmark followed by anything but a lower-case letter ("Benchmarking ..."
// in a log is not a result line).
bool starts_with_benchmark_name(const std::string& line) {
  return line.rfind("Benchmark", 0) == 0 && (line.size() == 9 || !std::islower(static_cast<unsigned char>(line[9])));
}

bool parse_number(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

// "BenchmarkCollect/nodes=1000-8" -> ("BenchmarkCollect/nodes=1000", 8): benchstat reads the suffix as the
// /gomaxprocs key, not as part of the name.
std::pair<std::string, int> split_procs(const std::string& name) {
  const auto dash = name.rfind('-');
  if (dash == std::string::npos || dash + 1 == name.size()) return {name, 1};
  for (std::size_t i = dash + 1; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return {name, 1};
  return {name.substr(0, dash), std::atoi(name.c_str() + dash + 1)};
}

[[noreturn]] void malformed(const std::string& file, int line, const std::string& text, const std::string& what) {
  throw Error(SourceLocation{file, line, 1}, "",
              "malformed Go benchmark line: " + what +
                  "; expected \"BenchmarkName-N <iterations> <value> <unit> [<value> <unit>]...\", e.g. "
                  "\"BenchmarkParse-8  1000  1234 ns/op  512 B/op  7 allocs/op\", got \"" + text + "\"");
}

GoResult parse_result(const std::vector<std::string>& f, const std::string& file, int line, const std::string& text) {
  if (f.size() < 4 || f.size() % 2 != 0)
    malformed(file, line, text, "a result needs a name, an iteration count and value/unit pairs");
  double iterations = 0;
  if (!parse_number(f[1], iterations) || iterations < 1 || f[1].find_first_not_of("0123456789") != std::string::npos)
    malformed(file, line, text, "iteration count \"" + f[1] + "\" is not a positive integer");
  GoResult r;
  std::tie(r.base, r.procs) = split_procs(f[0]);
  for (std::size_t i = 2; i < f.size(); i += 2) {
    double v = 0;
    if (!parse_number(f[i], v)) malformed(file, line, text, "value \"" + f[i] + "\" is not a number");
    if (!std::isalpha(static_cast<unsigned char>(f[i + 1][0])) && f[i + 1][0] != '%')
      malformed(file, line, text, "\"" + f[i + 1] + "\" is not a unit");
    r.values.emplace_back(f[i + 1], v);
  }
  return r;
}

// The unit a value is stored in, so that baselines in other time or size units convert: ns/op -> ns, B/op -> B.
std::string measurement_unit(const std::string& go_unit) {
  if (go_unit == "ns/op") return "ns";
  if (go_unit == "B/op") return "B";
  return go_unit;
}

struct FileResults {
  std::vector<GoResult> results;              // in file order
  std::map<std::string, std::string> failed;  // base name -> message of a "--- FAIL: BenchmarkX" block
  std::vector<std::string> failed_order;      // failed base names in file order
};

FileResults scan(const std::string& text, const std::string& file) {
  FileResults out;
  std::istringstream in(text);
  std::string line, pkg, failing;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!failing.empty()) {  // the first indented line after "--- FAIL" says why
      const auto text_start = line.find_first_not_of(" \t");
      if (text_start > 0 && text_start != std::string::npos)
        out.failed[failing] = "go test reported --- FAIL: " + line.substr(text_start);
      failing.clear();
    }
    std::string key, value;
    if (starts_with_benchmark_name(line)) {
      const auto f = fields_of(line);
      if (f.size() == 1) continue;  // `go test -v` prints the bare name before the result line
      GoResult r = parse_result(f, file, number, line);
      r.pkg = pkg;
      out.results.push_back(std::move(r));
    } else if (line.rfind("--- FAIL: Benchmark", 0) == 0) {
      failing = split_procs(fields_of(line)[2]).first;
      if (!out.failed.count(failing)) out.failed_order.push_back(failing);
      out.failed[failing] = "go test reported --- FAIL";
    } else if (is_config_line(line, key, value) && key == "pkg") {
      pkg = value;
    }
  }
  return out;
}

// Names as rows show them: the base name, plus the -N suffix where one file ran a benchmark at several
// GOMAXPROCS values (go test -cpu 1,2,4), plus the package where two packages share a benchmark name.
std::vector<std::string> display_names(const std::vector<GoResult>& results) {
  std::map<std::string, std::set<int>> procs;
  std::map<std::string, std::set<std::string>> pkgs;
  for (const auto& r : results) procs[r.pkg + " " + r.base].insert(r.procs), pkgs[r.base].insert(r.pkg);
  std::vector<std::string> names;
  for (const auto& r : results) {
    std::string n = r.base;
    if (procs[r.pkg + " " + r.base].size() > 1 && r.procs != 1) n += "-" + std::to_string(r.procs);
    if (pkgs[r.base].size() > 1 && !r.pkg.empty()) n = r.pkg + "." + n;
    names.push_back(n);
  }
  return names;
}

}  // namespace

bool looks_like_go_bench(const std::string& text) {
  std::istringstream in(text);
  std::string line, key, value;
  for (int checked = 0; checked < 200 && std::getline(in, line); ++checked) {
    if (starts_with_benchmark_name(line) && fields_of(line).size() >= 2) return true;
    if (is_config_line(line, key, value) && (key == "goos" || key == "goarch" || key == "pkg")) return true;
  }
  return false;
}

void read_go_bench_text(const std::string& text, const std::string& file, RunResults& into) {
  const FileResults scanned = scan(text, file);
  const std::vector<std::string> names = display_names(scanned.results);
  std::vector<std::string> order;
  std::map<std::string, std::map<std::string, std::vector<double>>> samples;  // name -> unit -> values
  std::map<std::string, std::vector<std::string>> units;                      // name -> units in file order
  for (std::size_t i = 0; i < scanned.results.size(); ++i) {
    const std::string& n = names[i];
    if (!samples.count(n)) order.push_back(n);
    for (const auto& [unit, v] : scanned.results[i].values) {
      auto& s = samples[n][unit];
      if (s.empty()) units[n].push_back(unit);
      s.push_back(v);
    }
  }
  for (const auto& f : scanned.failed_order)
    if (!samples.count(f)) order.push_back(f);
  for (const std::string& name : order) {
    const std::string prefix = "bench:" + name;
    if (std::find(into.benchmarks.begin(), into.benchmarks.end(), name) != into.benchmarks.end()) {
      into.notes.push_back(file + ": benchmark " + name + " also appears in an earlier file; the first is used");
      continue;
    }
    into.benchmarks.push_back(name);
    if (const auto f = scanned.failed.find(name); f != scanned.failed.end()) {
      into.failed[prefix] = f->second;
      continue;
    }
    into.judged_fields[name] = units[name];
    for (const std::string& unit : units[name]) {
      const auto& s = samples[name][unit];
      // Each -count line is a separate run of the benchmark: benchstat's samples, and the gate's.
      into.measurements[prefix + ":" + unit] = Measurement{prefix + ":" + unit, mean(s), s, measurement_unit(unit), file, true};
    }
  }
}

}  // namespace perfval::regression::detail
