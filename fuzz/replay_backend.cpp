// The backend fuzz target, with its entry point renamed so that both targets fit
// in pgwire_fuzz_replay (see replay_main.cpp).
#define PGWIRE_FUZZ_ENTRY_NAME pgwire_fuzz_backend_entry
#include "fuzz_backend.cpp"
