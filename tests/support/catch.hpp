#pragma once
// Catch2 v2 (Debian 12) and v3 spell their headers differently.
#if defined(PGWIRE_CATCH_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
