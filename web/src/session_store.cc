#include "session_store.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/NameValueCollection.h>

#include <cassert>
#include <stdexcept>

#include "custos/core/crypto.h"
#include "custos/core/encoding.h"

namespace custos::web {

std::string RandomHex(size_t bytes) {
  auto r = core::RandomBytes(bytes);
  // Without randomness there can be no safe session: fail the request (500).
  if (!r.ok()) throw std::runtime_error("no randomness: " + r.status().ToString());
  return core::HexEncode(*r);
}

std::string SessionStore::Create(const core::Principal& p, const std::string& password_stamp,
                                 int64_t now_ms) {
  std::string cookie = RandomHex(32);
  Session s{p, RandomHex(32), password_stamp, now_ms, now_ms};
  std::lock_guard lock(mu_);
  // Drop expired sessions now and then (on each login is often enough).
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    bool dead = now_ms - it->second.last_used_ms > kIdleMs ||
                now_ms - it->second.created_ms > kAbsoluteMs;
    it = dead ? sessions_.erase(it) : std::next(it);
  }
  sessions_[core::Sha256Hex(cookie)] = std::move(s);
  return cookie;
}

std::optional<Session> SessionStore::Find(const std::string& cookie, int64_t now_ms) {
  if (cookie.size() != 64) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = sessions_.find(core::Sha256Hex(cookie));
  if (it == sessions_.end()) return std::nullopt;
  Session& s = it->second;
  if (now_ms - s.last_used_ms > kIdleMs || now_ms - s.created_ms > kAbsoluteMs) {
    sessions_.erase(it);
    return std::nullopt;
  }
  s.last_used_ms = now_ms;
  return s;
}

void SessionStore::Destroy(const std::string& cookie) {
  std::lock_guard lock(mu_);
  sessions_.erase(core::Sha256Hex(cookie));
}

void SessionStore::DestroyUser(const std::string& user) {
  std::lock_guard lock(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.principal.user == user ? sessions_.erase(it) : std::next(it);
  }
}

bool LoginLimiter::Over(std::deque<int64_t>& q, int64_t now_ms) {
  while (!q.empty() && now_ms - q.front() >= kWindowMs) q.pop_front();
  return static_cast<int>(q.size()) >= kMaxFailures;
}

bool LoginLimiter::Blocked(const std::string& user, const std::string& ip, int64_t now_ms) {
  std::lock_guard lock(mu_);
  return Over(by_user_[user], now_ms) || Over(by_ip_[ip], now_ms);
}

void LoginLimiter::Failed(const std::string& user, const std::string& ip, int64_t now_ms) {
  std::lock_guard lock(mu_);
  by_user_[user].push_back(now_ms);
  by_ip_[ip].push_back(now_ms);
  // Bound memory under a spray of names: forget idle entries.
  if (by_user_.size() > 10000) {
    for (auto it = by_user_.begin(); it != by_user_.end();) {
      Over(it->second, now_ms);
      it = it->second.empty() ? by_user_.erase(it) : std::next(it);
    }
  }
}

std::string CookieValue(const Poco::Net::HTTPServerRequest& req, const std::string& name) {
  Poco::Net::NameValueCollection cookies;
  req.getCookies(cookies);
  return cookies.get(name, "");
}

}  // namespace custos::web
