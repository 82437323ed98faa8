// Status and Result<T>: how expected failures cross module boundaries.
//
// A Status is a small value: a code, a human-readable message and, for
// validation failures, the name of the offending field. Result<T> holds either
// a T or a non-ok Status. Both are cheap to move and thread-compatible (no
// shared state). Exceptions are reserved for broken invariants in third-party
// code and are translated into Status at the wrapper that calls the library.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace custos::core {

enum class StatusCode {
  kOk = 0,
  kNotFound,
  kInvalidArgument,
  kConflict,             // e.g. a unique name taken, a version already moved on
  kPreconditionFailed,   // a stale version (If-Match)
  kPreconditionRequired, // a write that needs a version did not give one
  kUnauthorized,
  kForbidden,
  kTooLarge,
  kUnsupportedMediaType,
  kCorruption,
  kIOError,
  kUnavailable,
  kInternal,
};

// Returns a stable snake_case name for the code ("not_found", ...), used in
// JSON error bodies.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return {StatusCode::kInvalidArgument, std::move(msg), std::move(field)};
  }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status PreconditionFailed(std::string msg) {
    return {StatusCode::kPreconditionFailed, std::move(msg)};
  }
  static Status PreconditionRequired(std::string msg) {
    return {StatusCode::kPreconditionRequired, std::move(msg)};
  }
  static Status Unauthorized(std::string msg) { return {StatusCode::kUnauthorized, std::move(msg)}; }
  static Status Forbidden(std::string msg) { return {StatusCode::kForbidden, std::move(msg)}; }
  static Status TooLarge(std::string msg) { return {StatusCode::kTooLarge, std::move(msg)}; }
  static Status UnsupportedMediaType(std::string msg) {
    return {StatusCode::kUnsupportedMediaType, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // "not_found: no artifact a-1" (field appended when set).
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// Result<T>: a T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace custos::core

// Early-return helpers. CUSTOS_RETURN_IF_ERROR(expr) returns expr's Status when
// it is not ok; CUSTOS_ASSIGN_OR_RETURN(lhs, expr) unwraps a Result.
#define CUSTOS_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::custos::core::Status custos_s_ = (expr);    \
    if (!custos_s_.ok()) return custos_s_;        \
  } while (0)

#define CUSTOS_CONCAT_INNER(a, b) a##b
#define CUSTOS_CONCAT(a, b) CUSTOS_CONCAT_INNER(a, b)
#define CUSTOS_ASSIGN_OR_RETURN(lhs, expr)                                   \
  auto CUSTOS_CONCAT(custos_r_, __LINE__) = (expr);                          \
  if (!CUSTOS_CONCAT(custos_r_, __LINE__).ok())                              \
    return CUSTOS_CONCAT(custos_r_, __LINE__).status();                      \
  lhs = std::move(CUSTOS_CONCAT(custos_r_, __LINE__)).value()
