#pragma once
// The buffers of connections waiting for their client (internal).
//
// Between statements a connection holds neither its read buffer nor its
// output buffer: it parks them here before it waits and takes some back
// once the client's bytes are there (connection_io.cpp). Each io thread keeps
// a few, so that a connection waking up does not allocate: at 10,000 idle
// connections this is 8.5 KiB less each, and a busy connection still reads
// and writes without an allocation per message.

#include <cstddef>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/framing.hpp"

namespace pgwire::detail {

// What one socket read asks for (FrameBuffer::prepare).
inline constexpr std::size_t read_size = 8192;
// The read between statements goes to the connection's own small buffer
// (the first bytes of the next message); a message longer than that takes
// one more read to arrive whole.
inline constexpr std::size_t idle_read_size = 128;

// Gives away the storage of `in` and `out` (when empty) to this thread's
// stock: a read buffer of the usual size and an output buffer that is not
// large are kept, up to a few dozen each; the others are freed.
void park_buffers(FrameBuffer& in, Buffer& out) noexcept;
// Gives `in` and `out` storage from this thread's stock when they have
// none: `in` a buffer that holds the idle read plus one read_size read
// without growing (a new one when the stock is empty), `out` one if the
// stock has one (else it allocates when first written).
void unpark_buffers(FrameBuffer& in, Buffer& out);

}  // namespace pgwire::detail
