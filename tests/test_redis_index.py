"""The Redis index backend on a real redis-server started here: same answers as SQLite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup import load_corpus
from newsdedup.cli import cli
from newsdedup.store import open_index
from newsdedup.store_report import check_to_json

from .conftest import SEEDS
from .fastcorpus import fast_article, write_corpus

redis = pytest.importorskip("redis", reason="the redis client is not installed (pip install redis)")
S000, S001 = "000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _socket_path(tmp_path_factory) -> Path:
    """Where the session's server also listens: a unix socket (short path: the limit is ~100)."""
    return tmp_path_factory.getbasetemp() / "redis.sock"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server on a free localhost port, with no persistence, for this session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not found: apt-get install redis-server to run the Redis tests")
    socket = ("--unixsocket", str(_socket_path(tmp_path_factory)))
    proc, port = _start_redis(binary, tmp_path_factory.mktemp("redis"), *socket)
    if proc is None:
        pytest.skip(f"redis-server could not be started on port {port}")
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def _start_redis(
    binary: str, workdir: Path, *extra: str, password: str | None = None
) -> tuple[subprocess.Popen | None, int]:
    """Start a redis-server on a free localhost port and wait for its first reply; return
    (process, port), the process None when it did not come up within 15 s."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            *(binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""),
            *("--dir", str(workdir), *extra),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, password=password)
    deadline = time.monotonic() + 15
    try:
        while True:
            try:
                client.ping()
                return proc, port
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    return None, port
                time.sleep(0.05)
    finally:
        client.close()


@pytest.fixture
def url(redis_server) -> str:
    """An empty database on the session's server."""
    client = redis.Redis(host="127.0.0.1", port=redis_server)
    client.flushdb()
    client.close()
    return f"redis://127.0.0.1:{redis_server}/0"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """An archive and a day's batch with copies, cut copies and new articles."""
    root = tmp_path_factory.mktemp("corpora")
    archive, today = root / "archive", root / "today"
    texts = write_corpus(archive, 120, copies_every=9)
    today.mkdir()
    for n, text in enumerate(sorted(texts.values())[::5]):
        cut = text if n % 2 else text.rsplit("\n\n", 1)[0]
        (today / f"copy{n:03d}.txt").write_text(cut, encoding="utf-8")
        (today / f"new{n:03d}.txt").write_text(fast_article(50_000 + n), encoding="utf-8")
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, (today if path.name == S001 else archive) / path.name)
    return archive, today


class TestSameAnswersAsSqlite:
    def test_check_reports_are_byte_identical_before_and_after_remove(self, url, corpora, tmp_path):
        """Same archive in Redis and SQLite: checking a batch gives the same bytes, also after
        removing the same ids from both."""
        archive, today = corpora
        batch = load_corpus(today).articles
        gone = [S000, "d00/a00000.txt", "d00/a00005.txt", "missing.txt"]
        reports, after, counts = [], [], []
        for location in (url, str(tmp_path / "news.db")):
            with open_index(location, create=True) as index:
                index.add(load_corpus(archive).articles, chunk_size=64)
                reports.append(check_to_json(index.check(batch)))
                counts.append(len(index))
                assert index.remove(gone) == (gone[:3], ["missing.txt"])
                assert index.problems() == []
                after.append(check_to_json(index.check(batch)))
        assert reports[0] == reports[1]
        assert after[0] == after[1]
        report = json.loads(reports[0])
        assert report["summary"]["duplicates"] >= 20
        assert {"id": S001, "dups": [S000]} in [
            {"id": a["id"], "dups": [d["id"] for d in a["duplicates"]]} for a in report["articles"]
        ]
        assert S000 not in after[0]
        assert counts == [124, 124]


