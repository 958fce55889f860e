"""People: one identity across display names, addresses, name variants, salutations and closings.

Evidence (`Mention`s) comes from message headers (a display name beside an address), chat author
names, printed headers with or without an address, the name greeted in a salutation (attached to
the single recipient) and the name signed under a closing (attached to the sender).

Names are normalised (`parse_name`): "Roth, Anna", "Dr. Anna Roth", "ANNA ROTH" and "Anna M. Roth"
are the one key "anna roth" (first and last token, German umlauts transliterated so "Jürgen" and
"Juergen" agree). Such *full* names and addresses are strong keys and are joined when they appear
together, when an address's local part spells the name (anna.roth@, roth.anna@, aroth@,
annaroth@), or when the user says so. *Weak* names — a first name alone ("anna"), an initial and
surname ("L. Roth"), a titled surname ("Frau Roth") — are never used to join two strong keys: each
weak name goes to the one identity it fits, and stays on its own when it fits none or several.
That is what keeps two different Lenas apart.

An address shown with several incompatible full names (a shared mailbox such as board@ or an
assistant sending on behalf of others) does not join those names (SHARED_ADDRESS_NAMES).

The user's decisions (merge, split, rename) are stored apart from the evidence and replayed on
every run, by alias keys rather than by person ids, so they survive re-ingestion.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .unionfind import UnionFind

SHARED_ADDRESS_NAMES = 3
"""An address seen with 3 or more mutually incompatible full names is a shared mailbox: its names
are not joined through it. (Enron's assistants and list addresses show 3+; a person's own address
shows at most 2 incompatible forms in our sets — a maiden name, a typo.)"""

CONF_SAME_HEADER = 0.95
CONF_LOCAL_PART = 0.8
CONF_WEAK_UNIQUE = 0.7
CONF_GREETING = 0.8
CONF_OCR_VARIANT = 0.75
"""Two addresses of one domain that read the same once OCR's confusions are undone (l, 1, I, i
and | are one stroke; 0 and O one ring) and that are shown beside the same name: one address
printed and read several ways (the real exhibits: GMaxl, GMax1, GMaxI, gmax| @ellmax.com, all
beside "G Maxwell"). Without the shared name two such addresses stay apart."""

_OCR_STROKES = str.maketrans({"1": "l", "i": "l", "|": "l", "!": "l", "0": "o"})
_OCR_LETTERS = str.maketrans({"0": "o", "1": "l", "5": "s", "|": "l", "!": "l", "8": "B"})
_MISREAD_TOKEN = re.compile(r"(?<![\w|!])(?=[\w|!]*[A-Za-z])(?=[\w|!]*[0158|!])[A-Za-z0158|!]{3,}(?![\w|!])")
"""A word of letters with a digit OCR put for a letter ('5arah', 'Ra11some'): a name's digits are
misread letters (a number alone, '60', is no such word)."""

CONF_OCR_NAME = 0.6
OCR_NAME_SIMILAR = 0.8
OCR_NAME_PART_SIMILAR = 0.6
"""A full name seen only in printed messages (exhibits, often read by OCR) and never beside an
address joins the one other full name it is spelled like once OCR's confusions are undone: 80 %
alike as a whole (difflib ratio) and 60 % in each of first and last name (a cut-off 'Sarah Ran'
is 60 % of 'Ransome'), when that other name is seen at least as often. The webmail exhibit
1331.34 (../shared/corpora) gives 'Lesiey Grotf', 'Lesley Grott', 'Lestey Groff', 'Serah
Ransome', 'Saran Ransome', 'Sarah Ransoms' beside 'Lesley Groff' and 'Sarah Ransome'. Confidence
0.6, the lowest of any join, with its reason shown; a name typed in an e-mail header, or shown
beside an address, is never joined this way ('Anna Roth' and 'Anna Rothe' in e-mail stay two)."""


def ocr_skeleton(addr: str) -> str:
    """An address with the characters OCR confuses made one (see CONF_OCR_VARIANT)."""
    local, _, domain = addr.casefold().partition("@")
    return local.translate(_OCR_STROKES) + "@" + domain
"""Alias confidences: a display name beside its address 0.95; an address whose local part spells
a name 0.8; a first name or initial that fits exactly one identity 0.7; a salutation or closing
that fits its recipient's or sender's names 0.8. Chosen by hand against the people eval set
(eval/analysis), where every join at these levels is right."""

TITLES = {"dr", "prof", "professor", "herr", "herrn", "frau", "mr", "mrs", "ms", "miss", "mister", "sir", "dipl",
          "ing", "phd", "mba", "md", "jr", "sr", "rechtsanwalt", "ra", "ll", "m", "dipl-ing", "mag"}
NOT_PEOPLE = {"undisclosed", "recipients", "undisclosed-recipients", "unknown", "noreply", "no-reply", "mailer",
              "daemon", "postmaster", "admin", "administrator", "info", "support", "team", "office", "list",
              "newsletter", "notifications", "root", "nobody", "system", "sender", "empfaenger", "redacted"}
FREEMAIL = {"gmail.com", "googlemail.com", "yahoo.com", "yahoo.de", "hotmail.com", "hotmail.de", "outlook.com",
            "outlook.de", "live.com", "live.de", "msn.com", "aol.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch",
            "web.de", "t-online.de", "freenet.de", "icloud.com", "me.com", "mac.com", "protonmail.com",
            "proton.me", "posteo.de", "mailbox.org", "arcor.de", "yandex.ru", "mail.ru", "qq.com", "163.com"}
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_TOKEN = re.compile(r"[a-z]+(?:['\-][a-z]+)*")
_ADDR = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@dataclass(frozen=True)
class Name:
    key: str               # "anna roth" | "anna" | "a roth" | "roth"
    kind: str              # full | first | initial | surname
    first: str
    last: str


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    text = text.translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=65536)
def parse_name(raw: str | None) -> Name | None:
    """A person's name in a normal form, or None when `raw` is not a person's name."""
    if not raw:
        return None
    s = raw.strip().strip("'\"` ")
    if not s or _ADDR.match(s) or len(s) > 80:
        return None
    s = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", " ", s)
    s = re.split(r"\s+(?:via|on behalf of|im auftrag von|i\. ?a\.)\s+", s, maxsplit=1, flags=re.I)[0]
    titled = bool(re.match(r"^\s*(?:herr|herrn|frau|mr|mrs|ms|miss)\.?\s", s, re.I))
    if s.count(",") == 1:
        last, first = s.split(",")
        if first.strip() and last.strip() and len(last.split()) <= 3 and "@" not in s:
            s = f"{first} {last}"
    s = _MISREAD_TOKEN.sub(lambda m: m.group(0).translate(_OCR_LETTERS), s)     # '5arah', 'Ra11some'
    tokens = [t for t in _TOKEN.findall(fold(s).replace(".", ". "))]
    tokens = [t for t in tokens if t not in TITLES or len(tokens) == 1]
    if not tokens or any(t in NOT_PEOPLE for t in tokens) or len(tokens) > 5:
        return None
    if len(tokens) == 1:
        t = tokens[0]
        if len(t) < 2:
            return None
        if titled:
            return Name(t, "surname", "", t)
        return Name(t, "first", t, "")
    first, last = tokens[0], tokens[-1]
    if len(last) == 1:                      # "Anna B." -> the first name is what is known
        return Name(first, "first", first, "") if len(first) > 1 else None
    if len(first) == 1:
        return Name(f"{first} {last}", "initial", first, last)
    return Name(f"{first} {last}", "full", first, last)


@lru_cache(maxsize=65536)
def addr_key(addr: str | None) -> str | None:
    if not addr or "@" not in addr:
        return None
    a = addr.strip().strip("<>").casefold()
    return a if _ADDR.match(a) else None


def fits(weak: Name, full: Name) -> bool:
    """Does a weak name form fit a full name? 'anna', 'a roth', 'roth' all fit 'anna roth'."""
    if weak.kind == "first":
        return weak.first == full.first
    if weak.kind == "initial":
        return weak.last == full.last and full.first.startswith(weak.first)
    if weak.kind == "surname":
        return weak.last == full.last
    return weak.key == full.key


def local_part_names(addr: str) -> list[str]:
    """Full-name keys an address's local part may spell: anna.roth / roth.anna / anna_roth."""
    local = addr.split("@", 1)[0]
    parts = [p for p in re.split(r"[._\-+]", local) if p.isalpha()]
    if len(parts) == 2 and all(len(p) > 1 for p in parts):
        return [f"{parts[0]} {parts[1]}", f"{parts[1]} {parts[0]}"]
    return []


