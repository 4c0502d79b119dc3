"""Files read by several processes, one per core where it pays, the results
taken back in input order.

`check` and `consolidate` read file after file, each file on its own: the
reading is spread over worker processes and handed back in the order the files
came, so the terminal report, the JSON and the workbook are the same bytes
whatever the number of workers.  A worker never gets ahead of the consumer by
more than a few chunks (memory stays flat however many files there are).

What crosses between processes is small and plain (a path in, bytes or a
short record out): a worker sends back what the consumer prints or stores,
never the engine's objects.
"""
from __future__ import annotations

import os
from collections import deque
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

#: Files a worker process must have to read before one is worth starting
#: (fork: cheap to start; spawn — Windows, the Excel button — re-imports xltools).
FILES_PER_WORKER = 24
FILES_PER_WORKER_SPAWN = 96
#: multiprocessing start method (None: the platform's own).
START_METHOD: Optional[str] = None
#: Files handed to a worker at a time.
CHUNK = 8
#: The young generation's threshold while a command runs (Python's default: 700;
#: see `cli.few_collections`), in the command's process and in its workers.
GC_YOUNG = 10_000


def default_jobs(files: int) -> int:
    """One reading process per core, when there are enough files to pay for
    starting them (a spawned worker re-imports xltools, so it needs more files
    than a forked one)."""
    per = FILES_PER_WORKER_SPAWN if start_method() == "spawn" else FILES_PER_WORKER
    return max(1, min(cores(), files // per))


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def start_method() -> str:
    import multiprocessing

    return START_METHOD or multiprocessing.get_start_method(allow_none=False)


def ordered_map(func: Callable[[Any], Any], tasks: Iterable[Any], workers: int, *,
                count: Optional[int] = None, setup: Optional[Callable[..., None]] = None,
                setup_args: tuple = ()) -> Iterator[Any]:
    """`func(task)` for each task, in order.  With `workers` > 1 (and two tasks
    or more: `count` of them, or `len(tasks)`) the calls run in that many
    processes, `setup(*setup_args)` once in each first; otherwise here, after
    `setup` has run here.  Tasks are taken from `tasks` only as chunks are
    handed out.  `func` and `setup` are module-level functions (a spawned
    worker imports them by name)."""
    if count is None:
        tasks = tasks if isinstance(tasks, Sequence) else list(tasks)
        count = len(tasks)
    if workers <= 1 or count < 2:
        if setup is not None:
            setup(*setup_args)
        for task in tasks:
            yield func(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    left = iter(tasks)
    chunks = iter(lambda: list(islice(left, CHUNK)), [])
    context = multiprocessing.get_context(start_method())
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_init_worker, initargs=(setup, setup_args))
    window: deque = deque()
    try:
        pending = iter(chunks)
        for chunk in pending:
            window.append(pool.submit(_run_chunk, func, chunk))
            if len(window) >= 3 * workers:
                break
        while window:
            results = window.popleft().result()
            for chunk in pending:  # keep the window full
                window.append(pool.submit(_run_chunk, func, chunk))
                break
            yield from results
    finally:
        for future in window:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(setup: Optional[Callable[..., None]], setup_args: tuple) -> None:
    """A worker's set-up: the cyclic collector as rare as in the command
    (`cli.few_collections`: a spawned worker starts with Python's default),
    then the caller's own."""
    import gc

    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    if setup is not None:
        setup(*setup_args)


def _run_chunk(func: Callable[[Any], Any], chunk: Sequence[Any]) -> list:
    return [func(task) for task in chunk]
