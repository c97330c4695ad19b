// common.h — what every table file needs at CREATE time: opening its root.
#pragma once

#include <memory>

#include "core/table.h"

namespace proctab {

// Opens args.root through args.procfs; throws Error("<table>: root '...': why").
std::shared_ptr<ProcFs> open_root(const TableDef& def, const TableArgs& args);

// open_root, and checks that the root's own namespace has `file` readable
// (the CREATE-time error for a root that is no procfs).
std::shared_ptr<ProcFs> open_root_with(const TableDef& def, const TableArgs& args,
                                       const char* file);

}  // namespace proctab
