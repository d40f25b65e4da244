"""Checks for lesson 23: roles as dependencies, ownership in the query (no IDOR).

Two real users sign up and log in. The routes to attack come from the app's own OpenAPI
document: every operation with an id in its path is tried by grace with ada's ids (read,
update, delete, comment), with a body built from the operation's request schema so that
validation lets it through; every list is asked, through each `*_id` query parameter, for
ada's objects. Afterwards ada's objects are read back to prove nothing changed. Routes under
`/admin` are tried by a member, who must get 403, and by the configured administrator.
"""

from dataclasses import dataclass
from typing import Any

import httpx
import jwt as pyjwt

from workbook.harness import Check, check, describe_response, expect, json_body

PASSWORD = "Tr0mbone-Ästhetik-42"
ADMIN = "root-admin"
ADMIN_PASSWORD = "Adm1n-Pässword-for-checks"
GRADING = {
    "APP_JWT_SECRET_KEY": "workbook-23-signing-key-for-the-checks-only-0123456789abcdef",
    "APP_ADMIN_USERNAME": ADMIN,
    "APP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    "APP_ARGON2_TIME_COST": "1",
    "APP_ARGON2_MEMORY_COST": "1024",
    "APP_ARGON2_PARALLELISM": "1",
}
ADA_TITLE = "ada's plan: the analytical engine 🗝"
ADA_COMMENT = "ada's note: bernoulli numbers"
GRACE_WRITES = "grace was here"
METHODS = ("get", "put", "patch", "post", "delete")
# The ids the checks know, by path parameter name (anything ending in these is matched).
KNOWN_PARAMETERS = ("task_id", "comment_id", "user_id")


def configure(ctx: Check) -> None:
    for name, value in GRADING.items():
        ctx.setenv(name, value)


@dataclass
class User:
    id: int
    headers: dict[str, str]


@dataclass
class World:
    ada: User
    grace: User
    ids: dict[str, int]  # ada's ids by parameter name
    schema: dict[str, Any]


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post("/auth/token", data={"username": username, "password": password})
    expect(response.status_code == 200, expected=f"200 and a token for {username} from POST "
           "/auth/token", got=response, response=shown(response))
    return {"Authorization": f"Bearer {json_body(response)['access_token']}"}


async def sign_up(client: httpx.AsyncClient, username: str, **extra: object) -> httpx.Response:
    return await client.post(
        "/users", json={"username": username, "password": PASSWORD, **extra}
    )


async def member(client: httpx.AsyncClient, username: str) -> User:
    response = await sign_up(client, username)
    expect(response.status_code == 201, expected="201 for a valid sign-up", got=response,
           response=response)
    return User(int(json_body(response)["id"]), await log_in(client, username, PASSWORD))


async def create(
    client: httpx.AsyncClient, user: User, path: str, body: dict[str, object]
) -> int:
    response = await client.post(path, json=body, headers=user.headers)
    expect(response.status_code == 201, expected=f"201 from POST {path}", got=response,
           response=response)
    return int(json_body(response)["id"])


async def world(client: httpx.AsyncClient) -> World:
    """ada with a task and a comment, grace with a task of her own."""
    ada, grace = await member(client, "ada"), await member(client, "grace")
    task_id = await create(client, ada, "/tasks", {"title": ADA_TITLE})
    comment_id = await create(client, ada, f"/tasks/{task_id}/comments", {"body": ADA_COMMENT})
    await create(client, grace, "/tasks", {"title": "grace's compiler"})
    schema = json_body(await client.get("/openapi.json"))
    ids = {"task_id": task_id, "comment_id": comment_id, "user_id": ada.id}
    return World(ada, grace, ids, schema)


# ---------------------------------------------------------------- the OpenAPI document


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation: dict[str, Any]

    @property
    def parameters(self) -> list[str]:
        return [part[1:-1] for part in self.template.split("/") if part.startswith("{")]

    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for template, item in schema.get("paths", {}).items():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found.append(Operation(method, template, item[method]))
    return found


