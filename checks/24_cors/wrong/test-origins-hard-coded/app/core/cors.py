"""CORS: which other origins' pages may call this API from a browser, and how."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import Settings

# Exactly what the API uses: its routes' methods and the request headers its clients send.
ALLOWED_METHODS = ["GET", "POST", "PATCH", "DELETE"]
ALLOWED_HEADERS = ["Authorization", "Content-Type"]


def add_cors(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com", "http://localhost:5173"],
        allow_credentials=True,  # the web app sends its session cookie
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        expose_headers=["Location"],
        max_age=600,  # browsers may cache a preflight answer for 10 minutes
    )
