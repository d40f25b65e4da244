# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 28 · Safe HTML and static files
#
# The same attacks, sent to the starter and to the solution: a stored `<script>` title, an
# `<img onerror>` description, a `javascript:` link, a title that tries to leave its
# attribute; then the static route, asked for its own file, revalidated, and asked for files
# outside its folder.

# %%
from html.parser import HTMLParser

from workbook.notebook_app import open_app


class Elements(HTMLParser):
    def __init__(self, markup):
        super().__init__()
        self.found = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}=")
            if name == "href" and (value or "").lower().startswith("javascript:"):
                self.found.append("href=javascript:")


ATTACKS = {
    "script title": {"title": "<script>alert(1)</script>"},
    "img onerror": {"title": "t", "description": "<img src=x onerror=alert(2)>"},
    "javascript: link": {"title": "t", "link": "javascript:alert(3)"},
    "attribute breakout": {"title": '" onmouseover="alert(4)" x="'},
}

for which in ("starter", "solution"):
    print(which)
    async with open_app("28", which) as client:
        for name, task in ATTACKS.items():
            created = await client.post("/tasks", json=task)
            if created.status_code != 201:
                print(f"  {name:<19} refused with {created.status_code}")
                continue
            page = await client.get(f"/tasks/{created.json()['id']}/page")
            found = sorted(set(Elements(page.text).found))
            print(f"  {name:<19} page holds: {', '.join(found) or 'nothing injected'}")
        policy = (await client.get("/board")).headers.get("Content-Security-Policy")
        print(f"  Content-Security-Policy on the board: {'yes' if policy else 'no'}")

# %% [markdown]
# The stylesheet: its caching headers, a revalidation with its ETag, and three attempts to
# leave the static folder.

# %%
for which in ("starter", "solution"):
    print(which)
    async with open_app("28", which) as client:
        first = await client.get("/static/board.css")
        print(f"  Cache-Control: {first.headers.get('Cache-Control')}")
        print(f"  ETag sent: {'ETag' in first.headers}")
        again = await client.get(
            "/static/board.css", headers={"If-None-Match": first.headers.get("ETag", "")}
        )
        print(f"  revalidation: {again.status_code}, {len(again.content)} bytes")
        for path in ("/static/%2e%2e/main.py", "/static/..%2fmain.py", "/static//etc/passwd"):
            response = await client.get(path)
            print(f"  {path:<24} {response.status_code}")
