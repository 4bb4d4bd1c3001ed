#!/usr/bin/env python3
"""Build the sample / demo catalogue of the Conservatoire du Libre.

Usage:
    python3 build_samples.py CORPORA_DIR OUTPUT_DIR

CORPORA_DIR is the folder of public test corpora (the one holding
``sill-codegouvfr/``, ``cultural-works/``, ``paris/``...); OUTPUT_DIR is the folder that
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
    "format", "id", "kind", "title", "title_lang", "license", "summary", "description", "tags", "languages",
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
        # `title_lang` is set only from the source (the builder states it);
        # a translation whose title is the title itself says the same thing.
        same = sorted(lang for lang, tr in (rec.get("translations") or {}).items() if tr.get("title") == rec["title"])
        assert rec.get("title_lang") != "fr", rec["id"]
        assert same == ([rec["title_lang"]] if rec.get("title_lang") else []), (rec["id"], same, rec.get("title_lang"))
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

# The proprietary products some shipped SILL entries replace (the SILL of
# 2022 does not say; written for the catalogue's "free software first"
# page, by SILL id).
SILL_REPLACES = {
    93: ["Microsoft SharePoint", "Google Drive", "Dropbox"],
    67: ["Zoom", "Microsoft Teams", "Cisco Webex"],
    147: ["Microsoft Outlook"],
    171: ["Microsoft Exchange", "Microsoft Outlook"],
    120: ["Esri ArcGIS"],
    89: ["Google Chrome", "Microsoft Internet Explorer"],
    80: ["SurveyMonkey"],
    161: ["Trello"],
    1: ["WinZip", "WinRAR"],
    139: ["Adobe Acrobat Reader"],
    91: ["Adobe Acrobat Reader"],
    85: ["X (Twitter)"],
    127: ["Microsoft Windows Server"],
    223: ["Google Docs"],
    54: ["ServiceNow"],
}


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
    left = [e["i"] for e, _ in eligible if e["id"] not in chosen_ids]
    cat.skip("sill", f"{len(left)} entrées éligibles non retenues (sélection d'une entrée sur {step:.2f}, dans l'ordre des identifiants SILL) : "
             + ", ".join(left))

    for e, lic in chosen:
        sid = e["id"]
        name = one_line(e["i"])
        row = csv_rows.get(sid) if csv_rows.get(sid, {}).get("nom") else None
        years = [y.strip() for y in (e.get("y") or "").split(";") if y.strip()]
        status = SILL_STATUS.get(e.get("st"), e.get("st"))
        fr_desc = one_line(e.get("fr-desc"))
        function = one_line(e.get("f"))
        if fr_desc and (fr_desc.lower().rstrip(".") in ("logiciel informatique", "logiciel", "logiciel libre", "free software", "software")
                        or fr_desc == one_line(e.get("en-desc")) or re.search(r"\bsoftware\b", fr_desc, re.I)):
            fr_desc = None  # generic or English: the SILL "function" field says more
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
                "replaces": SILL_REPLACES.get(int(sid)),
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
    "marble": "marbre", "limestone": "calcaire", "gum arabic": "gomme arabique", "plaster": "plâtre", "copper plate": "plaque de cuivre", "wood": "bois",
}
SUPPORTS = {"card": "carton", "paper": "papier", "canvas": "toile", "wood": "bois", "board": "carton", "fabric": "tissu",
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
TATE_TARGET = 80


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
        if (w.get("medium") or "").lower().startswith("photograph"):
            form, form_fr = "photograph", "Photographie"
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
            f"Titre original : {one_line(w['foreignTitle'])} (le titre ci-dessus est celui, en anglais, de la Tate)." if w.get("foreignTitle") else None,
        ]
        status = ("Domaine public en France : " + ("l'auteur est mort" if len(names) == 1 else "tous les auteurs sont morts")
                  + " avant 1956, il y a plus de 70 ans. Les métadonnées de la Tate sont publiées sous CC0 ; "
                  "ses reproductions photographiques ne sont pas sous licence libre et ne sont donc pas reprises ici.")
        desc = para("\n".join(f for f in facts if f), status)
        en_bits = [f"Work by {who}", w["medium"][0].lower() + w["medium"][1:], period or str(year)]
        tags = dedup_ci(["Tate", form_fr.lower(), century_fr(year), "domaine public"])
        rec = new_record(
            "cultural-work", cat.unique_id(f"tate-{w['acno']}-{title}"), title, "CC-PDM-1.0",
            title_lang="en",  # the Tate's `title` is its English title; an original one would be in `foreignTitle`
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
            and not i.get("title_in_original_language")
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
            title_lang="en",  # the museum's English title; `title_in_original_language` is empty for these objects
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
            title_lang="en",  # the Met's Open Access records give the museum's English title
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
        title_lang="da",  # the SMK's own (Danish) title of the print
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
# Methods: protocols.io (via AIND), DataCite examples
# ---------------------------------------------------------------------------

PROTOCOLS_LICENCE_NOTE = (
    "Licence : les protocoles publics de protocols.io sont diffusés en accès ouvert sous licence "
    "Creative Commons Attribution 4.0 (CC BY 4.0), mention que porte chaque page de protocole public ; "
    "ni la liste AIND ni la réponse d'API enregistrée ne la répètent."
)
# The one protocol whose full API record is in the corpora: its abstract,
# translated into French by hand.
PERFUSION_FR = ("Ce protocole décrit les procédures de fixation par perfusion intracardiaque de souris "
                "postnatales : anesthésie, exsanguination, fixation, prélèvement du cerveau et conservation "
                "après fixation.")


def _doi(raw: str) -> str:
    return re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", raw.strip())


def build_protocols(corpora: Path, cat: Catalogue):
    base = corpora / "science-methods" / "protocols-io"
    with open(base / "aind_protocols.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f)]
    by_title: dict[str, list[dict]] = {}
    for r in rows:
        by_title.setdefault(one_line(r["title"]), []).append(r)
    api = json.loads((base / "protocols_io_api_v3_protocol_response.json").read_text(encoding="utf-8"))
    api_doi = _doi(api["doi"])

    for title in sorted(by_title, key=str.lower):
        versions = sorted(by_title[title], key=lambda r: int(r["version"]))
        latest = versions[-1]
        is_api = any(_doi(r["DOI"]) == api_doi for r in versions)
        known = {}  # doi -> version number
        for r in versions:
            known[_doi(r["DOI"])] = int(r["version"])
        if is_api:
            for v in api.get("versions") or []:
                d = _doi(v.get("doi") or "")
                if d and isinstance(v.get("version_id"), int):
                    known.setdefault(d, v["version_id"] + 1)
            main_doi = api_doi
            main_version = str(known[api_doi])
        else:
            main_doi, main_version = _doi(latest["DOI"]), latest["version"]
        refs = []
        for d, n in sorted(known.items(), key=lambda kv: (kv[1], kv[0])):
            if d == main_doi:
                continue
            when = " (plus récente)" if n > int(main_version) else ""
            refs.append({"citation": f"{title}, version {n}{when} sur protocols.io", "doi": d})
        summary = (f"Protocole de laboratoire « {title} », version {main_version}, publié en accès ouvert sur "
                   f"protocols.io et référencé par l'Allen Institute for Neural Dynamics.")
        facts = [
            f"Protocole publié sur protocols.io sous le DOI {main_doi} (version {main_version}).",
            f"{len(versions)} version" + ("s listées" if len(versions) > 1 else " listée") + " par l'Allen Institute for Neural Dynamics (AIND) dans son paquet "
            "aind-data-schema-models, qui recense les protocoles employés dans ses expériences de neurosciences.",
            PROTOCOLS_LICENCE_NOTE,
        ]
        rec = new_record(
            "method", cat.unique_id(f"protocole-{slug(title, 60)}"), title, "CC-BY-4.0",
            title_lang="en",  # protocols.io protocols of the AIND, written in English
            summary=one_line(summary, 500), description=para(*facts),
            tags=["protocols.io", "neurosciences", "protocole de laboratoire"],
            languages=["en"],
            links=[{"url": f"https://doi.org/{main_doi}", "rel": "homepage", "title": "Le protocole sur protocols.io (DOI)"}],
            sources=[src("protocols-io"), src("aind")],
            translations={"en": {"title": title}},
            details={
                "disciplines": ["neurosciences"],
                "doi": main_doi,
                "version": main_version,
                "references": refs,
            },
        )
        if is_api:
            blocks = json.loads(api["description"]).get("blocks", [])
            texts = [b["text"].strip() for b in blocks if b.get("text", "").strip()]
            authors = [a for a in api.get("authors") or [] if a.get("name")]
            created = _dt.datetime.fromtimestamp(api["published_on"], _dt.timezone.utc).date().isoformat()
            rec.update(
                summary=one_line(f"Protocole de perfusion intracardiaque et de prélèvement du cerveau chez la souris, "
                                 f"version {main_version}, publié en accès ouvert sur protocols.io par l'Allen Institute.", 500),
                description=para(
                    PERFUSION_FR,
                    "Les auteurs précisent que ces travaux ont été financés par le National Institute of Mental Health "
                    "des National Institutes of Health (subvention U19MH114830)." if any("U19MH114830" in t for t in texts) else None,
                    f"Auteur : {join_fr([a['name'] for a in authors])} ({authors[0].get('affiliation')}). "
                    f"Publié le {created}, protocole public, non relu par des pairs (peer_reviewed = false).",
                    f"Fiche complète tirée de l'API v3 de protocols.io (identifiant {api['id']}), ainsi que de la liste AIND.",
                    PROTOCOLS_LICENCE_NOTE,
                ),
                tags=["protocols.io", "neurosciences", "protocole de laboratoire", "souris", "histologie", "perfusion"],
                created=created,
                links=[{"url": api["url"], "rel": "homepage", "title": "Le protocole sur protocols.io"},
                       {"url": f"https://doi.org/{main_doi}", "rel": "other", "title": "DOI de cette version"}],
                contributors=[_clean({"name": a["name"], "role": "author"}) for a in authors]
                + [{"name": "National Institute of Mental Health (NIH)", "role": "funder"}],
                translations={"en": {"title": title, "description": texts[0]}},
            )
            rec["details"]["disciplines"] = ["neurosciences", "histologie"]
        cat.add(rec, "protocols-io")


def build_datacite_methods(corpora: Path, cat: Catalogue):
    f = corpora / "science-methods" / "datacite-examples" / "4.3" / "datacite-example-workflow-v4.xml"
    ns = {"d": "http://datacite.org/schema/kernel-4"}
    root = ET.parse(f).getroot()
    rights = root.find("d:rightsList/d:rights", ns)
    assert rights is not None and rights.get("rightsURI") == "http://creativecommons.org/publicdomain/zero/1.0/"
    title = one_line(root.find("d:titles/d:title", ns).text)
    creators = [one_line(c.text) for c in root.findall("d:creators/d:creator/d:creatorName", ns)]
    publisher = one_line(root.find("d:publisher", ns).text)
    year = one_line(root.find("d:publicationYear", ns).text)
    available = iso_date(root.find("d:dates/d:date", ns).text)
    abstract = one_line(root.find("d:descriptions/d:description", ns).text)
    subjects = [one_line(x.text) for x in root.findall("d:subjects/d:subject", ns)]
    size = one_line(root.find("d:sizes/d:size", ns).text)
    rec = new_record(
        "method", cat.unique_id("workflow-soapdenovo2"), title, "CC0-1.0",
        title_lang=root.find("d:titles/d:title", ns).get("{http://www.w3.org/XML/1998/namespace}lang"),
        summary=("Chaîne de traitement (workflow) et matériel d'accompagnement de l'assembleur de génomes "
                 f"SOAPdenovo2 (BGI), publiés en {year} par {publisher} sous CC0."),
        description=para(
            "SOAPdenovo2 est un logiciel d'assemblage de novo de génomes à partir de lectures courtes, de la suite SOAP du BGI. "
            "Selon la notice, cette version réduit la mémoire consommée, résout davantage de régions répétées et allonge "
            "contigs et échafaudages ; des paquets de scripts configurés permettent de refaire les analyses de l'article.",
            f"Auteurs : {'; '.join(creators)}. Éditeur : {publisher}. Mis à disposition le {available}. Taille : {size}.",
            f"Sujets : {', '.join(subjects)}.",
            "Source : exemple « Workflow » du schéma de métadonnées DataCite 4.3. Le DOI de l'exemple (préfixe de test "
            "10.1234) n'est pas repris ; le jeu de données d'assemblage cité par la notice a le DOI 10.5524/100038.",
        ),
        tags=["génomique", "bio-informatique", "assemblage de génomes", "workflow"],
        languages=["en"],
        created=available,
        links=[{"url": "http://soapdenovo2.sourceforge.net/", "rel": "homepage", "title": "SOAPdenovo2 sur SourceForge"}],
        contributors=[{"name": c, "role": "author"} for c in creators] + [{"name": publisher, "role": "publisher"}],
        sources=[src("datacite", license="BSD-3-Clause")],
        translations={"en": {"title": title, "description": abstract}},
        details={
            "disciplines": ["génomique", "bio-informatique"],
            "materials": ["lectures de séquençage courtes (short reads)", "serveur de calcul", "scripts shell fournis"],
            "references": [{"citation": "Jeu de données YH (Homo sapiens) assemblé avec SOAPdenovo2, GigaScience Database",
                            "doi": "10.5524/100038"}],
        },
    )
    cat.add(rec, "datacite")
    cat.skip("datacite", "Les autres exemples DataCite : DOI de test (10.1234, 10.82433), contenu fictif, droits absents ou non libres (CC-BY-NC-ND-3.0, CC-BY-ND-2.0), ou ne décrivant pas une méthode ; l'exemple Zenodo 47394 (réel, CC0) est repris comme jeu de données.")


# ---------------------------------------------------------------------------
# Datasets: udata harvest fixtures (DCAT, ISO 19139, data.gouv.fr)
# ---------------------------------------------------------------------------

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DCAT = "{http://www.w3.org/ns/dcat#}"
DCT = "{http://purl.org/dc/terms/}"
FREQ = {
    "irregular": "irregular", "annual": "annual", "annually": "annual", "cont": "continuous", "continuous": "continuous",
    "daily": "daily", "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly", "punctual": "never",
    "never": "never",
}
# Licence texts found in the fixtures that name Licence Ouverte 2.0 (SPDX etalab-2.0).
LO2 = [
    "licence ouverte version 2.0", "licence ouverte / open licence version 2.0", "licence ouverte v2.0",
    "uploads/2018/11/open-licence.pdf",
]
# "Licence ouverte / Open Licence" without a version, on a record updated after
# version 2.0 replaced 1.0 (2017): read as 2.0, said so in the description.
LO_UNVERSIONED = ["licence ouverte / open licence", "soumis à la licence etalab"]


def lo_licence(text: str, updated: str | None) -> tuple[str | None, str | None]:
    t = (text or "").lower()
    if any(k in t for k in LO2):
        return "etalab-2.0", None
    if "1.0" in t:
        return None, "Licence Ouverte 1.0 (pas d'identifiant SPDX)"
    if any(k in t for k in LO_UNVERSIONED) and updated and updated >= "2017-04-22":
        return "etalab-2.0", ("La notice dit « Licence Ouverte » sans numéro de version ; publiée ou mise à jour après "
                              "avril 2017, date à laquelle la version 2.0 a remplacé la 1.0, elle est lue comme Licence Ouverte 2.0.")
    return None, "licence absente ou non reconnue"


def _text(e):
    return one_line("".join(e.itertext())) if e is not None else None


def dcat_rdf_datasets(path: Path) -> list[dict]:
    root = ET.parse(path).getroot()
    by_about = {e.get(RDF + "about"): e for e in root.iter() if e.get(RDF + "about")}

    def name_of(uri):
        e = by_about.get(uri)
        if e is not None:
            for c in e.iter():
                if c.tag.endswith("}name") or c.tag.endswith("}fn"):
                    if (c.text or "").strip():
                        return one_line(c.text)
        from urllib.parse import unquote
        return one_line(unquote(uri.rstrip("/").rsplit("/", 1)[-1])) if uri else None

    out = []
    for d in root.iter(DCAT + "Dataset"):
        title = _text(d.find(DCT + "title"))
        if not title:
            continue
        rec = {"title": title, "about": d.get(RDF + "about")}
        rec["abstract"] = _text(d.find(DCT + "abstract")) or _text(d.find(DCT + "description"))
        rec["keywords"] = [one_line(k.text) for k in d.findall(DCAT + "keyword") if (k.text or "").strip()]
        rec["issued"] = iso_date(_text(d.find(DCT + "issued")))
        rec["modified"] = iso_date(_text(d.find(DCT + "modified")) or _text(d.find(DCT + "updated")))
        rec["licence"] = " ".join(_text(l) or "" for l in d.findall(DCT + "license"))
        f = _text(d.find(DCT + "accrualPeriodicity")) or ""
        rec["frequency"] = FREQ.get(f.rsplit("/", 1)[-1].lower())
        pub = d.find(DCT + "publisher")
        rec["publisher"] = name_of(pub.get(RDF + "resource")) if pub is not None else None
        cp = d.find(DCAT + "contactPoint")
        rec["contact_org"] = _text(cp.find(".//{http://www.w3.org/2006/vcard/ns#}fn")) if cp is not None else None
        lp = d.find(DCAT + "landingPage")
        rec["landing"] = (lp.get(RDF + "resource") or _text(lp)) if lp is not None else None
        rec["identifier"] = _text(d.find(DCT + "identifier"))
        dists = []
        for de_ in d.findall(DCAT + "distribution"):
            target = by_about.get(de_.get(RDF + "resource")) if de_.get(RDF + "resource") else de_.find(DCAT + "Distribution")
            if target is None:
                continue
            url = None
            for tag in (DCAT + "downloadURL", DCAT + "accessURL"):
                u = target.find(tag)
                if u is not None:
                    url = u.get(RDF + "resource") or _text(u)
                    break
            if url:
                dists.append({"url": url, "title": _text(target.find(DCT + "title")),
                              "format": _text(target.find(DCT + "format"))})
        rec["distributions"] = dists
        out.append(rec)
    return out


def dist_format(fmt: str | None, url: str) -> str | None:
    f = (fmt or "").strip()
    if f.startswith("OGC:") or "ows" in url.lower() and not f:
        return "OGC WMS/WFS"
    if f.startswith("WWW:LINK") or f in ("", "Web Page"):
        return None
    return one_line(f.upper() if len(f) <= 5 else f, 50)


def dataset_record(cat: Catalogue, rid: str, title: str, lic: str, *, summary: str, description: str,
                   publisher: dict, sources: list, **kw) -> dict:
    details = kw.pop("details", {})
    details = {"publisher": _clean(publisher), **details}
    return new_record("dataset", cat.unique_id(rid), title, lic, summary=one_line(summary, 500),
                      description=description, sources=sources, details=details, **kw)


def build_geo_dcat(corpora: Path, cat: Catalogue):
    base = corpora / "french-open-data" / "udata-fixtures"
    for why in [
        "dcat/datara--*.rdf.xml (2 notices d'Auvergne-Rhône-Alpes) : licence « Ayant droit IGN Bénéficiaires du RGE », réservée, non libre",
        "dcat/udata.xml (Bureaux de vote – Vanves) : « License Not Specified »",
        "dcat/geonetwork.xml (OREME, bassin du Gardon) : conditions d'accès INSPIRE (« noConditionsApply ») mais pas de licence nommée",
        "dcat/series.xml (Ifremer Sextant) : pas de licence",
        "csw_dcat/geonetwork-iso19139-*.xml, geonetwork-geodcatap-*.xml, geoide-iso19139-single-dataset.xml : seules les pages DCAT "
        "de Géo2France et la notice ISO du RPG sont lues ; la plupart des notices ISO sont sous Licence Ouverte 1.0 (pas d'identifiant SPDX)",
        "ckan/data/dkan-french-w-license.json (Hauts-de-France, antennes régionales) : lien vers la Licence Ouverte de 2011 (version 1.0)",
        "fichiers synthétiques (data.test.org : catalog.xml, bnodes.*, *.jsonld, conflicting-dois.xml, serves-dataset-by-uri-*) : contenu inventé pour les tests",
    ]:
        cat.skip("udata", why)
    files = [
        ("csw_dcat/geonetwork-dcat-page-1.xml", "Géo2France"),
        ("csw_dcat/geonetwork-dcat-page-3.xml", "Géo2France"),
        ("csw_dcat/geonetwork-dcat-page-5.xml", "Géo2France"),
        ("dcat/sig.oreme.rdf", "OSU OREME"),
    ]
    for rel, portal in files:
        for d in dcat_rdf_datasets(base / rel):
            lic, note = lo_licence(d["licence"], d["modified"] or d["issued"])
            if not lic:
                cat.skip("udata", f"{rel} – {d['title'][:70]} : {note}")
                continue
            dists = []
            for x in d["distributions"]:
                u = web_url(x["url"])
                if u:
                    dists.append(_clean({"url": u, "format": dist_format(x.get("format"), u), "title": one_line(x.get("title"), 300)}))
            publisher = d["publisher"] or d["contact_org"] or portal
            landing = web_url(d["landing"]) or web_url(d["about"])
            abstract = d["abstract"] or ""
            fr_source = portal == "Géo2France"
            title = d["title"]
            if fr_source:
                summary = clip_para(abstract.split(". ")[0].rstrip(".") + ".", 500) if abstract else f"Jeu de données publié sur {portal}."
            else:
                summary = ("Données du réseau national de gravimétrie absolue répétée (GRAVI), service d'observation de "
                           "l'OSU OREME (Observatoire de recherche montpelliérain de l'environnement).")
            desc = para(
                (f"Résumé de la notice : {abstract}" if fr_source else "Résumé traduit de la notice (anglais) : réseau de sites de "
                 "mesure gravimétrique absolue répétés dans le temps ; cet observatoire fait partie de l'OSU OREME "
                 "(oreme.org) et est labellisé dans le cadre du SNO RESIF-Gravimétrie."),
                f"Producteur : {publisher}. Catalogue d'origine : {portal} (export DCAT moissonné par data.gouv.fr / udata).",
                f"Licence indiquée : {d['licence'].strip()}." + (" " + note if note else ""),
            )
            rec = dataset_record(
                cat, f"{slug(portal, 20)}-{slug(title, 55)}", title, lic,
                summary=summary, description=desc, publisher={"name": publisher},
                tags=dedup_ci(d["keywords"][:10]),
                languages=["fr"] if fr_source else ["en"],
                title_lang=None if fr_source else "en",  # OREME's catalogue is in English (xml:lang="en")
                created=d["issued"], updated=d["modified"] if d["modified"] and (not d["issued"] or d["modified"] >= d["issued"]) else None,
                links=[{"url": landing, "rel": "catalogue", "title": f"Notice sur {portal}"}] if landing else [],
                sources=[{"name": f"{portal} – catalogue DCAT (fixture de moissonnage udata)", "url": landing, "license": lic},
                         src("udata")],
                translations={} if fr_source else {"en": {"title": title, "description": abstract}},
                details={
                    "formats": dedup_ci([x.get("format") for x in dists]),
                    "update_frequency": d["frequency"],
                    "spatial_coverage": "Hauts-de-France" if portal == "Géo2France" else "France",
                    "distributions": dists,
                },
            )
            cat.add(rec, "udata")


def build_evian(corpora: Path, cat: Catalogue):
    data = json.loads((corpora / "french-open-data" / "udata-fixtures" / "dcat" / "evian.json").read_text(encoding="utf-8"))
    titles_fr = {"stationnement velos": "Stationnements vélos", "poubelles": "Poubelles", "defibrillateurs": "Défibrillateurs"}
    for d in data["dataset"]:
        lic_text = strip_html(d.get("license")) or ""
        updated = iso_date(d.get("modified"))
        lic, note = lo_licence(lic_text, updated)
        if not lic:
            cat.skip("udata", f"evian.json – {d['title']} : {note}")
            continue
        abstract = strip_html(d.get("description")) or ""
        title = f"{titles_fr.get(d['title'], d['title'])} – Évian-les-Bains"
        dists = []
        for x in d.get("distribution") or []:
            u = web_url(x.get("accessURL") or x.get("downloadURL"))
            if u and x.get("format") != "Web Page":
                dists.append(_clean({"url": u, "format": one_line(x.get("format"), 50), "title": one_line(x.get("title"))}))
        rec = dataset_record(
            cat, f"evian-{slug(d['title'])}", title, lic,
            summary=abstract.rstrip(".") + "." if abstract else f"Jeu de données de la ville d'Évian-les-Bains : {d['title']}.",
            description=para(
                f"Titre d'origine : « {d['title']} ». " + (f"Description : {abstract}" if abstract else ""),
                f"Producteur : {d['publisher']['name']}. Portail : ArcGIS Hub de la ville (export DCAT au format Project Open Data, "
                "moissonné par data.gouv.fr / udata).",
                f"Emprise (longitude/latitude) : {d['spatial']}." if d.get("spatial") else None,
                f"Licence indiquée : {lic_text.rstrip('/ ')}." + (" " + note if note else ""),
            ),
            publisher={"name": d["publisher"]["name"]},
            tags=dedup_ci((d.get("keyword") or []) + ["Évian-les-Bains"]),
            languages=["fr"],
            created=iso_date(d.get("issued")), updated=updated,
            links=[{"url": d["landingPage"], "rel": "catalogue", "title": "Page du jeu de données (ArcGIS Hub d'Évian)"}],
            sources=[{"name": "Ville d'Évian-les-Bains – portail open data (export DCAT, fixture udata)", "url": d["landingPage"], "license": lic},
                     src("udata")],
            details={
                "formats": dedup_ci([x.get("format") for x in dists]),
                "spatial_coverage": "Évian-les-Bains (Haute-Savoie)",
                "distributions": dists,
            },
        )
        cat.add(rec, "udata")


def build_rpg(corpora: Path, cat: Catalogue):
    t = (corpora / "french-open-data" / "udata-fixtures" / "csw_dcat" / "geoplateforme-iso19139-IGNF_RPG.xml").read_text(encoding="utf-8")

    def all_of(tag):
        return [one_line(re.sub(r"<[^>]+>", " ", m)) for m in re.findall(r"<" + tag + r"[^>]*>(.*?)</" + tag + ">", t, re.S)]

    constraints = " ".join(all_of("gmd:otherConstraints"))
    assert "Licence Ouverte" in constraints and "2018/11/open-licence.pdf" in t
    abstract = html.unescape(all_of("gmd:abstract")[0])
    urls = sorted(set(re.findall(r"<gmd:URL>\s*(https://data\.geopf\.fr/[^<\s]+)\s*</gmd:URL>", t)))
    dists = []
    for u in urls:
        fmt = "PDF" if u.endswith(".pdf") else ("ZIP" if u.endswith(".zip") else None)
        title = "Téléchargement (Géoplateforme)" if "/telechargement/" in u else "Documentation"
        dists.append(_clean({"url": u, "format": fmt, "title": title}))
    rec = dataset_record(
        cat, "ign-rpg-registre-parcellaire-graphique", "RPG – Registre parcellaire graphique", "etalab-2.0",
        summary=abstract.split(". ")[0].rstrip(".") + ".",
        description=para(
            f"Résumé de la notice : {clip_para(abstract, 3000)}",
            "Producteur : Institut national de l'information géographique et forestière (IGN). Notice ISO 19139 de la "
            "Géoplateforme (IGNF_RPG), moissonnée par data.gouv.fr / udata. Mise à jour annuelle selon la notice.",
            "Licence indiquée : « Licence Ouverte / Open License (compatible ODC-BY, CC-BY 2.0) », avec un lien vers le texte "
            "de la Licence Ouverte 2.0 (etalab.gouv.fr, open-licence.pdf de novembre 2018).",
        ),
        publisher={"name": "Institut national de l'information géographique et forestière (IGN)", "url": "https://www.ign.fr/"},
        tags=["agriculture", "parcelles agricoles", "PAC", "occupation des terres", "données de forte valeur"],
        languages=["fr"],
        links=[{"url": "https://data.geopf.fr/telechargement/resource/RPG", "rel": "download", "title": "Téléchargement sur la Géoplateforme"}],
        sources=[{"name": "Géoplateforme (IGN) – notice ISO 19139 IGNF_RPG (fixture de moissonnage udata)",
                  "url": "https://data.geopf.fr/telechargement/resource/RPG", "license": "etalab-2.0"}, src("udata")],
        details={
            "formats": ["ZIP", "PDF"],
            "update_frequency": "annual",
            "spatial_coverage": "France",
            "distributions": dists,
        },
    )
    cat.add(rec, "udata")


def build_datagouv(corpora: Path, cat: Catalogue):
    data = json.loads((corpora / "french-open-data" / "udata-fixtures" / "fixtures" / "results.redacted.json").read_text(encoding="utf-8"))
    for x in data["datasets"]:
        d, org = x["dataset"], x["organization"]
        stated = "licence ouverte v2.0" in (org.get("description") or "").lower()
        if not stated:
            cat.skip("udata", f"data.gouv.fr – {d['title'][:70]} : aucune licence dans la fixture (pas de clé license)")
            continue
        dists = []
        for r in x["resources"]:
            if web_url(r.get("url")):
                dists.append(_clean({"url": r["url"], "format": (r.get("format") or "").upper() or None,
                                     "title": one_line(r.get("title")), "size": r.get("filesize")}))
        tc = d.get("temporal_coverage") or {}
        created = iso_date(d.get("created_at_internal"))
        updated = iso_date(d.get("last_modified_internal"))
        rec = dataset_record(
            cat, f"datagouv-{d['slug']}", d["title"], "etalab-2.0",
            summary=d["description"].split(". ")[0].rstrip(".") + ".",
            description=para(
                d["description"],
                f"Producteur : {org['name']}. Publié sur data.gouv.fr ({d['slug']}).",
                "Licence : la présentation de l'organisation sur data.gouv.fr indique que « les données publiques produites par "
                "la Mairie de Sixt-sur-Aff sont […] sous la licence libre de type Licence Ouverte v2.0 ».",
            ),
            publisher={"name": org["name"], "url": web_url(org.get("url"))},
            tags=dedup_ci(d.get("tags") or []),
            languages=["fr"],
            created=created, updated=updated if updated and created and updated >= created else None,
            links=[{"url": f"https://www.data.gouv.fr/fr/datasets/{d['slug']}/", "rel": "catalogue", "title": "Page du jeu de données sur data.gouv.fr"}],
            contributors=[{"name": org["name"], "role": "publisher"}],
            sources=[{"name": "data.gouv.fr – métadonnées du jeu de données (fixture udata)",
                      "url": f"https://www.data.gouv.fr/fr/datasets/{d['slug']}/", "license": "etalab-2.0"}, src("udata")],
            details={
                "formats": dedup_ci([x.get("format") for x in dists]),
                "update_frequency": FREQ.get(d.get("frequency")),
                "spatial_coverage": "Sixt-sur-Aff (Ille-et-Vilaine)",
                "temporal_start": iso_date(tc.get("start")),
                "temporal_end": iso_date(tc.get("end")),
                "distributions": dists,
            },
        )
        cat.add(rec, "udata")


# ---------------------------------------------------------------------------
# Datasets: the public data sets the corpora were drawn from
# ---------------------------------------------------------------------------
# Facts come from each corpus folder's SOURCE.md (origin, commit, licence,
# counts) and from the files themselves (sizes of verbatim copies).

def _raw(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def _size(corpora: Path, rel: str) -> int | None:
    f = corpora / rel
    return f.stat().st_size if f.is_file() else None


def _dist(corpora: Path, url: str, fmt: str, title: str, rel: str | None = None) -> dict:
    return _clean({"url": url, "format": fmt, "title": title, "size": _size(corpora, rel) if rel else None})


def build_source_datasets(corpora: Path, cat: Catalogue):
    SILLC = ("etalab/sill-contents", "1263e08b9f721facd29304b0d8c9a66340b59283")
    SILLA = ("codegouvfr/sill-api", "4b8b1808735e1ba892a835607db4719519f3bd43")
    CGO = ("codegouvfr/codegouvfr-output-data", "41094735bbf07a876eb5fdf32ebe8a28b11e66fc")
    TATE = ("tategallery/collection", "a51d8afc988ed083557e2950f4d0b644e7719f4a")
    GROW = ("Growstuff/growstuff", "2ec97581ad4b434f5e0025ea57fd71183fed13c3")
    PCP = ("italia/publiccode-parser-go", "2a1f25a36e0f2ab2d71efb67db8b66ff00573fbe")
    DCI = ("inveniosoftware/datacite", "5506d1347a070952d2c2b96c213f44c5fa46d0dd")
    OVC = ("WordPress/openverse-catalog", "3bf0760cb28d48babe5edf4f210a53d6c3343015")
    sill = json.loads((corpora / "sill-codegouvfr/sill-contents-2022-05/sill.json").read_text(encoding="utf-8"))
    dinum = {"name": "Direction interministérielle du numérique (DINUM)", "url": "https://www.numerique.gouv.fr/"}
    items = [
        dict(
            rid="sill-socle-interministeriel-de-logiciels-libres-2022-05",
            title="SILL – Socle interministériel de logiciels libres (édition consolidée, mai 2022)",
            lic="etalab-2.0",
            summary=f"Liste des {len(sill)} logiciels libres recommandés aux administrations de l'État, avec statut, licence, "
                    "descriptions en français et en anglais, versions recommandées et identifiants croisés (mai 2022).",
            desc=("Fichier consolidé publié sur sill.etalab.gouv.fr puis code.gouv.fr, conservé dans le dépôt archivé "
                  "etalab/sill-contents (commit du 16 mai 2022) : sill.json (clés courtes : i nom, l licence, st statut, "
                  "y années, fr-desc et en-desc, website, sources, co identifiant Comptoir du Libre, frama identifiant "
                  "Framalibre…), sill-updates.json (98 évènements de mise à jour, aussi en RSS dans updates.xml) et "
                  "sill-stats.json (agrégats).\n\nLe SILL actuel vit dans une base de données derrière code.gouv.fr : ce "
                  "fichier est la dernière version versionnée dans un dépôt public. Il alimente les fiches de logiciels "
                  "de ce catalogue d'exemple."),
            publisher=dinum, tags=["SILL", "logiciel libre", "administration", "code.gouv.fr"],
            created=None, updated="2022-05-16", frequency="never", coverage="France (administrations de l'État)",
            links=[{"url": "https://code.gouv.fr/sill", "rel": "homepage", "title": "Le SILL sur code.gouv.fr"},
                   {"url": f"https://github.com/{SILLC[0]}", "rel": "source", "title": "Dépôt etalab/sill-contents (archivé)"}],
            dists=[_dist(corpora, _raw(*SILLC, "docs/sill.json"), "JSON", "sill.json", "sill-codegouvfr/sill-contents-2022-05/sill.json"),
                   _dist(corpora, _raw(*SILLC, "docs/sill-updates.json"), "JSON", "sill-updates.json", "sill-codegouvfr/sill-contents-2022-05/sill-updates.json"),
                   _dist(corpora, _raw(*SILLC, "docs/updates.xml"), "RSS", "updates.xml (flux RSS 2.0)", "sill-codegouvfr/sill-contents-2022-05/updates.xml")],
            sources=[src("sill-json")], en="SILL – French interministerial list of recommended free software (May 2022)",
        ),
        dict(
            rid="sill-fichiers-des-editeurs-2022-03",
            title="SILL – fichiers des éditeurs : logiciels et services en ligne (mars 2022)",
            lic="etalab-2.0",
            summary="Les deux fichiers CSV d'édition du SILL : 231 logiciels (statut, licence, fonction, Wikidata, Comptoir du Libre…) "
                    "et 100 services publics en ligne qui les utilisent.",
            desc=("software.csv : 231 logiciels (colonnes ID, nom, fonction, années, statut R/O/FR, parent, licence, "
                  "contexte d'usage, groupe, versions min et max…) ; 171 recommandés (R), 48 en observation (O), 12 en fin de "
                  "recommandation (FR). services.csv : 100 services publics en ligne (organisme, adresse du service, logiciel "
                  "du SILL utilisé, public visé…).\n\nFichiers du dépôt codegouvfr/sill-api au commit du 8 mars 2022, parent "
                  "du commit qui les a supprimés."),
            publisher=dinum, tags=["SILL", "logiciel libre", "services publics en ligne"],
            updated="2022-03-08", frequency="never", coverage="France (administrations de l'État)",
            links=[{"url": f"https://github.com/{SILLA[0]}", "rel": "source", "title": "Dépôt codegouvfr/sill-api"}],
            dists=[_dist(corpora, _raw(*SILLA, "data/software/software.csv"), "CSV", "software.csv", "sill-codegouvfr/sill-api-2022-03/software.csv"),
                   _dist(corpora, _raw(*SILLA, "data/services/services.csv"), "CSV", "services.csv", "sill-codegouvfr/sill-api-2022-03/services.csv")],
            sources=[src("sill-csv")], en="SILL editors' files: software and online public services (March 2022)",
        ),
        dict(
            rid="code-gouv-fr-comptes-des-organismes-publics-2024-08",
            title="Forges et comptes d'organisation des organismes publics (code.gouv.fr, août 2024)",
            lic="etalab-2.0 OR CC-BY-4.0",
            summary="Liste de 387 forges logicielles et comptes d'organisation (GitHub, GitLab…) d'organismes publics français, "
                    "référencés par code.gouv.fr, avec l'organisme de rattachement et son identifiant dans l'annuaire de service-public.fr.",
            desc=("comptes-organismes-publics.yml : pour chaque forge ou compte, service_of (organisme public de rattachement), "
                  "pso_id (identifiant sur lannuaire.service-public.fr), floss_policy, ignored_since. Dernière version avant que "
                  "ces données ne quittent le dépôt codegouvfr/codegouvfr-output-data (commit du 22 août 2024).\n\n"
                  "Licence : le dépôt indique que les données sont sous Licence Ouverte 2.0 ou, au choix, sous CC BY 4.0."),
            publisher=dinum, tags=["code.gouv.fr", "forges", "logiciel libre", "organismes publics"],
            updated="2024-08-22", frequency="never", coverage="France",
            links=[{"url": "https://code.gouv.fr/sources/", "rel": "homepage", "title": "Les codes sources du secteur public sur code.gouv.fr"}],
            dists=[_dist(corpora, _raw(*CGO, "data/comptes-organismes-publics.yml"), "YAML", "comptes-organismes-publics.yml",
                         "sill-codegouvfr/codegouvfr-output-data-2024-08/comptes-organismes-publics.yml")],
            sources=[{"name": "code.gouv.fr – codegouvfr-output-data", "url": f"https://github.com/{CGO[0]}", "license": "etalab-2.0 OR CC-BY-4.0"}],
            en="Software forges and organisation accounts of French public bodies (code.gouv.fr, August 2024)",
        ),
        dict(
            rid="code-gouv-fr-formations-logiciels-libres-2024-08",
            title="Organismes de formation aux logiciels libres (code.gouv.fr, août 2024)",
            lic="etalab-2.0 OR CC-BY-4.0",
            summary="Liste de 19 structures françaises qui proposent des formations portant sur des logiciels libres, tenue par code.gouv.fr.",
            desc=("formations-logiciels-libres.yml, dépôt codegouvfr/codegouvfr-output-data (commit du 22 août 2024). Le fichier "
                  "publie les adresses de contact des organismes ; elles ne sont pas reprises dans ce catalogue.\n\n"
                  "Licence : Licence Ouverte 2.0 ou, au choix, CC BY 4.0."),
            publisher=dinum, tags=["code.gouv.fr", "formation", "logiciel libre"],
            updated="2024-08-22", frequency="never", coverage="France",
            links=[{"url": f"https://github.com/{CGO[0]}", "rel": "source", "title": "Dépôt codegouvfr/codegouvfr-output-data"}],
            dists=[_dist(corpora, _raw(*CGO, "data/formations-logiciels-libres.yml"), "YAML", "formations-logiciels-libres.yml",
                         "sill-codegouvfr/codegouvfr-output-data-2024-08/formations-logiciels-libres.yml")],
            sources=[{"name": "code.gouv.fr – codegouvfr-output-data", "url": f"https://github.com/{CGO[0]}", "license": "etalab-2.0 OR CC-BY-4.0"}],
            en="Free software training providers (code.gouv.fr, August 2024)",
        ),
        dict(
            rid="tate-collection-metadonnees",
            title="Tate collection – métadonnées des œuvres et des artistes",
            lic="CC0-1.0",
            summary="Métadonnées de la collection de la Tate (Londres) : 69 202 fiches d'œuvres en JSON et 3 532 artistes, "
                    "instantané d'octobre 2014 publié sous CC0.",
            desc=("Dépôt tategallery/collection (dernier commit du 28 octobre 2020, données de l'instantané d'octobre 2014, "
                  "dépôt qui n'est plus entretenu) : un fichier JSON par œuvre (titre, date, technique, dimensions, auteurs avec "
                  "dates, ligne de crédit, sujets…) et artist_data.csv (nom, genre, dates et lieux de naissance et de mort).\n\n"
                  "Les métadonnées sont sous CC0 ; les images ne le sont pas. Les fiches « œuvre » de ce catalogue d'exemple "
                  "(œuvres dont tous les auteurs sont morts avant 1956) en viennent."),
            publisher={"name": "Tate", "url": "https://www.tate.org.uk/"}, tags=["Tate", "musée", "collection", "métadonnées"],
            updated="2020-10-28", frequency="never", coverage="Collection de la Tate (Londres)",
            links=[{"url": f"https://github.com/{TATE[0]}", "rel": "source", "title": "Dépôt tategallery/collection"}],
            dists=[_dist(corpora, _raw(*TATE, "artist_data.csv"), "CSV", "artist_data.csv", "cultural-works/tate-collection/artist_data.csv"),
                   _dist(corpora, f"https://github.com/{TATE[0]}/tree/{TATE[1]}/artworks", "JSON", "artworks/ (un fichier JSON par œuvre)")],
            sources=[src("tate")], en="Tate collection – artwork and artist metadata",
        ),
        dict(
            rid="spdx-license-list-3-27-0",
            title="SPDX License List 3.27.0 (données JSON)",
            lic="CC0-1.0",
            summary="Liste officielle des licences SPDX, version 3.27.0 du 1er juillet 2025 : 699 licences et 79 exceptions, "
                    "avec leurs identifiants et les indicateurs OSI, FSF et « obsolète ».",
            desc=("licenses.json et exceptions.json du dépôt spdx/license-list-data, étiquette v3.27.0. Indicateurs : 145 licences "
                  "approuvées par l'OSI, 127 reconnues libres par la FSF (20 marquées non libres, 552 sans indicateur), "
                  "32 identifiants obsolètes.\n\nLicence : CC0-1.0 selon l'empaquetage REUSE de ces fichiers (le README du dépôt "
                  "renvoie aux dépôts sources) ; attribution : SPDX, Linux Foundation et contributeurs. Le Conservatoire vérifie "
                  "les identifiants de licence de ses fiches avec cette liste."),
            publisher={"name": "SPDX (Linux Foundation)", "url": "https://spdx.org/"}, tags=["SPDX", "licences", "logiciel libre"],
            created="2025-07-01", frequency="quarterly", coverage=None,
            links=[{"url": "https://spdx.org/licenses/", "rel": "homepage", "title": "SPDX License List"}],
            dists=[_dist(corpora, "https://raw.githubusercontent.com/spdx/license-list-data/v3.27.0/json/licenses.json", "JSON", "licenses.json", "spdx-license-list/licenses.json"),
                   _dist(corpora, "https://raw.githubusercontent.com/spdx/license-list-data/v3.27.0/json/exceptions.json", "JSON", "exceptions.json", "spdx-license-list/exceptions.json")],
            sources=[{"name": "SPDX License List Data", "url": "https://github.com/spdx/license-list-data", "license": "CC0-1.0"}],
            en="SPDX License List 3.27.0 (JSON data)",
        ),
        dict(
            rid="growstuff-cultures-et-varietes",
            title="Growstuff – listes de cultures potagères et de variétés",
            lic="AGPL-3.0-only",
            summary="466 cultures et variétés (nom anglais, page Wikipédia, culture parente, nom scientifique) et 372 noms "
                    "alternatifs, de la plateforme communautaire de jardinage et d'échange de semences Growstuff.",
            desc=("Fichiers db/seeds/ du dépôt Growstuff/growstuff (commit du 18 octobre 2024) : crops-00.csv (233 cultures), "
                  "piments (60), tomates (41), menthes et sauges (63), brassicacées (34), courges (20), London working bee (15), "
                  "alternate_names_201410.csv. Colonnes réelles : nom, URL Wikipédia, parent, nom scientifique (le README en "
                  "annonce un autre ordre).\n\nLicence : celle du dépôt (GNU AGPL 3.0), aucune licence propre aux données "
                  "n'étant indiquée. Les lots de semences de démonstration de ce catalogue reprennent ces noms d'espèces."),
            publisher={"name": "Growstuff", "url": "https://www.growstuff.org/"}, tags=["jardinage", "semences", "variétés", "botanique"],
            updated="2024-10-18", frequency="irregular", coverage=None,
            links=[{"url": f"https://github.com/{GROW[0]}/tree/{GROW[1]}/db/seeds", "rel": "source", "title": "Dossier db/seeds du dépôt Growstuff"}],
            dists=[_dist(corpora, _raw(*GROW, f"db/seeds/{n}"), "CSV", n, f"seeds-varieties/growstuff-crops/{n}")
                   for n in ("crops-00.csv", "crops-11-tomatoes.csv", "alternate_names_201410.csv")],
            sources=[src("growstuff")], en="Growstuff – crop and variety lists",
        ),
        dict(
            rid="publiccode-parser-go-donnees-de-test",
            title="publiccode-parser-go – fichiers publiccode.yml de test (valides et invalides)",
            lic="EUPL-1.2",
            summary="344 fichiers publiccode.yml rangés en valides, valides avec avertissements et invalides, qui servent de jeu "
                    "d'essai au validateur de référence du standard publiccode.yml.",
            desc=("Dossier testdata/ du dépôt italia/publiccode-parser-go (commit du 21 août 2026) : versions 0 et 1 du standard, "
                  "cas « sans réseau », logos et captures d'écran de test, plus la liste des codes IPA des administrations "
                  "italiennes (23 735 codes). Nom de chaque fichier : CLÉ_RAISON.yml."),
            publisher={"name": "Developers Italia", "url": "https://developers.italia.it/"}, tags=["publiccode.yml", "tests", "logiciel libre", "validation"],
            updated=None, frequency="irregular", coverage=None,
            links=[{"url": f"https://github.com/{PCP[0]}/tree/{PCP[1]}/testdata", "rel": "source", "title": "Dossier testdata du dépôt"}],
            dists=[_dist(corpora, f"https://github.com/{PCP[0]}/tree/{PCP[1]}/testdata", "YAML", "testdata/")],
            sources=[{"name": "italia/publiccode-parser-go", "url": f"https://github.com/{PCP[0]}", "license": "EUPL-1.2"}],
            en="publiccode-parser-go – publiccode.yml test files (valid and invalid)",
        ),
        dict(
            rid="datacite-exemples-de-metadonnees",
            title="DataCite Metadata Schema – exemples de notices (XML et JSON)",
            lic="BSD-3-Clause",
            summary="44 notices XML d'exemple du schéma de métadonnées DataCite (versions 4.0 à 4.5) et 43 rendus JSON : jeu de "
                    "données, logiciel, workflow, instrument, méthodes, vidéo, géolocalisation, financements…",
            desc=("Dossier tests/data/ du dépôt inveniosoftware/datacite (CERN, Center for Open Science). Les XML sont les exemples "
                  "publiés par DataCite ; plusieurs utilisent des DOI de test (préfixes 10.1234 et 10.82433). Les droits déclarés "
                  "vont de CC0 à CC-BY-NC-ND-3.0, dont un identifiant SPDX mal écrit (« CC0 1.0 »)."),
            publisher={"name": "inveniosoftware (CERN)", "url": "https://inveniosoftware.org/"}, tags=["DataCite", "métadonnées", "DOI", "tests"],
            updated=None, frequency="irregular", coverage=None,
            links=[{"url": f"https://github.com/{DCI[0]}/tree/{DCI[1]}/tests/data", "rel": "source", "title": "Dossier tests/data du dépôt"}],
            dists=[_dist(corpora, f"https://github.com/{DCI[0]}/tree/{DCI[1]}/tests/data", "XML", "tests/data/")],
            sources=[src("datacite")], en="DataCite Metadata Schema – example records (XML and JSON)",
        ),
        dict(
            rid="aind-protocoles-publies-sur-protocols-io",
            title="Allen Institute for Neural Dynamics – liste des protocoles publiés sur protocols.io",
            lic="MIT",
            summary="Liste de 67 protocoles (titre, DOI, version) publiés sur protocols.io et employés par l'Allen Institute "
                    "for Neural Dynamics, distribuée avec le paquet Python aind-data-schema-models.",
            desc=("Fichier src/aind_data_schema_models/_generators/models/protocols.csv de l'archive PyPI "
                  "aind_data_schema_models-6.3.1 : 67 lignes, 42 protocoles distincts (plusieurs versions de certains). Les fiches "
                  "« méthode » de ce catalogue d'exemple en viennent."),
            publisher={"name": "Allen Institute for Neural Dynamics", "url": "https://alleninstitute.org/division/neural-dynamics/"},
            tags=["protocols.io", "neurosciences", "DOI"],
            updated=None, frequency="irregular", coverage=None,
            links=[{"url": "https://github.com/AllenNeuralDynamics/aind-data-schema-models", "rel": "source", "title": "Dépôt aind-data-schema-models"}],
            dists=[_dist(corpora, "https://pypi.org/project/aind-data-schema-models/6.3.1/", "CSV", "Archive PyPI aind_data_schema_models 6.3.1 (protocols.csv)")],
            sources=[src("aind")], en="Allen Institute for Neural Dynamics – protocols published on protocols.io",
        ),
        dict(
            rid="openverse-catalog-reponses-d-api-de-musees",
            title="Openverse catalog – réponses d'API de musées et de photothèques enregistrées pour les tests",
            lic="MIT",
            summary="Réponses réelles des API de Europeana, Wikimedia Commons, du Cleveland Museum of Art, du Brooklyn Museum, "
                    "du Met, de la NYPL, du SMK, de Finna… enregistrées comme jeux d'essai par le catalogue Openverse.",
            desc=("Dossiers de ressources de test du dépôt WordPress/openverse-catalog (archivé, commit du 17 avril 2023) : réponses "
                  "d'API par fournisseur et fichiers TSV normalisés (17 colonnes, sans en-tête). Chaque notice porte la licence "
                  "de l'œuvre donnée par son fournisseur (CC0, CC BY, CC BY-SA, marque du domaine public, mais aussi NC et ND). "
                  "Le dépôt est sous licence MIT."),
            publisher={"name": "WordPress Foundation (Openverse)", "url": "https://openverse.org/"}, tags=["Openverse", "musées", "licences Creative Commons", "tests"],
            updated="2023-04-17", frequency="never", coverage=None,
            links=[{"url": f"https://github.com/{OVC[0]}", "rel": "source", "title": "Dépôt WordPress/openverse-catalog"}],
            dists=[_dist(corpora, f"https://github.com/{OVC[0]}/tree/{OVC[1]}/catalog/tests/dags/providers/provider_api_scripts/resources", "JSON", "resources/ (réponses d'API)")],
            sources=[src("openverse")], en="Openverse catalog – museum and photo library API responses recorded for tests",
        ),
    ]
    for it in items:
        rec = dataset_record(
            cat, it["rid"], it["title"], it["lic"], summary=it["summary"], description=it["desc"],
            publisher=it["publisher"], tags=it["tags"], languages=["fr"] if "sill" in it["rid"] or "code-gouv" in it["rid"] else [],
            created=it.get("created"), updated=it.get("updated"), links=it["links"], sources=it["sources"],
            translations={"en": {"title": it["en"]}},
            details={"formats": dedup_ci([d.get("format") for d in it["dists"]]), "update_frequency": it.get("frequency"),
                     "spatial_coverage": it.get("coverage"), "distributions": it["dists"]},
        )
        cat.add(rec, "corpus-datasets")

    # Zenodo 47394: a real record among the DataCite examples (CC0).
    f = corpora / "science-methods" / "datacite-examples" / "4.3" / "datacite-example-fundingReference-v4.xml"
    ns = {"d": "http://datacite.org/schema/kernel-4"}
    root = ET.parse(f).getroot()
    doi = root.find("d:identifier", ns).text.strip()
    title = one_line(root.find("d:titles/d:title", ns).text)
    assert any(r.get("rightsURI") == "http://creativecommons.org/publicdomain/zero/1.0/" for r in root.findall("d:rightsList/d:rights", ns))
    abstract = strip_html(html.unescape(root.find("d:descriptions/d:description", ns).text))
    abstract = one_line(abstract)
    funders = [(one_line(fr.find("d:awardTitle", ns).text), fr.find("d:awardNumber", ns).text.strip())
               for fr in root.findall("d:fundingReferences/d:fundingReference", ns)]
    files = [x.text.strip() for x in root.findall("d:relatedIdentifiers/d:relatedIdentifier", ns) if x.get("relationType") == "HasPart"]
    subjects = [one_line(x.text) for x in root.findall("d:subjects/d:subject", ns)]
    issued = iso_date(root.find("d:dates/d:date", ns).text)
    rec = dataset_record(
        cat, "zenodo-47394-motivations-gouvernance-biodiversite", title, "CC0-1.0",
        title_lang=root.find("d:titles/d:title", ns).get("{http://www.w3.org/XML/1998/namespace}lang"),
        summary=("Données d'enquête sur les motivations des acteurs de 34 dispositifs de gouvernance de la biodiversité "
                 "dans sept pays de l'Union européenne (169 entretiens en face à face), publiées sur Zenodo sous CC0."),
        description=para(
            "Résumé traduit de la notice : ces fichiers fournissent les données d'origine de l'enquête d'un article sur les "
            "motivations pour la conservation de la biodiversité en Europe. Une enquête en face à face a été menée auprès de "
            "169 acteurs clés de 34 dispositifs de biodiversité reconnus dans sept pays de l'UE. Selon l'article, les initiatives "
            "qui combinent motivations internes et externes partagent une prise de décision inclusive, un suivi large par les "
            "pairs et un contexte favorable à l'autonomie des acteurs.",
            f"Auteur : Tom Dedeurwaerdere (Université catholique de Louvain). Publié sur Zenodo le {issued} (DOI {doi}).",
            "Financement (Commission européenne) : " + "; ".join(f"{t} (convention {n})" for t, n in funders) + ".",
            "Notice reprise de l'exemple « fundingReference » du schéma DataCite 4.3, qui décrit ce dépôt Zenodo réel.",
        ),
        publisher={"name": "Zenodo", "url": "https://zenodo.org/"},
        tags=dedup_ci(["biodiversité", "gouvernance", "services écosystémiques", "enquête"]),
        languages=["en"], created=issued,
        links=[{"url": f"https://doi.org/{doi}", "rel": "homepage", "title": "Le dépôt sur Zenodo (DOI)"}],
        contributors=[{"name": "Tom Dedeurwaerdere", "role": "author"}, {"name": "Commission européenne", "role": "funder"}],
        sources=[{"name": "Zenodo – notice DataCite du dépôt 47394", "url": f"https://doi.org/{doi}", "license": "CC0-1.0"}, src("datacite")],
        translations={"en": {"title": title, "description": abstract}},
        details={"formats": ["PDF"], "update_frequency": "never", "spatial_coverage": "Union européenne (sept pays)",
                 "distributions": [{"url": u, "format": "PDF", "title": u.rsplit("/", 1)[-1]} for u in files]},
    )
    cat.add(rec, "datacite")


# ---------------------------------------------------------------------------
# Paris: the City's software (Lutece), benefit rules (OpenFisca-Paris),
# remarkable trees, municipal libraries, culture datasets
# ---------------------------------------------------------------------------

PARIS = "paris"  # folder of the Paris corpora, under CORPORA_DIR

SRC.update({
    "codegouv-inventory": {
        "name": "Inventaire des codes sources des organismes publics (etalab/data-codes-sources-fr, 2021)",
        "url": "https://github.com/etalab/data-codes-sources-fr",
        "license": "etalab-2.0",
    },
    "openfisca-paris": {
        "name": "OpenFisca-Paris – modélisation des aides sociales de la Ville de Paris (dépôt openfisca/openfisca-paris)",
        "url": "https://github.com/openfisca/openfisca-paris",
        "license": "AGPL-3.0-only",
    },
    "paris-opendata": {
        "name": "Ville de Paris – opendata.paris.fr (Direction des Espaces Verts et de l'Environnement)",
        "url": "https://opendata.paris.fr/",
        "license": "ODbL-1.0",
    },
    "culture-libraries": {
        "name": "Ministère de la Culture – Les bibliothèques des collectivités territoriales : adresses et données d'activité (data.gouv.fr)",
        "url": "https://www.data.gouv.fr/datasets/adresses-des-bibliotheques-publiques-2",
        "license": "etalab-2.0",
    },
    "culture-catalogue": {
        "name": "Ministère de la Culture – exports du catalogue data.gouv.fr (dépôt culturegouv/donnees-ouvertes)",
        "url": "https://github.com/culturegouv/donnees-ouvertes",
        "license": "CC0-1.0",
    },
})

MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]


def date_fr(iso: str) -> str:
    y, m, d = (int(x) for x in iso[:10].split("-"))
    return f"{'1er' if d == 1 else d} {MOIS[m - 1]} {y}"


def number_fr(v: float) -> str:
    """1140.0 -> '1 140', 915.66 -> '915,66' (narrow no-break space between thousands)."""
    text = f"{int(v):,}" if int(v) == v else f"{v:,.2f}".rstrip("0")
    return text.replace(",", "\u202f").replace(".", ",")


def arrondissement_fr(cp: str) -> str:
    n = int(cp[-2:]) if cp != "75116" else 16
    return "Paris " + ("1er" if n == 1 else f"{n}e")


# --- Libraries: the 68 municipal library sites of the national register -----

# Misspellings of "Bibliothèque" in the register, corrected in exchange points.
LIBRARY_NAME_FIXES = {"Bilbiothèque": "Bibliothèque", "Bilbliothèque": "Bibliothèque"}


def paris_libraries(corpora: Path) -> list[dict]:
    with open(corpora / PARIS / "libraries" / "bibliotheques-collectivites_paris-75.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def library_name(row: dict) -> str:
    name = one_line(row["nom_de_l_etablissement"])
    for bad, good in LIBRARY_NAME_FIXES.items():
        name = name.replace(bad, good)
    return name


def library_points(corpora: Path) -> list[str]:
    """Exchange points: the library sites open to the public (a building open to the public, usual
    weekly hours given), sorted by postcode then name. The administration office, the closed
    central store and the heritage collection of L'Heure Joyeuse (not a lending site) are left out."""
    sites = []
    for r in paris_libraries(corpora):
        name = library_name(r)
        if r["type_adresse"] != "Bâtiment ouvert" or float(r["amplitude_horaire"] or 0) <= 0:
            continue
        if not name.startswith(("Bibliothèque", "Médiathèque")):
            continue
        sites.append((r["cp"], name, one_line(r["adresse"])))
    sites.sort()
    return [f"{name}, {addr}, {arrondissement_fr(cp)}" for cp, name, addr in sites]


