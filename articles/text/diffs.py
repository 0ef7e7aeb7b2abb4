"""Readable differences between two revisions, built on difflib.

Paragraphs are matched first; inside a changed paragraph the words are
compared, so a one-word edit shows as one word, not a whole rewritten block.
Every piece of text is escaped before it is wrapped in <ins>/<del>.

difflib's matching costs up to the product of the two lengths (a reordered
1 500-word paragraph took 13 s), so one comparison of two revisions has a
budget of such work. What would exceed it is shown coarser (the unchanged
start and end still as they are, the differing middle removed and added
whole, paragraph by paragraph), and the page says so.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .evidence import grade_line

_REMOVED = '<del><span class="visually-hidden">removed: </span>{}</del>'
_ADDED = '<ins><span class="visually-hidden">added: </span>{}</ins>'


# Units of difflib work (items compared times items compared) one
# comparison of two revisions may spend: under a tenth of a second for the
# worst shapes in bench/text_paths.py, and far more than an ordinary
# revision needs, since the unchanged start and end of each sequence are
# set aside first.
DIFF_BUDGET = 1_000_000


class _Budget:
    def __init__(self, units: int = DIFF_BUDGET):
        self.left = units
        self.exceeded = False

    def spend(self, units: int) -> bool:
        """True when `units` of work still fit; otherwise note the shortfall."""
        if units > self.left:
            self.exceeded = True
            return False
        self.left -= units
        return True


# An opcode of our own for a differing middle too long to compare: all of
# the old part removed, then all of the new part added.
WHOLE = "replace-whole"


def _opcodes(old: list, new: list, budget: _Budget) -> list[tuple]:
    """difflib's opcodes for two sequences. The common start and end are
    matched without difflib; the middle between them is compared if the
    budget can pay for it, or else given as one WHOLE opcode."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old_end, new_end = len(old) - tail, len(new) - tail
    codes = [("equal", 0, head, 0, head)] if head else []
    if head < old_end and head < new_end:
        if budget.spend((old_end - head) * (new_end - head)):
            matcher = SequenceMatcher(a=old[head:old_end], b=new[head:new_end], autojunk=False)
            codes.extend(
                (op, a1 + head, a2 + head, b1 + head, b2 + head)
                for op, a1, a2, b1, b2 in matcher.get_opcodes()
            )
        else:
            codes.append((WHOLE, head, old_end, head, new_end))
    elif head < old_end or head < new_end:
        codes.append(("replace", head, old_end, head, new_end))
    if tail:
        codes.append(("equal", old_end, len(old), new_end, len(new)))
    return codes


def _words(text: str) -> list[str]:
    return re.split(r"(\s+)", text)


def diff_words(old: str, new: str, budget: _Budget | None = None) -> SafeString:
    """The new text with removed and added words marked."""
    old_words, new_words = _words(old), _words(new)
    parts = []
    for op, a1, a2, b1, b2 in _opcodes(old_words, new_words, budget or _Budget()):
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


class Blocks(list):
    """Blocks in reading order; `coarse` when some changes are shown whole
    rather than word by word, because the texts are too long to compare
    finely (the page says so)."""

    coarse = False


def diff_blocks(
    old_items: list[str], new_items: list[str], budget: _Budget | None = None
) -> Blocks:
    """Line up two lists (paragraphs, references) and word-diff the changed pairs."""
    budget = budget or _Budget()
    earlier, budget.exceeded = budget.exceeded, False
    blocks = Blocks()
    for op, a1, a2, b1, b2 in _opcodes(old_items, new_items, budget):
        if op == "equal":
            blocks.extend(Block("same", escape(item)) for item in old_items[a1:a2])
            continue
        olds, news = old_items[a1:a2], new_items[b1:b2]
        paired = 0 if op == WHOLE else min(len(olds), len(news))
        for old, new in zip(olds[:paired], news[:paired], strict=True):
            blocks.append(Block("changed", diff_words(old, new, budget)))
        blocks.extend(Block("removed", format_html(_REMOVED, old)) for old in olds[paired:])
        blocks.extend(Block("added", format_html(_ADDED, new)) for new in news[paired:])
    blocks.coarse = budget.exceeded
    budget.exceeded = earlier or blocks.coarse
    return blocks


def _reference_line(ref) -> str:
    bits = [ref.authors, ref.title, ref.journal, str(ref.year or "")]
    ids = [f"PMID {ref.pmid}" if ref.pmid else "", f"DOI {ref.doi}" if ref.doi else "", ref.url]
    grade = grade_line(getattr(ref, "study_type", ""), getattr(ref, "certainty", ""))
    return (
        ". ".join(b for b in bits if b)
        + (" — " + ", ".join(i for i in ids if i) if any(ids) else "")
        + (f" — Evidence: {grade}" if grade else "")
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


def diff_revisions(old, new, old_references: Sequence, new_references: Sequence) -> RevisionDiff:
    """Two revisions (or anything with a title, summary and body) and their
    references in list order. One budget for the whole comparison: the
    title (at most 300 characters) always fits; the summary, then the body,
    then the references take what is left."""
    budget = _Budget()
    return RevisionDiff(
        title=diff_words(old.title, new.title, budget),
        summary=diff_blocks(_paragraphs(old.summary), _paragraphs(new.summary), budget),
        body=diff_blocks(_paragraphs(old.body), _paragraphs(new.body), budget),
        references=diff_blocks(
            [_reference_line(r) for r in old_references],
            [_reference_line(r) for r in new_references],
            budget,
        ),
    )
