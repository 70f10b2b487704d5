"""A gunicorn worker's memory under a long run of journey pages: RSS after 1,000 requests and after 20,000.

For each database: a scratch database migrated with `flask db upgrade`, the demo catalogue, 40
participants of wave 13 (half of them have bought a training, so their portfolio lists it), and
gunicorn with ONE worker (4 threads, gunicorn.conf.py), so the worker whose memory is read is the
one that served every request. After a warm-up, clients send GETs over a mix of journey pages:

- the catalogue, half of the time with a search (a word of the catalogue or a word that matches
  nothing), a province, an order or a page: many distinct addresses, as real visitors make;
- a programme's page (one of the 40);
- the Portofolio of a logged-in participant (a forged session cookie, as bench/load.py makes them);
- the Daftar page of a labelled offering, logged in.

The worker's VmRSS (/proc/<pid>/status) is read with no request in flight at each checkpoint;
the target is RSS after 20,000 requests within 10% of RSS after 1,000. Exit status 0 when it ran
(a MISS is a figure), 1 when a response was not 200, the worker was replaced, or the server did not
start.

    .venv/bin/python bench/memory.py --quick     # 100 then 1,000 requests
    .venv/bin/python bench/memory.py             # 1,000 then 20,000 requests
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (  # noqa: E402  (the repository's root must be on the path first)
    USER_AGENT,
    Bench,
    BenchError,
    SessionForge,
    choose_limits,
    deadline_day_acceptance,
    migrate,
    portal_app,
    portal_env,
    rss_kib,
    run_each,
    say,
    seed_catalogue,
    seed_participants,
    terminate_on_sigterm,
)

try:
    import aiohttp
except ImportError:  # pragma: no cover
    sys.exit("bench/memory.py needs aiohttp: .venv/bin/pip install -r bench/requirements.txt")

TARGET_GROWTH = 0.10
PARTICIPANTS = 40
WORDS = ("web", "menjahit", "digital", "bahasa", "las", "kopi", "pemasaran", "kue", "listrik", "desain")
PROVINCES = ("11", "31", "32", "33", "35", "51", "64", "73", "94")
SORTS = ("termurah", "termahal", "judul", "penyedia")
MIX = (("catalogue", 35), ("programme", 25), ("portofolio", 20), ("daftar", 20))


def seed_world() -> dict:
    """The catalogue, the participants and what the mix needs to know (inside an app context)."""
    from sqlalchemy import select

    from portal import clock
    from portal.extensions import db
    from portal.models import Card, Offering, Programme, Provider, User
    from portal.services.purchases import buy_training

    now = clock.now()
    seed_catalogue()
    participants = seed_participants(PARTICIPANTS, 13, deadline_day_acceptance(now), now)
    labelled = db.session.scalars(
        select(Offering).join(Provider).where(Provider.prakerja_label.is_(True), Offering.price <= 1_000_000,
                                              Offering.seats >= 5).order_by(Offering.id)).all()
    for n, who in enumerate(participants[: PARTICIPANTS // 2]):  # a portfolio with a training in it
        card = db.session.scalar(select(Card).where(Card.number == who.card_number))
        buy_training(db.session.get(User, who.user_id), card, labelled[n % len(labelled)], now)
    db.session.commit()
    return {"participants": participants, "offerings": [o.id for o in labelled],
            "slugs": list(db.session.scalars(select(Programme.slug).order_by(Programme.id)))}


def next_request(rng: random.Random, world: dict, forge: SessionForge) -> tuple[str, str, dict]:
    """(kind, path with query, headers) of one request of the mix."""
    kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
    if kind == "catalogue":
        query = {}
        if rng.random() < 0.5:
            choice = rng.random()
            if choice < 0.4:
                query["q"] = rng.choice(WORDS) if rng.random() < 0.7 else f"kata{rng.randrange(10**6)}"
            elif choice < 0.6:
                query["provinsi"] = rng.choice(PROVINCES)
            elif choice < 0.8:
                query["urut"] = rng.choice(SORTS)
            else:
                query["halaman"] = str(rng.randint(2, 4))
        path = "/pelatihan/" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        return kind, path, {}
    if kind == "programme":
        return kind, f"/pelatihan/program/{rng.choice(world['slugs'])}", {}
    who = rng.choice(world["participants"])
    cookie = {"Cookie": f"session={forge.cookie(who.user_id, who.session_version)}"}
    if kind == "portofolio":
        return kind, "/portofolio/", cookie
    return kind, f"/prakerja/daftar/{rng.choice(world['offerings'])}", cookie


async def send(base: str, count: int, concurrency: int, rng: random.Random, world: dict, forge: SessionForge,
               statuses: Counter) -> None:
    """`count` requests of the mix from `concurrency` keep-alive clients; returns when all have answered."""
    left = count
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base, connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     headers={"User-Agent": USER_AGENT, "Accept-Language": "id"},
                                     timeout=aiohttp.ClientTimeout(total=60)) as http:
        async def client():
            nonlocal left
            while left > 0:
                left -= 1
                kind, path, headers = next_request(rng, world, forge)
                try:
                    async with http.get(path, headers=headers, allow_redirects=False) as response:
                        await response.read()
                        statuses[(kind, response.status)] += 1
                except (TimeoutError, aiohttp.ClientError) as error:
                    statuses[(kind, type(error).__name__)] += 1

        await asyncio.gather(*(client() for _ in range(concurrency)))


def run_database(kind: str, args, bench: Bench) -> dict:
    started = time.monotonic()
    database = bench.database(kind)
    limits = choose_limits(args.limits, f"{bench.tag}_{kind}_memory")
    bench.limits.append(limits)
    env = portal_env(database, bench.secret, limits)
    migrate(env)
    server = bench.server(env, workers=args.workers, name=f"memory-{kind}")
    with portal_app(env) as app, app.app_context():
        from portal.extensions import db

        world = seed_world()
        forge = SessionForge(app, world["participants"][0].user_id)
        db.session.remove()
        db.engine.dispose()
    server.wait_ready()
    workers = server.worker_pids()
    say(f"  {database.label}: ready in {time.monotonic() - started:.1f} s; {server.describe()}, worker pid(s) "
        f"{workers}; {limits.describe()}; {args.clients} concurrent keep-alive clients")
    rng, statuses, readings = random.Random(args.seed), Counter(), []
    mix = ", ".join(f"{name} {weight}%" for name, weight in MIX)
    say(f"  mix: {mix} (catalogue: half with a search, province, order or page)")
    asyncio.run(send(server.base, args.warmup, args.clients, rng, world, forge, statuses))
    sent, clock_started = 0, time.monotonic()
    say(f"  warm-up: {args.warmup} requests (not counted)")
    say(f"  {'requests':>9}{'seconds':>9}{'req/s':>7}" + "".join(f"{'RSS ' + str(p):>16}" for p in workers))
    for mark in args.marks:
        asyncio.run(send(server.base, mark - sent, args.clients, rng, world, forge, statuses))
        sent = mark
        time.sleep(0.3)  # the worker has sent its last response; let it finish its own bookkeeping
        if server.worker_pids() != workers:
            raise BenchError(f"the workers changed during the run: {workers} -> {server.worker_pids()}")
        reading = [rss_kib(pid) for pid in workers]
        readings.append((mark, reading))
        elapsed = time.monotonic() - clock_started
        rss = "".join(f"{kib / 1024:>12.1f} MiB" for kib in reading)
        say(f"  {mark:>9,}{elapsed:>9.1f}{mark / elapsed:>7.0f}{rss}")
    server.stop()
    bad = {key: n for key, n in statuses.items() if key[1] != 200}
    problems = [f"responses other than 200: {bad}"] if bad else []
    problems += [f"server log: {line[:300]}" for line in server.log_problems()[:3]]
    (first, before), (last, after) = readings[0], readings[-1]
    growth = max((b - a) / a for a, b in zip(before, after, strict=True))
    for problem in problems:
        say(f"  PROBLEM: {problem}")
    by_kind = Counter()
    for (name, _status), n in statuses.items():
        by_kind[name] += n
    say(f"  requests by page (warm-up included): {dict(by_kind)}")
    return {"kind": kind, "first": first, "last": last, "before": before, "after": after, "growth": growth,
            "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 then 1,000 requests")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="postgresql",
                        help="database (default postgresql, as production)")
    parser.add_argument("--workers", type=int, default=1,
                        help="gunicorn workers (default 1: the one whose memory is read served every request)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--limits", choices=("auto", "redis", "off"), default="auto",
                        help="Flask-Limiter: Redis with generous limits (auto: when Redis answers) or off")
    parser.add_argument("--seed", type=int, default=20210408, help="the mix's random seed")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (gunicorn logs, SQLite file)")
    args = parser.parse_args(argv)
    args.warmup = 50 if args.quick else 200
    args.marks = [100, 500, 1000] if args.quick else [1000, 2000, 5000, 10_000, 15_000, 20_000]
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)

    terminate_on_sigterm()
    bench, started = Bench(keep=args.keep), time.monotonic()
    say(f"== bench/memory.py: worker RSS after {args.marks[0]:,} and {args.marks[-1]:,} requests ==")
    results, status = run_each(kinds, lambda kind: run_database(kind, args, bench), bench)
    if status:
        return status
    say("\n== summary (bench/memory.py" + (" --quick" if args.quick else "") + ") ==")
    for r in results:
        before = " / ".join(f"{kib / 1024:.1f}" for kib in r["before"])
        after = " / ".join(f"{kib / 1024:.1f}" for kib in r["after"])
        verdict = "PASS" if r["growth"] <= TARGET_GROWTH else "MISS"
        say(f"  {verdict}  {r['kind']}: worker RSS {before} MiB after {r['first']:,} requests, {after} MiB after "
            f"{r['last']:,}: {100 * r['growth']:+.1f}% (target <= +{100 * TARGET_GROWTH:.0f}%)"
            + (f"; {len(r['problems'])} PROBLEM(S)" if r["problems"] else ""))
    say(f"total {time.monotonic() - started:.0f} s")
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