def exchange_point(points: list[str], n: int) -> str:
    """The n-th lot's exchange point: a stride coprime with the number of sites spreads
    consecutive lots over different arrondissements and uses each site once before any twice."""
    stride = 17
    while len(points) % stride == 0:
        stride += 2
    return points[(n * stride) % len(points)]


# --- Software: Lutece repositories of the City of Paris ----------------------

# French title and summary of each repository, written from its plugin
# descriptor (description_fr), its README first paragraph or its
# code.gouv.fr description (quoted in the record's description).
LUTECE_FR = {
    "lutece-core": ("Lutece – cœur de la plateforme de la Ville de Paris",
                    "Plateforme libre et modulaire de la Ville de Paris pour créer des sites et des services en ligne, "
                    "conçue pour que les villes partagent, réutilisent et adaptent leurs services numériques ; plus de "
                    "400 modules prêts à l'emploi."),
    "lutece-apps-plugin-appcenter": ("Lutece – centre de gestion des applications (plugin appcenter)",
                                     "Module Lutece de centre de gestion des applications."),
    "lutece-cms-plugin-blog": ("Lutece – blog (plugin blog)",
                               "Module Lutece de gestion de contenu de type blog : rédaction et publication de billets "
                               "classés par étiquettes, pages composées par glisser-déposer."),
    "lutece-form-plugin-forms": ("Lutece – formulaires à étapes (plugin forms)",
                                 "Module Lutece de formulaires à étapes : conception et publication par les "
                                 "administrateurs, saisie en ligne par les usagers, traitement des réponses par les agents."),
    "lutece-tech-plugin-gismap": ("Lutece – cartes interactives (plugin gismap)",
                                  "Module Lutece d'intégration de cartes interactives (OpenLayers) : navigation, données "
                                  "WMTS, WMS, WFS et GeoJSON, serveurs GeoServer ou ArcGIS Server."),
    "lutece-tech-plugin-rest": ("Lutece – services REST (plugin rest)",
                                "Module Lutece fournisseur de services REST (JAX-RS), côté client et côté serveur."),
    "lutece-wf-plugin-workflow": ("Lutece – moteur de workflow (plugin workflow)",
                                  "Moteur de workflow de Lutece : états, transitions et actions sur les ressources, "
                                  "tâches extensibles et historique complet des actions."),
    "actes-plugin-actes": ("ACTES – télétransmission des actes au contrôle de légalité (plugin Lutece)",
                           "Module Lutece qui permet aux collectivités de soumettre leurs actes (délibérations, "
                           "arrêtés…) au contrôle de légalité par télétransmission."),
    "chat-module-chatbot-stationnement": ("Lutece – chatbot du stationnement (module chatbot)",
                                          "Preuve de concept d'agent conversationnel (chatbot) sur le stationnement, "
                                          "fondée sur Recast.ai."),
    "comarquage-plugin-dila": ("Lutece – co-marquage des fiches de la DILA (service-public.fr)",
                               "Module Lutece qui insère dans un site les informations de la DILA sur les droits et "
                               "démarches (co-marquage service-public.fr)."),
    "espacepublic-plugin-dansmarue": ("DansMaRue – back office des signalements (plugin Lutece)",
                                      "Application de back office de DansMaRue, où les agents traitent les signalements "
                                      "d'anomalies dans l'espace public."),
    "espacepublic-plugin-fodansmarue": ("DansMaRue – front office (plugin Lutece)",
                                        "Application de front office de DansMaRue, pour signaler une anomalie dans "
                                        "l'espace public et suivre son signalement."),
    "etatcivil-module-formengine-etatcivil": ("Lutece – demandes d'actes d'état civil (module formengine)",
                                              "Formulaires en ligne de demande d'actes d'état civil : naissance, mariage "
                                              "et décès."),
    "franceconnect-plugin-franceconnect": ("Lutece – FranceConnect (plugin franceconnect)",
                                           "Module Lutece d'accès aux fournisseurs de données via FranceConnect, avec le "
                                           "consentement de l'usager (protocole OpenID Connect)."),
    "gru-module-ticketing-facilfamilles": ("Facil'Familles – gestion des sollicitations (module Lutece ticketing)",
                                           "Module Lutece propre à Facil'Familles pour la gestion des sollicitations "
                                           "des familles dans l'outil de ticketing de la gestion de la relation usager."),
    "gru-plugin-appointment": ("Lutece – prise de rendez-vous (plugin appointment)",
                               "Module Lutece de gestion des demandes de rendez-vous : formulaires en ligne pour les "
                               "usagers, semaines types, jours ouvrés et règles définis par les agents."),
    "gru-plugin-gru": ("Lutece – gestion de la relation usager, vue 360° (plugin gru)",
                       "Module Lutece de gestion de la relation usager : toutes les demandes d'un usager dans une même "
                       "vue, pour les traiter."),
    "gru-plugin-identitystore": ("Lutece – référentiel d'identités (plugin identitystore)",
                                 "Référentiel d'identités de Lutece : des identités faites d'attributs lus, écrits ou "
                                 "certifiés par les applications au moyen d'API REST."),
    "hophacks-plugin-shelters": ("Lutece – places disponibles dans les centres d'hébergement (plugin shelters)",
                                 "Module Lutece d'information en temps réel sur les lits disponibles pour la nuit dans "
                                 "les centres d'hébergement pour personnes sans abri."),
    "lutece-ecom-plugin-tipi": ("Lutece – paiement en ligne TIPI (plugin tipi)",
                                "Module Lutece qui simplifie l'usage de TIPI, le paiement en ligne des services publics : "
                                "lecture, création et suivi des transactions."),
    "opendata-module-document-ckan": ("Lutece – API compatible CKAN pour les données ouvertes (module document-ckan)",
                                      "Module Lutece qui expose les jeux de données stockés dans le plugin Document par "
                                      "une API REST compatible avec celle de CKAN, pour leur moissonnage."),
    "opengov-plugin-transparency": ("Lutece – transparence des rencontres avec les représentants d'intérêts (plugin transparency)",
                                    "Module Lutece de diffusion publique des rencontres entre les élus et les "
                                    "représentants d'intérêts (lobbies)."),
    "particip-plugin-ideation": ("Budget participatif – dépôt d'idées (plugin Lutece ideation)",
                                 "Module Lutece de dépôt d'idées par les habitants : formulaire par étapes, recherche "
                                 "illustrée, fiche de chaque proposition et back office."),
    "particip-plugin-participatorybudget": ("Budget participatif – projets et votes (plugin Lutece participatorybudget)",
                                            "Module Lutece pour créer, rechercher et afficher des projets et voter, dans "
                                            "une démarche de participation citoyenne."),
    "particip-site-participatorybudget": ("OpenPB – site de budget participatif (Lutece)",
                                          "Site de démonstration de budget participatif, assemblé avec les modules "
                                          "Lutece d'idéation et de budget participatif."),
    "urbanisme-plugin-plu": ("Lutece – historique du Plan local d'urbanisme (plugin plu)",
                             "Module Lutece de gestion et de consultation des historiques du Plan local d'urbanisme (PLU)."),
}
# Repositories the corpus notes list as the City of Paris's own applications
# (lutece-secteur-public, plugin provider "Mairie de Paris"): `used_by`.
LUTECE_PARIS_APPS = {
    "actes-plugin-actes", "chat-module-chatbot-stationnement", "comarquage-plugin-dila",
    "espacepublic-plugin-dansmarue", "espacepublic-plugin-fodansmarue", "etatcivil-module-formengine-etatcivil",
    "franceconnect-plugin-franceconnect", "gru-module-ticketing-facilfamilles", "gru-plugin-appointment",
    "gru-plugin-gru", "gru-plugin-identitystore", "lutece-ecom-plugin-tipi", "opendata-module-document-ckan",
    "opengov-plugin-transparency", "particip-plugin-ideation", "particip-plugin-participatorybudget",
    "particip-site-participatorybudget", "urbanisme-plugin-plu",
}
EXT_LANG = {".java": "Java", ".js": "JavaScript", ".xsl": "XSLT", ".swift": "Swift", ".m": "Objective-C", ".py": "Python"}
PARIS_NAMES = ("mairie de paris", "ville de paris", "city of paris", "marie de paris", "paris / dsti")


