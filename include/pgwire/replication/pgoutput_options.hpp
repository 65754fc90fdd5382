#pragma once
// pgoutput's START_REPLICATION options, checked as PostgreSQL 15's
// pgoutput_startup checks them.

#include <cstdint>
#include <string>
#include <vector>

#include "pgwire/replication/plugin_option.hpp"

namespace pgwire::replication {

struct PgOutputOptions {
  std::uint32_t proto_version = 0;
  std::vector<std::string> publication_names;  // down-cased unless quoted
  bool binary = false;     // tuples in binary format ('b')
  bool messages = false;   // logical decoding messages ('M')
  bool streaming = false;  // in-progress transactions may be streamed (v2+)
  bool two_phase = false;  // prepared transactions are sent (v3+)
};

// Throws PgError with PostgreSQL's SQLSTATE and message: 42601 for a
// repeated option or a non-Boolean flag, 22023 for a bad proto_version, a
// missing publication_names or a flag the version cannot carry, 0A000 for a
// version outside 1..3, 42602 for a bad publication_names list, XX000 for an
// unknown option.
PgOutputOptions parse_pgoutput_options(const PluginOptions& options);

}  // namespace pgwire::replication
