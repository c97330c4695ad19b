// passwd.h — pure parsers for the passwd(5) and group(5) files (the root's
// /etc/passwd and /etc/group, read as files: never through NSS, which may
// ask LDAP or sssd and block).
//
//   passwd: NAME:PASSWORD:UID:GID:GECOS:DIRECTORY:SHELL
//   group:  NAME:PASSWORD:GID:MEMBER,MEMBER,...
//
// A line with another number of fields, an empty name, or a UID / GID that
// is not a decimal number below 2^32 is skipped, as are blank lines, comments
// ('#') and the NIS compat entries of nsswitch "compat" mode ('+', '-'),
// which name no account themselves. Fields are views into the parsed text.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/row_parser.h"

namespace proctab {

struct PasswdEntry {
  std::string_view name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string_view gecos;  // "Full Name,Room,Work phone,Home phone,Other" by convention
  std::string_view directory;
  std::string_view shell;
};

struct GroupEntry {
  std::string_view name;
  uint32_t gid = 0;
  std::string_view members;  // comma-separated user names, verbatim
};

bool parse_passwd_line(std::string_view line, PasswdEntry& entry);
bool parse_group_line(std::string_view line, GroupEntry& entry);

text::ParseStats parse_passwd_file(std::string_view text, std::vector<PasswdEntry>& out);
text::ParseStats parse_group_file(std::string_view text, std::vector<GroupEntry>& out);

}  // namespace proctab
