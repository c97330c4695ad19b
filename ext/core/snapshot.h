// snapshot.h — the one generic implementation of Table, Snapshot and Cursor
// (table.h) over a row source and its columns (column.h).
//
// A snapshot owns one statement execution's rows: the source appends to
// them on demand (a request for pid 5 reads pid 5; a later full scan reads
// the rest), they never move, and every cursor the statement opens on the
// table shares them. A cursor's scan is:
//   1. source.load(request): read what the snapshot lacks for the request;
//   2. candidates: with pushed-down equalities, the rows a hash index over
//      one of the constrained columns gives for the wanted values (the
//      constraint whose values have the fewest rows); otherwise every row;
//   3. each candidate is re-checked against every pushed-down equality, by
//      the same accessor that yields the column's value, so pushdown returns
//      exactly the rows SQLite's own comparison would (SQLite checks again:
//      the adapter never sets omit).
// Indexes are built per column on first use and extended as rows arrive.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "core/column.h"
#include "core/hash_index.h"

namespace proctab {

// A ResultSink that keeps the value (accessors may hand over text in a
// buffer of their own that does not outlive the call).
class ValueCapture final : public ResultSink {
 public:
  enum class Type : uint8_t { kNull, kInteger, kText };
  void null() override { type = Type::kNull; }
  void integer(int64_t value) override {
    type = Type::kInteger;
    integer_value = value;
  }
  void text(std::string_view value) override {
    type = Type::kText;
    text_value.assign(value);
  }
  // The index key of the value; false for NULL.
  bool key(uint64_t& out) const {
    if (type == Type::kNull) return false;
    out = type == Type::kInteger ? static_cast<uint64_t>(integer_value) : hash_text(text_value);
    return true;
  }

  Type type = Type::kNull;
  int64_t integer_value = 0;
  std::string text_value;
};

template <typename Source, const auto& kColumns>
class SourceSnapshot final : public Snapshot,
                             public std::enable_shared_from_this<SourceSnapshot<Source, kColumns>> {
 public:
  using Row = typename Source::Row;
  static constexpr size_t kColumnCount = std::tuple_size_v<std::remove_cvref_t<decltype(kColumns)>>;

  explicit SourceSnapshot(const typename Source::Config& config) : source_(config) {}

  std::unique_ptr<Cursor> open() override;

  void load(const Request& request) { source_.load(request, rows_); }
  const Source& source() const { return source_; }
  const Rows<Row>& rows() const { return rows_; }

  void value(int column, uint32_t row, ResultSink& out) const {
    kColumns[static_cast<size_t>(column)].value(source_, rows_[row], out);
  }

  // The index of `column`, covering every row loaded so far.
  const HashIndex& index(int column) {
    auto& slot = indexes_[static_cast<size_t>(column)];
    const uint32_t rows = static_cast<uint32_t>(rows_.size());
    if (!slot) {
      slot = std::make_unique<HashIndex>();
      slot->reserve(rows);
    }
    HashIndex& index = *slot;
    for (uint32_t r = index.indexed(); r < rows; ++r) {
      value(column, r, capture_);
      uint64_t key;
      if (capture_.key(key)) {
        index.add(key, r);
      } else {
        index.skip(r);
      }
    }
    return index;
  }

 private:
  Source source_;
  Rows<Row> rows_;
  std::array<std::unique_ptr<HashIndex>, kColumnCount> indexes_;
  ValueCapture capture_;
};

template <typename Source, const auto& kColumns>
class SnapshotCursor final : public Cursor {
  using Snap = SourceSnapshot<Source, kColumns>;

 public:
  explicit SnapshotCursor(std::shared_ptr<Snap> snapshot) : snap_(std::move(snapshot)) {}