def build_lutece(corpora: Path, cat: Catalogue):
    base = corpora / PARIS / "lutece-software"
    repos = json.loads((base / "lutece-repos.json").read_text(encoding="utf-8"))
    with open(base / "etalab-data-codes-sources-fr_lutece-secteur-public_repositories.csv", encoding="utf-8", newline="") as f:
        inventory = {r["name"]: r for r in csv.DictReader(f)}
    described = set()
    for r in sorted(repos, key=lambda r: (r["owner"] != "lutece-platform", r["name"] != "lutece-core", r["name"])):
        name = r["name"]
        described.add(name)
        inv = inventory.get(name)
        if r.get("license_spdx_derived") != "BSD-3-Clause":
            what = one_line((inv or {}).get("description")) or name
            looked = (r.get("license_basis") or "").rsplit(" found in ", 1)[-1]
            cat.skip("lutece", f"{r['owner']}/{name} ({what}) : aucune licence, ni fichier LICENSE ni en-tête de licence "
                               f"(fichier examiné : {looked}) ; sans licence, le logiciel n'est pas libre et ne peut pas "
                               "être certifié : pas de fiche")
            continue
        title, summary = LUTECE_FR[name]
        pd = (r.get("plugin_descriptors") or [{}])[0]
        provider = one_line(pd.get("provider_fr") or pd.get("provider_default") or "")
        if provider and "." in provider and " " not in provider:
            provider = None  # an unresolved i18n key such as "actes.plugin.provider"
        holder_line = one_line(r.get("source_header_copyright")) or one_line(pd.get("copyright"))
        paris_made = any(p in (provider or holder_line or "").lower() for p in PARIS_NAMES)
        author = "Ville de Paris" if paris_made else provider
        langs = []
        for ext in r.get("top_extensions") or {}:
            lang = EXT_LANG.get(ext)
            if lang and lang not in langs:
                langs.append(lang)
        version = r.get("pom_version") if r.get("pom_version") and "SNAPSHOT" not in r["pom_version"] else None
        if r.get("license_file"):
            basis = (f"fichier {r['license_file']} du dépôt (texte de la licence BSD à 3 clauses)"
                     + (" et en-tête BSD à 3 clauses dans les fichiers source" if "header" in (r.get("license_basis") or "") else ""))
        else:
            basis = (f"en-tête BSD à 3 clauses en tête des fichiers source (par exemple {r['source_header_file']}), sans "
                     "fichier LICENSE : la licence n'apparaît donc pas dans le champ de licence de GitHub")
        facts = [
            f"Dépôt {r['owner']}/{name}, compte GitHub attribué à la Mairie de Paris par la liste des comptes d'organismes "
            f"publics de code.gouv.fr. Commit examiné : {r['commit'][:12]} du {date_fr(r['commit_date'])} "
            f"({r['commit_count']} commits depuis le {date_fr(r['first_commit_date'])}, {r['file_count']} fichiers).",
            (f"Projet Maven : {r.get('pom_name')}" + (f", version {r['pom_version']}" if r.get("pom_version") else "")
             + (f", artefact {r['pom_groupId']}:{r['pom_artifactId']}" if r.get("pom_groupId") and r.get("pom_artifactId") else "") + ".")
            if r.get("pom_name") else None,
            (f"Descripteur de plugin : « {one_line(pd.get('description_fr') or pd.get('description_default'))} »"
             + (f", fournisseur : {provider}" if provider else "") + ".")
            if (pd.get("description_fr") or pd.get("description_default")) else None,
            f"Description dans l'inventaire code.gouv.fr (2021) : « {one_line(inv['description'])} »." if inv and inv.get("description") else None,
            f"Mention de droits : « {holder_line} »." if holder_line else None,
            f"Licence BSD-3-Clause : {basis}.",
        ]
        desc = para("\n".join(f for f in facts if f),
                    "Le logiciel est libre : la licence BSD à 3 clauses permet de l'utiliser, de l'étudier, de le modifier "
                    "et de le redistribuer, à condition de conserver la mention de droits et la licence, et sans utiliser le "
                    "nom de la Ville de Paris ou de Lutece pour promouvoir un produit dérivé.")
        # The descriptor's default message bundle is English when the plugin also has a distinct
        # French bundle (Lutece's convention); otherwise its language is not known: no translation.
        en = None
        if pd.get("description_fr") and pd.get("description_default") and pd["description_default"] != pd["description_fr"]:
            en = one_line(pd["description_default"], 500)
        # Interface languages: those of the message bundles the descriptor resolves (unknown without them).
        ui_langs = (["fr", "en"] if en else ["fr"]) if pd.get("description_fr") else []
        links = [{"url": r["repository"], "rel": "source", "title": "Code source (GitHub)"}]
        if web_url(r.get("pom_url")) and r["pom_url"].rstrip("/") != r["repository"].rstrip("/"):
            links.insert(0, {"url": r["pom_url"], "rel": "homepage", "title": "Site de Lutece"})
        if inv and web_url(inv.get("software_heritage_url")):
            links.append({"url": inv["software_heritage_url"], "rel": "other", "title": "Archive Software Heritage"})
        sources = [{"name": f"Dépôt {r['owner']}/{name} (pom.xml, descripteur de plugin, en-têtes de licence), "
                            f"commit {r['commit'][:12]}", "url": r["repository"], "license": "BSD-3-Clause"}]
        if inv:
            sources.append(src("codegouv-inventory"))
        tags = ["Lutece", "Ville de Paris"]
        if name in LUTECE_PARIS_APPS:
            tags.append("service public en ligne")
        for word, tag in (("dansmarue", "DansMaRue"), ("particip", "budget participatif"), ("facilfamilles", "Facil'Familles"),
                          ("franceconnect", "FranceConnect"), ("gismap", "cartographie"), ("ckan", "données ouvertes")):
            if word in name:
                tags.append(tag)
        rec = new_record(
            "software", cat.unique_id(name), title, "BSD-3-Clause",
            summary=summary, description=desc, tags=dedup_ci(tags), languages=ui_langs,
            created=iso_date(r.get("first_commit_date")), updated=iso_date(r.get("commit_date")),
            links=links,
            contributors=[{"name": author, "role": "author"}] if author else [],
            sources=sources,
            translations={"en": {"summary": en}} if en else {},
            details={
                "repository": r["repository"],
                "version": version,
                "programming_languages": langs,
                "used_by": [{"name": "Ville de Paris", "url": "https://www.paris.fr/"}] if name in LUTECE_PARIS_APPS else [],
            },
        )
        cat.add(rec, "lutece")
    rest = sorted(n for n in inventory if n not in described)
    cat.skip("lutece", f"{len(rest)} autres dépôts de l'inventaire code.gouv.fr (2021) de lutece-secteur-public : leur licence "
                       "n'a pas été vérifiée (le champ de licence de GitHub est vide ou « Other », et leurs en-têtes n'ont pas "
                       "été examinés) : pas de fiche tant qu'un curateur ne l'a pas vérifiée")


