// gen_docs — prints the README's column reference from the TableDefs the
// extension itself declares, so the docs cannot drift from the code.
//   build/tools/proctab_docs            print the reference (markdown)
//   build/tools/proctab_docs --check F  exit 1 if F's reference differs
//   build/tools/proctab_docs --update F rewrite F's reference in place
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "core/table.h"

namespace {

const char* kBegin = "<!-- BEGIN GENERATED COLUMN REFERENCE (tools/gen_docs.cpp) -->\n";
const char* kEnd = "<!-- END GENERATED COLUMN REFERENCE -->\n";

std::string reference() {
  std::ostringstream out;
  for (const proctab::TableDef* def : proctab::all_tables()) {
    out << "### " << def->name << "\n\n" << def->doc << "\n\n";
    out << "| column | type | pushed down | meaning |\n| --- | --- | --- | --- |\n";
    for (const auto& col : def->columns) {
      std::string doc = col.doc;
      for (size_t i = 0; (i = doc.find('|', i)) != std::string::npos; i += 2) doc.replace(i, 1, "\\|");
      out << "| `" << col.name << "` | "
          << (col.affinity == proctab::Affinity::kInteger ? "INTEGER" : "TEXT") << " | "
          << (col.pushdown ? "yes" : "") << " | " << doc << " |\n";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string generated = reference();
  if (argc == 1) {
    std::cout << generated;
    return 0;
  }
  if (argc != 3) {
    std::cerr << "usage: proctab_docs [--check|--update README.md]\n";
    return 2;
  }
  std::string mode = argv[1], path = argv[2];
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  size_t begin = text.find(kBegin), end = text.find(kEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    std::cerr << path << ": no generated column reference markers\n";
    return 1;
  }
  begin += std::string(kBegin).size();
  std::string current = text.substr(begin, end - begin);
  if (mode == "--check") {
    if (current == generated) return 0;
    std::cerr << path << ": column reference is out of date; run: build/tools/proctab_docs --update "
              << path << "\n";
    return 1;
  }
  if (mode == "--update") {
    text.replace(begin, end - begin, generated);
    std::ofstream(path) << text;
    return 0;
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
