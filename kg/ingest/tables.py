"""Tables (CSV, TSV) + a small YAML mapping → one source graph.

Analysts keep agreements in spreadsheets: one row per agreement, or one row per
(agreement, party) *membership* with that party's own signature, ratification, entry
into force and withdrawal dates. A mapping file says which columns become which
entities and properties of the ontology; the same modelling and IRIs as curated
records (:mod:`kg.ingest.records`) are used, so a treaty from a table and the same
treaty from a records file or an article become one node.

The mapping (YAML; documented with examples in ``data/tables/README.md``)::

    source: {id: treaty-memberships, title: Space treaty memberships, published: 2024-01-01}
    row: membership                 # agreement | membership
    agreement:
      name: "{Treaty}"              # required; a template of column values
      kind: treaty                  # constant, or "{Kind}"
      status: "{Status}"            # optional: derived when absent or empty (see below)
      topics: [space, "{Topic}"]    # constants and templates; cells may hold lists
      aliases: "{Short name}"
      signed: "Opened for signature"   # agreement-level dates: a column name
      announced: "Announced"
      note: "{Remarks}"
    party: {country: "{Country code}", status: "{Party status}"}   # membership rows
    dates: {signed: "Signature", ratified: "Ratification", in_force: "Entry into force", withdrew: "Withdrawal"}
    date_formats: ["%d.%m.%Y", "%Y-%m-%d"]
    missing: ["", "NA", "n/a"]
    separator: ";"                  # splits cells of list fields (topics, aliases, parties)
    delimiter: ","                  # default: "," for .csv, tab for .tsv

Values:

* **Templates** (``name``, ``kind``, ``status``, ``topics``, ``aliases``, ``note``,
  ``parties``, ``party.country``, ``party.actor``, ``party.status``): text in which
  ``{Column}`` stands for that row's cell (``{{`` and ``}}`` for literal braces). Text
  without ``{...}`` is a constant. If any column a template uses is missing in a row
  (empty or one of ``missing``), the value is missing in that row.
* **Dates** (``dates.*``, ``agreement.signed``, ``agreement.announced``): a column name
  (or a template). Tried against ``date_formats`` (Python ``strptime`` formats), then as
  ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (kept as precise as given).
* **Countries**: ISO 3166 alpha-3 or alpha-2 codes or any name the country index knows,
  always resolved to ``sdid:country/{ISO3}``. A party cell is never "missing" when it
  names a country: ``NA`` there is Namibia, whatever ``missing:`` says. ``party.actor`` takes a country or the
  name of an organisation already in the store.

Modelling (membership rows): each row adds ``sd:party`` (the shortcut) and an
``sd:Participation`` node (``sd:actor``, ``sd:signedOn``, ``sd:ratifiedOn``,
``sd:inForceFrom``, ``sd:withdrewOn``, optional ``sd:status``) to its agreement. The
agreement gets one ``sd:status``: the ``status`` column where given (it must agree on
every row of the agreement), else derived: *in force* if any party has an entry into
force date, else *signed*. In agreement rows, ``agreement.parties`` lists the parties
(separated by ``separator``) and no participation nodes are made.

Every problem names the file, the line, the data row and the column
(``t.csv:14: row 13, column 'Country code': unknown country 'XYZ'``); problems of the
mapping name the mapping file, line and key. Rows are streamed (``csv`` from the
standard library); the file must be UTF-8 (with or without BOM), checked line by line.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ..bundled import TopicIndex
from ..errors import InputError, ResolutionError
from ..resolve import Country, CountryIndex, normalise_name
from ..values import parse_date
from ..vocab import SD, entity_iri
from .records import AGREEMENT_KINDS, STATUSES, load_yaml
from .source import MAX_BYTES, SourceGraph, SourceMeta, _guess_encoding

__all__ = ["read_tables", "load_mapping", "Mapping", "find_mapping", "DEFAULT_MISSING", "DEFAULT_DATE_FORMATS"]

#: cells that mean "no value" unless the mapping's ``missing:`` says otherwise (case-insensitive)
DEFAULT_MISSING = ("", "NA", "N/A", "n/a", "-", "null", "none")
#: date formats tried unless the mapping's ``date_formats:`` says otherwise (then ISO forms)
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y")
ROW_KINDS = ("agreement", "membership")
DATE_KEYS = {"signed": SD.signedOn, "ratified": SD.ratifiedOn, "in_force": SD.inForceFrom, "withdrew": SD.withdrewOn}

_KEYS: dict[str, set[str]] = {
    "": {"source", "row", "agreement", "party", "dates", "date_formats", "missing", "separator", "delimiter"},
    "source": {"id", "title", "publisher", "published", "url", "kind", "note"},
    "agreement": {"name", "kind", "status", "topics", "aliases", "signed", "announced", "note", "parties"},
    "party": {"country", "actor", "status"},
    "dates": set(DATE_KEYS),
}
_TEMPLATE_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_EMPTY = frozenset({""})
# namespace look-ups cost microseconds; the row loop uses these
_SD_PARTY, _SD_PARTICIPATION, _SD_PARTICIPATION_CLASS, _SD_ACTOR, _SD_STATUS = (
    SD.party, SD.participation, SD.Participation, SD.actor, SD.status
)
_ISO_FORMS = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

#: looks a name up among entities already in the store: name → IRI or None
StoreLookup = Callable[[str], "URIRef | None"]


# --- the mapping ---------------------------------------------------------------------------


@dataclass
class Template:
    """A mapping value: constant text with ``{Column}`` placeholders."""

    key: str  # where in the mapping, e.g. "agreement.name"
    text: str
    parts: list[str | int] = field(default_factory=list)  # text, or index of a column
    columns: list[str] = field(default_factory=list)

    @property
    def constant(self) -> bool:
        return not self.columns

    def render(self, row: list[str], missing: frozenset[str]) -> str | None:
        out = []
        for p in self.parts:
            if isinstance(p, int):
                v = row[p].strip()
                if v.casefold() in missing:
                    return None
                out.append(v)
            else:
                out.append(p)
        text = "".join(out).strip()
        return text or None

    def column(self) -> str | None:
        """The column that a value of this template comes from (for messages)."""
        return self.columns[0] if len(self.columns) == 1 else None


@dataclass
class Mapping:
    """A parsed mapping file. ``bind(header)`` ties its columns to positions in a table."""

    path: Path
    lines: dict[tuple, int]
    source: dict[str, Any]
    row: str
    agreement: dict[str, Template | list[Template]]
    party: dict[str, Template]
    dates: dict[str, Template]
    date_formats: tuple[str, ...]
    missing: frozenset[str]
    separator: str
    delimiter: str | None

    def where(self, key: str) -> str:
        parts = tuple(int(p) if p.isdigit() else p for p in key.split(".")) if key else ()
        for n in range(len(parts), -1, -1):
            line = self.lines.get(parts[:n])
            if line:
                return f"{self.path}:{line}: {key}" if key else f"{self.path}:{line}"
        return f"{self.path}: {key}"

    def templates(self) -> Iterator[Template]:
        for v in self.agreement.values():
            yield from v if isinstance(v, list) else [v]
        yield from self.party.values()
        yield from self.dates.values()

    def bind(self, header: list[str], table: Path) -> None:
        """Replace column names by their positions in ``header``; unknown columns are errors."""
        index = {h: i for i, h in enumerate(header)}
        folded = {h.strip().casefold(): i for i, h in enumerate(header)}
        for t in self.templates():
            parts: list[str | int] = []
            for p in t.parts:
                if isinstance(p, int):
                    name = t.columns[p]
                    i = index.get(name)
                    if i is None:
                        i = folded.get(name.strip().casefold())
                    if i is None:
                        close = difflib.get_close_matches(name, header, n=2, cutoff=0.6)
                        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
                        raise InputError(
                            f"column {name!r} named by the mapping ({self.where(t.key)}) is not in the table{hint}; "
                            f"its columns are: {', '.join(map(repr, header))}",
                            path=str(table),
                            line=1,
                        )
                    parts.append(-1 - i)  # negative while binding, so already-bound parts are not confused
                else:
                    parts.append(p)
            t.parts = [(-1 - p) if isinstance(p, int) else p for p in parts]


def _template(key: str, value: Any, m_fail: Callable[[str, str], InputError], *, column: bool = False) -> Template:
    """A template from a mapping value; ``column=True``: text without braces names a column."""
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise m_fail(key, f"expected text (a constant or a template such as '{{Column}}'), got {value!r}")
    if column and "{" not in value:
        return Template(key, value, [0], [value])
    t = Template(key, value)
    pos = 0
    for m in _TEMPLATE_PART.finditer(value):
        if m.start() > pos:
            t.parts.append(value[pos : m.start()])
        tok = m.group(0)
        if tok in ("{{", "}}"):
            t.parts.append(tok[0])
        elif tok in ("{", "}"):
            raise m_fail(key, f"unbalanced brace in {value!r} (write {{{{ or }}}} for a literal brace)")
        else:
            name = m.group(1)
            if not name.strip():
                raise m_fail(key, f"empty column name '{{}}' in {value!r}")
            t.columns.append(name)
            t.parts.append(len(t.columns) - 1)
        pos = m.end()
    if pos < len(value):
        t.parts.append(value[pos:])
    return t


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file (not yet tied to a table's header)."""
    if not path.is_file():
        raise InputError("no such mapping file", path=str(path))
    text = path.read_text("utf-8-sig")
    doc, lines = load_yaml(text, path, what="YAML (mapping)")
    m = Mapping(path, lines, {}, "membership", {}, {}, {}, DEFAULT_DATE_FORMATS, frozenset(), ";", None)

    def fail(key: str, message: str) -> InputError:
        return InputError(f"{m.where(key)}: {message}")

    if not isinstance(doc, dict):
        raise InputError("a mapping is a YAML mapping with 'row:', 'agreement:' ... (see data/tables/README.md)", path=str(path))

    def section(name: str, prefix: str = "") -> dict:
        value = doc.get(name) if not prefix else None
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise fail(name, "expected a mapping of keys to values")
        unknown = set(map(str, value)) - _KEYS[name]
        if unknown:
            raise fail(f"{name}.{sorted(unknown)[0]}", f"unknown key; allowed under {name}: {', '.join(sorted(_KEYS[name]))}")
        return value

    unknown = set(map(str, doc)) - _KEYS[""]
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown key; allowed: {', '.join(sorted(_KEYS['']))}")
    m.source = section("source")
    m.row = str(doc.get("row") or "membership").strip().lower()
    if m.row not in ROW_KINDS:
        raise fail("row", f"row must be one of {', '.join(ROW_KINDS)}, not {m.row!r}")

    agreement = section("agreement")
    if not agreement.get("name"):
        raise fail("agreement", "missing 'name' (the agreement's name, e.g. name: \"{Treaty}\")")
    for key, value in agreement.items():
        k = f"agreement.{key}"
        if key in ("topics", "aliases", "parties"):
            items = value if isinstance(value, list) else [value]
            m.agreement[key] = [_template(f"{k}.{i}" if isinstance(value, list) else k, v, fail) for i, v in enumerate(items)]
        else:
            m.agreement[key] = _template(k, value, fail, column=key in ("signed", "announced"))

    party = section("party")
    dates = section("dates")
    if m.row == "membership":
        if "parties" in agreement:
            raise fail("agreement.parties", "membership rows name one party per row under 'party:' (country: or actor:), not agreement.parties")
        if bool(party.get("country")) == bool(party.get("actor")):
            raise fail("party", "give exactly one of 'country' (ISO codes or names) or 'actor' (a country or an organisation in the store)")
        m.party = {k: _template(f"party.{k}", v, fail) for k, v in party.items()}
        m.dates = {k: _template(f"dates.{k}", v, fail, column=True) for k, v in dates.items()}
    else:
        if "parties" not in agreement:
            raise fail("agreement", "agreement rows need 'parties' (a column holding the parties, e.g. parties: \"{Parties}\")")
        if party or dates:
            raise fail("party" if party else "dates", "per-party 'party:' and 'dates:' belong to row: membership; use agreement.signed for agreement rows")

    if doc.get("date_formats") is not None:
        fmts = doc["date_formats"] if isinstance(doc["date_formats"], list) else [doc["date_formats"]]
        for i, f in enumerate(fmts):
            if not isinstance(f, str) or "%" not in f:
                raise fail(f"date_formats.{i}", f"not a strptime format such as '%d.%m.%Y': {f!r}")
        m.date_formats = tuple(fmts)
    missing = doc.get("missing")
    if missing is None:
        missing = list(DEFAULT_MISSING)
    elif not isinstance(missing, list):
        missing = [missing]
    m.missing = frozenset(str(v).strip().casefold() for v in [*missing, ""])  # an empty cell is always missing
    for key in ("separator", "delimiter"):
        v = doc.get(key)
        if v is not None:
            v = {"\\t": "\t", "tab": "\t"}.get(str(v), str(v))
            if len(v) != 1 or (key == "delimiter" and v in "\"\r\n"):
                raise fail(key, f"{key} must be a single character, not {v!r}")
            setattr(m, key, v)
    return m


