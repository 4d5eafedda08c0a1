"""Crash-safe file writes shared by the scripts: a reader sees the old file or the new one, never
a half-written one (write to a temp file beside the target, fsync, rename, fsync the folder)."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def replace_atomically(temporary: Path, target: Path) -> None:
    """Move a finished temp file over the target in one step (same folder, so same file system)."""
    fsync_file(temporary)
    os.replace(temporary, target)
    fsync_dir(target.parent)


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)
