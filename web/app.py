"""A simple chat page on :8000. The browser talks only to this server, which issues the session id and
forwards messages to Rasa's REST channel, so a client can never pick another client's conversation."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import httpx
from fastapi import Cookie, FastAPI, HTTPException, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from reflection.clinics import is_known_clinic
from web import console

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "reflection_session"
MAX_MESSAGE_CHARS = 5000

app = FastAPI(title="Therapy Reflection Assistant")
app.include_router(console.router)


class ChatIn(BaseModel):
    message: str = Field(max_length=MAX_MESSAGE_CHARS)
    clinic: str | None = Field(default=None, max_length=64)


class BotMessage(BaseModel):
    text: str | None = None
    buttons: list[dict[str, str]] = []


def rasa_url() -> str:
    return os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


@app.post("/api/chat")
async def chat(
    body: ChatIn, response: Response, session: str | None = Cookie(default=None, alias=SESSION_COOKIE)
) -> list[BotMessage]:
    message = body.message.strip()
    if not message:
        raise HTTPException(status_code=422, detail="Please type a message first.")
    if not session or len(session) != 43:
        session = secrets.token_urlsafe(32)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
    metadata: dict[str, Any] = {"clinic": body.clinic} if is_known_clinic(body.clinic) else {}
    payload = {"sender": session, "message": message, "metadata": metadata}
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.post(f"{rasa_url()}/webhooks/rest/webhook", json=payload)
            answer.raise_for_status()
    except httpx.HTTPError as error:
        raise HTTPException(
            status_code=503,
            detail="The assistant isn't reachable right now. Please try again in a minute.",
        ) from error
    return [BotMessage(text=item.get("text"), buttons=item.get("buttons") or []) for item in answer.json()]
