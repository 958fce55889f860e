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
def _is_maildir(box: str) -> bool:
    """A folder with cur/ and new/ (checked once per folder, not once per message)."""
    return all(os.path.isdir(os.path.join(box, d)) for d in ("cur", "new"))


def maildir_info(path: Path) -> dict | None:
    """Folder, state and flags of a message file inside a Maildir, or None if it is not in one."""
    parent = path.parent
    if parent.name not in SUBDIRS:
        return None
    box = parent.parent
    if not _is_maildir(str(box)):
        return None
    folder = box.name
    if folder.startswith(".") and len(folder) > 1:
        folder = "/".join(p for p in folder[1:].split(".") if p)   # Maildir++ sub-folder
    else:
        folder = "INBOX" if not box.name.startswith(".") else folder      # cur/ is there (checked above)
    flags = ""
    name = path.name
    for sep in (":2,", ";2,", "!2,"):          # ';' and '!' are used where ':' is not allowed
        if sep in name:
            flags = name.rsplit(sep, 1)[1]
            break
    return {"folder": folder, "state": parent.name,
            "flags": [FLAG_NAMES[f] for f in flags if f in FLAG_NAMES]}


def describe(info: dict) -> str:
    flags = ", ".join(info["flags"]) or "no flags"
    return f"Maildir folder {info['folder']} ({info['state']}; {flags})"
