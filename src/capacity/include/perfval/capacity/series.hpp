// Time series as capacity planning reads them, and the CSV/JSON file source (`--data FILE`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace perfval::capacity {

// One series of one metric. Timestamps increase strictly; gaps are simply missing points.
struct Series {
  std::string metric;      // metric key, e.g. "cpu"
  std::string labels;      // "" for a file column or a single series, else e.g. {pod="a"}
  std::vector<double> t;   // Unix seconds
  std::vector<double> v;   // metric unit
  std::string error;       // why this series cannot be analysed (bad values, empty query); "" when usable
  std::string file;        // the --data file it came from; "" for Prometheus
  std::vector<int> lines;  // line of each point in `file` (CSV); empty when lines are unknown (JSON, Prometheus)

  std::string name() const { return labels.empty() ? metric : metric + labels; }
};

// A parsed --data file: a timestamp column and one column per name.
struct DataTable {
  std::string file;                     // path it was read from
  std::vector<std::string> columns;     // metric columns, in file order (without "timestamp")
  std::vector<double> timestamps;       // Unix seconds, one per row, strictly increasing after sorting
  std::vector<std::vector<double>> values;  // values[column][row]; NaN marks an empty cell (a gap)
  std::vector<std::string> column_errors;   // per column: first invalid value, e.g. "data.csv:17: cpu: ..." or ""
  std::vector<int> lines;               // line of each row (CSV); empty for JSON
};

// Reads a CSV (header `timestamp,<metric>...`) or JSON file (an array of row objects or an object of
// columns). The format is chosen by the extension (.json) or the first character. Throws perfval::Error
// naming file:line:col for structural problems; invalid numbers in a column are recorded in column_errors so
// the other columns can still be analysed.
DataTable load_data_file(const std::string& path);
DataTable parse_csv(const std::string& text, const std::string& name);
DataTable parse_json_table(const std::string& text, const std::string& name);

// The series of `column` (gaps dropped), or nullopt when the table has no such column.
std::optional<Series> column_series(const DataTable& table, const std::string& column, const std::string& metric);

// RFC 3339 ("2024-03-01T12:00:00Z", "2024-03-01T12:00:00.5+02:00") or Unix seconds ("1709294400").
std::optional<double> parse_timestamp(const std::string& text);
// RFC 3339 in UTC with seconds, e.g. "2024-03-01T12:00:00Z"; outside years 0000-9999 "1e+30 (Unix seconds)".
std::string format_timestamp(double unix_seconds);

}  // namespace perfval::capacity