class TestRedisCli:
    def test_seeds_answer_through_a_redis_url(self, url, tmp_path):
        """index add / check with --index redis://…: 001 duplicates 000; 002 nothing."""
        archive = tmp_path / "archive"
        archive.mkdir()
        for path in SEEDS.glob("*.txt"):
            if path.name != S001:
                shutil.copy(path, archive / path.name)
        runner = CliRunner()
        assert runner.invoke(cli, ["index", "add", str(archive), "--index", url]).exit_code == 0
        result = runner.invoke(
            cli, ["index", "check", str(SEEDS / S001), "--index", url, "--format", "json"]
        )
        assert result.exit_code == 0, result.stderr
        assert [d["id"] for d in json.loads(result.stdout)["articles"][0]["duplicates"]] == [S000]
        clean = runner.invoke(
            cli,
            ["index", "check", str(archive / sorted(archive.iterdir())[1].name), "--index", url],
        )
        assert clean.exit_code == 0

    def test_prefixes_keep_two_indexes_apart_on_one_server(self, url, tmp_path):
        """?prefix=NAME makes separate indexes in one database."""
        runner = CliRunner()
        runner.invoke(cli, ["index", "add", str(SEEDS), "--index", f"{url}?prefix=a"])
        stats_a = runner.invoke(
            cli, ["index", "stats", "--index", f"{url}?prefix=a", "--format", "json"]
        )
        stats_b = runner.invoke(cli, ["index", "stats", "--index", f"{url}?prefix=b"])
        assert json.loads(stats_a.stdout)["articles"] == 5
        assert stats_b.exit_code == 2
        assert "no index there" in stats_b.stderr

    def test_other_parameters_exit_2(self, url):
        """A Redis index built with 128 permutations refuses --num-perm 64."""
        runner = CliRunner()
        runner.invoke(cli, ["index", "add", str(SEEDS), "--index", url])
        result = runner.invoke(
            cli, ["index", "check", str(SEEDS), "--index", url, "--num-perm", "64"]
        )
        assert result.exit_code == 2
        assert "index.num_perm=128" in result.stderr

    @pytest.mark.parametrize(("policy", "refused"), [("allkeys-lru", True), ("noeviction", False)])
    def test_a_server_that_evicts_keys_is_refused(self, url, redis_server, policy, refused):
        """QA 15a #1: under maxmemory with allkeys-lru, `add` said "added 8000" (exit 0) and
        the index held 500; a later check answered from half the archive. Such a server is
        refused before anything is written (exit 3); noeviction fails loudly when full, and
        is used."""
        admin = redis.Redis(host="127.0.0.1", port=redis_server)
        before = admin.config_get("maxmemory*")
        admin.config_set("maxmemory", str(256 << 20))
        admin.config_set("maxmemory-policy", policy)
        try:
            result = CliRunner().invoke(cli, ["index", "add", str(SEEDS), "--index", url])
        finally:
            admin.config_set("maxmemory", before["maxmemory"])
            admin.config_set("maxmemory-policy", before["maxmemory-policy"])
        if refused:
            assert result.exit_code == 3
            assert "evicts keys when full (maxmemory-policy allkeys-lru" in result.stderr
            assert admin.dbsize() == 0
        else:
            assert result.exit_code == 0, result.stderr
        admin.close()

    def test_eviction_is_read_by_config_get_where_info_is_denied(self, url, redis_server):
        """QA 16b #3: a user whose ACL denies INFO passed the eviction check unseen; the
        policy is read with CONFIG GET then."""
        admin = redis.Redis(host="127.0.0.1", port=redis_server)
        before = admin.config_get("maxmemory*")
        admin.acl_setuser(
            "noinfo",
            enabled=True,
            passwords=["+pw"],
            keys=["*"],
            channels=["*"],
            commands=["+@all", "-info"],
        )
        admin.config_set("maxmemory", str(256 << 20))
        admin.config_set("maxmemory-policy", "allkeys-lru")
        try:
            location = url.replace("redis://", "redis://noinfo:pw@")
            result = CliRunner().invoke(cli, ["index", "add", str(SEEDS), "--index", location])
        finally:
            admin.config_set("maxmemory", before["maxmemory"])
            admin.config_set("maxmemory-policy", before["maxmemory-policy"])
            admin.acl_deluser("noinfo")
            admin.close()
        assert result.exit_code == 3, result.stderr
        assert "evicts keys when full" in result.stderr

    def test_a_scheme_in_capitals_is_a_redis_url(self, url, tmp_path):
        """QA 15a #9: REDIS://host was taken for a file name ("its folder does not exist")."""
        shouting = "REDIS://" + url.removeprefix("redis://")
        result = CliRunner().invoke(cli, ["index", "add", str(SEEDS), "--index", shouting])
        assert result.exit_code == 0, result.stderr
        assert redis.Redis.from_url(url).hlen("newsdedup:ids") == 5
        assert list(tmp_path.iterdir()) == []

    def test_unix_socket_url_reaches_the_server(self, url, redis_server, tmp_path_factory):
        """unix:///path.sock (with ?prefix=) opens the index on the server's socket: the
        articles added over TCP are there."""
        runner = CliRunner()
        added = runner.invoke(cli, ["index", "add", str(SEEDS), "--index", f"{url}?prefix=u"])
        assert added.exit_code == 0, added.stderr
        sock = _socket_path(tmp_path_factory)
        result = runner.invoke(
            cli, ["index", "stats", "--index", f"unix://{sock}?prefix=u", "--format", "json"]
        )
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["articles"] == 5

    @pytest.mark.parametrize(
        ("location", "problem"),
        [
            ("redis://127.0.0.1:notaport/0", "not a valid Redis URL"),
            ("redis://127.0.0.1:99999/0", "not a valid Redis URL"),
            ("redis://127.0.0.1:6379/abc", "the database after the port must be a number"),
        ],
    )
    def test_malformed_url_is_a_usage_error(self, location, problem):
        """A port or database that is no number is the user's typo: exit 2, one line, and
        never database 0 in its place."""
        result = CliRunner().invoke(cli, ["index", "stats", "--index", location])
        assert result.exit_code == 2
        assert result.stderr == f"error: {location}: {problem}" + result.stderr.split(problem)[1]
        assert result.stderr.count("\n") == 1

    @pytest.mark.parametrize(
        ("query", "problem"),
        [
            ("?prefx=a", "unknown option 'prefx'"),
            ("?prefix=a&prefix=b", "prefix is given 2 times"),
        ],
    )
    def test_a_typo_in_the_url_options_is_a_usage_error(self, query, problem):
        """An option redis-py does not know was an internal error (exit 4, TypeError); two
        prefixes silently used one. Both are the user's typo: exit 2, one line."""
        location = f"redis://127.0.0.1:{_free_port()}/0{query}"
        result = CliRunner().invoke(cli, ["index", "stats", "--index", location])
        assert result.exit_code == 2, result.stderr
        assert problem in result.stderr
        assert result.stderr.count("\n") == 1

    def test_a_password_in_the_url_is_never_shown(self, redis_server, tmp_path_factory):
        """`index stats` and every error line show the URL with its password as ***."""
        binary = shutil.which("redis-server") or "redis-server"
        workdir = tmp_path_factory.mktemp("redis-auth")
        proc, port = _start_redis(binary, workdir, "--requirepass", "s3cret", password="s3cret")
        assert proc is not None, "redis-server did not start"
        try:
            good = f"redis://:s3cret@127.0.0.1:{port}/0"
            add = CliRunner().invoke(cli, ["index", "add", str(SEEDS), "--index", good, "-q"])
            assert add.exit_code == 0, add.stderr
            stats = CliRunner().invoke(cli, ["index", "stats", "--index", good, "--format", "json"])
            assert json.loads(stats.stdout)["location"] == f"redis://:***@127.0.0.1:{port}/0"
            bad = CliRunner().invoke(
                cli, ["index", "stats", "--index", f"redis://:wr0ng@127.0.0.1:{port}/0"]
            )
            assert bad.exit_code == 3
            assert "wr0ng" not in bad.stderr
            assert ":***@" in bad.stderr
            # QA 15a #8: a server that refuses reads "asks for a password", not "cannot reach".
            assert "Redis asks for a password, or refused the one given" in bad.stderr
            none = f"redis://127.0.0.1:{port}/0"
            missing = CliRunner().invoke(cli, ["index", "stats", "--index", none])
            assert missing.exit_code == 3
            assert "Redis asks for a password" in missing.stderr
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    def test_a_database_the_server_lacks_is_named(self, redis_server):
        """QA 15a #8: database 99 of a 16-database server read "cannot reach Redis"."""
        location = f"redis://127.0.0.1:{redis_server}/99"
        result = CliRunner().invoke(cli, ["index", "stats", "--index", location])
        assert result.exit_code == 3
        assert "this Redis server has no such database number" in result.stderr

    def test_unreachable_server_is_one_line_exit_3(self):
        """No server at the URL: one line naming it, exit 3, no traceback."""
        dead = f"redis://127.0.0.1:{_free_port()}/0"
        result = CliRunner().invoke(cli, ["index", "stats", "--index", dead])
        assert result.exit_code == 3
        assert dead in result.stderr
        assert "Traceback" not in result.stderr

    def test_tls_to_a_plain_server_fails_within_the_connect_timeout(self, redis_server):
        """rediss:// to a server that speaks plain text: the TLS handshake waited for the
        5-minute socket timeout; it now fails as a connection does, in seconds (exit 3)."""
        tls = f"rediss://127.0.0.1:{redis_server}/0"
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["index", "stats", "--index", tls])
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(f"error: {tls}: cannot reach Redis")
        assert time.monotonic() - started < 60

    def test_the_working_timeout_is_back_after_the_first_reply(self, url):
        """The short timeout is for connecting only: commands after it get 300 s."""
        with open_index(url, create=True) as index:
            kwargs = index.backend.client.connection_pool.connection_kwargs
            assert kwargs["socket_timeout"] == 300


