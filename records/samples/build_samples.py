#!/usr/bin/env python3
"""Build the sample / demo catalogue of the Conservatoire du Libre.

Usage:
    python3 build_samples.py CORPORA_DIR OUTPUT_DIR

CORPORA_DIR is the folder of public test corpora (the one holding
``sill-codegouvfr/``, ``cultural-works/``...); OUTPUT_DIR is the folder that
receives ``<kind>/<id>.toml`` and ``SOURCES.md`` (``records/samples``).

Standard library only, no network, deterministic: the same corpora give
byte-for-byte the same files (selections are "every Nth item of a sorted
list" or fixed lists written below; nothing is random). Records of every
kind folder are rewritten on each run: stale ``*.toml`` files in the six
kind folders are removed first.

Facts only: French summaries are built from the fields of the source record;
nothing is made up, except the seed and ferment *lots* (quantity, harvest
year, exchange point...) which are demonstration lots and say so.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import json
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

KINDS = ["software", "cultural-work", "method", "dataset", "seed-lot", "ferment-lot"]

# ---------------------------------------------------------------------------
# TOML writing
# ---------------------------------------------------------------------------


def _escape(s: str, multiline: bool = False) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n" if multiline else "\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append("\\u%04X" % o)
        else:
            out.append(ch)
    return "".join(out)


def t_str(s: str) -> str:
    return '"' + _escape(s) + '"'


def t_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        return r if ("." in r or "e" in r) else r + ".0"
    if isinstance(v, str):
        if "\n" in v:
            return '"""\n' + _escape(v, multiline=True) + '"""'
        return t_str(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        items = [t_value(x) for x in v]
        one = "[" + ", ".join(items) + "]"
        if len(one) <= 80 and "\n" not in one:
            return one
        return "[\n" + "".join("    " + i + ",\n" for i in items) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _clean(d: dict) -> dict:
    """Drops keys whose value is None, '' or an empty list/dict."""
    return {k: v for k, v in d.items() if v is not None and v != "" and v != [] and v != {}}


def t_table_body(d: dict) -> str:
    return "".join(f"{k} = {t_value(v)}\n" for k, v in _clean(d).items())


COMMON_ORDER = [
    "format", "id", "kind", "title", "license", "summary", "description", "tags", "languages",
    "created", "updated", "wikidata",
]
# Kind tables: scalar/array keys first, then sub-tables, then arrays of tables.
SUBTABLES = {
    "software": ([], ["used_by"]),
    "cultural-work": (["holding_institution"], ["creators", "media"]),
    "method": ([], ["references"]),
    "dataset": (["publisher"], ["distributions"]),
    "seed-lot": ([], []),
    "ferment-lot": ([], []),
}


def to_toml(rec: dict) -> str:
    kind = rec["kind"]
    parts = []
    head = {"format": 1}
    for k in COMMON_ORDER[1:]:
        head[k] = rec.get(k)
    parts.append(t_table_body(head))
    for arr in ("links", "contributors", "sources"):
        for item in rec.get(arr) or []:
            parts.append(f"\n[[{arr}]]\n" + t_table_body(item))
    for lang, tr in sorted((rec.get("translations") or {}).items()):
        tr = _clean(tr)
        if tr:
            parts.append(f"\n[translations.{lang}]\n" + t_table_body(tr))
    details = _clean(rec.get("details") or {})
    subs, arrays = SUBTABLES[kind]
    scalars = {k: v for k, v in details.items() if k not in subs and k not in arrays}
    if scalars or kind in ("seed-lot", "ferment-lot"):
        parts.append(f"\n[{kind}]\n" + t_table_body(scalars))
    for s in subs:
        if details.get(s):
            parts.append(f"\n[{kind}.{s}]\n" + t_table_body(details[s]))
    for a in arrays:
        for item in details.get(a) or []:
            parts.append(f"\n[[{kind}.{a}]]\n" + t_table_body(item))
    return "".join(parts)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def slug(s: str, maxlen: int = 60) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > maxlen:
        s = s[:maxlen].rsplit("-", 1)[0] if "-" in s[:maxlen] else s[:maxlen]
    return s.strip("-") or "x"


def one_line(s: str | None, maxlen: int | None = None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s).strip()
    if maxlen and len(s) > maxlen:
        cut = s[: maxlen - 1]
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
        s = cut.rstrip(" ,;:.") + "…"
    return s or None


def strip_html(s: str | None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    s = re.sub(r"</p\s*>", "\n\n", s, flags=re.I)
    s = re.sub(r"<[^>]+>", "", s)
    s = html.unescape(s)
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in s.splitlines()]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


def para(*chunks: str | None) -> str | None:
    """Joins non-empty paragraphs with a blank line."""
    text = "\n\n".join(c.strip() for c in chunks if c and c.strip())
    return text or None


def clip_para(s: str | None, maxlen: int) -> str | None:
    if s is None:
        return None
    s = s.strip()
    if len(s) <= maxlen:
        return s
    cut = s[: maxlen - 1].rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def iso_date(s: str | None) -> str | None:
    if not s:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(s))
    if not m:
        return None
    try:
        _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return m.group(0)


def century_fr(year: int) -> str:
    c = (year - 1) // 100 + 1 if year > 0 else None
    roman = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
             "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI"]
    return f"{roman[c]}e siècle" if c and c < len(roman) else ""


def de(name: str) -> str:
    """French "de" with elision before a vowel."""
    return ("d'" if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else "de ") + name


def join_fr(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


def uninvert(name: str) -> str:
    """'Roeslin, Eucharius' -> 'Eucharius Roeslin' (only for a plain 'Surname, Given')."""
    m = re.fullmatch(r"([^,;]+), ([^,;.]+(?:\. ?[A-Z]\.?)*)", name.strip())
    if m and not re.search(r"\d", name):
        return f"{m.group(2).strip()} {m.group(1).strip()}"
    return name.strip()


def period_fr(period: str | None) -> str | None:
    """A date as written by a museum, in French when it is simple, else None."""
    if not period:
        return None
    p = period.strip()
    if re.fullmatch(r"\d{3,4}", p) or re.fullmatch(r"\d{4}[–-]\d{1,4}", p):
        return p
    m = re.fullmatch(r"(?:c\.|circa|about)\s?(\d{3,4}(?:[–-]\d{1,4})?)", p, re.I)
    if m:
        return f"vers {m.group(1)}"
    m = re.fullmatch(r"\?\s?(\d{4}(?:[–-]\d{1,4})?)", p)
    if m:
        return f"{m.group(1)} (date incertaine)"
    m = re.fullmatch(r"(\d{4}) or (\d{4})", p)
    if m:
        return f"{m.group(1)} ou {m.group(2)}"
    m = re.fullmatch(r"(\d{4}(?:[–-]\d{1,4})?), (?:exhibited|published|reprinted|printed|dated) .*", p)
    if m:
        return m.group(1)
    return None


def dedup_ci(items) -> list:
    seen, out = set(), []
    for it in items:
        if not it:
            continue
        it = one_line(it)
        if not it or len(it) > 50:
            continue
        k = it.lower()
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


class Catalogue:
    """Collects records and checks what the format checker would refuse."""

    def __init__(self, spdx: dict):
        self.records: list[dict] = []
        self.ids: set[str] = set()
        self.spdx = spdx  # id -> licence object
        self.skipped: dict[str, list[str]] = {}

    def unique_id(self, base: str) -> str:
        base = slug(base, 80)
        cand, n = base, 2
        while cand in self.ids:
            suffix = f"-{n}"
            cand = base[: 80 - len(suffix)].rstrip("-") + suffix
            n += 1
        return cand

    def skip(self, source: str, why: str):
        self.skipped.setdefault(source, []).append(why)

    def add(self, rec: dict, source_key: str):
        assert rec["id"] not in self.ids, rec["id"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rec["id"]) and len(rec["id"]) <= 80, rec["id"]
        assert rec["kind"] in KINDS
        assert rec.get("sources"), rec["id"]
        for tok in re.findall(r"[A-Za-z0-9.+-]+", rec["license"]):
            if tok in ("AND", "OR", "WITH") or tok.startswith("LicenseRef-"):
                continue
            lic = self.spdx.get(tok)
            assert lic is not None, f"{rec['id']}: unknown SPDX id {tok}"
            assert not lic.get("isDeprecatedLicenseId"), f"{rec['id']}: deprecated SPDX id {tok}"
        for k in ("title", "summary"):
            v = rec.get(k)
            if v is not None:
                assert v == v.strip() and "\n" not in v, (rec["id"], k, v)
        assert len(rec["title"]) <= 200, rec["id"]
        if rec.get("summary"):
            assert len(rec["summary"]) <= 500, rec["id"]
        rec["_source"] = source_key
        self.ids.add(rec["id"])
        self.records.append(rec)


def new_record(kind: str, rid: str, title: str, license: str, **kw) -> dict:
    rec = {"kind": kind, "id": rid, "title": one_line(title, 200), "license": license}
    rec.update(kw)
    return rec


# ---------------------------------------------------------------------------
# Sources (for [[sources]] and SOURCES.md)
# ---------------------------------------------------------------------------

SRC = {
    "sill-json": {
        "name": "SILL – socle interministériel de logiciels libres (sill.json, mai 2022)",
        "url": "https://github.com/etalab/sill-contents",
        "license": "etalab-2.0",
    },
    "sill-csv": {
        "name": "SILL – fichiers des éditeurs (software.csv et services.csv, mars 2022)",
        "url": "https://github.com/codegouvfr/sill-api",
        "license": "etalab-2.0",
    },
    "tate": {
        "name": "Tate collection – métadonnées des œuvres et des artistes",
        "url": "https://github.com/tategallery/collection",
        "license": "CC0-1.0",
    },
    "openverse": {
        "name": "Openverse catalog – réponses d'API enregistrées (fixtures de test)",
        "url": "https://github.com/WordPress/openverse-catalog",
        "license": "MIT",
    },
    "cleveland": {
        "name": "Cleveland Museum of Art – Open Access",
        "url": "https://www.clevelandart.org/open-access",
        "license": "CC0-1.0",
    },
    "met": {
        "name": "The Metropolitan Museum of Art – Open Access",
        "url": "https://www.metmuseum.org/about-the-met/policies-and-documents/open-access",
        "license": "CC0-1.0",
    },
    "europeana": {
        "name": "Europeana – API de recherche (notices de la Biblioteca Digital de Castilla y León)",
        "url": "https://www.europeana.eu/",
        "license": "CC0-1.0",
    },
    "smk": {
        "name": "SMK – Statens Museum for Kunst, API ouverte",
        "url": "https://open.smk.dk/",
        "license": "CC0-1.0",
    },
    "protocols-io": {
        "name": "protocols.io",
        "url": "https://www.protocols.io/",
        "license": "CC-BY-4.0",
    },
    "aind": {
        "name": "Allen Institute for Neural Dynamics – aind-data-schema-models (liste des protocoles)",
        "url": "https://github.com/AllenNeuralDynamics/aind-data-schema-models",
        "license": "MIT",
    },
    "datacite": {
        "name": "DataCite Metadata Schema – exemples (via inveniosoftware/datacite)",
        "url": "https://github.com/inveniosoftware/datacite",
        "license": "BSD-3-Clause",
    },
    "udata": {
        "name": "udata (data.gouv.fr) – fixtures de moissonnage",
        "url": "https://github.com/opendatateam/udata",
        "license": "AGPL-3.0-only",
    },
    "growstuff": {
        "name": "Growstuff – listes de cultures et de variétés (db/seeds)",
        "url": "https://github.com/Growstuff/growstuff",
        "license": "AGPL-3.0-only",
    },
    "demo": {
        "name": "Conservatoire du Libre – lots de démonstration (rédigés pour le catalogue d'exemple)",
        "license": "CC0-1.0",
    },
}


def src(key: str, **override) -> dict:
    s = dict(SRC[key])
    s.update(override)
    return s


# ---------------------------------------------------------------------------
# Software: SILL
# ---------------------------------------------------------------------------

# SILL licence strings -> SPDX (exact ids, current, not deprecated).
# "GPL-3.0" without "or later"/"+" means "-only". Lists ("A, B") and
# conjunctions ("A et B", "A / B") do not say whether all apply or one may
# be chosen: skipped. So are N/A, "BSD-3.0" (no such licence), "CPA"
# (ambiguous), CC-BY-SA-4.0 (not a software licence) and Zimbra-1.3
# (neither OSI-approved nor FSF-libre).
SILL_LICENCES = {
    "Apache-2.0": "Apache-2.0",
    "GPL-2.0-only": "GPL-2.0-only",
    "GPL-2.0": "GPL-2.0-only",
    "GPL V2.0": "GPL-2.0-only",
    "GPL-2.0-or-later": "GPL-2.0-or-later",
    "GPL-2.0+": "GPL-2.0-or-later",
    "GPL-3.0": "GPL-3.0-only",
    "GPL-3": "GPL-3.0-only",
    "GPL-3.0-only": "GPL-3.0-only",
    "GPL-3.0-or-later": "GPL-3.0-or-later",
    "GPL-3.0+": "GPL-3.0-or-later",
    "AGPL-3.0": "AGPL-3.0-only",
    "AGPL-3": "AGPL-3.0-only",
    "AGPL-3.0-only": "AGPL-3.0-only",
    "AGPL-3.0-or-later": "AGPL-3.0-or-later",
    "LGPL-2.0": "LGPL-2.0-only",
    "LGPL-2.0-only": "LGPL-2.0-only",
    "LGPL-2.1": "LGPL-2.1-only",
    "LGPL-v2.1": "LGPL-2.1-only",
    "LGPL-2.1-only": "LGPL-2.1-only",
    "LGPL-3.0": "LGPL-3.0-only",
    "LGPL-3.0-only": "LGPL-3.0-only",
    "MIT": "MIT",
    "MPL-2.0": "MPL-2.0",
    "BSD-2-Clause": "BSD-2-Clause",
    "BSD-3-Clause": "BSD-3-Clause",
    "EPL-1.0": "EPL-1.0",
    "EPL-2.0": "EPL-2.0",
    "CECILL-B": "CECILL-B",
    "CECILL-2.1": "CECILL-2.1",
    "X11": "X11",
    "CPL-1.0": "CPL-1.0",
    "Artistic-2.0": "Artistic-2.0",
    "OLDAP-2.8": "OLDAP-2.8",
    "PostgreSQL": "PostgreSQL",
    "EUPL-1.1": "EUPL-1.1",
}

SILL_STATUS = {
    "R": "recommandé",
    "O": "en observation",
    "FR": "en fin de recommandation",
}

SILL_TARGET = 92  # how many SILL entries to ship


def web_url(u: str | None) -> str | None:
    if not u:
        return None
    u = u.strip()
    if re.match(r"^https?://[^\s/@]+(/\S*)?$", u) and " " not in u:
        return u
    return None


def build_sill(corpora: Path, cat: Catalogue):
    base = corpora / "sill-codegouvfr"
    entries = json.loads((base / "sill-contents-2022-05" / "sill.json").read_text(encoding="utf-8"))
    with open(base / "sill-api-2022-03" / "software.csv", encoding="utf-8", newline="") as f:
        csv_rows = {r["ID"]: r for r in csv.DictReader(f)}
    with open(base / "sill-api-2022-03" / "services.csv", encoding="utf-8", newline="") as f:
        services = list(csv.DictReader(f))
    by_sill: dict[str, list[dict]] = {}
    for s in services:
        for sid in re.split(r"\s*;\s*", s["software_sill_id"] or ""):
            if sid.strip():
                by_sill.setdefault(sid.strip(), []).append(s)

    eligible = []
    for e in sorted(entries, key=lambda x: int(x["id"])):
        lic = SILL_LICENCES.get((e.get("l") or "").strip())
        if not lic:
            cat.skip("sill", f"SILL {e['id']} {e['i']}: licence « {e.get('l')} » non convertible en identifiant SPDX libre")
            continue
        if not (e.get("fr-desc") or e.get("f")):
            cat.skip("sill", f"SILL {e['id']} {e['i']}: pas de description")
            continue
        eligible.append((e, lic))
    # Every Nth eligible entry, N chosen to ship about SILL_TARGET entries.
    step = len(eligible) / SILL_TARGET
    chosen = [eligible[int(i * step)] for i in range(min(SILL_TARGET, len(eligible)))]
    chosen_ids = {e["id"] for e, _ in chosen}
    for e, _ in eligible:
        if e["id"] not in chosen_ids:
            cat.skip("sill", f"SILL {e['id']} {e['i']}: non retenu (sélection d'un élément sur {step:.2f})")

    for e, lic in chosen:
        sid = e["id"]
        name = one_line(e["i"])
        row = csv_rows.get(sid) if csv_rows.get(sid, {}).get("nom") else None
        years = [y.strip() for y in (e.get("y") or "").split(";") if y.strip()]
        status = SILL_STATUS.get(e.get("st"), e.get("st"))
        fr_desc = one_line(e.get("fr-desc"))
        function = one_line(e.get("f"))
        summary = fr_desc or function
        if summary and not summary.endswith((".", "!", "?", "…")):
            summary += "."
        lines = [
            f"{name} figure au socle interministériel de logiciels libres (SILL), la liste des logiciels libres "
            f"recommandés pour les administrations de l'État, avec le statut « {status} » (données de mai 2022)."
        ]
        facts = []
        if function:
            facts.append(f"Fonction : {function}.")
        if e.get("c"):
            facts.append(f"Catégorie : {one_line(e['c'])}.")
        if e.get("se"):
            facts.append(f"Domaine : {one_line(e['se'])}.")
        if years:
            facts.append("Années de présence dans le SILL : " + ", ".join(years) + ".")
        vmin, vmax = (e.get("v-") or "").strip(), (e.get("v+") or "").strip()
        if vmin:
            if vmin == "Distribution":
                facts.append("Version recommandée : celle de la distribution.")
            elif vmin[0].isdigit():
                facts.append(f"Version minimale recommandée : {vmin}.")
            else:
                facts.append(f"Version recommandée : {vmin}.")
        if vmax:
            facts.append(f"Version maximale recommandée : {vmax}.")
        if e.get("p"):
            facts.append(f"Module ou greffon de : {one_line(e['p'])}.")
        if e.get("u"):
            facts.append(f"Contexte d'usage : {one_line(e['u'])}.")
        if e.get("g"):
            facts.append(f"Groupe de travail référent : {one_line(e['g'])}.")
        used = by_sill.get(sid, [])
        svc_lines = []
        for s in used:
            line = f"{one_line(s['service_name'])} ({one_line(s['agency_name'])})"
            if web_url(s.get("service_url")):
                line += f" : {s['service_url'].strip()}"
            svc_lines.append("- " + line)
        desc = para(
            "\n".join(lines),
            "\n".join(facts),
            ("Services publics en ligne qui l'utilisent (SILL, 2022) :\n" + "\n".join(svc_lines)) if svc_lines else None,
        )
        links = []
        if web_url(e.get("website")):
            links.append({"url": e["website"].strip(), "rel": "homepage", "title": "Site officiel"})
        if web_url(e.get("doc")):
            links.append({"url": e["doc"].strip(), "rel": "documentation", "title": "Documentation"})
        if web_url(e.get("sources")):
            links.append({"url": e["sources"].strip(), "rel": "source", "title": "Code source"})
        co = (e.get("co") or "").strip()
        if co.isdigit():
            links.append({"url": f"https://comptoir-du-libre.org/fr/softwares/{co}", "rel": "catalogue",
                          "title": "Fiche sur le Comptoir du Libre (ADULLACT)"})
        if web_url(e.get("la")):
            links.append({"url": e["la"].strip(), "rel": "catalogue", "title": "Fiche sur le catalogue GouvTech"})
        used_by, seen = [], set()
        for s in used:
            agency = one_line(s["agency_name"])
            if agency and agency not in seen:
                seen.add(agency)
                used_by.append(_clean({"name": agency, "url": web_url(s.get("agency_url"))}))
        wikidata = None
        if row and re.fullmatch(r"Q[1-9][0-9]*", (row.get("wikidata") or "").strip()):
            wikidata = row["wikidata"].strip()
        tags = dedup_ci(["SILL", e.get("c"), e.get("se")])
        translations = {}
        if e.get("en-desc"):
            translations["en"] = {"summary": one_line(e["en-desc"], 500)}
        sources = [src("sill-json")]
        if row or used:
            sources.append(src("sill-csv"))
        rec = new_record(
            "software", cat.unique_id(name), name, lic,
            summary=one_line(summary, 500), description=desc, tags=tags, wikidata=wikidata,
            links=links, sources=sources, translations=translations,
            details={
                "repository": web_url(e.get("sources")),
                "used_by": used_by,
                "sill_id": int(sid),
            },
        )
        cat.add(rec, "sill")


# ---------------------------------------------------------------------------
# Software: real-world publiccode.yml files
# ---------------------------------------------------------------------------


def _yaml_scalar(v: str):
    v = v.strip()
    if not v:
        return None
    if v[0] in "'\"":
        q = v[0]
        end = v.rfind(q)
        inner = v[1:end] if end > 0 else v[1:]
        return inner.replace("''", "'") if q == "'" else bytes(inner, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
    v = re.sub(r"\s+#.*$", "", v).strip()
    return v


def mini_yaml(text: str):
    """A small YAML subset reader (block mappings, block sequences, block
    scalars | and >, quoted and plain scalars), enough for publiccode.yml
    files. Every scalar stays a string: no YAML 1.1 boolean surprises."""
    lines = []
    for raw in text.splitlines():
        lines.append(raw.rstrip("\r"))

    pos = 0

    def indent_of(line):
        return len(line) - len(line.lstrip(" "))

    def skip_blank():
        nonlocal pos
        while pos < len(lines) and (not lines[pos].strip() or lines[pos].lstrip().startswith("#")):
            pos += 1

    def block_scalar(style, parent_indent):
        nonlocal pos
        buf = []
        ind = None
        while pos < len(lines):
            line = lines[pos]
            if line.strip() == "":
                buf.append("")
                pos += 1
                continue
            i = indent_of(line)
            if i <= parent_indent:
                break
            if ind is None:
                ind = i
            buf.append(line[ind:])
            pos += 1
        while buf and buf[-1] == "":
            buf.pop()
        if style.startswith("|"):
            return "\n".join(buf)
        # folded: single newlines become spaces, blank lines become newlines
        out, cur = [], []
        for b in buf:
            if b == "":
                if cur:
                    out.append(" ".join(cur))
                    cur = []
                out.append("")
            else:
                cur.append(b.strip())
        if cur:
            out.append(" ".join(cur))
        text = "\n".join(out)
        return re.sub(r"\n\n", "\n", text)

    def parse_value(rest, key_indent):
        nonlocal pos
        rest = rest.strip()
        if rest.startswith("|") or rest.startswith(">"):
            return block_scalar(rest, key_indent)
        if rest == "" or rest.startswith("#"):
            skip_blank()
            if pos < len(lines):
                i = indent_of(lines[pos])
                if i > key_indent or (i == key_indent and lines[pos].lstrip().startswith("- ")):
                    return parse_node(i)
            return None
        if rest.startswith("[") and rest.endswith("]"):
            return [_yaml_scalar(x) for x in rest[1:-1].split(",") if x.strip()]
        if rest[0] not in "'\"":
            # plain scalar continued on more-indented lines
            more = []
            while pos < len(lines) and lines[pos].strip() and indent_of(lines[pos]) > key_indent \
                    and not lines[pos].lstrip().startswith("#"):
                more.append(lines[pos].strip())
                pos += 1
            if more:
                rest = rest + " " + " ".join(more)
        return _yaml_scalar(rest)

    def parse_node(ind):
        nonlocal pos
        skip_blank()
        if pos >= len(lines):
            return None
        if lines[pos].lstrip().startswith("- ") or lines[pos].strip() == "-":
            seq = []
            while True:
                skip_blank()
                if pos >= len(lines):
                    break
                line = lines[pos]
                if indent_of(line) != ind or not (line.lstrip().startswith("- ") or line.strip() == "-"):
                    break
                item = line.lstrip()[2:]
                if re.match(r"^[A-Za-z0-9_@.\-]+:(\s|$)", item):
                    # a mapping inside a sequence item: rewrite the line
                    lines[pos] = " " * (ind + 2) + item
                    seq.append(parse_node(ind + 2))
                else:
                    pos += 1
                    seq.append(parse_value(item, ind))
            return seq
        mapping = {}
        while True:
            skip_blank()
            if pos >= len(lines):
                break
            line = lines[pos]
            if indent_of(line) != ind:
                break
            m = re.match(r"^\s*([^:#]+?)\s*:(?:\s+(.*)|\s*)$", line)
            if not m:
                break
            key = _yaml_scalar(m.group(1))
            pos += 1
            mapping[key] = parse_value(m.group(2) or "", ind)
        return mapping

    return parse_node(0)


PUBLICCODE_LICENCES = {"apache-2.0": "Apache-2.0"}
# French summaries translated by hand from each file's shortDescription
# (a translation of the source's own words, nothing added).
PUBLICCODE_FR = {
    "ARPA-SIMC/dballe": "Base de données sur disque, rapide, pour stocker, rechercher, extraire et mettre à jour des données météorologiques observées et prévues.",
    "AgID/wai-portal": "Plateforme nationale de collecte et d'analyse des statistiques de fréquentation des sites web de l'administration publique italienne.",
    "Aitema-gmbh/terminvergabe": "Système libre de prise de rendez-vous et de gestion des files d'attente pour les administrations allemandes et les guichets de services aux citoyens.",
    "Amsterdam/signals-frontend": "Système libre de traitement des tâches pour les administrations, qui classe et oriente automatiquement les signalements concernant l'espace public.",
    "CittaMetropolitanaVenezia/WebMappVenezia": "Application mobile de représentation des informations géolocalisées du territoire.",
    "CodeForBaltimore/Bmore-Responsive": "API pour piloter des systèmes de réponse aux catastrophes et aux situations d'urgence.",
    "Comune-Milano/Whistleblowing": "Application de gestion sécurisée et anonyme des signalements d'actes illicites (lanceurs d'alerte).",
    "italia/publiccode-parser-go": "Bibliothèque Go et outil en ligne de commande pour analyser et valider les fichiers publiccode.yml.",
}
# A description filed under the wrong language key in the source file.
PUBLICCODE_LANG_FIX = {("ARPA-SIMC/dballe", "it"): "en"}
PLATFORM_NAMES = {"web": "web", "linux": "linux", "windows": "windows", "mac": "macos", "macos": "macos",
                  "android": "android", "ios": "ios"}
SOFTWARE_TYPE_FR = {
    "standalone/web": "application web autonome",
    "standalone/backend": "logiciel serveur autonome",
    "standalone/iot": "logiciel autonome pour objets connectés",
    "standalone/other": "logiciel autonome",
    "standalone/desktop": "application de bureau",
    "standalone/mobile": "application mobile",
    "library": "bibliothèque logicielle",
    "addon": "module complémentaire",
    "configurationFiles": "fichiers de configuration",
}
LANG_FR = {"it": "italien", "en": "anglais", "nl": "néerlandais", "de": "allemand", "fr": "français"}
STATUS = {"concept", "development", "beta", "stable", "obsolete"}
MAINT = {"internal", "contract", "community", "none"}


def build_publiccode(corpora: Path, cat: Catalogue):
    base = corpora / "publiccode-yml" / "real-world"
    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    for entry in sorted(manifest, key=lambda m: m["repo"].lower()):
        folder = base / entry["repo"].replace("/", "__")
        doc = mini_yaml((folder / entry["path"]).read_text(encoding="utf-8"))
        name = one_line(str(doc.get("name") or ""))
        legal = doc.get("legal") or {}
        raw_lic = str(legal.get("license") or "").strip()
        lic = PUBLICCODE_LICENCES.get(raw_lic, raw_lic)
        if lic not in cat.spdx or cat.spdx[lic].get("isDeprecatedLicenseId"):
            cat.skip("publiccode", f"{entry['repo']}: licence « {raw_lic} » non reconnue")
            continue
        descs = doc.get("description") or {}
        langs = [k for k in descs if isinstance(descs.get(k), dict)]
        stype = str(doc.get("softwareType") or "")
        used = [one_line(str(u)) for u in (doc.get("usedBy") or []) if u]
        funded = [f.get("name") for f in (doc.get("fundedBy") or []) if isinstance(f, dict) and f.get("name")]
        owner = one_line(str(legal.get("repoOwner") or "")) or None
        version = one_line(str(doc.get("softwareVersion") or "")) or None
        released = iso_date(str(doc.get("releaseDate") or ""))
        created = iso_date(str(doc.get("creationDate") or ""))
        status = str(doc.get("developmentStatus") or "").strip()
        maint = str((doc.get("maintenance") or {}).get("type") or "").strip()
        platforms = [PLATFORM_NAMES[p] for p in (doc.get("platforms") or []) if p in PLATFORM_NAMES]
        fr = (descs.get("fr") or {}) if isinstance(descs.get("fr"), dict) else {}
        en = (descs.get("en") or {}) if isinstance(descs.get("en"), dict) else {}
        kind_fr = SOFTWARE_TYPE_FR.get(stype, "logiciel")
        who = owner or (used[0] if used else None) or (funded[0] if funded else None)
        translated = False
        if fr.get("shortDescription"):
            summary = one_line(fr["shortDescription"], 500)
        elif entry["repo"] in PUBLICCODE_FR:
            summary = PUBLICCODE_FR[entry["repo"]]
            translated = True
        else:
            summary = f"{kind_fr[0].upper() + kind_fr[1:]} sous licence {lic}" + (f" ({who})." if who else ".")
        facts = [f"Fiche construite à partir du fichier publiccode.yml publié dans le dépôt {entry['repo']} (commit {entry['commit'][:12]})."]
        facts.append(f"Type : {kind_fr} ({stype})." if stype else "")
        if version:
            facts.append(f"Version déclarée : {version}" + (f", publiée le {released}." if released else "."))
        if used:
            facts.append("Utilisé par : " + ", ".join(used) + ".")
        if funded:
            facts.append("Financé par : " + ", ".join(funded) + ".")
        if owner:
            facts.append(f"Propriétaire du dépôt : {owner}.")
        if legal.get("mainCopyrightOwner"):
            facts.append(f"Titulaire principal des droits : {one_line(str(legal['mainCopyrightOwner']))}.")
        if langs:
            facts.append("Description d'origine rédigée en " + ", ".join(LANG_FR.get(PUBLICCODE_LANG_FIX.get((entry["repo"], l), l), l) for l in langs)
                         + (" ; le résumé en français en est une traduction." if translated else "."))
        feats = []
        for l in langs:
            for ft in descs[l].get("features") or []:
                if isinstance(ft, str):
                    feats.append(ft)
        desc = para("\n".join(f for f in facts if f),
                    ("Fonctionnalités annoncées (texte d'origine) :\n" + "\n".join("- " + one_line(f) for f in feats[:12])) if feats else None)
        links = []
        landing = web_url(str(doc.get("landingURL") or ""))
        repo_url = web_url(str(doc.get("url") or ""))
        if landing:
            links.append({"url": landing, "rel": "homepage", "title": "Page d'accueil"})
        for l in langs:
            d = web_url(str(descs[l].get("documentation") or ""))
            if d:
                links.append({"url": d, "rel": "documentation", "title": "Documentation"})
                break
        if repo_url:
            links.append({"url": repo_url, "rel": "source", "title": "Dépôt du code source"})
        contributors = []
        if owner:
            contributors.append({"name": owner, "role": "publisher"})
        for f in funded:
            contributors.append({"name": one_line(f), "role": "funder"})
        translations = {}
        for l in langs:
            if l != "fr" and descs[l].get("shortDescription"):
                tag = PUBLICCODE_LANG_FIX.get((entry["repo"], l), l)
                translations[tag] = {"summary": one_line(descs[l]["shortDescription"], 500)}
        tags = dedup_ci(["publiccode.yml"] + [str(c) for c in (doc.get("categories") or [])][:8])
        rec = new_record(
            "software", cat.unique_id(name), name, lic,
            summary=summary, description=desc, tags=tags, created=created,
            languages=[], links=links, contributors=contributors,
            sources=[{"name": f"publiccode.yml du dépôt {entry['repo']}",
                      "url": f"https://github.com/{entry['repo']}/blob/{entry['commit']}/{entry['path']}",
                      "license": lic}],
            translations=translations,
            details={
                "repository": repo_url,
                "version": version,
                "released": released,
                "platforms": platforms,
                "maintenance": maint if maint in MAINT else None,
                "development_status": status if status in STATUS else None,
                "used_by": [{"name": u} for u in used],
            },
        )
        cat.add(rec, "publiccode")


# ---------------------------------------------------------------------------
# Cultural works: Tate (public domain in France only)
# ---------------------------------------------------------------------------

PD_DEATH_BEFORE = 1956  # 70 years post mortem, counted from 1 January following the death: died <= 1955

MEDIUM_WORDS = {
    "graphite": "graphite", "watercolour": "aquarelle", "oil paint": "huile", "ink": "encre",
    "chalk": "craie", "pen and ink": "encre à la plume", "oil": "huile", "pen": "plume", "gouache": "gouache",
    "aquatint": "aquatinte", "wood engraving": "gravure sur bois", "etching": "eau-forte",
    "engraving": "gravure", "lithograph": "lithographie", "mezzotint": "manière noire",
    "line engraving": "gravure au burin", "woodcut": "gravure sur bois", "charcoal": "fusain",
    "pastel": "pastel", "tempera": "tempera", "wash": "lavis", "crayon": "crayon", "bronze": "bronze",
    "marble": "marbre", "plaster": "plâtre", "copper plate": "plaque de cuivre", "wood": "bois",
}
SUPPORTS = {"paper": "papier", "canvas": "toile", "wood": "bois", "board": "carton", "fabric": "tissu",
            "mahogany": "acajou", "panel": "panneau", "copper": "cuivre"}


def medium_fr(medium: str | None) -> str | None:
    """French rendering of a simple Tate medium line, or None when a word is unknown."""
    if not medium:
        return None
    m = medium.strip().rstrip(".")
    support = None
    mm = re.fullmatch(r"(.+?) on (\w+)", m)
    if mm:
        m, sup = mm.group(1), mm.group(2).lower()
        support = SUPPORTS.get(sup)
        if not support:
            return None
    m = m.lower()
    # protect "pen and ink" before splitting on "and"
    m = m.replace("pen and ink", "pen_and_ink")
    parts = [p.strip() for p in re.split(r",| and ", m) if p.strip()]
    words = []
    for p in parts:
        w = MEDIUM_WORDS.get(p.replace("pen_and_ink", "pen and ink"))
        if not w:
            return None
        words.append(w)
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]
    if support:
        text += f" sur {support}"
    return text


TATE_FORMS = {
    "painting": ("painting", "Peinture"),
    "on paper, unique": ("drawing", "Œuvre sur papier"),
    "on paper, print": ("print", "Estampe"),
    "sculpture": ("sculpture", "Sculpture"),
    "relief": ("relief", "Relief"),
    "block for printing": ("printing block", "Matrice d'impression"),
}
TATE_TARGET = 70


def build_tate(corpora: Path, cat: Catalogue):
    base = corpora / "cultural-works" / "tate-collection"
    with open(base / "artist_data.csv", encoding="utf-8-sig", newline="") as f:
        artists = {r["id"]: r for r in csv.DictReader(f)}
    works = []
    with open(base / "artworks_sample.jsonl", encoding="utf-8") as f:
        for line in f:
            works.append(json.loads(line))
    works.sort(key=lambda w: w["acno"])
    eligible, reasons = [], {}

    def why(r):
        reasons[r] = reasons.get(r, 0) + 1

    for w in works:
        cs = w.get("contributors") or []
        if not cs:
            why("pas d'auteur connu")
            continue
        if any(c.get("role") != "artist" for c in cs):
            why("rôle d'auteur indirect (« after », « attributed to », « studio of »…)")
            continue
        deaths = []
        for c in cs:
            a = artists.get(str(c.get("id")))
            d = a.get("yearOfDeath") if a else None
            deaths.append(int(d) if d and d.isdigit() else None)
        if any(d is None or d >= PD_DEATH_BEFORE for d in deaths):
            why("un auteur vivant, mort en 1956 ou après, ou date de mort inconnue : pas dans le domaine public en France")
            continue
        if w.get("thumbnailCopyright"):
            why("mention de droits (© …) sur la notice")
            continue
        if not w.get("title") or w["title"].startswith("["):
            why("sans titre connu")
            continue
        if not w.get("medium") or not (w.get("dateRange") or {}).get("startYear"):
            why("technique ou date manquante")
            continue
        if w.get("classification") not in TATE_FORMS:
            why("classification inconnue")
            continue
        eligible.append(w)
    # one work per (first) artist, the first by accession number
    first_by_artist = {}
    for w in eligible:
        first_by_artist.setdefault(w["contributors"][0]["id"], w)
    pool = sorted(first_by_artist.values(), key=lambda w: w["acno"])
    step = len(pool) / TATE_TARGET
    chosen = [pool[int(i * step)] for i in range(min(TATE_TARGET, len(pool)))]
    for r, n in sorted(reasons.items()):
        cat.skip("tate", f"{n} notices écartées : {r}")
    cat.skip("tate", f"{len(eligible) - len(chosen)} notices éligibles non retenues (une œuvre par artiste, puis une sur {step:.2f})")

    for w in chosen:
        form, form_fr = TATE_FORMS[w["classification"]]
        creators, names = [], []
        for c in sorted(w["contributors"], key=lambda c: c.get("displayOrder") or 0):
            a = artists[str(c["id"])]
            born = int(a["yearOfBirth"]) if (a.get("yearOfBirth") or "").isdigit() else None
            died = int(a["yearOfDeath"])
            name = one_line(c.get("fc")) or one_line(a["name"])
            names.append((name, born, died, a))
            creators.append(_clean({"name": name, "role": "artist", "born": born, "died": died}))
        title = one_line(w["title"], 200)
        year = int(w["dateRange"]["startYear"])
        period = one_line(w.get("dateText") or w["dateRange"].get("text"))
        if period and "not known" in period:
            period = None
        med_fr = medium_fr(w.get("medium"))
        who = " et ".join(n for n, *_ in names)
        when = period_fr(period)
        bits = [f"{form_fr} {de(who)}"]
        if med_fr:
            bits.append(med_fr)
        if when:
            bits.append(when)
        summary = ", ".join(bits) + (", conservé à la Tate (Londres)." if form == "relief" else ", conservée à la Tate (Londres).")
        life = []
        for n, born, died, a in names:
            span = f"{born}–{died}" if born else f"mort en {died}"
            place = []
            fem = "e" if a.get("gender") == "Female" else ""
            if a.get("placeOfBirth"):
                place.append(f"né{fem} : {a['placeOfBirth']}")
            if a.get("placeOfDeath"):
                place.append(f"mort{fem} : {a['placeOfDeath']}")
            life.append(f"{n} ({span}" + (", " + ", ".join(place) if place else "") + ")")
        dims = "; ".join(x.strip() for x in (w.get("dimensions") or "").splitlines() if x.strip()) or None
        facts = [
            f"{form_fr} {de(life[0])}" + "".join(", " + x for x in life[1:]) + ".",
            f"Date : {period}." if period else None,
            f"Technique (notice de la Tate) : {w['medium']}" + (f" – en français : {med_fr}." if med_fr else "."),
            f"Dimensions : {dims}." if dims else None,
            f"Numéro d'inventaire : {w['acno']}" + (f", entrée dans les collections en {w['acquisitionYear']}." if w.get("acquisitionYear") else "."),
            f"Mention de provenance : {one_line(w['creditLine'])}." if w.get("creditLine") else None,
        ]
        status = ("Domaine public en France : " + ("l'auteur est mort" if len(names) == 1 else "tous les auteurs sont morts")
                  + " avant 1956, il y a plus de 70 ans. Les métadonnées de la Tate sont publiées sous CC0 ; "
                  "ses reproductions photographiques ne sont pas sous licence libre et ne sont donc pas reprises ici.")
        desc = para("\n".join(f for f in facts if f), status)
        en_bits = [f"Work by {who}", w["medium"][0].lower() + w["medium"][1:], period or str(year)]
        tags = dedup_ci(["Tate", form_fr.lower(), century_fr(year), "domaine public"])
        rec = new_record(
            "cultural-work", cat.unique_id(f"tate-{w['acno']}-{title}"), title, "CC-PDM-1.0",
            summary=one_line(summary, 500), description=desc, tags=tags,
            links=[{"url": w["url"], "rel": "catalogue", "title": "Notice de l'œuvre sur le site de la Tate"}],
            sources=[src("tate")],
            translations={"en": {"title": title, "summary": one_line(", ".join(en_bits) + ", held at Tate (London).", 500)}},
            details={
                "creators": creators,
                "form": form,
                "period": period,
                "year": year,
                "medium": one_line(w.get("medium")),
                "dimensions": one_line(dims, 300),
                "holding_institution": {"name": "Tate", "url": "https://www.tate.org.uk/"},
                "accession_number": w["acno"],
                "rights_status": "public-domain",
            },
        )
        cat.add(rec, "tate")


# ---------------------------------------------------------------------------
# Cultural works: Openverse catalog fixtures (per-record free licences)
# ---------------------------------------------------------------------------

RIGHTS_BY_LICENCE = {"CC0-1.0": "waived", "CC-PDM-1.0": "public-domain"}


def rights_status(lic: str) -> str:
    return RIGHTS_BY_LICENCE.get(lic, "free-licence")


CLEVELAND_TYPES = {
    "Painting": ("painting", "Peinture"), "Drawing": ("drawing", "Dessin"), "Sculpture": ("sculpture", "Sculpture"),
    "Bound Volume": ("book", "Volume relié"), "Metalwork": ("metalwork", "Orfèvrerie"),
    "Jewelry": ("jewellery", "Bijou"), "Ivory": ("ivory", "Ivoire"), "Miscellaneous": ("object", "Objet"),
}
CLEVELAND_TARGET = 16


def build_cleveland(corpora: Path, cat: Catalogue):
    f = corpora / "cultural-works" / "openverse-catalog-fixtures" / "provider_api_responses" / "clevelandmuseum" / "handle_response_data.json"
    items = json.loads(f.read_text(encoding="utf-8"))["data"]
    pool = [i for i in sorted(items, key=lambda i: i["id"])
            if i.get("share_license_status") == "CC0" and i.get("creators") and i.get("title")
            and (i.get("images") or {}).get("web") and i.get("type") in CLEVELAND_TYPES]
    step = len(pool) / CLEVELAND_TARGET
    chosen = [pool[int(k * step)] for k in range(min(CLEVELAND_TARGET, len(pool)))]
    cat.skip("cleveland", f"{len(items) - len(chosen)} objets sur {len(items)} non retenus (sans auteur identifié ou hors de la sélection d'un sur {step:.2f})")
    for i in chosen:
        form, form_fr = CLEVELAND_TYPES[i["type"]]
        creators, names = [], []
        for c in i["creators"]:
            d = c.get("description") or ""
            name = one_line(d.split(" (")[0])
            if not name:
                continue
            born = int(c["birth_year"]) if str(c.get("birth_year") or "").lstrip("-").isdigit() else None
            died = int(c["death_year"]) if str(c.get("death_year") or "").lstrip("-").isdigit() else None
            names.append(name)
            creators.append(_clean({"name": name, "role": one_line(c.get("role")), "born": born, "died": died}))
        title = one_line(i["title"], 200)
        period = one_line(i.get("creation_date"))
        year = i.get("creation_date_earliest") if isinstance(i.get("creation_date_earliest"), int) else None
        med_fr = medium_fr(i.get("technique"))
        who = join_fr(names)
        bits = [f"{form_fr} {de(who)}"]
        if med_fr:
            bits.append(med_fr)
        if period_fr(period):
            bits.append(period_fr(period))
        summary = ", ".join(bits) + ", conservé(e) au Cleveland Museum of Art."
        if form_fr in ("Peinture", "Sculpture"):
            summary = ", ".join(bits) + ", conservée au Cleveland Museum of Art."
        elif form_fr in ("Dessin", "Volume relié", "Bijou", "Ivoire", "Objet"):
            summary = ", ".join(bits) + ", conservé au Cleveland Museum of Art."
        facts = [
            "Auteur(s) selon le musée : " + "; ".join(one_line(c.get("description")) for c in i["creators"] if c.get("description")) + ".",
            f"Date : {period}." if period else None,
            f"Technique (notice du musée) : {i['technique']}" + (f" – en français : {med_fr}." if med_fr and med_fr.lower() != i["technique"].lower() else ".") if i.get("technique") else None,
            f"Mesures : {one_line(i['measurements'])}." if i.get("measurements") else None,
            f"Culture : {', '.join(i['culture'])}." if i.get("culture") else None,
            f"Département : {i['department']}." if i.get("department") else None,
            f"Numéro d'inventaire : {i['accession_number']}.",
            f"Mention de provenance : {one_line(i['creditline'])}." if i.get("creditline") else None,
        ]
        status = ("Le Cleveland Museum of Art publie cette notice et ses reproductions photographiques sous CC0 "
                  "(Open Access) : aucune condition de réutilisation.")
        web = i["images"]["web"]
        rec = new_record(
            "cultural-work", cat.unique_id(f"cleveland-{i['accession_number']}-{title}"), title, "CC0-1.0",
            summary=one_line(summary, 500), description=para("\n".join(x for x in facts if x), status),
            tags=dedup_ci(["Cleveland Museum of Art", form_fr.lower(), century_fr(year) if year else None, "open access"]),
            links=[{"url": i["url"], "rel": "catalogue", "title": "Notice de l'œuvre sur le site du musée"}],
            sources=[src("cleveland"), src("openverse")],
            translations={"en": {"title": title, "summary": one_line(i.get("tombstone"), 500)}},
            details={
                "creators": creators,
                "form": form,
                "period": period,
                "year": year,
                "medium": one_line(i.get("technique"), 300),
                "dimensions": one_line(i.get("measurements"), 300),
                "holding_institution": {"name": "Cleveland Museum of Art", "url": "https://www.clevelandart.org/"},
                "accession_number": one_line(i["accession_number"], 50),
                "rights_status": "waived",
                "media": [{"url": web["url"], "media_type": "image/jpeg",
                           "alt": one_line(f"Reproduction photographique de l'œuvre « {title} »", 500),
                           "credit": "The Cleveland Museum of Art, CC0"}],
            },
        )
        cat.add(rec, "cleveland")


MET_CULTURE_FR = {"Japan": "du Japon", "American": "américaine"}
MET_FORMS = {"Paintings": ("painting", "Peinture"), "Screens": ("screen", "Paravent"),
             "Sculpture": ("sculpture", "Sculpture"), "Ceramics": ("ceramic", "Céramique")}


def build_met(corpora: Path, cat: Catalogue):
    f = corpora / "cultural-works" / "openverse-catalog-fixtures" / "normalized_output_tsv" / "metmuseum_1551822422.tsv"
    csv.field_size_limit(10 ** 8)
    with open(f, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    seen = set()
    for r in rows:
        if len(r) != 17 or "-" in r[0] or (r[7], r[8]) != ("CC0", "1.0"):
            continue  # "-n" rows are extra images of the same object
        meta = json.loads(r[12]) if r[12] != "\\N" else {}
        acc = meta.get("accession_number")
        if not acc or acc in seen:
            continue
        seen.add(acc)
        title = one_line(r[11].rstrip(","), 200)
        creator = one_line(r[9]) if r[9] != "\\N" and r[9].strip() else None
        form, form_fr = MET_FORMS.get(meta.get("classification"), ("object", "Objet"))
        med_fr = medium_fr(meta.get("medium"))
        origin = f"{de(creator)}" if creator else (MET_CULTURE_FR.get(meta.get("culture"), f"({meta.get('culture')})") if meta.get("culture") else "")
        bits = [f"{form_fr} {origin}".strip()]
        if med_fr:
            bits.append(med_fr)
        if period_fr(meta.get("date")):
            bits.append(period_fr(meta["date"]))
        summary = ", ".join(bits) + ", conservé(e) au Metropolitan Museum of Art (New York)."
        summary = summary.replace("conservé(e)", "conservée" if form_fr in ("Peinture", "Sculpture", "Céramique") else "conservé")
        facts = [
            f"Auteur : {creator}." if creator else "Auteur non indiqué par le musée.",
            f"Culture : {meta['culture']}." if meta.get("culture") else None,
            f"Date : {meta['date']}." if meta.get("date") else None,
            f"Technique (notice du musée) : {meta['medium']}" + (f" – en français : {med_fr}." if med_fr else ".") if meta.get("medium") else None,
            f"Numéro d'inventaire : {acc}.",
            f"Mention de provenance : {meta['credit_line']}." if meta.get("credit_line") else None,
        ]
        year = None
        m = re.search(r"\b(1\d{3})\b", meta.get("date") or "")
        if m:
            year = int(m.group(1))
        status = "Œuvre du programme Open Access du Metropolitan Museum of Art : notice et image publiées sous CC0."
        rec = new_record(
            "cultural-work", cat.unique_id(f"met-{acc}-{title}"), title, "CC0-1.0",
            summary=one_line(summary, 500), description=para("\n".join(x for x in facts if x), status),
            tags=dedup_ci(["Metropolitan Museum of Art", form_fr.lower(), meta.get("culture"), "open access"]),
            links=[{"url": r[1], "rel": "catalogue", "title": "Notice de l'œuvre sur le site du musée"}],
            sources=[src("met"), src("openverse")],
            translations={"en": {"title": title}},
            details={
                "creators": [{"name": creator, "role": "artist"}] if creator else [],
                "form": form,
                "period": one_line(meta.get("date")),
                "year": year,
                "medium": one_line(meta.get("medium"), 300),
                "holding_institution": {"name": "The Metropolitan Museum of Art", "url": "https://www.metmuseum.org/"},
                "accession_number": one_line(acc, 50),
                "rights_status": "waived",
                "media": [{"url": r[2], "media_type": "image/jpeg",
                           "alt": one_line(f"Reproduction photographique de l'œuvre « {title} »", 500),
                           "credit": "The Metropolitan Museum of Art, CC0"}],
            },
        )
        cat.add(rec, "met")


EUROPEANA_PICK = 8


def build_europeana(corpora: Path, cat: Catalogue):
    f = corpora / "cultural-works" / "openverse-catalog-fixtures" / "provider_api_responses" / "europeana" / "europeana_example.json"
    items = json.loads(f.read_text(encoding="utf-8"))["items"]
    taken = 0
    for x in items:
        if taken >= EUROPEANA_PICK:
            break
        raw = x["title"][0]
        if x.get("rights") != ["http://creativecommons.org/publicdomain/zero/1.0/"]:
            cat.skip("europeana", f"{raw[:60]}: pas CC0")
            continue
        agents = []
        for a in x.get("edmAgentLabel") or []:
            m = re.fullmatch(r"([^,]+), ([^,]+), (?:(\d{4})-(?:ca\. )?(\d{4})|fl\. \d{4}-\d{4}|(\d{4})-ca\. \d{4})", a.get("def", ""))
            if m:
                born = int(m.group(3) or m.group(5)) if (m.group(3) or m.group(5)) else None
                died = int(m.group(4)) if m.group(4) and "ca." not in a["def"] else None
                agents.append(_clean({"name": f"{m.group(2)} {m.group(1)}", "born": born, "died": died}))
        clean = re.sub(r"\s*\[Material gráfico\]\s*", " ", raw)
        clean = re.sub(r"\s*\]\s*", " ", clean).strip()
        fr_title = None
        m = re.match(r"^(.*?)\s*=\s*(.+)$", clean)
        if m and not m.group(2).startswith("("):
            orig, fr_title = one_line(m.group(1)), one_line(m.group(2))
        else:
            orig = one_line(re.sub(r"\s*=\s*", " = ", clean))
        if not agents and not fr_title:
            cat.skip("europeana", f"{raw[:60]}: ni auteur daté ni titre français (non retenu)")
            continue
        taken += 1
        labels = [l.get("def") for l in (x.get("edmTimespanLabel") or []) if l.get("def")]
        period = next((l for l in labels if l.endswith("siècle")), None)
        year = next((int(l) for l in labels if re.fullmatch(r"1\d{3}", l)), None)
        provider = (x.get("dataProvider") or ["?"])[0]
        title = fr_title or orig
        who = join_fr([a["name"] for a in agents])
        summary = "Estampe" + (f" {de(who)}" if who else "") + (f", {period}" if period else "") + f", conservée par la {provider}."
        descr = [one_line(d) for d in (x.get("dcDescription") or []) if d and d.strip()]
        facts = [
            f"Titre d'origine : {orig}" + (f" ; titre français donné par la notice : {fr_title}." if fr_title else "."),
            ("Personnes nommées par la notice (avec leurs dates) : " + "; ".join(a.get("def") for a in x.get("edmAgentLabel") or [] if re.search(r"\d{4}", a.get("def", ""))) + ".") if agents else None,
            f"Période : {period}." if period else None,
            f"Institution : {provider}, via Europeana (fournisseur : {(x.get('provider') or ['?'])[0]}).",
        ]
        rec = new_record(
            "cultural-work", cat.unique_id(f"europeana-{slug(title, 50)}"), title, "CC0-1.0",
            summary=one_line(summary, 500),
            description=para("\n".join(f for f in facts if f),
                             ("Description de la notice (espagnol) :\n" + "\n".join("- " + d for d in descr)) if descr else None,
                             "La notice et l'image sont publiées sous CC0 (Creative Commons Zero) par la bibliothèque, via Europeana."),
            tags=dedup_ci(["Europeana", "estampe", period, "Castille-et-León"]),
            languages=[],
            links=[l for l in [
                {"url": re.sub(r"\?.*$", "", x["guid"]), "rel": "catalogue", "title": "Notice sur Europeana"},
                {"url": x["edmIsShownAt"][0], "rel": "catalogue", "title": f"Notice sur le site de la {provider}"} if x.get("edmIsShownAt") else None,
            ] if l],
            sources=[src("europeana"), src("openverse")],
            translations={"es": {"title": orig}} if fr_title else {},
            details={
                "creators": agents,
                "form": "print",
                "period": period,
                "year": year,
                "holding_institution": {"name": provider},
                "rights_status": "waived",
                "media": [{"url": x["edmIsShownBy"][0], "alt": one_line(f"Reproduction numérique : {title}", 500),
                           "credit": f"{provider}, CC0 (via Europeana)"}] if x.get("edmIsShownBy") else [],
            },
        )
        cat.add(rec, "europeana")


# Wikimedia Commons files picked from the recorded API pages (page ids), with
# their licence as the file page states it. Public-domain files are only
# those whose authors died long ago (old printed books, Munch d. 1944).
WIKIMEDIA_PICK = {
    44666587: "CC-PDM-1.0", 44669852: "CC-PDM-1.0", 44672245: "CC-PDM-1.0", 44672212: "CC-PDM-1.0",
    44672233: "CC-BY-SA-4.0", 44672239: "CC-BY-SA-4.0", 44672267: "CC-BY-SA-4.0",
    44672250: "CC-BY-4.0", 44672276: "CC-BY-4.0", 44672277: "CC0-1.0", 44672185: "CC-BY-SA-3.0-DE",
}
WMC_LICENCES = {"pd": "CC-PDM-1.0", "cc0": "CC0-1.0", "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0",
                "cc-by-sa-3.0-de": "CC-BY-SA-3.0-DE"}


def build_wikimedia(corpora: Path, cat: Catalogue):
    base = corpora / "cultural-works" / "openverse-catalog-fixtures" / "provider_api_responses" / "wikimedia" / "continuation"
    pages = {}
    for name in ("wmc_pretty4.json", "wmc_pretty_nocontinue.json"):
        pages.update(json.loads((base / name).read_text(encoding="utf-8"))["query"]["pages"])
    for pid in sorted(WIKIMEDIA_PICK):
        p = pages[str(pid)]
        ii = (p.get("imageinfo") or [{}])[0]
        em = ii.get("extmetadata") or {}

        def g(k):
            return strip_html(str((em.get(k) or {}).get("value") or "")) or None

        lic = WMC_LICENCES.get((g("License") or "").lower())
        assert lic == WIKIMEDIA_PICK[pid], (pid, g("License"))
        file_title = p["title"].split(":", 1)[1]
        title = one_line(re.sub(r"\.(jpe?g|png|tiff?|svg)$", "", file_title, flags=re.I), 200)
        artist = one_line(g("Artist"))
        if artist and ("lacking author" in artist or artist.lower() == "unknown"):
            artist = None
        if artist:
            artist = join_fr([uninvert(a) for a in artist.split(";")])
        date = g("DateTimeOriginal")
        date = one_line(re.sub(r"date QS:.*$", "", date)) if date else None
        year = int(date[:4]) if date and re.match(r"\d{4}", date) else None
        url = ii.get("url")
        is_photo = lic not in ("CC-PDM-1.0",) and year and year >= 2000
        form, form_fr = ("photograph", "Photographie") if is_photo else ("image", "Image")
        if "BHL" in file_title or "Kreuterb" in file_title:
            form, form_fr = ("illustration", "Illustration d'un livre ancien")
        if "Kart over" in file_title or "Festung" in file_title:
            form, form_fr = ("map", "Carte")
        if "Munch" in file_title:
            form, form_fr = ("painting", "Reproduction d'une peinture")
        lic_fr = {"CC-PDM-1.0": "dans le domaine public (marque du domaine public)", "CC0-1.0": "sous CC0",
                  "CC-BY-4.0": "sous licence CC BY 4.0", "CC-BY-SA-4.0": "sous licence CC BY-SA 4.0",
                  "CC-BY-SA-3.0-DE": "sous licence CC BY-SA 3.0 Allemagne"}[lic]
        summary = f"{form_fr}" + (f" {de(artist)}" if artist else f" « {title} »") + (f", {date[:10] if len(date) > 10 else date}" if date else "") + f", sur Wikimedia Commons, {lic_fr}."
        facts = [
            f"Fichier Wikimedia Commons : {file_title}.",
            f"Auteur selon la page du fichier : {artist}." if artist else "Auteur non indiqué par la page du fichier.",
            f"Date : {date}." if date else None,
            f"Licence indiquée par la page : {g('LicenseShortName')}" + (f" ({g('LicenseUrl')})." if g("LicenseUrl") else "."),
            f"Crédit : {one_line(g('Credit'))}." if g("Credit") else None,
        ]
        credit = (f"{artist}, " if artist else "") + f"{g('LicenseShortName')}, via Wikimedia Commons"
        rec = new_record(
            "cultural-work", cat.unique_id(f"commons-{slug(title, 60)}"), title, lic,
            summary=one_line(summary, 500), description="\n".join(f for f in facts if f),
            tags=dedup_ci(["Wikimedia Commons", {"photograph": "photographie", "painting": "peinture", "illustration": "illustration",
                                                  "map": "carte", "image": "image"}[form]]),
            created=iso_date(date),
            links=[{"url": ii["descriptionurl"], "rel": "catalogue", "title": "Page du fichier sur Wikimedia Commons"}],
            contributors=[{"name": artist, "role": "author"}] if artist and is_photo else [],
            sources=[{"name": "Wikimedia Commons", "url": ii["descriptionurl"], "license": lic}, src("openverse")],
            details={
                "creators": [{"name": artist, "role": "photographer" if is_photo else ("artist" if form == "painting" else "author")}] if artist else [],
                "form": form,
                "period": date if date and not is_photo else None,
                "year": year,
                "rights_status": rights_status(lic),
                "media": [{"url": url, "media_type": {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "tif": "image/tiff"}.get(url.rsplit(".", 1)[-1].lower()),
                           "alt": one_line(f"{form_fr} : {title}", 500), "credit": one_line(credit, 300)}] if url else [],
            },
        )
        cat.add(rec, "wikimedia")


def build_smk(corpora: Path, cat: Catalogue):
    f = corpora / "cultural-works" / "openverse-catalog-fixtures" / "provider_api_responses" / "smk" / "item.json"
    x = json.loads(f.read_text(encoding="utf-8"))
    if not x.get("public_domain") or "cc0" not in (x.get("rights") or ""):
        cat.skip("smk", "item.json : pas CC0")
        return
    title = one_line(x["titles"][0]["title"])
    creators = []
    for p in x.get("production") or []:
        name = f"{p.get('creator_forename', '')} {p.get('creator_surname', '')}".strip()
        born = int(p["creator_date_of_birth"][:4]) if p.get("creator_date_of_birth") else None
        died = int(p["creator_date_of_death"][:4]) if p.get("creator_date_of_death") else None
        creators.append(_clean({"name": name, "role": "artist", "born": born, "died": died}))
    period = one_line((x.get("production_date") or [{}])[0].get("period"))
    dims = next((d.get("notes") for d in x.get("dimensions") or [] if d.get("notes")), None)
    who = creators[0]["name"]
    rec = new_record(
        "cultural-work", cat.unique_id(f"smk-{x['object_number']}-{title}"), title, "CC0-1.0",
        summary=f"Gravure sur cuivre {de(who)}, conservée au Statens Museum for Kunst (Copenhague).",
        description=para(
            f"Titre d'origine (danois) : {title}.\n"
            f"Technique selon le musée : {', '.join(x.get('techniques') or [])} (gravure sur cuivre).\n"
            f"Dimensions (feuille) : {dims}.\n"
            f"Datation : {period} ; " + one_line("; ".join(x.get("production_dates_notes") or [])) + ".\n"
            f"Numéro d'inventaire : {x['object_number']}.",
            "Le Statens Museum for Kunst publie cette œuvre du domaine public et sa reproduction sous CC0."),
        tags=["SMK", "gravure", "XVIe siècle"],
        links=[{"url": f"https://open.smk.dk/artwork/image/{x['object_number'].lower()}", "rel": "catalogue", "title": "Notice sur SMK Open"}],
        sources=[src("smk"), src("openverse")],
        translations={"da": {"title": title}},
        details={
            "creators": creators,
            "form": "print",
            "period": period,
            "medium": ", ".join(x.get("techniques") or []),
            "dimensions": dims,
            "holding_institution": {"name": "Statens Museum for Kunst", "url": "https://www.smk.dk/"},
            "accession_number": x["object_number"],
            "rights_status": "waived",
            "media": [{"url": x["image_thumbnail"], "media_type": "image/jpeg",
                       "alt": f"Reproduction de la gravure « {title} »", "credit": "SMK – Statens Museum for Kunst, CC0"}],
        },
    )
    cat.add(rec, "smk")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

BUILDERS = [
    "build_sill",
    "build_publiccode",
    "build_tate",
    "build_cleveland",
    "build_met",
    "build_europeana",
    "build_wikimedia",
    "build_smk",
]


def load_spdx(corpora: Path) -> dict:
    data = json.loads((corpora / "spdx-license-list" / "licenses.json").read_text(encoding="utf-8"))
    return {lic["licenseId"]: lic for lic in data["licenses"]}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        print("usage: build_samples.py CORPORA_DIR OUTPUT_DIR", file=sys.stderr)
        return 2
    corpora, out = Path(argv[1]), Path(argv[2])
    if not (corpora / "spdx-license-list" / "licenses.json").is_file():
        print(f"error: {corpora} does not look like the corpora folder", file=sys.stderr)
        return 2
    cat = Catalogue(load_spdx(corpora))
    for name in BUILDERS:
        globals()[name](corpora, cat)
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        folder = out / kind
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.toml"):
            old.unlink()
    for rec in cat.records:
        path = out / rec["kind"] / f"{rec['id']}.toml"
        path.write_text(to_toml(rec), encoding="utf-8")
    if "write_sources_md" in globals():
        globals()["write_sources_md"](out, cat)
    counts = {}
    for rec in cat.records:
        counts[rec["kind"]] = counts.get(rec["kind"], 0) + 1
    print("wrote", len(cat.records), "records:", ", ".join(f"{k} {counts.get(k, 0)}" for k in KINDS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
