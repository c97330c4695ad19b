// args.cpp — see args.h.
#include "sqlite/args.h"

#include <limits.h>

#include "text/scan.h"

namespace proctab {

namespace {

// SQL string literal → its text ('it''s' → it's). Throws if not quoted.
std::string unquote(const TableDef& def, const std::string& key, std::string_view raw) {
  if (raw.size() < 2 || (raw.front() != '\'' && raw.front() != '"') || raw.back() != raw.front()) {
    throw Error(std::string(def.name) + ": argument " + key + " must be a quoted string, as in " +
                key + "='/proc'");
  }
  char quote = raw.front();
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    if (raw[i] == quote) {
      if (i + 2 < raw.size() && raw[i + 1] == quote) {
        ++i;
      } else {
        throw Error(std::string(def.name) + ": argument " + key + " has an unbalanced quote");
      }
    }
    out.push_back(raw[i]);
  }
  return out;
}

}  // namespace

TableArgs parse_table_args(const TableDef& def, int argc, const char* const* argv,
                           ProcFsFactory procfs) {
  TableArgs args;
  args.procfs = std::move(procfs);
  bool seen_root = false;
  for (int i = 3; i < argc; ++i) {
    std::string_view arg = text::trim(argv[i]);
    size_t eq = arg.find('=');
    if (eq == std::string_view::npos) {
      throw Error(std::string(def.name) + ": argument '" + std::string(arg) +
                  "' is not of the form key='value' (known keys: root)");
    }
    std::string key(text::trim(arg.substr(0, eq)));
    std::string_view raw = text::trim(arg.substr(eq + 1));
    if (key != "root") {
      throw Error(std::string(def.name) + ": unknown argument '" + key + "' (known keys: root)");
    }
    if (seen_root) throw Error(std::string(def.name) + ": argument root given twice");
    seen_root = true;
    std::string value = unquote(def, key, raw);
    if (value.empty()) throw Error(std::string(def.name) + ": argument root is empty");
    if (value.size() >= PATH_MAX) {
      throw Error(std::string(def.name) + ": argument root is longer than PATH_MAX (" +
                  std::to_string(PATH_MAX) + " bytes)");
    }
    if (value.find('\0') != std::string::npos) {
      throw Error(std::string(def.name) + ": argument root contains a NUL byte");
    }
    args.root = std::move(value);
  }
  return args;
}

}  // namespace proctab