class TestSharedWriters:
    def test_two_writers_adding_overlapping_batches_store_each_id_once(self, url, tmp_path):
        """Two writers at once (threads, one connection each) on overlapping batches: every id
        stored once and the index is sound."""
        first, second = tmp_path / "first", tmp_path / "second"
        write_corpus(first, 120, copies_every=11)
        write_corpus(second, 120, copies_every=11, start=60)
        batches = [load_corpus(folder).articles for folder in (first, second)]

        def add(articles) -> int:
            with open_index(url, create=True) as index:
                return index.add(articles, chunk_size=10).added

        with ThreadPoolExecutor(max_workers=2) as pool:
            added = list(pool.map(add, batches))
        assert sum(added) == 180
        with open_index(url) as index:
            assert len(index) == 180
            assert index.problems() == []


def redis_dump(port: int, prefix: str) -> tuple[dict, dict, dict, bytes]:
    """Return articles, band sets and line counts of one index, with refs replaced by ids."""
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        ids = {int(r): i for i, r in client.hgetall(f"{prefix}:ids").items()}
        arts = {ids[int(r)]: blob for r, blob in client.hgetall(f"{prefix}:arts").items()}
        bands = {
            name.split(b":")[-1]: sorted(ids[int(r)] for r in client.smembers(name))
            for name in client.scan_iter(match=f"{prefix}:b:*", count=1000)
        }
        lines: dict = {}
        for name in client.scan_iter(match=f"{prefix}:l:*", count=1000):
            lines.update(client.hgetall(name))
        docs = client.hget(f"{prefix}:meta", "docs")
    finally:
        client.close()
    return arts, bands, lines, docs


