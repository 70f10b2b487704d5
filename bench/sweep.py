"""The million-card sweep (issue 9): `revoke_expired_cards` against one raw UPDATE of the same rows.

    .venv/bin/python bench/sweep.py              # 1,000,000 cards, 100,000 expired, SQLite and PostgreSQL
    .venv/bin/python bench/sweep.py --quick      # 50,000 / 5,000: a smoke run
    .venv/bin/python bench/sweep.py --db sqlite --total 200000 --expired 20000

One wave is loaded (schema by the real migrations, rows by bulk INSERT or COPY) into a template
database; every measurement runs on a fresh copy of it, so each starts from the same rows:
the sweep (in a spawned process, for a clean peak RSS), one raw UPDATE of the same rows, the sweep
again under tracemalloc, then the sweep and the raw UPDATE on a wave twice as big with the same
expired cards. `--repeat N` keeps the best of N timings. Figures only: nothing here is a test.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from sqlalchemy import bindparam, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.clock import WIB
from portal.extensions import db
from portal.models import BlacklistEntry, Card, LedgerEntry, Wave
from portal.models.types import UTCDateTime
from portal.services.cards import TRAINING_BALANCE, open_deadline_after, purchase_deadline
from portal.services.revocation import REASON

MAX_RATIO = 3.0  # the sweep within 3× one raw UPDATE
MAX_PEAK_MB = 200
SAME_TIME = 1.3  # "about the same time": twice the cards, at most 30 % slower
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

TODAY = date(2021, 4, 10)  # wave 13's deadline (8 April) has passed
NOW = datetime.combine(TODAY, time(0, 5), tzinfo=WIB).astimezone(UTC)  # a scheduled run, 00:05 WIB
PRICE = 500_000  # what a card that bought spent on its first training
CHUNK = 10_000


# --- the wave -------------------------------------------------------------------------------------

COHORT_PER_EXPIRED = 5  # one in five of the cohort whose deadline has just passed bought nothing


@dataclass(frozen=True)
class Layout:
    """`total` cards in acceptance order (card id = acceptance order), in three groups:

    - older cards, accepted 33–60 days before TODAY, all bought in time: passed deadlines the sweep must skip;
    - the cohort whose deadline was yesterday (accepted 31 days before): `expired` of them, spread
      evenly, bought nothing, the others bought;
    - newer cards, accepted 1–30 days before, still open; one in five has bought.

    The cohort does not change with the total; the other cards are split between older and newer.
    So a wave twice as big keeps its expired cards as dense among their neighbours as before,
    as the cards of other waves would.
    """

    total: int
    expired: int

    @property
    def cohort(self) -> int:
        return min(self.total, COHORT_PER_EXPIRED * self.expired)

    @property
    def older(self) -> int:
        return (self.total - self.cohort) // 2

    def doubled(self) -> Layout:
        return Layout(2 * self.total, self.expired)

    def card(self, i: int) -> tuple[int, bool]:
        """(days accepted before TODAY, bought) of the card with index `i`."""
        older, cohort = self.older, self.cohort
        if i < older:
            return 60 - i * 28 // older, True
        j = i - older
        if j < cohort:
            return 31, (j + 1) * self.expired // cohort == j * self.expired // cohort
        return 30 - (j - cohort) * 30 // (self.total - older - cohort), i % 5 == 0


def _days(stored) -> dict[int, tuple]:
    """(accepted, deadline, first purchase) for each acceptance day, already as the database stores them."""
    days = {}
    for before in range(1, 61):
        accepted = datetime.combine(TODAY - timedelta(days=before), time(10, 0), tzinfo=WIB).astimezone(UTC)
        days[before] = tuple(map(stored, (accepted, purchase_deadline(accepted), accepted + timedelta(hours=1))))
    return days


CARD_COLUMNS = ("id", "number", "holder_nik", "holder_name", "phone", "wave_id", "accepted_at", "deadline_at",
                "balance", "status", "first_purchase_at", "created_at")
LEDGER_COLUMNS = ("kind", "card_id", "amount", "created_at")


def chunks(layout: Layout, wave_id: int, stored):
    """CHUNK cards at a time, as tuples of CARD_COLUMNS, with their ledger entries as tuples of LEDGER_COLUMNS."""
    days = _days(stored)
    births: dict[int, str] = {}
    cards, ledger = [], []
    for i in range(layout.total):
        before, bought = layout.card(i)
        accepted, deadline, purchased = days[before]
        if i // 9999 not in births:  # NIK: Jakarta Pusat, a birth date DDMMYY, a serial 0001–9999
            births[i // 9999] = f"{date(1975, 1, 1) + timedelta(days=i // 9999):%d%m%y}"
        balance = TRAINING_BALANCE - PRICE if bought else TRAINING_BALANCE
        cards.append((i + 1, str(9 * 10**15 + i), f"317102{births[i // 9999]}{i % 9999 + 1:04d}", f"Peserta {i + 1}",
                      f"+62812{i:08d}", wave_id, accepted, deadline, balance, "active", purchased if bought else None,
                      accepted))
        ledger.append(("grant", i + 1, TRAINING_BALANCE, accepted))
        if bought:
            ledger.append(("purchase", i + 1, PRICE, purchased))
        if len(cards) == CHUNK or i == layout.total - 1:
            yield cards, ledger
            cards, ledger = [], []


def _copy_in(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)


def _insert_many(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


@contextmanager
def indexes_built_after(conn, *tables):
    """Drop the tables' secondary indexes for the load and build them again from the models after it:
    one sort each instead of a million inserts into each. Unique constraints stay, so they are checked."""
    indexes = [index for table in tables for index in table.indexes]
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)


def load_cards(layout: Layout) -> None:
    """The wave, its cards and their grant and purchase entries: COPY on PostgreSQL, executemany on SQLite.

    Values go in already converted (UTCDateTime's own bind processor), so the driver does no per-row work.
    """
    with indexes_built_after(db.session.connection(), Card.__table__, LedgerEntry.__table__):
        _load(layout)
    db.session.commit()


def _load(layout: Layout) -> None:
    bought = sum(layout.card(i)[1] for i in range(layout.total))  # the wave's counter, as the purchases keep it
    wave_id = db.session.execute(insert(Wave).values(
        number=13, quota=layout.total, cards_issued=layout.total, cards_bought=bought,
        opened_at=NOW - timedelta(days=60),
    ).returning(Wave.id)).scalar_one()
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        stored = datetime.isoformat  # COPY's text format; formatted once per day, not once per row
        # No foreign-key trigger per row (the rows are consistent by construction): a superuser setting,
        # as the default URL's user is; this transaction only.
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        cursor = conn.connection.driver_connection.cursor()
        for cards, ledger in chunks(layout, wave_id, stored):
            _copy_in(cursor, "cards", CARD_COLUMNS, cards)
            _copy_in(cursor, "ledger_entries", LEDGER_COLUMNS, ledger)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('cards', 'id'), :n)"), {"n": layout.total})
    else:
        stored = UTCDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
        for cards, ledger in chunks(layout, wave_id, stored):
            _insert_many(conn, "cards", CARD_COLUMNS, cards)
            _insert_many(conn, "ledger_entries", LEDGER_COLUMNS, ledger)


@contextmanager
def portal_app(url: str):
    """An app context on `url`; its connections are closed after (a template database must have none)."""
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


class SqliteScratch:
    """Databases as files in a temporary folder; a copy is a file copy."""

    name = "sqlite"

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="bench_sweep_")

    def url(self, label: str) -> str:
        return f"sqlite:///{Path(self.folder.name) / label}.sqlite3"

    def create(self, label: str) -> str:
        return self.url(label)

    def settle(self, url: str) -> None:
        # Everything into the main file (WAL mode), so a file copy is the whole database.
        # Outside any transaction: the portal begins IMMEDIATE outside requests, and a checkpoint
        # cannot truncate the log under a write lock.
        with portal_app(url), db.engine.connect() as conn:
            conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").close()

    def clone(self, source: str, label: str) -> str:
        import shutil

        target = make_url(self.url(label)).database
        shutil.copyfile(make_url(source).database, target)
        # On disk now: else the sweep's first checkpoint fsync would write out the whole copy, and bill
        # a 2-million-card database twice what it bills a 1-million one.
        with open(target, "rb+") as copy:
            os.fsync(copy.fileno())
        return self.url(label)

    def drop(self, url: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(make_url(url).database + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        self.folder.cleanup()


class PostgresScratch:
    """Databases `bench_sweep_<pid>_<label>` on the server; a copy is CREATE DATABASE … TEMPLATE."""

    name = "postgresql"

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.base = make_url(admin_url)
        self.made: list[str] = []

    def url(self, label: str) -> str:
        return self.base.set(database=f"bench_sweep_{os.getpid()}_{label}").render_as_string(hide_password=False)

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, label: str) -> str:
        url = self.url(label)
        self._run(f"CREATE DATABASE {make_url(url).database}")
        self.made.append(url)
        return url

    def settle(self, url: str) -> None:
        # Freshly loaded rows get their hint bits and statistics now, not during the first measurement;
        # in production autovacuum does the same long before a deadline.
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM (FREEZE, ANALYZE)"))
        engine.dispose()

    def clone(self, source: str, label: str) -> str:
        url = self.url(label)
        self._run(f"CREATE DATABASE {make_url(url).database} TEMPLATE {make_url(source).database} STRATEGY FILE_COPY")
        self.made.append(url)
        return url

    def drop(self, url: str) -> None:
        self._run(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")
        if url in self.made:
            self.made.remove(url)

    def close(self) -> None:
        for url in list(self.made):
            self.drop(url)
        self.admin.dispose()


def build(scratch, label: str, layout: Layout) -> str:
    """A template database: the migrations, then one wave of cards and their ledger."""
    from flask_migrate import upgrade

    url = scratch.create(label)
    start = perf_counter()
    with portal_app(url):
        with redirect_stderr(io.StringIO()):  # Alembic's INFO lines, one per migration
            upgrade()
        load_cards(layout)
    scratch.settle(url)
    log(f"{scratch.name}: loaded {layout.total:,} cards ({layout.expired:,} expired) in {perf_counter() - start:.1f} s")
    return url


STARTED = perf_counter()


def log(line: str) -> None:
    print(f"[{perf_counter() - STARTED:5.1f} s] {line}", file=sys.stderr, flush=True)


# --- the sweep, in a child process ---------------------------------------------------------------

def sweep_in_child(url: str, batch_size: int | None, trace: bool) -> dict:
    """Runs in a spawned process: time `revoke_expired_cards(NOW)`; its own peak RSS and tracemalloc peak."""
    import resource
    import tracemalloc

    from portal.jobs.sweep import revoke_expired_cards

    with portal_app(url):
        db.session.execute(select(1))  # connected before the clock starts, as a scheduled run is
        db.session.commit()
        ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        start = perf_counter()
        counts = revoke_expired_cards(NOW) if batch_size is None else revoke_expired_cards(NOW, batch_size)
        seconds = perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"seconds": seconds, "counts": counts, "rss_mb": peak / 1024, "rss_growth_mb": (peak - ready) / 1024,
            "traced_mb": traced / 2**20}


def warm_up() -> None:
    from portal.jobs.sweep import revoke_expired_cards  # noqa: F401

    create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@contextmanager
def sweep_process():
    """One spawned process per database for all its sweeps. Spawned, not forked, so it holds nothing of
    ours; its first sweep is the judged one, so its peak RSS is the app plus that sweep and nothing else
    (ru_maxrss only ever grows: the later sweeps' figures are their time and tracemalloc peak)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(warm_up)  # imports and builds the app while we load the data
        yield lambda url, batch_size, trace: pool.submit(sweep_in_child, url, batch_size, trace).result()


# --- one raw UPDATE -------------------------------------------------------------------------------

RAW_UPDATE = text(
    "UPDATE cards SET status = 'revoked', revoked_at = :now, revoke_reason = :reason, balance = 0"
    " WHERE status = 'active' AND first_purchase_at IS NULL AND deadline_at <= :cutoff"
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("cutoff", type_=UTCDateTime()))


def run_raw_update(url: str) -> tuple[float, int]:
    """The floor: one statement, one commit, the same rows as the sweep; no ledger, no blacklist."""
    with portal_app(url):
        with db.engine.connect() as conn:
            conn.execute(select(1))
            conn.commit()
            start = perf_counter()
            with conn.begin():
                rows = conn.execute(RAW_UPDATE, {"now": NOW, "reason": REASON,
                                                 "cutoff": open_deadline_after(NOW)}).rowcount
            return perf_counter() - start, rows


# --- checking the result --------------------------------------------------------------------------

def verify(url: str, expired: int, ledger: bool) -> list[str]:
    """What went wrong after a sweep: counts of revoked cards, returns, blacklist; the ledger check."""
    from portal.services.ledger import check_ledger

    problems = []
    with portal_app(url):
        found = {
            "revoked cards": db.session.scalar(select(func.count()).where(Card.status == "revoked")),
            "return entries": db.session.scalar(select(func.count()).where(LedgerEntry.kind == "return")),
            "blacklist entries": db.session.scalar(select(func.count()).select_from(BlacklistEntry)),
            "wave revoked_count": db.session.scalar(select(func.sum(Wave.revoked_count))),
        }
        problems += [f"{what}: {n:,}, expected {expired:,}" for what, n in found.items() if n != expired]
        returned = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == "return"))
        if returned != expired * TRAINING_BALANCE:
            problems.append(f"returned Rp{returned:,}, expected Rp{expired * TRAINING_BALANCE:,}")
        if ledger:
            start = perf_counter()
            report = check_ledger()
            problems += [f"ledger: {p}" for p in report.problems]
            log(f"  ledger check ({perf_counter() - start:.1f} s): {report.cards:,} cards, granted Rp{report.granted:,}"
                f" = on cards Rp{report.on_cards:,} + purchases Rp{report.purchased:,} + returned Rp{report.returned:,}"
                f": {'balanced' if report.balanced else 'OFF'}")
    return problems


