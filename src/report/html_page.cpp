// The shared frame of the HTML reports: page and style, tables, cards, badges, document field access.
#include "html_page.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/format.hpp"
#include "perfval/regression/format.hpp"
#include "perfval/report/html.hpp"

namespace perfval::report {

namespace html {

namespace {

// Light colours first; the dark scheme and print override the variables only.
constexpr const char* kStyle = R"CSS(
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--grid:#e6e9ed;--axis:#8a939e;--card:#f5f7f9;
--border:#d8dde3;--c0:#1c64c8;--c1:#d9480f;--c2:#2b8a3e;--c3:#862e9c;--c4:#c2255c;--c5:#0b7285;--c6:#b35c00;--c7:#495057;
--bad:#c92a2a;--good:#2b8a3e;--warn:#c46a00;--info:#5b6470}
@media (prefers-color-scheme:dark){:root{--bg:#14171b;--fg:#e4e7eb;--muted:#9aa4af;--grid:#262b31;--axis:#69727d;
--card:#1c2026;--border:#30363d;--c0:#5e9ff0;--c1:#ff8a4c;--c2:#5fd372;--c3:#cf6ff0;--c4:#f26d9c;--c5:#3bc9db;--c6:#fcc419;
--c7:#adb5bd;--bad:#ff6b6b;--good:#69db7c;--warn:#ffa94d;--info:#9aa4af}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--grid:#ddd;--axis:#777;--card:#fff;--border:#bbb;--c0:#1c64c8;
--c1:#d9480f;--c2:#2b8a3e;--c3:#862e9c;--c4:#c2255c;--c5:#0b7285;--c6:#b35c00;--c7:#495057;--bad:#c92a2a;--good:#2b8a3e;
--warn:#c46a00;--info:#555}body{max-width:none;padding:0}.chart-box,table,.cards{break-inside:avoid}}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;background:var(--bg);color:var(--fg);
margin:0 auto;padding:20px 28px;max-width:1200px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--border)}
h3{font-size:14.5px;margin:14px 0 6px}
header .meta{color:var(--muted);margin:2px 0}
.badge{display:inline-block;padding:3px 12px;border-radius:6px;font-weight:700;letter-spacing:.03em;color:#fff;
vertical-align:middle;margin-left:8px;font-size:15px}
.badge.pass{background:var(--good)}.badge.fail{background:var(--bad)}.badge.warn{background:var(--warn)}.badge.info{background:var(--info)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:14px 0}
.card{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:8px 12px}
.card .k{color:var(--muted);font-size:12px}.card .v{font-size:21px;font-weight:650;font-variant-numeric:tabular-nums}
.card .s{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin:6px 0 12px;font-size:13.5px}
th,td{border-bottom:1px solid var(--border);padding:4px 8px;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12.5px}td.n,th.n{text-align:right;white-space:nowrap}
table.verdicts tr.row td{border-bottom:none;padding-bottom:0}tr.why td{color:var(--muted);font-size:12.5px;padding-top:1px}
.ok,.good{color:var(--good)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted,.info{color:var(--muted)}
.chip{display:inline-block;padding:0 7px;border-radius:9px;border:1px solid currentColor;font-size:12px;white-space:nowrap}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:4px 22px}
figure.chart-box{margin:0 0 16px}figcaption{font-weight:600}
.chart-note{color:var(--muted);margin:0 0 2px;font-size:12.5px}
svg.chart{width:100%;height:auto;display:block;font-family:inherit}
.empty{color:var(--muted);font-style:italic}
.callout{border-left:4px solid var(--warn);background:var(--card);padding:8px 14px;margin:12px 0}
.callout.bad{border-color:var(--bad)}.callout.info{border-color:var(--info)}
pre{background:var(--card);padding:10px;font-size:12px;border:1px solid var(--border);border-radius:6px;white-space:pre-wrap;
word-break:break-all}
footer{color:var(--muted);font-size:12px;margin-top:28px;border-top:1px solid var(--border);padding-top:8px}
.line{fill:none;stroke-width:1.7;stroke-linejoin:round}.dashed{stroke-dasharray:5 3}
.s0{stroke:var(--c0)}.s1{stroke:var(--c1)}.s2{stroke:var(--c2)}.s3{stroke:var(--c3)}
.s4{stroke:var(--c4)}.s5{stroke:var(--c5)}.s6{stroke:var(--c6)}.s7{stroke:var(--c7)}
.f0{fill:var(--c0)}.f1{fill:var(--c1)}.f2{fill:var(--c2)}.f3{fill:var(--c3)}
.f4{fill:var(--c4)}.f5{fill:var(--c5)}.f6{fill:var(--c6)}.f7{fill:var(--c7)}
.band{stroke:none;opacity:.3}.band.light{opacity:.15}
.grid{stroke:var(--grid)}.axis{stroke:var(--axis)}.tick{fill:var(--muted);font-size:11px}
.axis-label{fill:var(--fg);font-size:12px}.legend{fill:var(--fg);font-size:11.5px}
.rule{stroke-width:1.3;stroke-dasharray:6 3}.rule-label{font-size:11px;paint-order:stroke;stroke:var(--bg);stroke-width:3px}
.rule.limit,.rule.bad{stroke:var(--bad)}.rule.warn{stroke:var(--warn)}.rule.info{stroke:var(--info)}.rule.good{stroke:var(--good)}
.rule-label.limit,.marker-label.limit,.rule-label.bad,.marker-label.bad{fill:var(--bad)}.rule-label.warn,.marker-label.warn{fill:var(--warn)}
.rule-label.info,.marker-label.info{fill:var(--muted)}.rule-label.good,.marker-label.good{fill:var(--good)}
.marker{stroke:var(--bg);stroke-width:1.5}.marker.limit,.marker.bad{fill:var(--bad)}.marker.warn{fill:var(--warn)}
.marker.info{fill:var(--info)}.marker.good{fill:var(--good)}.marker-label{font-size:11.5px;font-weight:600;paint-order:stroke;
stroke:var(--bg);stroke-width:3px}
.bar.info{fill:var(--c0)}.bar.bad{fill:var(--bad)}.bar.good{fill:var(--good)}.bar.warn{fill:var(--warn)}
)CSS";

}  // namespace

std::string page(const std::string& title, const std::string& body, const std::vector<std::string>& sources) {
  std::string from;
  for (const auto& s : sources) from += (from.empty() ? "" : ", ") + escape(s);
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; base-uri 'none'; form-action 'none'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"color-scheme\" content=\"light dark\">\n<title>" +
         escape(title) + "</title>\n<style>" + kStyle + "</style></head>\n<body>\n" + body +
         "<footer>Made by perfval from " + from +
         ". One self-contained file: no script, no font, no request leaves it; it reads the same offline and "
         "printed. Format: docs/reports.md.</footer>\n</body></html>\n";
}

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + escape(id) + "\"><h2>" + escape(title) + "</h2>\n" + body + "</section>\n";
}

