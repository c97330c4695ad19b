// value_set.h — the integers one pushed-down constraint allows, for a row
// source deciding what to read (which pids, which namespaces, which
// families). Sorted: IN lists can be long.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/table.h"

namespace proctab {

class IntSet {
 public:
  IntSet() = default;
  // Unconstrained if `c` is null.
  explicit IntSet(const Constraint* c) {
    if (!c) return;
    active_ = true;
    for (const auto& v : c->values) values_.push_back(v.integer);
    normalize();
  }
  void add(int64_t v) {
    active_ = true;
    values_.push_back(v);
  }
  void activate() { active_ = true; }
  void normalize() {
    std::sort(values_.begin(), values_.end());
    values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
  }
  bool active() const { return active_; }
  bool empty() const { return values_.empty(); }
  const std::vector<int64_t>& values() const { return values_; }
  // True if unconstrained or v is allowed.
  bool allows(int64_t v) const {
    return !active_ || std::binary_search(values_.begin(), values_.end(), v);
  }

 private:
  bool active_ = false;
  std::vector<int64_t> values_;
};

}  // namespace proctab