# --- one database, end to end ---------------------------------------------------------------------

@dataclass
class Figures:
    database: str
    layout: Layout
    first_sweep: dict  # the worker's first sweep: its peak RSS is clean
    traced: dict
    times: dict[str, list[float]]  # "sweep", "raw", "sweep 2×", "raw 2×": seconds of each run
    problems: list[str]

    def best(self, what: str) -> float:
        return min(self.times[what])  # of --repeat runs, the one the machine's other users disturbed least

    @property
    def ratio(self) -> float:
        return self.best("sweep") / self.best("raw")

    @property
    def scaling(self) -> float:
        return self.best("sweep 2×") / self.best("sweep")


def on_copy(scratch, template: str, label: str, measure):
    url = scratch.clone(template, label)
    try:
        return measure(url)
    finally:
        scratch.drop(url)


def bench_database(scratch, layout: Layout, batch_size: int | None, repeat: int) -> Figures:
    problems: list[str] = []

    def sweep(run, trace: bool = False, ledger: bool = False):
        def measure(url):
            figures = run(url, batch_size, trace)
            log(f"{scratch.name}: sweep{' (traced)' if trace else ''} {figures['seconds']:.2f} s, {figures['counts']}")
            problems.extend(verify(url, layout.expired, ledger))
            return figures
        return measure

    def raw(url):
        seconds, rows = run_raw_update(url)
        log(f"{scratch.name}: raw UPDATE {seconds:.2f} s, {rows:,} rows")
        if rows != layout.expired:
            problems.append(f"raw UPDATE changed {rows:,} rows, expected {layout.expired:,}")
        return seconds

    times: dict[str, list[float]] = {"sweep": [], "raw": [], "sweep 2×": [], "raw 2×": []}
    with sweep_process() as run:
        template = build(scratch, "base", layout)
        try:
            sweeps = []
            for i in range(repeat):  # alternated, so a busy spell on the machine hurts both alike
                sweeps.append(on_copy(scratch, template, "sweep", sweep(run, ledger=i == 0)))
                times["raw"].append(on_copy(scratch, template, "raw", raw))
            times["sweep"] = [figures["seconds"] for figures in sweeps]
            traced = sweep(run, trace=True)(template)  # the template's last use: no copy needed
        finally:
            scratch.drop(template)
        template = build(scratch, "double", layout.doubled())
        try:
            for _ in range(repeat):
                times["sweep 2×"].append(on_copy(scratch, template, "sweep2", sweep(run))["seconds"])
                times["raw 2×"].append(on_copy(scratch, template, "raw2", raw))
        finally:
            scratch.drop(template)
    return Figures(scratch.name, layout, sweeps[0], traced, times, problems)