def known_id(name: str, ids: dict[str, int]) -> int | None:
    for known in KNOWN_PARAMETERS:
        if name == known or name.endswith("_" + known) or (name == "id" and known == "task_id"):
            return ids[known]
    return None


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema.get("components", {}).get("schemas", {}).get(name, {})
    return node


def sample(schema: dict[str, Any], node: dict[str, Any]) -> object:
    """A value the schema accepts, made of grace's words."""
    node = resolve(schema, node)
    for option in node.get("anyOf", []) + node.get("oneOf", []):
        if resolve(schema, option).get("type") != "null":
            return sample(schema, option)
    kind = node.get("type")
    if "enum" in node:
        return node["enum"][0]
    if kind == "string":
        return GRACE_WRITES[: node.get("maxLength", len(GRACE_WRITES))]
    if kind in ("integer", "number"):
        return node.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object" or "properties" in node:
        properties = node.get("properties", {})
        return {name: sample(schema, value) for name, value in properties.items()}
    return GRACE_WRITES


def request_body(schema: dict[str, Any], operation: dict[str, Any]) -> object | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return sample(schema, content["application/json"].get("schema", {}))


def shown(response: httpx.Response) -> httpx.Response:
    """The response, its request's bearer token masked: tokens differ on every run."""
    request = response.request
    headers = {
        name: "Bearer <token>" if name.lower() == "authorization" else value
        for name, value in request.headers.items()
    }
    masked = httpx.Request(request.method, request.url, headers=headers, content=request.content)
    return httpx.Response(
        response.status_code, headers=response.headers, content=response.content,
        request=masked,
    )


def leaked(response: httpx.Response) -> bool:
    return ADA_TITLE in response.text or ADA_COMMENT in response.text


# ---------------------------------------------------------------- 23.1


@check("23.1", baseline=True)
async def owners_work_with_their_own_tasks(ctx: Check) -> None:
    """ada reads, updates, comments on, lists and deletes her own task."""
    configure(ctx)
    async with ctx.client() as client:
        ada = await member(client, "ada")
        task_id = await create(client, ada, "/tasks", {"title": ADA_TITLE})
        await create(client, ada, f"/tasks/{task_id}/comments", {"body": ADA_COMMENT})
        for response in (
            await client.get(f"/tasks/{task_id}", headers=ada.headers),
            await client.patch(f"/tasks/{task_id}", json={"is_done": True}, headers=ada.headers),
            await client.get(f"/tasks/{task_id}/comments", headers=ada.headers),
            await client.get("/tasks", headers=ada.headers),
        ):
            expect(response.status_code == 200 and leaked(response),
                   expected="200 with ada's own task", got=response, response=shown(response))
        deleted = await client.delete(f"/tasks/{task_id}", headers=ada.headers)
    expect(deleted.status_code in (200, 204), expected="ada deletes her task (204)",
           got=deleted, response=shown(deleted))


@check("23.1")
async def another_users_object_is_not_found(ctx: Check) -> None:
    """Every route with an id in its path, tried by grace with ada's id, answers 404."""
    configure(ctx)
    async with ctx.client() as client:
        state = await world(client)
        tried = []
        for operation in operations(state.schema):
            if operation.template.startswith("/admin") or not operation.parameters:
                continue
            values = {name: known_id(name, state.ids) for name in operation.parameters}
            if None in values.values():
                continue  # an id the checks cannot make: see the README
            path = operation.template.format(**values)
            body = request_body(state.schema, operation.operation)
            response = await client.request(
                operation.method.upper(), path, json=body, headers=state.grace.headers
            )
            tried.append(operation.label())
            expect(
                response.status_code == 404 and not leaked(response),
                expected=f"404 for {operation.label()} with ada's id, sent by grace: another "
                "user's object does not exist for her",
                got=response,
                response=shown(response),
                note="403 would tell grace that the id exists; look the object up with the "
                "owner in the query" if response.status_code == 403 else "",
            )
        expect(bool(tried), expected="routes with a {task_id} in /openapi.json", got="none")
        after = await client.get(f"/tasks/{state.ids['task_id']}", headers=state.ada.headers)
        comments = await client.get(
            f"/tasks/{state.ids['task_id']}/comments", headers=state.ada.headers
        )
    expect(
        after.status_code == 200 and ADA_TITLE in after.text and ADA_COMMENT in comments.text
        and GRACE_WRITES not in after.text + comments.text,
        expected="ada's task and comment unchanged after grace's attempts",
        got=f"{describe_response(after)}\n{describe_response(comments)}",
        response=shown(after),
    )


