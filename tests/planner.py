"""SQLite's query planner shown other statistics, for tests that read its plans."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Connection


@contextmanager
def ticket_statistics(connection: Connection, statistics: Mapping[str, str]) -> Iterator[None]:
    """While the block runs, SQLite's planner sees `statistics` (index: stat, as ANALYZE
    writes them) for the ticket table, or none when it is empty; what was there after."""
    saved = [tuple(row) for row in connection.exec_driver_sql("SELECT * FROM sqlite_stat1")]
    rows = [("ticket", index, stat) for index, stat in statistics.items()]
    try:
        connection.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'ticket'")
        if rows:
            connection.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", rows)
        connection.exec_driver_sql("ANALYZE sqlite_schema")  # the planner reads them again
        yield
    finally:
        connection.exec_driver_sql("DELETE FROM sqlite_stat1")
        if saved:
            connection.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", saved)
        connection.exec_driver_sql("ANALYZE sqlite_schema")
