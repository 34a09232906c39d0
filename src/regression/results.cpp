// Result files and folders: tells each file's kind by its content and hands it to the matching reader.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "results_internal.hpp"

namespace perfval::regression {

namespace fs = std::filesystem;
using nlohmann::json;

const Measurement* RunResults::find(const std::string& key) const {
  const auto it = measurements.find(key);
  return it == measurements.end() ? nullptr : &it->second;
}

namespace detail {

void fail_field(const std::string& file, const std::string& field, const std::string& message) {
  throw Error(SourceLocation{file, 0, 0}, field, message);
}

std::optional<double> number_at(const json& obj, const char* key, const std::string& file, const std::string& field) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) fail_field(file, field, "expected a number, got " + it->dump());
  return it->get<double>();
}

}  // namespace detail

namespace {

SourceLocation location_of_byte(const std::string& text, const std::string& file, std::size_t byte) {
  SourceLocation where{file, 1, 1};
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') ++where.line, where.column = 1;
    else ++where.column;
  }
  return where;
}

}  // namespace

void read_document(const json& doc, const std::string& file, RunResults& into);

namespace {

void read_json_text(const std::string& text, const std::string& file, RunResults& into) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    const std::string what = e.what();
    const auto colon = what.rfind(": ");
    throw Error(location_of_byte(text, file, e.byte), "",
                "malformed JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const json::out_of_range& e) {  // a number beyond double's range, e.g. 1e999 (found by fuzzing)
    throw Error(file + ": malformed JSON: " + e.what());
  }
  if (!doc.is_object()) throw Error(file + ": expected a JSON object (a perfval summary or Google Benchmark output)");
  try {
    read_document(doc, file, into);
  } catch (const json::exception& e) {  // a field of an unexpected type deep inside
    throw Error(file + ": unexpected value: " + std::string(e.what()));
  }
}

}  // namespace

void read_results_text(const std::string& text, const std::string& file, RunResults& into) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) return read_json_text(text, file, into);
  if (detail::looks_like_go_bench(text)) return detail::read_go_bench_text(text, file, into);
  throw Error(file + ": " + (first == std::string::npos ? "empty file" : "unknown content") +
              ": expected a perfval summary or Google Benchmark JSON (a JSON object), or Go benchmark text "
              "(`go test -bench` output: lines starting with Benchmark, goos:, pkg:)");
}

void read_document(const json& doc, const std::string& file, RunResults& into) {
  if (doc.contains("schema")) {
    const std::string schema = doc["schema"].is_string() ? doc["schema"].get<std::string>() : doc["schema"].dump();
    if (schema != "perfval/summary/v1")
      detail::fail_field(file, "schema", "unsupported schema \"" + schema + "\" (this perfval reads perfval/summary/v1)");
    detail::read_summary_json(doc, file, into);
  } else if (doc.contains("benchmarks")) {
    detail::read_benchmark_json(doc, file, into);
  } else {
    throw Error(file + ": neither a perfval summary (no \"schema\") nor Google Benchmark JSON (no \"benchmarks\")");
  }
}

std::vector<std::string> compared_fields(const RunResults& a, const RunResults& b, const std::string& benchmark) {
  std::vector<std::string> out;
  for (const RunResults* run : {&a, &b})
    if (const auto it = run->judged_fields.find(benchmark); it != run->judged_fields.end())
      for (const auto& f : it->second)
        if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  if (out.empty()) out.push_back("real_time");
  return out;
}

bool is_results_file(const std::string& path) {
  const fs::path p(path);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
  if (p.extension() == ".json") return true;
  // The start of the file tells Go benchmark text from a log: no need to read a large file whole.
  std::ifstream in(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return detail::looks_like_go_bench(head);
}

RunResults read_results(const std::string& path) {
  RunResults run;
  run.path = path;
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) {
    run.label = p.filename().empty() ? p.parent_path().filename().string() : p.filename().string();
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(p, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
    if (ec) throw Error(path + ": cannot list folder: " + ec.message());
    std::sort(files.begin(), files.end());
    bool any = false;
    for (const auto& f : files) {
      // Other files (logs, reports) may sit beside the results; of them only Go benchmark text is read.
      if (!is_results_file(f.string())) continue;
      read_results_text(read_file(f.string()), f.string(), run);
      any = true;
    }
    if (!any)
      throw Error(path + ": folder has no results (*.json summaries or Google Benchmark JSON, or Go benchmark text)");
  } else {
    if (!fs::exists(p, ec)) throw Error(path + ": no such file or folder");
    run.label = p.filename().string();
    read_results_text(read_file(path), path, run);
  }
  return run;
}

}  // namespace perfval::regression
