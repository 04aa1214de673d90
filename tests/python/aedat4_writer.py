"""AEDAT 4.0 files for the tests and the fuzz seeds, built with python3-flatbuffers' Builder
(Debian's python3-flatbuffers) following io/schemas/*.fbs, and compressed with the lz4 and zstd
command-line tools (Debian's lz4 and zstd): every byte comes from those tools, not from fluxon.
"""
import shutil
import struct
import subprocess

import flatbuffers

MAGIC = b"#!AER-DAT4.0\r\n"
#: IOHeader compression values (docs.inivation.com, "AEDAT 4.0").
NONE, LZ4, LZ4_HIGH, ZSTD, ZSTD_HIGH = range(5)


def description(streams):
    """DV's XML description; streams: (id, type, width or None, height or None)."""
    xml = '<dv version="2.0">\n    <node name="outInfo" path="/mainloop/Recorder/outInfo/">\n'
    for sid, kind, width, height in streams:
        xml += f'        <node name="{sid}" path="/mainloop/Recorder/outInfo/{sid}/">\n'
        xml += f'            <attr key="typeIdentifier" type="string">{kind}</attr>\n'
        xml += f'            <node name="info" path="/mainloop/Recorder/outInfo/{sid}/info/">\n'
        if width is not None:
            xml += f'                <attr key="sizeX" type="int">{width}</attr>\n'
        if height is not None:
            xml += f'                <attr key="sizeY" type="int">{height}</attr>\n'
        xml += "            </node>\n        </node>\n"
    return xml + "    </node>\n</dv>\n"


def header(compression, text, data_table=-1):
    """The first line and the size-prefixed IOHeader (slots: compression, data table, description)."""
    builder = flatbuffers.Builder(1024)
    text_offset = builder.CreateString(text)
    builder.StartObject(3)
    builder.PrependInt32Slot(0, compression, 0)
    builder.PrependInt64Slot(1, data_table, -1)
    builder.PrependUOffsetTRelativeSlot(2, text_offset, 0)
    builder.FinishSizePrefixed(builder.EndObject(), b"IOHE")
    return MAGIC + bytes(builder.Output())


def event_payload(events):
    """A size-prefixed EventPacket ("EVTS"); events: (t, x, y, on). Event is a 16-byte struct
    {int64 t, int16 x, int16 y, bool on} with 3 bytes of padding."""
    builder = flatbuffers.Builder(1024)
    builder.StartVector(16, len(events), 8)
    for t, x, y, on in reversed(events):
        builder.Prep(8, 16)
        builder.Pad(3)
        builder.PrependBool(bool(on))
        builder.PrependInt16(y)
        builder.PrependInt16(x)
        builder.PrependInt64(t)
    elements = builder.EndVector()
    builder.StartObject(1)
    builder.PrependUOffsetTRelativeSlot(0, elements, 0)
    builder.FinishSizePrefixed(builder.EndObject(), b"EVTS")
    return bytes(builder.Output())


def can_compress():
    return shutil.which("lz4") is not None and shutil.which("zstd") is not None


def compress(compression, payload):
    """payload as one LZ4 or Zstandard frame (unchanged for NONE)."""
    if compression == NONE:
        return payload
    tool = ["lz4", "-9" if compression == LZ4_HIGH else "-1"] if compression in (LZ4, LZ4_HIGH) else \
        ["zstd", "-19" if compression == ZSTD_HIGH else "-3"]
    return subprocess.run(tool + ["-c", "-q"], input=payload, capture_output=True, check=True).stdout


def packet(stream, body):
    """[int32 stream id][int32 size][body], little-endian."""
    return struct.pack("<ii", stream, len(body)) + body
