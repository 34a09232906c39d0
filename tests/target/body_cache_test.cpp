// Tests that cached bodies are rebuilt at most once per interval and readers always get a body.
#include "perfval/target/body_cache.hpp"

#include <gtest/gtest.h>

namespace perfval::target {
namespace {

using std::chrono::milliseconds;

TEST(BodyCache, AsksForOneRebuildPerIntervalAndServesTheOldBodyMeanwhile) {
  int built = 0;
  BodyCache cache([&] { return "body " + std::to_string(++built); }, std::chrono::seconds(1));
  bool wants = false;
  EXPECT_EQ(cache.get(milliseconds(0), &wants), nullptr);
  EXPECT_TRUE(cache.rebuild_requested());
  cache.rebuild(milliseconds(0));
  EXPECT_EQ(*cache.get(milliseconds(10), &wants), "body 1");
  EXPECT_FALSE(wants);
  EXPECT_EQ(*cache.get(milliseconds(999), &wants), "body 1");
  EXPECT_FALSE(wants);
  EXPECT_EQ(*cache.get(milliseconds(1000), &wants), "body 1");  // stale but still served
  EXPECT_TRUE(wants);
  EXPECT_EQ(*cache.get(milliseconds(1001), &wants), "body 1");
  EXPECT_FALSE(wants) << "only the first reader of a stale body asks";
  const auto old = cache.get(milliseconds(1002), &wants);
  cache.rebuild(milliseconds(1005));
  EXPECT_EQ(*old, "body 1") << "a reader keeps the body it got";
  EXPECT_EQ(*cache.get(milliseconds(1500), &wants), "body 2");
  EXPECT_FALSE(wants);
  EXPECT_EQ(cache.builds(), 2u);
  EXPECT_EQ(built, 2);
}

}  // namespace
}  // namespace perfval::target
