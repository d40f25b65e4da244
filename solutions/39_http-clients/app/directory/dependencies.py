"""What the routes need from the directory, taken from the lifespan's state."""

from typing import Annotated

from fastapi import Depends, Request

from app.directory.client import DirectoryClient


def get_directory(request: Request) -> DirectoryClient:
    directory: DirectoryClient = request.state.directory
    return directory


DirectoryDep = Annotated[DirectoryClient, Depends(get_directory)]
