"""The OpenAPI document tells the truth: Schemathesis generates requests from it (bounded, against
the app served on loopback) and checks every response against it: status codes and bodies as
declared, typed parameters, enums, the error bodies, Allow on 405."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web_fixtures import build_archive, served


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The web app over the test archive (three documents, bulletins), members' token unset."""
    from web import create_app

    archive, _ = build_archive(tmp_path_factory.mktemp("openapi") / "archive")
    yield create_app(archive.settings, member_token="")
    archive.close()


def test_every_response_is_what_the_schema_says(app) -> None:  # noqa: ANN001
    with served(app) as url:
        schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 6
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def conforms(case) -> None:  # noqa: ANN001
                case.call_and_validate(headers={"Origin": url})  # a client of this site (others' POSTs get 403)

            conforms()


def test_the_schema_types_and_bounds_the_parameters(app) -> None:  # noqa: ANN001
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        document = client.get("/openapi.json").json()
        search = {p["name"]: p["schema"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
        assert search["limit"] == {"type": "integer", "maximum": 100, "minimum": 1, "default": 10, "title": "Limit",
                                   "description": "documents per page"}
        assert search["year_from"]["anyOf"][0]["type"] == "integer"
        assert document["components"]["schemas"]["Kind"]["enum"] == ["history", "bulletin", "resolution", "other"]
        assert document["components"]["schemas"]["Access"]["enum"] == ["public", "internal"]
        for path in ("/api/search", "/api/documents/{doc_id}"):
            responses = document["paths"][path]["get"]["responses"]
            assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
            assert "404" in responses
        refused = client.delete("/api/documents", headers={"Origin": "http://testserver"})  # same site: not CSRF
        assert refused.status_code == 405 and refused.headers["allow"] == "GET"
        assert refused.json() == {"error": "Trang này không nhận kiểu yêu cầu đó", "status": 405}