def local_part_fits(addr: str, full: Name) -> bool:
    """aroth@, annaroth@, a.roth@, roth.a@ spell 'anna roth' (checked only against a unique name)."""
    local = re.sub(r"[^a-z]", "", addr.split("@", 1)[0])
    if len(local) < 4:
        return False
    return local in (full.first + full.last, full.first[0] + full.last, full.last + full.first[0],
                     full.last + full.first)


def org_name(domain: str) -> str:
    """'westmark-robotics.de' -> 'Westmark Robotics'; 'mail.example.co.uk' -> 'Example'."""
    labels = domain.casefold().split(".")
    core = labels[-3] if len(labels) >= 3 and labels[-2] in ("co", "com", "ac", "or", "gv") else labels[-2] \
        if len(labels) >= 2 else labels[0]
    return " ".join(w.capitalize() for w in re.split(r"[-_]", core) if w)


@dataclass(slots=True)
class Mention:
    doc_id: str
    role: str                   # from | to | cc | bcc | greeting | closing
    name: str | None
    addr: str | None
    of_role: str | None = None  # for greeting/closing: the header role whose person it names
    printed: bool = False       # read from a printed page (an exhibit), not from an e-mail's header


@dataclass
class Alias:
    key: str
    kind: str                   # address | name | salutation | signature
    value: str
    confidence: float
    origin: str = "auto"
    reason: str = ""
    seen: int = 0
    first_doc: str | None = None