# --- OpenFisca-Paris: the City's benefit rules as code ------------------------

OPENFISCA_PARIS = ("openfisca/openfisca-paris", "c310a2d422917ad4b53996ca10c54eb825dd3f07")
OPENFISCA_PARIS_VERSION = "5.5.14"
OPENFISCA_PARIS_DATE = "2026-01-21"
# One method per benefit: (id, title, summary, Python files of its variables,
# parameter files or folders, tags). Summaries are written from the labels
# of the variables and the descriptions of the parameters.
OPENFISCA_BENEFITS = [
    ("aides-paris-conditions-communes", "Aides sociales de la Ville de Paris – conditions communes et bases de ressources",
     "Règles communes aux aides sociales de la Ville de Paris codées dans OpenFisca-Paris : résidence parisienne, "
     "bases de ressources, enfants pris en compte, taux d'effort pour le loyer, âge et handicap.",
     ["openfisca_paris/paris.py", "openfisca_paris/personnes_agees/personnes_agees.py",
      "openfisca_paris/personnes_handicapees/personne_handicapee.py"],
     ["smic_net_mensuel.yaml", "personnes_agees/personnes_agees.yaml"], ["conditions de ressources"]),
    ("aide-paris-logement", "Paris Logement – règle de calcul",
     "Règle de calcul de l'aide Paris Logement, pour les Parisiens en difficulté (personnes isolées, couples avec ou "
     "sans enfant) : éligibilité, plafonds de ressources mensuelles, taux d'effort et montant mensuel.",
     ["openfisca_paris/paris_logement.py"], ["paris_logement/"], ["logement"]),
    ("aide-paris-logement-personnes-agees", "Paris Logement pour les personnes âgées – règle de calcul",
     "Règle de calcul de l'aide Paris Logement pour les personnes âgées : plafond de ressources, éligibilité et montant "
     "mensuel selon la composition du foyer.",
     ["openfisca_paris/personnes_agees/paris_logement.py"], ["personnes_agees/paris_logement.yaml"], ["logement", "personnes âgées"]),
    ("aide-paris-logement-familles", "Paris Logement Familles – règle de calcul",
     "Règle de calcul de l'allocation Paris Logement Familles : éligibilité, plafonds et montants selon le nombre "
     "d'enfants, cas de l'enfant handicapé.",
     ["openfisca_paris/paris_logement_fam.py"], ["paris_logement_familles/"], ["logement", "familles"]),
    ("aide-paris-logement-familles-monoparentales", "Paris Logement Familles Monoparentales – règle de calcul",
     "Règle de calcul de l'aide Paris Logement Familles Monoparentales : famille monoparentale, deux plafonds de "
     "ressources et deux montants.",
     ["openfisca_paris/paris_logement_fam_mono.py"], ["plfm/"], ["logement", "familles", "familles monoparentales"]),
    ("aide-paris-forfait-familles", "Paris Forfait Familles – règle de calcul",
     "Règle de calcul de l'aide Paris Forfait Familles : éligibilité, deux plafonds de ressources et montant selon le "
     "plafond.",
     ["openfisca_paris/familles/paris_forfait_familles.py"], ["familles/paris_forfait_familles.yaml"], ["familles"]),
    ("aide-paris-energie-familles", "Paris Énergie Familles – règle de calcul",
     "Règle de calcul de l'aide Paris Énergie Familles : éligibilité, plafonds de ressources et montant selon le nombre "
     "d'enfants.",
     ["openfisca_paris/familles/paris_energie_familles.py"], ["familles/paris_energie_familles.yaml"], ["familles", "énergie"]),
    ("aide-paris-aspeh", "Allocation de soutien aux parents d'enfants handicapés (ASPEH) – règle de calcul",
     "Règle de calcul de l'Allocation de soutien aux parents d'enfants handicapés (ASPEH) de la Ville de Paris : base "
     "de ressources, plafond et montant.",
     ["openfisca_paris/familles/aspeh.py"], ["familles/aspeh/"], ["familles", "handicap"]),
    ("aide-paris-solidarite-personnes-agees", "Paris Solidarité pour les personnes âgées – règle de calcul",
     "Règle de calcul de Paris Solidarité pour les personnes âgées : base de ressources mensuelles, plafonds pour une "
     "personne seule ou un couple, éligibilité et montant mensuel.",
     ["openfisca_paris/personnes_agees/psol.py", "openfisca_paris/paris_solidarite.py"], ["personnes_agees/psol.yaml"],
     ["personnes âgées", "minimum de ressources"]),
    ("aide-paris-solidarite-personnes-handicapees", "Paris Solidarité pour les personnes handicapées – règle de calcul",
     "Règle de calcul de Paris Solidarité pour les personnes handicapées : base de ressources mensuelles, plafonds pour "
     "une personne seule ou un couple, éligibilité et montant mensuel.",
     ["openfisca_paris/personnes_handicapees/psol.py", "openfisca_paris/paris_solidarite.py"], ["personnes_handicapees/psol.yaml"],
     ["handicap", "minimum de ressources"]),
    ("aide-complement-sante-paris-personnes-agees", "Complément Santé Paris pour les personnes âgées – règle de calcul",
     "Règle de calcul du Complément Santé Paris pour les personnes âgées : plafonds de ressources pour une personne "
     "isolée ou en couple, éligibilité et montant.",
     ["openfisca_paris/personnes_agees/paris_complement_sante.py", "openfisca_paris/paris_complement_sante.py"],
     ["personnes_agees/paris_complement_sante.yaml"], ["santé", "personnes âgées"]),
    ("aide-complement-sante-paris-personnes-handicapees", "Complément Santé Paris pour les personnes handicapées – règle de calcul",
     "Règle de calcul du Complément Santé Paris pour les personnes handicapées : plafonds de ressources pour une "
     "personne isolée ou en couple, éligibilité et montant.",
     ["openfisca_paris/personnes_handicapees/paris_complement_sante.py", "openfisca_paris/paris_complement_sante.py"],
     ["personnes_handicapees/paris_complement_sante.yaml"], ["santé", "handicap"]),
    ("aide-pass-paris-seniors", "Pass Paris Seniors – règle d'éligibilité",
     "Règle d'éligibilité au Pass Paris Seniors : condition d'âge et condition financière sur le montant de l'impôt.",
     ["openfisca_paris/personnes_agees/paris_pass_seniors.py", "openfisca_paris/paris_pass.py"], ["paris_pass.yaml"],
     ["transports", "personnes âgées"]),
    ("aide-pass-paris-access", "Pass Paris Access' – règle d'éligibilité",
     "Règle d'éligibilité au Pass Paris Access' pour les personnes handicapées : statut de personne handicapée et "
     "condition financière sur le montant de l'impôt.",
     ["openfisca_paris/personnes_handicapees/paris_pass_access.py", "openfisca_paris/paris_pass.py"], ["paris_pass.yaml"],
     ["transports", "handicap"]),
]
ENTITY_FR = {"Famille": "par famille", "Individu": "par personne", "FoyerFiscal": "par foyer fiscal"}
VALUE_FR = {"bool": "oui ou non", "float": "nombre", "int": "nombre entier"}
PERIOD_FR = {"MONTH": "chaque mois", "YEAR": "chaque année"}


def _param_leaves(tree, path=()):
    """(dotted key, description, unit, [(date, value)]) for each parameter of a file."""
    if not isinstance(tree, dict):
        return []
    if "values" in tree:
        series = []
        for d, v in sorted(tree["values"].items()):
            v = v.get("value") if isinstance(v, dict) else v
            series.append((d, float(v)))
        return [(".".join(path), one_line(tree.get("description")), tree.get("unit"), series)]
    out = []
    for k, v in tree.items():
        out += _param_leaves(v, path + (k,))
    return out


def _param_line(rel: str, key: str, desc: str | None, unit: str | None, series: list) -> str:
    def fmt(v):
        if unit == "year":
            return f"{number_fr(v)} ans"
        if unit == "currency" and "taux" not in (key + rel):
            return f"{number_fr(v)}\u00a0€"
        return number_fr(v)  # no unit, or a rate filed as "currency"
    changes = []
    for d, v in series:
        if not changes or changes[-1][1] != v:
            changes.append((d, v))
    name = (desc[0].lower() + desc[1:]).rstrip(" .") if desc else f"paramètre {key}"
    where = rel + (f", clé {key}" if key else "")
    last = changes[-1]
    line = f"- {name[0].upper() + name[1:]} : {fmt(last[1])} depuis le {date_fr(last[0])}"
    if len(changes) > 1:
        line += " (auparavant : " + ", ".join(f"{fmt(v)} au {date_fr(d)}" for d, v in changes[:-1]) + ")"
    return line + f" [{where}]."


