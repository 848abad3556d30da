"""What the data steward checks in the workspace: each release folder, read and verified now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portal.outcomes.release_files import Release, ReleaseError, load_release, release_folders


@dataclass(frozen=True)
class FolderCheck:
    """One release folder: the release if it reads back intact, else the problem found."""

    name: str
    release: Release | None
    problem: str | None

    @property
    def hidden_cells(self) -> int | None:
        """Return how many count cells the release hides, if it is intact."""
        return self.release.metadata.get("protected_cells") if self.release else None


def check_folders(releases_dir: str | Path) -> list[FolderCheck]:
    """Verify every release folder against its checksums; newest first, one problem per folder."""
    checks = []
    for path in reversed(release_folders(releases_dir)):
        try:
            checks.append(FolderCheck(path.name, load_release(path), None))
        except ReleaseError as error:
            checks.append(FolderCheck(path.name, None, str(error)))
    return checks
