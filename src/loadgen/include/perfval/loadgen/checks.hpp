// Response checks with k6's check() semantics: a request's `checks:` block (docs/scenarios.md#checks),
// compiled once when the scenario is read (regexes, JSON pointers), evaluated on each response.
//
// How the engine calls it (phase 2 of issue 12):
//  - At prepare time, per request with checks: a VU that sends it attaches an http::ResponseCapture to its
//    parser with keep_headers = needs_headers() and keep_body = needs_body(). Requests without checks, or
//    with only status/body_size checks, keep nothing: body_size reads the parser's body_bytes().
//  - On each complete response: evaluate(view, results) with the VU's reused results vector; each result
//    counts into the `checks` Rate and `checks{check:REQUEST.NAME}` (name(i) is the kind, e.g. "status").
//    A failed check does not make the request failed (http_req_failed); the first failure's message is an
//    error example. A response that never arrived (timeout, connection error) is not checked at all.
//  - The pass path allocates nothing; messages are built only for failures.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perfval/common/yaml_reader.hpp"

namespace perfval::http {
struct ResponseCapture;
}

namespace perfval::loadgen {

enum class CheckKind : std::uint8_t { status, header, body_contains, body_matches, json, body_size, prometheus };
const char* to_string(CheckKind kind);             // the YAML key, e.g. "body_contains"
const std::vector<std::string>& check_kind_names();  // every key, in documentation order

// What a check sees of one response.
struct ResponseView {
  unsigned status = 0;                            // status code of the final response
  bool has_body = true;                           // false for HEAD, 204, 304, 101 (parser has_body())
  std::uint64_t body_bytes = 0;                   // body size in bytes, whether kept or not
  const http::ResponseCapture* capture = nullptr;  // kept header fields / body, as needs_*() asked; may be null
};

struct CheckResult {
  bool passed = false;
  std::string message;  // why it failed ("status 503, expected 200"); empty when passed
};

// The checks of one request, in the order the file lists them. Cheap to copy (shared compiled state).
class RequestChecks {
 public:
  struct Compiled;  // defined in checks_internal.hpp
  RequestChecks() = default;
  explicit RequestChecks(std::shared_ptr<const Compiled> compiled);

  bool empty() const { return size() == 0; }
  std::size_t size() const;
  CheckKind kind(std::size_t i) const;
  const char* name(std::size_t i) const { return to_string(kind(i)); }  // tag value within the request
  const std::string& description(std::size_t i) const;  // for the console: "status is 200", as written
  bool needs_headers() const;   // a header check: keep header fields
  bool needs_body() const;      // body_contains, body_matches, json or prometheus: keep the body

  // Evaluates every check on `response`; results is resized to size() (reuse it: no allocation when all pass).
  void evaluate(const ResponseView& response, std::vector<CheckResult>& results) const;

 private:
  std::shared_ptr<const Compiled> compiled_;
};

// Reads a request's `checks:` mapping. Throws Error naming file:line:column and field for an unknown kind
// (with a did-you-mean), an invalid regex or JSON pointer, a status outside 100-599, min > max, ...
RequestChecks parse_checks(const YamlValue& node);

}  // namespace perfval::loadgen
