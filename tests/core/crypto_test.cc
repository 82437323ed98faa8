#include "custos/core/crypto.h"

#include <gtest/gtest.h>

#include <set>

#include "custos/core/encoding.h"

namespace custos::core {
namespace {

TEST(CryptoTest, Sha256MatchesKnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(HexEncode(h.Finish()), Sha256Hex("abc"));
}

TEST(CryptoTest, RandomBytesAreFreshEachCall) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto r = RandomBytes(32);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->size(), 32u);
    EXPECT_TRUE(seen.insert(*r).second);
  }
}

TEST(CryptoTest, PasswordHashVerifiesOnlyTheRightPassword) {
  auto h = HashPassword("correct horse battery staple");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("scrypt$15$8$1$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", *h));
  EXPECT_FALSE(VerifyPassword("correct horse battery stapler", *h));
  EXPECT_FALSE(VerifyPassword("", *h));
  // Same password, new salt: a different encoding.
  EXPECT_NE(*HashPassword("correct horse battery staple"), *h);
}

TEST(CryptoTest, MalformedPasswordHashesNeverMatch) {
  for (const char* bad : {"", "scrypt", "scrypt$15$8$1$AAAA$AAAA", "pbkdf2$1$x$y$z$w",
                          "scrypt$40$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"}) {
    EXPECT_FALSE(VerifyPassword("x", bad)) << bad;
  }
}

}  // namespace
}  // namespace custos::core
