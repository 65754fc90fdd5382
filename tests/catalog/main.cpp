#if defined(PGWIRE_CATCH_V3)
// Catch2WithMain provides main().
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
