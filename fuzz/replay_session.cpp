// The session fuzz target, with its entry point renamed so that every target
// fits in pgwire_fuzz_replay (see replay_main.cpp).
#define PGWIRE_FUZZ_ENTRY_NAME pgwire_fuzz_session_entry
#include "fuzz_session.cpp"
