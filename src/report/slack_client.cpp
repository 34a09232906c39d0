// Slack webhook posts: retry policy, Retry-After, webhook URL from a Secret file or the environment, redaction.
#include "perfval/report/slack_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <thread>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"
#include "perfval/http/simple_client.hpp"
#include "perfval/http/url.hpp"

namespace perfval::report {

namespace {

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// Retry-After in whole seconds (Slack sends seconds); nullopt for an HTTP date or garbage.
std::optional<std::chrono::milliseconds> retry_after(const http::ClientResponse& r) {
  const auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return std::nullopt;
  const std::string v = trim(it->second);
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return std::chrono::milliseconds(std::stoll(v) * 1000);
}

struct Attempt {
  bool done = false;   // success, or a failure retrying cannot fix
  std::optional<std::chrono::milliseconds> wait;  // server-requested wait (Retry-After)
};

Attempt post_once(const std::string& url, const std::string& payload, const SlackOptions& o, SlackPostResult& result) {
  http::ClientOptions co;
  co.ca_file = o.ca_file;
  co.verify_tls = o.verify_tls;
  co.timeout = o.timeout;
  co.max_body_bytes = 64 * 1024;
  ++result.attempts;
  try {
    const auto r = http::http_request("POST", url, payload, {{"Content-Type", "application/json; charset=utf-8"}}, co);
    result.status = r.status;
    if (r.status >= 200 && r.status < 300) {
      result.ok = true, result.error.clear();
      return {true, std::nullopt};
    }
    result.error = "Slack answered HTTP " + std::to_string(r.status) + ": " + redact(r.body.substr(0, 200), url);
    if (r.status == 429) return {false, retry_after(r)};
    return {r.status < 500, std::nullopt};  // other 4xx: the payload or webhook is wrong; retrying will not help
  } catch (const http::HttpError& e) {
    result.status = 0;
    result.error = "cannot post to Slack (" + e.kind() + "): " + redact(e.what(), url);
    return {e.kind() == "tls" || e.kind() == "url", std::nullopt};
  }
}

}  // namespace

std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  std::vector<std::string> needles{secret};
  if (const auto u = http::parse_url(secret); u && u->target.size() > 1) needles.push_back(u->target);
  for (const auto& n : needles)
    for (std::size_t at = text.find(n); at != std::string::npos; at = text.find(n, at))
      text.replace(at, n.size(), "[redacted]");
  return text;
}

SlackPostResult post_to_slack(const std::string& webhook_url, const std::string& payload_json,
                              const SlackOptions& options) {
  SlackPostResult result;
  const auto sleep = options.sleep ? options.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  std::chrono::milliseconds backoff = options.first_backoff;
  const int attempts = std::max(1, options.max_attempts);
  for (int i = 1; i <= attempts; ++i) {
    const Attempt a = post_once(webhook_url, payload_json, options, result);
    if (a.done || i == attempts) break;
    const auto wait = std::min(a.wait.value_or(backoff), options.max_backoff);
    result.waits.push_back(wait);
    sleep(wait);
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  if (!result.ok && result.error.empty()) result.error = "Slack post failed";
  if (!result.ok) result.error += " (after " + std::to_string(result.attempts) + " attempts)";
  return result;
}

std::string slack_webhook_url(const std::string& webhook_file) {
  std::string url;
  std::string from;
  if (!webhook_file.empty()) {
    url = trim(read_file(webhook_file));
    from = "--slack-webhook-file " + webhook_file;
  } else if (const char* env = std::getenv("SLACK_WEBHOOK_URL"); env && *env) {
    url = trim(env);
    from = "SLACK_WEBHOOK_URL";
  } else {
    throw Error("--slack: no webhook URL: set SLACK_WEBHOOK_URL or give --slack-webhook-file PATH");
  }
  std::string why;
  const auto parsed = http::parse_url(url, &why);
  if (!parsed) throw Error(from + ": not a valid webhook URL (" + redact(why, url) + ")");
  if (parsed->scheme != "https" && !parsed->is_loopback())
    throw Error(from + ": the webhook URL must use https (the URL is a secret)");
  return url;
}

}  // namespace perfval::report
