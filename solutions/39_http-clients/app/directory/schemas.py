"""What the directory answers, validated before the service trusts it."""

from pydantic import BaseModel


class Person(BaseModel):
    login: str
    display_name: str


class Message(BaseModel):
    id: int
    to: str
    text: str
