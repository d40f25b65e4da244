"""The mapped classes' base. No FastAPI here: the repository (and so the service) imports it."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
