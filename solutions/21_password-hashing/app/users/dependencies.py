"""Dependencies of the users routes."""

from typing import Annotated

from fastapi import Depends, Request

from app.users.security import Passwords


def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.state.passwords
    return passwords


PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