Cell text_cell(const std::string& text, const std::string& cls) { return {escape(text), false, cls}; }
Cell num_cell(const std::string& text, const std::string& cls) { return {escape(text), true, cls}; }

std::string table(const std::vector<std::string>& headers, const std::vector<std::vector<Cell>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const auto& h : headers) {
    const bool numeric = !h.empty() && h[0] == '#';
    out += std::string(numeric ? "<th class=\"n\">" : "<th>") + escape(numeric ? h.substr(1) : h) + "</th>";
  }
  out += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) {
      std::string cls = (c.numeric ? std::string("n") : std::string()) + (c.cls.empty() ? "" : (c.numeric ? " " : "") + c.cls);
      out += (cls.empty() ? std::string("<td>") : "<td class=\"" + cls + "\">") + c.html + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string card(const std::string& label, const std::string& value, const std::string& cls, const std::string& sub) {
  return "<div class=\"card\"><div class=\"k\">" + escape(label) + "</div><div class=\"v" + (cls.empty() ? "" : " " + cls) +
         "\">" + escape(value) + "</div>" + (sub.empty() ? "" : "<div class=\"s\">" + escape(sub) + "</div>") + "</div>";
}

std::string cards(const std::vector<std::string>& items) {
  std::string out = "<div class=\"cards\">";
  for (const auto& i : items) out += i;
  return out + "</div>\n";
}

std::string badge(const std::string& text, const std::string& cls) {
  return "<span class=\"badge " + cls + "\">" + escape(text) + "</span>";
}

std::string callout(const std::string& html, const std::string& cls) {
  return "<p class=\"callout " + cls + "\">" + html + "</p>\n";
}

Fields::Fields(const nlohmann::json& j, std::string file, std::string path)
    : j_(j), file_(std::move(file)), path_(std::move(path)) {}

std::string Fields::where(const std::string& key) const {
  return file_ + ": " + (path_.empty() ? key : path_ + "." + key);
}

bool Fields::has(const std::string& key) const { return j_.is_object() && j_.contains(key) && !j_.at(key).is_null(); }

const nlohmann::json& Fields::at(const std::string& key) const {
  if (!has(key)) throw Error(where(key) + ": missing (a report needs it)");
  return j_.at(key);
}

std::optional<double> Fields::number(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const auto& v = j_.at(key);
  if (!v.is_number()) throw Error(where(key) + ": expected a number, got " + std::string(v.type_name()));
  return v.get<double>();
}

double Fields::number_or(const std::string& key, double fallback) const { return number(key).value_or(fallback); }

std::string Fields::text(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  const auto& v = j_.at(key);
  if (!v.is_string()) throw Error(where(key) + ": expected a string, got " + std::string(v.type_name()));
  return v.get<std::string>();
}

bool Fields::flag(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& v = j_.at(key);
  if (!v.is_boolean()) throw Error(where(key) + ": expected true or false, got " + std::string(v.type_name()));
  return v.get<bool>();
}

Fields Fields::child(const std::string& key) const {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!has(key)) return Fields(empty, file_, path_.empty() ? key : path_ + "." + key);
  if (!j_.at(key).is_object()) throw Error(where(key) + ": expected an object, got " + std::string(j_.at(key).type_name()));
  return Fields(j_.at(key), file_, path_.empty() ? key : path_ + "." + key);
}

