// Evaluates a request's compiled checks on one response: status, header globs, body substrings and regexes,
// JSON pointers, body size and Prometheus exposition content.
#include <charconv>
#include <cmath>

#include "checks_internal.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/prom_text.hpp"
#include "perfval/http/response_parser.hpp"

namespace perfval::loadgen {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string shorten(std::string_view text, std::size_t max = 80) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

std::string eval_status(const Check& c, const ResponseView& r) {
  for (unsigned s : c.statuses) {
    if (s == r.status) return {};
  }
  return "status " + std::to_string(r.status) + ", expected " + c.expected;
}

std::string eval_headers(const Check& c, const ResponseView& r) {
  const http::ResponseCapture& cap = *r.capture;
  for (const auto& h : c.headers) {
    bool present = false;
    bool matched = false;
    std::string_view last;
    for (std::size_t i = 0; i < cap.field_count() && !matched; ++i) {
      if (!iequals(cap.name(i), h.name)) continue;
      present = true;
      last = cap.value(i);
      matched = glob_match(h.pattern, last);
    }
    if (matched) continue;
    if (!present) return "header " + h.name + " missing";
    return "header " + h.name + " is \"" + shorten(last) + "\", expected \"" + h.as_written + "\"";
  }
  return {};
}

std::string eval_json(const Check& c, std::string_view body) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception& e) {
    std::string why = e.what();
    const std::size_t bracket = why.find("] ");
    return "body is not JSON: " + (bracket == std::string::npos ? why : why.substr(bracket + 2));
  }
  for (const auto& x : c.json) {
    const bool present = doc.contains(x.pointer);
    if (x.exists) {
      if (present != *x.exists) return x.pointer_text + (present ? " exists, expected it not to" : " missing");
      continue;
    }
    if (!present) return x.pointer_text + " missing";
    const nlohmann::json& v = doc.at(x.pointer);
    bool same = false;
    if (v.is_string()) {
      same = v.get_ref<const std::string&>() == x.value;
    } else if (x.quoted) {
      same = false;
    } else if (v.is_boolean()) {
      same = (x.value == "true" && v.get<bool>()) || (x.value == "false" && !v.get<bool>());
    } else if (v.is_null()) {
      same = x.value == "null" || x.value == "~" || x.value.empty();
    } else if (v.is_number()) {
      double want = 0;
      const auto [end, ec] = std::from_chars(x.value.data(), x.value.data() + x.value.size(), want);
      same = ec == std::errc() && end == x.value.data() + x.value.size() && v.get<double>() == want;
    }
    if (!same) return x.pointer_text + " is " + shorten(v.dump()) + ", expected " + x.as_written;
  }
  return {};
}

// Which sample names belong to a family: the name itself, plus the suffixes its TYPE gives it.
bool in_family(std::string_view sample, std::string_view family, std::string_view type) {
  if (sample == family) return true;
  if (sample.size() <= family.size() || sample.compare(0, family.size(), family) != 0) return false;
  const std::string_view suffix = sample.substr(family.size());
  if (type == "histogram") return suffix == "_bucket" || suffix == "_sum" || suffix == "_count" || suffix == "_created";
  if (type == "summary") return suffix == "_sum" || suffix == "_count" || suffix == "_created";
  if (type == "counter") return suffix == "_total" || suffix == "_created";
  return false;
}

std::string eval_prometheus(const Check& c, std::string_view body) {
  struct Tracked {
    std::string_view family;  // views into the check, valid for the call
    std::string_view type = "untyped";
    std::uint64_t series = 0;
  };
  std::vector<Tracked> tracked;
  for (const auto& f : c.families) tracked.push_back({f});
  for (const auto& m : c.min_series) tracked.push_back({m.family});
  try {
    parse_prometheus_text(
        body,
        [&tracked](const PromSample& s) {
          for (auto& t : tracked) t.series += in_family(s.name, t.family, t.type) ? 1 : 0;
        },
        [&tracked](std::string_view family, std::string_view type) {
          for (auto& t : tracked) {
            if (t.family == family) t.type = type;
          }
        });
  } catch (const Error& e) {
    return std::string("invalid Prometheus text: ") + e.what();
  }
  for (std::size_t i = 0; i < c.families.size(); ++i) {
    if (tracked[i].series == 0) return "family " + c.families[i] + " missing";
  }
  for (std::size_t i = 0; i < c.min_series.size(); ++i) {
    const auto& t = tracked[c.families.size() + i];
    if (t.series < c.min_series[i].min) {
      return c.min_series[i].family + " has " + std::to_string(t.series) + " series, expected at least " +
             std::to_string(c.min_series[i].min);
    }
  }
  return {};
}