  void filter(const Request& request) override {
    snap_->load(request);
    // Matchers are reused from scan to scan (a correlated subquery filters
    // once per outer row): their vectors keep their capacity.
    const size_t n = request.constraints.size();
    if (matchers_.size() < n) matchers_.resize(n);
    for (size_t i = 0; i < n; ++i) set_matcher(matchers_[i], request.constraints[i]);
    active_ = n;
    // Re-check integer columns first: cheap, and as selective as any. (An
    // insertion sort of a few elements: std::stable_sort allocates a buffer,
    // once per outer row of a join.)
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = i; j > 0 && matchers_[j].affinity == Affinity::kInteger &&
                         matchers_[j - 1].affinity != Affinity::kInteger;
           --j) {
        std::swap(matchers_[j], matchers_[j - 1]);
      }
    }
    hits_.clear();
    use_hits_ = n > 0;
    skip_matcher_ = SIZE_MAX;
    if (use_hits_) {
      // The constraint whose values have the fewest rows drives the scan.
      // Indexes are looked at in the order of their expected selectivity, and
      // not built at all once one gives a handful of rows (a self-join's
      // address columns are never indexed when its ports are enough).
      size_t order[64];
      const size_t considered = n < 64 ? n : 64;
      for (size_t i = 0; i < considered; ++i) {
        size_t j = i;
        for (; j > 0 && keeps(matchers_[order[j - 1]]) > keeps(matchers_[i]); --j) {
          order[j] = order[j - 1];
        }
        order[j] = i;
      }
      size_t best = order[0];
      uint64_t best_rows = UINT64_MAX;
      for (size_t k = 0; k < considered && best_rows > kFewRows; ++k) {
        const Matcher& m = matchers_[order[k]];
        const HashIndex& index = snap_->index(m.column);
        uint64_t rows = 0;
        for (uint64_t key : m.keys) rows += index.count(key);
        if (rows < best_rows) {
          best_rows = rows;
          best = order[k];
        }
      }
      const HashIndex& index = snap_->index(matchers_[best].column);
      for (uint64_t key : matchers_[best].keys) index.rows_of(key, hits_);
      // An integer key is the value itself: no need to compare again.
      if (matchers_[best].affinity == Affinity::kInteger) skip_matcher_ = best;
      limit_ = hits_.size();
    } else {
      limit_ = snap_->rows().size();
    }
    pos_ = 0;
    skip_non_matching();
  }

  bool eof() const override { return pos_ >= limit_; }

  void next() override {
    ++pos_;
    skip_non_matching();
  }

  void column(int column, ResultSink& out) const override { snap_->value(column, current(), out); }

  int64_t rowid() const override { return current(); }

 private:
  struct Matcher {
    int column = 0;
    Affinity affinity = Affinity::kInteger;
    std::vector<int64_t> integers;   // sorted (integer columns)
    std::vector<std::string> texts;  // sorted (text columns)
    std::vector<uint64_t> keys;      // sorted, unique: index keys of the values
  };

  // Fewer candidate rows than this: no other index is worth building.
  static constexpr uint64_t kFewRows = 16;

  static double keeps(const Matcher& m) {
    return kColumns[static_cast<size_t>(m.column)].pushdown.keeps;
  }

  static void set_matcher(Matcher& m, const Constraint& c) {
    m.column = c.column;
    m.affinity = kColumns[static_cast<size_t>(c.column)].affinity;
    m.integers.clear();
    m.keys.clear();
    size_t texts = 0;
    for (const Value& v : c.values) {
      if (m.affinity == Affinity::kInteger) {
        m.integers.push_back(v.integer);
        m.keys.push_back(static_cast<uint64_t>(v.integer));
      } else {
        if (m.texts.size() <= texts) m.texts.emplace_back();
        m.texts[texts++].assign(v.text);
        m.keys.push_back(hash_text(v.text));
      }
    }
    m.texts.resize(texts);
    if (m.integers.size() > 1) std::sort(m.integers.begin(), m.integers.end());
    if (m.texts.size() > 1) std::sort(m.texts.begin(), m.texts.end());
    if (m.keys.size() > 1) {
      std::sort(m.keys.begin(), m.keys.end());
      m.keys.erase(std::unique(m.keys.begin(), m.keys.end()), m.keys.end());
    }
  }

  uint32_t current() const { return use_hits_ ? hits_[pos_] : static_cast<uint32_t>(pos_); }

  bool matches(uint32_t row) const {
    for (size_t m = 0; m < active_; ++m) {
      if (m == skip_matcher_) continue;
      const Matcher& matcher = matchers_[m];
      snap_->value(matcher.column, row, capture_);
      if (matcher.affinity == Affinity::kInteger) {
        if (capture_.type != ValueCapture::Type::kInteger ||
            !std::binary_search(matcher.integers.begin(), matcher.integers.end(),
                                capture_.integer_value)) {
          return false;
        }
      } else if (capture_.type != ValueCapture::Type::kText ||
                 !std::binary_search(matcher.texts.begin(), matcher.texts.end(),
                                     capture_.text_value)) {
        return false;
      }
    }
    return true;
  }

  void skip_non_matching() {
    while (pos_ < limit_ && !matches(current())) ++pos_;
  }

  std::shared_ptr<Snap> snap_;
  std::vector<Matcher> matchers_;  // the first active_ are this scan's
  size_t active_ = 0;
  size_t skip_matcher_ = SIZE_MAX;
  bool use_hits_ = false;
  std::vector<uint32_t> hits_;
  size_t limit_ = 0;
  size_t pos_ = 0;
  mutable ValueCapture capture_;
};