@dataclass
class Person:
    id: str
    name: str
    anchor: str
    org: str | None = None
    aliases: list[Alias] = field(default_factory=list)
    sent: int = 0
    received: int = 0
    renamed: bool = False


@dataclass
class Decision:
    op: str                     # merge | split | rename
    keys: list[str]
    name: str | None = None


def person_id(anchor: str) -> str:
    return "p" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:10]


class Tally:
    """The mentions of a case, counted: each distinct (name, address) with how often and first
    where it was seen, as sender or recipient; the greetings and closings with the header
    mentions of their own messages. The analysis adds a message at a time, so the 2.2M mentions
    of a 1.1M-message case are never a list (~200 MB as objects)."""

    def __init__(self):
        self.pairs: dict[tuple, list] = {}         # (name, address, signed) -> [count, first doc]
        self.roles: Counter = Counter()            # (name, address, is the sender) -> count
        self.signed: list[Mention] = []            # greetings and closings
        self.headers: dict[tuple[str, str], list[tuple]] = {}   # (doc, role) -> [(name, address)]
        self.typed: set[tuple] = set()             # (name, address) seen in a header not printed on paper

    def add(self, m: Mention) -> None:
        signed = m.role in ("greeting", "closing")
        key = (m.name, m.addr, signed)
        hit = self.pairs.get(key)
        if hit is None:
            self.pairs[key] = [1, m.doc_id]
        else:
            hit[0] += 1
            if m.doc_id < hit[1]:
                hit[1] = m.doc_id
        if signed:
            self.signed.append(m)
        else:
            self.roles[(m.name, m.addr, m.role == "from")] += 1
            if not m.printed:
                self.typed.add((m.name, m.addr))

    def add_document(self, header: list[Mention], signed: list[Mention] = ()) -> None:
        """One document's header mentions and its greeting/closing (whose check needs the header)."""
        for m in header:
            self.add(m)
        for m in signed:
            self.add(m)
            lst = self.headers.setdefault((m.doc_id, m.of_role or ""), [])
            if not lst:
                lst.extend((h.name, h.addr) for h in header if h.role == (m.of_role or ""))


def resolve(mentions: list[Mention], decisions: list[Decision] = ()) -> tuple[list[Person], list[str | None]]:
    """Cluster mentions into people. Returns (people, the person id of each mention, by its
    position in `mentions`; None for a mention that names no one, and for greetings and closings)."""
    tally = Tally()
    by_doc: dict[str, tuple[list, list]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc_id, ([], []))[m.role in ("greeting", "closing")].append(m)
    for header, signed in by_doc.values():
        tally.add_document(header, signed)
    persons, pid_of = resolve_tally(tally, decisions)
    return persons, [None if m.role in ("greeting", "closing") else pid_of.get((m.name, m.addr)) for m in mentions]


