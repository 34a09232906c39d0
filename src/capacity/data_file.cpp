// The --data source: CSV and JSON files with a timestamp and one column per metric.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "perfval/capacity/series.hpp"
#include "perfval/common/atomic_file.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"

namespace perfval::capacity {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

// Records the first invalid value of a column and counts the rest, so the message says how widespread it is.
struct ColumnIssues {
  std::vector<std::string> first;  // first problem per column, "" if none
  std::vector<int> count;          // invalid values per column

  void note(std::size_t c, const std::string& message) {
    if (count[c]++ == 0) first[c] = message;
  }
  std::vector<std::string> finish() const {
    std::vector<std::string> out(first.size());
    for (std::size_t c = 0; c < first.size(); ++c) {
      if (count[c] == 0) continue;
      out[c] = first[c];
      if (count[c] > 1) out[c] += " (and " + std::to_string(count[c] - 1) + " more invalid values)";
    }
    return out;
  }
};

// Classifies a cell: a number >= 0, an empty cell (gap, NaN returned) or invalid (message set).
double read_cell(std::string_view cell, std::string& why) {
  cell = trim(cell);
  if (cell.empty()) return kNaN;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || ptr != cell.data() + cell.size()) {
    why = "not a number: \"" + std::string(cell) + "\"";
    return kNaN;
  }
  if (std::isnan(v)) {
    why = "NaN value";
  } else if (!std::isfinite(v)) {
    why = "infinite value";
  } else if (v < 0) {
    why = "negative value " + std::string(cell);
  }
  return why.empty() ? v : kNaN;
}

void check_increasing(const DataTable& t, const std::vector<int>& lines) {
  for (std::size_t i = 1; i < t.timestamps.size(); ++i) {
    if (t.timestamps[i] <= t.timestamps[i - 1]) {
      throw Error(SourceLocation{t.file, lines[i], 1}, "timestamp",
                  "timestamps must increase: " + format_timestamp(t.timestamps[i]) + " is not after " +
                      format_timestamp(t.timestamps[i - 1]) + " (line " + std::to_string(lines[i - 1]) + ")");
    }
  }
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

void parse_csv_header(DataTable& t, std::string_view line, int line_no) {
  const auto fields = split_fields(line);
  if (trim(fields[0]) != "timestamp") {
    throw Error(SourceLocation{t.file, line_no, 1}, "header",
                "the first column must be \"timestamp\", got \"" + std::string(trim(fields[0])) + "\"");
  }
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::string name(trim(fields[i]));
    if (name.empty()) throw Error(SourceLocation{t.file, line_no, 0}, "header", "column " + std::to_string(i + 1) + " has no name");
    t.columns.push_back(name);
  }
  if (t.columns.empty()) throw Error(SourceLocation{t.file, line_no, 1}, "header", "no metric columns after timestamp");
  t.values.assign(t.columns.size(), {});
}

}  // namespace

DataTable parse_csv(const std::string& text, const std::string& name) {
  DataTable t;
  t.file = name;
  ColumnIssues issues;
  std::vector<int> lines;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = trim(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (t.columns.empty()) {
      parse_csv_header(t, line, line_no);
      issues.first.assign(t.columns.size(), "");
      issues.count.assign(t.columns.size(), 0);
      continue;
    }
    const auto fields = split_fields(line);
    if (fields.size() != t.columns.size() + 1) {
      throw Error(SourceLocation{t.file, line_no, 1}, "row",
                  "expected " + std::to_string(t.columns.size() + 1) + " fields like the header, got " +
                      std::to_string(fields.size()));
    }
    const auto ts = parse_timestamp(std::string(trim(fields[0])));
    if (!ts) {
      throw Error(SourceLocation{t.file, line_no, 1}, "timestamp",
                  "expected RFC 3339 (2024-03-01T12:00:00Z) or Unix seconds, got \"" + std::string(trim(fields[0])) + "\"");
    }
    t.timestamps.push_back(*ts);
    lines.push_back(line_no);
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      std::string why;
      t.values[c].push_back(read_cell(fields[c + 1], why));
      if (!why.empty()) {
        const int col = static_cast<int>(fields[c + 1].data() - line.data()) + 1;
        issues.note(c, SourceLocation{t.file, line_no, col}.to_string() + ": " + t.columns[c] + ": " + why);
      }
    }
  }
  if (t.columns.empty()) throw Error(t.file + ": empty file: expected a header line starting with \"timestamp\"");
  check_increasing(t, lines);
  t.lines = std::move(lines);
  t.column_errors = issues.finish();
  return t;
}

namespace {

SourceLocation json_location(const std::string& text, std::size_t byte) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {"", line, col};
}

double json_timestamp(const DataTable& t, const nlohmann::json& v, const std::string& field) {
  std::optional<double> ts;
  if (v.is_number()) ts = v.get<double>();
  if (v.is_string()) ts = parse_timestamp(v.get<std::string>());
  if (!ts) {
    throw Error(SourceLocation{t.file, 0, 0}, field,
                "expected RFC 3339 (2024-03-01T12:00:00Z) or Unix seconds, got " + v.dump());
  }
  return *ts;
}

double json_cell(const nlohmann::json& v, std::string& why) {
  if (v.is_null()) return kNaN;
  if (v.is_number()) return read_cell(v.dump(), why);
  if (v.is_string()) return read_cell(v.get<std::string>(), why);
  why = "expected a number, got " + v.dump();
  return kNaN;
}

