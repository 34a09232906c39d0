// k6 threshold grammar: "<aggregation> <op> <value>[unit]" expressions, metric selectors, and evaluation.
#include "perfval/loadgen/threshold.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/size.hpp"

namespace perfval::loadgen {

namespace {

const std::vector<std::string> kAggregations = {"avg", "min", "med", "max", "p(N)", "rate", "count", "value"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Shortest plain decimal that reads back as the same percentile ("95", "99.9"), never "9e+01".
std::string format_percentile(double v) {
  char buf[48];
  for (int decimals = 0; decimals <= 15; ++decimals) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (std::strtod(buf, nullptr) == v) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Consumes a leading number (sign, digits, optional fraction and exponent); returns its length, 0 if none.
std::size_t number_length(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  // An exponent only when digits follow, so "5m" keeps its unit and "5e" is junk, not a half-read exponent.
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) ++j;
      i = j;
    }
  }
  return i;
}

// Parses one whole string as a finite number.
std::optional<double> parse_number(std::string_view s) {
  const std::size_t n = number_length(s);
  if (n == 0 || n != s.size()) return std::nullopt;
  const double v = std::strtod(std::string(s).c_str(), nullptr);
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

// Parses one expression, remembering the original text for error messages.
class ExprParser {
 public:
  ExprParser(std::string_view text, ThresholdUnit unit) : text_(text), rest_(trim(text)), unit_(unit) {}

  ThresholdExpr parse() {
    if (rest_.empty()) fail("empty threshold expression (expected e.g. \"p(95)<500\")");
    ThresholdExpr expr;
    expr.source = std::string(text_);
    parse_aggregation(expr);
    parse_operator(expr);
    parse_value(expr);
    rest_ = trim(rest_);
    if (!rest_.empty()) fail("unexpected \"" + std::string(rest_) + "\" after the value");
    return expr;
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw Error("threshold \"" + std::string(text_) + "\": " + reason);
  }

  void parse_aggregation(ThresholdExpr& expr) {
    std::size_t i = 0;
    // '.' is taken too so "p99.9" is reported whole (and gets the suggestion "p(99.9)").
    while (i < rest_.size() && (is_ident_char(rest_[i]) || rest_[i] == '.')) ++i;
    const std::string name(rest_.substr(0, i));
    rest_ = trim(rest_.substr(i));
    if (name.empty()) {
      fail("missing aggregation before \"" + std::string(rest_) +
           "\" (expected avg, min, med, max, p(N), rate, count or value)");
    }
    if (!rest_.empty() && rest_.front() == '(') {
      if (name != "p") fail("unknown aggregation \"" + name + "(...)\" (only p(N) takes an argument)");
      parse_percentile(expr);
      return;
    }
    if (name == "p") fail("p needs a percentile in parentheses, e.g. p(95)");
    for (const auto& known : kAggregations) {
      if (known == name) {
        expr.aggregation = name;
        return;
      }
    }
    if (name.size() > 1 && name[0] == 'p' && parse_number(std::string_view(name).substr(1))) {
      fail("unknown aggregation \"" + name + "\" (did you mean \"p(" + name.substr(1) + ")\"?)");
    }
    const std::string suggestion = did_you_mean_suffix(name, kAggregations);
    fail("unknown aggregation \"" + name + "\"" +
         (suggestion.empty() ? " (expected avg, min, med, max, p(N), rate, count or value)" : suggestion));
  }

  void parse_percentile(ThresholdExpr& expr) {
    const auto close = rest_.find(')');
    if (close == std::string_view::npos) fail("missing \")\" after the percentile in p(");
    const std::string_view inside = trim(rest_.substr(1, close - 1));
    const auto p = parse_number(inside);
    if (!p) fail("percentile \"" + std::string(inside) + "\" in p(...) is not a number");
    if (*p < 0 || *p > 100) fail("percentile " + std::string(inside) + " is outside [0, 100]");
    expr.percentile = *p;
    expr.aggregation = "p(" + format_percentile(*p) + ")";
    rest_ = trim(rest_.substr(close + 1));
  }

  void parse_operator(ThresholdExpr& expr) {
    struct Spelling {
      std::string_view text;
      ThresholdExpr::Op op;
    };
    // Longest spellings first so "<=" is not read as "<" followed by junk.
    static constexpr Spelling kOps[] = {
        {"===", ThresholdExpr::Op::eq}, {"!==", ThresholdExpr::Op::ne}, {"<=", ThresholdExpr::Op::le},
        {">=", ThresholdExpr::Op::ge},  {"==", ThresholdExpr::Op::eq},  {"!=", ThresholdExpr::Op::ne},
        {"<", ThresholdExpr::Op::lt},   {">", ThresholdExpr::Op::gt}};
    for (const auto& s : kOps) {
      if (rest_.substr(0, s.text.size()) == s.text) {
        expr.op = s.op;
        op_text_ = s.text;
        rest_ = trim(rest_.substr(s.text.size()));
        return;
      }
    }
    if (!rest_.empty() && rest_.front() == '=') fail("unknown operator \"=\" (did you mean \"==\"?)");
    fail("missing comparison operator (<, <=, >, >=, == or !=) after \"" + expr.aggregation + "\"");
  }

  void parse_value(ThresholdExpr& expr) {
    const std::size_t n = number_length(rest_);
    if (n == 0) {
      if (rest_.empty()) fail("missing value after \"" + std::string(op_text_) + "\"");
      fail("expected a number after \"" + std::string(op_text_) + "\", got \"" + std::string(rest_) + "\"");
    }
    const double number = std::strtod(std::string(rest_.substr(0, n)).c_str(), nullptr);
    if (!std::isfinite(number)) fail("value " + std::string(rest_.substr(0, n)) + " is out of range");
    rest_ = trim(rest_.substr(n));
    std::size_t u = 0;
    while (u < rest_.size() && (std::isalpha(static_cast<unsigned char>(rest_[u])) ||
                                static_cast<unsigned char>(rest_[u]) >= 0x80)) {
      ++u;
    }
    const std::string unit(rest_.substr(0, u));
    rest_ = rest_.substr(u);
    switch (unit_) {
      case ThresholdUnit::size: expr.value = unit.empty() ? number : number * bytes_per(unit); return;
      case ThresholdUnit::plain:
        if (!unit.empty()) fail("this metric takes a plain number, not \"" + unit + "\"");
        expr.value = number;
        return;
      case ThresholdUnit::duration: expr.value = number * unit_to_ms(unit, expr.aggregation); return;
    }
  }

  double bytes_per(const std::string& unit) const {
    const auto v = parse_bytes("1" + unit);
    if (!v) fail("unknown size unit \"" + unit + "\" (expected B, Ki, Mi, Gi, Ti, k, M, G, T, kB, MB, GB or TB)");
    return *v;
  }

  // Milliseconds per unit; a bare number already is milliseconds (k6 trends are in ms).
  double unit_to_ms(const std::string& unit, const std::string& aggregation) const {
    if (unit.empty()) return 1.0;
    if (aggregation == "rate" || aggregation == "count") {
      fail("a " + aggregation + " takes a plain number, not a duration (\"" + unit + "\")");
    }
    if (unit == "us" || unit == "\xC2\xB5s") return 1e-3;
    if (unit == "ms") return 1.0;
    if (unit == "s") return 1e3;
    if (unit == "m") return 60e3;
    if (unit == "h") return 3600e3;
    fail("unknown unit \"" + unit + "\" (expected us, \xC2\xB5s, ms, s, m or h)");
  }

  std::string_view text_;     // the expression as given, for messages
  std::string_view rest_;     // what is left to parse
  std::string_view op_text_;  // the operator as written, for messages
  ThresholdUnit unit_;        // what a unit after the value means
};

bool valid_name(std::string_view s) {
  if (s.empty() || is_digit(s.front())) return false;
  for (char c : s) {
    if (!is_ident_char(c)) return false;
  }
  return true;
}

[[noreturn]] void bad_selector(std::string_view text, const std::string& reason) {
  throw Error("metric selector \"" + std::string(text) + "\": " + reason);
}

void parse_tags(std::string_view text, std::string_view inner, MetricSelector& out) {
  if (trim(inner).empty()) bad_selector(text, "empty tag list \"{}\" (expected {name:value,...})");
  while (true) {
    const auto comma = inner.find(',');
    const std::string_view part = trim(inner.substr(0, comma));
    if (part.empty()) bad_selector(text, "empty tag between commas");
    const auto colon = part.find(':');
    if (colon == std::string_view::npos) {
      bad_selector(text, "tag \"" + std::string(part) + "\" has no value (expected name:value)");
    }
    const std::string key(trim(part.substr(0, colon)));
    const std::string value(trim(part.substr(colon + 1)));
    if (key.empty()) bad_selector(text, "tag \"" + std::string(part) + "\" has no name (expected name:value)");
    if (!valid_name(key)) {
      bad_selector(text, "invalid tag name \"" + key + "\" (letters, digits and _ only)");
    }
    if (value.empty()) bad_selector(text, "tag \"" + key + "\" has an empty value");
    if (!out.tags.emplace(key, value).second) bad_selector(text, "tag \"" + key + "\" is given twice");
    if (comma == std::string_view::npos) break;
    inner = inner.substr(comma + 1);
  }
}

}  // namespace

const char* to_string(ThresholdExpr::Op op) {
  switch (op) {
    case ThresholdExpr::Op::lt: return "<";
    case ThresholdExpr::Op::le: return "<=";
    case ThresholdExpr::Op::gt: return ">";
    case ThresholdExpr::Op::ge: return ">=";
    case ThresholdExpr::Op::eq: return "==";
    case ThresholdExpr::Op::ne: return "!=";
  }
  return "?";
}

bool ThresholdExpr::passes(double observed) const {
  if (std::isnan(observed)) return false;
  switch (op) {
    case Op::lt: return observed < value;
    case Op::le: return observed <= value;
    case Op::gt: return observed > value;
    case Op::ge: return observed >= value;
    case Op::eq: return observed == value;
    case Op::ne: return observed != value;
  }
  return false;
}

ThresholdUnit threshold_unit(std::string_view metric) {
  if (metric == "target_memory_bytes") return ThresholdUnit::size;
  if (metric == "target_cpu_cores") return ThresholdUnit::plain;
  return ThresholdUnit::duration;
}

ThresholdExpr parse_threshold_expression(std::string_view text, ThresholdUnit unit) {
  return ExprParser(text, unit).parse();
}

MetricSelector parse_metric_selector(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) bad_selector(text, "empty metric selector");
  MetricSelector out;
  const auto open = s.find('{');
  const std::string_view metric = trim(s.substr(0, open));
  if (metric.empty()) bad_selector(text, "missing metric name before \"{\"");
  if (metric.find('}') != std::string_view::npos) bad_selector(text, "\"}\" without a matching \"{\"");
  if (!valid_name(metric)) {
    bad_selector(text, "invalid metric name \"" + std::string(metric) +
                           "\" (letters, digits and _ only, not starting with a digit)");
  }
  out.metric = std::string(metric);
  out.key = out.metric;
  if (open == std::string_view::npos) return out;
  if (s.back() != '}') bad_selector(text, "missing closing \"}\"");
  const std::string_view inner = s.substr(open + 1, s.size() - open - 2);
  if (inner.find_first_of("{}") != std::string_view::npos) bad_selector(text, "unbalanced or nested braces");
  parse_tags(text, inner, out);
  out.key += "{";
  for (const auto& [k, v] : out.tags) out.key += (out.key.back() == '{' ? "" : ",") + k + ":" + v;
  out.key += "}";
  return out;
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const AggregateLookup& lookup) {
  std::vector<ThresholdResult> out;
  out.reserve(thresholds.size());
  for (const auto& t : thresholds) {
    ThresholdResult r;
    r.threshold = &t;
    r.observed = lookup(t.selector, t.expr);
    r.ok = r.observed.has_value() && t.expr.passes(*r.observed);
    out.push_back(r);
  }
  return out;
}

}  // namespace perfval::loadgen
