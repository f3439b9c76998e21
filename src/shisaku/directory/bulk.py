"""The database's bulk path for large loads: COPY on PostgreSQL, executemany on SQLite.

A national pool has some 100,000 firms and two million capability and facet rows; building
model instances for them costs minutes. These helpers write plain tuples inside the caller's
transaction (so a load stays all-or-nothing), allocate primary keys up front, and refresh the
planner's statistics afterwards.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from django.db import connection, models

_CHUNK = 20_000
T = TypeVar("T")


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert ``rows`` into ``table``; returns how many. Identifiers are the code's own."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - fixed identifiers
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        buffer: list[tuple[Any, ...]] = []
        for row in rows:
            buffer.append(row)
            if len(buffer) >= _CHUNK:
                cursor.executemany(sql, buffer)
                count += len(buffer)
                buffer = []
        if buffer:
            cursor.executemany(sql, buffer)
            count += len(buffer)
    return count


def insert_pairs(table: str, columns: tuple[str, str], first: Any, seconds: Sequence[int]) -> None:
    """Insert the rows (``first``, s) for every s of ``seconds``, in order (links of a batch)."""
    if not seconds:
        return
    if connection.vendor != "sqlite":
        insert_rows(table, columns, ((first, s) for s in seconds))
        return
    # One statement: SQLite reads the list itself instead of binding a row at a time.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns[0]}, {columns[1]}) "  # noqa: S608
                       "SELECT %s, value FROM json_each(%s) ORDER BY key",
                       [first, json.dumps([int(s) for s in seconds])])


def insert_keyed_rows(table: str, columns: Sequence[str], ids: Sequence[int],
                      rows: str | Sequence[Sequence[Any]]) -> None:
    """Insert rows whose first value is a position in ``ids`` (it is stored as that id).

    ``rows`` may be a JSON list of those rows (json_text_of_rows, made where the rows were):
    SQLite then reads it in one statement instead of binding a million parameters, when
    ``ids`` run without gaps (allocate_ids gives such keys) and every value is text or an
    integer (JSON keeps those exactly). Otherwise they are inserted as plain rows.
    """
    if (isinstance(rows, str) and connection.vendor == "sqlite" and ids
            and list(ids) == list(range(ids[0], ids[0] + len(ids)))):
        values = ", ".join(["%s + json_extract(value, '$[0]')", *(
            f"json_extract(value, '$[{i}]')" for i in range(1, len(columns)))])
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                           f"SELECT {values} FROM json_each(%s) ORDER BY key", [ids[0], rows])
        return
    plain: Sequence[Sequence[Any]] = json.loads(rows) if isinstance(rows, str) else rows
    insert_rows(table, columns, ((ids[row[0]], *row[1:]) for row in plain))


def json_text_of_rows(rows: Sequence[Sequence[Any]]) -> str:
    """``rows`` as a JSON list for insert_keyed_rows (text and integers only)."""
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


# Loads of at least this many records make their rows in a helper process (made_elsewhere).
HELPER_FROM = 10_000


def made_elsewhere(produce: Callable[[], Iterable[T]], *,
                   helper: bool) -> Generator[T, None, None]:
    """The items of ``produce()``, made in a helper process when ``helper`` (and the platform
    can fork, and this process runs no other thread), else here.

    The helper is a fork of this process: it has the records without copying them, never
    touches the database (the load's transaction stays this process's alone) and sends each
    item back pickled, so the Python work of making rows runs on a second core while this
    process writes the previous batch. Its failure is raised here; closing this generator early
    (a failed write) stops it.
    """
    if not helper or not hasattr(os, "fork") or threading.active_count() > 1:
        yield from produce()
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: make, send, leave without running any exit handler
        code = 0
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb", buffering=1 << 20) as out:
                try:
                    for item in produce():
                        pickle.dump((1, item), out, protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # every failure goes to the parent
                    try:
                        pickle.dump((2, exc), out, protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:  # an exception that cannot be pickled
                        pickle.dump((2, RuntimeError(repr(exc))), out)
                else:
                    pickle.dump((0, None), out)
        except BaseException:  # the parent sees the pipe close early
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb", buffering=1 << 20) as received:
            while True:
                try:
                    kind, item = pickle.load(received)  # noqa: S301 - our own fork writes it
                except EOFError:
                    raise RuntimeError("the load's helper process stopped early") from None
                if kind == 0:
                    return
                if kind == 2:
                    raise item
                yield item
    finally:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # only still running when this load failed early
        os.waitpid(pid, 0)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a large load: the records, rows and parsed file it
    holds (millions of objects, none of them garbage) would be traversed again and again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # Everything made meanwhile sits in the youngest generation, which the first
            # allocation after enable() would traverse whole (3 s after reading a pool): move
            # it to the oldest one instead, as if it had survived collections all along.
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def update_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """UPDATE ``table`` SET columns by id; each row is (*values, id)."""
    sql = (f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} "  # noqa: S608
           "WHERE id = %s")
    with connection.cursor() as cursor:
        buffer: list[tuple[Any, ...]] = []
        for row in rows:
            buffer.append(row)
            if len(buffer) >= _CHUNK:
                cursor.executemany(sql, buffer)
                buffer = []
        if buffer:
            cursor.executemany(sql, buffer)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, reserved for the calling transaction.

    PostgreSQL draws them from the table's sequence (safe beside other writers); SQLite holds
    the database's write lock for the whole transaction (``BEGIN IMMEDIATE``), so the keys
    after the current maximum stay free until it commits.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [table, count])
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(start, int(row[0]) if row else 0)
    return list(range(start + 1, start + 1 + count))


_JSON_LISTS: dict[tuple[str, ...], str] = {}


def json_text(value: Any) -> str:
    """A JSON column's value as the ORM writes it (code lists repeat: they are memoised)."""
    if type(value) is list and all(type(v) is str for v in value):
        key = tuple(value)
        text = _JSON_LISTS.get(key)
        if text is None:
            text = json.dumps(value)
            if len(_JSON_LISTS) < 100_000:
                _JSON_LISTS[key] = text
        return text
    return json.dumps(value)