std::size_t column_index(DataTable& t, const std::string& key) {
  const auto it = std::find(t.columns.begin(), t.columns.end(), key);
  if (it != t.columns.end()) return static_cast<std::size_t>(it - t.columns.begin());
  t.columns.push_back(key);
  t.values.emplace_back(t.timestamps.size(), kNaN);
  return t.columns.size() - 1;
}

void parse_json_rows(DataTable& t, const nlohmann::json& rows, ColumnIssues& issues) {
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = "[" + std::to_string(r) + "]";
    if (!row.is_object()) throw Error(SourceLocation{t.file, 0, 0}, where, "expected an object, got " + row.dump());
    if (!row.contains("timestamp")) throw Error(SourceLocation{t.file, 0, 0}, where + ".timestamp", "required field is missing");
    t.timestamps.push_back(json_timestamp(t, row["timestamp"], where + ".timestamp"));
    for (auto& column : t.values) column.push_back(kNaN);
    for (const auto& [key, value] : row.items()) {
      if (key == "timestamp") continue;
      const std::size_t c = column_index(t, key);
      issues.first.resize(t.columns.size());
      issues.count.resize(t.columns.size());
      std::string why;
      t.values[c].back() = json_cell(value, why);
      if (!why.empty()) issues.note(c, t.file + ": " + where + "." + key + ": " + why);
    }
  }
}

void parse_json_columns(DataTable& t, const nlohmann::json& doc, ColumnIssues& issues) {
  if (!doc.contains("timestamp") || !doc["timestamp"].is_array()) {
    throw Error(SourceLocation{t.file, 0, 0}, "timestamp", "expected an array of timestamps");
  }
  const auto& ts = doc["timestamp"];
  for (std::size_t r = 0; r < ts.size(); ++r) {
    t.timestamps.push_back(json_timestamp(t, ts[r], "timestamp[" + std::to_string(r) + "]"));
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == "timestamp") continue;
    if (!value.is_array() || value.size() != ts.size()) {
      throw Error(SourceLocation{t.file, 0, 0}, key,
                  "expected an array of " + std::to_string(ts.size()) + " values like timestamp");
    }
    const std::size_t c = column_index(t, key);
    issues.first.resize(t.columns.size());
    issues.count.resize(t.columns.size());
    for (std::size_t r = 0; r < value.size(); ++r) {
      std::string why;
      t.values[c][r] = json_cell(value[r], why);
      if (!why.empty()) issues.note(c, t.file + ": " + key + "[" + std::to_string(r) + "]: " + why);
    }
  }
}

}  // namespace

DataTable parse_json_table(const std::string& text, const std::string& name) {
  DataTable t;
  t.file = name;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    SourceLocation where = json_location(text, e.byte == 0 ? 0 : e.byte - 1);
    where.file = name;
    throw Error(where, "", std::string("JSON syntax error: ") + e.what());
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond double's range, e.g. 1e999 (fuzzing)
    throw Error(name + ": JSON syntax error: " + e.what());
  }
  ColumnIssues issues;
  if (doc.is_array()) {
    parse_json_rows(t, doc, issues);
  } else if (doc.is_object()) {
    parse_json_columns(t, doc, issues);
  } else {
    throw Error(name + ": expected an array of {\"timestamp\": ..., \"<metric>\": ...} rows or an object of columns");
  }
  if (t.columns.empty()) throw Error(name + ": no metric columns besides \"timestamp\"");
  // Sort rows by time (JSON rows carry no line numbers; duplicates are rejected below).
  std::vector<std::size_t> order(t.timestamps.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return t.timestamps[a] < t.timestamps[b]; });
  DataTable sorted = t;
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted.timestamps[i] = t.timestamps[order[i]];
    for (std::size_t c = 0; c < t.columns.size(); ++c) sorted.values[c][i] = t.values[c][order[i]];
  }
  check_increasing(sorted, std::vector<int>(order.size(), 0));
  sorted.column_errors = issues.finish();
  sorted.column_errors.resize(sorted.columns.size());
  return sorted;
}

DataTable load_data_file(const std::string& path) {
  const std::string text = read_file(path);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const bool json_name = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  const bool json = json_name || (first != std::string::npos && (text[first] == '[' || text[first] == '{'));
  return json ? parse_json_table(text, path) : parse_csv(text, path);
}

std::optional<Series> column_series(const DataTable& table, const std::string& column, const std::string& metric) {
  const auto it = std::find(table.columns.begin(), table.columns.end(), column);
  if (it == table.columns.end()) return std::nullopt;
  const std::size_t c = static_cast<std::size_t>(it - table.columns.begin());
  Series s;
  s.metric = metric;
  s.file = table.file;
  s.t.reserve(table.timestamps.size());
  s.v.reserve(table.timestamps.size());
  for (std::size_t r = 0; r < table.timestamps.size(); ++r) {
    if (std::isnan(table.values[c][r])) continue;
    s.t.push_back(table.timestamps[r]);
    s.v.push_back(table.values[c][r]);
    if (r < table.lines.size()) s.lines.push_back(table.lines[r]);
  }
  if (c < table.column_errors.size()) s.error = table.column_errors[c];
  return s;
}

}  // namespace perfval::capacity
