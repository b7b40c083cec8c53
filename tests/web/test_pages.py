import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.web.app import STATIC_DIR
from tests.factories import csrf, make_named

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def agencies(session: Session) -> None:
    make_named(session)


def test_home_shows_counts_per_level(client: TestClient, agencies: None) -> None:
    page = client.get("/", headers=ZH)
    assert page.status_code == 200
    assert "省级公安机关" in page.text
    assert '<html lang="zh-CN">' in page.text


def test_tree_opens_the_ministry_and_lazy_loads_below(client: TestClient, agencies: None) -> None:
    page = client.get("/agencies", headers=ZH)
    assert page.status_code == 200
    assert "机构树" in page.text
    assert 'data-code="310000"' in page.text  # first level below the Ministry is open
    assert 'hx-get="/agencies/310000/children"' in page.text
    partial = client.get("/agencies/310000/children", headers={"HX-Request": "true"})
    assert 'data-code="310115"' in partial.text
    assert "<html" not in partial.text


def test_agency_page_in_both_languages(client: TestClient, agencies: None) -> None:
    zh = client.get("/agencies/310115-001", headers=ZH)
    assert zh.status_code == 200
    assert "陆家嘴派出所" in zh.text
    assert "上级机关" in zh.text
    assert re.search(r"导航路径.*上海市公安局.*上海市公安局浦东分局", zh.text, re.S)
    en = client.get("/agencies/310115-001", headers={"Accept-Language": "en"})
    assert "Lujiazui Police Station" in en.text
    assert "Reports to" in en.text


def test_unknown_agency_page_is_a_friendly_404(client: TestClient, agencies: None) -> None:
    page = client.get("/agencies/999999", headers=ZH)
    assert page.status_code == 404
    assert "未找到" in page.text
    assert "text/html" in page.headers["content-type"]


def test_find_live_results_and_exact_code_redirect(client: TestClient, agencies: None) -> None:
    live = client.get("/agencies/find", params={"q": "杭州"}, headers={"HX-Request": "true"})
    assert "330100" in live.text
    assert "<html" not in live.text
    none = client.get(
        "/agencies/find", params={"q": "nowhere"}, headers={"HX-Request": "true", **ZH}
    )
    assert "没有与“nowhere”匹配的机构" in none.text
    full = client.get("/agencies/find", params={"q": "zhejiang"}, headers=ZH)
    assert full.status_code == 200
    assert "查找机构" in full.text
    jump = client.get("/agencies/find", params={"q": "330100"}, follow_redirects=False)
    assert jump.status_code == 303
    assert jump.headers["location"] == "/agencies/330100"


def test_language_switch_is_remembered(client: TestClient, agencies: None) -> None:
    token = csrf(client)
    switched = client.post(
        "/lang",
        data={"lang": "en", "next": "/agencies", "csrf_token": token},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == "/agencies"
    assert "accord_lang=en" in switched.headers["set-cookie"]
    page = client.get("/agencies", headers=ZH)  # the remembered choice beats the browser's
    assert "Agency tree" in page.text
    htmx = client.post(
        "/lang",
        data={"lang": "zh", "next": "/"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert htmx.headers["HX-Redirect"] == "/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_language_switch_never_leaves_the_site(client: TestClient, target: str) -> None:
    response = client.post(
        "/lang",
        data={"lang": "en", "next": target, "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_unknown_language_is_ignored(client: TestClient) -> None:
    token = csrf(client)
    response = client.post(
        "/lang", data={"lang": "xx", "next": "/", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert "set-cookie" not in response.headers


def test_a_form_post_without_its_csrf_token_is_refused(client: TestClient) -> None:
    csrf(client)
    for data in ({"lang": "en"}, {"lang": "en", "csrf_token": "forged"}):
        response = client.post("/lang", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "accord_lang" not in response.headers.get("set-cookie", "")


def test_a_mangled_cookie_does_not_break_the_page(client: TestClient, agencies: None) -> None:
    response = client.get("/", headers={"Cookie": 'accord_lang="; bad'})
    assert response.status_code == 200


def test_health_and_readiness(client: TestClient, engine: object) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"


def test_readiness_fails_without_a_database() -> None:
    from accord.core.db import make_engine
    from accord.web.app import create_app

    app = create_app(engine=make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


def test_api_docs_are_served_from_local_assets(client: TestClient) -> None:
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200


def test_no_page_or_template_loads_anything_from_another_host() -> None:
    src = Path(__file__).resolve().parents[2] / "src" / "accord"
    for template in src.rglob("templates/**/*.html"):
        text = template.read_text("utf-8")
        assert not re.search(r'(?:src|href)="(?:https?:)?//', text), template
    assert (STATIC_DIR / "vendor" / "htmx-2.0.11.min.js").exists()