def find_mapping(table: Path) -> Path | None:
    """The mapping beside a table: ``name.mapping.yaml`` (or ``.yml``) for ``name.csv``."""
    for ext in (".mapping.yaml", ".mapping.yml"):
        p = table.with_name(table.stem + ext)
        if p.is_file():
            return p
    return None


# --- reading the table ------------------------------------------------------------------


def _text_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 text file, decoded one at a time (constant memory), with the
    same refusals as :func:`~kg.ingest.source.read_file_text`."""
    if not path.exists():
        raise InputError("no such file", path=str(path))
    if path.is_dir():
        raise InputError("is a directory", path=str(path))
    if path.stat().st_size == 0:
        raise InputError("empty file (no header, no rows)", path=str(path))
    with path.open("rb") as f:
        head = f.read(8192)
        if b"\x00" in head:
            raise InputError("binary file, not text (save the spreadsheet as CSV UTF-8)", path=str(path))
        f.seek(0)
        for n, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as e:
                f.seek(0)
                guess = _guess_encoding(f.read(65536))
                hint = f" (it looks like {guess}; convert it with `iconv -f {guess} -t utf-8`, or save as CSV UTF-8)" if guess else ""
                raise InputError(f"not valid UTF-8 at byte {e.start} of the line{hint}", path=str(path), line=n) from None
            yield line


class _Reader:
    """Turns rows into triples; remembers what each agreement has seen across rows."""

    def __init__(self, table: Path, mapping: Mapping, lookup: StoreLookup | None):
        self.table, self.m, self.lookup = table, mapping, lookup
        self.g = Graph()
        self.countries = CountryIndex.default()
        self.topics = TopicIndex.default()
        self._country_cache: dict[str, Country | None] = {}
        self._actor_cache: dict[str, URIRef] = {}
        self._date_cache: dict[str, Literal] = {}
        self._topic_cache: dict[str, URIRef] = {}
        self._countries_seen: set[str] = set()
        self._date_rx = [_format_regex(f) for f in mapping.date_formats]
        # agreement IRI -> state
        self.agreements: dict[URIRef, dict[str, Any]] = {}
        self.memberships: dict[tuple[URIRef, URIRef], int] = {}
        self.line = 0
        self.rowno = 0

    # errors
    def fail(self, where: Template | str | None, message: str, cls: type[InputError] = InputError) -> InputError:
        """An error at the current row: ``where`` is the template (or column) the value came from."""
        loc = None
        if isinstance(where, Template):
            col = where.column()
            loc = f"column {col!r}" if col else f"{where.key} ({where.text!r})"
        elif where:
            loc = f"column {where!r}"
        prefix = f"row {self.rowno}, {loc}" if loc else f"row {self.rowno}"
        return cls(f"{prefix}: {message}", path=str(self.table), line=self.line)

    # values
    def value(self, t: Template | None, row: list[str]) -> str | None:
        return t.render(row, self.m.missing) if t is not None else None

    def values(self, ts: list[Template] | None, row: list[str]) -> list[tuple[Template, str]]:
        out = []
        for t in ts or ():
            v = self.value(t, row)
            if v is None:
                continue
            items = [x.strip() for x in v.split(self.m.separator)] if not t.constant or self.m.separator in v else [v]
            out += [(t, x) for x in items if x and x.casefold() not in self.m.missing]
        return out

    def date(self, t: Template, row: list[str]) -> Literal | None:
        text = self.value(t, row)
        if text is None:
            return None
        hit = self._date_cache.get(text)
        if hit is not None:
            return hit
        lit = None
        for f, rx in zip(self.m.date_formats, self._date_rx):
            try:
                if rx is not None:  # the common formats, without strptime's cost
                    hit = rx[0].match(text)
                    if hit is None:
                        continue
                    parts = dict(zip(rx[1], map(int, hit.groups())))
                    d = dt.date(parts["Y"], parts["m"], parts["d"])
                else:
                    d = dt.datetime.strptime(text, f).date()
            except ValueError:
                if rx is not None:  # the shape matched but the date does not exist (31.02.)
                    raise self.fail(t, f"{text!r} is not a valid date (format {f})") from None
                continue
            lit = Literal(d.isoformat(), datatype=XSD.date)
            break
        if lit is None and _ISO_FORMS.match(text):
            try:
                lit = parse_date(text)
            except ValueError as e:
                raise self.fail(t, str(e)) from None
        if lit is None:
            fmts = ", ".join(self.m.date_formats)
            raise self.fail(t, f"{text!r} is not a date in any of the formats {fmts} (or YYYY-MM-DD, YYYY-MM, YYYY)")
        self._date_cache[text] = lit
        return lit

    def country(self, t: Template, text: str) -> URIRef:
        if text not in self._country_cache:
            self._country_cache[text] = self.countries.get(text)
        c = self._country_cache[text]
        if c is None:
            try:
                self.countries.resolve(text)
            except ResolutionError as e:
                raise self.fail(t, str(e), ResolutionError) from None
        assert c is not None
        if c.alpha3 not in self._countries_seen:
            self._countries_seen.add(c.alpha3)
            self.g.add((c.iri, RDF.type, SD.Country))
            self.g.add((c.iri, RDFS.label, Literal(c.label)))
        is_code = text.upper() in (c.alpha3, *(n for n in c.names if len(n) == 2))
        if not is_code and normalise_name(text) != normalise_name(c.label):
            self.g.add((c.iri, SKOS.altLabel, Literal(text)))
        return c.iri

    def actor(self, t: Template, text: str, *, country_only: bool) -> URIRef:
        if country_only or self.countries.get(text) is not None:
            return self.country(t, text)
        hit = self._actor_cache.get(text)
        if hit is None and self.lookup is not None:
            try:
                hit = self.lookup(text)
            except InputError as e:
                raise self.fail(t, str(e), ResolutionError) from None
        if hit is None:
            raise self.fail(t, f"unknown party {text!r}: not a country, and no organisation of that name in the store", ResolutionError)
        self._actor_cache[text] = hit
        return hit

    def topic(self, t: Template, text: str) -> URIRef:
        hit = self._topic_cache.get(text)
        if hit is None:
            try:
                hit = self.topics.resolve(text)
            except ResolutionError as e:
                raise self.fail(t, str(e), ResolutionError) from None
            self._topic_cache[text] = hit
        return hit

    def status(self, t: Template, text: str) -> URIRef:
        key = text.strip().lower().replace("-", " ").replace("_", " ")
        if key not in STATUSES:
            raise self.fail(t, f"unknown status {text!r}; use one of: {', '.join(STATUSES)}")
        return STATUSES[key]

    def once(self, state: dict, key: str, value: Any, t: Template, what: str) -> None:
        """An agreement-level value that must be the same on every row of the agreement."""
        if value is None:
            return  # a missing cell does not contradict the value of another row
        prev = state.get(key)
        if prev is None:
            state[key] = (value, self.rowno)
        elif prev[0] != value:
            raise self.fail(t, f"{what} {_show(value)} differs from {_show(prev[0])} given for the same agreement on row {prev[1]}")

    # rows
    def agreement(self, row: list[str]) -> tuple[URIRef, dict]:
        a_map = self.m.agreement
        name_t = a_map["name"]
        assert isinstance(name_t, Template)
        name = self.value(name_t, row)
        if name is None:
            raise self.fail(name_t, "no agreement name (the cell is empty or marked missing)")
        try:
            a = entity_iri("agreement", name)
        except ValueError as e:
            raise self.fail(name_t, str(e)) from None
        g = self.g
        state = self.agreements.get(a)
        if state is None:
            state = self.agreements[a] = {"row": self.rowno, "label": name, "in_force": False}
            g.add((a, RDF.type, SD.Agreement))
            g.add((a, RDFS.label, Literal(name)))
        elif self.m.row == "agreement":
            raise self.fail(name_t, f"agreement {name!r} is already on row {state['row']} (one row per agreement; use row: membership for one row per party)")
        elif name != state["label"]:
            g.add((a, SKOS.altLabel, Literal(name)))
        kind_t = a_map.get("kind")
        kind = self.value(kind_t, row) if isinstance(kind_t, Template) else None
        if kind is not None:
            kind = kind.lower()
            if kind not in AGREEMENT_KINDS:
                raise self.fail(kind_t, f"unknown agreement kind {kind!r}; use one of: {', '.join(AGREEMENT_KINDS)}")
            if "kind" not in state:
                g.add((a, RDF.type, AGREEMENT_KINDS[kind]))
                g.add((a, SD.agreementKind, Literal(kind)))
            self.once(state, "kind", kind, kind_t, "kind")  # type: ignore[arg-type]
        status_t = a_map.get("status")
        if isinstance(status_t, Template):
            text = self.value(status_t, row)
            s = self.status(status_t, text) if text is not None else None
            self.once(state, "status", s, status_t, "status")
        for key, prop in (("signed", SD.signedOn), ("announced", SD.announcedOn)):
            t = a_map.get(key)
            if isinstance(t, Template):
                d = self.date(t, row)
                self.once(state, key, d, t, f"{key} date")
                if d is not None:
                    g.add((a, prop, d))
        note_t = a_map.get("note")
        if isinstance(note_t, Template):
            note = self.value(note_t, row)
            if note is not None:
                g.add((a, RDFS.comment, Literal(note)))
        for t, v in self.values(a_map.get("topics"), row):  # type: ignore[arg-type]
            g.add((a, SD.topic, self.topic(t, v)))
        for _t, v in self.values(a_map.get("aliases"), row):  # type: ignore[arg-type]
            if v != state["label"]:
                g.add((a, SKOS.altLabel, Literal(v)))
        return a, state

    def membership_row(self, row: list[str]) -> None:
        a, state = self.agreement(row)
        g = self.g
        t = self.m.party.get("country") or self.m.party["actor"]
        # only an empty cell is missing here: "NA" in a country column is Namibia
        text = t.render(row, _EMPTY)
        if text is None or (text.casefold() in self.m.missing and self.countries.get(text) is None):
            raise self.fail(t, "no party (the cell is empty or marked missing)")
        actor = self.actor(t, text, country_only="country" in self.m.party)
        prev = self.memberships.get((a, actor))
        if prev is not None:
            raise self.fail(t, f"{text!r} is already a party to {state['label']!r} on row {prev}")
        self.memberships[(a, actor)] = self.rowno
        node = entity_iri("participation", f"{a.rsplit('/', 1)[-1]} {actor.rsplit('/', 1)[-1]}")
        g.add((a, _SD_PARTY, actor))
        g.add((a, _SD_PARTICIPATION, node))
        g.add((node, RDF.type, _SD_PARTICIPATION_CLASS))
        g.add((node, _SD_ACTOR, actor))
        for key, dt_t in self.m.dates.items():
            d = self.date(dt_t, row)
            if d is not None:
                g.add((node, DATE_KEYS[key], d))
                if key == "in_force":
                    state["in_force"] = True
        st = self.m.party.get("status")
        if st is not None:
            text = self.value(st, row)
            if text is not None:
                g.add((node, _SD_STATUS, self.status(st, text)))

    def agreement_row(self, row: list[str]) -> None:
        a, state = self.agreement(row)
        parties = self.values(self.m.agreement["parties"], row)  # type: ignore[arg-type]
        if not parties:
            raise self.fail(self.m.agreement["parties"][0], "no parties (the cell is empty or marked missing)")  # type: ignore[index]
        for t, v in parties:
            self.g.add((a, SD.party, self.actor(t, v, country_only=False)))

    def finish(self) -> None:
        for a, state in self.agreements.items():
            given = state.get("status")
            if given is not None:
                status = given[0]
            else:
                status = SD.InForce if state["in_force"] else SD.Signed
            self.g.add((a, SD.status, status))
            if "kind" not in state:
                self.g.add((a, SD.agreementKind, Literal("agreement")))


def _format_regex(fmt: str) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """A regex for a strptime format made only of %d, %m, %Y and punctuation, else None."""
    if not re.fullmatch(r"(?:%[dmY]|[^%A-Za-z0-9])+", fmt) or sorted(re.findall(r"%([dmY])", fmt)) != ["Y", "d", "m"]:
        return None
    order = tuple(re.findall(r"%([dmY])", fmt))
    rx = "".join({"%d": r"(\d{1,2})", "%m": r"(\d{1,2})", "%Y": r"(\d{4})"}.get(tok, re.escape(tok)) for tok in re.findall(r"%[dmY]|.", fmt))
    return re.compile(rx + r"$"), order


def _show(v: Any) -> str:
    if isinstance(v, URIRef):
        return repr(str(v).rsplit("#", 1)[-1])
    return repr(str(v)) if v is not None else "(none)"


def _source_meta(m: Mapping, table: Path) -> SourceMeta:
    return SourceMeta.from_mapping(m.source, file=table, kind="dataset", extractor="table", where=lambda f: m.where(f"source.{f}"))


def read_tables(
    path: Path,
    fmt: str = "csv",
    *,
    mapping: Path | str | None = None,
    lookup: StoreLookup | None = None,
    max_bytes: int = MAX_BYTES * 10,
    **_: object,
) -> SourceGraph:
    """Read one table (``fmt`` ``csv`` or ``tsv``) through its mapping into a source graph.

    ``mapping`` defaults to ``name.mapping.yaml`` beside ``name.csv``; ``lookup`` resolves
    organisation names already in the store (``party.actor``)."""
    path = Path(path)
    mp = Path(mapping) if mapping is not None else find_mapping(path)
    if mp is None:
        raise InputError(
            f"no mapping for this table: pass --mapping FILE, or put {path.stem}.mapping.yaml beside it (see data/tables/README.md)",
            path=str(path),
        )
    m = load_mapping(mp)
    if path.exists() and path.is_file() and path.stat().st_size > max_bytes:
        raise InputError(f"file too large ({path.stat().st_size / 1e6:.0f} MB; limit {max_bytes / 1e6:.0f} MB)", path=str(path))
    delimiter = m.delimiter or ("\t" if fmt == "tsv" or path.suffix.lower() == ".tsv" else ",")
    lines = _text_lines(path)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    r = _Reader(path, m, lookup)
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
        if header is None:
            raise InputError("empty file (no header, no rows)", path=str(path))
        header = [h.strip() for h in header]
        dup = sorted({h for h in header if h and header.count(h) > 1})
        if dup:
            raise InputError(f"the header names the column {dup[0]!r} twice", path=str(path), line=reader.line_num)
        m.bind(header, path)
        handle = r.membership_row if m.row == "membership" else r.agreement_row
        width = len(header)
        for row in reader:
            r.line = reader.line_num
            if not any(c.strip() for c in row):
                continue  # blank line
            r.rowno += 1
            if len(row) != width:
                raise r.fail(None, f"{len(row)} cells where the header has {width} (a stray delimiter or quote?)")
            handle(row)
    except csv.Error as e:
        raise InputError(f"CSV syntax error: {e}", path=str(path), line=reader.line_num) from None
    if r.rowno == 0:
        raise InputError("no data rows under the header", path=str(path))
    r.finish()
    return SourceGraph(meta=_source_meta(m, path), graph=r.g)
