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
# # Lesson 20 · Dates in UTC, money in Decimal
#
# Book the same four expenses on the starter and on the solution, then read back one time
# and the totals per currency.

# %%
from workbook.notebook_app import open_app

EXPENSES = [
    ("0.10", "EUR", "2025-03-01T12:30:00+02:00"),
    ("0.20", "EUR", "2025-03-01T10:30:00Z"),
    ("123456789012345.67", "USD", "2025-03-01T10:30:00Z"),
    ("0.01", "USD", "2025-03-01T10:30:00Z"),
]

for which in ("starter", "solution"):
    async with open_app("20", which) as client:
        for amount, currency, spent_at in EXPENSES:
            body = {"description": "travel", "amount": amount, "currency": currency,
                    "spent_at": spent_at}
            await client.post("/expenses", json=body)
        first = (await client.get("/expenses")).json()[0]
        totals = (await client.get("/expenses/totals")).json()
    print(f"{which}:")
    print(f"  sent 2025-03-01T12:30:00+02:00, stored and read back as {first['spent_at']}")
    for total in totals:
        print(f"  total {total['currency']}: {total['amount']!r}")

# %% [markdown]
# Why SQLite needs care: its `NUMERIC` column stores a binary float, so a plain SQLAlchemy
# `Numeric` can only round what comes back. Small amounts survive the rounding; large sums do
# not. The solution's `Money` type stores exact integers of thousandths on SQLite instead.

# %%
from decimal import Decimal

from sqlalchemy import Column, MetaData, Numeric, Table, create_engine, func, select

table = Table("plain", MetaData(), Column("amount", Numeric(18, 3)))
engine = create_engine("sqlite://")
table.metadata.create_all(engine)
with engine.begin() as connection:
    connection.execute(table.insert(), [{"amount": Decimal("123456789012345.67")},
                                        {"amount": Decimal("0.01")}])
    stored_as = connection.exec_driver_sql("SELECT typeof(amount) FROM plain").scalar()
    total = connection.execute(select(func.sum(table.c.amount))).scalar()
engine.dispose()
print("SQLite stores a plain Numeric as:", stored_as)
print("SUM of 123456789012345.67 and 0.01:", total)
