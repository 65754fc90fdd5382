// The replication fuzz target, with its entry point renamed (see replay_main.cpp).
#define PGWIRE_FUZZ_ENTRY_NAME pgwire_fuzz_replication_entry
#include "fuzz_replication.cpp"
