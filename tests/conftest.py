"""Shared fixtures: the built site, a local HTTP server for it, and headless Chromium."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]


def run_sitekit(*args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "sitekit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def build_site(root: Path = ROOT, dest: Path | None = None) -> subprocess.CompletedProcess:
    """Render, generate and build as `make build` does (strict, compacted); returns the build
    process (check its returncode; its stderr names every warning)."""
    run_sitekit("diagrams", cwd=root)
    run_sitekit("pages", cwd=root)
    return run_sitekit("build", "--site-dir", str(dest or root / "site"), cwd=root, check=False)


def pytest_configure(config):
    """Tests parametrized over the built pages need site/ at collection time: on a fresh
    checkout (a bare `pytest` without `make test`), build it first, once (pytest-xdist
    workers find it built by the controller)."""
    if hasattr(config, "workerinput"):
        return
    if not (SITE / "index.html").exists():
        done = build_site()
        if done.returncode != 0:
            raise pytest.UsageError(f"the site does not build:\n{done.stderr}")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Refuse to run when pytest-xdist's --dist loadgroup has stopped grouping (it tags node
    ids, which pytest 9.2 no longer reads): every xdist_group's session fixtures (render,
    lint, deploy, Zensical build) would then run once per worker, silently doubling the time."""
    if not getattr(config.option, "loadgroup", False):
        return
    ungrouped = [
        item.nodeid
        for item in items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid.rsplit("]", 1)[-1]
    ]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist's --dist loadgroup is not in effect ({ungrouped[0]} has no @group "
            f"suffix): pin a pytest that pytest-xdist supports (requirements.txt)"
        )


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site; `make test` builds it before pytest, a bare pytest run builds it here."""
    if not (SITE / "index.html").exists():
        done = build_site()
        assert done.returncode == 0, done.stderr
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(directory: Path, headers: dict[str, str] | None = None):
    """Start a threaded HTTP server for ``directory``; returns (base_url, server)."""
    handler = type("Handler", (_QuietHandler,), {"extra_headers": headers or {}})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="session")
def base_url(site) -> str:
    url, server = serve(site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make chromium' (Debian package chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """Console errors, uncaught exceptions, failed or 4xx/5xx requests, and requests to any
    host but the local server, for every page a browser context opens."""

    def __init__(self, context, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.problems: list[str] = []
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"page error: {error.error}"))
        # ERR_ABORTED is a request the next navigation cancelled, not a failure.
        context.on(
            "requestfailed",
            lambda request: (
                self.problems.append(f"failed: {request.url} ({request.failure})")
                if "ERR_ABORTED" not in (request.failure or "")
                else None
            ),
        )
        context.on(
            "response",
            lambda response: (
                self.problems.append(f"HTTP {response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )
        context.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.problems.append(f"left the local server: {request.url}")

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found


def page_errors(tab) -> list[str]:
    """A list that collects the tab's console errors and uncaught exceptions as they happen."""
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


RENDERED = (".png", ".svg")


def _link_rendered(source: str, dest: str) -> None:
    """Hard-link a rendered image, copy anything else: sitekit replaces outputs atomically
    (a new file each time) and no test edits an image in place, so a link is safe and saves
    copying the diagrams' 20 MB for every throwaway checkout."""
    if source.endswith(RENDERED):
        try:
            os.link(source, dest)
            return
        except OSError:  # another file system: copy instead
            pass
    shutil.copy2(source, dest)


def clone_tree(source: Path, dest: Path, **options) -> Path:
    """``shutil.copytree`` that hard-links rendered images (see ``_link_rendered``)."""
    return Path(shutil.copytree(source, dest, copy_function=_link_rendered, **options))


def copy_sources(dest: Path) -> Path:
    """Copy what a build reads (not generated output) to ``dest``: a checkout elsewhere."""
    ignore = shutil.ignore_patterns("__pycache__", "*.tmp")
    for name in ("diagrams", "scripts", "includes", "overrides", "stacks"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copytree(
        ROOT / "docs",
        dest / "docs",
        ignore=shutil.ignore_patterns("__pycache__", "services", "diagrams", "vendor"),
    )
    for name in ("mkdocs.yml", "pyproject.toml", "CONTRIBUTING.md"):
        shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def second_checkout(tmp_path_factory) -> Path:
    """A copy of the sources at another, deeper path, rendered and built from scratch as
    `make build` does: the reproducibility tests compare it with this checkout byte for
    byte. Modules that use it share the "render" xdist group, so it is made once a run."""
    root = copy_sources(tmp_path_factory.mktemp("second") / "nested" / "checkout")
    vendor = ROOT / "docs" / "assets" / "vendor"
    if vendor.exists():  # pinned npm files copied by `make vendor`; npm is not re-run here
        shutil.copytree(vendor, root / "docs" / "assets" / "vendor")
    done = build_site(root)
    assert done.returncode == 0, done.stderr
    return root


# --- The source article ---------------------------------------------------------------------
# Pages must not repeat 10 consecutive words of the 2022 article the site grew from. The
# article is not ours to commit, so the repository keeps only a digest of each 10-word run;
# where the article sits beside the project (../shared/seed/), a test checks the digests.
SEED_DIR = ROOT.parent / "shared" / "seed"
SEED_RUNS = ROOT / "tests" / "data" / "source-article-runs.txt"
RUN_LENGTH = 10


def words(text: str) -> list[str]:
    text = re.sub(r"https?://\S+", " ", text)  # a cited address is not reused prose
    return re.findall(r"[a-z0-9]+", text.lower())


def run_digest(run) -> str:
    return hashlib.sha256(" ".join(run).encode("utf-8")).hexdigest()[:16]


def digests_of(text: str) -> list[str]:
    found = words(text)
    return [run_digest(found[i : i + RUN_LENGTH]) for i in range(len(found) - RUN_LENGTH + 1)]


def source_article_runs() -> set[str]:
    return set(SEED_RUNS.read_text(encoding="ascii").split())


def reused_runs(path: Path) -> list[str]:
    """The 10-word runs of ``path`` that the source article also has (must be none)."""
    found = words(path.read_text(encoding="utf-8"))
    article = source_article_runs()
    return [
        " ".join(found[i : i + RUN_LENGTH])
        for i in range(len(found) - RUN_LENGTH + 1)
        if run_digest(found[i : i + RUN_LENGTH]) in article
    ]