class TestRedisCrashSafety:
    def test_killed_add_leaves_whole_chunks_and_a_rerun_matches_one_clean_run(
        self, url, redis_server, tmp_path
    ):
        """SIGKILL a Redis add mid-way: whole chunks only; finishing it equals an unbroken add."""
        corpus = tmp_path / "corpus"
        write_corpus(corpus, 200, copies_every=7)
        killed = f"{url}?prefix=killed"
        command = [sys.executable, "-m", "newsdedup", "index", "add", str(corpus)]
        proc = subprocess.Popen(
            [*command, "--index", killed, "--chunk-size", "5", "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=redis_server)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if client.hlen("killed:ids") >= 20:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        proc.wait()
        client.close()
        assert proc.returncode == -signal.SIGKILL, "the add finished before it could be killed"
        with open_index(killed) as index:
            assert index.problems() == []
            assert len(index) % 5 == 0
            assert 20 <= len(index) < 200
        subprocess.run([*command, "--index", killed, "-q"], check=True, capture_output=True)
        with open_index(f"{url}?prefix=clean", create=True) as index:
            index.add(load_corpus(corpus).articles)
        assert redis_dump(redis_server, "killed") == redis_dump(redis_server, "clean")


def test_a_redis_error_met_mid_run_is_an_input_error_naming_the_server(url, corpora, redis_server):
    """Something else under the index's keys (or a server that fails mid-run) raised
    'internal error: ResponseError', exit 4. It is one line naming the index, exit 3."""
    archive, today = corpora
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "add", str(archive), "--index", url]).exit_code == 0
    client = redis.Redis(host="127.0.0.1", port=redis_server)
    keys = sorted(k for k in client.keys("*") if k.endswith(b":arts"))
    assert len(keys) == 1
    client.delete(keys[0])
    client.set(keys[0], "not a hash")
    client.close()
    result = runner.invoke(cli, ["index", "check", str(today), "--index", url, "-q"])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"error: {url}: Redis failed (")
    assert "WRONGTYPE" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_an_article_is_itself_after_templates_learnt_later_in_redis(url):
    """As in SQLite (test_store): a digest of each text kept in the packed row tells the
    article itself from a copy, whatever templates were learnt since it was added."""
    from newsdedup import Article

    line = "Harbour Gazette Plus Edition Page Three"
    days: list[list[Article]] = [[], []]
    for i in range(7):
        first, rest = fast_article(300 + i).split("\n\n", 1)
        text = f"{first}\n\n{line}\n\n{rest}"
        days[i // 4].append(Article(id=f"a{i}.txt", text=text, source=f"a{i}.txt"))
    with open_index(url, create=True) as index:
        index.add(days[0])
        index.add(days[1])
        again = index.check(days[0])
    assert [a.duplicates for a in again.articles] == [()] * 4


def test_stats_and_quiet_are_alike_on_both_backends(url, corpora, tmp_path):
    """A daily job moved from SQLite to Redis read `template_lines` from `stats --format json`
    and found it gone; and `-q`, taken by add and check, was a usage error for stats and
    remove. Both backends now give the same keys (Redis's `bytes` is null: its share of the
    server is not known), with equal counts, and every index command takes -q."""
    archive, _ = corpora
    runner = CliRunner()
    stats = []
    for location in (url, str(tmp_path / "news.db")):
        added = runner.invoke(cli, ["index", "add", str(archive), "--index", location, "-q"])
        assert added.exit_code == 0, added.output
        got = runner.invoke(cli, ["index", "stats", "--index", location, "--format", "json", "-q"])
        assert got.exit_code == 0, got.output
        stats.append(json.loads(got.stdout))
        gone = runner.invoke(cli, ["index", "remove", "nope.txt", "--index", location, "-q"])
        assert gone.exit_code == 0, gone.output
        assert gone.stderr == ""
    redis_stats, sqlite_stats = stats
    assert set(sqlite_stats) <= set(redis_stats)
    assert redis_stats["template_lines"] == sqlite_stats["template_lines"] > 0
    assert redis_stats["bytes"] is None


def test_add_replace_swaps_changed_articles_in_redis(url):
    """`add(replace=True)` as in SQLite (test_cli_index): an id whose article changed gets
    the new text, and the old one's band keys go with it (a copy of the old text finds
    nothing); an unchanged article is left as it is."""
    from newsdedup import Article

    def art(ident: str, seed: int) -> Article:
        return Article(id=ident, text=fast_article(seed), source=ident)

    with open_index(url, create=True) as index:
        index.add([art("a.txt", 500), art("b.txt", 501)])
        kept = index.add([art("a.txt", 502), art("b.txt", 501)])
        swapped = index.add([art("a.txt", 502), art("b.txt", 501)], replace=True)
        old = index.check([art("old.txt", 500)])
        new = index.check([art("new.txt", 502)])
        total = len(index)
    assert (kept.added, kept.taken, kept.replaced) == (0, ("a.txt",), ())
    assert (swapped.added, swapped.present, swapped.taken, swapped.replaced) == (
        1,
        1,
        (),
        ("a.txt",),
    )
    assert [a.duplicates for a in old.articles] == [()]
    assert [[d.id for d in a.duplicates] for a in new.articles] == [["a.txt"]]
    assert total == 2
