#!/usr/bin/env python3
"""Structural checks of the exports, printing one line per problem (nothing when fine).

  check.py trace FILE   the Chrome trace-event JSON (Trace Event Format): an object with a
                        traceEvents list and displayTimeUnit "ms"; every event has name, ph,
                        pid, tid; every X event integer ts >= 0 and dur >= 0; every i event a
                        scope s of g/p/t; every tid an X or i event uses is named by a
                        thread_name metadata event; X events on one track nest (no partial
                        overlap), which viewers need to stack them.
  check.py svg FILE     well-formed XML with an <svg> root in the SVG namespace and a
                        width/height/viewBox.
  check.py png FILE     a rendered picture: a PNG, over 3 KB, with ink and colours.
"""
import json
import sys
import xml.dom.minidom


def check_trace(path):
    problems = []
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        return ["no traceEvents list"]
    if doc.get("displayTimeUnit") != "ms":
        problems.append("displayTimeUnit is not ms")
    named, used, spans = set(), set(), {}
    for n, e in enumerate(doc["traceEvents"]):
        for k in ("name", "ph", "pid", "tid"):
            if k not in e:
                problems.append("event %d lacks %s" % (n, k))
        ph = e.get("ph")
        if ph == "M" and e.get("name") == "thread_name":
            if not e.get("args", {}).get("name"):
                problems.append("event %d: thread_name without a name" % n)
            named.add(e["tid"])
        elif ph == "X":
            ts, dur = e.get("ts"), e.get("dur")
            if not isinstance(ts, int) or not isinstance(dur, int) or ts < 0 or dur < 0:
                problems.append("event %d: X with ts=%r dur=%r" % (n, ts, dur))
                continue
            used.add(e["tid"])
            spans.setdefault(e["tid"], []).append((ts, ts + dur, e["name"]))
        elif ph == "i":
            if e.get("s") not in ("g", "p", "t"):
                problems.append("event %d: instant scope %r" % (n, e.get("s")))
            if not isinstance(e.get("ts"), int) or e["ts"] < 0:
                problems.append("event %d: instant ts %r" % (n, e.get("ts")))
            if e.get("s") == "t":
                used.add(e["tid"])
        elif ph != "M":
            problems.append("event %d: unexpected ph %r" % (n, ph))
    for tid in sorted(used - named):
        problems.append("tid %d has no thread_name" % tid)
    for tid, lst in spans.items():
        lst.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for b, e, name in lst:
            while stack and stack[-1][1] <= b and not (stack[-1][1] == b == e):
                stack.pop()
            if stack and e > stack[-1][1]:
                problems.append("tid %d: %r [%d,%d] overlaps %r [%d,%d] without nesting"
                                % (tid, name, b, e, stack[-1][2], stack[-1][0], stack[-1][1]))
            stack.append((b, e, name))
    return problems


def check_svg(path):
    dom = xml.dom.minidom.parse(path)
    root = dom.documentElement
    problems = []
    if root.tagName != "svg" or root.getAttribute("xmlns") != "http://www.w3.org/2000/svg":
        problems.append("root is not an svg element in the SVG namespace")
    for a in ("width", "height", "viewBox"):
        if not root.getAttribute(a):
            problems.append("svg lacks " + a)
    return problems


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def check_png(path):
    """A real picture, not a blank page: decodes the PNG (zlib only, no PIL) and wants more than
    0.5 % of the pixels not white and at least 4 distinct colours."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return ["not a PNG"]
    if len(data) < 3000:
        return ["only %d bytes" % len(data)]
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        return ["unsupported PNG layout: depth %d colour type %d" % (depth, ctype)]
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    inked, colours = 0, set()
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + prev[i]) & 255
            elif ft == 3:
                line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
            elif ft == 4:
                c = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(a, prev[i], c)) & 255
        for x in range(0, stride, bpp):
            px = bytes(line[x:x + 3])
            if px != b"\xff\xff\xff":
                inked += 1
                if len(colours) < 64:
                    colours.add(px)
        prev = line
    problems = []
    if inked * 200 < w * h:
        problems.append("only %d of %d pixels are not white" % (inked, w * h))
    if len(colours) < 4:
        problems.append("only %d colours" % len(colours))
    return problems


def main():
    kind, path = sys.argv[1], sys.argv[2]
    try:
        problems = {"trace": check_trace, "svg": check_svg, "png": check_png}[kind](path)
    except Exception as exc:  # a parse error is the finding
        problems = ["%s: %s" % (type(exc).__name__, exc)]
    for p in problems[:20]:
        print(p)
    sys.exit(1 if problems else 0)


main()
