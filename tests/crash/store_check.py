"""store_check.py - read-only checks of a coffer data directory against its
metadata: every blob file a committed row names exists, no file exists that
no row names (an orphan), nothing is left in objects/tmp/, inline objects
and their bytes match one to one, and SQLite's own integrity check passes.

Used by the crash, fault and soak tools right after a (re)start, when the
server's recovery has run and no request is in flight. The layout is the one
src/store/blob/fs.c and src/store/meta/sqlite.c write: objects/ab/cd/<id>
for published blobs, objects/tmp/<id> while in flight, the `blob` columns
of the `objects` and `parts` tables in meta.db, and for inline objects
(objects.inl, schema v3) the `inline_blobs` table instead of a file."""
import os
import re
import sqlite3

ID = re.compile(r"^[0-9a-f]{32}$")


def blob_files(data):
    """(published ids, names in tmp/, stray names) found under data/objects."""
    root = os.path.join(data, "objects")
    published, tmp, stray = set(), set(), []
    tmpdir = os.path.join(root, "tmp")
    if os.path.isdir(tmpdir):
        tmp = set(os.listdir(tmpdir))
    for a in os.listdir(root) if os.path.isdir(root) else []:
        if a == "tmp":
            continue
        pa = os.path.join(root, a)
        if not os.path.isdir(pa):
            stray.append(a)
            continue
        for b in os.listdir(pa):
            pb = os.path.join(pa, b)
            if not os.path.isdir(pb):
                stray.append(a + "/" + b)
                continue
            for name in os.listdir(pb):
                if ID.match(name) and name[:2] == a and name[2:4] == b:
                    published.add(name)
                else:
                    stray.append("%s/%s/%s" % (a, b, name))
    return published, tmp, stray


def referenced(data):
    """What the metadata names, read through a read-only connection: ids of
    blob files (object rows that are not inline, part rows), ids on the gc
    list, inline rows whose bytes are missing, inline bytes no row owns, and
    the integrity_check result."""
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(data, "meta.db"), uri=True,
                         timeout=30)
    try:
        cols = {r[1] for r in db.execute("PRAGMA table_info(objects)")}
        if "inl" in cols:  # schema v3: small objects keep their bytes in inline_blobs
            refs = {r[0] for r in db.execute(
                "SELECT blob FROM objects WHERE inl = 0 UNION SELECT blob FROM parts")}
            inline_missing = {r[0] for r in db.execute(
                "SELECT blob FROM objects WHERE inl <> 0"
                " AND blob NOT IN (SELECT id FROM inline_blobs)")}
            inline_orphans = {r[0] for r in db.execute(
                "SELECT id FROM inline_blobs"
                " WHERE id NOT IN (SELECT blob FROM objects WHERE inl <> 0)")}
        else:
            refs = {r[0] for r in db.execute(
                "SELECT blob FROM objects UNION SELECT blob FROM parts")}
            inline_missing = inline_orphans = set()
        gc = {r[0] for r in db.execute("SELECT blob FROM gc")}
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return refs, gc, inline_missing, inline_orphans, integrity


def check(data, gc_pending_ok=False):
    """A list of problems (strings); empty when the store is consistent.
    Call only with no write in flight: the server must be idle. Right after
    a start the gc list has been worked off, so a file still on it is an
    orphan too; gc_pending_ok allows such files on a running server (a
    deletion whose unlink failed waits for the next sweep)."""
    problems = []
    published, tmp, stray = blob_files(data)
    refs, gc, inline_missing, inline_orphans, integrity = referenced(data)
    if integrity != "ok":
        problems.append("sqlite integrity_check: %s" % integrity)
    if inline_missing:
        problems.append("%d inline objects have no bytes: %s"
                        % (len(inline_missing), sorted(inline_missing)[:5]))
    if inline_orphans:
        problems.append("%d inline byte rows no object owns: %s"
                        % (len(inline_orphans), sorted(inline_orphans)[:5]))
    missing = refs - published - tmp
    if missing:
        problems.append("%d committed rows name a blob that is gone: %s"
                        % (len(missing), sorted(missing)[:5]))
    orphans = published - refs - (gc if gc_pending_ok else set())
    if orphans:
        problems.append("%d blob files no row names (orphans): %s"
                        % (len(orphans), sorted(orphans)[:5]))
    if tmp:
        problems.append("%d files left in objects/tmp: %s" % (len(tmp), sorted(tmp)[:5]))
    if stray:
        problems.append("unexpected entries under objects/: %s" % stray[:5])
    both = refs & gc
    if both:
        problems.append("%d blobs both referenced and on the gc list: %s"
                        % (len(both), sorted(both)[:5]))
    return problems


def counts(data):
    published, tmp, _ = blob_files(data)
    refs, gc, _, _, _ = referenced(data)
    return {"files": len(published), "tmp": len(tmp), "rows": len(refs), "gc": len(gc)}