def jsonb_text(value: Any) -> str:
    """A value for a PostgreSQL jsonb column: json_text with text as UTF-8 rather than escapes
    (the same jsonb; half the bytes to send and parse for descriptions in Korean or Japanese)."""
    if type(value) is list:
        return json_text(value)
    return json.dumps(value, ensure_ascii=False)


@contextmanager
def bulk_session() -> Iterator[None]:
    """Settings of the connection for a large load: SQLite gets a page cache big enough to
    hold the indexes being built (its default of 2 MB makes every insert a cache miss)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, in KiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def analyze(tables: Sequence[str]) -> None:
    """Refresh the planner's statistics after a bulk load (filtered SQL was 2-4x slower and
    the first list request took seconds without them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


# Loads at least this large, and at least as large as what is stored, rebuild indexes after.
REBUILD_INDEXES_FROM = 10_000


@contextmanager
def indexes_rebuilt_after(tables: Sequence[str], *, child_tables: Sequence[str] = ()) -> Iterator[None]:
    """Drop the secondary (non-unique) indexes of ``tables`` and the foreign keys of
    ``child_tables`` for the duration of a large load, then build them again in one pass.

    Call inside the load's transaction: DDL is transactional on PostgreSQL and SQLite, so a
    failed load restores them with everything else, and the re-added foreign keys check every
    row (one join instead of a trigger per row). The tables stay locked for writers, and on
    PostgreSQL for readers too, until the load commits: meant for initial loads of a pool.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT i.indisprimary AND NOT i.indisunique", [list(tables)])
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [list(child_tables)])
            keys = cursor.fetchall()
            for name, table, _definition in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        else:
            indexes = []
            for table in tables:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND sql IS NOT NULL AND tbl_name = %s "
                               "AND sql NOT LIKE 'CREATE UNIQUE%%'", [table])
                indexes += [(f'"{name}"', sql) for name, sql in cursor.fetchall()]
            keys = []
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL builds no index on a table with queued deferred checks: run them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Room to sort the facet index (1.7 million entries at 100,000 firms) in memory:
            # for this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, table, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
