"""Stage 5, emit: facts → one source graph, modelled exactly as curated records are
(:mod:`kg.ingest.records`): the same IRIs (``entity_iri``, ISO country IRIs), classes,
statuses, agreement kinds, posts and funding. Every node carries ``sd:evidence``.

An agreement with no party or no status is dropped (the shapes require both); links
to dropped nodes go with it. Labels are plain text: any markup is removed.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ...resolve import normalise_name
from ...vocab import SD, entity_iri
from ..records import AGREEMENT_KINDS, ORGANISATION_KINDS, STATUSES
from .gazetteer import gazetteer
from .relate import Facts

__all__ = ["emit", "clean_label"]

_KIND_WORD = {
    "mou": "mou", "declaration": "declaration", "statement": "statement", "agreement": "agreement", "accord": "accord",
    "treaty": "treaty", "convention": "convention", "deal": "deal", "partnership": "partnership", "dialogue": "dialogue",
}
_MAX_EVIDENCE = 3


#: capitalised heads that name no particular instrument ("a Memorandum of Understanding (MoU)",
#: "the Framework Agreement"): labelled with their parties, like unnamed ones, so that two
#: articles' memoranda do not become one node
_GENERIC_NAME = re.compile(
    r"(?i)(?:(?:joint|framework|cooperation|co-operation|collaboration|bilateral|implementing|partnership)\s+)?"
    r"(?:memorandum of understanding|memorandum of cooperation|memorandum|agreement|declaration|joint statement|statement|"
    r"letter of intent|declaration of intent|arrangement|accord|treaty|protocol|partnership|deal|mou|alliance|dialogue|"
    r"initiative|compact|charter|roadmap|pact|convention)"
)


#: words that describe a kind of instrument rather than name one: "a Green Alliance", "a Digital
#: Partnership" (the EU has one with each of several partners)
_DESCRIPTIVE_WORDS = {
    "green", "digital", "strategic", "comprehensive", "economic", "science", "scientific", "technology", "technological",
    "innovation", "research", "energy", "hydrogen", "climate", "security", "defence", "defense", "space", "trade", "investment",
    "cooperation", "co-operation", "framework", "global", "enhanced", "new", "joint", "bilateral", "free", "advanced",
    "critical", "minerals", "raw", "materials", "data", "health", "ocean", "clean", "sustainable", "industrial", "and",
    "of", "on", "for", "the", "in", "mobility", "migration", "special", "privileged", "renewable",
}


def _describes(word: str) -> bool:
    w = word.lower()
    return w in _DESCRIPTIVE_WORDS or bool(_GENERIC_NAME.fullmatch(w))


def _descriptive(label: str) -> bool:
    """Whether a capitalised name is made only of words that describe a kind of instrument."""
    words = label.replace("-", " ").split()
    return len(words) >= 2 and all(_describes(w) for w in words)


def clean_label(text: str) -> str:
    """A label: no markup, no control characters, single spaces, quotes trimmed."""
    text = re.sub(r"<[^>]*>", " ", text)
    text = text.replace("<", " ").replace(">", " ")
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    text = " ".join(text.split()).strip(" ,;:“”\"'’‘")
    return text


class _Emitter:
    def __init__(self, facts: Facts):
        self.f = facts
        self.r = facts.resolved
        self.g = Graph()
        self.iris: dict[str, URIRef] = {}
        self.countries = gazetteer().countries
        self.suffix: dict[str, str] = {}  # agreement key → what tells it from a namesake of the same article

    def sentence(self, i: int) -> str:
        return clean_label(self.r.article.sentences[i].text)

    def evidence(self, node: URIRef, sents) -> None:
        for i in list(dict.fromkeys(sents))[:_MAX_EVIDENCE]:
            self.g.add((node, SD.evidence, Literal(self.sentence(i))))

    def labels(self, node: URIRef, label: str, aliases) -> None:
        self.g.add((node, RDFS.label, Literal(label)))
        for a in sorted(set(aliases)):
            a = clean_label(a)
            if a and normalise_name(a) != normalise_name(label):
                self.g.add((node, SKOS.altLabel, Literal(a)))

    # --- entities ---------------------------------------------------------------------------
    def node(self, key: str) -> URIRef | None:
        if key in self.iris:
            return self.iris[key]
        e = self.r.entities.get(key)
        if e is None:
            if key.startswith("country:") and key[8:] in self.countries.by_code:
                return self._country(key[8:])  # a country known only as a signatory's: "Blinken signed"
            return None
        if e.kind == "country":
            c = self.countries.by_code[e.data["code"]]
            iri = c.iri
            self.iris[key] = iri
            self.g.add((iri, RDF.type, SD.Country))
            self.labels(iri, c.label, [a for a in e.aliases if a != c.alpha3])
        elif e.kind == "org":
            label = clean_label(e.label)
            iri = entity_iri("org", label)
            self.iris[key] = iri
            self.g.add((iri, RDF.type, ORGANISATION_KINDS.get(e.data.get("orgkind") or "organisation", SD.Organisation)))
            self.labels(iri, label, e.aliases)
            if e.data.get("acronym"):
                self.g.add((iri, SD.acronym, Literal(e.data["acronym"])))
                self.g.add((iri, SKOS.altLabel, Literal(e.data["acronym"])))
            if e.data.get("country"):
                self.g.add((iri, SD.country, self.node(f"country:{e.data['country']}") or self._country(e.data["country"])))
        elif e.kind == "person":
            label = clean_label(e.label)
            iri = entity_iri("person", label)
            self.iris[key] = iri
            self.g.add((iri, RDF.type, SD.Person))
            self.labels(iri, label, e.aliases)
            country = self._country(e.data["country"]) if e.data.get("country") else None
            if country is None and e.data.get("known") is not None and e.data["known"].country:
                country = self._country(e.data["known"].country)
            if country is not None:
                self.g.add((iri, SD.country, country))
            post_name = clean_label(e.data.get("post") or "")
            if not post_name and e.data.get("known") is not None and e.data["known"].post:
                post_name = e.data["known"].post
            if post_name:
                self.g.add((iri, RDF.type, SD.Official))
                holder = self.node(e.data["post_in"]) if e.data.get("post_in") else country
                scope = str(country).rsplit("/", 1)[-1] if country is not None else (str(holder).rsplit("/", 1)[-1] if holder is not None else "")
                post = entity_iri("post", f"{scope} {post_name}".strip())
                self.g.add((iri, SD.holdsPost, post))
                self.g.add((post, RDF.type, SD.Post))
                self.g.add((post, RDFS.label, Literal(post_name)))
                if holder is not None:
                    self.g.add((post, SD.postIn, holder))
                if country is not None:
                    self.g.add((post, SD.country, country))
        elif e.kind == "place":
            label = clean_label(e.label)
            iri = entity_iri("place", label)
            self.iris[key] = iri
            self.g.add((iri, RDF.type, SD.Place))
            self.labels(iri, label, e.aliases)
            if key in self.f.place_in:
                c = self.node(self.f.place_in[key])
                if c is not None:
                    self.g.add((iri, SD.locatedIn, c))
        else:
            return None
        self.evidence(iri, e.sentences)
        return iri

    def _country(self, code: str) -> URIRef:
        c = self.countries.by_code[code]
        self.g.add((c.iri, RDF.type, SD.Country))
        self.g.add((c.iri, RDFS.label, Literal(c.label)))
        return c.iri

    # --- agreements --------------------------------------------------------------------------
    def agreement_label(self, key: str) -> str:
        e = self.r.entities[key]
        label = clean_label(e.label)
        if e.data.get("named") and not _GENERIC_NAME.fullmatch(label) and not _descriptive(label):
            return label
        af = self.f.agreements.get(key)
        if e.data.get("like"):
            # "a similar partnership with Japan" after "the EU-Korea Digital Partnership": "EU–Japan Digital Partnership"
            kind = " ".join(w for w in clean_label(e.data["like"]).split() if _describes(w))
            if kind:
                label = kind
        generic = bool(_GENERIC_NAME.fullmatch(label)) or _descriptive(label)
        has_name = not generic and (any(w[:1].isupper() for w in label.split()[1:]) or bool(e.data.get("poss")))
        if not has_name and af is not None:
            names = self._party_names(af.parties)
            if names:
                label = "–".join(dict.fromkeys(names)) + " " + label
        label = label[:1].upper() + label[1:]
        return f"{label} ({self.suffix[key]})" if key in self.suffix else label

    def _separate_namesakes(self, keep: dict[str, URIRef]) -> None:
        """Two agreements of one article whose labels coincide ("an agreement" signed by the two sides
        in 2020, another in 2009) are two nodes: each but the first gets its date, else its place in
        the article, in its label."""
        by_iri: dict[URIRef, list[str]] = {}
        for key, iri in keep.items():
            by_iri.setdefault(iri, []).append(key)
        for keys in by_iri.values():
            for key in keys[1:]:
                af = self.f.agreements[key]
                when = af.signed_on or af.announced_on
                self.suffix[key] = str(when[0]) if when else f"sentence {min(self.r.entities[key].sentences) + 1}"
                keep[key] = entity_iri("agreement", self.agreement_label(key))

    def _party_names(self, parties) -> list[str]:
        """Short names of an agreement's parties for its label: the bodies (by acronym when they
        have one), then the countries that none of those bodies belongs to ("ISRO–CNES memorandum")."""
        bodies, countries = [], []
        for p in parties:
            pe = self.r.entities.get(p)
            code = p[8:] if p.startswith("country:") else None
            if pe is None or pe.kind == "country":
                code = pe.data["code"] if pe is not None else code
                if code in self.countries.by_code:
                    countries.append(code)
            else:
                bodies.append(pe)
        body_countries = {b.data.get("country") for b in bodies}
        return [b.data.get("acronym") or b.label for b in bodies] + [
            self.countries.by_code[c].label for c in countries if c not in body_countries
        ]

    def run(self) -> Graph:
        r, f = self.r, self.f
        keep: dict[str, URIRef] = {}
        # agreements that can stand: a status and at least one party
        for key, e in r.entities.items():
            if e.kind != "agreement":
                continue
            af = f.agreements.get(key)
            st = f.status(key)
            if e.data.get("group"):
                continue  # "partnerships signed on Sunday": its members stand for it
            if af is None or st is None or not [p for p in af.parties if p in r.entities]:
                continue
            if e.data.get("agkind") == "statement" and st[0] in ("announced", "proposed"):
                continue  # a joint statement only released or issued is a communication (an event), not an agreement
            keep[key] = entity_iri("agreement", self.agreement_label(key))
        # a whole takes in the parties of its parts when the text names too few for it
        for key in keep:
            af = f.agreements[key]
            for child, cf in f.agreements.items():
                if key in cf.part_of and child in keep and len(af.parties) < 2:
                    for p, i in cf.parties.items():
                        af.parties.setdefault(p, i)
        keep = {key: entity_iri("agreement", self.agreement_label(key)) for key in keep}
        self._separate_namesakes(keep)
        for key, a in keep.items():
            e = r.entities[key]
            af = f.agreements[key]
            status, _ = f.status(key)
            kind = e.data.get("agkind") or "agreement"
            kind_word = {"statement": "statement", "convention": "convention", "dialogue": "dialogue"}.get(kind, kind)
            if kind_word not in AGREEMENT_KINDS:
                kind_word = "agreement"
            self.g.add((a, RDF.type, AGREEMENT_KINDS[kind_word]))
            self.g.add((a, RDF.type, SD.Agreement))
            self.g.add((a, SD.agreementKind, Literal(kind_word)))
            label = self.agreement_label(key)
            aliases = set(e.aliases) | ({clean_label(e.label)} if e.data.get("named") else set())
            if e.data.get("surface"):
                aliases.add(e.data["surface"])
            self.labels(a, label, aliases)
            self.g.add((a, SD.status, STATUSES[status]))
            for p in af.parties:
                n = self.node(p)
                if n is not None:
                    self.g.add((a, SD.party, n))
            for p in af.signatories:
                n = self.node(p)
                if n is not None:
                    self.g.add((a, SD.signatory, n))
            for p in af.announced_by:
                n = self.node(p)
                if n is not None:
                    self.g.add((a, SD.announcedBy, n))
            if af.signed_on and status in ("signed", "in force", "renewed"):
                self.g.add((a, SD.signedOn, af.signed_on[0]))
            if af.announced_on:
                self.g.add((a, SD.announcedOn, af.announced_on[0]))
            if af.signed_at:
                n = self.node(af.signed_at[0])
                if n is not None:
                    self.g.add((a, SD.signedAt, n))
            for t in af.topics:
                self.g.add((a, SD.topic, t))
            for p in af.part_of:
                if p in keep and keep[p] != a:
                    self.g.add((a, SD.partOf, keep[p]))
            self.evidence(a, e.sentences)
        # funding
        fund_iris: dict[str, URIRef] = {}
        for key, e in r.entities.items():
            if e.kind != "funding":
                continue
            ff = f.funding.get(key)
            funders = [self.r.entities[k] for k in (ff.funders if ff else {})]
            funder_name = funders[0].label if funders else ""
            purpose = clean_label(ff.purpose) if ff and ff.purpose else ""
            fund_iris[key] = entity_iri("funding", f"{funder_name} {e.data['amount']} {e.data['currency']} {purpose} {self.r.article.slug}")
        for key, firi in fund_iris.items():
            e = r.entities[key]
            ff = f.funding.get(key)
            self.g.add((firi, RDF.type, SD.Funding))
            purpose = clean_label(ff.purpose) if ff and ff.purpose else ""
            label = clean_label(f"{e.label} {purpose}".strip())
            self.g.add((firi, RDFS.label, Literal(label)))
            self.g.add((firi, SKOS.altLabel, Literal(clean_label(e.label))))
            self.g.add((firi, SD.amount, Literal(str(e.data["amount"]), datatype=XSD.decimal)))
            self.g.add((firi, SD.currency, Literal(e.data["currency"])))
            if ff:
                for k in ff.funders:
                    n = self.node(k)
                    if n is not None:
                        self.g.add((firi, SD.funder, n))
                if purpose:
                    self.g.add((firi, SD.purpose, Literal(purpose)))
                if ff.date is not None:
                    self.g.add((firi, SD.announcedOn, ff.date))
                for t in ff.topics:
                    self.g.add((firi, SD.topic, t))
                if ff.share_of and ff.share_of in fund_iris:
                    self.g.add((firi, SD.shareOf, fund_iris[ff.share_of]))
                for k in ff.attached_to:
                    if k in keep:
                        self.g.add((keep[k], SD.funding, firi))
                        self.g.add((firi, SD.recipient, keep[k]))
                for k in ff.announced_by:
                    n = self.node(k)
                    if n is not None:
                        self.g.add((firi, SD.announcedBy, n))
            self.evidence(firi, e.sentences)
        # events
        for key, e in r.entities.items():
            if e.kind != "event":
                continue
            ef = f.events.get(key)
            label = clean_label(e.label)
            if label.lower() == (e.data.get("head") or "") and not (ef and (ef.place or ef.participants or ef.topics)):
                continue  # a bare "summit" with no place, participant or subject says nothing about which one
            label = label[:1].upper() + label[1:]
            date = ef.date if ef and ef.date is not None else None
            if not any(w[:1].isupper() for w in label.split()[1:]) or e.data.get("head") in ("visit", "ceremony", "meeting", "press conference", "event"):
                label = f"{label} ({date or self.r.article.published_literal or self.r.article.slug})"
            ev = entity_iri("event", label)
            self.g.add((ev, RDF.type, SD.Event))
            self.labels(ev, label, [e.data.get("surface") or e.label])
            self.g.add((ev, SD.eventKind, Literal(e.data.get("head") or "event")))
            if date is not None:
                self.g.add((ev, SD.startDate, date))
            if ef:
                if ef.place:
                    n = self.node(ef.place)
                    if n is not None:
                        self.g.add((ev, SD.heldAt, n))
                for p in ef.participants:
                    n = self.node(p)
                    if n is not None:
                        self.g.add((ev, SD.participant, n))
                for t in ef.topics:
                    self.g.add((ev, SD.topic, t))
            self.evidence(ev, e.sentences)
        # hosting
        for host, org, _i in f.hosts:
            h, o = self.node(host), self.node(org)
            if h is not None and o is not None:
                self.g.add((h, SD.hosts, o))
        # every other recognised actor, person and venue
        for key, e in r.entities.items():
            if e.kind in ("country", "org", "person", "place"):
                self.node(key)
        # countries known only from the gazetteer (an agency's country, a capital's country): the
        # sentence naming the agency or the city
        for c in set(self.g.subjects(RDF.type, SD.Country)):
            if (c, SD.evidence, None) not in self.g:
                for holder in [*self.g.subjects(SD.country, c), *self.g.subjects(SD.locatedIn, c)]:
                    for ev in list(self.g.objects(holder, SD.evidence))[:1]:
                        self.g.add((c, SD.evidence, ev))
        return self.g


def emit(facts: Facts) -> Graph:
    """The RDF graph of an article's facts."""
    return _Emitter(facts).run()
