// Tests for ArgParser: the option syntax every subcommand shares, and its error messages.
#include "perfval/common/args.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "perfval/common/error.hpp"

namespace perfval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ArgParser run_parser() {
  ArgParser p("run", "[options] SCENARIO");
  p.option("out", "FILE", "write the summary here")
      .option("vus", "N", "virtual users")
      .option("tag", "K=V", "tag (repeatable)")
      .flag("quiet", "print less")
      .passthrough_prefix("--benchmark_");
  return p;
}

std::string error_of(const std::vector<std::string>& args) {
  try {
    run_parser().parse(args);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

TEST(ArgParser, ValuesInBothSpellings) {
  const auto a = run_parser().parse({"--out", "s.json", "--vus=10", "scenario.yaml"});
  EXPECT_EQ(a.get("out"), "s.json");
  EXPECT_EQ(a.get("vus"), "10");
  EXPECT_THAT(a.positionals, ElementsAre("scenario.yaml"));
  EXPECT_FALSE(a.has("quiet"));
  EXPECT_EQ(a.get_or("quiet", "no"), "no");
  EXPECT_FALSE(a.help);
}

TEST(ArgParser, InlineValueMayContainEqualsAndBeEmpty) {
  const auto a = run_parser().parse({"--tag=name=metrics", "--out="});
  EXPECT_EQ(a.get("tag"), "name=metrics");
  EXPECT_EQ(a.get("out"), "");
}

TEST(ArgParser, RepeatedOptionsKeepOrderAndLastWins) {
  const auto a = run_parser().parse({"--tag", "a=1", "--tag=b=2", "--vus", "1", "--vus", "5"});
  EXPECT_THAT(a.all("tag"), ElementsAre("a=1", "b=2"));
  EXPECT_EQ(a.get("vus"), "5");
  EXPECT_TRUE(a.all("out").empty());
}

TEST(ArgParser, Flags) {
  const auto a = run_parser().parse({"--quiet", "x"});
  EXPECT_TRUE(a.has("quiet"));
  EXPECT_THAT(a.positionals, ElementsAre("x"));
  EXPECT_THAT(error_of({"--quiet=yes"}), HasSubstr("option --quiet takes no value"));
}

TEST(ArgParser, UnknownOptionSuggests) {
  EXPECT_EQ(error_of({"--otu", "x"}), "perfval run: unknown option \"--otu\" (did you mean \"--out\"?)");
  const std::string unrelated = error_of({"--frobnicate"});
  EXPECT_THAT(unrelated, HasSubstr("unknown option \"--frobnicate\""));
  EXPECT_THAT(unrelated, ::testing::Not(HasSubstr("did you mean")));
  EXPECT_THAT(error_of({"-v"}), HasSubstr("unknown option \"-v\""));
}

TEST(ArgParser, MissingValue) {
  EXPECT_EQ(error_of({"--out"}), "perfval run: option --out needs a value (FILE)");
}

TEST(ArgParser, PassthroughPrefixIsCollectedVerbatim) {
  const auto a = run_parser().parse({"--benchmark_filter=BM_.*", "--quiet", "--benchmark_repetitions=3"});
  EXPECT_THAT(a.passthrough, ElementsAre("--benchmark_filter=BM_.*", "--benchmark_repetitions=3"));
  EXPECT_TRUE(a.has("quiet"));
}

TEST(ArgParser, DoubleDashEndsOptions) {
  const auto a = run_parser().parse({"--vus", "2", "--", "--out", "-x", "file"});
  EXPECT_EQ(a.get("vus"), "2");
  EXPECT_FALSE(a.has("out"));
  EXPECT_THAT(a.positionals, ElementsAre("--out", "-x", "file"));
}

TEST(ArgParser, HelpAndDashArePositionalOrHelp) {
  const auto a = run_parser().parse({"-", "-h"});
  EXPECT_TRUE(a.help);
  EXPECT_THAT(a.positionals, ElementsAre("-"));
  EXPECT_TRUE(run_parser().parse({"--help"}).help);
  const std::string help = run_parser().help();
  EXPECT_THAT(help, HasSubstr("usage: perfval run [options] SCENARIO"));
  EXPECT_THAT(help, HasSubstr("--out FILE"));
  EXPECT_THAT(help, HasSubstr("write the summary here"));
}

TEST(ArgParser, NumberArguments) {
  EXPECT_DOUBLE_EQ(parse_number_arg("rate", "2.5"), 2.5);
  EXPECT_EQ(parse_int_arg("vus", "12"), 12);
  try {
    parse_number_arg("rate", "fast");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "option --rate: expected a number, got \"fast\"");
  }
  EXPECT_THROW(parse_int_arg("vus", "1.5"), Error);
  EXPECT_THROW(parse_int_arg("vus", ""), Error);
  EXPECT_THROW(parse_number_arg("rate", "1e999"), Error);
  EXPECT_THROW(parse_number_arg("rate", "5x"), Error);
}

}  // namespace
}  // namespace perfval
