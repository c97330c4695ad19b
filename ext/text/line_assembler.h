// line_assembler.h — splits text that arrives in chunks (as read() returns
// /proc files, about a page at a time) into lines, so parsers can consume a
// file while it is read instead of buffering all of it. Pure: no I/O.
//
// A line longer than kMaxLine is not buffered further: it is reported once,
// truncated and flagged, and the parser skips it. An endless line therefore
// costs bounded memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace proctab::text {

class LineAssembler {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;

  // Calls on_line(line, overlong) for every line completed by `chunk`
  // (without its '\n').
  template <typename OnLine>
  void feed(std::string_view chunk, OnLine&& on_line) {
    while (!chunk.empty()) {
      size_t newline = chunk.find('\n');
      std::string_view piece = chunk.substr(0, newline);
      if (newline == std::string_view::npos) {
        append_partial(piece);
        return;
      }
      chunk.remove_prefix(newline + 1);
      if (partial_.empty() && !overlong_) {
        on_line(piece, false);  // the common case: no copy
      } else {
        append_partial(piece);
        on_line(std::string_view(partial_), overlong_);
        partial_.clear();
        overlong_ = false;
      }
    }
  }

  // Flushes a last line that had no '\n'.
  template <typename OnLine>
  void finish(OnLine&& on_line) {
    if (!partial_.empty() || overlong_) on_line(std::string_view(partial_), overlong_);
    partial_.clear();
    overlong_ = false;
  }

 private:
  void append_partial(std::string_view piece) {
    if (overlong_) return;
    if (partial_.size() + piece.size() > kMaxLine) {
      overlong_ = true;
      return;
    }
    partial_.append(piece);
  }

  std::string partial_;
  bool overlong_ = false;
};

}  // namespace proctab::text
