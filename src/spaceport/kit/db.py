"""The data layer: engine, sessions, portable column types and the base model.

Only this package knows which database it runs on (DESIGN: "nothing outside kit/ knows")."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    DateTime,
    Engine,
    String,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import (
    DeclarativeBase,
    InstanceState,
    Mapped,
    Mapper,
    Session,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from spaceport.kit import wakeup
from spaceport.kit.errors import TOO_LARGE, ValidationFailed, is_limit_exceeded
from spaceport.kit.ids import new_id
from spaceport.kit.json import dumps


def utcnow() -> datetime:
    return datetime.now(UTC)


def _dumps_text(value: Any) -> str:
    return dumps(value).decode()


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored as UTC on every engine (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Money(TypeDecorator[Decimal]):
    """An exact amount, stored as a whole number of ten-thousandths on every engine.

    SQLite has no decimal type (NUMERIC becomes a float), so money is fixed-point integers:
    exact, summable and ordered alike on SQLite and PostgreSQL (COMPAT §1.6, COMPAT §4.1)."""

    impl = BigInteger
    cache_ok = True
    SCALE = 4

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.SCALE)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.SCALE} decimals")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-self.SCALE)

    def coerce_compared_value(self, op: Any, value: Any) -> TypeDecorator[Decimal]:
        return self

    @classmethod
    def holds(cls, value: Decimal) -> bool:
        """True when the column can store `value`: finite, 4 decimals, within 64 bits."""
        if not value.is_finite() or abs(value) > Decimal(2**63 - 1).scaleb(-cls.SCALE):
            return False
        scaled = value.scaleb(cls.SCALE)
        return scaled == scaled.to_integral_value()


@dataclass(frozen=True)
class _Column:
    """What a flush checks of one mapped column (`_values_fit`)."""

    key: str
    name: str  # as the API spells it
    required: bool  # NOT NULL
    json: bool  # stores None as JSON null, never a NOT NULL violation
    defaulted: bool  # an insert without a value takes a default
    length: int | None  # of a String(n)
    money: bool


_COLUMNS: dict[type, tuple[_Column, ...]] = {}


def _columns_of(model: type) -> tuple[_Column, ...]:
    if model not in _COLUMNS:
        mapper: Mapper[Any] = inspect(model)
        found = []
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            name = column.info.get("api") or to_camel(prop.key)
            length = column.type.length if isinstance(column.type, String) else None
            found.append(
                _Column(
                    key=prop.key,
                    name=name,
                    required=not column.nullable,
                    defaulted=column.default is not None or column.server_default is not None,
                    length=length,
                    money=isinstance(column.type, Money),
                    json=isinstance(column.type, JSON),
                )
            )
        _COLUMNS[model] = tuple(found)
    return _COLUMNS[model]


def defaulted_keys(model: type) -> frozenset[str]:
    """The attributes of `model`'s required columns that have a default: on a create, a None
    for one of them means "not given", so the default applies."""
    return frozenset(c.key for c in _columns_of(model) if c.required and c.defaulted)


def with_defaults(instance: Any) -> Any:
    """`instance` with the Python-side default of each of its columns left unset, as an insert
    would give it (an unsaved instance answered as it will be saved)."""
    for prop in inspect(type(instance)).column_attrs:
        default = prop.columns[0].default
        if default is None or getattr(instance, prop.key) is not None:
            continue
        if default.is_scalar:
            setattr(instance, prop.key, default.arg)
        elif default.is_callable:
            setattr(instance, prop.key, default.arg(None))
    return instance


def _problem(column: _Column, state: InstanceState[Any], new: bool) -> str | None:
    value = state.dict.get(column.key)
    if value is None:
        # an insert leaves a None out, so the column's default applies (SQLAlchemy)
        blank = column.required and not column.json and not (new and column.defaulted)
        return "can't be blank" if blank else None
    if column.money and isinstance(value, Decimal) and not Money.holds(value):
        return "is beyond the amounts this server stores"
    if column.length is not None and isinstance(value, str) and len(value) > column.length:
        return f"is longer than {column.length} characters"
    return None


def _values_fit(session: Session, _context: Any, _instances: Any) -> None:
    """COMPAT §2.2 (500 never on bad input; nothing is written): before any row is written,
    every value must fit its column, on every engine alike — a required property is not null
    (`"taxSubject": null`), a text fits its `String(n)` (PostgreSQL refuses a longer one, SQLite
    would keep it), an amount computed beyond what its column holds (a total of huge lines) is
    refused. Each is a 422 naming the property, never the database's error (a NOT NULL
    violation is not a conflict: 409 is only for what breaks a uniqueness rule)."""
    messages: dict[str, list[str]] = {}
    for new, instances in ((True, session.new), (False, session.dirty)):
        for instance in instances:
            state: InstanceState[Any] = inspect(instance)
            for column in _columns_of(type(instance)):
                if not new and not state.attrs[column.key].history.has_changes():
                    continue  # what was stored before is not this request's to refuse
                problem = _problem(column, state, new)
                if problem:
                    messages.setdefault(column.name, []).append(problem)
    if messages:
        raise ValidationFailed(messages)


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        Decimal: Money(),
        bool: Boolean(),
        str: String(),
    }


class Model(Base):
    """Top-level models: `id` (24 hex), `custom`, `createdAt`, `updatedAt` (COMPAT §1.7,
    COMPAT §1.9)."""

    __abstract__ = True

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    custom: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeleted:
    """COMPAT §5.1: a delete sets `_isDeleted`, `deletedAt` and `deletedId`; the row stays."""

    is_deleted: Mapped[bool] = mapped_column(default=False, info={"api": "_isDeleted"})
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_id: Mapped[str | None] = mapped_column(String(24), default=None)

    def soft_delete(self) -> None:
        self.is_deleted = True
        self.deleted_at = utcnow()
        self.deleted_id = getattr(self, "id")  # noqa: B009 - mixin has no id annotation


_writers: dict[str, threading.RLock] = {}
_writers_lock = threading.Lock()


def one_writer(url: str) -> threading.RLock:
    """The lock the writers of the SQLite database at `url` take in this process, one for every
    `Database` of it: the API's and the embedded worker's (`spaceport serve`) queue on it
    rather than in SQLite's busy handler, which sleeps 1, 2, 5, 10 ms and more between tries.
    Reentrant, so that a write begun inside another fails on the busy timeout, as it would
    without the lock, rather than waiting for itself."""
    with _writers_lock:
        return _writers.setdefault(url, threading.RLock())


class Database:
    """The engine and its two kinds of transaction: reading ones and writing ones.

    SQLite has one writer at a time (DESIGN). A writing transaction starts with BEGIN
    IMMEDIATE, so writers of different processes queue on the busy timeout instead of failing
    when a reader upgrades; within a process they queue on a lock (`one_writer`), first come
    first served, instead of sleeping in SQLite's busy handler. Readers never wait (WAL)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self.dialect = self.engine.dialect.name
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(spaceport_write=True)
        self._write = sessionmaker(writer, expire_on_commit=False)
        event.listen(self._write, "before_flush", _values_fit)
        self._one_writer = one_writer(url) if self.dialect == "sqlite" else nullcontext()

    def session(self, *, write: bool) -> Session:
        return (self._write if write else self._read)()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        with self._one_writer if write else nullcontext(), self.session(write=write) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
        if session.info.get(wakeup.RING):
            wakeup.bell(self.url).ring()

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def within_limits(session: Session) -> Iterator[None]:
    """The block's writes in a savepoint, flushed as it ends: a refusal halfway leaves nothing of
    them and the transaction usable, and a value past a database limit (`is_limit_exceeded`) is
    the 422 the API answers for it, so a form shows it beside what was typed (WEB §W4.3)."""
    try:
        with session.begin_nested():
            yield
    except OperationalError as exc:
        if not is_limit_exceeded(exc):
            raise
        raise ValidationFailed({"body": [TOO_LARGE]}) from exc


# money stays exact (COMPAT §1.6); one decoder for every value (json.loads with options builds
# a new one each call, issue 13: a list of 50 documents decodes some 600 values)
_DECODER = json.JSONDecoder(parse_float=Decimal)


# Half of a document's JSON columns are empty (issue 13: a list of 50 decodes 400 values).
_EMPTY: dict[str, type[list[Any]] | type[dict[str, Any]]] = {"[]": list, "{}": dict}


def _loads(text: str | bytes) -> Any:
    # a number SQLite stored as one is a TypeError here, which SQLAlchemy answers with it
    decoded = text.decode() if isinstance(text, bytes) else text
    empty = _EMPTY.get(decoded) if isinstance(decoded, str) else None
    return empty() if empty is not None else _DECODER.decode(decoded)


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            json_serializer=_dumps_text,
            json_deserializer=_loads,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=16,
            max_overflow=16,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        json_serializer=_dumps_text,
        json_deserializer=_loads,
        pool_size=16,
        max_overflow=16,
        pool_pre_ping=True,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # One file, WAL so readers never wait on the writer, and a generous busy timeout (DESIGN).
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get("spaceport_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
