// row_parser.h — the streaming engine of the line-oriented /proc parsers
// (net/tcp, udp, unix, ...): text fed in chunks, as read() returns it (about
// a page at a time), becomes rows while it is read, so a large table is
// never buffered whole.
//
// Rows are parsed in place into any container with emplace_back() and
// pop_back(). A first line starting with `header` (after blanks) is skipped
// (an empty `header`: the format has none);
// a line that fails parse_line(line, row), or is longer than
// LineAssembler::kMaxLine, is counted in stats().skipped (blank lines are
// not counted): a row is never half-parsed.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include "text/line_assembler.h"

namespace proctab::text {

struct ParseStats {
  size_t rows = 0;
  size_t skipped = 0;  // malformed lines, not counting the header
};

template <typename ParseLine>
class RowParser {
 public:
  RowParser(std::string_view header, ParseLine parse_line)
      : header_(header), parse_line_(std::move(parse_line)) {}

  template <typename Rows>
  void feed(std::string_view chunk, Rows& out) {
    lines_.feed(chunk, [&](std::string_view line, bool overlong) { take(line, overlong, out); });
  }
  template <typename Rows>
  void finish(Rows& out) {
    lines_.finish([&](std::string_view line, bool overlong) { take(line, overlong, out); });
  }
  // Instead of finish() when every chunk fed so far ended with '\n': takes
  // `line` as the last line, without copying it.
  template <typename Rows>
  void last_line(std::string_view line, Rows& out) {
    if (!line.empty()) take(line, line.size() > LineAssembler::kMaxLine, out);
  }
  const ParseStats& stats() const { return stats_; }

 private:
  template <typename Rows>
  void take(std::string_view line, bool overlong, Rows& out) {
    if (first_ && !header_.empty()) {
      first_ = false;
      size_t i = line.find_first_not_of(" \t");
      if (i != std::string_view::npos && line.substr(i, header_.size()) == header_) return;
    }
    if (!overlong) {
      if (parse_line_(line, out.emplace_back())) {
        ++stats_.rows;
        return;
      }
      out.pop_back();
      // Blank lines (a trailing newline, padding) are not malformed rows.
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    }
    ++stats_.skipped;
  }

  std::string_view header_;
  ParseLine parse_line_;
  bool first_ = true;
  LineAssembler lines_;
  ParseStats stats_;
};

// RowParser over a whole text at once (tests, fuzzing, small files). Every
// line, the last one included even without its '\n', is handed to
// parse_line as a view into `text`, so rows may point into it (unix paths).
template <typename Rows, typename ParseLine>
ParseStats parse_rows(std::string_view text, std::string_view header, Rows& out,
                      ParseLine parse_line) {
  RowParser<ParseLine> parser(header, std::move(parse_line));
  size_t cut = text.rfind('\n');
  size_t tail = cut == std::string_view::npos ? 0 : cut + 1;
  parser.feed(text.substr(0, tail), out);
  parser.last_line(text.substr(tail), out);
  return parser.stats();
}

}  // namespace proctab::text
