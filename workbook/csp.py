"""Judge a Content-Security-Policy the way a browser reads it (lessons 25 and 28 share it).

A policy stops injected markup from running only when every script directive, or the
directive the browser falls back to, allows no more than the service's own scripts.
"""

import re

import httpx

SAFE_SCRIPT_KEYWORDS = frozenset({"'self'", "'none'", "'strict-dynamic'", "'report-sample'"})
SAFE_SCRIPT_TOKEN = re.compile(r"'(?:nonce|sha256|sha384|sha512)-[^']+'")
# Each script directive and where the browser looks when it is absent.
SCRIPT_DIRECTIVES = {
    "script-src": ("script-src", "default-src"),
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "script-src-attr": ("script-src-attr", "script-src", "default-src"),
}


def directives(policy: str) -> dict[str, list[str]]:
    """Directive -> its sources, lower-cased; a repeated directive is ignored, as browsers do."""
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.strip().lower().split()
        if tokens:
            found.setdefault(tokens[0], tokens[1:])
    return found


def script_problem(response: httpx.Response) -> str:
    """What lets a script the service did not write run on this HTML answer ("" if nothing)."""
    policy = response.headers.get("Content-Security-Policy", "")
    if not policy.strip():
        if response.headers.get("Content-Security-Policy-Report-Only"):
            return (
                "only Content-Security-Policy-Report-Only: the browser reports violations "
                "but runs the injected script anyway"
            )
        return "no Content-Security-Policy header"
    found = directives(policy)
    if "default-src" not in found:
        return f"no default-src in `{policy}`: every kind of content not named is allowed"
    for name, lookup in SCRIPT_DIRECTIVES.items():
        source = next(directive for directive in lookup if directive in found)
        unsafe = [
            token
            for token in found[source]
            if token not in SAFE_SCRIPT_KEYWORDS and not SAFE_SCRIPT_TOKEN.fullmatch(token)
        ]
        if unsafe:
            return (
                f"`{source} {' '.join(found[source])}` (which governs {name}) "
                f"allows {' '.join(unsafe)}: scripts the service did not write run on the page "
                "(inline or injected, or from another host, which anyone who can put a file "
                "there controls)"
            )
    return ""
