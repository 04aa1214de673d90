// Event-camera recordings in every format; the first byte of the input picks the format (and
// for AEDAT 2.0 the camera), the rest is the file.
#include "io/event_file.hpp"
#include "targets.hpp"

namespace fluxon::fuzz {

int event_file(input data) {
    if (data.empty()) return 0;
    static constexpr io::event_format formats[] = {io::event_format::nmnist, io::event_format::aedat2,
                                                   io::event_format::aedat3, io::event_format::prophesee_dat,
                                                   io::event_format::evt2,   io::event_format::evt3,
                                                   io::event_format::aedat4};
    const std::uint8_t pick = data[0];
    io::event_read_options options;
    options.format = formats[pick % std::size(formats)];
    if (options.format == io::event_format::aedat2)
        options.sensor = (pick / std::size(formats)) % 2 == 0 ? io::aer_sensor::dvs128 : io::aer_sensor::davis346;
    return expect_named_errors([&] { io::read_event_file(as_file(data.subspan(1), "fuzz.events"), options); });
}

}  // namespace fluxon::fuzz