def resolve_tally(tally: Tally, decisions: list[Decision] = ()) -> tuple[list[Person], dict[tuple, str | None]]:
    """Cluster a case's counted mentions into people. Returns (people, the person id of each
    (name, address) seen in a header; None when it names no one)."""
    seen: Counter = Counter()
    forms: dict[str, Counter] = defaultdict(Counter)
    first_doc: dict[str, str] = {}
    names: dict[str, Name] = {}
    addr_names: dict[str, Counter] = defaultdict(Counter)   # address -> full-name keys seen beside it
    weak_addr: dict[str, Counter] = defaultdict(Counter)    # weak-name key -> addresses beside it
    # the same (name, address) pair recurs in thousands of headers: each distinct pair is parsed once
    parsed_pair: dict[tuple, tuple[str | None, Name | None]] = {}
    for (name, addr, signed), (count, doc) in tally.pairs.items():
        a = addr_key(addr)
        n = parse_name(name)
        parsed_pair[(name, addr)] = (a, n)
        for k, v in ((f"a:{a}" if a else None, addr), (f"n:{n.key}" if n else None, name)):
            if k is None:
                continue
            seen[k] += count
            forms[k][v.strip()] += count
            if k not in first_doc or doc < first_doc[k]:
                first_doc[k] = doc
        if n is not None:
            names[n.key] = n
            if a and not signed:
                if n.kind == "full":
                    addr_names[a][n.key] += count
                else:
                    weak_addr[n.key][a] += count

    # ---- the user's splits: auto evidence may not cross them
    splits = [set(d.keys) for d in decisions if d.op == "split"]

    def crosses(k1: str, k2: str) -> bool:
        return any((k1 in s) != (k2 in s) for s in splits)

    uf = UnionFind()
    reasons: dict[str, tuple[float, str]] = {}
    for k in seen:
        if not k.startswith("n:") or names[k[2:]].kind == "full":
            uf.add(k)

    def join(k1: str, k2: str, conf: float, why: str) -> None:
        if crosses(k1, k2):
            return
        uf.union(k1, k2)
        for k in (k1, k2):
            if k not in reasons or reasons[k][0] < conf:
                reasons[k] = (conf, why)

    shared = {a for a, c in addr_names.items() if _incompatible(list(c)) >= SHARED_ADDRESS_NAMES}
    for a, c in addr_names.items():
        if a in shared:
            continue
        for nk in c:
            join(f"a:{a}", f"n:{nk}", CONF_SAME_HEADER, f"shown beside {a}")
    full_by_key = {k: n for k, n in names.items() if n.kind == "full"}
    by_last: dict[str, list[Name]] = defaultdict(list)
    for n in full_by_key.values():
        by_last[n.last].append(n)
    for ak in [k for k in seen if k.startswith("a:")]:
        a = ak[2:]
        if addr_names.get(a):
            continue
        spelled = [k for k in local_part_names(a) if k in full_by_key]
        if len(spelled) == 1:
            join(ak, f"n:{spelled[0]}", CONF_LOCAL_PART, f"the address {a} spells the name")
            continue
        local = re.sub(r"[^a-z]", "", a.split("@", 1)[0])
        cands = [n for ns in by_last.values() for n in ns if n.last in local and local_part_fits(a, n)]
        if len(cands) == 1:
            join(ak, f"n:{cands[0].key}", CONF_LOCAL_PART, f"the address {a} spells the name")

    # addresses that differ only in characters OCR confuses, shown beside the same name
    names_beside: dict[str, set[str]] = defaultdict(set)
    for a, c in addr_names.items():
        names_beside[a].update(c)
    for nk, c in weak_addr.items():
        for a in c:
            names_beside[a].add(nk)
    by_skeleton: dict[str, list[str]] = defaultdict(list)
    for ak in seen:
        if ak.startswith("a:"):
            by_skeleton[ocr_skeleton(ak[2:])].append(ak)
    for group in by_skeleton.values():
        for i, k1 in enumerate(group):
            for k2 in group[i + 1:]:
                common = names_beside.get(k1[2:], set()) & names_beside.get(k2[2:], set())
                if common and not (k1[2:] in shared or k2[2:] in shared):
                    join(k1, k2, CONF_OCR_VARIANT, f"{k1[2:]} and {k2[2:]} differ only in letters OCR confuses "
                                                   f"and are shown beside the same name")

    anchored = {n.key for p in tally.typed if (n := parsed_pair.get(p, (None, None))[1]) is not None}
    anchored |= {nk for c in addr_names.values() for nk in c}
    for variant, target in ocr_name_variants(full_by_key, seen, anchored):
        if not crosses(f"n:{variant}", f"n:{target}"):
            uf.union(f"n:{variant}", f"n:{target}")
            shown = _best_form([full_by_key[target]], forms) or target
            reasons.setdefault(f"n:{variant}", (CONF_OCR_NAME, f"spelled like {shown} but for letters a scan misreads"))

    for d in decisions:                       # the user's merges, unless a later split undid them
        if d.op == "merge":
            # every key the user named, weak ones too ("Gmax", "G Max"): a decision always takes effect
            keys = [k for k in d.keys if k in uf.parent or k in seen]
            later = [set(x.keys) for x in decisions[decisions.index(d) + 1:] if x.op == "split"]
            if any(any(k in s for k in keys) and any(k not in s for k in keys) for s in later):
                continue
            for k in keys:
                uf.add(k)
            for k in keys[1:]:
                uf.union(keys[0], k)
                reasons[k] = (1.0, "merged by the user")
    for s in splits:
        keys = [k for k in s if k in uf.parent]
        for k in keys[1:]:
            uf.union(keys[0], k)

    # ---- clusters of strong keys, then each weak name to the one cluster it fits
    members: dict[str, list[str]] = defaultdict(list)
    for k in uf.parent:
        members[uf.find(k)].append(k)
    cluster_full: dict[str, list[Name]] = defaultdict(list)
    for root, ks in members.items():
        for k in ks:
            if k.startswith("n:"):
                cluster_full[root].append(names[k[2:]])
    full_index: dict[str, set[str]] = defaultdict(set)     # first name / last name -> cluster roots
    for root, ns in cluster_full.items():
        for n in ns:
            full_index["f:" + n.first].add(root)
            full_index["l:" + n.last].add(root)
    weak_root: dict[str, str | None] = {}
    for nk, n in names.items():
        if n.kind == "full":
            continue
        k = f"n:{nk}"
        if k in uf.parent:                         # a weak name the user merged with others
            weak_root[k] = uf.find(k)
            continue
        pinned = [x for sp in splits if k in sp for x in sp if x in uf.parent]
        if any(k in sp for sp in splits):          # the user put this name with these keys only
            weak_root[k] = uf.find(pinned[0]) if pinned else None
            reasons[k] = (1.0, "split off by the user")
            continue
        beside = {uf.find(f"a:{a}") for a in weak_addr.get(nk, ()) if f"a:{a}" in uf.parent}
        idx = full_index.get("f:" + n.first if n.kind == "first" else "l:" + n.last, set())
        fitting = {r for r in idx if any(fits(n, f) for f in cluster_full[r])}
        cands = fitting | beside if fitting else beside
        if len(cands) == 1:
            root = next(iter(cands))
            weak_root[k] = root
            why = f"fits only {_best_form(cluster_full[root], forms) or 'one person'} in this case" if fitting else \
                f"shown beside {next(iter(weak_addr[nk]))}"
            reasons[k] = (CONF_WEAK_UNIQUE, why)
        else:
            weak_root[k] = None
            reasons[k] = (0.5, "fits several people; kept apart" if len(cands) > 1 else "fits no one else in this case")

    # ---- resolve every (name, address)
    own: dict[str, str] = {}                # weak keys that stand alone -> their own root
    root_of_pair: dict[tuple, str | None] = {}
    for (name, addr), (a, n) in parsed_pair.items():
        root = None
        if a and f"a:{a}" in uf.parent:
            root = uf.find(f"a:{a}")
        elif n is not None:
            k = f"n:{n.key}"
            if n.kind == "full":
                root = uf.find(k)
            else:
                root = weak_root.get(k) or own.setdefault(k, k)
        root_of_pair[(name, addr)] = root
    header_of = {key: [root_of_pair[p] for p in lst if root_of_pair[p] is not None]
                 for key, lst in tally.headers.items()}
    extra_alias: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for m in tally.signed:
        n = parsed_pair[(m.name, m.addr)][1]
        if n is None:
            continue
        roots = header_of.get((m.doc_id, m.of_role or ""), [])
        if len(roots) != 1:
            continue
        root = roots[0]
        own_names = cluster_full.get(root, [])
        if any(fits(n, f) or n.key == f.key for f in own_names) or f"n:{n.key}" in members.get(root, ()):
            extra_alias[root].append((m.role, m.name.strip(), m.doc_id))

    # ---- build people
    header_pairs = {(name, addr) for name, addr, _ in tally.roles}
    roots = {root_of_pair[p] for p in header_pairs} - {None} | set(extra_alias)
    people: dict[str, Person] = {}
    weak_of: dict[str, list[str]] = defaultdict(list)
    for k, r in weak_root.items():
        if r is not None:
            weak_of[r].append(k)
    for root in sorted(roots):
        keys = members.get(root, [root]) + weak_of.get(root, [])
        if root in own:
            keys = [root]
        addrs = sorted((k for k in keys if k.startswith("a:")), key=lambda k: (-seen[k], k))
        anchor = addrs[0] if addrs else sorted(keys, key=lambda k: (-seen[k], k))[0]
        p = Person(id=person_id(anchor), name="", anchor=anchor)
        for k in sorted(set(keys), key=lambda k: (-seen[k], k)):
            conf, why = reasons.get(k, (1.0, "its own address") if k == anchor else (CONF_SAME_HEADER, ""))
            if k == anchor:
                conf, why = 1.0, "the address this identity is known by" if k.startswith("a:") else "the name this identity is known by"
            p.aliases.append(Alias(key=k, kind="address" if k.startswith("a:") else "name",
                                   value=forms[k].most_common(1)[0][0] if forms[k] else k[2:],
                                   confidence=round(conf, 2), origin="user" if why == "merged by the user" else "auto",
                                   reason=why, seen=seen[k], first_doc=first_doc.get(k)))
        for role, value, doc in extra_alias.get(root, []):
            kind = "salutation" if role == "greeting" else "signature"
            key = f"{kind[0]}:{fold(value)}"
            hit = next((x for x in p.aliases if x.key == key), None)
            if hit is None:
                hit = Alias(key=key, kind=kind, value=value, confidence=CONF_GREETING,
                            reason="greeted in a message to this person" if kind == "salutation"
                            else "signed a message from this person", first_doc=doc)
                p.aliases.append(hit)
            hit.seen += 1
        p.name = _display_name(p, names)
        own_words = {w for k in keys if k.startswith("n:") for w in k[2:].split()}
        doms: Counter = Counter()
        for k in addrs:
            dom = k.split("@", 1)[1]
            if dom not in FREEMAIL and not personal_domain(dom, own_words):
                doms[dom] += seen[k]
        if doms:
            p.org = org_name(doms.most_common(1)[0][0])
        people[root] = p
    for d in decisions:
        if d.op == "rename":
            for k in d.keys:
                root = _root_of(k, uf, weak_root, own)
                if root in people:
                    people[root].name = d.name
                    people[root].renamed = True
    id_of = {root: p.id for root, p in people.items()}
    pid_of = {p: id_of.get(root_of_pair[p]) if root_of_pair[p] is not None else None for p in header_pairs}
    counts_sent: Counter = Counter()
    counts_recv: Counter = Counter()
    for (name, addr, sender), count in tally.roles.items():
        pid = pid_of[(name, addr)]
        if pid is not None:
            (counts_sent if sender else counts_recv)[pid] += count
    out = sorted(people.values(), key=lambda p: (-(counts_sent[p.id] + counts_recv[p.id]), p.name, p.id))
    for p in out:
        p.sent, p.received = counts_sent[p.id], counts_recv[p.id]
    return out, pid_of


