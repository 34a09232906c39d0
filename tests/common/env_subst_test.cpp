// Tests for ${VAR} / ${VAR:-default} substitution, its errors, redaction, and how YamlValue applies it.
#include "perfval/common/env_subst.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "perfval/common/yaml_reader.hpp"

namespace perfval {
namespace {

using ::testing::HasSubstr;

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string subst(const std::string& text, const EnvLookup& env, std::vector<EnvUse>* uses = nullptr) {
  std::string why;
  const auto out = substitute_env(text, env, uses, &why);
  return out ? *out : "ERROR: " + why;
}

TEST(EnvSubst, ReplacesVariablesAndDefaults) {
  const auto env = fake_env({{"HOST", "exporter"}, {"EMPTY", ""}});
  EXPECT_EQ(subst("http://${HOST}:8080", env), "http://exporter:8080");
  EXPECT_EQ(subst("${PORT:-9090}", env), "9090");
  EXPECT_EQ(subst("${HOST:-other}", env), "exporter");
  EXPECT_EQ(subst("${EMPTY:-fallback}", env), "fallback");  // as in sh: empty takes the default too
  EXPECT_EQ(subst("[${EMPTY}]", env), "[]");                // set but empty: no error
  EXPECT_EQ(subst("${UNSET:-}", env), "");
  EXPECT_EQ(subst("cost: $5, $${HOST} stays", env), "cost: $5, ${HOST} stays");
  EXPECT_EQ(subst("no references", env), "no references");
}

TEST(EnvSubst, ErrorsNameTheVariable) {
  const auto env = fake_env({});
  EXPECT_THAT(subst("Bearer ${TOKEN}", env), HasSubstr("environment variable TOKEN is not set"));
  EXPECT_THAT(subst("${TOKEN", env), HasSubstr("unterminated ${"));
  EXPECT_THAT(subst("${1BAD}", env), HasSubstr("invalid variable reference ${1BAD}"));
  EXPECT_THAT(subst("${}", env), HasSubstr("invalid variable reference"));
  EXPECT_THAT(subst("${A:-${B}}", env), HasSubstr("cannot contain another"));
}

TEST(EnvSubst, RecordsOnlyValuesFromTheEnvironmentOnce) {
  std::vector<EnvUse> uses;
  const auto env = fake_env({{"TOKEN", "s3cr3t-value"}});
  subst("${TOKEN} ${TOKEN} ${OTHER:-default}", env, &uses);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].name, "TOKEN");
  EXPECT_EQ(uses[0].value, "s3cr3t-value");
}

TEST(EnvSubst, RedactionHidesValuesButNotShortOnes) {
  const std::vector<EnvUse> uses = {{"TOKEN", "s3cr3t-value"}, {"N", "1"}};
  EXPECT_EQ(redact_env("401 for s3cr3t-value (s3cr3t-value), 1 try", uses), "401 for ${TOKEN} (${TOKEN}), 1 try");
  EXPECT_FALSE(has_env_reference("$${X} and plain $"));
  EXPECT_TRUE(has_env_reference("a ${X}"));
}

TEST(YamlEnv, TypedReadsSeeValuesAndAsWrittenKeepsTheText) {
  const auto doc = YamlValue::load_string("token: \"Bearer ${TOKEN}\"\nvus: ${VUS:-7}\nplain: x\n", "s.yaml",
                                          fake_env({{"TOKEN", "abcd1234"}}));
  EXPECT_EQ(doc.require("token").as_string(), "Bearer abcd1234");
  EXPECT_EQ(doc.require("token").as_written(), "Bearer ${TOKEN}");
  EXPECT_TRUE(doc.require("token").uses_env());
  EXPECT_FALSE(doc.require("plain").uses_env());
  EXPECT_EQ(doc.require("vus").as_int(), 7);
  ASSERT_EQ(doc.env_uses().size(), 1u);
  EXPECT_EQ(doc.env_uses()[0].value, "abcd1234");
}

TEST(YamlEnv, UnsetVariableIsAnErrorAtTheValueThatNeverPrintsValues) {
  const auto doc = YamlValue::load_string("a: 1\nheaders:\n  X-Token: ${NOPE}\nn: ${NUM}\n", "s.yaml",
                                          fake_env({{"NUM", "not-a-number"}}));
  try {
    doc.require("headers").require("X-Token").as_string();
    FAIL() << "accepted an unset variable";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("s.yaml:3:12: headers.X-Token: environment variable NOPE is not set"));
    EXPECT_EQ(e.exit_code(), exit_code::usage);
  }
  try {
    doc.require("n").as_int();
    FAIL() << "accepted a non-number";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("expected an integer, got \"${NUM}\""));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("not-a-number")));
  }
}

TEST(YamlEnv, DocumentsWithoutAnEnvironmentKeepReferencesLiterally) {
  const auto doc = YamlValue::load_string("a: ${HOME}\n", "c.yaml");
  EXPECT_EQ(doc.require("a").as_string(), "${HOME}");
  EXPECT_FALSE(doc.require("a").uses_env());
}

}  // namespace
}  // namespace perfval
