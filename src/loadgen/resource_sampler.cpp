// The resource sampler's thread and its three sources: a target's /metrics, a Prometheus server, /proc.
#include "resource_sampler.hpp"

#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "perfval/common/duration.hpp"
#include "perfval/common/format.hpp"
#include "perfval/common/proc_stat.hpp"
#include "perfval/http/simple_client.hpp"
#include "perfval/http/url.hpp"

namespace perfval::loadgen::detail {

namespace {

http::ClientOptions client_options(const ResourceConfig& c) {
  http::ClientOptions o;
  o.timeout = c.effective_timeout();
  o.verify_tls = c.verify_tls;
  o.ca_file = c.ca_file;
  return o;
}

// GET url; "" and the body on HTTP 200, else a short reason ("connect: Connection refused", "HTTP 503").
std::string fetch(const std::string& url, const http::ClientOptions& options, std::string& body) {
  try {
    auto r = http::http_request("GET", url, {}, {}, options);
    if (r.status != 200) return "HTTP " + std::to_string(r.status) + " from " + url;
    body = std::move(r.body);
    return {};
  } catch (const http::HttpError& e) {
    return e.kind() + ": " + e.what();
  }
}

// GET url's target over the Unix stream socket at `path` (Host from url), bounded by `timeout`; as fetch().
std::string fetch_unix(const std::string& path, const std::string& url, const http::ClientOptions& options,
                       std::string& body) {
  namespace bhttp = boost::beast::http;
  const auto parsed = http::parse_url(url);
  if (!parsed) return "url: cannot parse " + url;
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket socket(io);
  bhttp::request<bhttp::empty_body> request(bhttp::verb::get, parsed->target, 11);
  request.set(bhttp::field::host, parsed->host_header());
  request.set(bhttp::field::user_agent, "perfval/0.1");
  request.set(bhttp::field::connection, "close");
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> response;
  response.body_limit(options.max_body_bytes);
  const char* step = "connect";
  boost::system::error_code failure;
  bool done = false;
  socket.async_connect(path, [&](const boost::system::error_code& ec) {
    if (ec) return void(failure = ec);
    step = "write";
    bhttp::async_write(socket, request, [&](const boost::system::error_code& wec, std::size_t) {
      if (wec) return void(failure = wec);
      step = "read";
      bhttp::async_read(socket, buffer, response, [&](const boost::system::error_code& rec, std::size_t) {
        failure = rec;
        done = !rec;
      });
    });
  });
  io.run_for(options.timeout);
  const std::string where = "unix:" + path;
  if (failure) return std::string(step) + ": " + failure.message() + " (" + where + ")";
  if (!done) return "timeout: no answer from " + where + " within " + format_duration(options.timeout);
  const unsigned status = response.get().result_int();
  if (status != 200) return "HTTP " + std::to_string(status) + " from " + url + " via " + where;
  body = std::move(response.get().body());
  return {};
}

class MetricsUrlSource : public ResourceSource {
 public:
  explicit MetricsUrlSource(const ResourceConfig& c)
      : url_(c.url), unix_socket_(c.unix_socket), options_(client_options(c)) {}
  ResourceReading read() override {
    std::string body;
    const std::string error = unix_socket_.empty() ? fetch(url_, options_, body)
                                                   : fetch_unix(unix_socket_, url_, options_, body);
    if (!error.empty()) {
      ResourceReading r;
      r.error = error;
      return r;
    }
    return reading_from_exposition(body);
  }

 private:
  std::string url_;
  std::string unix_socket_;  // non-empty: the target's Unix socket, which serves `url_`'s path
  http::ClientOptions options_;
};

// Instant queries summed over the matched series (every pod of the target): memory as is, CPU as rate().
class PrometheusSource : public ResourceSource {
 public:
  explicit PrometheusSource(const ResourceConfig& c) : config_(c), options_(client_options(c)) {
    while (!config_.url.empty() && config_.url.back() == '/') config_.url.pop_back();
  }
  ResourceReading read() override {
    ResourceReading r;
    const std::string memory = config_.memory_metric + config_.selector;
    const std::string cpu = config_.cpu_metric + config_.selector;
    r.memory_bytes = query("sum(" + memory + ")", r.error);
    if (r.error.empty()) r.cpu_cores = query("sum(rate(" + cpu + "[" + format_duration(config_.rate_window) + "]))", r.error);
    if (!r.error.empty()) return r;
    if (!r.memory_bytes) r.missing.push_back(memory);
    if (!r.cpu_cores) r.missing.push_back("rate(" + cpu + ")");
    if (!r.memory_bytes && !r.cpu_cores) r.error = "prometheus " + config_.url + ": no series match " + memory + " or " + cpu;
    return r;
  }

 private:
  // The value of a one-element instant vector; nullopt when nothing matched; `error` set when the query failed.
  std::optional<double> query(const std::string& promql, std::string& error) {
    std::string body;
    error = fetch(config_.url + "/api/v1/query?query=" + percent_encode(promql), options_, body);
    if (!error.empty()) return std::nullopt;
    try {
      const auto doc = nlohmann::json::parse(body);
      if (doc.value("status", "") != "success") {
        error = "prometheus query " + promql + ": " + doc.value("error", std::string("failed"));
        return std::nullopt;
      }
      const auto& result = doc.at("data").at("result");
      if (result.empty()) return std::nullopt;
      return std::strtod(result.at(0).at("value").at(1).get<std::string>().c_str(), nullptr);
    } catch (const std::exception& e) {
      error = "prometheus query " + promql + ": unexpected answer (" + e.what() + ")";
      return std::nullopt;
    }
  }

  ResourceConfig config_;
  http::ClientOptions options_;
};

class PidSource : public ResourceSource {
 public:
  explicit PidSource(int pid) : pid_(pid) {}
  ResourceReading read() override {
    ResourceReading r;
    std::string why;
    const auto usage = read_process_usage(pid_, &why);
    if (!usage) {
      r.gone = true;
      r.error = why;
      return r;
    }
    r.memory_bytes = usage->resident_bytes;
    r.cpu_seconds = usage->cpu_seconds;
    return r;
  }

 private:
  int pid_;
};

}  // namespace

std::unique_ptr<ResourceSource> make_resource_source(const ResourceConfig& config) {
  switch (config.source) {
    case ResourceConfig::Source::metrics_url: return std::make_unique<MetricsUrlSource>(config);
    case ResourceConfig::Source::prometheus: return std::make_unique<PrometheusSource>(config);
    case ResourceConfig::Source::pid: return std::make_unique<PidSource>(config.pid);
  }
  return nullptr;
}

ResourceSampler::ResourceSampler(const ResourceConfig& config, Clock::time_point run_start, Deliver deliver)
    : source_(make_resource_source(config)), interval_(config.interval), run_start_(run_start),
      deliver_(std::move(deliver)) {}

ResourceSampler::~ResourceSampler() { stop(); }

void ResourceSampler::start() { thread_ = std::thread([this] { run(); }); }

void ResourceSampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ResourceSampler::run() {
  auto next = run_start_;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
    }
    ResourceReading r = source_->read();
    r.t = std::chrono::duration<double>(Clock::now() - run_start_).count();
    const bool gone = r.gone;
    deliver_(std::move(r));
    if (gone) return;
    const auto now = Clock::now();
    while (next <= now) next += interval_;
  }
}

}  // namespace perfval::loadgen::detail
