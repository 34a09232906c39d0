// CSV data files for `{{data.COLUMN}}` (docs/scenarios.md#data-files): read and validated once before the
// run, shared read-only by every worker; rows handed out per iteration without state shared between workers.
//
// How the engine calls it (phase 2 of issue 12): one DataCursor per scenario driver, made with the worker's
// Share (offset, stride) — the same split the executors use — so sequential and unique rows partition
// exactly across threads and `--segment i/N` processes. At the start of each iteration: next(); nullopt
// (mode unique, rows used up) means this share ends the scenario as if its iterations were done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::loadgen {

struct DataTable {
  std::string file;                  // path read (after resolving against the scenario's directory)
  std::vector<std::string> columns;  // names from the header row, unique, non-empty
  std::vector<std::string> cells;    // row-major: cell(r, c) = cells[r * columns.size() + c]
  std::vector<int> lines;            // 1-based line where each row starts, for messages

  std::size_t rows() const { return columns.empty() ? 0 : cells.size() / columns.size(); }
  const std::string& cell(std::size_t row, std::size_t column) const { return cells[row * columns.size() + column]; }
  std::optional<std::size_t> column(std::string_view name) const;
};

// Reads an RFC 4180 CSV file (header row, "" escapes in quoted fields, LF or CRLF, blank lines skipped).
// Throws Error "file:line:column: ..." for a missing/unreadable file, a bad quote, a row whose field count
// differs from the header's, duplicate or empty column names, or no data rows.
DataTable read_csv(const std::string& path);

enum class DataMode : std::uint8_t {
  sequential,  // rows in order, starting again after the last
  random,      // a uniformly random row for every iteration
  unique,      // each row at most once in the whole run; the scenario ends when they are used up
};
const char* to_string(DataMode mode);

struct DataSource {
  std::shared_ptr<const DataTable> table;  // never null once parsed
  DataMode mode = DataMode::sequential;
  std::string file_as_written;             // `data.file` as written, for echoes
};

// Row selection for one share of a scenario's iterations (iteration m of this share is item offset + m*stride).
class DataCursor {
 public:
  DataCursor(const DataSource& source, std::int64_t offset, std::int64_t stride, std::uint64_t seed);
  std::optional<std::size_t> next();  // row index; nullopt when unique rows are used up

 private:
  DataMode mode_;
  std::uint64_t rows_;                // rows in the table, > 0
  std::int64_t offset_, stride_;      // this share's items
  std::int64_t taken_ = 0;            // iterations served so far
  std::uint64_t rng_;                 // splitmix64 state (random mode)
};

}  // namespace perfval::loadgen
