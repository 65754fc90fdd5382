#pragma once
// What handlers return: one Response per statement (pgwire/protocol/results.hpp).
// Rows are pulled from a RowSource by the connection, batch by batch, so a
// result of any size is streamed with bounded memory: when the client reads
// slowly, the connection stops pulling (backpressure), and an Execute with a
// row limit simply stops and resumes the same source later (PortalSuspended).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/awaitable.hpp>

#include "pgwire/protocol/results.hpp"

namespace pgwire {

class RowSource : public RowStream {
 public:
  RowSource() = default;
  // Append rows with out.begin_row() ... out.end_row() while out.wants_more().
  // Return false when no rows remain. Throw PgError to end the result with an
  // error (rows already sent stay sent, as in PostgreSQL).
  virtual asio::awaitable<bool> fill(RowWriter& out) = 0;
};

// A RowSource over a synchronous callable `bool(RowWriter&)` that writes one
// row and returns false when there are no more (the callable owns its state).
std::unique_ptr<RowSource> make_row_source(std::function<bool(RowWriter&)> next_row);

// Rows given up front as text values (nullopt = NULL): for small fixed results.
std::unique_ptr<RowSource> make_text_rows(std::vector<std::vector<std::optional<std::string>>> rows);

}  // namespace pgwire
