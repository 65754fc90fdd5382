#pragma once
// Which replication slot names PostgreSQL accepts (ReplicationSlotValidateName).

#include <string_view>

namespace pgwire::replication {

// Throws PgError: 42602 for an empty name or a character other than a-z,
// 0-9 and '_' (with PostgreSQL's hint), 42622 for 64 bytes or more.
void validate_slot_name(std::string_view name);

}  // namespace pgwire::replication
