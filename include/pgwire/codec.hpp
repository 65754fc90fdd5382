#pragma once
// The whole message codec: framing, frontend and backend messages, and the
// streaming-replication payloads. Pure functions over bytes; no I/O.

#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"
#include "pgwire/codec/error.hpp"
#include "pgwire/codec/framing.hpp"
#include "pgwire/codec/frontend.hpp"
#include "pgwire/codec/replication.hpp"