def build_openfisca_paris(corpora: Path, cat: Catalogue):
    base = corpora / PARIS / "openfisca-paris-rules"
    variables = json.loads((base / "variables-index.json").read_text(encoding="utf-8"))
    pdir = base / "parameters" / "paris"
    param_files = sorted(str(p.relative_to(pdir)) for p in pdir.rglob("*.yaml"))
    used_files, used_params = set(), set()
    repo, commit = OPENFISCA_PARIS
    blob = f"https://github.com/{repo}/blob/{commit}/"
    licence_note = ("Licence : GNU Affero General Public License v3 (AGPL-3.0), selon le setup.py et le fichier LICENSE du "
                    "dépôt ; aucune mention « ou toute version ultérieure » : lue comme AGPL-3.0-only. Les textes de droit "
                    "cités (règlements municipaux) ne sont pas couverts par cette licence et ne sont pas repris.")
    for rid, title, summary, files, params, tags in OPENFISCA_BENEFITS:
        vs = [v for f in files for v in variables if v["file"] == f]
        assert vs, rid
        used_files.update(files)
        rels = [p for p in param_files if any(p == q or (q.endswith("/") and p.startswith(q)) for q in params)]
        assert rels, rid
        used_params.update(rels)
        steps = []
        for v in vs:
            assert v["definition_period"] in PERIOD_FR and v["entity"] in ENTITY_FR and v["value_type"] in VALUE_FR, v
            steps.append(f"{v['label'].rstrip('.')} : variable {v['variable']}, calculée {ENTITY_FR[v['entity']]} et "
                         f"{PERIOD_FR[v['definition_period']]} ({VALUE_FR[v['value_type']]}) ; fichier {v['file']}.")
        lines = []
        for rel in rels:
            tree = mini_yaml((pdir / rel).read_text(encoding="utf-8"))
            for key, desc, unit, series in _param_leaves(tree):
                lines.append(_param_line(f"parameters/paris/{rel}", key, desc, unit, series))
        refs, seen = [], set()
        for v in vs:
            ref = one_line(v.get("reference"))
            if not ref or ref in seen:
                continue
            seen.add(ref)
            if web_url(ref):
                refs.append({"citation": f"Page de paris.fr citée par la variable {v['variable']} d'OpenFisca-Paris", "url": ref})
            else:
                refs.append({"citation": f"{ref} (cité par la variable {v['variable']} d'OpenFisca-Paris)"})
        desc = para(
            f"{summary} Règle codée dans OpenFisca-Paris, l'extension d'OpenFisca qui modélise les aides sociales "
            f"municipales de la Ville de Paris (dépôt {repo}, version {OPENFISCA_PARIS_VERSION} du setup.py, commit "
            f"{commit[:12]} du {date_fr(OPENFISCA_PARIS_DATE)}). Chaque étape ci-dessous est une variable du code, avec son "
            "libellé d'origine.",
            "Paramètres datés, tels qu'ils sont codés (montants en euros) :\n" + "\n".join(lines),
            "Ces montants et plafonds sont ceux du code à cette date : ils ne remplacent ni le règlement municipal ni "
            "l'information officielle de la Ville de Paris sur ses aides.",
            licence_note,
        )
        links = [{"url": blob + f, "rel": "source", "title": f"Code de la règle : {f}"} for f in files]
        links += [{"url": blob + f"openfisca_paris/parameters/paris/{p}", "rel": "source", "title": f"Paramètres : {p}"} for p in rels]
        rec = new_record(
            "method", cat.unique_id(rid), title, "AGPL-3.0-only",
            summary=summary, description=desc,
            tags=dedup_ci(["Ville de Paris", "aides sociales", "OpenFisca", "règles en code"] + tags),
            languages=["fr"], links=links, sources=[src("openfisca-paris")],
            details={
                "disciplines": ["action sociale", "droit social"],
                "version": OPENFISCA_PARIS_VERSION,
                "materials": ["OpenFisca (moteur de calcul libre, Python) et l'extension OpenFisca-Paris",
                              "données de la situation du foyer : ressources mensuelles, composition de la famille, âge, "
                              "handicap, logement"],
                "steps": steps,
                "references": refs,
            },
        )
        cat.add(rec, "openfisca-paris")
    assert used_files == {v["file"] for v in variables}, sorted({v["file"] for v in variables} - used_files)
    assert used_params == set(param_files), sorted(set(param_files) - used_params)

    # The package itself, as software.
    rec = new_record(
        "software", cat.unique_id("openfisca-paris"), "OpenFisca-Paris", "AGPL-3.0-only",
        summary="Extension d'OpenFisca qui modélise les aides sociales municipales de la Ville de Paris : Paris Logement, "
                "Paris Forfait Familles, Paris Énergie Familles, Paris Solidarité, Complément Santé Paris, Pass Paris…",
        description=para(
            "« Ce dépôt contient la modélisation des aides spécifiques à la ville de Paris » (README). Paquet PyPI "
            "openfisca-paris, décrit dans son setup.py comme « Plugin OpenFisca pour les aides sociales de la mairie de "
            f"Paris ». Commit examiné : {commit[:12]} du {date_fr(OPENFISCA_PARIS_DATE)}, version {OPENFISCA_PARIS_VERSION}.",
            f"Le code définit {len(variables)} variables (prestations, conditions d'éligibilité, bases de ressources) et "
            f"{len(param_files)} fichiers de paramètres datés ; chaque aide fait l'objet d'une fiche « méthode » de ce "
            "catalogue, avec ses paramètres.",
            licence_note,
        ),
        tags=["Ville de Paris", "OpenFisca", "aides sociales", "règles en code", "Python"],
        languages=["fr"], updated=OPENFISCA_PARIS_DATE,
        links=[{"url": f"https://github.com/{repo}", "rel": "source", "title": "Code source (GitHub)"},
               {"url": "https://pypi.org/project/openfisca-paris/", "rel": "download", "title": "Paquet openfisca-paris sur PyPI"}],
        sources=[src("openfisca-paris")],
        details={"repository": f"https://github.com/{repo}", "version": OPENFISCA_PARIS_VERSION,
                 "programming_languages": ["Python"]},
    )
    cat.add(rec, "openfisca-paris")


# --- Datasets: remarkable trees, tree inventory extracts, library register ----

TREES_REMARKABLE = ("dataisto/001", "c86c7aaa3c7d7829a45f0da7129a24853db22745", "arbresremarquablesparis.csv")
TREES_2019 = ("Julien-paulet/linear_regression", "5960aa727b18781b6f1155d44a0439fab3e994aa", "les-arbres.csv")
TREES_2025 = ("Nizar91300/Projet_Arbre", "a4cf512338b71fd88e88aaca4dc60ba69610144f", "les-arbres.csv")
ODBL_NOTE = ("Licence : Open Database License (ODbL 1.0), sous laquelle opendata.paris.fr publie ses données depuis son "
             "ouverture en 2011 (délibération 2010 DAJ 31 du Conseil de Paris). Réutilisation libre, y compris commerciale, "
             "à condition de mentionner « Ville de Paris – opendata.paris.fr » et de partager sous ODbL toute base de "
             "données dérivée.")


def _arr_label(a: str) -> str:
    a = a.strip()
    if a.lower().startswith("1er") or a == "1":
        return "Paris 1er"
    return f"Paris {int(a)}e" if a.isdigit() else a


def build_paris_trees(corpora: Path, cat: Catalogue):
    base = corpora / PARIS / "trees"
    with open(base / "arbresremarquablesparis.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    from collections import Counter
    quals = Counter(r["Qualification remarquable"] for r in rows if r["Qualification remarquable"])
    doms = Counter(r["Domanialité"] for r in rows if r["Domanialité"])
    names = Counter(one_line(r["Dénomination usuelle"]) for r in rows if r["Dénomination usuelle"])
    labelled = sum(1 for r in rows if r["Label national"])
    tall = max(rows, key=lambda r: float(r["hauteur en m"] or 0))
    wide = max(rows, key=lambda r: float(r["circonference en cm"] or 0))
    years = [int(r["Année de plantation"][:4]) for r in rows if re.match(r"\d{4}", r["Année de plantation"])]
    by_arr: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: (one_line(r["Site"]) or "", one_line(r["Dénomination usuelle"]) or "")):
        key = _arr_label(r["Arrondissement"])
        by_arr.setdefault(key, []).append(f"{one_line(r['Dénomination usuelle'])} ({one_line(r['Site'])})")

    def arr_key(k):
        m = re.search(r"(\d+)", k)
        return int(m.group(1)) if m else 99
    listing = "\n".join(f"- {k} : " + " ; ".join(v) + "." for k, v in sorted(by_arr.items(), key=lambda kv: arr_key(kv[0])))
    count = lambda c: ", ".join(f"{k.lower() if k[0].isupper() and k not in ('Bois de Vincennes', 'Bois de Boulogne') else k} {n}" for k, n in c.most_common())
    desc = para(
        f"Les {len(rows)} arbres remarquables de Paris recensés par la Direction des Espaces Verts et de l'Environnement "
        "(DEVE) de la Ville de Paris, avec pour chacun : position, site et adresse, genre, espèce et autorité taxonomique, "
        "noms usuel et botanique, circonférence, hauteur, stade de développement, année de plantation quand elle est "
        "connue, qualification remarquable, un résumé et un texte descriptif en français, le lien vers son panonceau (PDF) "
        "et vers une photographie.",
        f"Qualification remarquable : {count(quals)}. Lieux : {count(doms)}. {labelled} arbres portent le label national "
        f"« Arbre remarquable de France » (A.R.B.R.E.S.). Essences les plus représentées : "
        + ", ".join(f"{k[0].lower() + k[1:]} ({n})" for k, n in names.most_common(6)) + ". "
        f"Le plus haut : {one_line(tall['Dénomination usuelle'])} ({one_line(tall['Site'])}), "
        f"{number_fr(float(tall['hauteur en m']))} m ; la plus forte circonférence : {one_line(wide['Dénomination usuelle'])} "
        f"({one_line(wide['Site'])}), {number_fr(float(wide['circonference en cm']))} cm. Année de plantation connue pour "
        f"{len(years)} arbres, de {min(years)} à {max(years)}.",
        "Les arbres, par arrondissement (les bois de Boulogne et de Vincennes comptent dans le 16e et le 12e) :\n" + listing,
        "Copie utilisée : l'export CSV du portail (séparateur « ; », 36 colonnes), recopié à l'identique dans le dépôt "
        f"GitHub {TREES_REMARKABLE[0]} (commit {TREES_REMARKABLE[1][:12]}). Les photographies, créditées photo par photo "
        "(par exemple « Clément Dorval / Ville de Paris »), n'ont pas de licence indiquée dans le fichier et ne sont pas reprises.",
        ODBL_NOTE,
    )
    rec = dataset_record(
        cat, "paris-arbres-remarquables", "Arbres remarquables de Paris", "ODbL-1.0",
        summary=f"Les {len(rows)} arbres remarquables de Paris (jardins, bois, cimetières, rues) : essence, site, dimensions, "
                "année de plantation, raison du classement et description, publiés par la Ville de Paris.",
        description=desc,
        publisher={"name": "Ville de Paris – Direction des Espaces Verts et de l'Environnement", "url": "https://opendata.paris.fr/"},
        tags=["Paris", "arbres", "arbres remarquables", "nature en ville", "espaces verts", "patrimoine"],
        languages=["fr"],
        links=[{"url": "https://opendata.paris.fr/explore/dataset/arbresremarquablesparis/", "rel": "catalogue",
                "title": "Le jeu de données sur opendata.paris.fr"}],
        sources=[src("paris-opendata")],
        details={"formats": ["CSV"], "spatial_coverage": "Paris",
                 "distributions": [_dist(corpora, _raw(*TREES_REMARKABLE), "CSV",
                                         f"arbresremarquablesparis.csv (export du portail, copie du dépôt {TREES_REMARKABLE[0]})",
                                         f"{PARIS}/trees/arbresremarquablesparis.csv")]},
    )
    cat.add(rec, "paris-trees")

    with open(base / "les-arbres_picea-extract_2019.csv", encoding="utf-8-sig", newline="") as f:
        old = list(csv.DictReader(f, delimiter=";"))
    with open(base / "les-arbres_sample-22_2025.csv", encoding="utf-8-sig", newline="") as f:
        new = list(csv.DictReader(f, delimiter=";"))
    desc = para(
        "« Les arbres » est l'inventaire des arbres gérés par la Ville de Paris (arbres d'alignement, de jardins, de bois "
        "et de cimetières), publié sur opendata.paris.fr par la Direction des Espaces Verts et de l'Environnement. Le "
        "fichier complet (environ 200 000 arbres) n'a pas pu être recopié ; ce catalogue d'exemple en décrit deux extraits "
        "réels, recopiés à l'identique dans des dépôts GitHub publics.",
        f"Extrait de 2019 ({TREES_2019[0]}, commit {TREES_2019[1][:12]}) : {len(old)} épicéas (genre Picea), 17 colonnes "
        "(IDBASE, TYPEEMPLACEMENT, DOMANIALITE, ARRONDISSEMENT, LIBELLEFRANCAIS, GENRE, ESPECE, CIRCONFERENCEENCM, "
        "HAUTEUR (m), STADEDEVELOPPEMENT, REMARQUABLE, geo_point_2d…), identifiants écrits comme des nombres décimaux, "
        "quelques hauteurs aberrantes telles qu'elles figurent dans la source.",
        f"Extrait de 2025 ({TREES_2025[0]}, commit {TREES_2025[1][:12]}) : {len(new)} arbres d'essences variées, avec l'en-tête "
        "plus récent (TYPE EMPLACEMENT, LIBELLE FRANCAIS, CIRCONFERENCE (cm), stades de développement en toutes lettres, "
        "REMARQUABLE OUI/NON) et des cimetières parisiens situés hors de Paris. Côte à côte, les deux extraits montrent "
        "comment le schéma de l'export a changé.",
        ODBL_NOTE,
    )
    rec = dataset_record(
        cat, "paris-les-arbres-extraits", "Les arbres de Paris – deux extraits de l'inventaire (2019 et 2025)", "ODbL-1.0",
        summary="Deux extraits réels de « Les arbres », l'inventaire des arbres gérés par la Ville de Paris : "
                f"{len(old)} épicéas exportés en 2019 et {len(new)} arbres exportés en 2025.",
        description=desc,
        publisher={"name": "Ville de Paris – Direction des Espaces Verts et de l'Environnement", "url": "https://opendata.paris.fr/"},
        tags=["Paris", "arbres", "inventaire", "espaces verts"],
        languages=["fr"],
        sources=[src("paris-opendata")],
        details={"formats": ["CSV"], "spatial_coverage": "Paris",
                 "distributions": [
                     _dist(corpora, _raw(*TREES_2019), "CSV", f"les-arbres.csv, extrait de 2019 (dépôt {TREES_2019[0]})",
                           f"{PARIS}/trees/les-arbres_picea-extract_2019.csv"),
                     _dist(corpora, _raw(*TREES_2025), "CSV", f"les-arbres.csv, extrait de 2025 (dépôt {TREES_2025[0]})",
                           f"{PARIS}/trees/les-arbres_sample-22_2025.csv"),
                 ]},
    )
    cat.add(rec, "paris-trees")


LIBRARIES_COPY = ("landry161/cartographie-biblio-fr", "7946a12b12fcb6888742dff512978d2bdd14f309", "bibliotheques.csv")


def md_text(s: str | None) -> str | None:
    """data.gouv.fr Markdown to plain text: links as 'text (address)', no emphasis or images."""
    if not s:
        return None
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", s)
    s = re.sub(r"<(https?://[^>\s]+)>", r"\1", s)
    s = s.replace("**", "").replace("\\", "")
    s = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = re.sub(r"[ \t\u00a0]+", " ", s)
    s = re.sub(r"\s*\n\s*", "\n", s).strip()
    return s or None


def build_paris_libraries(corpora: Path, cat: Catalogue):
    base = corpora / PARIS / "libraries"
    meta = json.loads((base / "datagouv-dataset-record_adresses-des-bibliotheques-publiques-2.json").read_text(encoding="utf-8"))
    assert meta["license"] == "Licence Ouverte / Open Licence version 2.0", meta["license"]
    rows = paris_libraries(corpora)
    by_arr: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: (r["cp"], library_name(r))):
        hours = float(r["amplitude_horaire"] or 0)
        bits = [library_name(r) + (f" {one_line(r['libelle_2'])}" if r["libelle_2"] else ""), one_line(r["adresse"])]
        if hours:
            bits.append(f"{number_fr(hours)} h d'ouverture par semaine")
        if r["type_adresse"] != "Bâtiment ouvert":
            bits.append(r["type_adresse"].lower())
        by_arr.setdefault(arrondissement_fr(r["cp"]), []).append(", ".join(bits))
    listing = "\n".join(f"- {k} : " + " ; ".join(v) + "." for k, v in by_arr.items())
    desc = para(
        "Description du producteur (data.gouv.fr) : " + clip_para(md_text(meta["description"]), 2500),
        f"À Paris, le registre compte {len(rows)} bibliothèques municipales (réseau des bibliothèques de la Ville de Paris) : "
        "bibliothèques de prêt et médiathèques de chaque arrondissement, bibliothèques patrimoniales et spécialisées "
        "(Forney, Bibliothèque historique de la Ville de Paris, Marguerite Durand, littératures policières, cinéma "
        "François Truffaut, Médiathèque musicale, tourisme et voyages), le Bureau des bibliothèques et de la lecture et la "
        "Réserve centrale, non ouverte au public. Avec l'adresse et les heures d'ouverture hebdomadaires habituelles :\n" + listing,
        "Les lots de semences et de ferments de ce catalogue d'exemple prennent ces bibliothèques pour points d'échange : "
        "c'est une illustration, aucune bourse d'échange n'y est annoncée.",
        "Copie utilisée : le fichier national de la version publiée vers août 2024 (15 882 bibliothèques), recopié dans le "
        f"dépôt GitHub {LIBRARIES_COPY[0]} (commit {LIBRARIES_COPY[1][:12]}), dont seules les lignes du département 75 sont "
        "reprises ici. Le registre n'a pas d'information sur l'accessibilité des bâtiments.",
        "Licence : Licence Ouverte / Open Licence version 2.0 (etalab-2.0), selon la fiche data.gouv.fr du jeu de données : "
        "réutilisation libre, en mentionnant la source (Ministère de la Culture) et la date de mise à jour.",
    )
    formats = [f.upper() if f != "geojson" else "GeoJSON" for f in meta["resources_formats"].split(",") if f]
    rec = dataset_record(
        cat, "bibliotheques-des-collectivites-territoriales", one_line(meta["title"]), "etalab-2.0",
        summary="Registre national des bibliothèques municipales, intercommunales et départementales (adresses, surfaces, "
                f"heures d'ouverture, chiffres clés) du ministère de la Culture ; dont les {len(rows)} bibliothèques de la "
                "Ville de Paris.",
        description=desc,
        publisher={"name": "Ministère de la Culture – Service du livre et de la lecture", "url": "https://www.culture.gouv.fr/"},
        tags=["bibliothèques", "Paris", "lecture publique", "culture", "adresses"],
        languages=["fr"], created=iso_date(meta["created_at"]), updated=iso_date(meta["last_modified"]),
        links=[{"url": meta["url"], "rel": "catalogue", "title": "Le jeu de données sur data.gouv.fr"}],
        sources=[src("culture-libraries")],
        details={"formats": formats, "update_frequency": FREQ.get(meta["frequency"]), "spatial_coverage": "France",
                 "distributions": [_dist(corpora, _raw(*LIBRARIES_COPY), "CSV",
                                         f"bibliotheques.csv, version d'août 2024 (copie du dépôt {LIBRARIES_COPY[0]})")]},
    )
    cat.add(rec, "paris-libraries")


# --- Datasets: Paris culture datasets of data.gouv.fr -------------------------

# Datasets of the "univers-culture" topic that speak of Paris and whose
# licence the catalogue export states (id -> summary written from the
# producer's description, tags); the others are skipped with their reason.
PARIS_CULTURE_PICKS = {
    "63994ae99eefb363aec8cd1d": (
        "Les 322 pièces de théâtre et opéras écrits ou composés par des femmes (141 autrices et compositrices) et créés "
        "dans les théâtres parisiens de 1809 à 1906, d'après les manuscrits de la censure conservés aux Archives nationales.",
        ["Paris", "théâtre", "autrices", "XIXe siècle", "archives"]),
    "658509e59db812017fac1832": (
        "Inventaire des plans de rez-de-chaussée des immeubles de Paris levés de 1809 à 1854 sous la conduite de Philibert "
        "Vasserot (cadastre napoléonien) : adresses, propriétaires, liens vers les notices et les images des Archives nationales.",
        ["Paris", "cadastre", "plans", "XIXe siècle", "archives"]),
    "65e002188f1681146bd981d7": (
        "Les 7 079 fiches des artistes et artisans d'art au chômage secourus par la ville de Paris et sa petite couronne "
        "de 1930 à 1962, d'après les dossiers conservés aux Archives nationales.",
        ["Paris", "artistes", "chômage", "XXe siècle", "archives"]),
    "628da9ffef366eb8a2c7fd49": (
        "Quelque 18 000 imprimeurs, libraires et lithographes autorisés à exercer en France de 1810 à 1881, d'après leurs "
        "dossiers de brevets aux Archives nationales ; la grande majorité des dossiers concerne Paris.",
        ["Paris", "imprimerie", "librairie", "XIXe siècle", "archives"]),
    "63a5287d98eba18a5da80dc8": (
        "Répertoire des orfèvres enregistrés par le bureau de la Garantie de Paris aux XIXe et XXe siècles, pour aider à "
        "identifier les poinçons d'orfèvrerie.",
        ["Paris", "orfèvrerie", "poinçons", "biographies"]),
    "62b6885766e6c0f18fa1f849": (
        "Les moulins et leurs meuniers recensés par l'enquête de l'an X (1801) sur l'approvisionnement de Paris en farine, "
        "dans les départements qui l'approvisionnent.",
        ["Paris", "moulins", "meuniers", "approvisionnement", "archives"]),
}
PARIS_CULTURE_NOT_PARIS = {
    "5af12110a3a7295e54c41a25": "agenda national ; Paris n'y est qu'une des cinq villes de l'événement de clôture",
    "6350c887cec32b14bc90f68e": "régions labellisées dans toute la France ; Paris n'apparaît que dans l'adresse de la source",
    "645dba566328c14734f10162": "collections des musées de France ; Paris n'apparaît que dans une adresse électronique",
    "645dba5e689c8bd47ea0842c": "collections des musées de France ; Paris n'apparaît que dans une adresse électronique",
    "645dba61b96d7efc86f10162": "collections des musées de France ; Paris n'apparaît que dans une adresse électronique",
    "62b6885593d5659857a1f84c": "enquêtes nationales ; la part parisienne (1801) a sa fiche « Moulins et meuniers en 1801 »",
}
DATAGOUV_LICENCES = {"Licence Ouverte / Open Licence version 2.0": "etalab-2.0",
                     "Open Data Commons Open Database License (ODbL)": "ODbL-1.0"}
