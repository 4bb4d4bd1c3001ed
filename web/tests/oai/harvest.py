"""Validates /oai answers with xmlschema and harvests them with sickle and
oaipmh-scythe. Called by run.sh: see there."""

import sys
import urllib.parse
import urllib.request

import xmlschema
from lxml import etree
from oaipmh_scythe import Scythe
from sickle import Sickle

NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


def fetch(base, query, post=False):
    data = urllib.parse.urlencode(query).encode()
    if post:
        req = urllib.request.Request(base, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        req = urllib.request.Request(base + "?" + data.decode())
    with urllib.request.urlopen(req) as r:
        assert r.status == 200, r.status
        return r.read()


class Validator:
    def __init__(self, driver):
        self.schema = xmlschema.XMLSchema(driver)
        self.passed = 0

    def check(self, base, query, expect_error=None, post=False):
        body = fetch(base, query, post)
        doc = etree.fromstring(body)
        errors = list(self.schema.iter_errors(doc))
        if errors:
            sys.exit(f"{query}: invalid against the OAI-PMH schemas: {errors[0]}")
        codes = [e.get("code") for e in doc.findall("o:error", NS)]
        if expect_error is None and codes:
            sys.exit(f"{query}: unexpected error {codes}")
        if expect_error is not None and codes != [expect_error]:
            sys.exit(f"{query}: expected {expect_error}, got {codes}")
        self.passed += 1
        return doc


def validate_all(v, base):
    first = v.check(base, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    ident = first.find(".//o:header/o:identifier", NS).text
    token = first.find(".//o:resumptionToken", NS).text
    ok = [
        {"verb": "Identify"},
        {"verb": "ListMetadataFormats"},
        {"verb": "ListMetadataFormats", "identifier": ident},
        {"verb": "ListSets"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "dataset"},
        {"verb": "ListIdentifiers", "resumptionToken": token},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2000-01-01", "until": "2999-12-31"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ident},
    ]
    for q in ok:
        v.check(base, q)
        v.check(base, q, post=True)
    # Every page of ListRecords, through the tokens.
    q = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    while True:
        doc = v.check(base, q)
        t = doc.find(".//o:resumptionToken", NS)
        if t is None or not t.text:
            break
        q = {"verb": "ListRecords", "resumptionToken": t.text}
    bad = [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "hier"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "00ff00ff00ff"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x.org:software/nope"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "1990-01-01"}, "noRecordsMatch"),
    ]
    for q, code in bad:
        v.check(base, q, expect_error=code)


def harvest(base, **args):
    """(sickle records, scythe records): lists of (identifier, deleted)."""
    s = Sickle(base, max_retries=1)
    got_sickle = []
    try:
        for r in s.ListRecords(metadataPrefix="oai_dc", **args):
            got_sickle.append((r.header.identifier, r.header.deleted))
    except Exception as e:  # sickle raises NoRecordsMatch for an empty list
        if type(e).__name__ != "NoRecordsMatch":
            raise
    got_scythe = []
    scythe_args = {("from_" if k == "from" else k): v for k, v in args.items()}
    with Scythe(base) as sc:
        try:
            for r in sc.list_records(metadata_prefix="oai_dc", **scythe_args):
                got_scythe.append((r.header.identifier, r.header.deleted))
        except Exception as e:
            if type(e).__name__ != "NoRecordsMatch":
                raise
    return got_sickle, got_scythe


def main():
    mode, base, driver, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    v = Validator(driver)
    validate_all(v, base)
    if mode == "full":
        a, b = harvest(base)
        for name, got in (("sickle", a), ("oaipmh-scythe", b)):
            ids = {i for i, _ in got}
            if len(got) != size or len(ids) != size:
                sys.exit(f"{name}: harvested {len(got)} records ({len(ids)} distinct), the catalogue has {size}")
            print(f"OAI records harvested by {name}: {len(got)} of {size}")
    else:
        since, changed, withdrawn = sys.argv[5], sys.argv[6], sys.argv[7]
        a, b = harvest(base, **{"from": since})
        for name, got in (("sickle", a), ("oaipmh-scythe", b)):
            found = {i.split(":", 2)[2]: d for i, d in got}
            if found != {changed: False, withdrawn: True}:
                sys.exit(f"{name}: incremental harvest from {since} got {found}")
            print(f"OAI incremental harvest by {name}: {len(got)} records (1 changed, 1 deleted)")
        a, b = harvest(base)
        for name, got in (("sickle", a), ("oaipmh-scythe", b)):
            deleted = sum(1 for _, d in got if d)
            if len(got) != size or deleted != 1:
                sys.exit(f"{name}: full harvest after the changes got {len(got)} records, {deleted} deleted")
            print(f"OAI records harvested by {name} after the changes: {len(got)} ({deleted} deleted)")
    print(f"xmlschema validations passed ({mode}): {v.passed}")


main()
