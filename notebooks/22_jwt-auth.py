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
# # Lesson 22 · Authenticate with short-lived JWTs and rotating refresh tokens
#
# A JWT's header and payload are plain base64url: anyone can read them, and anyone can write
# new ones. Here we take a real token from each service and forge variants of it the way an
# attacker would, then present each at `GET /users/me`.

# %%
import base64
import json
import time
import warnings

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from workbook.notebook_app import open_app

# The starter signs with a short key written in its code; PyJWT warns about it. Quiet here.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
ENV = {"APP_JWT_SECRET_KEY": "notebook-signing-key-" + "0123456789abcdef" * 4,
       "APP_ARGON2_TIME_COST": "1", "APP_ARGON2_MEMORY_COST": "1024",
       "APP_ARGON2_PARALLELISM": "1"}


def b64url(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def read(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return unb64url(header), unb64url(payload), signature


def forgeries(token: str, other_user: str) -> dict[str, str]:
    header, payload, signature = read(token)
    now = int(time.time())
    return {
        "genuine token": token,
        "alg: none, no signature": f"{b64url({**header, 'alg': 'none'})}.{b64url(payload)}.",
        "signed with a guessed key": jwt.encode(payload, "guessed-key-guessed-key-guessed-key"),
        "sub changed, signature kept": f"{b64url(header)}.{b64url({**payload, 'sub': other_user})}"
        f".{signature}",
        "expired 10 minutes ago": jwt.encode({**payload, "exp": now - 600},
                                             ENV["APP_JWT_SECRET_KEY"]),
        "right key, HS512": jwt.encode(payload, ENV["APP_JWT_SECRET_KEY"], algorithm="HS512"),
    }


async def log_in(client, username: str) -> dict:
    await client.post("/users", json={"username": username, "password": "hunter2-hunter2"})
    form = {"username": username, "password": "hunter2-hunter2"}
    return (await client.post("/auth/token", data=form)).json()


results: dict[str, dict[str, str]] = {}
for which in ("starter", "solution"):
    async with open_app("22", which, env=ENV) as client:
        ada, grace = await log_in(client, "ada"), await log_in(client, "grace")
        grace_id = read(grace["access_token"])[1]["sub"]
        for attack, token in forgeries(ada["access_token"], grace_id).items():
            response = await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
            challenge = response.headers.get("www-authenticate", "-")
            who = response.json().get("username", "") if response.is_success else ""
            results.setdefault(attack, {})[which] = f"{response.status_code} {who or challenge}"

print(f"{'token presented':<30} {'starter':<16} solution")
for attack, outcome in results.items():
    print(f"{attack:<30} {outcome['starter']:<16} {outcome['solution']}")

# %% [markdown]
# The starter trusted every forgery; for "sub changed" it even answered as the other user.
# The solution accepts only the genuine token and refuses the rest with a `Bearer` challenge.
#
# ## Rotation: a refresh token works once
#
# A refresh gives a new pair and uses the old refresh token up. When a used one is presented
# again, the service cannot tell the thief from the user, so it revokes the whole family.

# %%
async with open_app("22", "solution", env=ENV) as client:
    first = (await log_in(client, "ada"))["refresh_token"]
    rotated = await client.post("/auth/refresh", json={"refresh_token": first})
    second = rotated.json()["refresh_token"]
    replayed = await client.post("/auth/refresh", json={"refresh_token": first})
    after_replay = await client.post("/auth/refresh", json={"refresh_token": second})
print("first refresh:                ", rotated.status_code)
print("old token replayed:           ", replayed.status_code, replayed.json()["detail"])
print("newest token after the replay:", after_replay.status_code)
