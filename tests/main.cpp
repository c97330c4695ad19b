// The Catch2 main for proctab_tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
