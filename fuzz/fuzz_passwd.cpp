// fuzz_passwd — parse_passwd_file and parse_group_file on arbitrary text
// (the same bytes as both files). Every field is a view inside the input,
// free of ':', '\n' and NUL; names are never empty.
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/passwd.h"

using namespace proctab;

namespace {
void field(std::string_view f, std::string_view text) {
  require(f.empty() ||
          (f.data() >= text.data() && f.data() + f.size() <= text.data() + text.size()));
  require(f.find_first_of(std::string_view(":\n\0", 3)) == std::string_view::npos);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<PasswdEntry> users;
  require(parse_passwd_file(text, users).rows == users.size());
  for (const PasswdEntry& u : users) {
    require(!u.name.empty());
    for (std::string_view f : {u.name, u.gecos, u.directory, u.shell}) field(f, text);
  }
  std::vector<GroupEntry> groups;
  require(parse_group_file(text, groups).rows == groups.size());
  for (const GroupEntry& g : groups) {
    require(!g.name.empty());
    field(g.name, text);
    field(g.members, text);
  }
  return 0;
}
