"""Validates /catalog.ttl and /catalog.jsonld with pySHACL against the
DCAT-AP 3.0.1 shapes; fails on any sh:Violation. Called by run.sh."""

import sys
import urllib.request

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

base, shapes_file = sys.argv[1], sys.argv[2]
shapes = Graph().parse(shapes_file, format="turtle")
counts = {}
for path, fmt, accept in (("/catalog.ttl", "turtle", None), ("/catalog.jsonld", "json-ld", None),
                          ("/catalog", "json-ld", "application/ld+json"), ("/catalog", "turtle", "text/turtle")):
    req = urllib.request.Request(base + path, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req) as r:
        body = r.read()
    data = Graph().parse(data=body, format=fmt)
    datasets = len(list(data.subjects(RDF.type, DCAT.Dataset)))
    catalogs = len(list(data.subjects(RDF.type, DCAT.Catalog)))
    if catalogs != 1 or datasets == 0:
        sys.exit(f"{path}: {catalogs} catalogues, {datasets} datasets")
    _, report, text = validate(data, shacl_graph=shapes, inference="none")
    violations = len(list(report.subjects(SH.resultSeverity, SH.Violation)))
    key = f"{path} ({fmt})"
    counts[key] = violations
    print(f"DCAT-AP {key}: {len(data)} triples, {datasets} datasets, SHACL violations: {violations}")
    if violations:
        print(text)
        sys.exit(1)
# The two serialisations are one graph.
a = Graph().parse(data=urllib.request.urlopen(base + "/catalog.ttl").read(), format="turtle")
b = Graph().parse(data=urllib.request.urlopen(base + "/catalog.jsonld").read(), format="json-ld")
if set(a) != set(b):
    sys.exit("the Turtle and the JSON-LD differ")
print("DCAT-AP: Turtle and JSON-LD hold the same triples")
