"""Scoring article extraction against hand-made gold annotations.

    python -m kg.evaluate [--gold DIR] [--articles DIR] [--extractor rules] [--strict] [--json]

Gold files (``*.gold.json``) list entities (``id``, ``type``, ``name``, ``mentions``,
``iso3`` for countries) and relations (``s``, ``p``, ``o``, optionally ``inferred``).

Matching rules
--------------
Types are compared by class: Country; Official (our sd:Person); Organisation (gold
Agency, Organisation and InternationalOrganisation = our sd:Organisation and its
subclasses); Agreement; Funding; Topic; Event; Venue (our sd:Place).

- a country matches by ISO alpha-3 code;
- a topic matches when the gold name or one of its mentions resolves, through the topic
  scheme's labels and altLabels, to the same topic IRI as ours (a gold "energy" mentioned
  as "clean energy" matches our clean-energy) (our topics are the objects of
  ``sd:topic``);
- funding matches by amount and currency;
- anything else matches by name: a normalised (:func:`kg.resolve.normalise_name`)
  label or altLabel of ours equals the gold name or one of its mentions, or contains
  (or is contained in) a gold mention of two words or more. Each gold entity matches at
  most one of ours and vice versa (exact matches are paired first).

Relations scored: ``party``, ``signatory``, ``status``, ``partOf`` (agreement → agreement
as ``sd:partOf``; funding → funding as ``sd:shareOf``; funding → agreement as
``sd:funding``), ``amount`` and person-country (gold ``holdsOfficeIn`` a country = our
person's ``sd:country``). A gold party that is a country also matches our party that is
an organisation of that country ("directly or through their agencies").

Scope (the default, reported with what it leaves out): gold relations flagged
``"inferred": true`` (not stated in the text) and gold items the ontology cannot hold
(topics outside the topic scheme; funding programmes and policies with no amount; part-of
links between organisations, venues or events) are left out of recall; a relation of ours that
matches an inferred gold relation (true, but not stated) is not counted as spurious either. ``--strict``
scores against every gold item.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .bundled import TopicIndex
from .resolve import normalise_name
from .vocab import SD

__all__ = ["evaluate", "Score", "Report", "predicted_items", "gold_items", "main", "ENTITY_CLASSES", "RELATIONS"]

ENTITY_CLASSES = ("Country", "Official", "Organisation", "Agreement", "Funding", "Topic", "Event", "Venue")
RELATIONS = ("party", "signatory", "status", "partOf", "amount", "person-country")
_GOLD_CLASS = {
    "Country": "Country",
    "Official": "Official",
    "Person": "Official",
    "Agency": "Organisation",
    "Organisation": "Organisation",
    "Organization": "Organisation",
    "InternationalOrganisation": "Organisation",
    "Agreement": "Agreement",
    "Funding": "Funding",
    "Topic": "Topic",
    "Event": "Event",
    "Venue": "Venue",
    "Place": "Venue",
}
_OUR_CLASS = [
    (SD.Country, "Country"),
    (SD.Person, "Official"),
    (SD.Organisation, "Organisation"),
    (SD.Agency, "Organisation"),
    (SD.InternationalOrganisation, "Organisation"),
    (SD.Agreement, "Agreement"),
    (SD.Funding, "Funding"),
    (SD.Event, "Event"),
    (SD.Place, "Venue"),
]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: Score) -> Score:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


@dataclass
class DocResult:
    name: str
    entities: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    relations: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    out_of_scope: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    missed_relations: list[str] = field(default_factory=list)
    spurious_relations: list[str] = field(default_factory=list)


@dataclass
class Report:
    docs: list[DocResult]

    def total(self, part: str) -> dict[str, Score]:
        out: dict[str, Score] = defaultdict(Score)
        for d in self.docs:
            for k, s in getattr(d, part).items():
                out[k] += s
        return out

    def micro(self, part: str) -> Score:
        s = Score()
        for v in self.total(part).values():
            s += v
        return s

    def macro(self, part: str) -> float:
        """Mean over documents of each document's micro F1."""
        f1s = []
        for d in self.docs:
            s = Score()
            for v in getattr(d, part).values():
                s += v
            f1s.append(s.f1)
        return sum(f1s) / len(f1s) if f1s else 0.0

    def as_dict(self) -> dict:
        def sc(s: Score) -> dict:
            return {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3)}

        return {
            part: {
                "by_kind": {k: sc(v) for k, v in sorted(self.total(part).items())},
                "micro": sc(self.micro(part)),
                "macro_f1": round(self.macro(part), 3),
            }
            for part in ("entities", "relations")
        } | {"documents": len(self.docs), "out_of_scope_gold": sum(d.out_of_scope for d in self.docs)}

    def format(self) -> str:
        lines = []
        for part in ("entities", "relations"):
            lines.append(f"{part:<16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
            for k, s in sorted(self.total(part).items()):
                lines.append(f"  {k:<14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
            m = self.micro(part)
            lines.append(f"  {'micro':<14} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} {m.tp:5d} {m.fp:5d} {m.fn:5d}")
            lines.append(f"  {'macro F1':<14} {'':>6} {'':>6} {self.macro(part):6.3f}")
            lines.append("")
        lines.append(f"documents: {len(self.docs)}; gold items out of scope (inferred or not representable): {sum(d.out_of_scope for d in self.docs)}")
        return "\n".join(lines)


# --- what the extracted graph says ----------------------------------------------------------------
@dataclass
class _Ours:
    node: URIRef
    cls: str
    names: set[str]
    code: str | None = None
    amount: tuple[Decimal, str] | None = None


def predicted_items(g: Graph) -> tuple[list[_Ours], set[tuple[str, URIRef, object]]]:
    """Our entities by evaluation class, and our relations as (kind, subject, object)."""
    items: list[_Ours] = []
    seen: set[URIRef] = set()
    for cls_iri, cls in _OUR_CLASS:
        for n in g.subjects(RDF.type, cls_iri):
            if n in seen or not isinstance(n, URIRef):
                continue
            seen.add(n)
            names = {normalise_name(str(o)) for o in g.objects(n, RDFS.label)} | {normalise_name(str(o)) for o in g.objects(n, SKOS.altLabel)}
            o = _Ours(n, cls, names)
            if cls == "Country":
                o.code = str(n).rsplit("/", 1)[-1]
            if cls == "Funding":
                amt, cur = g.value(n, SD.amount), g.value(n, SD.currency)
                if amt is not None and cur is not None:
                    o.amount = (Decimal(str(amt)), str(cur))
            items.append(o)
    for t in set(g.objects(None, SD.topic)):
        items.append(_Ours(t, "Topic", set()))
    rels: set[tuple[str, URIRef, object]] = set()
    for p, kind in ((SD.party, "party"), (SD.signatory, "signatory"), (SD.partOf, "partOf"), (SD.shareOf, "partOf")):
        for s, o in g.subject_objects(p):
            rels.add((kind, s, o))
    for s, o in g.subject_objects(SD.funding):
        rels.add(("partOf", o, s))
    for s, o in g.subject_objects(SD.status):
        if (s, RDF.type, SD.Agreement) in g:
            rels.add(("status", s, normalise_name(str(o).rsplit("#", 1)[-1].replace("InDiscussion", "in discussion").replace("UnderNegotiation", "under negotiation").replace("AgreedInPrinciple", "agreed in principle").replace("InForce", "in force"))))
    for s, o in g.subject_objects(SD.amount):
        rels.add(("amount", s, Decimal(str(o))))
    for s in g.subjects(RDF.type, SD.Person):
        for o in g.objects(s, SD.country):
            rels.add(("person-country", s, o))
    return items, rels


# --- gold -----------------------------------------------------------------------------------------
def gold_items(doc: dict, topics: TopicIndex) -> tuple[list[dict], list[dict], int, list[dict]]:
    """The gold entities and relations in scope (see the module notes), how many were left out,
    and the relations left out as inferred (true, so never counted against a prediction)."""
    ents, out = [], 0
    by_id = {e["id"]: e for e in doc["entities"]}
    for e in doc["entities"]:
        cls = _GOLD_CLASS.get(e["type"])
        if cls is None:
            out += 1
            continue
        e = dict(e, cls=cls)
        if cls == "Topic":
            # the topic of the gold name, or of any of its mentions ("energy" mentioned as "clean energy")
            iris = [t for t in (topics.get(m) for m in [e["name"], *e.get("mentions", [])]) if t is not None]
            if not iris:
                out += 1
                continue
            e["topic"] = set(iris)
        if cls == "Funding" and (e.get("subtype") in ("programme", "policy") or not _gold_amount(e, doc)):
            out += 1
            continue
        ents.append(e)
    in_scope = {e["id"] for e in ents}
    rels = []
    ignored: list[dict] = []
    for r in doc["relations"]:
        p = r["p"]
        kind = {"party": "party", "signatory": "signatory", "status": "status", "partOf": "partOf", "amount": "amount", "holdsOfficeIn": "person-country"}.get(p)
        if kind is None:
            continue
        if r.get("inferred"):
            out += 1
            ignored.append(dict(r, kind=kind))  # true, but not stated: neither found nor missed
            continue
        s = r["s"]
        o = r["o"]
        if s not in in_scope:
            out += 1
            continue
        if kind == "person-country" and (o not in by_id or by_id[o]["type"] != "Country"):
            continue  # holdsOfficeIn an organisation: not a person-country relation
        if kind in ("party", "signatory", "partOf", "person-country") and o not in in_scope:
            out += 1
            continue
        if kind == "partOf":
            sc, oc = by_id[s]["type"], by_id[o]["type"]
            if not ((sc == "Agreement" and oc == "Agreement") or (sc == "Funding" and oc in ("Funding", "Agreement"))):
                out += 1
                continue
        rels.append(dict(r, kind=kind))
    return ents, rels, out, ignored


def _gold_amount(e: dict, doc: dict) -> tuple[Decimal, str] | None:
    for r in doc["relations"]:
        if r["s"] == e["id"] and r["p"] == "amount":
            return Decimal(str(r["o"])), str(e.get("currency") or "")
    return None


# --- matching --------------------------------------------------------------------------------------
def _names(e: dict) -> tuple[set[str], set[str]]:
    exact = {normalise_name(e["name"])} | {normalise_name(m) for m in e.get("mentions", [])}
    long = {n for n in exact if len(n.split()) >= 2}
    return exact, long


def _match_score(gold: dict, ours: _Ours, doc: dict) -> int:
    """2 for an exact match, 1 for a containment match, 0 for none."""
    cls = gold["cls"]
    if cls == "Country":
        return 2 if ours.code == gold.get("iso3") else 0
    if cls == "Topic":
        return 2 if ours.node in gold["topic"] else 0
    if cls == "Funding":
        amt = _gold_amount(gold, doc)
        return 2 if ours.amount and amt and ours.amount[0] == amt[0] and (not amt[1] or amt[1] == ours.amount[1]) else 0
    exact, long = _names(gold)
    if ours.names & exact:
        return 2
    for n in ours.names:
        for g in long:
            if f" {g} " in f" {n} " or (len(n.split()) >= 2 and f" {n} " in f" {g} "):
                return 1
    return 0


def _align(gold: list[dict], ours: list[_Ours], doc: dict) -> dict[str, URIRef]:
    pairs = []
    for gi, ge in enumerate(gold):
        for oi, oe in enumerate(ours):
            if oe.cls != ge["cls"]:
                continue
            s = _match_score(ge, oe, doc)
            if s:
                pairs.append((-s, gi, oi))
    pairs.sort()
    used_g, used_o, out = set(), set(), {}
    for _s, gi, oi in pairs:
        if gi in used_g or oi in used_o:
            continue
        used_g.add(gi)
        used_o.add(oi)
        out[gold[gi]["id"]] = ours[oi].node
    return out


def score_document(name: str, doc: dict, g: Graph, *, strict: bool = False) -> DocResult:
    topics = TopicIndex.default()
    if strict:
        ents = [dict(e, cls=_GOLD_CLASS.get(e["type"], e["type"])) for e in doc["entities"]]
        for e in ents:
            if e["cls"] == "Topic":
                e["topic"] = {t for t in (topics.get(m) for m in [e["name"], *e.get("mentions", [])]) if t is not None}
        kinds = {"party": "party", "signatory": "signatory", "status": "status", "partOf": "partOf", "amount": "amount", "holdsOfficeIn": "person-country"}
        by_id = {e["id"]: e for e in doc["entities"]}
        rels = [dict(r, kind=kinds[r["p"]]) for r in doc["relations"] if r["p"] in kinds and not (r["p"] == "holdsOfficeIn" and by_id.get(r["o"], {}).get("type") != "Country")]
        out, ignored = 0, []
    else:
        ents, rels, out, ignored = gold_items(doc, topics)
    ours, our_rels = predicted_items(g)
    res = DocResult(name, out_of_scope=out)
    mapping = _align(ents, ours, doc)
    matched_nodes = set(mapping.values())
    for e in ents:
        if e["id"] in mapping:
            res.entities[e["cls"]].tp += 1
        else:
            res.entities[e["cls"]].fn += 1
            res.missed.append(f"{e['cls']}: {e['name']}")
    for o in ours:
        if o.node not in matched_nodes:
            res.entities[o.cls].fp += 1
            res.spurious.append(f"{o.cls}: {sorted(o.names)[0] if o.names else o.node}")
    # relations: gold (s, kind, o) mapped into our nodes
    node_of = dict(mapping)
    country_of: dict[URIRef, URIRef] = {}
    for s, o in g.subject_objects(SD.country):
        country_of[s] = o  # type: ignore[index]
    def key(r: dict) -> tuple:
        s = node_of.get(r["s"], URIRef(f"urn:gold:{r['s']}"))
        if r["kind"] == "status":
            o: object = normalise_name(str(r["o"]).replace("-", " "))
        elif r["kind"] == "amount":
            o = Decimal(str(r["o"]))
        else:
            o = node_of.get(r["o"], URIRef(f"urn:gold:{r['o']}"))
        return (r["kind"], s, o)

    gold_keys = {key(r) for r in rels}
    # a relation the gold marks inferred (true, though the text does not state it) counts neither way
    ignored_keys = {key(r) for r in ignored}
    ours_keys: set[tuple] = set()
    for kind, s, o in our_rels:
        if (kind, s, o) not in gold_keys and ((kind, s, o) in ignored_keys or (kind, s, country_of.get(o)) in ignored_keys):
            continue
        if kind == "party" and (kind, s, o) not in gold_keys and o in country_of and (kind, s, country_of[o]) in gold_keys:
            o = country_of[o]  # an agency standing for its country
        if kind == "person-country" and (kind, s, o) not in gold_keys and s not in matched_nodes:
            continue  # a person the gold does not list: counted once, as an entity
        ours_keys.add((kind, s, o))
    gold_names = {e["id"]: e["name"] for e in doc["entities"]}
    our_names = {o.node: sorted(o.names)[0] if o.names else str(o.node).rsplit("/", 1)[-1] for o in ours}
    by_node = {v: gold_names.get(k, k) for k, v in mapping.items()}

    def said(k: tuple) -> str:
        def name(x: object) -> str:
            if isinstance(x, URIRef):
                return by_node.get(x) or our_names.get(x) or (x[9:] if x.startswith("urn:gold:") else x.rsplit("/", 1)[-1])
            return str(x)
        return f"{k[0]}: {name(k[1])} → {name(k[2])}"

    for kind in RELATIONS:
        gk = {k for k in gold_keys if k[0] == kind}
        ok = {k for k in ours_keys if k[0] == kind}
        res.relations[kind].tp += len(gk & ok)
        res.relations[kind].fn += len(gk - ok)
        res.relations[kind].fp += len(ok - gk)
        res.missed_relations += sorted(said(k) for k in gk - ok)
        res.spurious_relations += sorted(said(k) for k in ok - gk)
    return res


def evaluate(pairs: Iterable[tuple[dict | str | Path, Graph | str | Path]], *, strict: bool = False, extractor: str = "rules") -> Report:
    """Score extraction results against gold.

    ``pairs``: (gold, extracted) where gold is a gold JSON dict or path, and extracted
    an rdflib Graph, or an article path to extract now (with the gold's publication date
    when the article has none)."""
    docs = []
    for gold, got in pairs:
        if not isinstance(gold, dict):
            gold = json.loads(Path(gold).read_text("utf-8"))
        if not isinstance(got, Graph):
            from .ingest.text import extract

            got = extract(Path(got), published=gold.get("published"), extractor=extractor).graph
        docs.append(score_document(str(gold.get("doc", "?")), gold, got, strict=strict))
    return Report(docs)


def _pairs(gold_dir: Path, articles: Path) -> list[tuple[Path, Path]]:
    out = []
    for gf in sorted(gold_dir.glob("*.gold.json")):
        stem = gf.name[: -len(".gold.json")]
        for ext in (".txt", ".html", ".htm"):
            if (articles / f"{stem}{ext}").exists():
                out.append((gf, articles / f"{stem}{ext}"))
                break
    return out


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(prog="python -m kg.evaluate", description="Precision, recall and F1 of article extraction against gold.")
    ap.add_argument("--gold", type=Path, default=root / "tests" / "gold")
    ap.add_argument("--articles", type=Path, default=root / "data" / "articles")
    ap.add_argument("--extractor", default="rules")
    ap.add_argument("--strict", action="store_true", help="score against every gold item (inferred and unrepresentable too)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list missed and spurious entities and relations per document")
    args = ap.parse_args(argv)
    pairs = _pairs(args.gold, args.articles)
    if not pairs:
        print(f"no gold/article pairs in {args.gold} and {args.articles}", file=sys.stderr)
        return 2
    report = evaluate(pairs, strict=args.strict, extractor=args.extractor)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.format())
        if args.errors:
            for d in report.docs:
                print(f"\n== {d.name}\n  missed:   " + "\n            ".join(d.missed) + "\n  spurious: " + "\n            ".join(d.spurious))
                print("  missed relations:   " + "\n                      ".join(d.missed_relations)
                      + "\n  spurious relations: " + "\n                      ".join(d.spurious_relations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
