"""Closed-loop load: N clients, each holding whole conversations back to back, for a fixed time.

Each client waits for the bot's reply before it says the next thing, as a person would (without the time a
person takes to read and type, so the figures are the server's). Turns that complete within the measured
window (after the warm-up) count; a failed turn ends its conversation, and the client starts a new one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.clients import TURN_TIMEOUT_SECONDS, Channel, TurnError
from bench.conversation import (
    DONE,
    UNKNOWN,
    ReflectionClient,
    VanillaClient,
    asked_for,
    texts_of,
    vanilla_turn_done,
)

MAX_TURNS_PER_REFLECTION = 40


@dataclass
class Turn:
    started: float
    seconds: float


@dataclass
class LevelResult:
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    conversations_completed: int = 0
    slot_lookups: int = 0
    deviations: int = 0  # the vanilla bot answered something its flow did not expect
    given: dict[str, dict[str, str]] = field(default_factory=dict)  # sender -> slot -> words
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender -> every message, in order
    completed_senders: set[str] = field(default_factory=set)

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "turns": self.turns,
            "throughput": round(self.throughput, 2),
            "p50_ms": round(self.percentile(0.50), 1),
            "p95_ms": round(self.percentile(0.95), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "conversations_completed": self.conversations_completed,
            "slot_lookups": self.slot_lookups,
            "deviations": self.deviations,
        }


class Window:
    """When measuring starts and ends; turns outside it are not counted."""

    def __init__(self, warmup: float, seconds: float) -> None:
        self.start = time.perf_counter() + warmup
        self.end = self.start + seconds

    def counts(self, turn: Turn) -> bool:
        """A turn counts when it completes inside the window, so slow turns are not left out."""
        return self.start <= turn.started + turn.seconds <= self.end

    def over(self) -> bool:
        return time.perf_counter() >= self.end


SlotLookup = Callable[[str], Awaitable[str]]


def tracker_lookup(http: httpx.AsyncClient, rasa_url: str, token: str) -> SlotLookup:
    """What the bot waits for, from the tracker: the form's ``requested_slot``, or DONE once complete."""

    async def lookup(sender: str) -> str:
        try:
            response = await http.get(
                f"{rasa_url}/conversations/{sender}/tracker",
                params={"token": token},
                timeout=TURN_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError:
            raise TurnError("slot look-up failed") from None
        if response.status_code != 200:
            return UNKNOWN
        slots = response.json().get("slots", {})
        if slots.get("requested_slot"):
            return str(slots["requested_slot"])
        return DONE if slots.get("reflection_status") == "complete" else UNKNOWN

    return lookup


async def _turn(
    channel: Channel, text: str, done: Callable[[list[str]], bool], window: Window, result: LevelResult
) -> list[str]:
    started = time.perf_counter()
    replies, seconds = await channel.send(text, done)
    if window.counts(Turn(started, seconds)):
        result.latencies_ms.append(seconds * 1000)
    return texts_of(replies)


def _asks_something(texts: list[str]) -> bool:
    return asked_for(texts) != UNKNOWN


async def one_reflection(
    channel: Channel, seed: int, window: Window, result: LevelResult, lookup: SlotLookup | None
) -> bool:
    """Greeting to summary; True when the reflection was completed."""
    client = ReflectionClient(seed)
    result.given[channel.sender] = client.given  # filled in as the client answers
    result.sent[channel.sender] = client.sent
    said = await _turn(channel, client.opening(), _asks_something, window, result)
    for _ in range(MAX_TURNS_PER_REFLECTION):
        if window.over():
            return False
        asked = asked_for(said)
        if asked == UNKNOWN and lookup is not None:
            result.slot_lookups += 1
            asked = await lookup(channel.sender)
        if asked == DONE:
            break
        if asked == UNKNOWN:
            raise TurnError("lost the flow")
        if asked == "copy":  # the last turn: its first reply completes it
            await _turn(channel, client.say(asked), lambda texts: True, window, result)
            break
        said = await _turn(channel, client.say(asked), _asks_something, window, result)
    else:
        raise TurnError("too many turns")
    result.completed_senders.add(channel.sender)
    return True


async def one_vanilla(channel: Channel, seed: int, window: Window, result: LevelResult) -> bool:
    """The demo's flow; a reply other than the one expected (its NLU misread a phrase) is a deviation, not
    an error: the bot did answer, and the client goes on with its script."""
    for text, expected in VanillaClient(seed).script():
        if window.over():
            return False
        said = await _turn(channel, text, vanilla_turn_done, window, result)
        if not said or not said[-1].strip().endswith(expected):
            result.deviations += 1
    return True


ChannelFactory = Callable[[str], Channel]


async def run_level(
    make_channel: ChannelFactory,
    clients: int,
    warmup: float,
    seconds: float,
    vanilla: bool = False,
    lookup: SlotLookup | None = None,
    on_sample: Callable[[], None] | None = None,
) -> LevelResult:
    result = LevelResult(clients=clients, seconds=seconds)
    window = Window(warmup, seconds)

    async def client(index: int) -> None:
        await asyncio.sleep(index * min(0.05, warmup / max(clients, 1)))  # don't start all in one instant
        conversation = 0
        while not window.over():
            conversation += 1
            channel = make_channel(f"bench-{uuid.uuid4().hex}")
            try:
                await channel.open()
                if vanilla:
                    completed = await one_vanilla(channel, index * 1000 + conversation, window, result)
                else:
                    completed = await one_reflection(
                        channel, index * 1000 + conversation, window, result, lookup
                    )
                if completed:
                    result.conversations_completed += 1
            except TurnError as error:
                if time.perf_counter() >= window.start and not window.over():
                    result.errors[error.kind] += 1
                await asyncio.sleep(0.5)
            finally:
                await channel.close()

    async def sampler() -> None:
        while on_sample is not None and not window.over():
            await asyncio.sleep(max(0.0, min(5.0, window.end - time.perf_counter())))
            if time.perf_counter() >= window.start:
                on_sample()

    tasks = [asyncio.create_task(client(index)) for index in range(clients)]
    sampling = asyncio.create_task(sampler())
    await asyncio.gather(*tasks, sampling)
    return result
