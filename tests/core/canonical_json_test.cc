#include "custos/core/canonical_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

namespace custos::core {
namespace {

using nlohmann::json;

std::string Canon(const json& j) {
  auto r = CanonicalJson(j);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(CanonicalJsonTest, MatchesRfc8785MainExample) {
  // RFC 8785 section 3.2.2 input (parsed) and output.
  const json in = json::parse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  EXPECT_EQ(Canon(in),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalJsonTest, SortsKeysByUtf16CodeUnitsPerRfc8785Example) {
  // RFC 8785 section 3.2.3.
  const json in = json::parse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  EXPECT_EQ(Canon(in),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
            "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
            "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
            "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalJsonTest, SortsNonBmpKeyBeforeHighBmpKeyUnlikeUtf8ByteOrder) {
  // UTF-8 bytes put U+FB33 (EF AC B3) before U+1F600 (F0 9F 98 80); UTF-16
  // units put the surrogate D83D before FB33.
  json in;
  in["\xEF\xAC\xB3"] = 1;
  in["\xF0\x9F\x98\x80"] = 2;
  in["a"] = 0;
  EXPECT_EQ(Canon(in), "{\"a\":0,\"\xF0\x9F\x98\x80\":2,\"\xEF\xAC\xB3\":1}");
}

TEST(CanonicalJsonTest, SortsNestedObjectsAndKeepsArrayOrder) {
  const json in = json::parse(R"({"b":[3,1,{"z":1,"y":2}],"a":{"d":null,"c":true}})");
  EXPECT_EQ(Canon(in), R"({"a":{"c":true,"d":null},"b":[3,1,{"y":2,"z":1}]})");
}

TEST(CanonicalJsonTest, EscapesControlCharactersAndLeavesOthersRaw) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  EXPECT_EQ(Canon(json(all_controls)),
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
            "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  // U+2028, U+2029, DEL and '/' are not escaped.
  EXPECT_EQ(Canon(json("\xE2\x80\xA8\xE2\x80\xA9\x7F/")), "\"\xE2\x80\xA8\xE2\x80\xA9\x7F/\"");
  EXPECT_EQ(Canon(json("quote\" backslash\\")), "\"quote\\\" backslash\\\\\"");
}

TEST(CanonicalJsonTest, WritesIntegersAsIntegersWithinTwoToThe53) {
  EXPECT_EQ(Canon(json(0)), "0");
  EXPECT_EQ(Canon(json(-17)), "-17");
  EXPECT_EQ(Canon(json(std::uint64_t{9007199254740992ull})), "9007199254740992");
  EXPECT_EQ(Canon(json(std::int64_t{-9007199254740992ll})), "-9007199254740992");
}

TEST(CanonicalJsonTest, RejectsIntegersBeyondTwoToThe53) {
  for (const json& j :
       {json(std::uint64_t{9007199254740993ull}), json(std::int64_t{-9007199254740993ll}),
        json(UINT64_MAX), json::array({1, json(INT64_MIN)})}) {
    auto r = CanonicalJson(j);
    ASSERT_FALSE(r.ok()) << j.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(CanonicalJsonTest, FormatsDoublesLikeEcmaScriptPerRfc8785AppendixB) {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, want] : cases) {
    const double d = std::bit_cast<double>(bits);
    auto got = FormatJsonNumber(d);
    ASSERT_TRUE(got.ok()) << std::hex << bits;
    EXPECT_EQ(*got, want) << std::hex << bits;
    EXPECT_EQ(Canon(json(d)), want) << std::hex << bits;
  }
}

TEST(CanonicalJsonTest, RejectsNanAndInfinity) {
  for (std::uint64_t bits : {0x7fffffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull}) {
    auto r = CanonicalJson(json(std::bit_cast<double>(bits)));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(CanonicalJsonTest, RejectsInvalidUtf8InStringsAndKeysNamingThePath) {
  json bad_value = {{"outer", {{"name", std::string("\xC3\x28")}}}};
  auto r = CanonicalJson(bad_value);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "/outer/name");
  json bad_key;
  bad_key[std::string("\xED\xA0\x80")] = 1;  // UTF-8 encoded lone surrogate
  EXPECT_FALSE(CanonicalJson(bad_key).ok());
  EXPECT_FALSE(CanonicalJson(json(std::string("\xF8\x88\x80\x80\x80"))).ok());
  EXPECT_FALSE(CanonicalJson(json(std::string("\xC0\xAF"))).ok());  // overlong '/'
}

TEST(CanonicalJsonTest, RejectsBinaryValues) {
  EXPECT_FALSE(CanonicalJson(json::binary({1, 2, 3})).ok());
}

TEST(CanonicalJsonTest, IsIdempotentThroughParse) {
  const json in = json::parse(R"({"z":[1,2.5,"x\u0001"],"a":{"\u00e9":-0.0,"e":1e-7}})");
  const std::string once = Canon(in);
  EXPECT_EQ(Canon(json::parse(once)), once);
  EXPECT_EQ(once, "{\"a\":{\"e\":1e-7,\"\xC3\xA9\":0},\"z\":[1,2.5,\"x\\u0001\"]}");
}

}  // namespace
}  // namespace custos::core