@check("23.1")
async def lists_never_show_another_users_objects(ctx: Check) -> None:
    """Every list, each query parameter set to ada's ids, shows grace none of ada's data."""
    configure(ctx)
    async with ctx.client() as client:
        state = await world(client)
        for operation in operations(state.schema):
            if operation.method != "get" or operation.parameters:
                continue
            if operation.template.startswith("/admin") or operation.template.startswith("/open"):
                continue
            filters = [
                parameter for parameter in operation.operation.get("parameters", [])
                if parameter.get("in") == "query"
            ]
            queries: list[dict[str, int | str]] = [{}]
            for parameter in filters:
                # Every query parameter, whatever its name (`owner`, `user`, `author_id`...),
                # is given ada's ids: a renamed owner filter is the same hole.
                name = str(parameter["name"])
                values: list[int | str] = [state.ada.id]
                value = known_id(name, state.ids)
                if value and value != state.ada.id:
                    values.append(value)
                if resolve(state.schema, parameter.get("schema", {})).get("type") == "string":
                    values += ["ada"]
                queries += [{name: value} for value in values]
            for query in queries:
                response = await client.get(
                    operation.template, params=query, headers=state.grace.headers
                )
                expect(
                    not leaked(response) and response.status_code != 403,
                    expected=f"{operation.label()} to show grace only her own objects, "
                    "whatever the filter says (200 without ada's data, or 404)",
                    got=response,
                    response=shown(response),
                )


# ---------------------------------------------------------------- 23.2


@check("23.2", baseline=True)
async def the_administrator_manages_users(ctx: Check) -> None:
    """The configured administrator lists users and deletes one (with their tasks)."""
    configure(ctx)
    async with ctx.client() as client:
        state = await world(client)
        admin = await log_in(client, ADMIN, ADMIN_PASSWORD)
        listed = await client.get("/admin/users", headers=admin)
        expect(listed.status_code == 200 and "grace" in listed.text,
               expected="200 with every user for the administrator", got=listed,
               response=shown(listed))
        deleted = await client.delete(f"/admin/users/{state.grace.id}", headers=admin)
    expect(deleted.status_code in (200, 204), expected="the administrator deletes grace (204)",
           got=deleted, response=shown(deleted))


@check("23.2")
async def a_member_gets_403_on_every_admin_route(ctx: Check) -> None:
    """Every /admin operation in the OpenAPI document answers 403 to a member; nothing changes."""
    configure(ctx)
    async with ctx.client() as client:
        state = await world(client)
        admin_operations = [
            operation for operation in operations(state.schema)
            if operation.template.startswith("/admin")
        ]
        expect(bool(admin_operations), expected="operations under /admin in /openapi.json",
               got="none")
        for operation in admin_operations:
            values = {name: known_id(name, state.ids) or state.ada.id
                      for name in operation.parameters}
            body = request_body(state.schema, operation.operation)
            response = await client.request(
                operation.method.upper(), operation.template.format(**values), json=body,
                headers=state.grace.headers,
            )
            expect(
                response.status_code == 403,
                expected=f"403 for {operation.label()} sent by grace, a member: she is "
                "authenticated, and not allowed",
                got=response,
                response=shown(response),
            )
        admin = await log_in(client, ADMIN, ADMIN_PASSWORD)
        users = await client.get("/admin/users", headers=admin)
    expect("ada" in users.text, expected="ada still there after grace's attempts",
           got=users, response=shown(users))


