"""Memo: how a renderer takes files made before from the same inputs instead of making them again."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

Make = Callable[[], Mapping[str, bytes]]

Memo = Callable[[Sequence[str], object, Make], Mapping[str, bytes]]
"""``memo(paths, inputs, make)``: the files at ``paths``, made together by ``make`` from ``inputs``
alone, or the bytes a previous build made from the same inputs
(:class:`statusgen.write.pagecache.PageCache`)."""


def memoized(memo: Memo | None, paths: Sequence[str], inputs: object, make: Make) -> Mapping[str, bytes]:
    """The files at ``paths`` from ``memo``, or from ``make`` when there is no memo."""
    return make() if memo is None else memo(paths, inputs, make)
