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

// "root, etc": the keys a table takes, for error messages.
std::string known_keys(const TableDef& def) {
  std::string keys;
  if (def.arguments & kArgRoot) keys = "root";
  if (def.arguments & kArgEtc) keys += keys.empty() ? "etc" : ", etc";
  return keys.empty() ? "none" : keys;
}

// A path argument's value, checked.
std::string path_value(const TableDef& def, const std::string& key, std::string_view raw) {
  std::string value = unquote(def, key, raw);
  const std::string what = std::string(def.name) + ": argument " + key;
  if (value.empty()) throw Error(what + " is empty");
  if (value.size() >= PATH_MAX) {
    throw Error(what + " is longer than PATH_MAX (" + std::to_string(PATH_MAX) + " bytes)");
  }
  if (value.find('\0') != std::string::npos) throw Error(what + " contains a NUL byte");
  return value;
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
                  "' is not of the form key='value' (known keys: " + known_keys(def) + ")");
    }
    std::string key(text::trim(arg.substr(0, eq)));
    std::string_view raw = text::trim(arg.substr(eq + 1));
    const bool root = key == "root" && (def.arguments & kArgRoot);
    const bool etc = key == "etc" && (def.arguments & kArgEtc);
    if (!root && !etc) {
      throw Error(std::string(def.name) + ": unknown argument '" + key +
                  "' (known keys: " + known_keys(def) + ")");
    }
    bool& seen = root ? seen_root : args.etc_given;
    if (seen) throw Error(std::string(def.name) + ": argument " + key + " given twice");
    seen = true;
    (root ? args.root : args.etc) = path_value(def, key, raw);
  }
  return args;
}

}  // namespace proctab
