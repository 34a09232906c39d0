// JSON parsing without a DOM (nlohmann SAX): the throughput ceiling for reading SLURM REST payloads.
#pragma once

#include <cstddef>
#include <string_view>

namespace perfval::bench {

struct JsonShape {
  std::size_t objects = 0;   // '{' opened
  std::size_t arrays = 0;    // '[' opened
  std::size_t keys = 0;      // object member names
  std::size_t strings = 0;   // string values
  std::size_t numbers = 0;   // integer, unsigned and floating values
  std::size_t literals = 0;  // true, false, null
  std::size_t max_depth = 0; // deepest nesting

  std::size_t values() const { return objects + arrays + strings + numbers + literals; }
};

// Throws perfval::Error "json:BYTE: ..." naming the byte offset of the first syntax error.
JsonShape scan_json(std::string_view text);

}  // namespace perfval::bench