DATAGOUV_LICENCE_WHY = {
    "Licence Ouverte / Open Licence": "« Licence Ouverte / Open Licence » est, sur data.gouv.fr, la version 1.0 de 2011, "
                                      "qui n'a pas d'identifiant SPDX",
    "License Not Specified": "« License Not Specified » : aucune licence",
    "Creative Commons Attribution Share-Alike": "CC BY-SA sans numéro de version : identifiant SPDX impossible à choisir",
    "Other (Public Domain)": "« Other (Public Domain) » : pas d'identifiant SPDX",
}


def build_paris_culture(corpora: Path, cat: Catalogue):
    base = corpora / PARIS / "datagouv-culture-catalogue"
    with open(base / "catalog_datasets_univers-culture_paris-subset.csv", encoding="utf-8", newline="") as f:
        subset = list(csv.DictReader(f))
    with open(base / "catalogue_culture_global.csv", encoding="utf-8", newline="") as f:
        glob = {r["id"]: r for r in csv.DictReader(f, delimiter=";")}
    missing, seen = [], set()
    for s in subset:
        did = s["id.dataset"]
        if did in seen:
            continue
        seen.add(did)
        title = one_line(s["title.dataset"])
        g = glob.get(did)
        if not g:
            missing.append(title)
            continue
        lic = DATAGOUV_LICENCES.get(g["license"])
        if not lic:
            cat.skip("paris-culture", f"{title} ({one_line(g['organization'])}) : {DATAGOUV_LICENCE_WHY.get(g['license'], g['license'])}")
            continue
        if did in PARIS_CULTURE_NOT_PARIS:
            cat.skip("paris-culture", f"{title} : pas propre à Paris ({PARIS_CULTURE_NOT_PARIS[did]})")
            continue
        assert did in PARIS_CULTURE_PICKS, (did, title)
        text = md_text(g["description"])
        summary, tags = PARIS_CULTURE_PICKS[did]
        n = int(g["resources_count"] or 0)
        temporal = (iso_date(g["temporal_coverage.start"]), iso_date(g["temporal_coverage.end"]))
        rec = dataset_record(
            cat, f"datagouv-{slug(title, 60)}", title, lic,
            summary=summary,
            description=para(
                "Description du producteur (data.gouv.fr) :\n" + clip_para(text, 3500),
                f"Producteur : {one_line(g['organization'])}. Fiche data.gouv.fr créée le {date_fr(g['created_at'])}, mise à "
                f"jour le {date_fr(g['last_modified'])} ; {n} ressource{'s' if n > 1 else ''} ({g['resources_formats']}).",
                f"Licence : {g['license']} ({lic}), selon l'export du catalogue de data.gouv.fr publié par le ministère "
                "de la Culture : réutilisation libre en mentionnant la source et la date de mise à jour.",
            ),
            publisher={"name": one_line(g["organization"])},
            tags=tags, languages=["fr"],
            created=iso_date(g["created_at"]), updated=iso_date(g["last_modified"]),
            links=[{"url": g["url"], "rel": "catalogue", "title": "Le jeu de données sur data.gouv.fr"}],
            sources=[{"name": f"data.gouv.fr – fiche « {title} »", "url": g["url"], "license": "etalab-2.0"},
                     src("culture-catalogue")],
            details={"formats": dedup_ci([x.upper() if x != "geojson" else "GeoJSON" for x in g["resources_formats"].split(",") if x]),
                     "update_frequency": FREQ.get(g["frequency"]) or {"notPlanned": "never", "semiannual": "semiannual"}.get(g["frequency"]),
                     "spatial_coverage": "Paris" if "Paris" in (g["spatial.zones"] or "Paris") else g["spatial.zones"],
                     "temporal_start": temporal[0], "temporal_end": temporal[1]},
        )
        cat.add(rec, "paris-culture")
    cat.skip("paris-culture", f"{len(missing)} jeux de données du sous-ensemble « paris » du thème « univers-culture » absents de l'export avec "
                              "licences (le fichier du thème n'a pas de colonne de licence) : pas de fiche tant qu'un curateur "
                              "n'a pas vérifié leur licence sur leur page : " + ", ".join(sorted(set(missing))))


def build_paris_sources(corpora: Path, cat: Catalogue):
    """The two catalogues the Paris records come from, as datasets."""
    inv_repo, inv_commit = "etalab/data-codes-sources-fr", "4db03241ec3cd125b452635e6d21ff8e17dd7a48"
    with open(corpora / PARIS / "lutece-software" / "etalab-data-codes-sources-fr_lutece-secteur-public_repositories.csv",
              encoding="utf-8", newline="") as f:
        inv = list(csv.DictReader(f))
    empty = sum(1 for r in inv if not r["license"])
    rec = dataset_record(
        cat, "code-gouv-fr-inventaire-des-depots-2021", "Inventaire des dépôts de code source des organismes publics (2021)",
        "etalab-2.0",
        summary="Inventaire, tenu par Etalab pour code.gouv.fr, des dépôts de code source publiés par les organismes "
                "publics sur les forges (9 155 dépôts en novembre 2021), dont les 135 de LUTECE Secteur Public (Ville de Paris).",
        description=para(
            f"Fichiers data/repositories/csv/all.csv et data/organizations/csv/all.csv du dépôt archivé {inv_repo} (commit "
            f"{inv_commit[:12]} du 15 novembre 2021) : nom, adresse, description, fourche ou archive, dates, étoiles, licence "
            "détectée par la forge, langage, thèmes et adresse de l'archive Software Heritage de chaque dépôt.",
            f"Pour l'organisation lutece-secteur-public (« Applications Métiers LUTECE destinées au Secteur Public »), "
            f"{len(inv)} dépôts : le champ de licence détecté par GitHub est vide pour {empty} d'entre eux et vaut « Other » "
            "pour les autres, alors que les dépôts examinés portent la licence BSD à 3 clauses dans l'en-tête de chaque "
            "fichier source. Un champ de licence de forge ne suffit donc pas à certifier un logiciel.",
            "Licence : Licence Ouverte 2.0 (etalab-2.0) pour les données du dossier data, selon le README du dépôt ; "
            "attribution : DINUM / Etalab.",
        ),
        publisher={"name": "DINUM – Etalab", "url": "https://code.gouv.fr/"},
        tags=["code.gouv.fr", "logiciel libre", "administration", "Lutece"], languages=["fr"], updated="2021-11-15",
        links=[{"url": f"https://github.com/{inv_repo}", "rel": "source", "title": f"Dépôt {inv_repo}"}],
        sources=[src("codegouv-inventory")],
        details={"formats": ["CSV"], "update_frequency": "never", "spatial_coverage": "France",
                 "distributions": [_dist(corpora, _raw(inv_repo, inv_commit, "data/repositories/csv/all.csv"), "CSV",
                                         "data/repositories/csv/all.csv (dépôts)"),
                                   _dist(corpora, _raw(inv_repo, inv_commit, "data/organizations/csv/all.csv"), "CSV",
                                         "data/organizations/csv/all.csv (organisations)")]},
    )
    cat.add(rec, "paris-sources")

    cul_repo, cul_commit = "culturegouv/donnees-ouvertes", "f1c6ae6711dd97f79dc602c176bd29e5272fe404"
    with open(corpora / PARIS / "datagouv-culture-catalogue" / "catalogue_culture_global.csv", encoding="utf-8", newline="") as f:
        glob = list(csv.DictReader(f, delimiter=";"))
    from collections import Counter
    lic = Counter(r["license"] for r in glob)
    rec = dataset_record(
        cat, "ministere-culture-catalogue-des-donnees-ouvertes", "Ministère de la Culture – exports quotidiens de son catalogue de données ouvertes",
        "CC0-1.0",
        summary=f"Exports, régénérés chaque jour, des métadonnées data.gouv.fr des jeux de données culturels : {len(glob)} jeux "
                "de données du ministère de la Culture et de ses établissements, avec leur licence, et les 1 045 du thème "
                "« univers-culture ».",
        description=para(
            f"Dépôt GitHub {cul_repo} (commit {cul_commit[:12]}, août 2026) : data/catalogue_culture_global.csv a exactement la "
            "disposition de l'export « export-dataset » de data.gouv.fr (48 colonnes séparées par « ; ») ; "
            "data/catalog_datasets_univers-culture.csv liste les jeux de données du thème « univers-culture » (9 colonnes, sans "
            "licence).",
            "Licences déclarées dans l'export : " + " ; ".join(f"« {k} » {n}" for k, n in lic.most_common()) + ". Les fiches "
            "« jeu de données » parisiennes de ce catalogue en viennent ; celles dont la licence n'est pas libre, pas versionnée "
            "ou absente sont écartées.",
            "Licence : CC0 1.0 pour le dépôt (fichier LICENSE) ; les métadonnées viennent de data.gouv.fr (Licence Ouverte 2.0). "
            "Deux adresses électroniques nominatives ont été remplacées dans la copie utilisée.",
        ),
        publisher={"name": "Ministère de la Culture", "url": "https://www.culture.gouv.fr/"},
        tags=["data.gouv.fr", "culture", "métadonnées", "catalogue"], languages=["fr"],
        links=[{"url": f"https://github.com/{cul_repo}", "rel": "source", "title": f"Dépôt {cul_repo}"}],
        sources=[src("culture-catalogue")],
        details={"formats": ["CSV"], "update_frequency": "daily", "spatial_coverage": "France",
                 "distributions": [_dist(corpora, _raw(cul_repo, cul_commit, "data/catalogue_culture_global.csv"), "CSV",
                                         "data/catalogue_culture_global.csv"),
                                   _dist(corpora, _raw(cul_repo, cul_commit, "data/catalog_datasets_univers-culture.csv"), "CSV",
                                         "data/catalog_datasets_univers-culture.csv")]},
    )
    cat.add(rec, "paris-sources")


# ---------------------------------------------------------------------------
# Seed lots: species and varieties from Growstuff, lots for demonstration
# ---------------------------------------------------------------------------

# Exchange points: Paris municipal libraries of the Ministry of Culture's
# register (`library_points`); no exchange is claimed to happen there.
SEED_LICENCES = ["LicenseRef-OSSI-Pledge", "LicenseRef-Open-Source-Seed-Licence", "LicenseRef-OpenMTA"]
SEED_LICENCE_FR = {
    "LicenseRef-OSSI-Pledge": "l'engagement de l'Open Source Seed Initiative (OSSI Pledge)",
    "LicenseRef-Open-Source-Seed-Licence": "la licence Open-Source-Saatgut / Open Source Seed Licence (OpenSourceSeeds)",
    "LicenseRef-OpenMTA": "l'accord de transfert de matériel OpenMTA",
}
REPRO_FR = {"self-pollinated": "autogame", "cross-pollinated": "allogame", "vegetative": "multiplication végétative"}

# (Growstuff name, French common name, variety as usually written or None,
#  reproduction or None, unit, quantity, number of generations shown).
# The reproduction mode is the usual one for the species.
SEED_PICKS = [
    ("black krim tomato", "tomate", "Black Krim", "self-pollinated", "seeds", 60, 2),
    ("Cherokee purple tomato", "tomate", "Cherokee Purple", "self-pollinated", "seeds", 50, 2),
    ("green zebra tomato", "tomate", "Green Zebra", "self-pollinated", "seeds", 40, 1),
    ("San Marzano tomato", "tomate", "San Marzano", "self-pollinated", "seeds", 80, 2),
    ("brandywine tomato", "tomate", "Brandywine", "self-pollinated", "seeds", 40, 1),
    ("Roma tomato", "tomate", "Roma", "self-pollinated", "seeds", 100, 1),
    ("Aunt Ruby's German green tomato", "tomate", "Aunt Ruby's German Green", "self-pollinated", "seeds", 30, 1),
    ("Matt's wild cherry tomato", "tomate cerise", "Matt's Wild Cherry", "self-pollinated", "seeds", 50, 1),
    ("mortgage lifter tomato", "tomate", "Mortgage Lifter", "self-pollinated", "seeds", 30, 1),
    ("tigerella tomato", "tomate", "Tigerella", "self-pollinated", "seeds", 40, 1),
    ("currant tomato", "tomate groseille", None, "self-pollinated", "seeds", 60, 1),
    ("jalapeño pepper", "piment", "Jalapeño", "self-pollinated", "seeds", 40, 1),
    ("Hungarian wax pepper", "piment", "Hungarian Wax", "self-pollinated", "seeds", 30, 1),
    ("Italian sweet pepper", "poivron", "Italian Sweet", "self-pollinated", "seeds", 40, 1),
    ("poblano pepper", "piment", "Poblano", "self-pollinated", "seeds", 30, 1),
    ("Aleppo pepper", "piment", "Aleppo", "self-pollinated", "seeds", 25, 1),
    ("red kuri squash", "potimarron", "Red Kuri", "cross-pollinated", "seeds", 20, 2),
    ("butternut squash", "courge musquée", "Butternut", "cross-pollinated", "seeds", 20, 1),
    ("spaghetti squash", "courge spaghetti", None, "cross-pollinated", "seeds", 15, 1),
    ("pattypan squash", "pâtisson", None, "cross-pollinated", "seeds", 15, 1),
    ("tromboncino", "courge", "Tromboncino", "cross-pollinated", "seeds", 12, 1),
    ("Delicata squash", "courge", "Delicata", "cross-pollinated", "seeds", 15, 1),
    ("zucchini", "courgette", None, "cross-pollinated", "seeds", 20, 1),
    ("lacinato kale", "chou noir de Toscane", "Lacinato", "cross-pollinated", "packets", 10, 1),
    ("Savoy cabbage", "chou de Milan", None, "cross-pollinated", "packets", 10, 1),
    ("Romanesco broccoli", "chou romanesco", None, "cross-pollinated", "packets", 8, 1),
    ("kohlrabi", "chou-rave", None, "cross-pollinated", "packets", 10, 1),
    ("red cabbage", "chou rouge", None, "cross-pollinated", "packets", 10, 1),
    ("bean", "haricot", None, "self-pollinated", "grams", 250, 2),
    ("pea", "pois", None, "self-pollinated", "grams", 300, 1),
    ("lettuce", "laitue", None, "self-pollinated", "packets", 15, 1),
    ("runner bean", "haricot d'Espagne", None, None, "grams", 200, 1),
    ("carrot", "carotte", None, "cross-pollinated", "packets", 12, 1),
    ("radish", "radis", None, "cross-pollinated", "grams", 50, 1),
    ("beet", "betterave", None, "cross-pollinated", "grams", 40, 1),
    ("Swiss chard", "blette", None, "cross-pollinated", "grams", 40, 1),
    ("spinach", "épinard", None, "cross-pollinated", "grams", 60, 1),
    ("leek", "poireau", None, "cross-pollinated", "packets", 10, 1),
    ("onion", "oignon", None, "cross-pollinated", "packets", 10, 1),
    ("garlic", "ail", None, "vegetative", "pieces", 30, 1),
    ("shallot", "échalote", None, "vegetative", "pieces", 25, 1),
    ("potato", "pomme de terre", None, "vegetative", "kilograms", 3, 1),
    ("corn salad", "mâche", None, None, "grams", 30, 1),
    ("parsley", "persil", None, "cross-pollinated", "packets", 12, 1),
    ("dill", "aneth", None, "cross-pollinated", "packets", 10, 1),
    ("chickpeas", "pois chiche", None, "self-pollinated", "grams", 200, 1),
    ("corn", "maïs", None, "cross-pollinated", "grams", 150, 1),
    ("eggplant", "aubergine", None, "self-pollinated", "seeds", 40, 1),
]


