"""HTML answers, rendered from the templates."""

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"

templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(TEMPLATES_DIR)))
