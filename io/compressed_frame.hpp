#pragma once
// One whole LZ4 or Zstandard frame (the frame formats of liblz4's lz4frame.h and libzstd), as
// AEDAT 4.0 compresses each packet. Decoding is the libraries'; this only drives them over a
// frame whose decompressed size the frame header may or may not state.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fluxon::io {

enum class frame_codec { lz4, zstd };

// Decompresses `in`, which must hold exactly one complete frame, into `out` (replacing what it
// held). Returns what is wrong instead of throwing, for the caller to name the file and offset:
// the library's message, a frame that ends early, bytes after the frame, or more than `limit`
// decompressed bytes.
std::optional<std::string> decompress_frame(frame_codec codec, std::span<const unsigned char> in, std::size_t limit,
                                            std::vector<unsigned char>& out);

}  // namespace fluxon::io
