"""``make serve``: MkDocs' live-reload server plus a watcher that re-renders on save.

MkDocs only watches files it builds from. Saving a diagram module must first re-render the
diagram (and a page's front matter must refresh the catalog), so this watcher regenerates
into generated/ and docs/, which MkDocs watches and reloads the browser for. It keeps the
site buildable by Zensical too: no MkDocs plugin or hook is involved.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from sitekit.generate import generate_all
from sitekit.paths import DIAGRAMS, DOCS, ROOT, SERVICE_PAGES
from sitekit.render import render_all

ADDRESS = os.environ.get("SERVE_ADDRESS", "127.0.0.1:8000")
DEBOUNCE_SECONDS = 0.3


class _Regenerate(FileSystemEventHandler):
    """Collects changed sources and regenerates once they stop changing for a moment."""

    def __init__(self):
        self.pending: set[Path] = set()
        self.lock = threading.Lock()
        self.running = threading.Lock()  # one regeneration at a time, newest changes last
        self.timer: threading.Timer | None = None

    def on_any_event(self, event):
        # Reads (opened/closed events) happen on every build; only writes mean a change.
        if event.is_directory or event.event_type not in (
            "modified",
            "created",
            "moved",
            "deleted",
        ):
            return
        path = Path(getattr(event, "dest_path", "") or event.src_path)
        if path.suffix not in (".py", ".md", ".yml") or path.name.startswith("."):
            return
        if SERVICE_PAGES in path.parents or "__pycache__" in path.parts:
            return  # our own output
        with self.lock:
            self.pending.add(path)
            if self.timer:
                self.timer.cancel()
            self.timer = threading.Timer(DEBOUNCE_SECONDS, self.flush)
            self.timer.start()

    def flush(self):
        # A save made during a slow render waits here, then is picked up by the loop below,
        # so an older run can never finish after a newer one.
        with self.running:
            while True:
                with self.lock:
                    changed, self.pending = self.pending, set()
                if not changed:
                    return
                names = ", ".join(
                    sorted(p.relative_to(ROOT).as_posix() for p in changed if ROOT in p.parents)
                )
                print(f"watch: changed {names}", flush=True)
                if any(DIAGRAMS in p.parents for p in changed):
                    render_all()
                generate_all()


def _stop(signum, frame):
    raise KeyboardInterrupt  # SIGTERM stops the MkDocs server too, as Ctrl+C does


def watch() -> int:
    signal.signal(signal.SIGTERM, _stop)
    handler = _Regenerate()
    observer = Observer()
    for folder in (DIAGRAMS, DOCS, Path(__file__).parent / "data"):
        observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    print(f"serve: http://{ADDRESS}/ (Ctrl+C to stop)", flush=True)
    server = subprocess.Popen(
        [str(mkdocs), "serve", "--livereload", "-a", ADDRESS], cwd=ROOT, env=env
    )
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return 0
    finally:
        observer.stop()
        observer.join()
