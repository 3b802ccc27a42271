// The one translation unit with Catch2's main; it holds no tests so it is compiled once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
