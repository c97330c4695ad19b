// fuzz_process — the /proc/PID parsers on arbitrary text: stat (by the last
// ')'; comm must be a view inside the input), status, cmdline, ns links,
// /proc/stat's btime.
#include <cstdlib>
#include <string_view>

#include "parse/process.h"
#include "text/scan.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ProcStat stat;
  if (parse_proc_stat(text, stat)) {
    if (!stat.comm.empty() && (stat.comm.data() < text.data() ||
                               stat.comm.data() + stat.comm.size() > text.data() + text.size())) {
      abort();
    }
    (void)process_state_name(stat.state);
  }
  (void)parse_proc_status(text);
  std::string cmdline = format_cmdline(text);
  if (cmdline.size() > text.size()) abort();
  (void)proctab::text::parse_tagged_number(text, "net");
  (void)parse_btime(text);
  return 0;
}
