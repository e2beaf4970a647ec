"""The floor: the leanest assistant Rasa 3.6 can serve, to show what the engine itself costs per turn here.

It speaks the ``rasa init`` demo's flow (greet / mood / goodbye, the same replies) so the vanilla client walks
it unchanged, but with nothing a turn can skip: one ``KeywordIntentClassifier`` (a substring match, no
tokenizer, no featurizer), ``RulePolicy`` only, one rule per intent, no custom actions, in-memory tracker and
lock store, one worker. Whatever a project turn does on top of Rasa, it cannot be cheaper than this one; if
even this bot is below 3× the vanilla bot's throughput, so is any bot on this engine and machine.

Written and trained once under ``.cache/floor-rasa/`` (git-ignored); retrained when this file changes.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.vanilla import VanillaServer, cached_model, rasa_version, serve, timed_rasa
from deploy.stack import ROOT

CACHE_DIR = ROOT / ".cache" / "floor-rasa"

CONFIG = """\
recipe: default.v1
assistant_id: floor
language: en
pipeline:
  - name: KeywordIntentClassifier
policies:
  - name: RulePolicy
"""

DOMAIN = """\
version: "3.1"
intents: [greet, goodbye, affirm, deny, mood_great, mood_unhappy]
responses:
  utter_greet:
  - text: "Hey! How are you?"
  utter_cheer_up:
  - text: "Here is something to cheer you up:"
    image: "https://i.imgur.com/nGF1K8f.jpg"
  utter_did_that_help:
  - text: "Did that help you?"
  utter_happy:
  - text: "Great, carry on!"
  utter_goodbye:
  - text: "Bye"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""

# The keyword classifier matches an example as a whole word or phrase anywhere in the message.
NLU = {
    "greet": ["hi", "hello", "hey", "good morning"],
    "goodbye": ["bye", "goodbye", "see you later"],
    "affirm": ["yes", "of course", "indeed"],
    "deny": ["no", "never"],
    "mood_great": ["great", "amazing", "perfect"],
    "mood_unhappy": ["sad", "unhappy", "not good"],
}

RULES = {
    "greet": ["utter_greet"],
    "goodbye": ["utter_goodbye"],
    "affirm": ["utter_happy"],
    "deny": ["utter_goodbye"],
    "mood_great": ["utter_happy"],
    "mood_unhappy": ["utter_cheer_up", "utter_did_that_help"],
}


def project_files() -> dict[str, str]:
    nlu = ['version: "3.1"', "nlu:"]
    for intent, examples in NLU.items():
        nlu += [f"- intent: {intent}", "  examples: |", *[f"    - {example}" for example in examples]]
    rules = ['version: "3.1"', "rules:"]
    for intent, actions in RULES.items():
        rules += [f"- rule: {intent}", "  steps:", f"  - intent: {intent}"]
        rules += [f"  - action: {action}" for action in actions]
    return {
        "config.yml": CONFIG,
        "domain.yml": DOMAIN,
        "data/nlu.yml": "\n".join(nlu) + "\n",
        "data/rules.yml": "\n".join(rules) + "\n",
    }


def fingerprint() -> str:
    files = project_files()
    digest = hashlib.sha256(rasa_version().encode())
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode())
    return digest.hexdigest()


def ensure_trained(cache_dir: Path = CACHE_DIR) -> tuple[Path, float | None]:
    """The floor bot's model, trained now if missing or stale; with the seconds training took, or None."""
    stamp = cache_dir / ".fingerprint"
    expected = fingerprint()
    cached = cached_model(cache_dir, stamp, expected)
    if cached is not None:
        return cached, None
    shutil.rmtree(cache_dir, ignore_errors=True)
    for name, text in project_files().items():
        (cache_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (cache_dir / name).write_text(text)
    print(f"Training the floor bot in {cache_dir} (once)…", flush=True)
    seconds = timed_rasa(["train", "--out", "models", "--quiet"], cache_dir)
    stamp.write_text(expected)
    return sorted((cache_dir / "models").glob("*.tar.gz"))[-1], seconds


@contextmanager
def running_floor(log_path: Path, cache_dir: Path = CACHE_DIR) -> Iterator[VanillaServer]:
    model, _ = ensure_trained(cache_dir)
    with serve(model, cache_dir, log_path) as server:
        yield server
