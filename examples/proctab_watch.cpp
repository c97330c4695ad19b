// proctab_watch — an osquery-style host: SQLite and proctab linked statically,
// one scheduled query run every few seconds, its differences printed as JSON
// lines (osquery's "differential" results):
//
//   {"name":"listening","action":"added","unixTime":1732712345,"family":"inet",
//    "address":"127.0.0.1","port":8080,"pid":4242,"fd":3}
//
// The first run reports every row as "added" (there is no previous result);
// later runs report only rows that appeared ("added") or went away
// ("removed"). A row's identity is all of its columns.
//
// usage: proctab_watch [--interval SECONDS] [--iterations N] [--name NAME] [--query SQL]
//   --interval    seconds between runs (fractions allowed; default 5)
//   --iterations  stop after N runs (default 0: run until killed)
//   --query       any SQL; the default finds listening TCP sockets and their owners
// Each run also logs "run N: R rows, A added, D removed" to stderr.
//
// Embedding pattern: sqlite3_auto_extension(proctab_auto_init) once, then
// every connection the host opens has proc_tcp and proc_fd.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "proctab.h"

namespace {

constexpr const char* kDefaultQuery =
    "SELECT t.family, t.local_address AS address, t.local_port AS port, f.pid, f.fd"
    "  FROM proc_tcp t LEFT JOIN proc_fd f ON f.inode = t.inode"
    " WHERE t.state = 'LISTEN'";

// JSON string literal (RFC 8259 escaping; bytes >= 0x80 pass through as UTF-8).
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// One result row as the JSON members `"col":value,...` (no braces): both the
// row's identity for diffing and the payload of its output line.
std::string row_members(sqlite3_stmt* stmt) {
  std::string out;
  int n = sqlite3_column_count(stmt);
  for (int i = 0; i < n; ++i) {
    if (i) out += ',';
    append_json_string(out, sqlite3_column_name(stmt, i));
    out += ':';
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_NULL:
        out += "null";
        break;
      case SQLITE_INTEGER:
        out += std::to_string(sqlite3_column_int64(stmt, i));
        break;
      case SQLITE_FLOAT: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(stmt, i));
        out += buf;
        break;
      }
      default:
        append_json_string(out, reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)));
    }
  }
  return out;
}

struct Options {
  double interval = 5;
  long iterations = 0;
  std::string name = "listening";
  std::string query = kDefaultQuery;
};

[[noreturn]] void usage(const char* why) {
  std::cerr << "proctab_watch: " << why
            << "\nusage: proctab_watch [--interval SECONDS] [--iterations N] [--name NAME] "
               "[--query SQL]\n";
  std::exit(2);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--help" || a == "-h")
      usage("runs a query on a schedule, prints changes as JSON lines");
    if (i + 1 >= argc) usage("missing value");
    const char* v = argv[++i];
    char* end = nullptr;
    if (a == "--interval") {
      o.interval = std::strtod(v, &end);
      if (*end || !(o.interval >= 0 && o.interval <= 86400))
        usage("--interval wants 0..86400 seconds");
    } else if (a == "--iterations") {
      o.iterations = std::strtol(v, &end, 10);
      if (*end || o.iterations < 0) usage("--iterations wants a count >= 0");
    } else if (a == "--name") {
      o.name = v;
    } else if (a == "--query") {
      o.query = v;
    } else {
      usage("unknown option");
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_args(argc, argv);

  // Every connection opened from now on gets the proctab tables.
  if (sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(proctab_auto_init)) != SQLITE_OK) {
    std::cerr << "proctab_watch: sqlite3_auto_extension failed\n";
    return 1;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    std::cerr << "proctab_watch: " << sqlite3_errmsg(db) << "\n";
    sqlite3_close(db);
    return 1;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, opt.query.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::cerr << "proctab_watch: " << sqlite3_errmsg(db) << "\n";
    sqlite3_close(db);
    return 1;
  }

  std::string prefix;
  append_json_string(prefix, opt.name);
  prefix = "{\"name\":" + prefix + ",\"action\":\"";

  std::set<std::string> previous;
  int rc = 0;
  auto next_run = std::chrono::steady_clock::now();
  for (long run = 1; opt.iterations == 0 || run <= opt.iterations; ++run) {
    std::this_thread::sleep_until(next_run);
    next_run += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(opt.interval));

    std::set<std::string> current;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) current.insert(row_members(stmt));
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE) {
      // A failed run (e.g. /proc unreadable) is reported; the schedule goes on.
      std::cerr << "proctab_watch: run " << run << ": " << sqlite3_errmsg(db) << "\n";
      rc = 1;
      continue;
    }
    const std::string when = ",\"unixTime\":" + std::to_string(std::time(nullptr)) + ",";
    long added = 0, removed = 0;
    for (const auto& row : current)
      if (!previous.count(row)) {
        std::cout << prefix << "added\"" << when << row << "}\n";
        ++added;
      }
    for (const auto& row : previous)
      if (!current.count(row)) {
        std::cout << prefix << "removed\"" << when << row << "}\n";
        ++removed;
      }
    std::cout.flush();
    std::cerr << "run " << run << ": " << current.size() << " rows, " << added << " added, "
              << removed << " removed" << std::endl;
    previous = std::move(current);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rc;
}
