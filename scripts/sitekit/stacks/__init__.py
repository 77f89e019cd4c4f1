"""AWS SAM stacks behind the diagrams: one folder under stacks/ per diagram module.

``stacks/patterns/saga.orchestration/`` deploys what ``diagrams/patterns/saga.orchestration.py``
draws. The modules here load a stack's template with line numbers (``template``), expand it
offline with the SAM translator (``transform``), check it against its diagram (``agreement``)
and against the safety rules (``safety``), lint it (``lint``), deploy it into moto
(``emulate``), and write what its page shows (``publish``). ``sitekit stacks`` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitekit.paths import DIAGRAMS, ROOT, repo_relative

STACKS = ROOT / "stacks"


class StackError(Exception):
    """A problem in a stack, worded ``path:line: what is wrong``."""


@dataclass(frozen=True)
class StackPaths:
    """Everything derived from one stack folder, e.g. stacks/patterns/backend-api/."""

    folder: Path
    root: Path = STACKS  # tests check copies under a temporary stacks/ folder

    @property
    def stack_id(self) -> str:
        """``patterns/backend-api``: the diagram id the stack implements."""
        return self.folder.relative_to(self.root).as_posix()

    @property
    def name(self) -> str:
        """A CloudFormation stack name: ``backend-api``, ``saga-orchestration``."""
        return self.stack_id.rsplit("/", 1)[-1].replace(".", "-")

    @property
    def template(self) -> Path:
        return self.folder / "template.yaml"

    @property
    def module(self) -> Path:
        return DIAGRAMS / f"{self.stack_id}.py"

    @property
    def rel(self) -> str:
        return repo_relative(self.template)


def stack_folders() -> list[StackPaths]:
    """Every folder under stacks/ that holds a template.yaml, sorted."""
    if not STACKS.is_dir():
        return []
    return [
        StackPaths(t.parent)
        for t in sorted(STACKS.rglob("template.yaml"))
        if not any(part.startswith(".") for part in t.relative_to(STACKS).parts)  # .aws-sam/
    ]
