"""Crash-safe folder layout: numbered generations switched by an atomic CURRENT file, plus a journal."""
import base64
import contextlib
import fcntl
import json
import os
import shutil


def write_atomic(path, data):
    """Write bytes to path via a temp file, fsync and os.replace."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def encode_array(arr):
    """A float32 vector as base64 text (for journal lines)."""
    return base64.b64encode(arr.astype("<f4").tobytes()).decode("ascii")


def decode_array(text):
    """Inverse of encode_array."""
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype="<f4").copy()


class Store:
    """One index folder: gen-N/ snapshots, CURRENT naming the live one, journal-N.log of later writes."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    @contextlib.contextmanager
    def locked(self):
        """Exclusive lock across processes for writers."""
        with open(os.path.join(self.folder, "LOCK"), "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def generation(self):
        """Number of the live snapshot (0 when there is none)."""
        try:
            with open(os.path.join(self.folder, "CURRENT"), encoding="ascii") as f:
                return int(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def path(self, gen, name):
        """Path of a file in snapshot gen."""
        return os.path.join(self.folder, f"gen-{gen}", name)

    def journal_path(self, gen):
        """Journal of writes made after snapshot gen."""
        return os.path.join(self.folder, f"journal-{gen}.log")

    def signature(self):
        """(generation, journal size): changes whenever any process writes the index."""
        gen = self.generation()
        try:
            return gen, os.path.getsize(self.journal_path(gen))
        except FileNotFoundError:
            return gen, 0

    def publish(self, gen, write_files):
        """Write a new snapshot with write_files(folder), then switch CURRENT to it atomically."""
        final = os.path.join(self.folder, f"gen-{gen}")
        tmp = final + f".tmp{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        write_files(tmp)
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name), "rb") as f:
                os.fsync(f.fileno())
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        write_atomic(os.path.join(self.folder, "CURRENT"), str(gen).encode("ascii"))
        self._sweep(gen)

    def _sweep(self, live):
        """Remove snapshots and journals other than the live one (left over from older writes or crashes)."""
        for name in os.listdir(self.folder):
            stale = name.startswith("gen-") and name != f"gen-{live}"
            stale |= name.startswith("journal-") and name != f"journal-{live}.log"
            if stale:
                target = os.path.join(self.folder, name)
                shutil.rmtree(target, ignore_errors=True) if os.path.isdir(target) else os.remove(target)

    def append(self, gen, records, at):
        """Write records durably at offset `at` (dropping a torn tail after it); returns the new size."""
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        path = self.journal_path(gen)
        with open(path, "r+b" if os.path.exists(path) else "wb") as f:
            f.seek(at)
            f.truncate()
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            return f.tell()

    def replay(self, gen, offset=0):
        """Complete journal records from offset on, and the offset after the last one."""
        try:
            with open(self.journal_path(gen), "rb") as f:
                f.seek(offset)
                data = f.read()
        except FileNotFoundError:
            return [], offset
        records, pos = [], offset
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break  # a torn last line from a crash mid-write: ignore it
            try:
                records.append(json.loads(line))
            except ValueError:
                break
            pos += len(line)
        return records, pos
