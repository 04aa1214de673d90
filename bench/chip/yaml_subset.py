"""A reader for the subset of YAML that SANA-FE's network and architecture files use.

The bench may use only the Debian packages scripts/setup.sh installs, and PyYAML is not one of
them. SANA-FE's files (snn/*.yaml, arch/*.yaml) use block mappings and sequences, flow
collections that may span lines ({...}, [...], including single-pair mappings inside a flow
sequence such as [log_spikes: true]), plain and quoted scalars and comments. Anchors, tags,
multi-line strings and documents are not YAML that SANA-FE writes; meeting one is an error
naming the line, never a silently wrong value.
"""
import re

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")


class YamlError(ValueError):
    def __init__(self, source, line, message):
        super().__init__(f"{source}:{line}: {message}")
        self.line = line


def scalar(text):
    """The value of a plain or quoted scalar: int, float, bool, None or str."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        body = text[1:-1]
        return body.replace("''", "'") if text[0] == "'" else body.replace('\\"', '"')
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text)
    return text


def _strip_comment(line):
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _depth_change(text):
    """Open brackets minus closed ones, outside quotes."""
    depth, quote = 0, None
    for c in text:
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
    return depth


def _logical_lines(text, source):
    """(line number, indent, content) with comments and blank lines gone, and a flow
    collection that spans lines joined into its first line."""
    out, pending = [], None
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlError(source, number, "a tab in the indentation")
        line = _strip_comment(raw).rstrip()
        if pending is not None:
            pending[2] += " " + line.strip()
            pending[3] += _depth_change(line)
            if pending[3] <= 0:
                out.append(tuple(pending[:3]))
                pending = None
            continue
        if not line.strip():
            continue
        stripped = line.lstrip()
        if stripped in ("---", "..."):
            continue
        if stripped[0] in "&*!|>%" or re.search(r"(^|[\s:,\[{-])[&*!][A-Za-z]|:\s*[|>][-+]?$", stripped):
            raise YamlError(source, number, f"YAML beyond the subset SANA-FE writes: {stripped[:40]!r}")
        entry = [number, len(line) - len(stripped), stripped, _depth_change(stripped)]
        if entry[3] > 0:
            pending = entry
        else:
            out.append(tuple(entry[:3]))
    if pending is not None:
        raise YamlError(source, pending[0], "a flow collection ([ or {) that is never closed")
    return out


def _split_key(content):
    """Index of the ':' that ends a mapping key (followed by a space or the end), outside
    quotes and brackets; -1 when the content is not a mapping entry."""
    quote, depth = None, 0
    for i, c in enumerate(content):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == ":" and depth == 0 and (i + 1 == len(content) or content[i + 1] == " "):
            return i
    return -1


class _Flow:
    """A recursive-descent reader of one flow value ({...}, [...] or a scalar)."""

    def __init__(self, text, source, line):
        self.text, self.i, self.source, self.line = text, 0, source, line

    def fail(self, message):
        raise YamlError(self.source, self.line, f"{message} in {self.text[:60]!r}")

    def skip(self):
        while self.i < len(self.text) and self.text[self.i] == " ":
            self.i += 1

    def peek(self):
        self.skip()
        return self.text[self.i] if self.i < len(self.text) else ""

    def value(self, stops):
        c = self.peek()
        if c == "{":
            return self.mapping()
        if c == "[":
            return self.sequence()
        return scalar(self.plain(stops))

    def plain(self, stops):
        self.skip()
        start = self.i
        if self.i < len(self.text) and self.text[self.i] in "'\"":
            quote = self.text[self.i]
            end = self.text.find(quote, self.i + 1)
            if end < 0:
                self.fail("an unclosed quote")
            self.i = end + 1
            return self.text[start:self.i]
        while self.i < len(self.text):
            c = self.text[self.i]
            if c in stops or (c == ":" and (self.i + 1 == len(self.text) or self.text[self.i + 1] in " ,]}")):
                break
            self.i += 1
        return self.text[start:self.i].strip()

    def mapping(self):
        self.i += 1
        result = {}
        while True:
            if self.peek() == "}":
                self.i += 1
                return result
            key = scalar(self.plain(",}"))
            if self.peek() == ":":
                self.i += 1
                result[key] = None if self.peek() in ",}" else self.value(",}")
            else:
                result[key] = None
            c = self.peek()
            if c == ",":
                self.i += 1
            elif c != "}":
                self.fail("expected ',' or '}'")

    def sequence(self):
        self.i += 1
        result = []
        while True:
            if self.peek() == "]":
                self.i += 1
                return result
            item = self.value(",]")
            if self.peek() == ":":  # [key: value] is a single-pair mapping
                self.i += 1
                item = {item: self.value(",]")}
            result.append(item)
            c = self.peek()
            if c == ",":
                self.i += 1
            elif c != "]":
                self.fail("expected ',' or ']'")

    def whole(self):
        v = self.value("")
        if self.peek():
            self.fail("text after the value")
        return v


class _Block:
    def __init__(self, lines, source):
        self.lines, self.i, self.source = lines, 0, source

    def flow(self, text, line):
        return _Flow(text, self.source, line).whole()

    def node(self, indent):
        """The block node whose lines start at self.i with this indent."""
        line, _, content = self.lines[self.i]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent)
        if _split_key(content) >= 0:
            return self.mapping(indent)
        self.i += 1
        return self.flow(content, line)

    def sequence(self, indent):
        result = []
        while self.i < len(self.lines):
            line, ind, content = self.lines[self.i]
            if ind != indent or not (content == "-" or content.startswith("- ")):
                if ind > indent:
                    raise YamlError(self.source, line, "unexpected indentation")
                break
            rest = content[1:].lstrip()
            if not rest:
                self.i += 1
                result.append(self.child(indent, line))
            elif _split_key(rest) >= 0 and rest[0] not in "{[":
                # "- key: value" opens a mapping whose keys sit at the column of "key"
                inner = ind + len(content) - len(rest)
                self.lines[self.i] = (line, inner, rest)
                result.append(self.mapping(inner))
            else:
                self.i += 1
                result.append(self.flow(rest, line))
        return result

    def child(self, indent, line, allow_same_indent_sequence=False):
        """The value of a key or '-' whose text is empty: the block below it, or None."""
        if self.i >= len(self.lines):
            return None
        _, ind, content = self.lines[self.i]
        if ind > indent:
            return self.node(ind)
        if allow_same_indent_sequence and ind == indent and (content == "-" or content.startswith("- ")):
            return self.sequence(ind)
        return None

    def mapping(self, indent):
        result = {}
        while self.i < len(self.lines):
            line, ind, content = self.lines[self.i]
            if ind != indent:
                if ind > indent:
                    raise YamlError(self.source, line, "unexpected indentation")
                break
            if content == "-" or content.startswith("- "):
                break
            colon = _split_key(content)
            if colon < 0:
                raise YamlError(self.source, line, f"expected 'key: value', got {content[:40]!r}")
            key = scalar(content[:colon])
            rest = content[colon + 1:].strip()
            if key in result:
                raise YamlError(self.source, line, f"key {key!r} given twice")
            self.i += 1
            result[key] = self.child(indent, line, True) if not rest else self.flow(rest, line)
        return result


def loads(text, source="<text>"):
    """The document in text as dicts, lists and scalars."""
    lines = _logical_lines(text, source)
    if not lines:
        return None
    block = _Block(lines, source)
    value = block.node(lines[0][1])
    if block.i != len(lines):
        raise YamlError(source, lines[block.i][0], "text after the document's top-level node")
    return value


def load(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read(), str(path))
