// etc_group.cpp — etc_group: one row per group line of <etc>/group, the
// machine's local groups, read as a file (as etc_passwd: never NSS).
//
// Usage:
//   SELECT groupname, members FROM etc_group WHERE gid = 27;
//   SELECT groupname FROM etc_group WHERE ',' || members || ',' GLOB '*,alice,*';
//
// How it works: as etc_passwd: one read per statement, views into its text,
// gid and groupname equalities are hash lookups. `members` lists the
// supplementary members only: a user whose primary group it is (passwd's
// gid) is usually not named there.
#include "parse/passwd.h"
#include "tables/etc_file.h"

namespace proctab {

namespace {

struct GroupFile {
  using Entry = GroupEntry;
  static constexpr const char* kTable = "etc_group";
  static constexpr const char* kFile = "group";
  static bool parse_line(std::string_view line, Entry& entry) {
    return parse_group_line(line, entry);
  }
};
using GroupSource = EtcFileSource<GroupFile>;

using C = Column<GroupSource>;
using A = Affinity;
using S = GroupSource;

constexpr std::array kColumns = {
    C{"groupname", A::kText, pushed(1.0 / 50), "Group name (field 1).",
      [](const S&, const GroupEntry& e, ResultSink& out) { out.text(e.name); }},
    C{"gid", A::kInteger, pushed(1.0 / 50),
      "Group id (field 3): joins etc_passwd.gid and proc_process.gid.",
      [](const S&, const GroupEntry& e, ResultSink& out) { out.integer(e.gid); }},
    C{"members", A::kText, kNotPushed,
      "Supplementary members (field 4), the comma-separated user names verbatim ('' for none).",
      [](const S&, const GroupEntry& e, ResultSink& out) { out.text(e.members); }},
};

}  // namespace

const TableDef& etc_group_def() {
  static const TableDef def = define_table<GroupSource, kColumns>(
      "etc_group",
      "One row per group of the group file (/etc/group, or etc='DIR'): the machine's local "
      "groups, read as a file, never through NSS.");
  return def;
}

}  // namespace proctab
