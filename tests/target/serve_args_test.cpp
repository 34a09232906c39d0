// Tests of `perfval serve` flag handling: accepted spellings become options, bad values name the option.
#include "perfval/target/serve_args.hpp"

#include <gtest/gtest.h>

#include "perfval/common/error.hpp"

namespace perfval::target {
namespace {

ServeOptions parse(const std::vector<std::string>& args) {
  return serve_options_from_args(serve_arg_parser().parse(args));
}

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  return "no error";
}

TEST(ServeArgs, DefaultsListenOnLoopback8080) {
  const ServeOptions o = parse({});
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.nodes, 100);
  EXPECT_EQ(o.threads, 0);
  EXPECT_EQ(o.error_rate, 0.0);
  EXPECT_EQ(o.latency.kind, LatencySpec::Kind::none);
}

TEST(ServeArgs, ReadsEveryFlag) {
  const ServeOptions o = parse({"--listen", "127.0.0.1:0", "--nodes=1000", "--threads", "3", "--latency",
                                "uniform:10ms-50ms", "--error-rate", "0.05", "--stall", "500ms/5s", "--seed", "9"});
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.nodes, 1000);
  EXPECT_EQ(o.threads, 3);
  EXPECT_EQ(o.latency.kind, LatencySpec::Kind::uniform);
  EXPECT_DOUBLE_EQ(o.error_rate, 0.05);
  EXPECT_EQ(o.stall.period, std::chrono::seconds(5));
  EXPECT_EQ(o.seed, 9u);
  EXPECT_DOUBLE_EQ(parse({"--error-rate", "5%"}).error_rate, 0.05);
}

TEST(ServeArgs, ListenAddressSpellings) {
  EXPECT_EQ(parse_listen_address(":9341").host, "0.0.0.0");
  EXPECT_EQ(parse_listen_address(":9341").port, 9341);
  EXPECT_EQ(parse_listen_address("[::1]:80").host, "::1");
  EXPECT_EQ(parse_listen_address("localhost:0").host, "localhost");
  EXPECT_EQ(parse_listen_address("0.0.0.0:65535").port, 65535);
}

TEST(ServeArgs, BadValuesNameTheOption) {
  EXPECT_NE(error_of({"--listen", "8080"}).find("--listen"), std::string::npos);
  EXPECT_NE(error_of({"--listen", "127.0.0.1:70000"}).find("--listen"), std::string::npos);
  EXPECT_NE(error_of({"--listen", "::1:80"}).find("brackets"), std::string::npos);
  EXPECT_NE(error_of({"--nodes", "0"}).find("--nodes: must be between 1"), std::string::npos);
  EXPECT_NE(error_of({"--nodes", "ten"}).find("--nodes"), std::string::npos);
  EXPECT_NE(error_of({"--threads", "-1"}).find("--threads"), std::string::npos);
  EXPECT_NE(error_of({"--error-rate", "1.5"}).find("--error-rate"), std::string::npos);
  EXPECT_NE(error_of({"--latency", "fast"}).find("--latency: cannot read \"fast\""), std::string::npos);
  EXPECT_NE(error_of({"--stall", "5s/500ms"}).find("--stall"), std::string::npos);
  EXPECT_NE(error_of({"--seed", "-3"}).find("--seed"), std::string::npos);
  EXPECT_NE(error_of({"--nodez", "5"}).find("--nodes"), std::string::npos) << "did-you-mean";
  EXPECT_NE(error_of({"extra"}).find("unexpected argument"), std::string::npos);
}

}  // namespace
}  // namespace perfval::target
