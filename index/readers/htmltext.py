"""HTML fragments (as First Agenda's item HTML) to plain text: paragraphs and headings, no markup left.

The result is a list of blocks in document order: a heading (`h1`…`h6`, with its level and whether it sits
inside inline content such as a `<span>`, which is how First Agenda nests sub-headings) or a paragraph.
Paragraph text keeps the document's line breaks (`<br>`, list entries, table rows) as "\\n"; two `<br>` in a
row end the paragraph. Entities are decoded, runs of white space (including no-break spaces and the source's
own line wrapping) become one space, list entries get a bullet or their number, table rows become one line
with the cells joined by " | ". Nothing of `<script>`/`<style>` is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "select", "textarea", "head"}
_BLOCK = {
    "div", "p", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote", "section",
    "article", "header", "footer", "pre", "dl", "dt", "dd", "hr", "figure", "figcaption", "address", "center",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE_CONTAINERS = {"span", "font", "em", "strong", "b", "i", "u", "a", "p"}  # a heading inside one is nested
_SPACE = re.compile(r"\s+")
TABLE_CELL_SEPARATOR = " | "


@dataclass
class Block:
    text: str
    heading: int = 0  # 1-6 for a heading, 0 for a paragraph
    nested: bool = False  # a heading inside inline content (a sub-heading in First Agenda's item HTML)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\xa0", " ")).strip()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.skip = 0
        self.line: list[str] = []  # fragments of the line being read
        self.prefix = ""  # bullet or number of the list entry the line starts
        self.lines: list[str] = []  # finished lines of the paragraph being read
        self.heading: tuple[str, bool] | None = None  # tag and nesting of the heading being read
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next number]
        self.cells: list[str] | None = None  # cells of the table row being read
        self.cell: list[str] | None = None  # fragments of the cell being read
        self.tables = 0

    # ---- lines and paragraphs -----------------------------------------------------------------

    def _flush_line(self) -> None:
        text = _norm("".join(self.line))
        self.line = []
        if text:
            self.lines.append(self.prefix + text)
            self.prefix = ""

    def _flush_para(self) -> None:
        self._flush_line()
        if self.lines:
            self.blocks.append(Block("\n".join(self.lines)))
        self.lines = []

    def _in_cell(self) -> bool:
        return self.cell is not None

    # ---- parser callbacks ---------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br" and not self.skip:
                self._br()
            elif tag == "hr" and not self.skip and not self._in_cell():
                self._flush_para()
            return
        self.stack.append(tag)
        if self.skip or tag in _SKIP:
            self.skip += 1
            return
        if self.heading is not None:
            if tag in _BLOCK:
                self.line.append(" ")  # a block inside a heading is part of its one line
            return
        if self._in_cell():
            if tag in ("td", "th") and self.tables == 1:
                self._end_cell()
                self.cell = []
            elif tag == "tr" and self.tables == 1:
                self._end_row()
                self.cells, self.cell = [], None
            elif tag == "table":
                self.tables += 1
            elif tag in _BLOCK or tag in _HEADINGS:
                self.cell.append(" ")  # type: ignore[union-attr]
            return
        if tag in _HEADINGS and self.heading is None and not self.lists:
            self._flush_para()
            nested = any(t in _INLINE_CONTAINERS for t in self.stack[:-1])
            self.heading = (tag, nested)
        elif tag == "table":
            self._flush_para()
            self.tables = 1
            self.cells = []
        elif tag in ("tr",) and self.tables:
            self._end_row()
            self.cells = []
        elif tag in ("td", "th") and self.tables:
            if self.cells is None:
                self.cells = []
            self.cell = []
        elif tag in ("ul", "ol"):
            if self.lists:
                self._flush_line()
            else:
                self._flush_para()
            start = dict(attrs).get("start") or "1"
            self.lists.append([tag == "ol", int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._flush_line()
            if self.lists:
                ordered, number = self.lists[-1]
                indent = "  " * (len(self.lists) - 1)
                self.prefix = f"{indent}{number}. " if ordered else f"{indent}• "
                self.lists[-1][1] += 1
            else:
                self.prefix = "• "
        elif tag in _BLOCK:
            if self.lists:
                self._flush_line()
            else:
                self._flush_para()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return  # a stray end tag: browsers ignore it too
        while self.stack:
            open_tag = self.stack.pop()
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        if self._in_cell() or (self.tables and tag in ("tr", "table", "td", "th")):
            if tag in ("td", "th") and self.tables == 1:
                self._end_cell()
            elif tag == "tr" and self.tables == 1:
                self._end_row()
            elif tag == "table":
                self.tables -= 1
                if self.tables == 0:
                    self._end_row()
                    self.cells = None
                    self._flush_para()
            return
        if self.heading is not None:
            if tag != self.heading[0]:
                if tag in _BLOCK:
                    self.line.append(" ")
                return
            nested = self.heading[1]
            self.heading = None
            text = _norm("".join(self.line))
            self.line = []
            self.blocks.append(Block(text, heading=int(tag[1]), nested=nested))
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            if self.lists:
                self._flush_line()
            else:
                self._flush_para()
        elif tag == "li":
            self._flush_line()
            self.prefix = ""  # an empty entry gives its bullet to nobody
        elif tag in _BLOCK:
            if self.lists:
                self._flush_line()
            else:
                self._flush_para()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.tables:
            return  # text between cells is layout white space
        else:
            self.line.append(data)

    def _br(self) -> None:
        if self.cell is not None:
            self.cell.append(" ")
        elif self.heading is not None:
            self.line.append(" ")
        elif not _norm("".join(self.line)) and self.lines and not self.lists:
            self._flush_para()  # <br><br>: an empty line ends the paragraph
        else:
            self._flush_line()

    def _end_cell(self) -> None:
        if self.cell is not None and self.cells is not None:
            text = _norm("".join(self.cell))
            if text:
                self.cells.append(text)
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.cells:
            self.lines.append(TABLE_CELL_SEPARATOR.join(self.cells))
        self.cells = [] if self.tables else None

    def finish(self) -> list[Block]:
        self.close()
        while self.stack:
            self._close(self.stack.pop())
        if self.heading is not None:  # an unclosed heading still counts as one
            self._close(self.heading[0])
        self._end_row()
        self._flush_para()
        return self.blocks


def html_blocks(html: str) -> list[Block]:
    """The headings and paragraphs of an HTML fragment, in order; empty ones left out."""
    conv = _Converter()
    conv.feed(html)
    return [b for b in conv.finish() if b.text or b.heading]


def html_text(html: str) -> str:
    """Plain text of an HTML fragment: headings and paragraphs as blank-line-separated paragraphs."""
    return "\n\n".join(b.text for b in html_blocks(html) if b.text)
