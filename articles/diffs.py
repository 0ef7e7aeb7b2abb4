"""Readable differences between two revisions, built on difflib.

Paragraphs are matched first; inside a changed paragraph the words are
compared, so a one-word edit shows as one word, not a whole rewritten block.
Every piece of text is escaped before it is wrapped in <ins>/<del>.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_REMOVED = '<del><span class="visually-hidden">removed: </span>{}</del>'
_ADDED = '<ins><span class="visually-hidden">added: </span>{}</ins>'


def _words(text: str) -> list[str]:
    return re.split(r"(\s+)", text)


def diff_words(old: str, new: str) -> SafeString:
    old_words, new_words = _words(old), _words(new)
    parts = []
    matcher = SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(format_html(_REMOVED, "".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(format_html(_ADDED, "".join(new_words[b1:b2])))
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Block:
    kind: str  # "same", "changed", "added", "removed"
    html: SafeString


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def diff_blocks(old_items: list[str], new_items: list[str]) -> list[Block]:
    """Line up two lists (paragraphs, references) and word-diff the changed pairs."""
    blocks = []
    matcher = SequenceMatcher(a=old_items, b=new_items, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            blocks.extend(Block("same", escape(item)) for item in old_items[a1:a2])
            continue
        olds, news = old_items[a1:a2], new_items[b1:b2]
        for old, new in zip(olds, news, strict=False):
            blocks.append(Block("changed", diff_words(old, new)))
        blocks.extend(Block("removed", format_html(_REMOVED, old)) for old in olds[len(news) :])
        blocks.extend(Block("added", format_html(_ADDED, new)) for new in news[len(olds) :])
    return blocks


def _reference_line(ref) -> str:
    bits = [ref.authors, ref.title, ref.journal, str(ref.year or "")]
    ids = [f"PMID {ref.pmid}" if ref.pmid else "", f"DOI {ref.doi}" if ref.doi else "", ref.url]
    return ". ".join(b for b in bits if b) + (
        " — " + ", ".join(i for i in ids if i) if any(ids) else ""
    )


@dataclass(frozen=True)
class RevisionDiff:
    title: SafeString
    summary: list[Block]
    body: list[Block]
    references: list[Block]

    @property
    def has_changes(self) -> bool:
        return (
            any(block.kind != "same" for block in (*self.summary, *self.body, *self.references))
            or "<ins>" in self.title
            or "<del>" in self.title
        )


def diff_revisions(old, new) -> RevisionDiff:
    return RevisionDiff(
        title=diff_words(old.title, new.title),
        summary=diff_blocks(_paragraphs(old.summary), _paragraphs(new.summary)),
        body=diff_blocks(_paragraphs(old.body), _paragraphs(new.body)),
        references=diff_blocks(
            [_reference_line(r) for r in old.references.all()],
            [_reference_line(r) for r in new.references.all()],
        ),
    )
