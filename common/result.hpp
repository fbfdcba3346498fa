#pragma once
// Result<T>: a value or an Error, for outcomes the caller should expect
// (validation failures, unknown IDs). Exceptions are kept for broken invariants.
#include <string>
#include <utility>
#include <variant>

namespace roster {

// What went wrong, in a form the edges (HTTP, DNS, CLI) map to their own codes.
enum class ErrorCode {
  Invalid,    // the input is malformed or fails validation
  NotFound,   // the thing named does not exist
  Conflict,   // the request contradicts the current state
  Internal,   // a failure that is not the caller's fault
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
};

inline Error invalid(std::string msg) { return {ErrorCode::Invalid, std::move(msg)}; }
inline Error not_found(std::string msg) { return {ErrorCode::NotFound, std::move(msg)}; }
inline Error conflict(std::string msg) { return {ErrorCode::Conflict, std::move(msg)}; }
inline Error internal(std::string msg) { return {ErrorCode::Internal, std::move(msg)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status ok() { return Ok{}; }

}  // namespace roster
