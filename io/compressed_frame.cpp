#include "io/compressed_frame.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <lz4frame.h>
#include <zstd.h>

namespace fluxon::io {
namespace {

// Room for the next chunk of output: doubles the buffer, never past `limit` + 1 bytes (one
// byte more than allowed is how an oversized frame is told from one that just fits).
bool grow(std::vector<unsigned char>& out, std::size_t used, std::size_t limit) {
    if (used > limit) return false;
    const std::size_t next = std::min(std::max<std::size_t>(2 * out.size(), 64 * 1024), limit + 1);
    if (next <= used) return false;
    out.resize(next);
    return true;
}

std::string too_large(std::size_t limit) {
    return fmt::format("decompresses to more than {} bytes, the most one packet may hold", limit);
}

std::optional<std::string> decompress_lz4(std::span<const unsigned char> in, std::size_t limit,
                                          std::vector<unsigned char>& out) {
    LZ4F_dctx* raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)))
        return std::string("cannot create an LZ4 decompression context");
    const std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(raw, &LZ4F_freeDecompressionContext);
    std::size_t read = 0, used = 0;
    out.clear();
    while (true) {
        if (used == out.size() && !grow(out, used, limit)) return too_large(limit);
        std::size_t out_size = out.size() - used, in_size = in.size() - read;
        const std::size_t hint =
            LZ4F_decompress(ctx.get(), out.data() + used, &out_size, in.data() + read, &in_size, nullptr);
        if (LZ4F_isError(hint)) return fmt::format("LZ4: {}", LZ4F_getErrorName(hint));
        read += in_size;
        used += out_size;
        if (used > limit) return too_large(limit);
        if (hint == 0) break;  // the frame is complete
        // Input all taken, output not full, frame not complete: the frame was cut short.
        if (read == in.size() && used < out.size())
            return fmt::format("LZ4: the frame ends early, after {} of its bytes", in.size());
        if (in_size == 0 && out_size == 0 && used < out.size()) return std::string("LZ4: the decoder makes no progress");
    }
    if (read != in.size()) return fmt::format("LZ4: {} bytes follow the end of the frame", in.size() - read);
    out.resize(used);
    return std::nullopt;
}

std::optional<std::string> decompress_zstd(std::span<const unsigned char> in, std::size_t limit,
                                           std::vector<unsigned char>& out) {
    const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    if (!ctx) return std::string("cannot create a Zstandard decompression context");
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::size_t used = 0;
    out.clear();
    while (true) {
        if (used == out.size() && !grow(out, used, limit)) return too_large(limit);
        ZSTD_outBuffer output{out.data(), out.size(), used};
        const std::size_t before = input.pos, output_before = output.pos;
        const std::size_t hint = ZSTD_decompressStream(ctx.get(), &output, &input);
        if (ZSTD_isError(hint)) return fmt::format("Zstandard: {}", ZSTD_getErrorName(hint));
        used = output.pos;
        if (used > limit) return too_large(limit);
        if (hint == 0) break;  // the frame is complete and flushed
        if (input.pos == input.size && used < out.size())
            return fmt::format("Zstandard: the frame ends early, after {} of its bytes", in.size());
        if (input.pos == before && output.pos == output_before && used < out.size())
            return std::string("Zstandard: the decoder makes no progress");
    }
    if (input.pos != input.size)
        return fmt::format("Zstandard: {} bytes follow the end of the frame", input.size - input.pos);
    out.resize(used);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> decompress_frame(frame_codec codec, std::span<const unsigned char> in, std::size_t limit,
                                            std::vector<unsigned char>& out) {
    if (in.empty()) return std::string("empty: expected a compressed frame");
    return codec == frame_codec::lz4 ? decompress_lz4(in, limit, out) : decompress_zstd(in, limit, out);
}

}  // namespace fluxon::io
