// `perfval serve` command-line options: declared once, turned into ServeOptions with errors naming the option.
#pragma once

#include <cstdint>
#include <string>

#include "perfval/common/args.hpp"
#include "perfval/target/options.hpp"

namespace perfval::target {

struct ListenAddress {
  std::string host;        // IP literal or name; "0.0.0.0" for ":PORT"
  std::uint16_t port = 0;  // 0 picks a free port
};

// "127.0.0.1:8080", "[::1]:9000", "localhost:0", ":8080" (all interfaces). Throws Error naming --listen.
ListenAddress parse_listen_address(const std::string& text);

ArgParser serve_arg_parser();
// Throws Error (exit code 2) naming the offending option.
ServeOptions serve_options_from_args(const ParsedArgs& args);

}  // namespace perfval::target
