"""Clinic staff accounts for the console: argon2 password hashes, server-side sessions that end when idle,
CSRF tokens bound to the session, and sign-in rate limiting. Plain Python, shared by the console and the
`reflect create-staff` command."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from reflection.settings import settings
from reflection.storage.database import StorageError
from reflection.storage.models import STAFF_ROLES, USERNAME_LENGTH, LoginFailure, StaffSession, StaffUser

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work a request can cause
ABSOLUTE_TIMEOUT = timedelta(hours=10)
# Five wrong passwords for one account, or twenty from one address, within the window lock sign-in.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
USERNAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@")

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffError(StorageError):
    """A staff account request that cannot be done; the message says why, for the person asking."""


class SignInThrottled(StaffError):
    """Too many failed sign-ins for this account or address; try again later."""


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    clinic: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class SignedIn:
    staff: Staff
    token: str  # only ever in the browser's cookie; the database keeps its hash
    csrf_token: str


def idle_timeout() -> timedelta:
    return timedelta(minutes=settings().console_idle_minutes)


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > USERNAME_LENGTH or not set(name) <= USERNAME_CHARACTERS:
        raise StaffError(
            f"A username is 1 to {USERNAME_LENGTH} characters: letters, digits, '.', '_', '-' or '@'."
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StaffError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _key(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


class StaffDirectory:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # Accounts

    def create(self, username: str, clinic: str, role: str, password: str) -> Staff:
        name = check_username(username)
        if role not in STAFF_ROLES:
            raise StaffError(f"The role must be one of {', '.join(STAFF_ROLES)}, not {role!r}.")
        check_password(password)
        try:
            with self._sessions.begin() as session:
                user = StaffUser(
                    username=name,
                    clinic=clinic,
                    role=role,
                    password_hash=_hasher.hash(password),
                    active=True,
                    created_at=_now(),
                )
                session.add(user)
                session.flush()
                return _staff(user)
        except IntegrityError:
            raise StaffError(f"There is already an account named {name!r}.") from None

    def get(self, staff_id: int) -> Staff | None:
        with self._sessions() as session:
            user = session.get(StaffUser, staff_id)
            return _staff(user) if user else None

    def clinic_of(self, username: str) -> str | None:
        """The clinic of an account, so its admins see failed sign-ins to it; None for unknown names."""
        with self._sessions() as session:
            return session.scalar(
                select(StaffUser.clinic).where(
                    StaffUser.username == username.strip().lower()[:USERNAME_LENGTH]
                )
            )

    def clinic_staff(self, clinic: str) -> list[Staff]:
        with self._sessions() as session:
            users = session.scalars(
                select(StaffUser).where(StaffUser.clinic == clinic).order_by(StaffUser.username)
            )
            return [_staff(user) for user in users]

    def update(
        self,
        staff_id: int,
        clinic: str,
        *,
        role: str | None = None,
        active: bool | None = None,
        password: str | None = None,
    ) -> Staff:
        """Change an account of `clinic` (never another clinic's); deactivating one also signs it out."""
        values: dict[str, object] = {}
        if role is not None:
            if role not in STAFF_ROLES:
                raise StaffError(f"The role must be one of {', '.join(STAFF_ROLES)}.")
            values["role"] = role
        if active is not None:
            values["active"] = active
        if password is not None:
            check_password(password)
            values["password_hash"] = _hasher.hash(password)
        with self._sessions.begin() as session:
            user = session.scalars(
                select(StaffUser).where(StaffUser.id == staff_id, StaffUser.clinic == clinic)
            ).one_or_none()
            if user is None:
                raise StaffError("There is no such account at this clinic.")
            for name, value in values.items():
                setattr(user, name, value)
            if active is False or password is not None:
                session.execute(delete(StaffSession).where(StaffSession.user_id == staff_id))
            return _staff(user)

    # Signing in and out

    def sign_in(self, username: str, password: str, address: str) -> SignedIn | None:
        """A new session for the right password; None for a wrong one. Raises SignInThrottled when this
        account or address has failed too often recently (checked before the password, so guessing stops)."""
        name = username.strip().lower()[:USERNAME_LENGTH]
        now = _now()
        with self._sessions.begin() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - FAILURE_WINDOW))
            recent = LoginFailure.failed_at >= now - FAILURE_WINDOW
            by_account = session.scalar(
                select(func.count()).where(recent, LoginFailure.username_key == _key(name))
            )
            by_address = session.scalar(
                select(func.count()).where(recent, LoginFailure.address_key == _key(address))
            )
        if by_account >= FAILURES_PER_ACCOUNT or by_address >= FAILURES_PER_ADDRESS:
            raise SignInThrottled(
                f"Too many failed sign-ins. Please wait {int(FAILURE_WINDOW.total_seconds() // 60)} minutes "
                "and try again, or ask an admin to reset your password."
            )
        with self._sessions() as session:
            user = session.scalars(select(StaffUser).where(StaffUser.username == name)).one_or_none()
        password = password[:MAX_PASSWORD_LENGTH]
        if user is None or not user.active:
            _verify(_DUMMY_HASH, password)
            verified = False
        else:
            verified = _verify(user.password_hash, password)
        if not verified:
            with self._sessions.begin() as session:
                session.add(LoginFailure(username_key=_key(name), address_key=_key(address), failed_at=now))
            return None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            session.add(
                StaffSession(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            values: dict[str, object] = {"last_login_at": now}
            if _hasher.check_needs_rehash(user.password_hash):
                values["password_hash"] = _hasher.hash(password)
            session.execute(update(StaffUser).where(StaffUser.id == user.id).values(**values))
            session.execute(delete(LoginFailure).where(LoginFailure.username_key == _key(name)))
        return SignedIn(staff=_staff(user), token=token, csrf_token=csrf)

    def session(self, token: str | None) -> SignedIn | None:
        """The live session for a cookie's token, its idle clock restarted; None if unknown or timed out."""
        if not token:
            return None
        now = _now()
        with self._sessions.begin() as session:
            row = session.scalars(
                select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
            ).one_or_none()
            if row is None:
                return None
            user = session.get(StaffUser, row.user_id)
            expired = now - row.last_seen_at > idle_timeout() or now - row.created_at > ABSOLUTE_TIMEOUT
            if expired or user is None or not user.active:
                session.delete(row)
                return None
            row.last_seen_at = now
            return SignedIn(staff=_staff(user), token=token, csrf_token=row.csrf_token)

    def sign_out(self, token: str) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))

    def end_idle_sessions(self) -> int:
        now = _now()
        with self._sessions.begin() as session:
            return session.execute(
                delete(StaffSession).where(
                    (StaffSession.last_seen_at < now - idle_timeout())
                    | (StaffSession.created_at < now - ABSOLUTE_TIMEOUT)
                )
            ).rowcount


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _staff(user: StaffUser) -> Staff:
    return Staff(
        id=user.id,
        username=user.username,
        clinic=user.clinic,
        role=user.role,
        active=user.active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )
