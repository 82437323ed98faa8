// Private: browser sessions and the login rate limiter.
//
// Sessions live in memory only (a restart signs everyone out, which is the
// safe failure): the cookie carries 32 random bytes (hex); the store keeps
// SHA-256 of it, so the map never holds a usable cookie value. Each session
// has its own CSRF token (random, 32 bytes hex) that every state-changing
// browser request must echo: a hidden `csrf` form field for page forms, an
// `X-CSRF-Token` header for JSON API calls made from our pages' scripts.
// Sessions expire after `kIdle` without use and after `kAbsolute` in any case,
// and end when the user's password changes or the user is disabled (checked
// against the database on every request, so a change made with the `custos
// user` CLI beside the running server counts too).
//
// The rate limiter counts failed logins per user name and per client address
// in a sliding window; over the limit, login answers 429 before checking the
// password (scrypt is slow on purpose; this also caps the CPU an attacker can
// burn).
//
// Thread-safe (one mutex each).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>

#include "custos/core/roles.h"

namespace custos::web {

struct Session {
  core::Principal principal;
  std::string csrf;  // hex
  std::string password_stamp;  // archive::User::password_stamp at sign-in
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;
};

class SessionStore {
 public:
  static constexpr int64_t kIdleMs = 2LL * 3600 * 1000;       // 2 hours idle
  static constexpr int64_t kAbsoluteMs = 12LL * 3600 * 1000;  // 12 hours in all
  static constexpr const char* kCookie = "custos_session";

  // A new session for `p`, opened with the password whose stamp is
  // `password_stamp`; returns the cookie value (hex).
  std::string Create(const core::Principal& p, const std::string& password_stamp, int64_t now_ms);
  // The live session for a cookie value (refreshing its idle timer), or none.
  std::optional<Session> Find(const std::string& cookie, int64_t now_ms);
  void Destroy(const std::string& cookie);
  // Ends every session of `user` (password change, disable).
  void DestroyUser(const std::string& user);

 private:
  std::mutex mu_;
  std::map<std::string, Session> sessions_;  // key: SHA-256 hex of the cookie
};

class LoginLimiter {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr int64_t kWindowMs = 60 * 1000;

  // Whether `user` or `ip` has had kMaxFailures failures in the window.
  bool Blocked(const std::string& user, const std::string& ip, int64_t now_ms);
  void Failed(const std::string& user, const std::string& ip, int64_t now_ms);

 private:
  bool Over(std::deque<int64_t>& q, int64_t now_ms);
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> by_user_, by_ip_;
};

// Random hex string of `bytes` random bytes (OpenSSL RAND via core).
std::string RandomHex(size_t bytes);

// The value of cookie `name` in the request's Cookie header(s), or "".
std::string CookieValue(const Poco::Net::HTTPServerRequest& req, const std::string& name);

}  // namespace custos::web
