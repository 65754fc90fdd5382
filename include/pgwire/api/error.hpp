#pragma once
// Kept for products: the definitions live in a lower layer (pgwire/codec/error_info.hpp).
#include "pgwire/codec/error_info.hpp"
