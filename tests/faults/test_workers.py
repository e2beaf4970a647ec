"""The production shape's several Rasa workers with the socket.io channel (deploy/stack.py says why it works).

Rasa's docs warn that socket.io does not support several workers. Through the web app's proxy every widget
connection is one websocket, which stays with one worker, so each client must get its own replies, in order,
however the connections are spread over the workers.

None of the Rasa processes imports TensorFlow or matplotlib (components/early_imports.py): which process holds
one is read from /proc/<pid>/maps, where a package's compiled modules are mapped into every process that
imports it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.clients import SocketChannel
from bench.conversation import UNKNOWN, asked_for
from deploy.procs import descendants
from tests.faults.conftest import FaultSystem, new_sender

CLIENTS = 6
SCRIPT = [
    ("hi, I'd like to think about how my therapy is going", "consent"),
    ("yes", "sessions_so_far"),
    ("about six sessions", "felt_heard"),
    ("mostly yes", "depth"),
]


async def test_socketio_clients_on_several_rasa_workers_get_their_own_replies(system: FaultSystem) -> None:
    web = system.config.url("web")
    channels = [SocketChannel(web, new_sender(), session_url=web + "/api/session") for _ in range(CLIENTS)]
    await asyncio.gather(*(channel.open() for channel in channels))

    async def say(channel: SocketChannel, text: str) -> str:
        replies, _ = await channel.send(text, lambda texts: asked_for(texts) != UNKNOWN)
        return asked_for([reply.get("text") or "" for reply in replies])

    async def reflect(channel: SocketChannel) -> list[str]:
        asked = []
        for text, _ in SCRIPT:
            next_question = await say(channel, text)
            if next_question == "confirm":  # the assistant checks its reading: one tap
                next_question = await say(channel, "yes")
            asked.append(next_question)
        return asked

    try:
        results = await asyncio.gather(*(reflect(channel) for channel in channels))
    finally:
        await asyncio.gather(*(channel.close() for channel in channels))
    assert results == [[expected for _, expected in SCRIPT]] * CLIENTS
    assert len({channel.sender for channel in channels}) == CLIENTS
    for channel in channels:  # each conversation is whole in the shared tracker store
        assert system.slots(channel.sender)["requested_slot"] == "depth"


def holds(pid: int, package: str) -> bool:
    try:
        return f"/{package}/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def test_no_rasa_process_holds_tensorflow_or_matplotlib(system: FaultSystem) -> None:
    """No component or policy of the model runs TensorFlow, which would cost about 280 MB in each process,
    and no turn draws a plot (matplotlib and Pillow, about 10 MB)."""
    assert system.replies(new_sender(), SCRIPT[0][0])  # a worker has parsed and predicted a turn
    rasa = descendants(system.stack.processes["rasa"].pid)
    assert len(rasa) == 2  # serve_rasa.py serves as the first of its 2 workers (components/rasa_workers.py)
    for package in ("tensorflow", "matplotlib", "PIL"):
        assert not any(holds(pid, package) for pid in rasa), package
