// Tests for request templates and CSV data files: rendering, Content-Length of templated bodies, syntax
// errors, CSV parsing errors with line numbers, and row cursors that split rows exactly between shares.
#include "perfval/loadgen/request_template.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/data_file.hpp"

namespace perfval::loadgen {
namespace {

using ::testing::HasSubstr;

// A CSV file in the test's temporary directory.
std::string write_csv(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("perfval-i12-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

DataTable users() { return read_csv(write_csv("users.csv", "user,token\nalice,t-a\n\"bob, jr\",\"t \"\"b\"\"\"\ncarol,t-c\n")); }

TEST(RequestTemplate, NoTemplatesStaysOnePreparedString) {
  const auto t = RequestTemplate::compile("GET /metrics HTTP/1.1\r\nHost: h\r\n", "", nullptr, false);
  EXPECT_TRUE(t.is_static());
  EXPECT_EQ(t.wire(), "GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n");
  const auto post = RequestTemplate::compile("POST /x HTTP/1.1\r\n", "{}", nullptr, true);
  EXPECT_EQ(post.wire(), "POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
}

TEST(RequestTemplate, RendersSlotsAndTheBodyLength) {
  const DataTable table = users();
  const auto t = RequestTemplate::compile("POST /u/{{data.user}}?vu={{vu}}&i={{iteration}} HTTP/1.1\r\n",
                                          "{\"token\":\"{{data.token}}\",\"n\":{{random:5-5}}}", &table, true);
  ASSERT_FALSE(t.is_static());
  TemplateRng rng{42};
  std::string out;
  t.render({3, 17, &table, 1, &rng}, out);
  const std::string body = "{\"token\":\"t \"b\"\",\"n\":5}";
  EXPECT_EQ(out, "POST /u/bob, jr?vu=3&i=17 HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto capacity = out.capacity();
  t.render({3, 18, &table, 0, &rng}, out);  // a shorter request reuses the buffer
  EXPECT_EQ(out.capacity(), capacity);
  EXPECT_THAT(out, HasSubstr("/u/alice?vu=3&i=18"));
}

TEST(RequestTemplate, RandomStaysInRangeAndUuidsAreVersion4) {
  const auto t = RequestTemplate::compile("GET /{{random:1-6}}/{{uuid}} HTTP/1.1\r\n", "", nullptr, false);
  TemplateRng rng{7};
  std::set<std::string> faces;
  std::set<std::string> uuids;
  const std::regex shape("GET /([1-6])/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}) HTTP.*",
                         std::regex::extended);
  std::string out;
  for (int i = 0; i < 600; ++i) {
    t.render({1, i, nullptr, 0, &rng}, out);
    std::smatch m;
    const std::string head = out.substr(0, out.find('\r'));
    ASSERT_TRUE(std::regex_match(head, m, shape)) << head;
    faces.insert(m[1]);
    uuids.insert(m[2]);
  }
  EXPECT_EQ(faces.size(), 6u);    // every value of the range comes up in 600 draws
  EXPECT_EQ(uuids.size(), 600u);  // no repeats
}

TEST(RequestTemplate, SyntaxErrorsSayWhatToWrite) {
  const DataTable table = users();
  EXPECT_EQ(check_template("/plain/path", nullptr), "");
  EXPECT_THAT(check_template("/{{vus}}", nullptr), HasSubstr("unknown template {{vus}} (did you mean \"vu\"?)"));
  EXPECT_THAT(check_template("/{{ vu }}", nullptr), HasSubstr("write it without spaces"));
  EXPECT_THAT(check_template("/{{random:9-1}}", nullptr), HasSubstr("0 <= LO <= HI"));
  EXPECT_THAT(check_template("/{{random:x}}", nullptr), HasSubstr("{{random:LO-HI}}"));
  EXPECT_THAT(check_template("/{{vu", nullptr), HasSubstr("unterminated {{"));
  EXPECT_THAT(check_template("/{{data.user}}", nullptr), HasSubstr("the scenario has no data file"));
  EXPECT_THAT(check_template("/{{data.usr}}", &table), HasSubstr("no column \"usr\" in "));
  EXPECT_THAT(check_template("/{{data.usr}}", &table), HasSubstr("(did you mean \"user\"?)"));
  EXPECT_EQ(template_columns("{{data.token}}-{{data.user}}", table), (std::vector<std::size_t>{1, 0}));
}

TEST(DataFile, ReadsQuotedFieldsCrlfAndBlankLines) {
  const auto t = read_csv(write_csv("crlf.csv", "\xEF\xBB\xBFid,note\r\n1,\"multi\nline\"\r\n\r\n2,plain\r\n"));
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"id", "note"}));
  EXPECT_EQ(t.cell(0, 1), "multi\nline");
  EXPECT_EQ(t.cell(1, 0), "2");
  EXPECT_EQ(t.lines, (std::vector<int>{2, 5}));
}

std::string csv_error(const std::string& name, const std::string& text) {
  try {
    read_csv(write_csv(name, text));
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(DataFile, ErrorsNameFileAndLine) {
  EXPECT_THAT(csv_error("short.csv", "a,b\n1,2\n3\n"), HasSubstr("short.csv:3: row has 1 fields, the header has 2"));
  EXPECT_THAT(csv_error("dup.csv", "a,a\n1,2\n"), HasSubstr("duplicate column name \"a\""));
  EXPECT_THAT(csv_error("quote.csv", "a\n\"open\n"), HasSubstr("quote.csv:2:1: unterminated quoted field"));
  EXPECT_THAT(csv_error("after.csv", "a\n\"x\"y\n"), HasSubstr("after.csv:2:4: unexpected text after a closing quote"));
  EXPECT_THAT(csv_error("header-only.csv", "a,b\n"), HasSubstr("header row but no data rows"));
  EXPECT_THAT(csv_error("empty.csv", ""), HasSubstr("the data file is empty"));
  EXPECT_THAT(csv_error("nameless.csv", "a,\n1,2\n"), HasSubstr("column 2 has no name"));
  try {
    read_csv("/nonexistent/perfval/users.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/perfval/users.csv: cannot open data file"));
  }
}

TEST(DataCursor, SharesSplitRowsExactly) {
  DataSource src{std::make_shared<const DataTable>(read_csv(write_csv("ten.csv", "n\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"))),
                 DataMode::unique, "ten.csv"};
  std::multiset<std::size_t> seen;
  for (int share = 0; share < 3; ++share) {  // three threads: items share, share + 3, ...
    DataCursor cursor(src, share, 3, 1);
    while (auto row = cursor.next()) seen.insert(*row);
  }
  EXPECT_EQ(seen, (std::multiset<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));  // each row once, none left out

  src.mode = DataMode::sequential;
  DataCursor seq(src, 1, 4, 1);
  EXPECT_EQ(*seq.next(), 1u);
  EXPECT_EQ(*seq.next(), 5u);
  EXPECT_EQ(*seq.next(), 9u);
  EXPECT_EQ(*seq.next(), 3u);  // 13 mod 10: starts again

  src.mode = DataMode::random;
  DataCursor rnd(src, 0, 1, 99);
  std::set<std::size_t> rows;
  for (int i = 0; i < 500; ++i) rows.insert(*rnd.next());
  EXPECT_EQ(rows.size(), 10u);
}

}  // namespace
}  // namespace perfval::loadgen
