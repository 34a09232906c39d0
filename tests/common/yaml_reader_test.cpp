// Tests for YamlValue: every error a scenario author can cause names the file, line, column and field.
#include "perfval/common/yaml_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/error.hpp"

namespace perfval {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

const char* const kScenario =
    "scenario:\n"           // line 1
    "  name: smoke\n"       // line 2
    "  durration: 5s\n"     // line 3
    "  vus: ten\n"          // line 4
    "  rate:\n"             // line 5
    "  stages: [1, 2]\n"    // line 6
    "  ratio: 12%\n";       // line 7

YamlValue scenario() { return YamlValue::load_string(kScenario, "s.yaml").require("scenario"); }

TEST(YamlValue, SyntaxErrorNamesFileLineAndColumn) {
  const std::string msg = error_of([] { YamlValue::load_string("a: 1\nb: [1, 2\n", "bad.yaml"); });
  EXPECT_THAT(msg, StartsWith("bad.yaml:3:1: "));
  EXPECT_THAT(msg, HasSubstr("YAML syntax error"));
  EXPECT_THAT(error_of([] { YamlValue::load_string("a: 1\n  b: 2\n", "i.yaml"); }), StartsWith("i.yaml:2:4: "));
}

TEST(YamlValue, UnknownKeyNamesItsLineAndColumnAndSuggests) {
  const std::string msg = error_of([] { scenario().check_keys({"name", "duration", "vus", "rate", "stages", "ratio"}); });
  EXPECT_EQ(msg, "s.yaml:3:3: scenario.durration: unknown key \"durration\" (did you mean \"duration\"?)");
}

TEST(YamlValue, UnknownKeyWithoutLikelyTypoHasNoSuggestion) {
  const auto v = YamlValue::load_string("zebra: 1\n", "z.yaml");
  EXPECT_EQ(error_of([&] { v.check_keys({"duration"}); }), "z.yaml:1:1: zebra: unknown key \"zebra\"");
}

TEST(YamlValue, DuplicateKeyIsRejected) {
  const auto v = YamlValue::load_string("vus: 1\nduration: 5s\nvus: 50\n", "d.yaml");
  EXPECT_EQ(error_of([&] { v.check_keys({"vus", "duration"}); }),
            "d.yaml:3:1: vus: duplicate key (first given on line 1)");
}

TEST(YamlValue, WrongTypeNamesField) {
  const auto s = scenario();
  EXPECT_EQ(error_of([&] { s.require("vus").as_int(); }), "s.yaml:4:8: scenario.vus: expected an integer, got \"ten\"");
  EXPECT_EQ(error_of([&] { s.require("name").as_duration(); }),
            "s.yaml:2:9: scenario.name: expected a duration such as 30s, 1m30s or 500ms, got \"smoke\"");
  EXPECT_THAT(error_of([&] { s.require("stages").as_string(); }), HasSubstr("scenario.stages: expected a string, got a list"));
  EXPECT_THAT(error_of([&] { s.require("name").items(); }), HasSubstr("scenario.name: expected a list"));
  EXPECT_THAT(error_of([&] { s.require("name").as_bool(); }), HasSubstr("scenario.name: expected true or false"));
  EXPECT_THAT(error_of([&] { s.require("name").entries(); }), HasSubstr("expected a mapping"));
}

TEST(YamlValue, MissingRequiredFieldNamesIt) {
  const auto s = scenario();
  EXPECT_EQ(error_of([&] { s.require("target"); }), "s.yaml:2:3: scenario.target: required field is missing");
  // A key with no value counts as missing too.
  EXPECT_THAT(error_of([&] { s.require("rate"); }), HasSubstr("scenario.rate: required field is missing"));
}

TEST(YamlValue, TypedAccess) {
  const auto v = YamlValue::load_string(
      "n: 42\nd: 1.5\nb: yes\nt: 1m30s\nsize: 512Mi\npct: 12.5%\nlist: [a, b]\nm: {x: 1}\n", "t.yaml");
  EXPECT_EQ(v.require("n").as_int(), 42);
  EXPECT_EQ(v.require("n").as_positive_int(), 42);
  EXPECT_DOUBLE_EQ(v.require("d").as_double(), 1.5);
  EXPECT_TRUE(v.require("b").as_bool());
  EXPECT_EQ(v.require("t").as_duration(), std::chrono::seconds(90));
  EXPECT_DOUBLE_EQ(v.require("size").as_bytes(), 512.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(v.require("pct").as_percent(), 12.5);
  EXPECT_DOUBLE_EQ(v.require("n").as_percent(), 42);
  const auto items = v.require("list").items();
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[1].as_string(), "b");
  EXPECT_EQ(items[1].field(), "list[1]");
  const auto entries = v.require("m").entries();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].first, "x");
  EXPECT_EQ(entries[0].second.field(), "m.x");
  EXPECT_TRUE(v.has("n"));
  EXPECT_FALSE(v.has("nope"));
  EXPECT_FALSE(v.get("nope").has_value());
}

TEST(YamlValue, RangeChecksNameTheField) {
  const auto v = YamlValue::load_string("zero: 0\nneg: -3\nnone: 0s\n", "r.yaml");
  EXPECT_EQ(error_of([&] { v.require("zero").as_positive_int(); }), "r.yaml:1:7: zero: must be greater than zero, got 0");
  EXPECT_THAT(error_of([&] { v.require("neg").as_nonnegative_int(); }), HasSubstr("neg: must not be negative"));
  EXPECT_THAT(error_of([&] { v.require("none").as_positive_duration(); }), HasSubstr("none: must be greater than zero"));
  EXPECT_THAT(error_of([&] { v.require("zero").as_positive_double(); }), HasSubstr("zero: must be greater than zero"));
}

TEST(YamlValue, LoadFileReadsAndReportsMissingFile) {
  const std::string dir = ::testing::TempDir() + "perfval_yaml_test";
  const std::string path = dir + "/scenario.yaml";
  write_file_atomic(path, "vus: 3\n");
  EXPECT_EQ(YamlValue::load_file(path).require("vus").as_int(), 3);
  EXPECT_EQ(YamlValue::load_file(path).file(), path);
  const std::string missing = dir + "/missing.yaml";
  EXPECT_THAT(error_of([&] { YamlValue::load_file(missing); }), StartsWith(missing + ": "));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfval
