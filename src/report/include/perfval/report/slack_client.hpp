// Posting a message to a Slack incoming webhook: HTTPS with verification, retries with backoff, Retry-After,
// and a webhook URL that never appears in any output.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace perfval::report {

struct SlackOptions {
  std::string ca_file;                                  // PEM bundle for private CAs ("" = system store)
  bool verify_tls = true;                               // verify certificate and host name
  int max_attempts = 4;                                 // posts in total, first try included
  std::chrono::milliseconds first_backoff{1000};        // wait before the 2nd try; doubles each retry
  std::chrono::milliseconds max_backoff{30000};         // cap on any wait, Retry-After included
  std::chrono::milliseconds timeout{10000};             // per attempt: connect, TLS, write, read
  std::function<void(std::chrono::milliseconds)> sleep;  // how to wait (tests record instead); default sleeps
};

struct SlackPostResult {
  bool ok = false;                               // Slack answered 2xx
  int attempts = 0;                              // posts made
  unsigned status = 0;                           // last HTTP status (0: no response)
  std::string error;                             // why it failed, with the webhook URL redacted
  std::vector<std::chrono::milliseconds> waits;  // the wait before each retry
};

// Posts `payload_json` to the webhook. Retries transport errors, 429 (waiting Retry-After seconds when
// given) and 5xx; not other 4xx and not certificate failures. Never throws for I/O; never logs the URL.
SlackPostResult post_to_slack(const std::string& webhook_url, const std::string& payload_json,
                              const SlackOptions& options = {});

// The webhook URL from `webhook_file` (a mounted Kubernetes Secret; trimmed) when given, else from the
// environment variable SLACK_WEBHOOK_URL. Throws perfval::Error (without the URL) when neither gives a
// valid https URL.
std::string slack_webhook_url(const std::string& webhook_file);

// `text` with every occurrence of `secret` (and of its path part) replaced by "[redacted]".
std::string redact(std::string text, const std::string& secret);

}  // namespace perfval::report
