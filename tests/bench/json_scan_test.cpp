// SAX scanning of SLURM REST payloads: the counts match a DOM walk, and syntax errors name the byte offset.
#include "perfval/bench/json_scan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "perfval/common/error.hpp"
#include "perfval/target/slurm_api.hpp"

namespace perfval::bench {
namespace {

void walk(const nlohmann::json& j, JsonShape& s, std::size_t depth) {
  if (j.is_object() || j.is_array()) {
    (j.is_object() ? s.objects : s.arrays) += 1;
    s.max_depth = std::max(s.max_depth, depth + 1);
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (j.is_object()) ++s.keys;
      walk(*it, s, depth + 1);
    }
  } else if (j.is_string()) {
    ++s.strings;
  } else if (j.is_number()) {
    ++s.numbers;
  } else {
    ++s.literals;
  }
}

TEST(JsonScan, CountsMatchADomWalkOfTheNodesPayload) {
  target::ClusterOptions options;
  options.nodes = 40;
  target::Cluster cluster(options);
  const std::string body = target::render_nodes_json(cluster.snapshot());
  JsonShape expected;
  walk(nlohmann::json::parse(body), expected, 0);
  const JsonShape got = scan_json(body);
  EXPECT_EQ(got.objects, expected.objects);
  EXPECT_EQ(got.arrays, expected.arrays);
  EXPECT_EQ(got.keys, expected.keys);
  EXPECT_EQ(got.strings, expected.strings);
  EXPECT_EQ(got.numbers, expected.numbers);
  EXPECT_EQ(got.literals, expected.literals);
  EXPECT_EQ(got.max_depth, expected.max_depth);
  EXPECT_GT(got.objects, 40u);  // one object per node at least
}

TEST(JsonScan, SyntaxErrorNamesTheOffset) {
  try {
    scan_json("{\"a\": [1, 2,, 3]}");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("json:13:"));
  }
}

}  // namespace
}  // namespace perfval::bench
