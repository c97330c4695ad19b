// lazy.h — a value computed on first use and kept: the per-row and
// per-snapshot caches of the extra sources a column may need (fdinfo,
// cmdline, a link, a namespace) so that unread columns cost nothing and a
// read column costs one read per snapshot.
//
// Column accessors see their row as const; the cache is mutable, as a
// memoised value is: reading it twice gives the same answer.
#pragma once

#include <optional>
#include <utility>

namespace proctab {

template <typename T>
class Lazy {
 public:
  // The value, computing it with `make()` on the first call.
  template <typename Make>
  const T& get(Make&& make) const {
    if (!value_) value_.emplace(std::forward<Make>(make)());
    return *value_;
  }
  bool ready() const { return value_.has_value(); }
  // Sets the value up front (a source that has it already, from elsewhere).
  void set(T value) const { value_.emplace(std::move(value)); }

 private:
  mutable std::optional<T> value_;
};

}  // namespace proctab
