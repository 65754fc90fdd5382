#pragma once
// The replication layer: what a product publishes to a logical replication
// slot and the output plugins that encode it (no I/O).

#include "pgwire/replication/change.hpp"
#include "pgwire/replication/pgoutput.hpp"
#include "pgwire/replication/plugin_option.hpp"
#include "pgwire/replication/test_decoding.hpp"
#include "pgwire/replication/command.hpp"
#include "pgwire/replication/lsn.hpp"
#include "pgwire/replication/slot_name.hpp"
#include "pgwire/replication/pgoutput_options.hpp"
#include "pgwire/replication/pgoutput_stream.hpp"
#include "pgwire/replication/sender_timing.hpp"
#include "pgwire/replication/slot_progress.hpp"