template <typename Source, const auto& kColumns>
std::unique_ptr<Cursor> SourceSnapshot<Source, kColumns>::open() {
  return std::make_unique<SnapshotCursor<Source, kColumns>>(this->shared_from_this());
}

template <typename Source, const auto& kColumns>
class SourceTable final : public Table {
 public:
  explicit SourceTable(typename Source::Config config) : config_(std::move(config)) {}

  // A full scan costs Plan::full_cost; with pushed-down equalities the
  // marginal cost is an index lookup plus the rows it keeps (the snapshot is
  // read once per statement, so that is what SQLite multiplies by the
  // outer loop's rows).
  Estimate estimate(uint64_t constrained) const override {
    const Plan plan = Source::plan();
    if (constrained == 0) return {plan.full_cost, plan.full_rows, false};
    double rows = plan.full_rows;
    for (size_t i = 0; i < kColumns.size() && i < 64; ++i) {
      if (constrained >> i & 1) rows *= kColumns[i].pushdown.keeps;
    }
    const bool unique = plan.unique_key != 0 && (constrained & plan.unique_key) == plan.unique_key;
    if (unique || rows < 1) rows = 1;
    return {2 + rows, rows, unique};
  }

  std::shared_ptr<Snapshot> snapshot() override {
    return std::make_shared<SourceSnapshot<Source, kColumns>>(config_);
  }

 private:
  typename Source::Config config_;
};

// The TableDef of a row source and its columns: what the registry lists and
// the adapter registers.
template <typename Source, const auto& kColumns>
TableDef define_table(const char* name, const char* doc) {
  static_assert(columns_are_valid(kColumns), "column names must be unique; pushdown below 63");
  TableDef def{name, doc, {}, kArgRoot | kArgNetnsDir, nullptr, {}};
  // A source reading files outside procfs says which arguments it takes.
  if constexpr (requires { Source::kArguments; }) def.arguments = Source::kArguments;
  // A source with more than one kernel interface names them: source='...'.
  if constexpr (requires { Source::kSources; }) {
    def.arguments |= kArgSource;
    for (const char* s : Source::kSources) def.sources.push_back(s);
  }
  for (const auto& c : kColumns) {
    def.columns.push_back({c.name, c.affinity, c.pushdown.pushed(), c.hidden, c.doc});
  }
  def.make = [](const TableDef& d, const TableArgs& args) -> std::unique_ptr<Table> {
    return std::make_unique<SourceTable<Source, kColumns>>(Source::configure(d, args));
  };
  return def;
}

}  // namespace proctab
