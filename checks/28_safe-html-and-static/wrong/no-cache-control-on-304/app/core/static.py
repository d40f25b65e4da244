"""Static web files: Starlette's StaticFiles (ETag, 304, no path traversal) + Cache-Control."""

import os

from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

# Browsers may reuse a file for an hour, then revalidate it with If-None-Match (a 304).
STATIC_CACHE_CONTROL = "public, max-age=3600"


class CachedStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if response.status_code == 200:
            response.headers["Cache-Control"] = STATIC_CACHE_CONTROL
        return response
