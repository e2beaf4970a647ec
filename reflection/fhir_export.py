"""Reflections as a FHIR R4 (R4B) Bundle of type ``collection``, built with the ``fhir.resources`` library.

The bundle holds the Questionnaires (the reflection and clinic intake, from the item bank) and one
QuestionnaireResponse per reflection in the structure of the Structured Data Capture (SDC) implementation
guide: each response names its Questionnaire by canonical URL, mirrors its items by ``linkId`` and text, and
answers each with the type the item declares (a coding from its answer options, or a string). Free text is
exported only as its anonymized copy; an answer whose copy is not made yet is left out.

``fhir.resources`` checks structure and data types but not code values, so ``validate_bundle`` also checks
the codes and that every response fits its Questionnaire; nothing is written unless it passes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, TextIO

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from reflection.export import exported_value, is_pending, words_items
from reflection.items import Item, ItemBank, QuestionnaireSpec, load_item_bank
from reflection.storage.repository import ReflectionRecord

SDC_QUESTIONNAIRE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
SDC_RESPONSE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
CLIENT_SYSTEM = "https://therapy-reflection-assistant.github.io/fhir/NamingSystem/client-pseudonym"
ANSWERS_SYSTEM = "https://therapy-reflection-assistant.github.io/fhir/CodeSystem/answers"
RESPONSE_STATUS = {"complete": "completed", "partial": "in-progress", "in_progress": "in-progress"}
ITEM_TYPES = {"choice": "choice", "scale": "choice", "text": "text"}
VALID_RESPONSE_STATUSES = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
NO_HOMEWORK = "none"


class FhirExportError(ValueError):
    """The bundle did not validate; nothing was written."""


def answer_options(item: Item, bank: ItemBank) -> list[dict[str, Any]]:
    if item.kind == "choice":
        return [
            {"valueCoding": {"system": f"{ANSWERS_SYSTEM}/{item.link_id}", "code": code, "display": label}}
            for code, label in item.values.items()
        ]
    options = [
        {
            "valueCoding": {"system": f"{ANSWERS_SYSTEM}/scale", "code": str(number), "display": label},
            "extension": [{"url": ORDINAL_VALUE, "valueDecimal": number}],
        }
        for number, label in bank.scale_labels.items()
    ]
    if item.allow_none:
        options.append(
            {
                "valueCoding": {
                    "system": f"{ANSWERS_SYSTEM}/scale",
                    "code": NO_HOMEWORK,
                    "display": "No homework",
                }
            }
        )
    return options


def _question_text(item: Item) -> str:
    # "{area}" is filled in the chat; in a form the item's area stands in.
    return item.question["first"].replace("{area}", "one area")


def build_questionnaire(spec: QuestionnaireSpec, bank: ItemBank) -> Questionnaire:
    items = []
    for item in bank.questionnaire_items(spec.id):
        entry: dict[str, Any] = {
            "linkId": item.link_id,
            "text": _question_text(item),
            "type": ITEM_TYPES[item.kind],
            "required": False,
        }
        if item.kind != "text":
            entry["answerOption"] = answer_options(item, bank)
        items.append(entry)
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": spec.id,
            "meta": {"profile": [SDC_QUESTIONNAIRE]},
            "url": spec.url,
            "version": spec.version,
            "name": spec.id.capitalize(),
            "title": spec.title,
            "status": "active",
            "subjectType": ["Patient"],
            "item": items,
        }
    )


def build_response(record: ReflectionRecord, bank: ItemBank) -> QuestionnaireResponse:
    spec = bank.questionnaire_for_mode(record.mode)
    text_items = words_items()
    items = []
    for item in bank.questionnaire_items(spec.id):
        answer = record.answers.get(item.slot)
        if answer is None:
            continue
        value = exported_value(answer, text_items)
        if item.kind == "text":
            if is_pending(answer, text_items) or not value:
                continue  # only anonymized words leave the system
            answers = [{"valueString": str(value)}]
        else:
            coding = next(
                (
                    option["valueCoding"]
                    for option in answer_options(item, bank)
                    if option["valueCoding"]["code"] == str(value)
                ),
                None,
            )
            if coding is None:
                continue
            answers = [{"valueCoding": coding}]
        items.append({"linkId": item.link_id, "text": _question_text(item), "answer": answers})
    authored = record.completed_at or record.updated_at
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "id": f"reflection-{record.id}",
            "meta": {"profile": [SDC_RESPONSE]},
            "identifier": {"system": f"{CLIENT_SYSTEM}/reflection", "value": str(record.id)},
            "questionnaire": f"{spec.url}|{spec.version}",
            "status": RESPONSE_STATUS[record.status],
            "subject": {"identifier": {"system": CLIENT_SYSTEM, "value": record.client_id}},
            "authored": authored.isoformat(),
            "item": items,
        }
    )


def build_bundle(records: Iterable[ReflectionRecord], bank: ItemBank | None = None) -> Bundle:
    bank = bank or load_item_bank()
    questionnaires = [build_questionnaire(spec, bank) for spec in bank.questionnaires]
    responses = [build_response(record, bank) for record in records]
    entries = [
        {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource}
        for resource in [*questionnaires, *responses]
    ]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "collection",
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "entry": entries,
        }
    )
    validate_bundle(bundle)
    return bundle


def validate_bundle(bundle: Bundle) -> None:
    """Raise FhirExportError unless the bundle parses back as FHIR R4B and every response fits its
    Questionnaire (known linkIds, in order, each answer of the item's type and among its options)."""
    try:
        parsed = Bundle.model_validate_json(bundle.model_dump_json(exclude_none=True))
    except ValidationError as error:
        raise FhirExportError(f"The bundle is not valid FHIR: {error}") from error
    if parsed.type != "collection":
        raise FhirExportError("The bundle must be of type collection.")
    resources = [entry.resource for entry in parsed.entry or []]
    questionnaires = {
        f"{resource.url}|{resource.version}": resource
        for resource in resources
        if isinstance(resource, Questionnaire)
    }
    for questionnaire in questionnaires.values():
        if questionnaire.status != "active":
            raise FhirExportError(f"Questionnaire {questionnaire.id} must be active.")
    for resource in resources:
        if not isinstance(resource, QuestionnaireResponse):
            continue
        questionnaire = questionnaires.get(resource.questionnaire)
        if questionnaire is None:
            raise FhirExportError(f"{resource.id} names a Questionnaire not in the bundle.")
        if resource.status not in VALID_RESPONSE_STATUSES:
            raise FhirExportError(f"{resource.id} has the invalid status {resource.status!r}.")
        _check_items(resource.id, resource.item or [], questionnaire.item or [])


def _check_items(response_id: str, answered: list[Any], asked: list[Any]) -> None:
    order = [item.linkId for item in asked]
    by_link = {item.linkId: item for item in asked}
    positions = []
    for item in answered:
        question = by_link.get(item.linkId)
        if question is None:
            raise FhirExportError(
                f"{response_id} answers {item.linkId!r}, which its Questionnaire does not ask."
            )
        if item.text != question.text:
            raise FhirExportError(
                f"{response_id}: the text of {item.linkId!r} differs from the Questionnaire's."
            )
        positions.append(order.index(item.linkId))
        for answer in item.answer or []:
            if question.type == "choice":
                allowed = {
                    (option.valueCoding.system, option.valueCoding.code)
                    for option in question.answerOption or []
                }
                coding = answer.valueCoding
                if coding is None or (coding.system, coding.code) not in allowed:
                    raise FhirExportError(
                        f"{response_id}: {item.linkId!r} has an answer not among its options."
                    )
            elif question.type == "text" and not answer.valueString:
                raise FhirExportError(f"{response_id}: {item.linkId!r} needs a text answer.")
    if positions != sorted(positions):
        raise FhirExportError(f"{response_id}: items are not in the Questionnaire's order.")


def write_fhir(records: Iterable[ReflectionRecord], output: TextIO) -> int:
    """Write one validated Bundle; returns how many QuestionnaireResponses it holds."""
    bundle = build_bundle(records)
    output.write(bundle.model_dump_json(exclude_none=True, indent=2))
    output.write("\n")
    return sum(1 for entry in bundle.entry or [] if isinstance(entry.resource, QuestionnaireResponse))
