// etc_file.h — the row source of the tables over a file of the etc root
// (etc_passwd, etc_group): the file is read once per statement into the
// snapshot, and rows are views into its text.
//
// File (the table's traits):
//   using Entry = ...;                          a parsed line (views into the text)
//   static constexpr const char* kTable, kFile; "etc_passwd", "passwd"
//   static bool parse_line(std::string_view, Entry&);
#pragma once

#include <string>

#include "core/snapshot.h"
#include "tables/common.h"
#include "text/row_parser.h"

namespace proctab {

template <typename File>
class EtcFileSource {
 public:
  using Row = typename File::Entry;
  static constexpr unsigned kArguments = kArgEtc;  // etc='...' only: no procfs here
  struct Config {
    std::shared_ptr<ProcFs> etc;
  };
  // The etc root must open and hold a readable file, or CREATE fails.
  static Config configure(const TableDef& def, const TableArgs& args) {
    std::shared_ptr<ProcFs> etc = open_etc(def, args, true);
    if (int err = etc->check_readable(etc->root_fd(), File::kFile)) {
      throw Error(std::string(def.name) + ": " + describe_errno(args.etc + "/" + File::kFile, err));
    }
    return {etc};
  }
  static constexpr Plan plan() { return {50, 50}; }

  explicit EtcFileSource(const Config& config) : etc_(config.etc) {}

  void load(const Request&, Rows<Row>& rows) {
    if (loaded_) return;
    if (int err = etc_->read_file(etc_->root_fd(), File::kFile, text_)) {
      throw Error(std::string(File::kTable) + ": " +
                  describe_errno(etc_->root() + "/" + File::kFile, err));
    }
    text::parse_rows(text_, "", rows, File::parse_line);
    loaded_ = true;
  }

 private:
  std::shared_ptr<ProcFs> etc_;
  std::string text_;  // rows are views into it
  bool loaded_ = false;
};

}  // namespace proctab
