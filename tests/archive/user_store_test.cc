#include "custos/archive/user_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "custos/core/crypto.h"
#include "fakes/fixed_clock.h"
#include "temp_dir.h"

namespace custos::archive {
namespace {

using core::Role;
using core::StatusCode;

class UserStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.file("custos.db"));
    ASSERT_TRUE(db.ok());
    users_ = std::make_unique<UserStore>(*db, clock_);
  }
  testing::TempDir dir_;
  testing::FixedClock clock_;
  std::unique_ptr<UserStore> users_;
};

TEST_F(UserStoreTest, TokenAuthenticatesItsUserWithRole) {
  ASSERT_TRUE(users_->AddUser("ivan", Role::kInvestigator).ok());
  auto token = users_->IssueToken("ivan");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->rfind("cus_", 0), 0u);
  EXPECT_GE(token->size(), 4u + 43u);  // 32 bytes base64url
  auto p = users_->Authenticate(*token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->user, "ivan");
  EXPECT_EQ(p->role, Role::kInvestigator);
}

TEST_F(UserStoreTest, UnknownMalformedAndRevokedTokensAreRejected) {
  ASSERT_TRUE(users_->AddUser("ivan", Role::kInvestigator).ok());
  auto token = users_->IssueToken("ivan");
  ASSERT_TRUE(token.ok());
  std::string tampered = *token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, std::string("cus_"), std::string("nope"),
                                 std::string(500, 'x')}) {
    EXPECT_EQ(users_->Authenticate(bad).status().code(), StatusCode::kUnauthorized) << bad;
  }
  ASSERT_TRUE(users_->RevokeTokens("ivan").ok());
  EXPECT_EQ(users_->Authenticate(*token).status().code(), StatusCode::kUnauthorized);
}

TEST_F(UserStoreTest, ARememberedTokenStopsWorkingAtOnceWhenRevokedOrDisabled) {
  ASSERT_TRUE(users_->AddUser("ivan", Role::kInvestigator).ok());
  auto token = users_->IssueToken("ivan");
  ASSERT_TRUE(users_->Authenticate(*token).ok());  // now remembered
  ASSERT_TRUE(users_->Authenticate(*token).ok());
  ASSERT_TRUE(users_->SetDisabled("ivan", true).ok());
  EXPECT_EQ(users_->Authenticate(*token).status().code(), StatusCode::kUnauthorized);
  ASSERT_TRUE(users_->SetDisabled("ivan", false).ok());
  ASSERT_TRUE(users_->Authenticate(*token).ok());
  ASSERT_TRUE(users_->RevokeTokens("ivan").ok());
  EXPECT_EQ(users_->Authenticate(*token).status().code(), StatusCode::kUnauthorized);
}

TEST_F(UserStoreTest, AnotherProcessesRevocationTakesEffectWithinTheCacheTtl) {
  ASSERT_TRUE(users_->AddUser("ivan", Role::kInvestigator).ok());
  auto token = users_->IssueToken("ivan");
  ASSERT_TRUE(users_->Authenticate(*token).ok());
  // A second store on the same file stands for `custos user revoke` run
  // beside the server.
  auto db = SqliteDatabase::Open(dir_.file("custos.db"));
  ASSERT_TRUE(db.ok());
  UserStore cli(*db, clock_);
  ASSERT_TRUE(cli.RevokeTokens("ivan").ok());
  std::this_thread::sleep_for(kTokenCacheTtl + std::chrono::milliseconds(50));
  EXPECT_EQ(users_->Authenticate(*token).status().code(), StatusCode::kUnauthorized);
}

TEST_F(UserStoreTest, DisabledUserCannotAuthenticateUntilEnabled) {
  ASSERT_TRUE(users_->AddUser("cur", Role::kCurator).ok());
  auto token = users_->IssueToken("cur");
  ASSERT_TRUE(users_->SetPassword("cur", "a long enough password").ok());
  ASSERT_TRUE(users_->SetDisabled("cur", true).ok());
  EXPECT_EQ(users_->Authenticate(*token).status().code(), StatusCode::kUnauthorized);
  EXPECT_EQ(users_->CheckPassword("cur", "a long enough password").status().code(),
            StatusCode::kUnauthorized);
  ASSERT_TRUE(users_->SetDisabled("cur", false).ok());
  EXPECT_TRUE(users_->Authenticate(*token).ok());
}

TEST_F(UserStoreTest, TokensAndPasswordsAreStoredOnlyAsHashes) {
  ASSERT_TRUE(users_->AddUser("adm", Role::kAdmin).ok());
  auto token = users_->IssueToken("adm");
  ASSERT_TRUE(users_->SetPassword("adm", "correct horse battery").ok());
  // Read the raw file: neither secret appears in it.
  std::ifstream in(dir_.file("custos.db"), std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), {});
  std::ifstream wal(dir_.file("custos.db-wal"), std::ios::binary);
  raw.append(std::istreambuf_iterator<char>(wal), {});
  EXPECT_EQ(raw.find(*token), std::string::npos);
  EXPECT_EQ(raw.find("correct horse battery"), std::string::npos);
  EXPECT_NE(raw.find(core::Sha256Hex(*token)), std::string::npos);
}

TEST_F(UserStoreTest, PasswordChecks) {
  ASSERT_TRUE(users_->AddUser("cur", Role::kCurator).ok());
  EXPECT_EQ(users_->SetPassword("cur", "short").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(users_->SetPassword("cur", "a long enough password").ok());
  EXPECT_EQ(users_->CheckPassword("cur", "a long enough password")->role, Role::kCurator);
  EXPECT_FALSE(users_->CheckPassword("cur", "a long enough passwore").ok());
  EXPECT_FALSE(users_->CheckPassword("nobody", "a long enough password").ok());
}

TEST_F(UserStoreTest, NamesAndRolesAreValidated) {
  EXPECT_EQ(users_->AddUser("Bad Name", Role::kCurator).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(users_->AddUser("x", Role::kAnonymous).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(users_->AddUser("x", Role::kVerifier).ok());
  EXPECT_EQ(users_->AddUser("x", Role::kAdmin).code(), StatusCode::kConflict);
  EXPECT_EQ(users_->IssueToken("nobody").status().code(), StatusCode::kNotFound);
  auto list = users_->ListUsers();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().role, Role::kVerifier);
}

}  // namespace
}  // namespace custos::archive
