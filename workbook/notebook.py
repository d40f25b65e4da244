"""The former name of `workbook.notebook_app`, kept only for the stored notebooks.

The notebooks' sources (`notebooks/*.py`) and their stored `.ipynb` files, outputs included,
import `open_app`, `lesson` and `environment` from here; rebuilding every notebook just to
change that line is not worth it. New notebooks import from `workbook.notebook_app`.
"""

from workbook.notebook_app import environment, lesson, open_app

__all__ = ["environment", "lesson", "open_app"]
