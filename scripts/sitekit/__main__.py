"""Command line: ``python -m sitekit <command>`` (the Makefile's targets call these)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitekit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    diagrams = commands.add_parser("diagrams", help="render changed diagram modules")
    diagrams.add_argument("--force", action="store_true", help="re-render every diagram")
    commands.add_parser("pages", help="generate the catalog and the service explorer pages")
    commands.add_parser("watch", help="re-render diagrams and pages when their sources change")
    commands.add_parser("bench", help="print timings and page weights for this machine")
    commands.add_parser("check", help="validate every page, diagram and the navigation")
    build = commands.add_parser("build", help="build the site strictly (fails on any warning)")
    build.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs")
    build.add_argument("--site-dir", default="site")
    linkcheck = commands.add_parser("linkcheck", help="check every link in the built site")
    linkcheck.add_argument("site", nargs="?", default="site")
    linkcheck.add_argument("--online", action="store_true", help="also fetch external URLs")
    stacks = commands.add_parser("stacks", help="lint, expand, check and emulate every stack")
    stacks.add_argument("--publish", action="store_true", help="only write the pages' parts")
    stacks.add_argument("only", nargs="*", help="stack ids to check (default: all)")
    new = commands.add_parser("new-pattern", help="scaffold a pattern page and its diagram")
    new.add_argument("--slug", required=True)
    new.add_argument("--title", required=True)
    new.add_argument("--category", required=True)
    args = parser.parse_args(argv)

    if args.command == "diagrams":
        from sitekit.render import render_all

        return 1 if render_all(force=args.force) else 0
    if args.command == "pages":
        from sitekit.generate import generate_all

        return generate_all()
    if args.command == "watch":
        from sitekit.watch import watch

        return watch()
    if args.command == "bench":
        from sitekit.bench import main as bench

        return bench()
    if args.command == "check":
        from sitekit.check import main as check

        return check()
    if args.command == "build":
        from sitekit.build import build

        return build(args.engine, args.site_dir)
    if args.command == "linkcheck":
        from sitekit.linkcheck import main as linkcheck

        return linkcheck(args.site, online=args.online)
    if args.command == "stacks":
        from sitekit.stacks.cli import main as stacks

        return stacks(publish_only=args.publish, only=args.only)
    if args.command == "new-pattern":
        from sitekit.scaffold import main as scaffold

        return scaffold(args.slug, args.title, args.category)
    return 2


if __name__ == "__main__":
    sys.exit(main())
