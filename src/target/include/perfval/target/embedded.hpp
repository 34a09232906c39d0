// The embedded target as an object: `perfval serve` runs one, and a scenario with `target: embedded` starts one
// in-process on a free loopback port.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "perfval/target/options.hpp"

namespace perfval::target {

class EmbeddedTarget {
 public:
  explicit EmbeddedTarget(ServeOptions options);
  ~EmbeddedTarget();  // stops
  EmbeddedTarget(const EmbeddedTarget&) = delete;
  EmbeddedTarget& operator=(const EmbeddedTarget&) = delete;

  void start();                       // throws perfval::Error when it cannot listen
  void stop();                        // idempotent
  std::uint16_t port() const;         // bound port, after start()
  std::string base_url() const;       // "http://127.0.0.1:PORT"
  std::uint64_t requests_served() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace perfval::target
