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
from sohoa.errors import BadArgsError, IndexDamagedError, NotFoundError, SohoaError
from sohoa.settings import Settings
from web.access import is_member
from web.head import HeadAsGet
from web.params import label
from web.sessions import same_origin
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
STATUS = {NotFoundError: 404, BadArgsError: 400, IndexDamagedError: 503}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MESSAGES = {404: "Không tìm thấy trang này", 405: "Trang này không nhận kiểu yêu cầu đó",
            413: "Yêu cầu quá lớn", 429: "Quá nhiều yêu cầu, hãy thử lại sau ít phút"}


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
    async def from_this_site(request: Request, call_next):  # noqa: ANN001, ANN202
        # A form posted from another site (CSRF) is refused before any route sees it.
        if request.method not in SAFE_METHODS and not same_origin(
                request.headers, request.headers.get("host", ""), site.settings.base_url):
            log.warning("cross-site %s %s refused (Origin %s)", request.method, request.url.path,
                        request.headers.get("origin") or request.headers.get("referer") or "missing")
            return error_response(request, 403, "Yêu cầu không đến từ trang này / cross-site request refused")
        return await call_next(request)

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
        return error_response(request, exc.status_code, MESSAGES.get(exc.status_code, "Yêu cầu không thực hiện được"),
                              exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # Pydantic's English ("Input should be a valid integer") and the code's names stay out.
        first = exc.errors()[0] if exc.errors() else {}
        name = str((first.get("loc") or ("", ""))[-1])
        return error_response(request, 400, f"{label(name)} không hợp lệ: hãy kiểm tra lại địa chỉ hoặc biểu mẫu")

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, "Máy chủ gặp lỗi; hãy thử lại sau")

    from web import api, browse, bulletin_uploads, correct, iiif, listen, members, polls, research, review, uploads

    for module in (research, browse, listen, polls, members, api, review, correct, iiif, uploads, bulletin_uploads):
        app.include_router(module.router)
    app.add_middleware(HeadAsGet)
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
