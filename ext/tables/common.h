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

// The ProcFs of args.netns_dir, or null when there is none. A directory the
// user named that cannot be opened is an Error; the default /run/netns that
// does not exist (no `ip netns add` yet) is just no names.
std::shared_ptr<ProcFs> open_netns_dir(const TableDef& def, const TableArgs& args);

}  // namespace proctab