def ocr_name_variants(full: dict[str, Name], seen: Counter, anchored: set[str]) -> list[tuple[str, str]]:
    """(variant key, name key it is a misreading of) for the full names not in `anchored` (see
    OCR_NAME_SIMILAR). Pure; compares within blocks of the same first letter of first or last name."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for k, n in full.items():
        for letter in {n.first[:1], n.last[:1]}:
            blocks[letter].append(k)
    out = []
    for k, n in full.items():
        if k in anchored:
            continue
        near = []
        for other in {o for letter in {n.first[:1], n.last[:1]} for o in blocks[letter]}:
            if other == k or seen.get(f"n:{other}", 0) < seen.get(f"n:{k}", 0):
                continue
            o = full[other]
            if seen.get(f"n:{other}", 0) == seen.get(f"n:{k}", 0) and other not in anchored and other > k:
                continue                    # of two equally rare unanchored spellings, one way only
            if _alike(k, other) >= OCR_NAME_SIMILAR and \
                    min(_alike(n.first, o.first), _alike(n.last, o.last)) >= OCR_NAME_PART_SIMILAR:
                near.append(other)
        kept: list[str] = []                # candidates spelled alike are one name: the most seen stands for them
        for other in sorted(near, key=lambda o: (-seen.get(f"n:{o}", 0), o)):
            if not any(_alike(other, x) >= OCR_NAME_SIMILAR for x in kept):
                kept.append(other)
        if len(kept) == 1:
            out.append((k, kept[0]))
    return out


def _alike(a: str, b: str) -> float:
    """How alike two spellings are once OCR's confusions are undone (difflib ratio)."""
    return difflib.SequenceMatcher(None, a.translate(_OCR_STROKES), b.translate(_OCR_STROKES)).ratio()


