// Google Benchmark JSON: repetition rows become samples, aggregates a fallback value, counters measurements.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "perfval/regression/stats.hpp"
#include "results_internal.hpp"
#include "run_noise.hpp"

namespace perfval::regression::detail {

using nlohmann::json;

namespace {

// Fields of a benchmark row that are not user counters.
const std::set<std::string> standard_fields{
    "name", "run_name", "run_type", "aggregate_name", "aggregate_unit", "repetitions", "repetition_index",
    "threads", "iterations", "real_time", "cpu_time", "time_unit", "error_occurred", "error_message",
    "family_index", "per_family_instance_index", "label", "big_o", "rms", "complexity_n", "perfval_process"};

struct FieldValues {
  std::vector<double> samples;   // one per repetition ("iteration" rows)
  std::vector<long long> sample_process;                // each sample's perfval_process, -1 where it names none
  std::map<long long, std::vector<double>> by_process;  // the same per perfval_process (perfval bench --processes)
  std::optional<double> mean;    // the "mean" aggregate
  std::optional<double> median;  // the "median" aggregate
  std::string unit;
};

// Processes behind a field's samples, when every sample names its process.
std::size_t processes_in(const FieldValues& f) {
  std::size_t n = 0;
  for (const auto& [process, values] : f.by_process) n += values.size();
  return n == f.samples.size() ? f.by_process.size() : 0;
}

double geometric_mean(const std::vector<double>& xs) {
  double sum = 0;
  for (double x : xs) {
    if (!(x > 0)) return mean(xs);
    sum += std::log(x);
  }
  return xs.empty() ? 0 : std::exp(sum / static_cast<double>(xs.size()));
}

struct BenchmarkRows {
  std::map<std::string, FieldValues> fields;  // real_time, cpu_time, counters
  std::optional<std::string> error;           // error_message of a failed row
};

// The time a benchmark is judged by, as perfval regress chooses it: CPU time unless it is timed by the wall
// clock, and the wall-clock time when it has no CPU time.
std::string judged_time(const std::string& name, const BenchmarkRows& b) {
  const std::string field = time_field_of(name);
  return b.fields.count(field) ? field : "real_time";
}

// The values of the time a benchmark is judged by; nullptr for controls, failed benchmarks and a missing time.
const FieldValues* judged_values(const std::string& name, const BenchmarkRows& b) {
  if (b.error || name.rfind("control/", 0) == 0) return nullptr;
  const auto it = b.fields.find(judged_time(name, b));
  return it == b.fields.end() ? nullptr : &it->second;
}

// Log values per process; nullopt when one is not positive.
std::optional<std::map<long long, std::vector<double>>> process_logs(const FieldValues& f) {
  std::map<long long, std::vector<double>> logs;
  for (const auto& [process, values] : f.by_process)
    for (double v : values) {
      if (!(v > 0)) return std::nullopt;
      logs[process].push_back(std::log(v));
    }
  return logs;
}

// How much more the processes' means of a field differ than its repetitions' spread says (one-way ANOVA on log
// values: the mean square between processes over the mean square within, relative to the median of that ratio
// when processes do not matter); nullopt below two processes with two repetitions each.
std::optional<double> between_process_ratio(const FieldValues& f) {
  if (processes_in(f) < 2) return std::nullopt;
  const auto logs = process_logs(f);
  if (!logs) return std::nullopt;
  std::vector<std::vector<double>> groups;
  std::size_t n = 0;
  for (const auto& [process, xs] : *logs) {
    if (xs.size() < 2) return std::nullopt;
    n += xs.size();
    groups.push_back(xs);
  }
  double grand = 0;
  for (const auto& g : groups)
    for (double x : g) grand += x;
  grand /= static_cast<double>(n);
  double between = 0, within = 0;
  for (const auto& g : groups) {
    const double m = mean(g);
    between += static_cast<double>(g.size()) * (m - grand) * (m - grand);
    for (double x : g) within += (x - m) * (x - m);
  }
  const double d1 = static_cast<double>(groups.size() - 1), d2 = static_cast<double>(n - groups.size());
  if (!(within > 0)) return std::nullopt;
  return (between / d1) / (within / d2) / f_quantile(0.5, d1, d2);
}

// Interleaved repetitions of several processes are all samples when the processes differ little more than the
// repetitions: the run's design effect is the median ratio over the time fields its benchmarks are judged by
// (at least 5 of them), at least 1.
std::optional<double> run_design_effect(const std::map<std::string, BenchmarkRows>& by) {
  std::vector<double> ratios;
  std::size_t fewest_repetitions = 0;
  for (const auto& [name, b] : by)
    if (const FieldValues* f = judged_values(name, b))
      if (const auto r = between_process_ratio(*f)) {
        ratios.push_back(*r);
        for (const auto& [process, values] : f->by_process)
          fewest_repetitions = fewest_repetitions == 0 ? values.size() : std::min(fewest_repetitions, values.size());
      }
  if (ratios.size() < 5) return std::nullopt;
  // Never above the repetitions per process: the samples are then worth no more than the processes' medians.
  return std::clamp(median(ratios), 1.0, std::max(1.0, static_cast<double>(fewest_repetitions)));
}

// Each process's speed, per time field: the median over the benchmarks judged by that field (as the common shift
// between runs takes them; at least 5) of the process's mean log value less the benchmark's, less the mean of
// those medians over the processes, so the run keeps its mean speed. Processes run one after the other, and one
// can be slower than the other in most benchmarks (measured: docs/regression.md, item 0 of the noise model).
std::map<std::string, std::map<long long, double>> process_speeds(const std::map<std::string, BenchmarkRows>& by) {
  std::map<std::string, std::map<long long, std::vector<double>>> offsets;
  for (const auto& [name, b] : by) {
    const FieldValues* f = judged_values(name, b);
    if (!f || processes_in(*f) < 2) continue;
    const auto logs = process_logs(*f);
    if (!logs) continue;  // a value that is not positive: left alone
    std::vector<double> all;
    for (const auto& [process, xs] : *logs) all.insert(all.end(), xs.begin(), xs.end());
    const double grand = mean(all);
    for (const auto& [process, xs] : *logs) offsets[judged_time(name, b)][process].push_back(mean(xs) - grand);
  }
  std::map<std::string, std::map<long long, double>> speeds;
  for (const auto& [field, by_process] : offsets) {
    if (by_process.size() < 2 ||
        std::any_of(by_process.begin(), by_process.end(), [](const auto& p) { return p.second.size() < 5; }))
      continue;
    double centre = 0;
    for (const auto& [process, xs] : by_process) centre += median(xs) / static_cast<double>(by_process.size());
    for (const auto& [process, xs] : by_process) speeds[field][process] = median(xs) - centre;
  }
  return speeds;
}

// Takes each process's speed out of the samples of interleaved runs (times divided by it, rates multiplied), so a
// benchmark's spread and the run's design effect hold what differs between its processes beyond their common
// move. The run keeps its mean speed: the common shift between two runs takes that out (docs/regression.md, "the
// run is the unit"). Controls keep their raw values: they measure the machine.
void take_out_process_speeds(std::map<std::string, BenchmarkRows>& by, const std::string& file, RunResults& into) {
  const auto speeds = process_speeds(by);
  if (speeds.empty()) return;
  for (auto& [name, b] : by) {
    if (b.error || name.rfind("control/", 0) == 0) continue;
    for (auto& [key, f] : b.fields) {
      // Only what follows the time the benchmark is judged by (its time and rates): its other time is not judged,
      // and the speed was not measured on benchmarks like it.
      const std::string field = control_field("bench:" + name + ":" + key, f.unit);
      const int sign = speed_sign(f.unit);
      const auto speed = speeds.find(field);
      if (field != judged_time(name, b) || sign == 0 || speed == speeds.end() || processes_in(f) < 2) continue;
      f.by_process.clear();
      for (std::size_t i = 0; i < f.samples.size(); ++i) {
        const auto s = speed->second.find(f.sample_process[i]);
        if (s != speed->second.end()) f.samples[i] *= std::exp(-sign * s->second);
        f.by_process[f.sample_process[i]].push_back(f.samples[i]);
      }
    }
  }
  std::string apart;
  std::size_t processes = 0;
  for (const auto& [field, by_process] : speeds) {
    double low = by_process.begin()->second, high = low;
    for (const auto& [process, speed] : by_process) low = std::min(low, speed), high = std::max(high, speed);
    processes = std::max(processes, by_process.size());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.1f %%", apart.empty() ? "" : ", ", field.c_str(),
                  100 * std::expm1(high - low));
    if (high - low >= std::log(1.05)) apart += buf;  // within 5 %: within the median's own noise, not worth a word
  }
  if (!apart.empty())
    into.notes.push_back(file + ": its " + std::to_string(processes) + " processes ran at different speeds (" + apart +
                         " apart, the median over the benchmarks judged by that time); each process's speed is "
                         "taken out of its samples");
}

std::string string_at(const json& row, const char* key, const std::string& file, const std::string& field,
                      const std::string& fallback) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return fallback;
  if (!it->is_string()) fail_field(file, field + "." + key, "expected a string, got " + it->dump());
  return it->get<std::string>();
}