def read_growstuff(corpora: Path) -> dict[str, list[str]]:
    rows = {}
    for f in sorted((corpora / "seeds-varieties" / "growstuff-crops").glob("crops-*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            for r in csv.reader(fh):
                if r and r[0].strip():
                    rows[r[0].strip()] = [c.strip() for c in r] + [""] * 4
    return rows


def growstuff_species(rows, name, depth=0) -> str | None:
    r = rows.get(name)
    if not r or depth > 5:
        return None
    if r[3]:
        return r[3][0].upper() + r[3][1:]
    return growstuff_species(rows, r[2], depth + 1) if r[2] else None


def build_seed_lots(corpora: Path, cat: Catalogue):
    rows = read_growstuff(corpora)
    points = library_points(corpora)
    n = 0
    for name, common, variety, repro, unit, qty, generations in SEED_PICKS:
        r = rows.get(name)
        species = growstuff_species(rows, name)
        assert r and species, name
        wiki = web_url(r[1])
        parent_id = None
        for g in range(generations):
            year = 2024 + g if generations > 1 else (2024 if n % 3 == 0 else 2025)
            lic = SEED_LICENCES[n % 3]
            point = exchange_point(points, n)
            tested = n % 2 == 0
            rate = 78 + (n * 7) % 20 if tested else None
            label = f"{common[0].upper() + common[1:]}" + (f" « {variety} »" if variety else "")
            rid = cat.unique_id("-".join(x for x in ["semences", slug(common, 30), slug(variety, 30) if variety else None, str(year)] if x))
            unit_fr = {"seeds": "graines", "grams": "g", "kilograms": "kg", "packets": "sachets", "pieces": "pièces"}[unit]
            q = qty if g == 0 else qty * 2
            origin = "Île-de-France (lot de démonstration)" if not parent_id else f"Ressemé à partir du lot {parent_id} (démonstration)"
            facts = [
                f"Lot de démonstration du catalogue d'exemple du Conservatoire du Libre : quantité ({q} {unit_fr}), année de récolte, "
                "taux de germination, point d'échange, filiation et licence sont illustratifs et ne décrivent pas un lot réel. "
                "L'espèce, le nom et la variété viennent des listes de cultures de Growstuff.",
                f"Espèce : {species}" + (f" ; variété : {variety}" if variety else "") + f" ; nom Growstuff : « {name} ».",
                (f"Mode de reproduction habituel : {REPRO_FR[repro]}." if repro else None),
                f"Placé, pour la démonstration, sous {SEED_LICENCE_FR[lic]}.",
            ]
            alt_names = next((x for x in r[4:6] if x and "," in x or (x and not x.startswith("http"))), None)
            rec = new_record(
                "seed-lot", rid, f"{label} – lot de démonstration {year}", lic,
                summary=(f"Lot de démonstration {de(common)} à replanter" if repro == "vegetative" else f"Lot de démonstration de semences {de(common)}")
                        + (f" « {variety} »" if variety else "")
                        + f" ({species}), récolte {year}, à échanger : {point}.",
                description=para(*[f for f in facts if f]),
                tags=dedup_ci(["semences", common, "démonstration"]),
                links=[{"url": wiki, "rel": "other", "title": "Article Wikipédia (en anglais) indiqué par Growstuff"}] if wiki and name != "stupice tomato" else [],
                sources=[src("growstuff"), src("demo"), src("culture-libraries")],
                translations={"en": {"title": f"{name[0].upper() + name[1:]} – demonstration seed lot {year}",
                                     "summary": f"Demonstration lot of {name} " + ("planting stock" if repro == "vegetative" else "seeds")
                                                + f" ({species}), harvested in {year}; exchange point: {point}."}},
                details={
                    "species": species,
                    "variety": variety,
                    "common_name": common,
                    "harvest_year": year,
                    "quantity": q,
                    "unit": unit,
                    "germination_rate": rate,
                    "germination_tested": f"{year + 1}-02-{10 + n % 15:02d}" if tested else None,
                    "reproduction": repro,
                    "origin": origin,
                    "exchange_point": point,
                    "parent_lot": parent_id,
                },
            )
            if alt_names:
                rec["description"] += f"\n\nAutres noms (anglais) selon Growstuff : {one_line(alt_names)}."
            cat.add(rec, "growstuff")
            parent_id = rid
            n += 1


# ---------------------------------------------------------------------------
# Ferment lots: written by hand, for demonstration
# ---------------------------------------------------------------------------
# No corpus holds ferment data. These lots are illustrative; the species are
# those usually found in such cultures (textbook knowledge), not the result
# of an analysis of a real lot.

FERMENTS = [
    dict(id="levain-ble-t80-mere", title="Levain de blé (farine T80) – lot mère de démonstration",
         organism="levain de blé", species=["Saccharomyces cerevisiae", "Kazachstania humilis", "Fructilactobacillus sanfranciscensis", "Lactiplantibacillus plantarum"],
         quantity=100, unit="grams", state="active", viable_until="2027-06-30", origin="Rafraîchi à Paris sur farine de blé T80 (démonstration)",
         care="Nourrir une à deux fois par semaine : une part de levain, une part de farine T80, une part d'eau tiède non chlorée.\nConserver au réfrigérateur entre deux rafraîchis ; le sortir quelques heures avant usage.",
         summary="Levain naturel de blé entretenu sur farine T80, lot mère d'où sont issus les autres lots de levain de ce catalogue d'exemple.",
         en=("Wheat sourdough starter (T80 flour) – demonstration mother lot", "Natural wheat sourdough starter fed on T80 flour; the mother lot of the other sourdough lots in this sample catalogue."),
         tags=["levain", "boulangerie", "pain"]),
    dict(id="levain-ble-t80-repiquage-2026", title="Levain de blé – repiquage du lot mère (démonstration)",
         organism="levain de blé", species=["Saccharomyces cerevisiae", "Fructilactobacillus sanfranciscensis"],
         quantity=50, unit="grams", state="active", viable_until="2027-03-31", parent="levain-ble-t80-mere",
         origin="Repiqué à partir du lot mère levain-ble-t80-mere (démonstration)",
         care="Rafraîchir dès réception (1:1:1 en poids), puis chaque semaine. Un levain oublié se rattrape en deux ou trois rafraîchis rapprochés.",
         summary="Portion de levain de blé prélevée sur le lot mère, pour montrer la filiation entre lots de ferments.",
         tags=["levain", "boulangerie"]),
    dict(id="levain-seigle-mere", title="Levain de seigle – lot de démonstration",
         organism="levain de seigle", species=["Saccharomyces cerevisiae", "Fructilactobacillus sanfranciscensis", "Limosilactobacillus pontis"],
         quantity=100, unit="grams", state="active", viable_until="2027-06-30", origin="Entretenu sur farine de seigle T130 (démonstration)",
         care="Nourrir chaque semaine avec de la farine de seigle et de l'eau (hydratation 100 %).\nLe levain de seigle est plus acide et plus rapide que celui de blé : surveiller à température ambiante.",
         summary="Levain naturel de seigle, acide et vigoureux, pour les pains de seigle et les pains de campagne.",
         tags=["levain", "seigle", "pain"]),
    dict(id="levain-seigle-seche", title="Levain de seigle séché – paillettes de démonstration",
         organism="levain de seigle séché", species=["Saccharomyces cerevisiae", "Fructilactobacillus sanfranciscensis"],
         quantity=10, unit="grams", state="dried", viable_until="2028-12-31", parent="levain-seigle-mere",
         origin="Séché à basse température à partir du lot levain-seigle-mere (démonstration)",
         care="Réhydrater les paillettes dans 20 g d'eau tiède, ajouter 20 g de farine de seigle, puis rafraîchir chaque jour pendant trois à cinq jours jusqu'à ce que le levain double de volume.",
         summary="Paillettes de levain de seigle séché, faciles à envoyer et à conserver, issues du levain de seigle de démonstration.",
         tags=["levain", "seigle", "séché"]),
    dict(id="grains-kefir-de-lait", title="Grains de kéfir de lait – lot de démonstration",
         organism="grains de kéfir de lait", species=["Lactobacillus kefiranofaciens", "Lentilactobacillus kefiri", "Lactococcus lactis", "Kluyveromyces marxianus", "Saccharomyces cerevisiae"],
         quantity=20, unit="grams", state="active", viable_until="2027-01-31", origin="Grains multipliés dans du lait entier (démonstration)",
         care="Placer les grains dans 250 ml de lait, couvrir d'un linge, laisser 24 h à température ambiante, filtrer (ustensiles non métalliques de préférence) et recommencer avec du lait frais.\nPause : grains au réfrigérateur dans du lait, à renouveler chaque semaine.",
         summary="Grains de kéfir de lait, symbiose de bactéries lactiques et de levures, pour préparer une boisson lactée fermentée.",
         en=("Milk kefir grains – demonstration lot", "Milk kefir grains, a symbiosis of lactic acid bacteria and yeasts, for a fermented milk drink."),
         tags=["kéfir", "lait", "boisson fermentée"]),
    dict(id="grains-kefir-de-lait-seches", title="Grains de kéfir de lait séchés – lot de démonstration",
         organism="grains de kéfir de lait séchés", species=["Lactobacillus kefiranofaciens", "Lentilactobacillus kefiri", "Kluyveromyces marxianus"],
         quantity=5, unit="grams", state="dried", viable_until="2027-12-31", parent="grains-kefir-de-lait",
         origin="Séchés à l'air à partir du lot grains-kefir-de-lait (démonstration)",
         care="Réhydrater dans du lait frais changé chaque jour ; les premiers laits, peu fermentés, se jettent. Compter une à deux semaines avant une fermentation normale.",
         summary="Grains de kéfir de lait séchés, issus du lot actif, pour l'envoi postal ou la mise en réserve.",
         tags=["kéfir", "lait", "séché"]),
    dict(id="grains-kefir-de-fruits", title="Grains de kéfir de fruits (tibicos) – lot de démonstration",
         organism="grains de kéfir de fruits (tibicos)", species=["Lentilactobacillus hilgardii", "Zygotorulaspora florentina", "Saccharomyces cerevisiae", "Liquorilactobacillus nagelii"],
         quantity=50, unit="grams", state="active", viable_until="2027-01-31", origin="Grains entretenus dans de l'eau sucrée (démonstration)",
         care="Pour un litre d'eau non chlorée : 50 g de grains, 50 g de sucre, une figue sèche et une rondelle de citron bio. Laisser 48 h à température ambiante, filtrer et mettre en bouteille.\nLes grains se multiplient : donner le surplus.",
         summary="Grains translucides de kéfir de fruits, pour une boisson pétillante à base d'eau sucrée et de fruits secs.",
         tags=["kéfir", "tibicos", "boisson fermentée"]),
    dict(id="scoby-kombucha", title="Mère de kombucha (SCOBY) – lot de démonstration",
         organism="mère de kombucha (SCOBY)", species=["Komagataeibacter xylinus", "Brettanomyces bruxellensis", "Zygosaccharomyces bailii"],
         quantity=1, unit="portions", state="active", viable_until="2027-03-31", origin="Culture entretenue sur thé noir sucré (démonstration)",
         care="Pour deux litres de thé noir ou vert infusé et refroidi, sucré à 70 g/l : la mère et 200 ml de kombucha de la fournée précédente. Couvrir d'un linge, laisser 7 à 14 jours à 20-25 °C, goûter, mettre en bouteille.",
         summary="Disque de cellulose bactérienne et culture de kombucha, avec un peu de liquide de départ, pour fermenter du thé sucré.",
         en=("Kombucha mother (SCOBY) – demonstration lot", "A kombucha culture (bacterial cellulose disc with starter liquid) to ferment sweetened tea."),
         tags=["kombucha", "thé", "boisson fermentée"]),
    dict(id="koji-riz-aspergillus-oryzae", title="Koji de riz (Aspergillus oryzae) séché – lot de démonstration",
         organism="koji de riz", species=["Aspergillus oryzae"],
         quantity=200, unit="grams", state="dried", viable_until="2027-09-30", origin="Riz cuit à la vapeur ensemencé puis séché (démonstration)",
         care="Conserver au sec et au frais, dans un bocal fermé.\nS'emploie pour le miso, le shio-koji ou l'amazake ; pour relancer une culture, mélanger une cuillerée à du riz cuit à la vapeur et incuber 48 h vers 30 °C dans une atmosphère humide.",
         summary="Riz colonisé par la moisissure Aspergillus oryzae puis séché, base des fermentations japonaises (miso, shio-koji, amazake).",
         tags=["koji", "fermentation", "cuisine japonaise"]),
    dict(id="miso-jeune-amorce", title="Miso jeune d'orge – amorce de démonstration",
         organism="miso d'orge (amorce)", species=["Aspergillus oryzae", "Zygosaccharomyces rouxii", "Tetragenococcus halophilus"],
         quantity=100, unit="grams", state="active", viable_until="2027-12-31", parent="koji-riz-aspergillus-oryzae",
         origin="Miso d'orge et de soja préparé avec le lot koji-riz-aspergillus-oryzae (démonstration)",
         care="Ajouter une ou deux cuillerées à une nouvelle préparation de miso pour l'ensemencer.\nConserver au frais ; une pellicule de tamari en surface est normale.",
         summary="Portion de miso jeune, à incorporer à une nouvelle préparation pour lui transmettre ses levures et bactéries halophiles.",
         tags=["miso", "koji", "fermentation"]),
    dict(id="mere-de-vinaigre-de-cidre", title="Mère de vinaigre de cidre – lot de démonstration",
         organism="mère de vinaigre", species=["Acetobacter aceti", "Komagataeibacter europaeus"],
         quantity=250, unit="millilitres", state="active", viable_until="2028-06-30", origin="Voile de vinaigre de cidre non pasteurisé (démonstration)",
         care="Verser la mère et son vinaigre dans un vin ou un cidre sans sulfites, dans un récipient large couvert d'un linge. Compter quatre à huit semaines à 20-30 °C.",
         summary="Voile d'acétobactéries et vinaigre vivant, pour transformer un cidre ou un vin en vinaigre.",
         en=("Cider vinegar mother – demonstration lot", "A film of acetic acid bacteria with live vinegar, to turn cider or wine into vinegar."),
         tags=["vinaigre", "cidre", "fermentation"]),
    dict(id="ginger-bug-gingembre", title="Ginger bug (ferment de gingembre) – lot de démonstration",
         organism="ginger bug (ferment sauvage de gingembre)", species=[],
         quantity=200, unit="millilitres", state="active", viable_until="2026-12-31", origin="Ferment sauvage démarré avec du gingembre frais bio (démonstration)",
         care="Chaque jour, ajouter une cuillerée de gingembre râpé et une de sucre, mélanger.\nQuand il pétille, en prélever 100 ml pour un litre de jus ou d'infusion sucrée à mettre en bouteille (limonade, ginger beer).",
         summary="Ferment sauvage de levures et de bactéries lactiques venues du gingembre, pour des boissons pétillantes maison.",
         tags=["gingembre", "boisson fermentée", "ferment sauvage"]),
    dict(id="ferments-yaourt-lait", title="Ferments de yaourt (yaourt nature vivant) – lot de démonstration",
         organism="ferments de yaourt", species=["Streptococcus thermophilus", "Lactobacillus delbrueckii subsp. bulgaricus"],
         quantity=125, unit="grams", state="active", viable_until="2026-12-31", origin="Yaourt entretenu de fournée en fournée (démonstration)",
         care="Mélanger une cuillerée à soupe de yaourt à un litre de lait chauffé puis refroidi à 42-45 °C ; garder au chaud 6 à 10 heures.\nGarder un pot de chaque fournée pour la suivante.",
         summary="Yaourt nature vivant servant de ferment pour la fournée suivante.",
         tags=["yaourt", "lait", "fermentation"]),
]


def build_ferments(corpora: Path, cat: Catalogue):
    ids = {f["id"] for f in FERMENTS}
    points = library_points(corpora)
    for i, f in enumerate(FERMENTS):
        assert not f.get("parent") or f["parent"] in ids
        point = exchange_point(points, len(SEED_PICKS) + sum(g[6] > 1 for g in SEED_PICKS) + i)
        desc = para(
            "Lot de démonstration du catalogue d'exemple du Conservatoire du Libre : quantité, état, date de viabilité, "
            "point d'échange et filiation sont illustratifs et ne décrivent pas un lot réel.",
            ("Espèces habituellement présentes dans ce type de culture (connaissance générale, pas une analyse du lot) : "
             + ", ".join(f["species"]) + ".") if f["species"] else
            "Culture sauvage : les espèces présentes dépendent du gingembre et de l'environnement ; elles ne sont pas listées.",
            "Transmis sous l'accord OpenMTA : usage libre, y compris commercial, redistribution et dérivés autorisés, "
            "avec attribution.",
        )
        translations = {}
        if f.get("en"):
            translations["en"] = {"title": f["en"][0], "summary": f["en"][1]}
        rec = new_record(
            "ferment-lot", f["id"], f["title"], "LicenseRef-OpenMTA",
            summary=f["summary"], description=desc, tags=dedup_ci(f["tags"] + ["démonstration"]),
            sources=[src("demo"), src("culture-libraries")], translations=translations,
            details={
                "organism": f["organism"],
                "species": f["species"],
                "origin": f["origin"],
                "quantity": f["quantity"],
                "unit": f["unit"],
                "state": f["state"],
                "viable_until": f["viable_until"],
                "care": f["care"],
                "exchange_point": point,
                "parent_lot": f.get("parent"),
            },
        )
        cat.add(rec, "demo-ferments")


# ---------------------------------------------------------------------------
# SOURCES.md
# ---------------------------------------------------------------------------

SOURCE_DOCS = [
    ("sill", "SILL – socle interministériel de logiciels libres (DINUM / Etalab, code.gouv.fr)",
     "`sill-codegouvfr/`: `sill.json` of `etalab/sill-contents` at commit `1263e08b9f721facd29304b0d8c9a66340b59283` "
     "(2022-05-16) and `software.csv` / `services.csv` of `codegouvfr/sill-api` at commit "
     "`4b8b1808735e1ba892a835607db4719519f3bd43` (2022-03-08).",
     "Licence Ouverte 2.0 (`etalab-2.0`).",
     "Name, licence, status, years, function, category, French and English descriptions, web site, source "
     "repository, documentation, Comptoir du Libre id, minimum version, parent, usage context, working group; "
     "Wikidata id from `software.csv` (same SILL id); `used_by` and the list of online services from `services.csv`.",
     "Entries whose licence string maps to one exact, current SPDX id (table `SILL_LICENCES`: `GPL-3.0` → "
     "`GPL-3.0-only`, `GPL-2.0+` → `GPL-2.0-or-later`, `AGPL-3` → `AGPL-3.0-only`, `LGPL-v2.1` → `LGPL-2.1-only`…) "
     "and that have a description; then every N-th of them in SILL id order (N is given below) to ship 92. Summary = the SILL "
     "French description; the description is built from the SILL fields; English description kept in "
     "`[translations.en]`. `repository` only when the SILL gives an http(s) address.",
     "« Source : SILL (socle interministériel de logiciels libres), DINUM – code.gouv.fr, données 2022, Licence Ouverte 2.0 ».",
     None),
    ("publiccode", "publiccode.yml files published by public bodies",
     "`publiccode-yml/real-world/` (9 files; repository, path and commit of each in `manifest.json`).",
     "Each file belongs to its repository; the software licence it declares (`legal.license`) is the one given as "
     "the source licence. Only facts are taken (names, licence, version, dates, platforms, users, funders, links) "
     "plus the short descriptions, kept in their original language in `[translations.<lang>]`.",
     "name, url, landingURL, softwareVersion, releaseDate, creationDate, platforms, categories, usedBy, fundedBy, "
     "developmentStatus, maintenance.type, legal.license, legal.repoOwner, description.*.shortDescription, features, documentation.",
     "Read with a small YAML-subset reader (no YAML 1.1 booleans). `apache-2.0` → `Apache-2.0`. Values that are not "
     "allowed by the standard (`maintenance.type: commercial`, `developmentStatus: production`) are dropped, not guessed. "
     "French summaries are hand translations of each file's `shortDescription` (table `PUBLICCODE_FR`), except Catala "
     "which gives one in French. The DB-All.e description filed under `it` is in English and is kept as `en`. "
     "Maintainers' names and e-mail addresses are not copied.",
     "« Source : fichier publiccode.yml du dépôt <dépôt>, licence <licence du dépôt> » (see each record's `[[sources]]`).",
     None),
    ("lutece", "Lutece: the City of Paris's free software (lutece-platform, lutece-secteur-public)",
     "`paris/lutece-software/`: `lutece-repos.json` (metadata derived from 28 repositories, each at the commit it "
     "names: pom.xml, plugin descriptors, licence file and source headers, README) and the former code.gouv.fr "
     "inventory of `lutece-secteur-public` (`etalab/data-codes-sources-fr`, commit "
     "`4db03241ec3cd125b452635e6d21ff8e17dd7a48`, 135 repositories).",
     "The software: BSD-3-Clause (« Copyright (c) 2002-20xx, City of Paris / Mairie de Paris », a LICENSE file in 4 "
     "repositories, the 3-clause header in every source file of the others). The inventory: Licence Ouverte 2.0 (`etalab-2.0`).",
     "Repository, commit and dates, commit and file counts, main languages (file extensions), Maven name, version "
     "and artefact, plugin descriptor (French description, provider), copyright line, licence basis; the "
     "inventory's description and Software Heritage address; the descriptor's default (English) description in "
     "`[translations.en]` when the plugin also has a distinct French one, and `languages` from the message bundles "
     "the descriptor resolves (`fr`, and `en` for a distinct default bundle). README texts are not copied.",
     "One record per repository whose licence is established (26, all `BSD-3-Clause`). French titles and summaries "
     "are written by hand from the descriptor, README and inventory texts (table `LUTECE_FR`). `used_by` = Ville de "
     "Paris for the 18 repositories that the corpus notes list as the City's own applications (DansMaRue, "
     "Facil'Familles, participatory budget, appointments, identity store, civil status, ACTES, TIPI, PLU…), not for "
     "the generic platform plugins nor the Baltimore hackathon plugin. `version` only when the pom.xml version is "
     "not a -SNAPSHOT. **The two DansMaRue mobile apps (Android, iOS) state no licence at all: no record is made for "
     "them** (a record must name a licence and be certified; they are listed under Skipped).",
     "« Source : dépôt <organisation>/<dépôt> (Ville de Paris), BSD-3-Clause ; inventaire code.gouv.fr, DINUM – Etalab, "
     "Licence Ouverte 2.0 » (see each record's `[[sources]]`).",
     None),
    ("openfisca-paris", "OpenFisca-Paris: the City of Paris's social-benefit rules as code",
     "`paris/openfisca-paris-rules/` (GitHub `openfisca/openfisca-paris`, commit `c310a2d422917ad4b53996ca10c54eb825dd3f07`, "
     "2026-01-21, setup.py version 5.5.14): the 31 parameter YAML files (verbatim) and `variables-index.json` "
     "(derived: the 69 variables' names, files, French labels, entities, periods, types, legal references).",
     "AGPL-3.0 (setup.py licence URL and classifier « GNU Affero General Public License v3 », LICENSE file): no « or "
     "later » wording, so `AGPL-3.0-only`. The legal texts the code cites are not covered and are not copied.",
     "Per benefit: the variables of its Python files (as the method's `steps`, with their French labels), the dated "
     "values of its parameters (in the description), the legal references (as `[[method.references]]`), links to "
     "the code and parameter files at the commit.",
     "One method per benefit (table `OPENFISCA_BENEFITS`, 14 methods: common conditions, Paris Logement, Paris Logement "
     "personnes âgées, Paris Logement Familles, Paris Logement Familles Monoparentales, Paris Forfait Familles, Paris "
     "Énergie Familles, ASPEH, Paris Solidarité ×2, Complément Santé Paris ×2, Pass Paris Seniors, Pass Paris Access'); "
     "the builder checks that every variable file and every parameter file is used. Summaries written by hand from "
     "the labels. Plus one software record for the package itself.",
     "« Source : OpenFisca-Paris (github.com/openfisca/openfisca-paris), AGPL-3.0 ».",
     None),
    ("tate", "Tate collection (metadata)",
     "`cultural-works/tate-collection/` (GitHub `tategallery/collection`, commit `a51d8afc988ed083557e2950f4d0b644e7719f4a`, "
     "data of October 2014): `artworks_sample.jsonl` (every 14th artwork file) and `artist_data.csv`.",
     "Metadata CC0-1.0. Images are not CC0 and are not used (no `[[cultural-work.media]]` for Tate works).",
     "Title, date, medium, dimensions, accession number, acquisition year, credit line, classification, URL of the "
     "Tate page; for each artist: name, birth and death years and places, gender (for French agreement only).",
     "Kept only works whose every creator has the role `artist` and a known death year before 1956 (so that the work "
     "is in the public domain in France, 70 years post mortem), without a copyright line, with a known title, "
     "medium and date; then one work per artist (the first by accession number) and every N-th of those (N is given "
     "below) to ship 80. Licence of the record: `CC-PDM-1.0` (public-domain mark), `rights_status = \"public-domain\"`. The French "
     "summary is built from the fields (form, artist, medium translated with a small word table, date); the English "
     "title is kept as `title` (no French title exists) and in `[translations.en]`.",
     "« Métadonnées : Tate, CC0 » – no attribution is required by CC0; it is given anyway.",
     None),
    ("cleveland", "Cleveland Museum of Art Open Access (via Openverse fixtures)",
     "`cultural-works/openverse-catalog-fixtures/provider_api_responses/clevelandmuseum/handle_response_data.json` "
     "(100 objects, Openverse catalog commit `3bf0760cb28d48babe5edf4f210a53d6c3343015`).",
     "Each object `share_license_status: CC0` (metadata and images); the Openverse repository is MIT.",
     "Title, date, technique, measurements, culture, department, accession number, credit line, creators with "
     "dates, tombstone (kept in English as `[translations.en].summary`), web image URL.",
     "Objects with an identified creator and a web image, sorted by id, every N-th (N is given below) to ship 16. Licence "
     "`CC0-1.0`, `rights_status = \"waived\"`, image as media with credit « The Cleveland Museum of Art, CC0 ».",
     "« The Cleveland Museum of Art, Open Access, CC0 ».",
     None),
    ("met", "The Metropolitan Museum of Art Open Access (via Openverse fixtures)",
     "`cultural-works/openverse-catalog-fixtures/normalized_output_tsv/metmuseum_1551822422.tsv` (21 rows, 4 objects).",
     "CC0 per row (`CC0`, `1.0`).",
     "Title, creator, classification, culture, date, medium, accession number, credit line, landing page, image URL.",
     "One record per object (rows `<id>-<n>` are extra images of the same object). Licence `CC0-1.0`.",
     "« The Metropolitan Museum of Art, Open Access, CC0 ».",
     None),
    ("europeana", "Europeana (Biblioteca Digital de Castilla y León, via Openverse fixtures)",
     "`cultural-works/openverse-catalog-fixtures/provider_api_responses/europeana/europeana_example.json` (27 items).",
     "Every item `rights` = CC0 1.0 (`http://creativecommons.org/publicdomain/zero/1.0/`).",
     "Title (with its French parallel title when the library gives one: then it is the record's `title` and the "
     "Spanish one goes to `[translations.es]`), persons named with life dates, period, Spanish descriptions (quoted), "
     "links, image URL.",
     "The first 8 items, in file order, that have dated persons or a French title. Licence `CC0-1.0`.",
     "« Biblioteca Digital de Castilla y León, via Europeana, CC0 ».",
     None),
    ("wikimedia", "Wikimedia Commons (via Openverse fixtures)",
     "`cultural-works/openverse-catalog-fixtures/provider_api_responses/wikimedia/continuation/wmc_pretty4.json` and "
     "`wmc_pretty_nocontinue.json` (recorded API pages).",
     "Per file, as stated on its Commons page: CC BY-SA 4.0, CC BY 4.0, CC BY-SA 3.0 DE, CC0, Public domain.",
     "File title, author, date, licence, credit line, file and page URLs. Descriptions written by uploaders (under "
     "their CC BY-SA licence) are not copied.",
     "A fixed list of 11 page ids (`WIKIMEDIA_PICK`): a mix of licences, skipping NC/ND, `No restrictions`, "
     "`cc-by-sa-3.0-es` (no SPDX id) and public-domain files whose authors' dates could not be checked. "
     "`Public domain` → `CC-PDM-1.0`, `cc0` → `CC0-1.0`, `cc-by-sa-3.0-de` → `CC-BY-SA-3.0-DE`.",
     "Per record: « <auteur>, <licence>, via Wikimedia Commons » (the media `credit`).",
     None),
    ("smk", "SMK – Statens Museum for Kunst (via Openverse fixtures)",
     "`cultural-works/openverse-catalog-fixtures/provider_api_responses/smk/item.json` (1 object).",
     "`public_domain: true`, rights CC0.",
     "Danish title, creator with dates, technique, dimensions, dating notes, object number, thumbnail.",
     "Licence `CC0-1.0`, Danish title kept as `title` and in `[translations.da]`.",
     "« SMK – Statens Museum for Kunst, CC0 ».",
     None),
    ("protocols-io", "protocols.io protocols listed by the Allen Institute for Neural Dynamics",
     "`science-methods/protocols-io/`: `aind_protocols.csv` (67 rows: title, DOI, version) and "
     "`protocols_io_api_v3_protocol_response.json` (one full API v3 record), from the PyPI sdist "
     "`aind_data_schema_models-6.3.1` (MIT).",
     "The list is MIT. The protocols: public protocols on protocols.io are open access under CC BY 4.0 (notice shown on "
     "every public protocol page). Neither corpus file states it: a curator should confirm each protocol's licence "
     "on protocols.io before the records leave the demo catalogue.",
     "Title, DOI, version (all versions become `[[method.references]]`); for the full record: abstract (English, in "
     "`[translations.en]`, translated into French by hand), author, funding note, publication date, other versions.",
     "One record per distinct title (42), the latest version (or, for the full record, the version it describes). "
     "Discipline `neurosciences` (the AIND is a neuroscience institute).",
     "« Protocole publié sur protocols.io (DOI …), CC BY 4.0 ; liste : Allen Institute for Neural Dynamics, "
     "aind-data-schema-models, MIT ».",
     None),
    ("datacite", "DataCite Metadata Schema examples (inveniosoftware/datacite)",
     "`science-methods/datacite-examples/4.3/datacite-example-workflow-v4.xml` and "
     "`datacite-example-fundingReference-v4.xml` (repository commit `5506d1347a070952d2c2b96c213f44c5fa46d0dd`).",
     "The repository is BSD-3-Clause; the two records state CC0 1.0 for the resources they describe.",
     "SOAPdenovo2 workflow (GigaScience Database, 2012) → a method; Zenodo record 47394 (survey data, 2016) → a "
     "dataset. Abstracts kept in English in `[translations.en]`, summarised in French by hand.",
     "The workflow example carries a test DOI (prefix 10.1234): not copied. The other examples are skipped (test "
     "DOIs and invented content, no rights, or NC/ND rights).",
     "« Métadonnées : exemples DataCite (inveniosoftware/datacite, BSD-3-Clause) ; ressources : CC0 ».",
     None),
    ("udata", "udata (data.gouv.fr) harvest fixtures: DCAT, ISO 19139 and data.gouv.fr metadata",
     "`french-open-data/udata-fixtures/` from the PyPI wheel `udata-17.18.0` (udata is AGPL-3.0): `dcat/evian.json`, "
     "`dcat/sig.oreme.rdf`, `csw_dcat/geonetwork-dcat-page-{1,3,5}.xml`, `csw_dcat/geoplateforme-iso19139-IGNF_RPG.xml`, "
     "`fixtures/results.redacted.json`.",
     "The harvested metadata: Licence Ouverte 2.0 as stated by each record (→ `etalab-2.0`). Records whose licence "
     "says « Licence Ouverte / Open Licence » or « licence Etalab » without a version and that were published or "
     "updated after April 2017 are read as 2.0 (said in their description).",
     "Title, abstract, keywords, dates, publisher, update frequency, landing page, distributions (URL, format, title, size).",
     "Kept only records whose licence is stated and free. Skipped: Licence Ouverte 1.0 (no SPDX id), « Ayant droit IGN "
     "Bénéficiaires du RGE », access rights given instead of a licence, and 14 of the 15 data.gouv.fr datasets, which "
     "carry no licence in the fixture (only Sixt-sur-Aff's organisation states Licence Ouverte 2.0). The synthetic "
     "fixtures (`data.test.org`) are not used.",
     "« Source : <producteur>, <portail>, Licence Ouverte 2.0 » (see each record's first `[[sources]]`).",
     None),
    ("corpus-datasets", "The public data sets the corpora come from",
     "The SOURCE.md of each corpus folder (origin, commit, licence, counts) and the sizes of the files copied verbatim.",
     "Each data set's own licence: SILL `etalab-2.0`; code.gouv.fr data `etalab-2.0 OR CC-BY-4.0`; Tate metadata and SPDX "
     "list `CC0-1.0`; Growstuff `AGPL-3.0-only` (repository licence, no separate data licence); publiccode-parser-go "
     "`EUPL-1.2`; DataCite examples `BSD-3-Clause`; AIND list and Openverse fixtures `MIT`.",
     "Descriptions written for this catalogue from those facts.",
     "Distributions point at the files at the exact commit (raw.githubusercontent.com) when the file is a verbatim copy.",
     "As for each source above.",
     None),
    ("paris-trees", "Ville de Paris: remarkable trees and the tree inventory (opendata.paris.fr)",
     "`paris/trees/`: `arbresremarquablesparis.csv` (the portal's export of the 180 remarkable trees, byte for byte in "
     "GitHub `dataisto/001`, commit `c86c7aaa3c7d7829a45f0da7129a24853db22745`) and two extracts of « Les arbres » "
     "(`Julien-paulet/linear_regression` `5960aa727b18781b6f1155d44a0439fab3e994aa`, 2019; `Nizar91300/Projet_Arbre` "
     "`a4cf512338b71fd88e88aaca4dc60ba69610144f`, 2025).",
     "ODbL-1.0, the licence of opendata.paris.fr since 2011 (the GitHub copies state none of their own): attribution "
     "« Ville de Paris – opendata.paris.fr » and share-alike for derived databases, both said in each record. The "
     "per-tree photographs (credited, licence not stated) are not used.",
     "Counts (qualification, places, species, label), the tallest and widest trees, planting years, and the list of "
     "the 180 trees (usual name and site) by arrondissement; the two extracts' sizes and columns.",
     "Two `dataset` records (the trees are not records of their own: the catalogue describes the dataset, with its "
     "distributions pointing at the verbatim copies at their commits).",
     "« Ville de Paris – opendata.paris.fr, ODbL ».",
     None),
    ("paris-libraries", "Paris municipal libraries (Ministry of Culture's national register)",
     "`paris/libraries/`: the 68 Paris rows of the national register (`landry161/cartographie-biblio-fr`, commit "
     "`7946a12b12fcb6888742dff512978d2bdd14f309`) and the data.gouv.fr record of the dataset.",
     "Licence Ouverte 2.0 (`etalab-2.0`), as the data.gouv.fr record states.",
     "The data.gouv.fr record (title, description, dates, frequency, formats); for each Paris site: name, address, "
     "postcode, weekly opening hours, kind of address.",
     "One `dataset` record for the register, listing the 68 Paris sites by arrondissement. The same sites are the "
     "exchange points of the demonstration seed and ferment lots (`library_points`): the 65 open to the public (the "
     "administration office, the closed central store and the heritage collection of L'Heure Joyeuse are left out), "
     "as « <name>, <address>, Paris <n>e », the lots spread over them with a fixed stride. « Bilbiothèque » / "
     "« Bilbliothèque » are corrected to « Bibliothèque »; other names are as in the register (« Vaclav Havel »).",
     "« Source : Ministère de la Culture, Service du livre et de la lecture, data.gouv.fr, Licence Ouverte 2.0 ».",
     None),
    ("paris-culture", "Paris culture datasets (data.gouv.fr catalogue, Ministry of Culture exports)",
     "`paris/datagouv-culture-catalogue/` (GitHub `culturegouv/donnees-ouvertes`, commit "
     "`f1c6ae6711dd97f79dc602c176bd29e5272fe404`): the 47 Paris rows of the « univers-culture » topic and the "
     "262-row catalogue export with licences.",
     "The licence each dataset's data.gouv.fr record states, read from the export's `license` column: only « Licence "
     "Ouverte / Open Licence version 2.0 » (`etalab-2.0`) and ODbL are mapped. « Licence Ouverte / Open Licence » "
     "without a version is data.gouv.fr's 2011 version 1.0 (no SPDX id): not mapped. The repository is CC0-1.0.",
     "Title, producer's description (Markdown made plain), producer, dates, frequency, formats, spatial and "
     "temporal coverage, data.gouv.fr address.",
     "A Paris row becomes a record when the export gives its licence, the licence is mapped, and the dataset is about "
     "Paris (table `PARIS_CULTURE_PICKS`; those that only mention Paris in passing are skipped, with the reason). The "
     "Ville de Paris's own datasets of the topic (filming locations, « Que faire à Paris ? », library loans…) are not "
     "in the export with licences: skipped until a curator checks their licence.",
     "« Source : <producteur>, data.gouv.fr, Licence Ouverte 2.0 ; export : ministère de la Culture, CC0 ».",
     None),
    ("paris-sources", "The catalogues the Paris records come from",
     "The code.gouv.fr inventory (`etalab/data-codes-sources-fr`) and the Ministry of Culture's catalogue exports "
     "(`culturegouv/donnees-ouvertes`), as described in the corpus notes.",
     "Inventory: Licence Ouverte 2.0 (`etalab-2.0`); exports: CC0-1.0.",
     "Descriptions written for this catalogue from those facts and counts computed from the files.",
     "Distributions point at the files at the exact commit (raw.githubusercontent.com); no size is given since the "
     "corpus copies are filtered or redacted.",
     "As for each source above.",
     None),
    ("growstuff", "Growstuff crop and variety lists (seed lots)",
     "`seeds-varieties/growstuff-crops/` (GitHub `Growstuff/growstuff`, commit `2ec97581ad4b434f5e0025ea57fd71183fed13c3`).",
     "Repository AGPL-3.0 (no separate data licence). Only facts are taken: crop names, scientific names, parent "
     "crop, Wikipedia address. The openfruit files (no licence) are not used at all.",
     "Species (own column or the parent crop's), variety, Wikipedia link.",
     "A fixed list of 48 crops and varieties (`SEED_PICKS`), with a French common name written by hand and the usual "
     "reproduction mode of the species; 5 of them get a second, younger lot whose `parent_lot` is the first. "
     "Everything about the *lot* (quantity, harvest year, germination, exchange point, licence) is demonstration data "
     "and each description says so. Exchange points are Paris municipal libraries of the national register (see "
     "« Paris municipal libraries »); no exchange is claimed to happen there.",
     "« Espèces et variétés : Growstuff (github.com/Growstuff/growstuff), AGPL-3.0 ; lots : démonstration ; point "
     "d'échange : registre des bibliothèques, ministère de la Culture, Licence Ouverte 2.0 ».",
     None),
    ("demo-ferments", "Demonstration ferment lots (hand-written)",
     "No corpus: data written in `build_samples.py` (`FERMENTS`).",
     "Written for this catalogue, CC0-1.0. Lots under `LicenseRef-OpenMTA`, the only licence accepted for ferments. "
     "Exchange points: Paris municipal libraries, after those of the seed lots.",
     "Sourdough (wheat, rye, dried rye), milk kefir (active, dried), water kefir, kombucha, koji, miso, vinegar mother, "
     "ginger bug, yoghurt.",
     "Species are those usually found in such cultures (general knowledge), not an analysis; quantities, dates, "
     "exchange points and lineage are illustrative, as each description says.",
     "Exchange points: « Ministère de la Culture, registre des bibliothèques, Licence Ouverte 2.0 » (in `[[sources]]`).",
     None),
]


def write_sources_md(out: Path, cat: Catalogue):
    by_source: dict[str, list[dict]] = {}
    for r in cat.records:
        by_source.setdefault(r["_source"], []).append(r)
    kinds_count = {k: sum(1 for r in cat.records if r["kind"] == k) for k in KINDS}
    lic_count: dict[str, int] = {}
    for r in cat.records:
        lic_count[r["license"]] = lic_count.get(r["license"], 0) + 1
    lines = [
        "# Sources of the sample catalogue",
        "",
        "Every record under `records/samples/` is generated by `build_samples.py` from the public corpora gathered for the",
        "project (standard library only, no network, deterministic):",
        "",
        "```sh",
        "python3 records/samples/build_samples.py <corpora folder> records/samples",
        "cargo run -q -- check records/samples",
        "```",
        "",
        "The data is copied into the records, with attribution: the project never reads the corpora at run time. Each record",
        "names its sources in `[[sources]]` (name, address, licence of the source metadata). French texts are built from",
        "the facts of each source record; nothing is invented, except the seed and ferment *lots*, which are",
        "demonstration lots and say so in their description.",
        "",
        "A record whose title is not French says so with `title_lang`, set only where the source tells the title's",
        "language: the Tate (its `title` is the English one, an original title being in `foreignTitle`), the Cleveland",
        "Museum of Art (English `title`, `title_in_original_language` empty) and the Met (English titles), the SMK (its",
        "Danish title), the AIND's protocols.io protocols (in English), the DataCite and Zenodo records (`xml:lang=\"en\"`)",
        "and the OREME catalogue (in English). Europeana and Wikimedia Commons titles are in many languages that the",
        "sources do not tag: no `title_lang`. The builder checks that a translation repeating the title agrees with it.",
        "",
        "## Counts",
        "",
        "| kind | records |",
        "|---|---|",
    ]
    for k in KINDS:
        lines.append(f"| {k} | {kinds_count[k]} |")
    lines.append(f"| **total** | **{len(cat.records)}** |")
    lines += ["", "| source | " + " | ".join(KINDS) + " | total |", "|---|" + "---|" * (len(KINDS) + 1)]
    for key, title, *_ in SOURCE_DOCS:
        recs = by_source.get(key, [])
        cnt = [sum(1 for r in recs if r["kind"] == k) for k in KINDS]
        lines.append(f"| {title} | " + " | ".join(str(c) if c else "" for c in cnt) + f" | {len(recs)} |")
    lines += ["", "## Licences of the records", "", "| licence | records |", "|---|---|"]
    for lic, n in sorted(lic_count.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| `{lic}` | {n} |")
    for key, title, origin, licence, taken, how, attribution, _ in SOURCE_DOCS:
        recs = sorted(by_source.get(key, []), key=lambda r: (r["kind"], r["id"]))
        lines += ["", f"## {title}", "", f"- **Origin:** {origin}", f"- **Licence:** {licence}",
                  f"- **Taken:** {taken}", f"- **Transformed:** {how}", f"- **Attribution:** {attribution}"]
        counts = ", ".join(f"{k} {sum(1 for r in recs if r['kind'] == k)}" for k in KINDS if any(r["kind"] == k for r in recs))
        lines.append(f"- **Records:** {len(recs)} ({counts})")
        files = [f"`{r['kind']}/{r['id']}.toml`" for r in recs]
        prefixes = sorted({r["id"].split("-")[0] for r in recs})
        if len(recs) > 12 and len(prefixes) == 1:
            lines.append(f"- **Files:** `{recs[0]['kind']}/{prefixes[0]}-*.toml`" + (
                " (and some other files of the same folder: see below)" if False else ""))
        else:
            lines.append("- **Files:** " + ", ".join(files))
        skipped = cat.skipped.get(key) or []
        if key == "corpus-datasets" or key == "demo-ferments":
            skipped = []
        if skipped:
            lines.append(f"- **Skipped ({len(skipped)}):**")
            for why in skipped:
                lines.append(f"  - {why}")
    lines += [
        "",
        "## Not used",
        "",
        "- `seeds-varieties/openfruit-cultivars/`: no licence stated; never shipped.",
        "- `science-methods/oai-pmh/`: the Erasmus University records are working papers and theses (not methods) without a",
        "  free licence; the sickle fixtures are anonymised protocol samples.",
        "- `spdx-license-list/`: used by the script to check that every licence id exists and is not deprecated; described",
        "  as a dataset record.",
        "- Openverse fixtures other than those above (Brooklyn Museum: licence of the photograph, not of the designed",
        "  object; Flickr: mostly NC-ND; Finna, NYPL, Science Museum, Museums Victoria, rawpixel, phylopic, thingiverse:",
        "  not needed for the demo).",
        "- `paris/lutece-software/`: the DansMaRue Android and iOS apps (no licence stated: never certified, no record) and",
        "  the other repositories of the code.gouv.fr inventory (licence not checked).",
        "- `paris/trees/`: the photographs linked from the remarkable trees file (licence not stated).",
        "- `paris/openfisca-paris-rules/`: the legal texts the rules cite (official acts, licence not stated; not in the",
        "  corpus); the Python sources are linked at their commit, not copied.",
        "- Paris Musées collections: no export with a free licence was found (see `paris/SOURCE.md`); no Paris artwork is",
        "  in the catalogue.",
        "",
    ]
    (out / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

BUILDERS = [
    "build_sill",
    "build_publiccode",
    "build_lutece",
    "build_openfisca_paris",
    "build_tate",
    "build_cleveland",
    "build_met",
    "build_europeana",
    "build_wikimedia",
    "build_smk",
    "build_protocols",
    "build_datacite_methods",
    "build_evian",
    "build_geo_dcat",
    "build_rpg",
    "build_datagouv",
    "build_source_datasets",
    "build_paris_trees",
    "build_paris_libraries",
    "build_paris_culture",
    "build_paris_sources",
    "build_seed_lots",
    "build_ferments",
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
