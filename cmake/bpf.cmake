# The BPF task_file iterator behind proc_fd's 'bpf' source (README
# "Sources"). Built when clang (BPF target), bpftool (skeleton) and libbpf
# (libbpf-dev: its headers, pkg-config libbpf) are all present;
# otherwise, or with -DPROCTAB_BPF=OFF, the module is built without it and
# proc_fd answers through the /proc readlink walk. ON requires them.
#
# The program includes ext/kernel/bpf/kernel_types.h, a checked-in header
# declaring only the fields it reads, each a CO-RE relocation resolved
# against the running kernel's BTF at load: the build needs no BTF
# (no `bpftool btf dump` of the build machine's kernel), and one object
# serves every kernel.
#
# Nothing of libbpf is linked or loaded at run time: the program is embedded
# as a *light* skeleton (`bpftool gen skeleton -L`), whose loader runs in the
# kernel (CO-RE relocation included) and needs only the bpf() syscall and
# libbpf-dev's header-only skel_internal.h. So the module has no new run-time
# dependency (no libbpf1, no libelf1), and a load does not read and parse the
# 5 MB /sys/kernel/btf/vmlinux (which the regular skeleton's libbpf did on
# every statement: 15-20 ms; the light loader takes about 2 ms). Linking
# libbpf statically was no option either: Debian's libelf.a is not PIC.
set(PROCTAB_BPF AUTO CACHE STRING "Build the BPF task_file iterator for proc_fd: AUTO, ON (required) or OFF")
set_property(CACHE PROCTAB_BPF PROPERTY STRINGS AUTO ON OFF)
set(PROCTAB_HAVE_BPF OFF)
add_library(proctab_bpf INTERFACE)
if(NOT PROCTAB_BPF STREQUAL "OFF")
  find_package(PkgConfig QUIET)
  find_program(PROCTAB_BPF_CLANG NAMES clang clang-14 clang-15 clang-16)
  find_program(PROCTAB_BPFTOOL bpftool PATHS /usr/sbin /sbin)
  if(PkgConfig_FOUND)
    pkg_check_modules(PROCTAB_LIBBPF QUIET libbpf)
  endif()
  set(_missing "")
  foreach(_what PROCTAB_BPF_CLANG PROCTAB_BPFTOOL)
    if(NOT ${_what})
      list(APPEND _missing ${_what})
    endif()
  endforeach()
  if(NOT PROCTAB_LIBBPF_FOUND)
    list(APPEND _missing "libbpf.pc")
  endif()
  if(_missing)
    if(PROCTAB_BPF STREQUAL "ON")
      message(FATAL_ERROR "proctab: PROCTAB_BPF=ON but missing: ${_missing} (apt-get install clang bpftool libbpf-dev)")
    endif()
    message(STATUS "proctab: BPF iterator not built (missing: ${_missing}); proc_fd reads /proc only (apt-get install clang bpftool libbpf-dev)")
  else()
    set(PROCTAB_HAVE_BPF ON)
  endif()
else()
  message(STATUS "proctab: BPF iterator not built (PROCTAB_BPF=OFF); proc_fd reads /proc only")
endif()

if(PROCTAB_HAVE_BPF)
  set(_src ${CMAKE_CURRENT_SOURCE_DIR}/ext/kernel/bpf)
  set(_out ${CMAKE_BINARY_DIR}/bpf)
  file(MAKE_DIRECTORY ${_out})
  # -g: the BTF that CO-RE needs. -O2: the verifier wants optimized code.
  # Not instrumented (the fuzz and ASan flags are for the host compiler).
  add_custom_command(OUTPUT ${_out}/task_file.bpf.o
    COMMAND ${PROCTAB_BPF_CLANG} -g -O2 -target bpf -Wall -Werror
      -I${_src} ${PROCTAB_LIBBPF_CFLAGS} -c ${_src}/task_file.bpf.c -o ${_out}/task_file.bpf.o
    DEPENDS ${_src}/task_file.bpf.c ${_src}/kernel_types.h ${_src}/task_file_record.h
    COMMENT "BPF program task_file.bpf.o" VERBATIM)
  add_custom_command(OUTPUT ${_out}/task_file.lskel.h
    COMMAND ${PROCTAB_BPFTOOL} gen skeleton -L ${_out}/task_file.bpf.o name proctab_task_file > ${_out}/task_file.lskel.h
    DEPENDS ${_out}/task_file.bpf.o
    COMMENT "BPF light skeleton task_file.lskel.h")
  add_custom_target(proctab_bpf_skeleton DEPENDS ${_out}/task_file.lskel.h)
  add_dependencies(proctab_bpf proctab_bpf_skeleton)
  target_compile_definitions(proctab_bpf INTERFACE PROCTAB_HAVE_BPF=1)
  target_include_directories(proctab_bpf INTERFACE ${_out} ${PROCTAB_LIBBPF_INCLUDE_DIRS})
  message(STATUS "proctab: BPF iterator built (clang ${PROCTAB_BPF_CLANG}, bpftool ${PROCTAB_BPFTOOL}, libbpf-dev ${PROCTAB_LIBBPF_VERSION} headers; light skeleton, no run-time dependency)")
endif()