# --- the report -----------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_table(rows: list[Figures]) -> None:
    head = (f"{'database':<11}{'total':>11}{'expired':>10}{'sweep s':>9}{'raw s':>8}{'ratio':>7}  {'≤3×':<5}"
            f"{'peak MB':>8}{'growth':>8}{'traced':>8}  {'<200':<5}{'2× sweep s':>11}{'2× raw s':>9}{'2×/1×':>7}"
            f"  {'same':<5}")
    print(head)
    print("-" * len(head))
    for f in rows:
        peak = f.first_sweep["rss_mb"]
        print(f"{f.database:<11}{f.layout.total:>11,}{f.layout.expired:>10,}{f.best('sweep'):>9.2f}{f.best('raw'):>8.2f}"
              f"{f.ratio:>7.2f}  {verdict(f.ratio <= MAX_RATIO):<5}{peak:>8.0f}{f.first_sweep['rss_growth_mb']:>8.1f}"
              f"{f.traced['traced_mb']:>8.1f}  {verdict(peak < MAX_PEAK_MB):<5}{f.best('sweep 2×'):>11.2f}"
              f"{f.best('raw 2×'):>9.2f}{f.scaling:>7.2f}  {verdict(f.scaling <= SAME_TIME):<5}")
    print()
    print("sweep s: revoke_expired_cards(now) in a child process, batches committed;"
          " raw s: one UPDATE of the same rows, one commit.")
    print(f"peak MB (judged, < {MAX_PEAK_MB}): the sweep process's whole peak RSS, interpreter and app included;"
          " growth: RSS added by the sweep;")
    print("  traced: tracemalloc peak of Python allocations during a later sweep in the same process.")
    print(f"2× sweep s / 2× raw s: the same on twice the cards with the same expired ones; same: 2×/1× sweep"
          f" ≤ {SAME_TIME}.")
    for f in rows:
        for problem in f.problems:
            print(f"{f.database}: WRONG: {problem}")
        if not f.problems:
            print(f"{f.database}: after every sweep the counts were right; the ledger check balanced.")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 cards of which 5,000 expired")
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--expired", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_PG,
                        help="used only to CREATE and DROP the scratch bench_sweep_* databases; a superuser, as the"
                             " load turns off per-row foreign-key triggers")
    parser.add_argument("--batch-size", type=int, help="the sweep's batch size (default: the portal's own)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the sweeps and the raw UPDATE this many times each and keep the best")
    args = parser.parse_args(argv)
    if args.quick:
        args.total, args.expired = 50_000, 5_000
    if not 0 < args.expired <= args.total:
        parser.error("--expired must be between 1 and --total")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    layout = Layout(args.total, args.expired)
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    rows = []
    for name in databases:
        scratch = SqliteScratch() if name == "sqlite" else PostgresScratch(args.postgres_url)
        try:
            rows.append(bench_database(scratch, layout, args.batch_size, args.repeat))
        finally:
            scratch.close()
    print_table(rows)
    if args.quick:
        print("--quick: a smoke run. Its expired cards make one batch, so fixed costs dominate and the verdicts"
              " mean little; the targets are for 1,000,000 / 100,000.")
    return 1 if any(f.problems for f in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
