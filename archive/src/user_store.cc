#include "custos/archive/user_store.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include "custos/core/crypto.h"
#include "custos/core/encoding.h"

namespace custos::archive {

using core::Result;
using core::Status;
using namespace Poco::Data::Keywords;

namespace {
constexpr std::string_view kTokenPrefix = "cus_";

Status NoSuchUser(const std::string& name) { return Status::NotFound("no user " + name); }

Result<bool> UserExists(Poco::Data::Session& s, const std::string& name) {
  int n = 0;
  s << "SELECT count(*) FROM users WHERE name = ?", bind(name), into(n), now;
  return n > 0;
}
}  // namespace

std::string NewRandomPassword() {
  auto bytes = core::RandomBytes(15);
  assert(bytes.ok());
  return core::Base64UrlEncode(*bytes);
}

UserStore::UserStore(std::shared_ptr<SqliteDatabase> db, const core::Clock& clock)
    : db_(std::move(db)), clock_(clock) {}

bool UserStore::IsValidUserName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok_first(name[0])) return false;
  for (char c : name) {
    if (!ok_first(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Status UserStore::AddUser(const std::string& name, core::Role role) {
  if (!IsValidUserName(name)) {
    return Status::InvalidArgument(
        "user names are 1-64 of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
        "name");
  }
  if (role == core::Role::kAnonymous) {
    return Status::InvalidArgument("role must be admin, curator, investigator or verifier", "role");
  }
  std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  std::string role_name(core::ToString(role));
  return WriteAndForget([&](Poco::Data::Session& s) -> Status {
    auto exists = UserExists(s, name);
    if (!exists.ok()) return exists.status();
    if (*exists) return Status::Conflict("user " + name + " exists");
    s << "INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)", bind(name),
        bind(role_name), bind(time), now;
    std::string action = "user.add", detail = "role " + role_name, actor = "system";
    s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)", bind(time),
        bind(actor), bind(action), bind(name), bind(detail), now;
    return Status::Ok();
  });
}

Result<std::string> UserStore::IssueToken(const std::string& name) {
  CUSTOS_ASSIGN_OR_RETURN(std::string secret, core::RandomBytes(32));
  std::string token = std::string(kTokenPrefix) + core::Base64UrlEncode(secret);
  std::string hash = core::Sha256Hex(token);
  std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  Status st = WriteAndForget([&](Poco::Data::Session& s) -> Status {
    auto exists = UserExists(s, name);
    if (!exists.ok()) return exists.status();
    if (!*exists) return NoSuchUser(name);
    s << "INSERT INTO tokens (token_hash, user_name, created_at) VALUES (?, ?, ?)", bind(hash),
        bind(name), bind(time), now;
    std::string action = "user.token", actor = "system", detail = "token issued";
    s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)", bind(time),
        bind(actor), bind(action), bind(name), bind(detail), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return token;
}

Status UserStore::RevokeTokens(const std::string& name) {
  return WriteAndForget([&](Poco::Data::Session& s) -> Status {
    auto exists = UserExists(s, name);
    if (!exists.ok()) return exists.status();
    if (!*exists) return NoSuchUser(name);
    s << "DELETE FROM tokens WHERE user_name = ?", bind(name), now;
    return Status::Ok();
  });
}

Status UserStore::SetPassword(const std::string& name, const std::string& password) {
  if (password.size() < 12) {
    return Status::InvalidArgument("passwords are at least 12 characters", "password");
  }
  CUSTOS_ASSIGN_OR_RETURN(std::string hash, core::HashPassword(password));
  return WriteAndForget([&](Poco::Data::Session& s) -> Status {
    Poco::Data::Statement update =
        (s << "UPDATE users SET password_hash = ? WHERE name = ?", bind(hash), bind(name));
    if (update.execute() != 1) return NoSuchUser(name);
    return Status::Ok();
  });
}

Status UserStore::SetDisabled(const std::string& name, bool disabled) {
  int flag = disabled ? 1 : 0;
  std::string time = core::FormatRfc3339Millis(clock_.NowMillis());
  return WriteAndForget([&](Poco::Data::Session& s) -> Status {
    Poco::Data::Statement update =
        (s << "UPDATE users SET disabled = ? WHERE name = ?", bind(flag), bind(name));
    if (update.execute() != 1) return NoSuchUser(name);
    std::string action = disabled ? "user.disable" : "user.enable", actor = "system", detail;
    s << "INSERT INTO audit (time, actor, action, target, detail) VALUES (?,?,?,?,?)", bind(time),
        bind(actor), bind(action), bind(name), bind(detail), now;
    return Status::Ok();
  });
}

Status UserStore::WriteAndForget(const std::function<Status(Poco::Data::Session&)>& fn) {
  Status st = db_->Write(fn);
  ForgetTokens();
  return st;
}

void UserStore::ForgetTokens() const {
  std::lock_guard lock(cache_mu_);
  token_cache_.clear();
  ++cache_generation_;  // a lookup that read the old rows must not cache them
}

Result<core::Principal> UserStore::Authenticate(std::string_view token) const {
  const Status denied = Status::Unauthorized("invalid or revoked credentials");
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix || token.size() > 128) return denied;
  std::string hash = core::Sha256Hex(token);
  const auto now_at = std::chrono::steady_clock::now();
  uint64_t generation = 0;
  {
    std::lock_guard lock(cache_mu_);
    generation = cache_generation_;
    if (auto it = token_cache_.find(hash);
        it != token_cache_.end() && now_at - it->second.at < kTokenCacheTtl) {
      if (!it->second.principal) return denied;
      return *it->second.principal;
    }
  }
  auto answer = LookUpToken(hash);
  if (!answer.ok()) return answer.status();
  {
    std::lock_guard lock(cache_mu_);
    if (generation == cache_generation_) {
      // Bounded: a flood of made-up tokens cannot grow it without limit.
      if (token_cache_.size() >= 10000) token_cache_.clear();
      token_cache_[hash] = CachedToken{*answer, now_at};
    }
  }
  if (!*answer) return denied;
  return **answer;
}

Result<std::optional<core::Principal>> UserStore::LookUpToken(const std::string& hash) const {
  std::vector<std::string> names, roles;
  std::vector<int> disabled;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT u.name, u.role, u.disabled FROM tokens t JOIN users u ON u.name = t.user_name "
         "WHERE t.token_hash = ?",
        bind(hash), into(names), into(roles), into(disabled), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (names.empty() || disabled[0]) return std::optional<core::Principal>();
  auto role = core::ParseRole(roles[0]);
  if (!role) return Status::Corruption("user " + names[0] + " has an unknown role");
  return std::optional<core::Principal>(core::Principal{names[0], *role});
}

std::string PasswordStamp(const std::string& password_hash) {
  return password_hash.empty() ? "" : core::Sha256Hex(password_hash).substr(0, 16);
}

Result<core::Principal> UserStore::CheckPassword(const std::string& name,
                                                 const std::string& password,
                                                 std::string* stamp) const {
  const Status denied = Status::Unauthorized("wrong user name or password");
  std::vector<std::string> roles, hashes;
  std::vector<int> disabled;
  Status st = db_->Read([&](Poco::Data::Session& s) {
    s << "SELECT role, password_hash, disabled FROM users WHERE name = ?", bind(name),
        into(roles), into(hashes), into(disabled), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (roles.empty() || disabled[0] || hashes[0].empty()) {
    // Spend the same time as a real check, so timing does not reveal names.
    (void)core::VerifyPassword(password, "scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"
                                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    return denied;
  }
  if (!core::VerifyPassword(password, hashes[0])) return denied;
  auto role = core::ParseRole(roles[0]);
  if (!role) return Status::Corruption("user " + name + " has an unknown role");
  if (stamp) *stamp = PasswordStamp(hashes[0]);
  return core::Principal{name, *role};
}

namespace {

// Users matching `where` (SQL, one optional `?` bound to `arg`), by name.
Result<std::vector<User>> SelectUsers(SqliteDatabase& db, const std::string& where,
                                      const std::string* arg) {
  std::vector<std::string> names, roles, hashes, created;
  std::vector<int> disabled, tokens;
  Status st = db.Read([&](Poco::Data::Session& s) {
    std::string value = arg ? *arg : "";
    Poco::Data::Statement select(s);
    select << "SELECT u.name, u.role, u.disabled, u.password_hash, u.created_at, "
              "(SELECT count(*) FROM tokens t WHERE t.user_name = u.name) FROM users u " +
                  where + " ORDER BY u.name",
        into(names), into(roles), into(disabled), into(hashes), into(created), into(tokens);
    if (arg) select, bind(value);
    select.execute();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::vector<User> out;
  for (size_t i = 0; i < names.size(); ++i) {
    out.push_back({names[i], core::ParseRole(roles[i]).value_or(core::Role::kAnonymous),
                   disabled[i] != 0, !hashes[i].empty(), created[i], tokens[i],
                   PasswordStamp(hashes[i])});
  }
  return out;
}

}  // namespace

Result<std::vector<User>> UserStore::ListUsers() const {
  return SelectUsers(*db_, "", nullptr);
}

// Runs on every request of a browser session: one indexed row, not the list.
Result<User> UserStore::GetUser(const std::string& name) const {
  CUSTOS_ASSIGN_OR_RETURN(auto users, SelectUsers(*db_, "WHERE u.name = ?", &name));
  if (users.empty()) return NoSuchUser(name);
  return std::move(users[0]);
}

Result<int64_t> UserStore::CountUsers() const {
  return db_->ReadInt64("SELECT count(*) FROM users");
}

}  // namespace custos::archive
