"""The review workflow: the list and its filters, the detail view (anonymized only), tags, notes, the
reviewed mark, saved views, missed identifiers, break-glass, exports and the dashboard."""

import json

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from reflection.audit import AuditLog
from reflection.storage.models import AnonymizationCandidate, TranscriptTurn
from tests.console.conftest import Seeded, csrf_of, sign_in
from web.console.services import ConsoleServices


def actions(console: ConsoleServices, clinic: str = "north") -> list[str]:
    return [entry.action for entry in AuditLog(console.engine).entries(clinic)]


def test_the_detail_view_shows_anonymized_words_only_and_is_audited(
    console: ConsoleServices, seeded: Seeded
) -> None:
    page = sign_in("nora").get(f"/console/reflections/{seeded.north_low}")

    assert page.status_code == 200
    assert "to feel heard by &lt;PERSON&gt; in &lt;LOCATION&gt;" in page.text  # the anonymized answer
    assert "not really, &lt;PERSON&gt; talks over me" in page.text  # the words around a rating
    assert "about 8 sessions with &lt;PERSON&gt; at the clinic" in page.text  # the transcript
    assert "Priya" not in page.text and "Boston" not in page.text
    assert "Alliance concern" in page.text and "Self-harm" in page.text  # the signal and the safety event
    assert 'class="turn client safety"' in page.text
    [view] = [
        entry for entry in AuditLog(console.engine).entries("north") if entry.action == "conversation.view"
    ]
    assert view.actor == "nora" and view.target == f"reflection:{seeded.north_low}"


def test_an_answer_not_anonymized_yet_is_withheld(console: ConsoleServices, seeded: Seeded) -> None:
    from reflection.storage.repository import ReflectionStore

    store = ReflectionStore(console.engine)
    store.record_answer("north-new", "hopes", "to see Priya again", "to see Priya again", clinic="north")
    reflection = store.current_reflection("north-new")

    page = sign_in("nora").get(f"/console/reflections/{reflection.id}")

    assert "being anonymized" in page.text and "Priya" not in page.text


def test_filters_narrow_the_list(console: ConsoleServices, seeded: Seeded) -> None:
    http = sign_in("nora")

    def listed(query: str) -> set[int]:
        page = http.get(f"/console/reflections?{query}").text
        return {
            id_
            for id_ in (seeded.north_low, seeded.north_good)
            if f'href="/console/reflections/{id_}"' in page
        }

    assert listed("") == {seeded.north_low, seeded.north_good}
    assert listed("fit=low") == {seeded.north_low}
    assert listed("fit=good") == {seeded.north_good}
    assert listed("concern=yes") == {seeded.north_low}
    assert listed("crisis=yes") == {seeded.north_low}
    assert listed("crisis=no") == {seeded.north_good}
    assert listed("next_step=keep_going") == {seeded.north_good}
    assert listed("mode=clinic_intake") == {seeded.north_low}
    assert listed("reviewed=yes") == set()
    assert listed("from=2000-01-01&to=2000-01-02") == set()
    assert listed("fit=nonsense&from=not-a-date") == {seeded.north_low, seeded.north_good}  # ignored


def test_tags_notes_and_the_reviewed_mark(console: ConsoleServices, seeded: Seeded) -> None:
    http = sign_in("nora")
    token = csrf_of(http)
    base = f"/console/reflections/{seeded.north_low}"

    assert http.post(f"{base}/tags", data={"tag": "Follow up", "csrf": token}).status_code == 303
    assert (
        http.post(f"{base}/notes", data={"body": "Call back <b>soon</b>", "csrf": token}).status_code == 303
    )
    assert http.post(f"{base}/reviewed", data={"reviewed": "yes", "csrf": token}).status_code == 303
    assert http.post(f"{base}/notes", data={"body": "   ", "csrf": token}).status_code == 400

    page = http.get(base).text
    assert "follow up" in page and "Call back &lt;b&gt;soon&lt;/b&gt;" in page and "by nora" in page
    listing = http.get("/console/reflections?tag=follow+up&reviewed=yes").text
    assert f'href="/console/reflections/{seeded.north_low}"' in listing
    assert {"tag.add", "note.add", "review.mark"} <= set(actions(console))


def test_saved_views(console: ConsoleServices, seeded: Seeded) -> None:
    http = sign_in("nora")

    response = http.post(
        "/console/views", data={"name": "Low fit", "query": "fit=low&crisis=yes", "csrf": csrf_of(http)}
    )

    assert response.status_code == 303
    page = http.get("/console/reflections").text
    assert 'href="/console/reflections?crisis=yes&amp;fit=low">Low fit</a>' in page
    assert sign_in("nadia").get("/console/reflections").text.count("Low fit") == 0  # views are personal


