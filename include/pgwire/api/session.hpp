#pragma once
// Kept for products: the definitions live in a lower layer (pgwire/protocol/session.hpp).
#include "pgwire/protocol/session.hpp"