@check("23.2")
async def signing_up_cannot_grant_a_role(ctx: Check) -> None:
    """A sign-up that asks for the admin role is refused (422, an unknown field)."""
    configure(ctx)
    async with ctx.client() as client:
        attempts: tuple[dict[str, object], ...] = (
            {"role": "admin"}, {"is_admin": True}, {"roles": ["admin"]}
        )
        for number, extra in enumerate(attempts):
            name = f"mallory{number}"
            created = await sign_up(client, name, **extra)
            expect(
                created.status_code == 422,
                expected=f"422 for a sign-up with {extra}: the sign-up schema has no role "
                "field and forbids unknown fields",
                got=created,
                response=created,
                note="a field that is silently ignored today is mass assignment tomorrow, when "
                "someone copies the body into the row; and the client learns nothing of its "
                "mistake" if created.status_code == 201 else "",
            )
            if created.status_code != 201:
                continue
            headers = await log_in(client, name, PASSWORD)
            response = await client.get("/admin/users", headers=headers)
            expect(
                response.status_code == 403,
                expected=f"403 on /admin/users for a user who signed up with {extra}: a role "
                "is granted by an administrator, never chosen in a request",
                got=response,
                response=shown(response),
            )



# Claims a token might carry a role in: none of them may grant one.
ROLE_CLAIMS: dict[str, object] = {
    "role": "admin", "roles": ["admin"], "is_admin": True, "admin": True, "scope": "admin",
}


@check("23.2")
async def a_role_in_the_token_grants_nothing(ctx: Check) -> None:
    """A member's token with the administrator's claims gets 403: the role is read from the DB."""
    configure(ctx)
    async with ctx.client() as client:
        state = await world(client)
        admin = await log_in(client, ADMIN, ADMIN_PASSWORD)
        users = json_body(await client.get("/admin/users", headers=admin))
        admin_ids = [
            user.get("id") for user in users if isinstance(users, list)
            and isinstance(user, dict) and user.get("username") == ADMIN
        ]
        member_token = state.grace.headers["Authorization"].removeprefix("Bearer ")
        header = pyjwt.get_unverified_header(member_token)
        algorithm = str(header.get("alg", ""))
        if not algorithm.startswith("HS") or not admin_ids:
            return  # not a token the checks can sign: nothing to test here
        member_claims = pyjwt.decode(member_token, options={"verify_signature": False})
        admin_claims = pyjwt.decode(
            admin["Authorization"].removeprefix("Bearer "), options={"verify_signature": False}
        )
        # The administrator's token as it stands, but naming grace wherever it names the
        # administrator: what a demoted administrator's token looks like, role claims and all.
        demoted = {
            name: member_claims[name] if value in (admin_ids[0], str(admin_ids[0]))
            and name in member_claims else value
            for name, value in admin_claims.items()
        }
        guessed = {**member_claims, **ROLE_CLAIMS}
        key = GRADING["APP_JWT_SECRET_KEY"]
        for claims, what in (
            (demoted, "the administrator's claims (as a demoted administrator's token has)"),
            (guessed, f"role claims {ROLE_CLAIMS}"),
        ):
            token = pyjwt.encode(claims, key, algorithm=algorithm, headers=header)
            response = await client.get(
                "/admin/users", headers={"Authorization": f"Bearer {token}"}
            )
            expect(
                response.status_code in (401, 403),
                expected=f"403 on /admin/users for grace, a member, with a correctly signed "
                f"token carrying {what}: her role is the one in her database row, read on "
                "each request",
                got=response,
                response=shown(response),
                note="a token says what was true when it was issued: an administrator demoted "
                "since then would keep the role until it expires",
            )