const nlohmann::json& Fields::array(const std::string& key) const {
  static const nlohmann::json empty = nlohmann::json::array();
  if (!has(key)) return empty;
  if (!j_.at(key).is_array()) throw Error(where(key) + ": expected an array, got " + std::string(j_.at(key).type_name()));
  return j_.at(key);
}

Fields open_document(const HtmlSource& source, const std::string& schema, std::initializer_list<const char*> required) {
  if (result_schema(source) != schema) throw Error(source.file + ": schema: expected " + schema + ", not " + source.doc["schema"].get<std::string>());
  Fields f(source.doc, source.file);
  for (const char* key : required) f.at(key);
  return f;
}

std::string guarded(const std::string& file, const std::function<std::string()>& draw) {
  try {
    return draw();
  } catch (const nlohmann::json::exception& e) {
    throw Error(file + ": unexpected content: " + e.what());
  }
}

std::string latency_ms(double ms) { return format_latency_us(ms * 1000.0); }
std::string latency_tick(double ms) {
  if (ms == 0) return "0";
  if (std::fabs(ms) < 1) return format_double("%gµs", std::round(ms * 1000));
  if (std::fabs(ms) < 1000) return format_double("%gms", ms);
  return format_double("%gs", ms / 1000);
}
std::string number(double v) { return regression::format_number(v); }
std::string compact(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9) return format_double("%.3gG", v / 1e9);
  if (a >= 1e6) return format_double("%.3gM", v / 1e6);
  if (a >= 1e4) return format_double("%.3gk", v / 1e3);
  return format_double("%.4g", v);
}
std::string percent(double fraction) { return format_double("%.2f%%", fraction * 100.0); }
std::string per_second(double v) { return format_double("%.1f/s", v); }

}  // namespace html

HtmlSource read_result_document(const std::string& path) {
  const std::string text = read_file(path);
  try {
    return {path, nlohmann::json::parse(text)};
  } catch (const nlohmann::json::parse_error& e) {
    const bool truncated = e.byte >= text.size();
    throw Error(path + ": " + (truncated ? "truncated: the JSON ends early" : "not valid JSON") + " (at byte " +
                std::to_string(std::min<std::size_t>(e.byte, text.size())) + " of " + std::to_string(text.size()) + ")");
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond double's range, e.g. 1e999
    throw Error(path + ": not valid JSON: " + e.what());
  }
}

std::string result_schema(const HtmlSource& source) {
  static const std::vector<std::string> known = {"perfval/summary/v1", "perfval/regress/v1", "perfval/capacity/v1"};
  const auto& doc = source.doc;
  if (!doc.is_object() || !doc.contains("schema") || !doc["schema"].is_string()) {
    throw Error(source.file + ": schema: missing; not a perfval result (expected one of perfval/summary/v1, "
                "perfval/regress/v1, perfval/capacity/v1)");
  }
  const std::string schema = doc["schema"].get<std::string>();
  for (const auto& k : known) if (schema == k) return schema;
  throw Error(source.file + ": schema: unsupported schema \"" + schema +
              "\" (this perfval reads perfval/summary/v1, perfval/regress/v1 and perfval/capacity/v1)");
}

std::string render_html(const std::vector<HtmlSource>& sources) {
  if (sources.empty()) throw Error("no result document to render");
  const std::string first = result_schema(sources.front());
  for (const auto& s : sources) {
    if (result_schema(s) != first || (first != "perfval/summary/v1" && sources.size() > 1)) {
      throw Error(s.file + ": several documents are overlaid only when all are run summaries (perfval/summary/v1); "
                  "render a regress or capacity document on its own");
    }
  }
  if (first == "perfval/regress/v1") return render_regress_html(sources.front());
  if (first == "perfval/capacity/v1") return render_capacity_html(sources.front());
  return render_run_html(sources);
}

}  // namespace perfval::report