std::string counter_unit(const std::string& counter) {
  const std::string suffix = "per_second";
  if (counter.size() >= suffix.size() && counter.compare(counter.size() - suffix.size(), suffix.size(), suffix) == 0)
    return "/s";
  return "";
}

void add_row(const json& row, std::size_t index, const std::string& file, std::map<std::string, BenchmarkRows>& by,
             std::vector<std::string>& order) {
  const std::string where = "benchmarks[" + std::to_string(index) + "]";
  if (!row.is_object()) fail_field(file, where, "expected an object");
  const std::string name = string_at(row, "name", file, where, "");
  if (name.empty()) fail_field(file, where + ".name", "missing benchmark name");
  const std::string run_name = string_at(row, "run_name", file, where, name);
  const std::string run_type = string_at(row, "run_type", file, where, "iteration");
  const std::string aggregate = string_at(row, "aggregate_name", file, where, "");
  // stddev and cv are spreads, BigO and RMS describe a complexity fit over a family (their run_name is the
  // family, no benchmark of its own): none of them is a value to compare, nor a benchmark to list.
  if (run_type == "aggregate" && aggregate != "mean" && aggregate != "median" && !row.value("error_occurred", false))
    return;
  if (!by.count(run_name)) order.push_back(run_name);
  BenchmarkRows& b = by[run_name];
  if (row.value("error_occurred", false)) {
    b.error = string_at(row, "error_message", file, where, "error_occurred without a message");
    return;
  }
  const std::string time_unit = string_at(row, "time_unit", file, where, "ns");
  for (auto it = row.begin(); it != row.end(); ++it) {
    const bool is_time = it.key() == "real_time" || it.key() == "cpu_time";
    if (!is_time && (standard_fields.count(it.key()) || !it->is_number())) continue;
    const auto v = number_at(row, it.key().c_str(), file, where + "." + it.key());
    if (!v) continue;
    FieldValues& f = b.fields[it.key()];
    f.unit = is_time ? time_unit : counter_unit(it.key());
    if (run_type != "aggregate") {
      f.samples.push_back(*v);
      f.sample_process.push_back(-1);
      if (const auto p = row.find("perfval_process"); p != row.end() && p->is_number_integer()) {
        f.by_process[p->get<long long>()].push_back(*v);
        f.sample_process.back() = p->get<long long>();
      }
    }
    else if (aggregate == "mean") f.mean = *v;
    else f.median = *v;
  }
  if (run_type != "aggregate" && !row.contains("real_time"))
    fail_field(file, where + ".real_time", "missing (the row has no error_occurred either)");
}

