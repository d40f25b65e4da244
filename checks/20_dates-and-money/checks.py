"""Checks for lesson 20: instants in UTC with a `Z`, money as exact decimals with a currency.

Values are read back through the API after they were stored, so they have made the round
trip through the database: SQLite (which keeps neither offsets nor decimals) and, when
configured, PostgreSQL.
"""

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from workbook.harness import Blocked, Check, check, error_fields, expect, expect_status, json_body

EXPENSE = {
    "description": "train to Lyon",
    "amount": "0.10",
    "currency": "EUR",
    "spent_at": "2025-03-01T10:30:00Z",
}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
# Past 10^14 a float cannot hold a cent exactly, so float arithmetic shows in the sum.
LARGE = "123456789012345.67"


async def book(client: httpx.AsyncClient, **changes: object) -> httpx.Response:
    return await client.post("/expenses", json={**EXPENSE, **changes})


async def booked(client: httpx.AsyncClient, **changes: object) -> dict[str, Any]:
    response = await book(client, **changes)
    expect_status(response, 201, because="a valid expense is booked")
    body: dict[str, Any] = json_body(response)
    return body


async def stored(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/expenses")
    expect_status(response, 200, because="the expenses can be listed")
    expenses: list[dict[str, Any]] = json_body(response)
    return expenses


async def totals(client: httpx.AsyncClient) -> tuple[dict[str, object], httpx.Response]:
    response = await client.get("/expenses/totals")
    expect_status(response, 200, because="the totals can be read")
    body = json_body(response)
    expect(
        isinstance(body, list) and all(isinstance(item, dict) for item in body),
        expected='a list of {"currency": ..., "amount": ...} objects',
        got=body,
        response=response,
    )
    return {str(item.get("currency")): item.get("amount") for item in body}, response


def decimal_of(value: object) -> Decimal | None:
    """The exact decimal a JSON value spells, or None (a float's repr is what it spells)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def without_clock(response: httpx.Response) -> str:
    """The answer as the learner should see it, minus the server's clock (created_at)."""
    text = re.sub(r'"created_at":\s*"[^"]*"', '"created_at": "…"', response.text)
    return f"{response.status_code} {text}"


def expect_answer(response: httpx.Response, status: int, because: str) -> None:
    expect(
        response.status_code == status,
        expected=f"status {status} ({because})",
        got=without_clock(response),
        response=response,
    )


def expect_refused(response: httpx.Response, field: str, because: str) -> None:
    expect_answer(response, 422, because)
    named = error_fields(json_body(response))
    expect(
        field in named,
        expected=f"the 422 to name `{field}`",
        got=f"fields named: {sorted(named) or 'none'}",
        response=response,
    )


async def expect_nothing_stored(client: httpx.AsyncClient, response: httpx.Response) -> None:
    left = await stored(client)
    expect(not left, expected="nothing stored by refused requests", got=left, response=response)


@check("20.3", baseline=True)
async def an_expense_is_booked_and_listed(ctx: Check) -> None:
    """A valid expense is booked (201) and listed back with its amount and currency."""
    async with ctx.client() as client:
        await booked(client)
        expenses = await stored(client)
    expect(len(expenses) == 1, expected="the one expense booked", got=expenses)
    expense = expenses[0]
    expect(
        expense.get("currency") == "EUR" and decimal_of(expense.get("amount")) == Decimal("0.10"),
        expected="EUR 0.10, as booked",
        got=expense,
    )


@check("20.1")
async def instants_are_utc_with_a_z(ctx: Check) -> None:
    """A time sent with +02:00 comes back, from storage too, as the same instant in UTC with Z."""
    sent = "2025-03-01T12:30:00+02:00"
    instant = datetime(2025, 3, 1, 10, 30, tzinfo=UTC)
    async with ctx.client() as client:
        response = await book(client, spent_at=sent)
        expect_status(response, 201, because="an aware datetime is valid input")
        listed = await stored(client)
    for source, expense in (("the create response", json_body(response)), ("the list", listed[0])):
        for field in ("spent_at", "created_at"):
            value = str(expense.get(field))
            expect(
                RFC3339_UTC.match(value) is not None,
                expected=f"`{field}` in {source} as an RFC 3339 UTC string ending in Z "
                f"(on {ctx.backend})",
                got=f"{field}: {value if field == 'spent_at' else re.sub('[0-9]', 'n', value)!r}",
                response=response,
            )
        spent_at = datetime.fromisoformat(str(expense["spent_at"]))
        expect(
            spent_at == instant,
            expected=f"`spent_at` in {source} to be the instant sent ({sent} is 10:30:00Z)",
            got=expense["spent_at"],
            response=response,
        )


@check("20.2")
async def naive_datetimes_are_refused(ctx: Check) -> None:
    """A datetime without an offset gets 422 naming `spent_at`, and nothing is stored."""
    async with ctx.client() as client:
        for naive in ("2025-03-01T10:30:00", "2025-03-01 10:30:00.250"):
            response = await book(client, spent_at=naive)
            expect_refused(response, "spent_at", f"{naive!r} names no time zone: which 10:30?")
        await expect_nothing_stored(client, response)


@check("20.3", baseline=True)
async def a_malformed_amount_is_refused(ctx: Check) -> None:
    """An amount that is not a positive number gets 422 naming `amount`."""
    async with ctx.client() as client:
        for amount in ("ten euros", "-5.00", None):
            response = await book(client, amount=amount)
            expect_refused(response, "amount", f"{amount!r} is not an amount of money")
        await expect_nothing_stored(client, response)


@check("20.3")
async def a_json_number_amount_is_refused(ctx: Check) -> None:
    """An amount sent as any JSON number (0.1, 12, 12.0) gets 422 naming `amount`."""
    async with ctx.client() as client:
        for amount in (0.1, 12, 12.0):
            response = await book(client, amount=amount)
            expect_refused(
                response,
                "amount",
                f'money travels as a string such as "0.10": the JSON number {amount!r} is refused',
            )
        await expect_nothing_stored(client, response)


@check("20.3")
async def amounts_are_exact_decimal_strings(ctx: Check) -> None:
    """Amounts come back, from storage and in the totals too, as strings holding exact values."""
    async with ctx.client() as client:
        created = [await booked(client), await booked(client, amount=LARGE, currency="USD")]
        listed = await stored(client)
        sums, _ = await totals(client)
    summed = [{"amount": sums.get("EUR")}, {"amount": sums.get("USD")}]
    for source, expenses in (
        ("the create responses", created),
        ("the list", listed),
        ("the totals", summed),
    ):
        amounts = [expense.get("amount") for expense in expenses]
        expect(
            all(isinstance(amount, str) for amount in amounts),
            expected=f"amounts in {source} as JSON strings, never numbers",
            got=amounts,
        )
        exact = [decimal_of(amount) for amount in amounts] == [Decimal("0.10"), Decimal(LARGE)]
        expect(
            exact,
            expected=f"{source} to hold 0.10 and {LARGE} exactly ({ctx.backend})",
            got=amounts,
        )


@check("20.4")
async def sums_are_exact(ctx: Check) -> None:
    """EUR 0.10 + 0.20 totals 0.30, and USD 123456789012345.67 + 0.01 totals ...68, exactly."""
    async with ctx.client() as client:
        for amount, currency in (("0.10", "EUR"), ("0.20", "EUR"), (LARGE, "USD"), ("0.01", "USD")):
            await booked(client, amount=amount, currency=currency)
        sums, response = await totals(client)
    wanted = {"EUR": Decimal("0.30"), "USD": Decimal("123456789012345.68")}
    if not all(isinstance(amount, str) for amount in sums.values()):
        raise Blocked("20.3", f"the totals' amounts are JSON numbers, not strings: {sums}")
    got = {currency: decimal_of(amount) for currency, amount in sums.items()}
    expect(
        got == wanted,
        expected=f"exact totals EUR 0.30 and USD 123456789012345.68 (on {ctx.backend})",
        got=sums,
        response=response,
        note="a float column or float arithmetic anywhere on the way loses cents",
    )


@check("20.5")
async def unknown_currencies_are_refused(ctx: Check) -> None:
    """A currency that is not an ISO 4217 code (EURO, ZZZ, 12$) gets 422 naming `currency`."""
    async with ctx.client() as client:
        for currency in ("EURO", "ZZZ", "12$"):
            response = await book(client, currency=currency)
            expect_refused(response, "currency", f"{currency!r} is not an ISO 4217 code")
        await expect_nothing_stored(client, response)


@check("20.5")
async def decimals_beyond_the_currency_are_refused(ctx: Check) -> None:
    """JPY 12.5, EUR 0.105 and KWD 1.0005 get 422; JPY 1200, EUR 12.5 and KWD 1.005 are fine."""
    async with ctx.client() as client:
        for amount, currency, digits in (
            ("12.5", "JPY", 0),
            ("0.105", "EUR", 2),
            ("1.0005", "KWD", 3),
        ):
            response = await book(client, amount=amount, currency=currency)
            expect_answer(
                response, 422, f"{currency} has {digits} decimal place(s), {amount} has more"
            )
        await expect_nothing_stored(client, response)
        for amount, currency in (("1200", "JPY"), ("12.5", "EUR"), ("1.005", "KWD")):
            await booked(client, amount=amount, currency=currency)


@check("20.5", baseline=True)
async def totals_are_kept_per_currency(ctx: Check) -> None:
    """Amounts in different currencies are never added together: one total per currency."""
    async with ctx.client() as client:
        for amount, currency in (("0.10", "EUR"), ("0.20", "USD"), ("1200", "JPY")):
            await booked(client, amount=amount, currency=currency)
        sums, response = await totals(client)
    got = {currency: decimal_of(amount) for currency, amount in sums.items()}
    wanted = {"EUR": Decimal("0.10"), "USD": Decimal("0.20"), "JPY": Decimal("1200")}
    expect(
        got == wanted,
        expected="one total per currency: EUR 0.10, USD 0.20, JPY 1200",
        got=sums,
        response=response,
    )
