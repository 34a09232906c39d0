// CSV data files: an RFC 4180 reader with located errors, and per-share row cursors (sequential, random, unique).
#include "perfval/loadgen/data_file.hpp"

#include <fstream>
#include <sstream>

#include "perfval/common/error.hpp"
#include "splitmix.hpp"

namespace perfval::loadgen {

namespace {

class CsvReader {
 public:
  CsvReader(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // UTF-8 byte order mark
  }

  // Reads one record into `fields`; false at the end. Blank lines are skipped.
  bool record(std::vector<std::string>& fields) {
    fields.clear();
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_.compare(pos_, 2, "\r\n") == 0)) newline();
    if (pos_ >= text_.size()) return false;
    record_line_ = line_;
    for (;;) {
      fields.push_back(field());
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      newline();
      return true;
    }
  }
  int record_line() const { return record_line_; }
  [[noreturn]] void fail(int line, int column, const std::string& what) const {
    throw Error(SourceLocation{path_, line, column}, "", what);
  }

 private:
  void newline() {
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
    line_start_ = pos_;
  }
  int column() const { return static_cast<int>(pos_ - line_start_) + 1; }
  std::string field() {
    std::string out;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const int open_line = line_, open_col = column();
      for (++pos_;; ++pos_) {
        if (pos_ >= text_.size()) fail(open_line, open_col, "unterminated quoted field");
        if (text_[pos_] == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            out += '"';
            ++pos_;
            continue;
          }
          ++pos_;
          break;
        }
        if (text_[pos_] == '\n') {
          ++line_;
          line_start_ = pos_ + 1;
        }
        out += text_[pos_];
      }
      const bool end = pos_ >= text_.size() || text_[pos_] == ',' || text_[pos_] == '\n' ||
                       text_.compare(pos_, 2, "\r\n") == 0;
      if (!end) fail(line_, column(), "unexpected text after a closing quote (write \"\" for a quote inside)");
      return out;
    }
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_.compare(pos_, 2, "\r\n") != 0) {
      if (text_[pos_] == '"') fail(line_, column(), "a quote inside an unquoted field (quote the whole field)");
      if (text_[pos_] == '\r') fail(line_, column(), "a carriage return inside an unquoted field");
      out += text_[pos_++];
    }
    return out;
  }

  std::string path_;
  std::string text_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  int record_line_ = 1;
};

}  // namespace

std::optional<std::size_t> DataTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return std::nullopt;
}

DataTable read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open data file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(path + ": cannot read data file");
  CsvReader reader(path, buffer.str());
  DataTable t;
  t.file = path;
  if (!reader.record(t.columns)) throw Error(path + ": the data file is empty (it needs a header row)");
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].empty()) reader.fail(1, 0, "column " + std::to_string(i + 1) + " has no name in the header row");
    for (std::size_t j = 0; j < i; ++j) {
      if (t.columns[j] == t.columns[i]) reader.fail(1, 0, "duplicate column name \"" + t.columns[i] + "\"");
    }
  }
  std::vector<std::string> fields;
  while (reader.record(fields)) {
    if (fields.size() != t.columns.size()) {
      reader.fail(reader.record_line(), 0, "row has " + std::to_string(fields.size()) + " fields, the header has " +
                                               std::to_string(t.columns.size()));
    }
    t.lines.push_back(reader.record_line());
    for (auto& f : fields) t.cells.push_back(std::move(f));
  }
  if (t.rows() == 0) throw Error(path + ": the data file has a header row but no data rows");
  return t;
}

const char* to_string(DataMode mode) {
  switch (mode) {
    case DataMode::sequential: return "sequential";
    case DataMode::random: return "random";
    case DataMode::unique: return "unique";
  }
  return "sequential";
}

DataCursor::DataCursor(const DataSource& source, std::int64_t offset, std::int64_t stride, std::uint64_t seed)
    : mode_(source.mode), rows_(source.table->rows()), offset_(offset), stride_(stride),
      rng_(seed ^ (static_cast<std::uint64_t>(offset) * 0x9E3779B97F4A7C15ull)) {}

std::optional<std::size_t> DataCursor::next() {
  const std::int64_t item = offset_ + taken_ * stride_;
  ++taken_;
  switch (mode_) {
    case DataMode::sequential: return static_cast<std::size_t>(static_cast<std::uint64_t>(item) % rows_);
    case DataMode::random: return static_cast<std::size_t>(detail::uniform_below(rng_, rows_));
    case DataMode::unique:
      if (static_cast<std::uint64_t>(item) >= rows_) return std::nullopt;
      return static_cast<std::size_t>(item);
  }
  return std::nullopt;
}

}  // namespace perfval::loadgen
