from pathlib import Path

import pytest
import yaml

from reflection.answer_parsing import parse_answer
from reflection.items import ItemBankError, load_item_bank, parse_item_bank
from tests.contract import CONTRACT_SLOTS

ROOT = Path(__file__).resolve().parent.parent


def test_domain_form_asks_consent_then_the_item_bank_in_order() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    required = domain["forms"]["reflection_form"]["required_slots"]
    assert required == ["consent", *load_item_bank().slots]
    for slot in required:
        assert slot in domain["slots"], slot
        assert f"action_ask_{slot}" in domain["actions"], slot


def test_contract_slot_names_are_in_the_item_bank() -> None:
    contract = set(CONTRACT_SLOTS)
    assert contract <= set(load_item_bank().slots)


@pytest.mark.parametrize("item", load_item_bank().items, ids=lambda item: item.slot)
def test_every_button_lands_on_a_value_of_its_own_question(item) -> None:  # noqa: ANN001
    bank = load_item_bank()
    for button in bank.buttons_for(item):
        parsed = parse_answer(item.slot, button.payload)
        assert parsed is not None, (item.slot, button.payload)
        if item.kind == "choice":
            assert parsed.value in item.values, (item.slot, button.payload)


def test_scale_buttons_map_to_their_number() -> None:
    bank = load_item_bank()
    buttons = bank.buttons_for(bank.item("felt_heard"))
    assert [parse_answer("felt_heard", b.payload).value for b in buttons] == [1, 2, 3, 4, 5]


def test_a_malformed_item_bank_names_the_item() -> None:
    with pytest.raises(ItemBankError, match="'depth' has no 'reask'"):
        parse_item_bank(
            {
                "scale_labels": {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"},
                "items": [
                    {
                        "slot": "depth",
                        "kind": "scale",
                        "area": "x",
                        "link_id": "x",
                        "question": {"first": "?"},
                        "ack": {},
                    }
                ],
            }
        )
    with pytest.raises(ItemBankError, match="kind"):
        parse_item_bank(
            {
                "items": [
                    {
                        "slot": "d",
                        "kind": "slider",
                        "area": "x",
                        "link_id": "x",
                        "question": {"first": "?"},
                        "reask": "r",
                        "ack": {},
                    }
                ]
            }
        )
