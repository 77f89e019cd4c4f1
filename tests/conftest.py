"""Shared fixtures: the built site, a local HTTP server for it, and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

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
    """Render, generate and build strictly; returns the mkdocs process (check its returncode)."""
    run_sitekit("diagrams", cwd=root)
    run_sitekit("pages", cwd=root)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"]
    if dest is not None:
        command += ["--site-dir", str(dest)]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def copy_sources(dest: Path) -> Path:
    """Copy what a build reads (not generated output) to ``dest``: a checkout elsewhere."""
    import shutil

    ignore = shutil.ignore_patterns("__pycache__", "*.tmp")
    for name in ("diagrams", "scripts", "includes"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copytree(
        ROOT / "docs",
        dest / "docs",
        ignore=shutil.ignore_patterns("__pycache__", "services", "diagrams", "vendor"),
    )
    for name in ("mkdocs.yml", "pyproject.toml", "CONTRIBUTING.md"):
        shutil.copy2(ROOT / name, dest / name)
    return dest
