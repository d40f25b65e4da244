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
# # Evidence · annotations FastAPI reads at run time
#
# Three seed disagreements are about how types are written: `Optional[X]` or `X | None`,
# Pydantic v1's `class Config` / `orm_mode` or v2's `model_config`, and
# `from __future__ import annotations` everywhere or not in FastAPI modules. FastAPI and
# Pydantic read annotations while the app runs, so each choice can be tested.

# %%
import sys
import types
import warnings
from typing import Optional

import httpx
from pydantic import BaseModel


def load(name, source):
    """Run `source` as a fresh module called `name`, as an import would."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


async def post(app, path, body):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://evidence") as client:
        return await client.post(path, json=body)


# %% [markdown]
# ## `Optional[X]` or `X | None`
#
# Both spell the same type: Pydantic builds the same schema and validates the same way. The
# choice is style, and the kit takes the modern spelling (PEP 604), which ruff's `UP` rules
# enforce on every solution.

# %%
class WithOptional(BaseModel):
    due: Optional[int] = None  # noqa: UP045 - the old spelling, on purpose


class WithUnion(BaseModel):
    due: int | None = None


same_schema = (
    WithOptional.model_json_schema()["properties"] == WithUnion.model_json_schema()["properties"]
)
print(f"same JSON schema: {same_schema}")
print(f"same validation:  {WithOptional(due=None).due == WithUnion(due=None).due}")

# %% [markdown]
# ## `class Config` and `orm_mode`, or `model_config`
#
# Pydantic 2 still accepts the v1 spelling, with warnings (the kit's self-test fails a solution
# that warns). Worse, `orm_mode` is only warned about, not translated: the v1 model cannot read
# a row object at all, while the v2 spelling can.

# %%
from pydantic import ConfigDict, ValidationError


class Row:
    """What an ORM hands back: an object with attributes, not a dict."""

    id = 7


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")

    class UserReadV1(BaseModel):
        id: int

        class Config:
            orm_mode = True


class UserReadV2(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int


def reads_a_row(model):
    try:
        return model.model_validate(Row()).id == Row.id
    except ValidationError:
        return False


print("v1 spelling warns:", sorted({w.category.__name__ for w in caught}))
print("v1 model reads a row object:", reads_a_row(UserReadV1))
print("v2 model reads a row object:", reads_a_row(UserReadV2))

# %% [markdown]
# ## `from __future__ import annotations` in a FastAPI module
#
# With the future import every annotation is a string, resolved later from the module's
# globals. A model defined inside an app factory is not a global, so FastAPI cannot resolve
# `payload: TaskCreate`, and quietly treats `payload` as a required *query* parameter: the
# JSON body is never read.

# %%
ROUTES = '''
from fastapi import FastAPI
from pydantic import BaseModel


def create_app() -> FastAPI:
    class TaskCreate(BaseModel):
        title: str

    app = FastAPI()

    @app.post("/tasks")
    async def create_task(payload: TaskCreate) -> dict[str, str]:
        return {"title": payload.title}

    return app
'''

for label, header in (("without the future import", ""),
                      ("with the future import", "from __future__ import annotations\n")):
    module = load(f"evidence_{len(header)}", header + ROUTES)
    response = await post(module.create_app(), "/tasks", {"title": "Write the docs"})
    where = [".".join(map(str, error["loc"])) for error in response.json().get("detail", [])]
    print(f"{label:<27} {response.status_code}  {where or response.json()}")
