#pragma once
// How far a logical slot's client has got, and where a START_REPLICATION
// resumes: PostgreSQL 15 decodes from the later of the requested LSN and the
// slot's confirmed_flush_lsn, and skips every transaction whose commit
// record starts before that point (SnapBuildXactNeedsSkip; checked on
// PostgreSQL 15 with pg_replication_slot_advance: a slot advanced to a
// commit's LSN still sends that transaction, one byte further it does not).

#include "pgwire/codec/replication.hpp"
#include "pgwire/replication/change.hpp"

namespace pgwire::replication {

struct SlotProgress {
  Lsn restart_lsn = 0;
  Lsn confirmed_flush = 0;

  // The point a START_REPLICATION ... LOGICAL `requested` resumes from
  // (0/0 asks for "wherever the slot is").
  Lsn start_point(Lsn requested) const { return requested > confirmed_flush ? requested : confirmed_flush; }

  // A StandbyStatusUpdate's flush position. 0/0 carries no news. The
  // library's rule: the position never moves back, so a client reporting an
  // old position cannot make the slot resend what it already confirmed.
  void confirm_flush(Lsn flushed) {
    if (flushed > confirmed_flush) confirmed_flush = flushed;
  }
};

// Whether a transaction is sent to a client that starts at `start_point`.
inline bool sent_from(const Transaction& txn, Lsn start_point) { return txn.commit_lsn >= start_point; }

}  // namespace pgwire::replication
