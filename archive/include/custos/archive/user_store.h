// UserStore: people and their roles, API tokens and browser passwords.
//
// API tokens are 32 random bytes from the OS ("cus_" + base64url), shown once
// and stored only as their SHA-256. Passwords are stored as scrypt hashes
// (core::HashPassword). A disabled user's tokens and password stop working at
// once in this process; a change made by another process (the `custos user`
// CLI beside a running server) within kTokenCacheTtl, because Authenticate
// remembers recent answers for that long (it runs on every API request).
// Thread-safe; every call blocks on the database.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "custos/archive/sqlite_database.h"
#include "custos/core/clock.h"
#include "custos/core/roles.h"
#include "custos/core/status.h"

namespace custos::archive {

struct User {
  std::string name;
  core::Role role = core::Role::kAnonymous;
  bool disabled = false;
  bool has_password = false;
  std::string created_at;
  int tokens = 0;
  // Changes whenever the password is set or cleared: a short SHA-256 of the
  // stored scrypt hash (which has a fresh salt each time), "" without a
  // password. A browser session remembers the stamp it was opened with and
  // ends when the user's stamp moves on, in any process (the CLI included).
  std::string password_stamp;
};

inline constexpr std::chrono::seconds kTokenCacheTtl{1};

class UserStore {
 public:
  UserStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock);

  // 1-64 of [a-z0-9._-], starting with a letter or digit.
  static bool IsValidUserName(std::string_view name);

  // Adds a user. InvalidArgument (bad name), Conflict (name taken).
  core::Status AddUser(const std::string& name, core::Role role);
  // Issues a new API token for an existing user; returns the plaintext token
  // (the only time it exists outside the caller). NotFound.
  core::Result<std::string> IssueToken(const std::string& name);
  // Revokes every token of the user. NotFound.
  core::Status RevokeTokens(const std::string& name);
  // Sets the browser password (scrypt; slow by design). NotFound.
  core::Status SetPassword(const std::string& name, const std::string& password);
  core::Status SetDisabled(const std::string& name, bool disabled);

  // The principal behind a bearer token. Unauthorized when the token is
  // unknown, malformed or its user is disabled (one message for all three).
  core::Result<core::Principal> Authenticate(std::string_view token) const;
  // The principal for a name and password; Unauthorized otherwise. When
  // `stamp` is given it receives the password_stamp of the hash just checked.
  core::Result<core::Principal> CheckPassword(const std::string& name,
                                              const std::string& password,
                                              std::string* stamp = nullptr) const;

  core::Result<std::vector<User>> ListUsers() const;
  core::Result<User> GetUser(const std::string& name) const;
  core::Result<int64_t> CountUsers() const;

 private:
  // db_->Write, then ForgetTokens(): every change to users or tokens.
  core::Status WriteAndForget(const std::function<core::Status(Poco::Data::Session&)>& fn);
  void ForgetTokens() const;
  // The principal behind a token hash; nullopt when unknown or disabled.
  core::Result<std::optional<core::Principal>> LookUpToken(const std::string& hash) const;

  std::shared_ptr<SqliteDatabase> db_;
  const core::Clock& clock_;

  // Recent Authenticate answers by token hash: the principal, or nullopt for
  // a refusal. Emptied by every write of this store; entries older than
  // kTokenCacheTtl are ignored.
  struct CachedToken {
    std::optional<core::Principal> principal;
    std::chrono::steady_clock::time_point at;
  };
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, CachedToken> token_cache_;
  mutable uint64_t cache_generation_ = 0;
};

// User::password_stamp of a stored password hash.
std::string PasswordStamp(const std::string& password_hash);

// A random password for first start: 20 characters of base64url (120 bits).
std::string NewRandomPassword();

}  // namespace custos::archive
