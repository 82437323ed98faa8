#include "custos/core/encoding.h"

#include <gtest/gtest.h>

namespace custos::core {
namespace {

TEST(EncodingTest, HexRoundTripsAndRejectsBadInput) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*HexDecode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

// RFC 4648 section 10 test vectors.
TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, b64] : cases) {
    EXPECT_EQ(Base64Encode(plain), b64);
    auto back = Base64Decode(b64);
    ASSERT_TRUE(back.has_value()) << b64;
    EXPECT_EQ(*back, plain);
  }
}

TEST(EncodingTest, Base64RejectsMalformedAndNonCanonical) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v!", "Zh==", "Zm9=Yg==", "====" }) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

// Long inputs (the many quanta before the last take a path of their own):
// every length, every byte value, and a stray byte or '=' at every place.
TEST(EncodingTest, Base64RoundTripsLongInputsAndRefusesAStrayByteAnywhere) {
  std::string plain;
  for (int i = 0; i < 300; ++i) plain.push_back(static_cast<char>((i * 37 + 11) & 0xff));
  for (size_t n = 0; n <= plain.size(); ++n) {
    const std::string b64 = Base64Encode(plain.substr(0, n));
    auto back = Base64Decode(b64);
    ASSERT_TRUE(back.has_value()) << n;
    ASSERT_EQ(*back, plain.substr(0, n)) << n;
  }
  const std::string b64 = Base64Encode(plain.substr(0, 100));  // 136 chars, "=" at the end
  for (size_t at = 0; at + 2 < b64.size(); ++at) {
    for (char stray : {'=', '!', '\0', '\n'}) {
      std::string bad = b64;
      bad[at] = stray;
      EXPECT_FALSE(Base64Decode(bad).has_value()) << at << " " << int(stray);
    }
  }
}

}  // namespace
}  // namespace custos::core