def _root_of(key: str, uf: UnionFind, weak_root: dict, own: dict) -> str | None:
    if key in uf.parent:
        return uf.find(key)
    if key in weak_root:
        return weak_root[key] or own.get(key)
    return None


def _incompatible(full_keys: list[str]) -> int:
    """How many mutually incompatible full names are in the list (same surname or same first name
    counts as compatible: a maiden name or a nickname)."""
    groups: list[tuple[str, str]] = []
    for k in full_keys:
        first, last = k.split(" ", 1)
        if not any(first == f or last == l for f, l in groups):
            groups.append((first, last))
    return len(groups)


def _best_form(ns: list[Name], forms: dict) -> str | None:
    best = None
    for n in ns:
        for v, c in forms.get(f"n:{n.key}", {}).items():
            if best is None or c > best[1]:
                best = (v, c)
    return best[0] if best else None


def _display_name(p: Person, names: dict) -> str:
    """The most frequent full-name form, written 'First Last' (not 'Last, First'); else a weak name;
    else the address."""
    full = [a for a in p.aliases if a.kind == "name" and names.get(a.key[2:]) and names[a.key[2:]].kind == "full"]
    pool = full or [a for a in p.aliases if a.kind == "name"] or p.aliases
    best = max(pool, key=lambda a: (a.seen, -len(a.key)))
    value = best.value
    if best.kind == "name" and value.count(",") == 1:
        last, first = value.split(",")
        value = f"{first.strip()} {last.strip()}"
    return value.strip("'\" ")


