"""Who gets in and what they see: sign-in, sessions, CSRF, roles, one clinic never another's, the audit."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text, update

from reflection.audit import AuditLog
from reflection.storage.models import StaffSession
from tests.console.conftest import PASSWORD, Seeded, client, csrf_of, sign_in
from web.console.services import ConsoleServices

CONSOLE_PAGES = [
    "/console/",
    "/console/reflections",
    "/console/reflections/1",
    "/console/dashboard",
    "/console/exports",
    "/console/staff",
    "/console/audit",
]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_an_anonymous_request_is_sent_to_the_sign_in_page(console: ConsoleServices, path: str) -> None:
    response = client().get(path)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")
    assert "North" not in response.text


def test_an_anonymous_post_changes_nothing(console: ConsoleServices, seeded: Seeded) -> None:
    response = client().post(f"/console/reflections/{seeded.north_low}/tags", data={"tag": "x", "csrf": "x"})

    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")
    assert console.review.detail("north", seeded.north_low).row.tags == []


def test_signing_in_lands_on_the_list_and_is_audited(console: ConsoleServices, seeded: Seeded) -> None:
    http = sign_in("nora")

    page = http.get("/console/reflections")
    assert page.status_code == 200 and "North Clinic" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["cache-control"] == "no-store"
    cookie = next(cookie for cookie in http.cookies.jar if cookie.name == "console_session")
    assert cookie.path == "/console" and cookie.has_nonstandard_attr("HttpOnly")
    [login] = [entry for entry in AuditLog(console.engine).entries("north") if entry.action == "login"]
    assert login.actor == "nora"


def test_a_wrong_password_is_refused_and_audited_without_the_password(console: ConsoleServices) -> None:
    http = client()
    token = csrf_of(http, "/console/login")

    response = http.post(
        "/console/login", data={"username": "nora", "password": "wrong one!!!!", "csrf": token}
    )

    assert response.status_code == 401 and "match an active account" in response.text
    entries = AuditLog(console.engine).entries("north")  # the account's admins see it
    assert [(entry.actor, entry.action) for entry in entries] == [("nora", "login.failed")]
    assert "wrong one" not in str(entries)


def test_sign_in_is_rate_limited(console: ConsoleServices) -> None:
    http = client()
    for _ in range(5):
        token = csrf_of(http, "/console/login")
        assert (
            http.post(
                "/console/login", data={"username": "nora", "password": "nope", "csrf": token}
            ).status_code
            == 401
        )
    token = csrf_of(http, "/console/login")

    response = http.post("/console/login", data={"username": "nora", "password": PASSWORD, "csrf": token})

    assert response.status_code == 429 and "Too many failed sign-ins" in response.text


def test_the_sign_in_form_needs_its_csrf_token(console: ConsoleServices) -> None:
    http = client()
    http.get("/console/login")

    response = http.post("/console/login", data={"username": "nora", "password": PASSWORD, "csrf": "forged"})

    assert response.status_code == 403
    assert "console_session" not in http.cookies


def test_a_form_without_the_sessions_csrf_token_is_refused(console: ConsoleServices, seeded: Seeded) -> None:
    http = sign_in("nora")
    path = f"/console/reflections/{seeded.north_low}/tags"

    assert http.post(path, data={"tag": "forged"}).status_code == 403
    assert http.post(path, data={"tag": "forged", "csrf": "not-the-token"}).status_code == 403
    assert console.review.detail("north", seeded.north_low).row.tags == []

    other = sign_in("nadia")  # another session's token is not this session's
    assert http.post(path, data={"tag": "forged", "csrf": csrf_of(other)}).status_code == 403
    assert http.post(path, data={"tag": "real", "csrf": csrf_of(http)}).status_code == 303
    assert console.review.detail("north", seeded.north_low).row.tags == ["real"]


def test_one_clinic_never_sees_another_clinics_data(console: ConsoleServices, seeded: Seeded) -> None:
    south = sign_in("sam")

    listing = south.get("/console/reflections")
    assert f"/console/reflections/{seeded.south}" in listing.text
    assert f"/console/reflections/{seeded.north_low}" not in listing.text
    detail = south.get(f"/console/reflections/{seeded.north_low}")
    assert detail.status_code == 404 and "<PERSON>" not in detail.text
    assert (
        south.post(
            f"/console/reflections/{seeded.north_low}/notes", data={"body": "x", "csrf": csrf_of(south)}
        ).status_code
        == 400
    )
    assert "north" not in south.get("/console/staff").text.lower().replace("nothing", "")
    assert "a south clinic message" not in sign_in("nora").get(f"/console/reflections/{seeded.south}").text
    export = south.post("/console/exports", data={"format": "jsonl", "status": "all", "csrf": csrf_of(south)})
    assert "north" not in export.text and "south" in export.text


def test_a_reviewer_cannot_open_admin_pages(console: ConsoleServices) -> None:
    http = sign_in("nora")

    for path in ("/console/staff", "/console/audit", "/console/break-glass"):
        assert http.get(path).status_code == 403, path
    response = http.post(
        "/console/staff", data={"username": "x", "role": "admin", "password": PASSWORD, "csrf": csrf_of(http)}
    )
    assert response.status_code == 403
    assert [account.username for account in console.staff.clinic_staff("north")] == ["nadia", "nell", "nora"]


def test_an_idle_session_ends(console: ConsoleServices) -> None:
    http = sign_in("nora")
    with console.engine.begin() as connection:
        connection.execute(
            update(StaffSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=16))
        )

    response = http.get("/console/reflections")

    assert response.status_code == 303 and response.headers["location"].startswith("/console/login")
    with console.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM staff_sessions")).scalar_one() == 0


def test_pages_sign_out_by_themselves_when_idle(console: ConsoleServices) -> None:
    page = sign_in("nora").get("/console/reflections")
    assert '<meta http-equiv="refresh" content="905;url=/console/login?expired=1">' in page.text


def test_signing_out_ends_the_session(console: ConsoleServices) -> None:
    http = sign_in("nora")
    token = csrf_of(http)

    assert http.post("/console/logout", data={"csrf": token}).status_code == 303
    assert http.get("/console/reflections").status_code == 303


def test_an_admin_manages_their_clinics_staff_and_every_change_is_audited(console: ConsoleServices) -> None:
    http = sign_in("nadia")
    token = csrf_of(http, "/console/staff")

    created = http.post(
        "/console/staff", data={"username": "newbie", "role": "reviewer", "password": PASSWORD, "csrf": token}
    )
    assert created.status_code == 303
    newbie = next(account for account in console.staff.clinic_staff("north") if account.username == "newbie")
    assert newbie.clinic == "north"  # always the admin's own clinic
    assert (
        http.post(f"/console/staff/{newbie.id}", data={"action": "deactivate", "csrf": token}).status_code
        == 303
    )
    sam = next(account for account in console.staff.clinic_staff("south"))
    assert (
        http.post(f"/console/staff/{sam.id}", data={"action": "deactivate", "csrf": token}).status_code == 400
    )
    assert console.staff.get(sam.id).active

    actions = [entry.action for entry in AuditLog(console.engine).entries("north")]
    assert "staff.create" in actions and "staff.deactivate" in actions
    assert console.staff.sign_in("newbie", PASSWORD, "1.2.3.4") is None  # deactivated


def test_the_audit_log_is_append_only_and_exportable_by_an_admin(
    console: ConsoleServices, seeded: Seeded
) -> None:
    http = sign_in("nadia")
    http.get(f"/console/reflections/{seeded.north_low}")

    page = http.get("/console/audit")
    assert "conversation.view" in page.text and f"reflection:{seeded.north_low}" in page.text
    download = http.post("/console/audit/export", data={"csrf": csrf_of(http)})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "conversation.view" in download.text
    with pytest.raises(Exception, match="append-only"), console.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))
    with pytest.raises(Exception, match="append-only"), console.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))
