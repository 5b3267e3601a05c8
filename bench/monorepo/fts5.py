#!/usr/bin/env python3
"""SQLite FTS5 beside Grounded in the monorepo benchmark: what Continue's full-text index is built on.

One FTS5 table (unicode61 tokenizer, SQLite's default), one row per 60-line chunk of each file, and a
catalogue of (path, size, mtime) so an update reads only the files that changed. The files are the list
Grounded's discovery gives (a JSON array of paths relative to the folder), so both index the same files.

  fts5.py build  FOLDER FILES.json DB     index every listed file into a new DB
  fts5.py update FOLDER FILES.json DB     stat every listed file; re-chunk those whose size or mtime differ
  fts5.py query  DB TEXT                  one query after process start (top 10 paths and lines on stdout)
  fts5.py serve  DB                       JSON lines {"id", "text"} on stdin -> {"id", "results"} on stdout

A query is the question's words (letters and digits), each quoted, joined by OR, ranked by bm25().
Each command prints one JSON line of counts on stderr.
"""
import json
import os
import re
import sqlite3
import sys

CHUNK_LINES = 60
SNIFF_BYTES = 8192
WORD = re.compile(r"\w+", re.UNICODE)


def connect(db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    return con


def create(con):
    con.execute("CREATE VIRTUAL TABLE chunks USING fts5(path UNINDEXED, start UNINDEXED, body, tokenize='unicode61')")
    con.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER)")


def chunks_of(folder, rel):
    """The file's 60-line chunks, or none for a file that is not text (NUL bytes, as Grounded's rule)."""
    with open(os.path.join(folder, rel), "rb") as f:
        data = f.read()
    if b"\0" in data[:SNIFF_BYTES]:
        return []
    lines = data.decode("utf-8", errors="replace").split("\n")
    return [(rel, i + 1, "\n".join(lines[i:i + CHUNK_LINES])) for i in range(0, len(lines), CHUNK_LINES)]


def index_file(con, folder, rel, st):
    rows = chunks_of(folder, rel)
    con.executemany("INSERT INTO chunks (path, start, body) VALUES (?, ?, ?)", rows)
    con.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (rel, st.st_size, st.st_mtime_ns))
    return len(rows)


def build(folder, files, db):
    if os.path.exists(db):
        sys.exit(f"{db} exists")
    con = connect(db)
    create(con)
    n = 0
    with con:
        for rel in files:
            n += index_file(con, folder, rel, os.stat(os.path.join(folder, rel)))
    con.close()
    return {"files": len(files), "chunks": n, "dbBytes": os.path.getsize(db)}


def update(folder, files, db):
    con = connect(db)
    known = {p: (s, m) for p, s, m in con.execute("SELECT path, size, mtime_ns FROM files")}
    changed = 0
    with con:
        for rel in files:
            st = os.stat(os.path.join(folder, rel))
            if known.pop(rel, None) == (st.st_size, st.st_mtime_ns):
                continue
            con.execute("DELETE FROM chunks WHERE path = ?", (rel,))
            index_file(con, folder, rel, st)
            changed += 1
        for gone in known:
            con.execute("DELETE FROM chunks WHERE path = ?", (gone,))
            con.execute("DELETE FROM files WHERE path = ?", (gone,))
    con.close()
    return {"changed": changed, "removed": len(known)}


def match_expression(text):
    words = WORD.findall(text)
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(con, text, k=10):
    expr = match_expression(text)
    if not expr:
        return []
    sql = "SELECT path, start, bm25(chunks) AS score FROM chunks WHERE chunks MATCH ? ORDER BY score LIMIT ?"
    return [{"path": p, "startLine": s, "score": -sc} for p, s, sc in con.execute(sql, (expr, k))]


def serve(db):
    con = connect(db)
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        sys.stdout.write(json.dumps({"id": q.get("id"), "results": search(con, q["text"])}) + "\n")
        sys.stdout.flush()
    return {}


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd in ("build", "update") and len(argv) == 5:
        with open(argv[3], encoding="utf-8") as f:
            files = json.load(f)
        out = (build if cmd == "build" else update)(argv[2], files, argv[4])
    elif cmd == "query" and len(argv) == 4:
        con = connect(argv[2])
        results = search(con, argv[3])
        for r in results:
            print(f"{r['path']}:{r['startLine']}  ({r['score']:.3f})")
        out = {"results": len(results)}
    elif cmd == "serve" and len(argv) == 3:
        out = serve(argv[2])
    else:
        sys.exit(__doc__)
    sys.stderr.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
