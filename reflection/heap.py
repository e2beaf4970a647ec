"""Gives the C heap's freed pages back to the system, for a process that has just loaded a model.

glibc keeps the memory a program frees for its own reuse, resident, unless it lies at the very top of its
heap; loading a model passes through much more memory than it keeps (Presidio's spaCy model, the sentence
encoder's graph optimisation), so after loading, tens of MB are free yet resident. ``malloc_trim(0)`` hands
those pages back (docs/PERFORMANCE.md, round 11). Nothing else changes: no setting of the allocator, and
elsewhere than glibc (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import gc


def release_free_memory() -> bool:
    """True when glibc gave memory back to the system."""
    gc.collect()  # what only the cycle collector frees goes back too
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library this process runs on
    return bool(trim(0)) if trim is not None else False
