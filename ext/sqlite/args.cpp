// args.cpp — see args.h.
#include "sqlite/args.h"

#include <limits.h>

#include <algorithm>
#include <vector>

#include "text/scan.h"

namespace proctab {

namespace {

// SQL string literal → its text ('it''s' → it's). Throws if not quoted.
std::string unquote(const TableDef& def, const std::string& key, std::string_view raw) {
  if (raw.size() < 2 || (raw.front() != '\'' && raw.front() != '"') || raw.back() != raw.front()) {
    throw Error(std::string(def.name) + ": argument " + key + " must be a quoted string, as in " +
                key + (key == "source" ? "='proc'" : "='/proc'"));
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

// The keys a table takes, for error messages: "root, netns_dir, etc".
std::string known_keys(const TableDef& def) {
  std::string keys;
  auto add = [&](const char* key) { keys += (keys.empty() ? "" : ", ") + std::string(key); };
  if (def.arguments & kArgRoot) add("root");
  if (def.arguments & kArgNetnsDir) add("netns_dir");
  if (def.arguments & kArgEtc) add("etc");
  if (def.arguments & kArgSource) add("source");
  return keys.empty() ? "none" : keys;
}

// A path argument: non-empty, shorter than PATH_MAX, no NUL byte.
std::string path_value(const TableDef& def, const std::string& key, std::string value) {
  const std::string what = std::string(def.name) + ": argument " + key;
  if (value.empty()) throw Error(what + " is empty");
  if (value.size() >= PATH_MAX) {
    throw Error(what + " is longer than PATH_MAX (" + std::to_string(PATH_MAX) + " bytes)");
  }
  if (value.find('\0') != std::string::npos) throw Error(what + " contains a NUL byte");
  return value;
}

// source='...' must be one of the table's sources: "'auto', 'netlink', 'proc'".
std::string source_value(const TableDef& def, std::string value) {
  std::string names;
  for (const char* s : def.sources) {
    if (value == s) return value;
    names += (names.empty() ? "'" : ", '") + std::string(s) + "'";
  }
  throw Error(std::string(def.name) + ": argument source must be one of " + names + " (got '" +
              value + "')");
}

// One spelling per directory: repeated and trailing slashes dropped, so
// root='/proc/' and root='//proc' are the live /proc (its kernel sources,
// its named namespaces) exactly as root='/proc' is.
std::string normal_path(std::string path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

TableArgs parse_table_args(const TableDef& def, int argc, const char* const* argv,
                           const Seams& seams) {
  TableArgs args;
  args.seams = seams;
  args.procfs = seams.procfs;
  std::vector<std::string> seen;
  for (int i = 3; i < argc; ++i) {
    std::string_view arg = text::trim(argv[i]);
    size_t eq = arg.find('=');
    if (eq == std::string_view::npos) {
      throw Error(std::string(def.name) + ": argument '" + std::string(arg) +
                  "' is not of the form key='value' (known keys: " + known_keys(def) + ")");
    }
    std::string key(text::trim(arg.substr(0, eq)));
    std::string_view raw = text::trim(arg.substr(eq + 1));
    const unsigned bit = key == "root"        ? unsigned{kArgRoot}
                         : key == "netns_dir" ? kArgNetnsDir
                         : key == "etc"       ? kArgEtc
                         : key == "source"    ? kArgSource
                                              : 0u;
    if (!(def.arguments & bit)) {
      throw Error(std::string(def.name) + ": unknown argument '" + key +
                  "' (known keys: " + known_keys(def) + ")");
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      throw Error(std::string(def.name) + ": argument " + key + " given twice");
    }
    seen.push_back(key);
    if (bit == kArgSource) {
      args.source = source_value(def, unquote(def, key, raw));
      continue;
    }
    std::string value = path_value(def, key, unquote(def, key, raw));
    if (bit == kArgRoot) {
      args.root = normal_path(std::move(value));
    } else if (bit == kArgNetnsDir) {
      args.netns_dir = std::move(value);
      args.netns_dir_given = true;
    } else {
      args.etc = std::move(value);
      args.etc_given = true;
    }
  }
  // The named namespaces (`ip netns`) are the live machine's: a fixture or
  // another root has none unless netns_dir says where.
  if (!args.netns_dir_given) args.netns_dir = args.root == "/proc" ? "/run/netns" : "";
  return args;
}

}  // namespace proctab