// Google Benchmark's "context": host, CPUs and load; cpu_model is added by perfval-bench (machine_context.hpp).
void read_context(const json& doc, RunResults& into) {
  const auto it = doc.find("context");
  if (it == doc.end() || !it->is_object() || into.machine.testbed.known()) return;
  const json& c = *it;
  MachineContext m;
  if (c.contains("cpu_model") && c["cpu_model"].is_string() && c["cpu_model"] != "unknown")
    m.testbed.cpu_model = c["cpu_model"].get<std::string>();
  if (c.contains("num_cpus") && c["num_cpus"].is_number_integer()) m.testbed.cores = c["num_cpus"].get<int>();
  if (c.contains("host_name") && c["host_name"].is_string()) m.host = c["host_name"].get<std::string>();
  if (c.contains("date") && c["date"].is_string()) m.date = c["date"].get<std::string>();
  if (c.contains("load_avg") && c["load_avg"].is_array()) {
    for (const auto& v : c["load_avg"]) {
      if (!v.is_number()) continue;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", v.get<double>());
      m.load_average += (m.load_average.empty() ? "" : " ") + std::string(buf);
    }
  }
  into.machine = m;
}

}  // namespace

void read_benchmark_json(const json& doc, const std::string& file, RunResults& into) {
  const json& rows = doc["benchmarks"];
  if (!rows.is_array()) fail_field(file, "benchmarks", "expected a list of benchmark results");
  std::map<std::string, BenchmarkRows> by;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < rows.size(); ++i) add_row(rows[i], i, file, by, order);
  read_context(doc, into);
  const auto ctx = doc.find("context");
  bool interleaved = false;
  if (ctx != doc.end() && ctx->is_object() && ctx->contains("perfval_interleaved")) {
    const json& v = (*ctx)["perfval_interleaved"];
    if (!v.is_boolean()) fail_field(file, "context.perfval_interleaved", "expected true or false, got " + v.dump());
    interleaved = v.get<bool>();
  }
  if (interleaved) take_out_process_speeds(by, file, into);
  const std::optional<double> design_effect = interleaved ? run_design_effect(by) : std::nullopt;
  for (const std::string& name : order) {
    const BenchmarkRows& b = by[name];
    const std::string prefix = "bench:" + name;
    if (into.failed.count(prefix) || into.find(prefix + ":real_time")) {
      into.notes.push_back(file + ": benchmark " + name + " also appears in an earlier file; the first is used");
      continue;
    }
    into.benchmarks.push_back(name);
    if (b.error) {
      into.failed[prefix] = *b.error;
      continue;
    }
    for (const auto& [field, f] : b.fields) {
      Measurement m{prefix + ":" + field, 0, f.samples, f.unit, file};
      m.value = !f.samples.empty() ? mean(f.samples) : f.mean ? *f.mean : f.median.value_or(0);
      // Repetitions inside one process agree far better than separate processes do: with several processes, each
      // process's median is one sample and the samples are independent (docs/regression.md). Interleaved
      // repetitions are samples too, each worth 1/design effect of a process.
      if (processes_in(f) > 1 && design_effect) {
        m.independent_samples = true;
        m.design_effect = *design_effect;
        m.design_effect_measured = true;
        m.value = geometric_mean(m.samples);
      } else if (processes_in(f) > 1) {
        m.samples.clear();
        for (const auto& [process, values] : f.by_process) m.samples.push_back(median(values));
        m.value = median(m.samples);
        m.independent_samples = true;
      }
      into.measurements[m.key] = std::move(m);
    }
  }
}

}  // namespace perfval::regression::detail
