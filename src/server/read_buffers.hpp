#pragma once
// The read buffers of connections waiting for their client (internal).
//
// A connection idle between statements holds no read buffer: it gives its
// buffer here before the wait and takes one back when the client's bytes
// have arrived (connection.cpp). Each io thread keeps a few, so that a
// connection waking up does not allocate: at 10,000 idle connections this
// is 8 KiB less each, and a busy connection still reads without an
// allocation per message.

#include <cstddef>

#include "pgwire/codec/framing.hpp"

namespace pgwire::detail {

// What one socket read asks for (FrameBuffer::prepare).
inline constexpr std::size_t read_size = 8192;

// A buffer kept by this thread, or none (prepare() then allocates one).
FrameBuffer::Storage take_read_buffer() noexcept;
// Keeps `s` for the next take on this thread when it has the usual size
// and the thread keeps fewer than a few dozen; frees it otherwise.
void give_read_buffer(FrameBuffer::Storage s) noexcept;

}  // namespace pgwire::detail