std::string eval_body(const Check& c, const ResponseView& r) {
  if (!r.has_body) return "the response has no body";
  if (c.kind == CheckKind::body_size) {
    if (c.min_size && r.body_bytes < *c.min_size) {
      return "body is " + std::to_string(r.body_bytes) + " bytes, expected at least " + std::to_string(*c.min_size);
    }
    if (c.max_size && r.body_bytes > *c.max_size) {
      return "body is " + std::to_string(r.body_bytes) + " bytes, expected at most " + std::to_string(*c.max_size);
    }
    return {};
  }
  if (!r.capture) return "the body was not kept for checks";
  if (r.capture->body_truncated) {
    return "body larger than the " + std::to_string(r.capture->max_body >> 20) + " MiB kept for checks";
  }
  const std::string_view body = r.capture->body;
  switch (c.kind) {
    case CheckKind::body_contains:
      for (std::size_t i = 0; i < c.needles.size(); ++i) {
        if (body.find(c.needles[i]) == std::string_view::npos) {
          return "body does not contain \"" + c.needles_written[i] + "\"";
        }
      }
      return {};
    case CheckKind::body_matches:
      for (const auto& re : c.regexes) {
        try {
          if (!boost::regex_search(body.begin(), body.end(), re.regex)) return "body does not match /" + re.as_written + "/";
        } catch (const std::runtime_error& e) {  // Boost.Regex gives up on pathological backtracking
          return "body_matches /" + re.as_written + "/ gave up: " + e.what();
        }
      }
      return {};
    case CheckKind::json: return eval_json(c, body);
    case CheckKind::prometheus: return eval_prometheus(c, body);
    default: return {};
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point (the last '*'): linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const char* to_string(CheckKind kind) {
  switch (kind) {
    case CheckKind::status: return "status";
    case CheckKind::header: return "header";
    case CheckKind::body_contains: return "body_contains";
    case CheckKind::body_matches: return "body_matches";
    case CheckKind::json: return "json";
    case CheckKind::body_size: return "body_size";
    case CheckKind::prometheus: return "prometheus";
  }
  return "check";
}

const std::vector<std::string>& check_kind_names() {
  static const std::vector<std::string> names = {"status", "header", "body_contains", "body_matches",
                                                 "json", "body_size", "prometheus"};
  return names;
}

RequestChecks::RequestChecks(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

std::size_t RequestChecks::size() const { return compiled_ ? compiled_->checks.size() : 0; }
CheckKind RequestChecks::kind(std::size_t i) const { return compiled_->checks.at(i).kind; }
const std::string& RequestChecks::description(std::size_t i) const { return compiled_->checks.at(i).description; }
bool RequestChecks::needs_headers() const { return compiled_ && compiled_->needs_headers; }
bool RequestChecks::needs_body() const { return compiled_ && compiled_->needs_body; }

void RequestChecks::evaluate(const ResponseView& response, std::vector<CheckResult>& results) const {
  results.resize(size());
  for (std::size_t i = 0; i < size(); ++i) {
    const Check& c = compiled_->checks[i];
    CheckResult& out = results[i];
    out.message.clear();
    if (c.kind == CheckKind::status) {
      out.message = eval_status(c, response);
    } else if (c.kind == CheckKind::header) {
      out.message = response.capture ? eval_headers(c, response) : "the headers were not kept for checks";
    } else {
      out.message = eval_body(c, response);
    }
    out.passed = out.message.empty();
  }
}

}  // namespace perfval::loadgen
