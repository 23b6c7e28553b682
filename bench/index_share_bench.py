"""What a web server on another machine pays to read the search index over a network share.

    python -m bench.index_share_bench [--pages 20000] [--queries 50] [--rounds 3]

One writer builds a Whoosh index (generated party-history pages, as bench.search_bench) on this
machine's disk. The same index is then read three ways: from the local folder, through an sshfs
mount of that folder over loopback SSH (a real network file system, FUSE and the SSH protocol
included; only the wire is short), and from a local copy taken through the mount (the "readers on
a copy" layout). For each: opening it (a new searcher and its first query: a web worker starting,
or renewing its searcher after a commit) and the median and 95th percentile of warm queries of
the four kinds, each of which first asks whether a writer has committed since (a look at the
share). NFS was not measured: this machine's kernel has no NFS server (`/proc/filesystems`).

Needs Debian's `openssh-server` and `sshfs` (apt-get install openssh-server sshfs), as root:
the bench starts its own sshd on a free loopback port with throw-away keys, and stops it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import print_table
from bench.search_bench import KINDS, percentiles, query_sets
from bench.search_corpus import PageGenerator
from bench.search_engines import SohoaEngine, folder_size
from search_index.searching import SearchIndex
from search_index.whoosh_backend import WhooshBackend
from tests.postgres import free_port

SSHD = Path("/usr/sbin/sshd")


@contextmanager
def sshfs_mount(source: Path, mountpoint: Path, work: Path) -> Iterator[Path]:
    """``source`` mounted at ``mountpoint`` through an sshd of our own on loopback."""
    for key in ("host", "user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / key)], check=True)
    shutil.copy(work / "user.pub", work / "authorized_keys")
    port = free_port()
    (work / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work / 'host'}\nAuthorizedKeysFile {work / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nStrictModes no\n"
        f"Subsystem sftp internal-sftp\nPidFile {work / 'sshd.pid'}\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation folder
    sshd = subprocess.Popen([str(SSHD), "-D", "-f", str(work / "sshd_config"), "-E", str(work / "sshd.log")])
    try:
        mountpoint.mkdir()
        time.sleep(1)
        subprocess.run(["sshfs", "-p", str(port), "-o", f"IdentityFile={work / 'user'},StrictHostKeyChecking=no,"
                        "UserKnownHostsFile=/dev/null,ro", f"root@127.0.0.1:{source}", str(mountpoint)], check=True)
        try:
            yield mountpoint
        finally:
            subprocess.run(["fusermount", "-u", str(mountpoint)], check=True)
    finally:
        sshd.terminate()
        sshd.wait()


def read(location: str, folder: Path, queries: dict[str, list[dict]]) -> dict[str, object]:
    """Open the index in ``folder`` as a web worker does, then run the queries warm."""
    engine = SohoaEngine(WhooshBackend, folder)
    started = time.perf_counter()
    engine.index = SearchIndex(WhooshBackend(folder))
    engine.run(**queries[KINDS[0]][0])
    row: dict[str, object] = {"location": location, "open + first query ms": (time.perf_counter() - started) * 1000}
    for kind, items in queries.items():
        times = []
        for item in items:
            began = time.perf_counter()
            engine.run(**item)
            times.append((time.perf_counter() - began) * 1000)
        row[kind] = percentiles(times)
    engine.index.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0 or not SSHD.exists() or not shutil.which("sshfs"):
        raise SystemExit("needs root and Debian's openssh-server and sshfs: apt-get install openssh-server sshfs")
    work = Path(tempfile.mkdtemp(prefix="sohoa-share-bench-"))
    writer = SohoaEngine(WhooshBackend, work / "share" / "index")
    build_s = writer.build(list(PageGenerator().pages(args.pages)))
    writer.index.close()
    print(f"index: {args.pages} pages, {folder_size(writer.folder) / 1e6:.0f} MB, built in {build_s:.0f} s; "
          f"load average {os.getloadavg()[0]:.1f}")
    queries = query_sets(args.queries)
    rows: list[dict[str, object]] = []
    with sshfs_mount(work / "share", work / "mnt", work) as mount:
        for n in range(args.rounds):
            rows.append(read("local disk", writer.folder, queries))
            rows.append(read("sshfs (loopback)", mount / "index", queries))
            copy = work / f"copy-{n}"
            began = time.perf_counter()
            shutil.copytree(mount / "index", copy)
            copy_s = time.perf_counter() - began
            rows.append({**read("local copy", copy, queries), "copy s": copy_s})
            print(f"round {n + 1}: " + "; ".join(f"{r['location']} open {r['open + first query ms']:.0f} ms"
                                                for r in rows[-3:]) + f"; copy {copy_s:.1f} s", flush=True)
    table = []
    for location in ("local disk", "sshfs (loopback)", "local copy"):
        mine = [r for r in rows if r["location"] == location]
        table.append([location, round(statistics.median(r["open + first query ms"] for r in mine)),
                      *(f"{statistics.median(r[k][0] for r in mine):.1f} / {statistics.median(r[k][1] for r in mine):.1f}"
                        for k in KINDS),
                      f"{statistics.median(r['copy s'] for r in mine):.1f}" if "copy s" in mine[0] else "–"])
    print_table(["index read from", "open + first query ms", *(f"{k} ms (median / p95)" for k in KINDS),
                 "copy through the share s"], table)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
