"""Schemathesis hooks for the API contract step (web/tests/api/run.sh).

A proposal's body is the TOML text of a record: the document gives it as a
string of media type application/toml, which Schemathesis then sends as is,
like text/plain.
"""

import schemathesis

schemathesis.serializer.alias("application/toml", "text/plain")
