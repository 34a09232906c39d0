// Reads `data:` (CSV rows for {{data.COLUMN}}) and checks request templates against it before the run:
// unknown templates, missing columns, and cells that would break the request where they are inserted.
#include <algorithm>
#include <cctype>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/loadgen/request_template.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen::detail {

namespace {

const std::vector<std::string> kModes = {"sequential", "random", "unique"};

// Where a text lands decides which bytes its data cells must not contain.
enum class Place { path, header, body };

void check_text(const YamlValue& at, const std::string& field, const std::string& text, const DataSource* data,
                Place place) {
  const DataTable* table = data ? data->table.get() : nullptr;
  const std::string why = check_template(text, table);
  if (!why.empty()) throw Error(at.location(), field, why);
  if (!table || place == Place::body || !has_template(text)) return;
  const char* forbidden = place == Place::path ? " \t\r\n" : "\r\n";
  for (std::size_t column : template_columns(text, *table)) {
    for (std::size_t row = 0; row < table->rows(); ++row) {
      if (table->cell(row, column).find_first_of(forbidden) == std::string::npos) continue;
      throw Error(at.location(), field,
                  table->file + ":" + std::to_string(table->lines[row]) + ": column " + table->columns[column] +
                      (place == Place::path ? " has a space or line break, which cannot go into the path"
                                            : " has a line break, which cannot go into a header"));
    }
  }
}

void check_request(const YamlValue& at, const std::string& prefix, const RequestSpec& r, const DataSource* data,
                   const YamlValue* request) {
  auto where = [&](const char* key) { return request && request->get(key) ? *request->get(key) : at; };
  check_text(where("path"), prefix + ".path", r.path, data, Place::path);
  for (const auto& h : r.headers) {
    const YamlValue headers = where("headers");
    const auto value = headers.get(h.name);
    check_text(value ? *value : headers, prefix + ".headers." + h.name, h.value, data, Place::header);
  }
  check_text(where("body"), prefix + ".body", r.body, data, Place::body);
}

}  // namespace

DataSource parse_data(const YamlValue& node) {
  node.check_keys({"file", "mode"});
  const YamlValue file = node.require("file");
  DataSource d;
  d.file_as_written = file.as_written();
  const std::string path = resolve_path(file, file.as_string());
  try {
    d.table = std::make_shared<const DataTable>(read_csv(path));
  } catch (const Error& e) {
    file.fail(e.what());
  }
  if (auto m = node.get("mode")) {
    const std::string mode = m->as_string();
    std::size_t i = 0;
    while (i < kModes.size() && kModes[i] != mode) ++i;
    if (i == kModes.size()) {
      m->fail("unknown mode \"" + m->as_written() + "\"" + did_you_mean_suffix(mode, kModes) + "; modes are " +
              join(kModes));
    }
    d.mode = static_cast<DataMode>(i);
  }
  return d;
}

void check_request_templates(const YamlValue& request, const RequestSpec& r, const DataSource* data) {
  check_request(request, request.field(), r, data, &request);
  if (!has_template(r.body)) return;
  for (const auto& h : r.headers) {
    if (h.name.size() == 14 && std::equal(h.name.begin(), h.name.end(), "content-length",
                                          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      fail_at_key(request.require("headers"), h.name,
                  "a body with templates gets its Content-Length from perfval; remove this header");
    }
  }
}

void recheck_templates(const YamlValue& map, const std::vector<RequestSpec>& requests, const DataSource& data) {
  const YamlValue at = map.require("data");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    check_request(at, "requests[" + std::to_string(i) + "]", requests[i], &data, nullptr);
  }
}

}  // namespace perfval::loadgen::detail
