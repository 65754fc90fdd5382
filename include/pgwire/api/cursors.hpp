#pragma once
// Kept for products: the definitions live in a lower layer (pgwire/protocol/cursor_grammar.hpp).
#include "pgwire/protocol/cursor_grammar.hpp"
