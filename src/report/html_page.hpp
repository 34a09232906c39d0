// The frame every HTML report shares: the page (style, colour schemes, content security policy), sections,
// tables, key-figure cards, badges, and reading fields of a result document with messages that name the file.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "html_svg.hpp"
#include "perfval/report/html.hpp"

namespace perfval::report::html {

// The whole document: <!doctype html>, a CSP that allows no request (default-src 'none'), inline style with
// light, dark and print schemes, the body, and a footer naming the sources.
std::string page(const std::string& title, const std::string& body, const std::vector<std::string>& sources);

std::string section(const std::string& id, const std::string& title, const std::string& body);

struct Cell {
  std::string html;     // already escaped
  bool numeric = false; // right-aligned, tabular figures
  std::string cls;      // extra CSS class, e.g. "bad"
};
Cell text_cell(const std::string& text, const std::string& cls = "");
Cell num_cell(const std::string& text, const std::string& cls = "");

// A table; a header starting with '#' is a numeric column (the '#' is not shown).
std::string table(const std::vector<std::string>& headers, const std::vector<std::vector<Cell>>& rows);

// A key figure: a small label over a large value.
std::string card(const std::string& label, const std::string& value, const std::string& cls = "", const std::string& sub = "");
std::string cards(const std::vector<std::string>& items);

// A status badge: the text (which carries the meaning on its own, e.g. "✅ PASSED") on a coloured ground.
std::string badge(const std::string& text, const std::string& cls);

// Chart widths in SVG units that match the page's layout, so text in every chart is drawn at the same size.
inline constexpr int kFullWidth = 1140;  // one chart across the page
inline constexpr int kHalfWidth = 560;   // two charts side by side (".grid2")

// A highlighted paragraph (cls: warn, bad, info).
std::string callout(const std::string& html, const std::string& cls = "warn");

// Field access on a result document: missing or null gives nullopt/defaults; a present value of the wrong
// type throws perfval::Error naming the file and the field.
class Fields {
 public:
  Fields(const nlohmann::json& j, std::string file, std::string path = "");
  bool has(const std::string& key) const;  // present and not null
  const nlohmann::json& at(const std::string& key) const;  // required: Error "file: field: missing"
  std::optional<double> number(const std::string& key) const;
  double number_or(const std::string& key, double fallback) const;
  std::string text(const std::string& key, const std::string& fallback = "") const;
  bool flag(const std::string& key, bool fallback = false) const;
  Fields child(const std::string& key) const;            // an object (empty when absent)
  const nlohmann::json& array(const std::string& key) const;  // an array (empty when absent)
  const nlohmann::json& json() const { return j_; }
  const std::string& file() const { return file_; }
  std::string where(const std::string& key) const;      // "file: path.key"

 private:
  const nlohmann::json& j_;
  std::string file_, path_;
};

// What every renderer checks first: the document has `schema` and the `required` top-level fields (perfval::Error
// naming the file otherwise). Returns its fields.
Fields open_document(const HtmlSource& source, const std::string& schema, std::initializer_list<const char*> required);
// Runs `draw`; content of the wrong shape deep in a document becomes an input error naming the file.
std::string guarded(const std::string& file, const std::function<std::string()>& draw);

// Numbers as the console prints them.
std::string latency_ms(double ms);                 // "850µs", "12.35ms", "2.10s"
std::string latency_tick(double ms);               // axis ticks, shortest form: "0", "500µs", "250ms", "1.5s"
std::string number(double v);                      // 4 significant digits
std::string compact(double v);                     // axis ticks: "950", "12.5k", "1.2M", "0.25"
std::string percent(double fraction);              // "0.25%"
std::string per_second(double v);                 // "123.4/s"

}  // namespace perfval::report::html
