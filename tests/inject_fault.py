"""Run a module with a disk fault injected under one folder (where a real small or
read-only volume cannot be mounted: no root, or no mount rights in the container).

    python -m tests.inject_fault ENOSPC <folder> -m data_sources refresh --source gbfs_sf

Every attempt to open a file under <folder> for writing — `os.open` (tempfile, the
store's atomic writes) and `open()` (the lock file, the caches) — fails with that errno,
as the kernel would on a full (ENOSPC) or read-only (EROFS) filesystem. Reads work.
Only the operating system's calls are replaced, never this project's code.
"""

from __future__ import annotations

import builtins
import errno
import os
import runpy
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def install(code: int, folder: str) -> None:
    folder = os.path.realpath(folder)
    real_os_open, real_open = os.open, builtins.open

    def refused(path) -> bool:
        try:
            where = os.path.realpath(os.fspath(path))
        except TypeError:  # a file descriptor
            return False
        return where == folder or where.startswith(folder + os.sep)

    def failing_os_open(path, flags, *args, **kwargs):
        if flags & WRITE_FLAGS and refused(path):
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_os_open(path, flags, *args, **kwargs)

    def failing_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and refused(file):
            raise OSError(code, os.strerror(code), os.fspath(file))
        return real_open(file, mode, *args, **kwargs)

    os.open = failing_os_open
    builtins.open = failing_open


def main() -> None:
    name, folder, flag, module, *args = sys.argv[1:]
    assert flag == "-m", "usage: inject_fault ERRNO FOLDER -m MODULE [ARGS…]"
    install(getattr(errno, name), folder)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
