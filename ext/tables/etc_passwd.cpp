// etc_passwd.cpp — etc_passwd: one row per account line of <etc>/passwd, the
// machine's local users, read as a file (never through NSS: no LDAP or
// sssd lookup can block a query, and a host's or container's file can be
// named with etc='/host/etc').
//
// Usage:
//   SELECT username, uid, shell FROM etc_passwd WHERE shell NOT GLOB '*nologin';
//   SELECT p.pid, u.username FROM proc_process p JOIN etc_passwd u USING (uid);
//   CREATE VIRTUAL TABLE temp.host_users USING etc_passwd(etc='/host/etc');
//
// How it works: the file is read once per statement into the snapshot (rows
// are views into its text); uid and username equalities are hash lookups.
// Lines that are not accounts (comments, NIS '+'/'-' entries, malformed
// lines) are skipped. Users that only a directory service knows are not
// rows (proc_process.user is NULL for them).
#include "parse/passwd.h"
#include "tables/etc_file.h"

namespace proctab {

namespace {

struct PasswdFile {
  using Entry = PasswdEntry;
  static constexpr const char* kTable = "etc_passwd";
  static constexpr const char* kFile = "passwd";
  static bool parse_line(std::string_view line, Entry& entry) {
    return parse_passwd_line(line, entry);
  }
};
using PasswdSource = EtcFileSource<PasswdFile>;

using C = Column<PasswdSource>;
using A = Affinity;
using S = PasswdSource;

constexpr std::array kColumns = {
    C{"username", A::kText, pushed(1.0 / 50), "Login name (field 1).",
      [](const S&, const PasswdEntry& e, ResultSink& out) { out.text(e.name); }},
    C{"uid", A::kInteger, pushed(1.0 / 50),
      "User id (field 3): joins proc_process.uid and the socket tables' uid.",
      [](const S&, const PasswdEntry& e, ResultSink& out) { out.integer(e.uid); }},
    C{"gid", A::kInteger, pushed(1.0 / 20), "Primary group id (field 4): joins etc_group.gid.",
      [](const S&, const PasswdEntry& e, ResultSink& out) { out.integer(e.gid); }},
    C{"description", A::kText, kNotPushed,
      "The GECOS field (5), verbatim: by convention 'Full Name,Room,Work phone,Home phone'.",
      [](const S&, const PasswdEntry& e, ResultSink& out) { out.text(e.gecos); }},
    C{"directory", A::kText, kNotPushed, "Home directory (field 6).",
      [](const S&, const PasswdEntry& e, ResultSink& out) { out.text(e.directory); }},
    C{"shell", A::kText, kNotPushed,
      "Login shell (field 7); '' means /bin/sh; /usr/sbin/nologin or /bin/false: no login.",
      [](const S&, const PasswdEntry& e, ResultSink& out) { out.text(e.shell); }},
};

}  // namespace

const TableDef& etc_passwd_def() {
  static const TableDef def = define_table<PasswdSource, kColumns>(
      "etc_passwd",
      "One row per account of the passwd file (/etc/passwd, or etc='DIR'): the machine's local "
      "users, read as a file, never through NSS.");
  return def;
}

}  // namespace proctab
