"""The console's pages: sign-in, the list of reflections, one reflection, the dashboard, exports, staff
accounts, the audit log and break-glass requests. Thin: the work is done in reflection/ (review, staff,
audit, dashboard, export); every view of a conversation, every export and every change is audited."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from reflection.alliance import FIT_BANDS
from reflection.audit import write_audit_csv
from reflection.dashboard import build_dashboard
from reflection.export import write_csv, write_jsonl
from reflection.fhir_export import write_fhir
from reflection.items import load_item_bank
from reflection.review import IDENTIFIER_TYPES, PAGE_SIZE, ReviewError, ReviewFilters
from reflection.staff import SignedIn, SignInThrottled, StaffError
from reflection.storage.models import MODES, STAFF_ROLES
from reflection.storage.repository import ReflectionStore
from web.console import charts
from web.console.security import (
    HEADERS,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Admin,
    ConsoleRoute,
    Form,
    Refused,
    Services,
    Staff,
    client_address,
    field,
    new_login_token,
    secure_cookies,
    set_session_cookie,
)
from web.console.services import console_lifespan
from web.console.templating import CATEGORY_LABELS, NEXT_STEP_LABELS, render

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"console.css": "text/css"}
EXPORT_FORMATS = {
    "jsonl": ("application/x-ndjson", "jsonl"),
    "csv": ("text/csv", "csv"),
    "fhir": ("application/fhir+json", "json"),
}

router = APIRouter(prefix="/console", route_class=ConsoleRoute, lifespan=console_lifespan)


def _page(request: Request, signed: SignedIn, services: Services, name: str, **context: Any) -> Response:
    clinic = services.clinic(signed.staff.clinic)
    return render(
        request,
        name,
        {
            "staff": signed.staff,
            "csrf": signed.csrf_token,
            "clinic_name": clinic.name if clinic else signed.staff.clinic,
            "break_glass": bool(clinic and clinic.break_glass),
            **context,
        },
    )


def _back(path: str, notice: str | None = None) -> RedirectResponse:
    return RedirectResponse(path + (f"?notice={quote(notice)}" if notice else ""), status_code=303)


# Static assets and the way in


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC_FILES:
        raise Refused(404, "That page does not exist.")
    return FileResponse(
        STATIC / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "max-age=3600"}
    )


@router.get("/")
def home(signed: Staff) -> Response:
    return RedirectResponse("/console/reflections", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "", expired: str = "") -> Response:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next": _safe_next(next), "expired": bool(expired), "error": None},
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/console",
    )
    return response


@router.post("/login")
async def login(request: Request, services: Services) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    username, password = field(form, "username", 200), field(form, "password", 2000)
    next_path = _safe_next(field(form, "next", 500))
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or field(form, "csrf", 100) != cookie:
        raise Refused(403, "The sign-in form expired. Reload the page and sign in again.")

    def again(message: str, status: int) -> Response:
        token = new_login_token()
        response = render(
            request,
            "login.html",
            {
                "login_csrf": token,
                "next": next_path,
                "expired": False,
                "error": message,
                "username": username,
            },
            status=status,
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure_cookies(request),
            path="/console",
        )
        return response

    try:
        signed = services.staff.sign_in(username, password, client_address(request))
    except SignInThrottled as throttled:
        _record_refused_sign_in(services, request, username, "login.throttled")
        return again(str(throttled), 429)
    if signed is None:
        _record_refused_sign_in(services, request, username, "login.failed")
        return again("That username and password don't match an active account.", 401)
    services.audit.record(signed.staff.username, "login", clinic=signed.staff.clinic)
    response = RedirectResponse(next_path or "/console/reflections", status_code=303)
    set_session_cookie(response, request, signed.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(signed: Staff, form: Form, services: Services) -> Response:
    services.staff.sign_out(signed.token)
    services.audit.record(signed.staff.username, "logout", clinic=signed.staff.clinic)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


def _record_refused_sign_in(services: Services, request: Request, username: str, action: str) -> None:
    # Under the account's clinic when the name is one of its accounts; never the password.
    clinic = services.staff.clinic_of(username)
    actor = username.strip().lower()[:64] if clinic else "(unknown account)"
    services.audit.record(actor, action, clinic=clinic, target=f"address:{client_address(request)}")


def _safe_next(value: str) -> str:
    # Only a page of the console itself, never another site.
    return value if value.startswith("/console/") and "//" not in value and "\\" not in value else ""


# The list


@router.get("/reflections")
def reflections(
    request: Request, signed: Staff, services: Services, page: int = 1, notice: str = ""
) -> Response:
    query = {key: value for key, value in request.query_params.items() if key not in ("page", "notice")}
    filters = ReviewFilters.from_query(query)
    rows = services.review.list_reflections(signed.staff.clinic, filters)
    page = max(page, 1)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return _page(
        request,
        signed,
        services,
        "list.html",
        rows=shown,
        total=len(rows),
        page=page,
        pages=max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        filters=filters,
        query=filters.to_query(),
        modes=MODES,
        bands=FIT_BANDS,
        tags=services.review.tags_in_use(signed.staff.clinic),
        next_steps=services.review.next_steps_in_use(signed.staff.clinic) or list(NEXT_STEP_LABELS),
        views=services.review.saved_views(signed.staff.id),
        notice=notice,
    )


@router.post("/views")
def save_view(signed: Staff, form: Form, services: Services) -> Response:
    filters = ReviewFilters.from_query(field(form, "query", 1000))
    try:
        services.review.save_view(signed.staff.id, field(form, "name", 200), filters)
    except ReviewError as error:
        raise Refused(400, str(error)) from None
    services.audit.record(
        signed.staff.username, "view.save", clinic=signed.staff.clinic, query=filters.to_query()
    )
    return RedirectResponse(f"/console/reflections?{filters.to_query()}", status_code=303)


@router.post("/views/{view_id}/delete")
def delete_view(view_id: int, signed: Staff, form: Form, services: Services) -> Response:
    services.review.delete_view(signed.staff.id, view_id)
    services.audit.record(
        signed.staff.username, "view.delete", clinic=signed.staff.clinic, target=f"view:{view_id}"
    )
    return RedirectResponse("/console/reflections", status_code=303)


# One reflection


@router.get("/reflections/{reflection_id}")
def reflection_detail(
    reflection_id: int, request: Request, signed: Staff, services: Services, notice: str = ""
) -> Response:
    detail = services.review.detail(signed.staff.clinic, reflection_id)
    if detail is None:
        # Another clinic's reflection is "not found": staff learn nothing about other clinics.
        raise Refused(404, "There is no such reflection at your clinic.")
    services.audit.record(
        signed.staff.username,
        "conversation.view",
        clinic=signed.staff.clinic,
        target=f"reflection:{reflection_id}",
    )
    grant = services.review.raw_access_grant(signed.staff.clinic, reflection_id, signed.staff.username)
    return _page(
        request,
        signed,
        services,
        "detail.html",
        detail=detail,
        identifier_types=IDENTIFIER_TYPES,
        grant=grant,
        notice=notice,
    )


def _change(
    reflection_id: int,
    signed: SignedIn,
    services: Services,
    action: str,
    change: Callable[[], object],
    notice: str,
    **detail: Any,
) -> Response:
    try:
        change()
    except ReviewError as error:
        raise Refused(400, str(error)) from None
    services.audit.record(
        signed.staff.username,
        action,
        clinic=signed.staff.clinic,
        target=f"reflection:{reflection_id}",
        **detail,
    )
    return _back(f"/console/reflections/{reflection_id}", notice)


@router.post("/reflections/{reflection_id}/tags")
def add_tag(reflection_id: int, signed: Staff, form: Form, services: Services) -> Response:
    tag = field(form, "tag", 200)
    return _change(
        reflection_id,
        signed,
        services,
        "tag.add",
        lambda: services.review.add_tag(signed.staff.clinic, reflection_id, tag, signed.staff.username),
        "Tag added.",
        tag=tag[:40],
    )


@router.post("/reflections/{reflection_id}/tags/delete")
def remove_tag(reflection_id: int, signed: Staff, form: Form, services: Services) -> Response:
    tag = field(form, "tag", 200)
    return _change(
        reflection_id,
        signed,
        services,
        "tag.remove",
        lambda: services.review.remove_tag(signed.staff.clinic, reflection_id, tag),
        "Tag removed.",
        tag=tag[:40],
    )


@router.post("/reflections/{reflection_id}/notes")
def add_note(reflection_id: int, signed: Staff, form: Form, services: Services) -> Response:
    body = field(form, "body", 10000)
    return _change(
        reflection_id,
        signed,
        services,
        "note.add",
        lambda: services.review.add_note(signed.staff.clinic, reflection_id, body, signed.staff.username),
        "Note saved.",
    )


@router.post("/reflections/{reflection_id}/reviewed")
def set_reviewed(reflection_id: int, signed: Staff, form: Form, services: Services) -> Response:
    reviewed = field(form, "reviewed", 10) == "yes"
    return _change(
        reflection_id,
        signed,
        services,
        "review.mark" if reviewed else "review.unmark",
        lambda: services.review.set_reviewed(
            signed.staff.clinic, reflection_id, reviewed, signed.staff.username
        ),
        "Marked as reviewed." if reviewed else "Marked as not reviewed.",
    )


@router.post("/reflections/{reflection_id}/identifier")
def remove_identifier(reflection_id: int, signed: Staff, form: Form, services: Services) -> Response:
    words, kind = field(form, "identifier", 500), field(form, "entity_type", 40)
    changed: list[int] = []
    return _change(
        reflection_id,
        signed,
        services,
        "identifier.remove",
        lambda: changed.append(
            services.review.remove_missed_identifier(
                signed.staff.clinic, reflection_id, words, kind, signed.staff.username
            )
        ),
        "Removed, and kept as a case to improve the anonymizer.",
        entity_type=kind,
        texts_changed=changed,
    )


# Break-glass: raw words, only where the clinic allows it, approved by a second admin, audited


def _break_glass_allowed(signed: SignedIn, services: Services) -> None:
    clinic = services.clinic(signed.staff.clinic)
    if clinic is None or not clinic.break_glass:
        raise Refused(
            403, "Raw words are never shown here: your clinic has not turned on break-glass access."
        )
    if not signed.staff.is_admin:
        raise Refused(403, "Only an admin can ask for break-glass access.")


@router.post("/reflections/{reflection_id}/break-glass")
def request_break_glass(reflection_id: int, signed: Staff, form: Form, services: Services) -> Response:
    _break_glass_allowed(signed, services)
    reason = field(form, "reason", 5000)
    return _change(
        reflection_id,
        signed,
        services,
        "break_glass.request",
        lambda: services.review.request_raw_access(
            signed.staff.clinic, reflection_id, signed.staff.username, reason
        ),
        "Request sent. A second admin must approve it.",
    )


@router.get("/break-glass")
def break_glass_requests(request: Request, signed: Admin, services: Services) -> Response:
    _break_glass_allowed(signed, services)
    requests = services.review.raw_access_requests(signed.staff.clinic)
    return _page(request, signed, services, "break_glass.html", requests=requests)


@router.post("/break-glass/{request_id}/approve")
def approve_break_glass(request_id: int, signed: Admin, form: Form, services: Services) -> Response:
    _break_glass_allowed(signed, services)
    try:
        granted = services.review.approve_raw_access(signed.staff.clinic, request_id, signed.staff.username)
    except ReviewError as error:
        raise Refused(400, str(error)) from None
    services.audit.record(
        signed.staff.username,
        "break_glass.approve",
        clinic=signed.staff.clinic,
        target=f"reflection:{granted.reflection_id}",
        request=request_id,
        requested_by=granted.requested_by,
    )
    return RedirectResponse("/console/break-glass", status_code=303)


@router.get("/reflections/{reflection_id}/raw")
def raw_words(reflection_id: int, request: Request, signed: Admin, services: Services) -> Response:
    _break_glass_allowed(signed, services)
    try:
        raw = services.review.raw_words(signed.staff.clinic, reflection_id, signed.staff.username)
    except ReviewError as error:
        raise Refused(403, str(error)) from None
    services.audit.record(
        signed.staff.username,
        "break_glass.view",
        clinic=signed.staff.clinic,
        target=f"reflection:{reflection_id}",
    )
    return _page(request, signed, services, "raw.html", raw=raw, reflection_id=reflection_id)


# The dashboard


@router.get("/dashboard")
def dashboard(request: Request, signed: Staff, services: Services) -> Response:
    numbers = build_dashboard(services.engine, signed.staff.clinic)
    labels = {item.slot: item.area.capitalize() for item in load_item_bank().items}
    return _page(
        request,
        signed,
        services,
        "dashboard.html",
        numbers=numbers,
        item_chart=charts.item_distribution(numbers.item_distribution, labels),
        steps_chart=charts.horizontal_bars(numbers.next_steps, NEXT_STEP_LABELS, "The mix of next steps"),
        trend_chart=charts.weekly_trend(
            [(week.week, week.reflections, week.mean_fit) for week in numbers.weeks]
        ),
        crisis_chart=charts.crisis_weeks(numbers.crisis_weeks, CATEGORY_LABELS),
        returning_chart=charts.returning_trend(numbers.returning, numbers.returning_mean),
        item_labels=labels,
    )


# Exports


@router.get("/exports")
def exports_page(request: Request, signed: Staff, services: Services) -> Response:
    return _page(request, signed, services, "exports.html", formats=list(EXPORT_FORMATS))


@router.post("/exports")
def download_export(signed: Staff, form: Form, services: Services) -> Response:
    export_format = field(form, "format", 10)
    if export_format not in EXPORT_FORMATS:
        raise Refused(400, "Choose JSON Lines, CSV or FHIR.")
    since_text = field(form, "since", 20)
    try:
        since_day = date.fromisoformat(since_text) if since_text else None
    except ValueError:
        raise Refused(400, "Give the date as YYYY-MM-DD, or leave it empty.") from None
    since = (
        datetime(since_day.year, since_day.month, since_day.day, tzinfo=timezone.utc) if since_day else None
    )
    status = field(form, "status", 20) or "complete"
    if status not in ("complete", "partial", "in_progress", "all"):
        raise Refused(400, "Choose which reflections to export.")
    store = ReflectionStore(services.engine)
    records = store.iter_reflections(
        status=None if status == "all" else status, clinic=signed.staff.clinic, since=since
    )
    writers: dict[str, Callable[[Iterable[Any], TextIO], int]] = {
        "jsonl": write_jsonl,
        "csv": write_csv,
        "fhir": write_fhir,
    }
    output = io.StringIO()
    count = writers[export_format](records, output)
    services.audit.record(
        signed.staff.username,
        "export",
        clinic=signed.staff.clinic,
        target=export_format,
        reflections=count,
        status=status,
        since=since_text or None,
    )
    media_type, suffix = EXPORT_FORMATS[export_format]
    filename = f"reflections-{signed.staff.clinic}-{datetime.now(timezone.utc):%Y%m%d-%H%M}.{suffix}"
    return Response(
        output.getvalue(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **HEADERS},
    )


# Staff accounts (admins)


@router.get("/staff")
def staff_page(request: Request, signed: Admin, services: Services, notice: str = "") -> Response:
    return _page(
        request,
        signed,
        services,
        "staff.html",
        accounts=services.staff.clinic_staff(signed.staff.clinic),
        roles=STAFF_ROLES,
        notice=notice,
    )


@router.post("/staff")
def create_staff(signed: Admin, form: Form, services: Services) -> Response:
    try:
        created = services.staff.create(
            field(form, "username", 200),
            signed.staff.clinic,
            field(form, "role", 20),
            field(form, "password", 2000),
        )
    except StaffError as error:
        raise Refused(400, str(error)) from None
    services.audit.record(
        signed.staff.username,
        "staff.create",
        clinic=signed.staff.clinic,
        target=f"staff:{created.id}",
        role=created.role,
    )
    return _back("/console/staff", f"Created {created.username}.")


@router.post("/staff/{staff_id}")
def change_staff(staff_id: int, signed: Admin, form: Form, services: Services) -> Response:
    action = field(form, "action", 20)
    if staff_id == signed.staff.id and action in ("deactivate", "role"):
        raise Refused(400, "Ask another admin to change your own account's role or access.")
    changes: dict[str, Any] = {}
    if action == "role":
        changes["role"] = field(form, "role", 20)
    elif action in ("deactivate", "activate"):
        changes["active"] = action == "activate"
    elif action == "password":
        changes["password"] = field(form, "password", 2000)
    else:
        raise Refused(400, "Choose a change to make.")
    try:
        changed = services.staff.update(staff_id, signed.staff.clinic, **changes)
    except StaffError as error:
        raise Refused(400, str(error)) from None
    services.audit.record(
        signed.staff.username,
        f"staff.{action}",
        clinic=signed.staff.clinic,
        target=f"staff:{staff_id}",
        **({"role": changed.role} if action == "role" else {}),
    )
    return _back("/console/staff", f"Updated {changed.username}.")


# The audit log (admins)


@router.get("/audit")
def audit_page(request: Request, signed: Admin, services: Services, before: int | None = None) -> Response:
    entries = services.audit.entries(signed.staff.clinic, before_id=before)
    return _page(request, signed, services, "audit.html", entries=entries)


@router.post("/audit/export")
def audit_export(signed: Admin, form: Form, services: Services) -> Response:
    output = io.StringIO()
    count = write_audit_csv(services.audit.iter_all(signed.staff.clinic), output)
    services.audit.record(signed.staff.username, "audit.export", clinic=signed.staff.clinic, entries=count)
    return Response(
        output.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{signed.staff.clinic}.csv"', **HEADERS},
    )
