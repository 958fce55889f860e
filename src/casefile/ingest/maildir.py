"""Maildir and Maildir++ trees.

Messages in a Maildir are plain RFC 5322 files, found by the recursive walk like any other file;
this module only reads what the layout itself says: the folder (Maildir++ `.Folder.Sub` names
become `Folder/Sub`) and the flags after ':2,' in the file name (S seen, R replied, F flagged,
T trashed, D draft, P passed).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

SUBDIRS = ("cur", "new", "tmp")
FLAG_NAMES = {"S": "seen", "R": "replied", "F": "flagged", "T": "trashed", "D": "draft", "P": "passed"}


@lru_cache(maxsize=4096)
def _folder(box: str) -> str | None:
    """The folder name of a Maildir (a folder with cur/ and new/), or None if `box` is not one;
    worked out once per folder, not once per message."""
    if not all(os.path.isdir(os.path.join(box, d)) for d in ("cur", "new")):
        return None
    folder = os.path.basename(box)
    if folder.startswith(".") and len(folder) > 1:
        return "/".join(p for p in folder[1:].split(".") if p)   # Maildir++ sub-folder
    return "INBOX" if not folder.startswith(".") else folder


def maildir_info(path: Path | str) -> dict | None:
    """Folder, state and flags of a message file inside a Maildir, or None if it is not in one."""
    parent, name = os.path.split(str(path))
    box, state = os.path.split(parent)
    if state not in SUBDIRS:
        return None
    folder = _folder(box)
    if folder is None:
        return None
    flags = ""
    for sep in (":2,", ";2,", "!2,"):          # ';' and '!' are used where ':' is not allowed
        if sep in name:
            flags = name.rsplit(sep, 1)[1]
            break
    return {"folder": folder, "state": state,
            "flags": [FLAG_NAMES[f] for f in flags if f in FLAG_NAMES]}


def describe(info: dict) -> str:
    flags = ", ".join(info["flags"]) or "no flags"
    return f"Maildir folder {info['folder']} ({info['state']}; {flags})"