def test_a_missed_identifier_is_removed_at_once_logged_and_kept_as_a_case(
    console: ConsoleServices, seeded: Seeded
) -> None:
    http = sign_in("nora")
    base = f"/console/reflections/{seeded.north_low}"

    response = http.post(
        f"{base}/identifier",
        data={"identifier": "the  clinic", "entity_type": "ORGANIZATION", "csrf": csrf_of(http)},
    )

    assert response.status_code == 303
    assert "about 8 sessions with &lt;PERSON&gt; at &lt;ORGANIZATION&gt;" in http.get(base).text
    with console.engine.connect() as connection:
        texts = [row[0] for row in connection.execute(select(TranscriptTurn.text_anonymized))]
        [case] = connection.execute(select(AnonymizationCandidate)).all()
    assert not any("the clinic" in text for text in texts)
    assert case.identifier == "the clinic" and case.entity_type == "ORGANIZATION"
    assert case.context == "about 8 sessions with <PERSON> at the clinic"
    [entry] = [
        entry for entry in AuditLog(console.engine).entries("north") if entry.action == "identifier.remove"
    ]
    assert "the clinic" not in json.dumps(entry.detail)  # the log says what was done, not the words
    missing = http.post(
        f"{base}/identifier", data={"identifier": "Zebedee", "entity_type": "PERSON", "csrf": csrf_of(http)}
    )
    assert missing.status_code == 400 and "not in this client" in missing.text


def test_break_glass_needs_the_clinic_file_a_second_admin_and_is_audited(
    console: ConsoleServices, seeded: Seeded
) -> None:
    nadia, nell = sign_in("nadia"), sign_in("nell")
    base = f"/console/reflections/{seeded.north_low}"
    assert nadia.get(f"{base}/raw").status_code == 403  # not approved yet

    reason = {"reason": "The client asked us to check what they wrote", "csrf": csrf_of(nadia)}
    assert nadia.post(f"{base}/break-glass", data=reason).status_code == 303
    [request] = console.review.raw_access_requests("north")
    own = nadia.post(f"/console/break-glass/{request.id}/approve", data={"csrf": csrf_of(nadia)})
    assert own.status_code == 400 and "second admin" in own.text
    assert (
        nell.post(f"/console/break-glass/{request.id}/approve", data={"csrf": csrf_of(nell)}).status_code
        == 303
    )

    raw = nadia.get(f"{base}/raw")
    assert raw.status_code == 200 and "to feel heard by Priya in Boston" in raw.text
    assert nell.get(f"{base}/raw").status_code == 403  # granted to the one who asked
    assert {"break_glass.request", "break_glass.approve", "break_glass.view"} <= set(actions(console))

    sam = sign_in("sam")  # south's clinic file does not turn it on
    assert (
        sam.post(
            f"/console/reflections/{seeded.south}/break-glass", data={**reason, "csrf": csrf_of(sam)}
        ).status_code
        == 403
    )
    reviewer = sign_in("nora")
    assert reviewer.post(f"{base}/break-glass", data={**reason, "csrf": csrf_of(reviewer)}).status_code == 403


def test_exports_from_the_console_are_anonymized_validated_and_audited(
    console: ConsoleServices, seeded: Seeded
) -> None:
    http = sign_in("nora")
    token = csrf_of(http)

    fhir = http.post("/console/exports", data={"format": "fhir", "status": "all", "csrf": token})
    csv_file = http.post("/console/exports", data={"format": "csv", "status": "complete", "csrf": token})

    assert fhir.status_code == 200 and fhir.headers["content-type"].startswith("application/fhir+json")
    assert "attachment" in fhir.headers["content-disposition"]
    bundle = Bundle.model_validate_json(fhir.text)
    responses = [
        entry.resource
        for entry in bundle.entry
        if entry.resource.__resource_type__ == "QuestionnaireResponse"
    ]
    assert len(responses) == 2
    assert "Priya" not in fhir.text and "Priya" not in csv_file.text and "<PERSON>" in csv_file.text
    assert "south" not in csv_file.text
    exports = [entry for entry in AuditLog(console.engine).entries("north") if entry.action == "export"]
    assert sorted(entry.target for entry in exports) == ["csv", "fhir"]
    assert http.post("/console/exports", data={"format": "xml", "csrf": token}).status_code == 400


def test_the_dashboard_draws_its_charts_from_local_assets(console: ConsoleServices, seeded: Seeded) -> None:
    page = sign_in("nora").get("/console/dashboard")

    assert page.status_code == 200
    assert page.text.count("<svg") == 5
    for title in (
        "How each fit item is rated",
        "The mix of next steps",
        "Trends by week",
        "Crisis flags per week",
    ):
        assert f"<title>{title}</title>" in page.text
    assert "http://" not in page.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page.text and "<script" not in page.text
    assert '<span class="number">2</span><span>reflections completed</span>' in page.text
    css = sign_in("nora").get("/console/static/console.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert sign_in("nora").get("/console/static/..%2Fviews.py").status_code == 404
