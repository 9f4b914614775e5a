"""Query focus: drop the boilerplate of real listings (company background, finances, team)."""
import functools
import os
import re

from .tokenize import DATA_DIR

# A section heading is a short line ending in a colon, e.g. "现有工作基础：" or "三、预期目标:".
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十\d]+[、.．)）]\s*)?([^\n:：]{2,14})[:：]\s*", re.M)
_SENTENCE = re.compile(r"[^。！？；;!?\n]+[。！？；;!?\n]?")


@functools.lru_cache(maxsize=1)
def _cues():
    """Boilerplate section names and sentence cues, from data/boilerplate.txt."""
    sections, cues = [], []
    with open(os.path.join(DATA_DIR, "boilerplate.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("section:"):
                sections.append(line[8:].strip())
            elif line.startswith("cue:"):
                cues.append(re.compile(line[4:].strip()))
    return sections, cues


def _drop_sections(text):
    """Remove sections whose heading names boilerplate (work basis, company profile...)."""
    sections, _ = _cues()
    parts, last, keep = [], 0, True
    for m in _HEADING.finditer(text):
        if keep:
            parts.append(text[last:m.start()])
        keep = not any(s in m.group(1) for s in sections)
        last = m.end() if keep else m.start()
    if keep:
        parts.append(text[last:])
    return "".join(parts)


def focus(text):
    """The technical core of a listing text: boilerplate sections and sentences removed."""
    if not text:
        return ""
    _, cues = _cues()
    core = _drop_sections(text)
    kept = [s for s in _SENTENCE.findall(core) if not any(c.search(s) for c in cues)]
    result = "".join(kept).strip()
    return result if len(result) >= 10 else text.strip()  # never focus a text away entirely
