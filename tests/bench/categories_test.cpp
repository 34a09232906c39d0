// --category parsing as a user types it: lists, "all", suite order, typos with suggestions.
#include "perfval/bench/categories.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "perfval/common/error.hpp"

namespace perfval::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string error_of(std::string_view text) {
  try {
    parse_categories(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  return "";
}

TEST(Categories, AllMeansTheFourInSuiteOrder) {
  EXPECT_THAT(parse_categories("all"), ElementsAre("memory", "cpu", "network", "scalability"));
}

TEST(Categories, ListIsReorderedAndDeduplicated) {
  EXPECT_THAT(parse_categories("scalability,cpu,cpu"), ElementsAre("cpu", "scalability"));
}

TEST(Categories, TypoGetsSuggestion) {
  const std::string e = error_of("network,scalabilty");
  EXPECT_THAT(e, HasSubstr("unknown category \"scalabilty\""));
  EXPECT_THAT(e, HasSubstr("did you mean \"scalability\""));
}

TEST(Categories, EmptyNameIsRejected) {
  EXPECT_THAT(error_of("cpu,"), HasSubstr("empty category name"));
  EXPECT_THAT(error_of(""), HasSubstr("empty category name"));
}

TEST(Categories, CategoryOfBenchmarkName) {
  EXPECT_EQ(category_of("memory/allocation/mixed"), "memory");
  EXPECT_EQ(category_of("solo"), "solo");
}

TEST(Categories, FilterSelectsOnlyTheChosenPrefixes) {
  EXPECT_EQ(category_filter({"memory", "cpu"}), "^(memory|cpu)/");
}

}  // namespace
}  // namespace perfval::bench