def personal_domain(domain: str, names: set[str]) -> bool:
    """A domain named after its owner (keller.me, anna-roth.de) is a person's, not a company's."""
    core = org_name(domain).casefold().split()
    return bool(core) and all(w in names for w in core)


def organisations(people: list[Person], signature_orgs: dict[str, Counter] | None = None) -> dict[str, dict]:
    """Organisations from the company domains of the resolved people (not free-mail providers,
    not a person's own domain), named as the people's signatures name them when a signature's
    company shares a word with the domain ('Westmark Robotics GmbH' for westmark-robotics.de);
    a signature company with no domain of its own is an organisation too. Sets each person's
    `org` to the company in their signatures, else to their domain's."""
    signature_orgs = signature_orgs or {}
    out: dict[str, dict] = {}
    for p in people:
        own = {w for a in p.aliases if a.kind == "name" for w in a.key[2:].split()}
        sig = signature_orgs.get(p.id)
        sig_name = sig.most_common(1)[0][0] if sig else None
        for a in p.aliases:
            if a.kind == "address":
                dom = a.key.split("@", 1)[1]
                if dom in FREEMAIL or personal_domain(dom, own):
                    continue
                oid = "o" + hashlib.sha1(dom.encode()).hexdigest()[:8]
                o = out.setdefault(oid, {"id": oid, "name": org_name(dom), "domains": [dom]})
                if dom not in o["domains"]:
                    o["domains"].append(dom)
                if sig_name and set(fold(sig_name).split()) & set(fold(org_name(dom)).split()):
                    o["name"] = sig_name
    renamed = {org_name(d): o["name"] for o in out.values() for d in o["domains"]}
    for p in people:
        sig = signature_orgs.get(p.id)
        if sig:
            sig_name = sig.most_common(1)[0][0]
            if not any(o["name"] == sig_name for o in out.values()):
                oid = "o" + hashlib.sha1(fold(sig_name).encode()).hexdigest()[:8]
                out.setdefault(oid, {"id": oid, "name": sig_name, "domains": []})
            p.org = sig_name
        elif p.org:
            p.org = renamed.get(p.org, p.org)
    return out
