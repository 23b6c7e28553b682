"""The FastAPI application: routes, security headers, and errors as one line, never a traceback."""

from __future__ import annotations

import logging
import os
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sohoa import __version__
from sohoa.errors import BadArgsError, NotFoundError, SohoaError
from sohoa.settings import Settings
from web.access import is_member
from web.site import HERE, Site

log = logging.getLogger("sohoa.web")

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
STATUS = {NotFoundError: 404, BadArgsError: 400}
MESSAGES = {404: "Không tìm thấy trang này / not found", 405: "Phương thức không được phép / method not allowed"}


def create_app(settings: Settings | None = None, member_token: str | None = None) -> FastAPI:
    """The app over one archive; ``member_token`` defaults to ``$SOHOA_MEMBER_TOKEN``."""
    site = Site(settings or Settings.from_env(), member_token if member_token is not None
                else os.environ.get("SOHOA_MEMBER_TOKEN", "").strip())

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        yield
        site.close()

    app = FastAPI(title="sohoa", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Tìm kiếm kho lưu trữ và nghe bản tin / search the archive, listen to bulletins. "
                              "Tài liệu nội bộ chỉ hiện khi có `Authorization: Bearer <token>` thành viên.")
    app.state.site = site
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        response: Response = await call_next(request)
        # How long the app took (until the response started), for browsers' devtools and the bench.
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers.update(SECURITY_HEADERS)
        # What a member sees must not be kept by a shared cache and shown to the next visitor.
        response.headers["Vary"] = "Cookie, Authorization"
        if is_member(request):
            response.headers["Cache-Control"] = "private, no-store"
        return response

    @app.exception_handler(SohoaError)
    async def sohoa_error(request: Request, exc: SohoaError) -> Response:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
        if status == 500:
            log.error("%s: %s", type(exc).__name__, exc)
        return error_response(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # keeps Starlette's headers: a 405 says which methods are allowed (Allow), as HTTP requires
        return error_response(request, exc.status_code, MESSAGES.get(exc.status_code, str(exc.detail)), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return error_response(request, 400, f"tham số '{where}' không hợp lệ / invalid: {first.get('msg', '')}")

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, "Lỗi nội bộ / internal error")

    from web import api, browse, iiif, listen, members, research

    for module in (research, browse, listen, members, api, iiif):
        app.include_router(module.router)
    return app


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    accept = request.headers.get("accept", "")
    if request.url.path.startswith(("/api/", "/iiif/")) or ("json" in accept and "html" not in accept):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    from web.render import render

    response = render(request, "error.html", {"status": status, "message": message}, status_code=status)
    response.headers.update(headers or {})
    return response


def app_from_env() -> FastAPI:
    """The factory `sohoa serve` hands to uvicorn: settings from the environment."""
    return create_app()
