// Tests for edit distance and "did you mean" suggestions on misspelled keys and options.
#include "perfval/common/did_you_mean.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perfval {
namespace {

const std::vector<std::string> kKeys = {"duration", "vus", "executor", "thresholds", "stages"};

TEST(EditDistance, CountsEditsIncludingTranspositions) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("abc", ""), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("duration", "duraiton"), 1U);  // adjacent swap counts once
  EXPECT_EQ(edit_distance("VUs", "vus"), 0U);            // case-insensitive
  EXPECT_EQ(edit_distance("Ab", "ba"), 1U);              // transposition is case-insensitive too
}

TEST(DidYouMean, FindsTypos) {
  EXPECT_EQ(did_you_mean("duraton", kKeys), "duration");
  EXPECT_EQ(did_you_mean("threshold", kKeys), "thresholds");
  EXPECT_EQ(did_you_mean("executer", kKeys), "executor");
  EXPECT_EQ(did_you_mean("vu", kKeys), "vus");
  EXPECT_EQ(did_you_mean("stgaes", kKeys), "stages");
}

TEST(DidYouMean, IgnoresUnrelatedWords) {
  EXPECT_FALSE(did_you_mean("banana", kKeys).has_value());
  EXPECT_FALSE(did_you_mean("x", kKeys).has_value());
  EXPECT_FALSE(did_you_mean("duration", {}).has_value());
}

TEST(DidYouMean, SuffixIsReadyToAppend) {
  EXPECT_EQ(did_you_mean_suffix("duraton", kKeys), " (did you mean \"duration\"?)");
  EXPECT_EQ(did_you_mean_suffix("banana", kKeys), "");
}

}  // namespace
}  // namespace perfval
