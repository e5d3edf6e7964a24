"""NAS-Bench-201 cells: the string format, operation codes and the benchmark's isomorphism key."""

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

OPERATIONS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
"""Edge operations, in the order of their integer codes (``none`` is 0)."""

EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
"""The six edges as ``(from_node, to_node)``, in the benchmark's string order."""

N_NODES = 4
N_CELLS = len(OPERATIONS) ** len(EDGES)

_OP_CODE = {op: code for code, op in enumerate(OPERATIONS)}
# ASCII digits, no leading zero, nothing after the node index (not even a newline)
_TOKEN = re.compile(r"([a-z0-9_]+)~(0|[1-9][0-9]*)", re.ASCII)


@dataclass(frozen=True)
class NASBench201Cell:
    """One NAS-Bench-201 cell: the operation on each of its six edges.

    Read more in the :ref:`User Guide <spaces>`.

    Parameters
    ----------
    ops : tuple of str
        Six operation names, in the benchmark's edge order
        ``(1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2)``.

    Examples
    --------
    >>> from sknar.spaces import NASBench201Cell
    >>> cell = NASBench201Cell.from_string(
    ...     "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|")
    >>> cell.ops[0], cell.ops[5]
    ('nor_conv_3x3', 'nor_conv_1x1')
    >>> str(cell) == cell.to_string()
    True
    """

    ops: tuple

    def __post_init__(self):
        ops = tuple(self.ops)
        if len(ops) != len(EDGES):
            raise ValueError(
                f"A NAS-Bench-201 cell has {len(EDGES)} edges, got {len(ops)} operations."
            )
        for op in ops:
            if op not in _OP_CODE:
                raise ValueError(
                    f"Unknown NAS-Bench-201 operation {op!r}; expected one of {OPERATIONS}."
                )
        object.__setattr__(self, "ops", ops)

    @classmethod
    def from_string(cls, arch_str):
        """Parse a benchmark cell string such as ``|nor_conv_3x3~0|+|...|``."""
        return cls(tuple(OPERATIONS[c] for c in _parse(arch_str)))

    @classmethod
    def from_codes(cls, codes):
        """Build a cell from six integer operation codes (see ``OPERATIONS``)."""
        codes = list(codes)
        for code in codes:
            if isinstance(code, (bool, np.bool_)) or not isinstance(code, (int, np.integer)) \
                    or not 0 <= code < len(OPERATIONS):
                raise ValueError(
                    f"NAS-Bench-201 operation codes are integers from 0 to {len(OPERATIONS) - 1}, "
                    f"got {code!r}."
                )
        return cls(tuple(OPERATIONS[int(c)] for c in codes))

    @property
    def codes(self):
        """The six operation codes as a tuple of int."""
        return tuple(_OP_CODE[op] for op in self.ops)

    def to_string(self):
        """Format the cell as the benchmark's cell string.

        Returns
        -------
        cell : str
            ``"|op~0|+|op~0|op~1|+|op~0|op~1|op~2|"``.
        """
        return _format(self.codes)

    def __str__(self):
        return self.to_string()


def _parse(arch_str):
    """Parse an arch string into a tuple of six op codes, with precise errors."""
    if not isinstance(arch_str, str):
        raise ValueError(
            f"A NAS-Bench-201 cell string must be a str, got {type(arch_str).__name__}: "
            f"{arch_str!r}."
        )
    groups = arch_str.split("+")
    if len(groups) != N_NODES - 1:
        raise ValueError(
            f"Malformed NAS-Bench-201 cell string {arch_str!r}: expected "
            f"{N_NODES - 1} node groups separated by '+', got {len(groups)}."
        )
    codes = []
    for node, group in enumerate(groups, start=1):
        if len(group) < 2 or group[0] != "|" or group[-1] != "|":
            raise ValueError(
                f"Malformed NAS-Bench-201 cell string {arch_str!r}: node {node} group "
                f"{group!r} must start and end with '|' (stray characters?)."
            )
        tokens = group[1:-1].split("|")
        if len(tokens) != node:
            raise ValueError(
                f"Malformed NAS-Bench-201 cell string {arch_str!r}: node {node} must have "
                f"{node} incoming edge(s), got {len(tokens)}; a cell has {len(EDGES)} edges."
            )
        for expected_source, token in enumerate(tokens):
            match = _TOKEN.fullmatch(token)
            if match is None:
                raise ValueError(
                    f"Malformed NAS-Bench-201 cell string {arch_str!r}: edge token "
                    f"{token!r} is not of the form 'operation~input_node'."
                )
            op, source = match.group(1), int(match.group(2))
            if op not in _OP_CODE:
                raise ValueError(
                    f"Unknown operation {op!r} in NAS-Bench-201 cell string {arch_str!r}; "
                    f"expected one of {OPERATIONS}."
                )
            if source != expected_source:
                raise ValueError(
                    f"Wrong node index in NAS-Bench-201 cell string {arch_str!r}: edge "
                    f"{expected_source + 1} into node {node} must read from node "
                    f"{expected_source}, got {source}."
                )
            codes.append(_OP_CODE[op])
    return tuple(codes)


def _format(codes):
    names = [OPERATIONS[c] for c in codes]
    return (
        f"|{names[0]}~0|+|{names[1]}~0|{names[2]}~1|"
        f"+|{names[3]}~0|{names[4]}~1|{names[5]}~2|"
    )


def _format_all():
    return [_format(codes) for codes in itertools.product(range(len(OPERATIONS)), repeat=len(EDGES))]


@lru_cache(maxsize=1)
def cell_strings():
    """Every cell string, in ``enumerate`` order (computed once)."""
    return tuple(_format_all())


@lru_cache(maxsize=1)
def _string_to_index():
    """Map every valid cell string to its position in ``enumerate`` order."""
    return {cell: i for i, cell in enumerate(cell_strings())}


@lru_cache(maxsize=1)
def canonical_keys():
    """The isomorphism key of every cell, in ``enumerate`` order (computed once)."""
    return [_canonical_expression(codes) for codes in _index_to_codes(np.arange(N_CELLS)).tolist()]


def _index_to_codes(index):
    """Decode ``enumerate`` positions (base-5 numbers) into op codes, vectorised."""
    index = np.asarray(index, dtype=np.int64)
    powers = len(OPERATIONS) ** np.arange(len(EDGES) - 1, -1, -1)
    return ((index[..., None] // powers) % len(OPERATIONS)).astype(np.int8)


def to_codes(cells):
    """Convert cells (strings or :class:`NASBench201Cell`) to an ``(n, 6)`` int8 array.

    Raises ``ValueError`` naming the first malformed cell.
    """
    return _index_to_codes(to_index(cells))


def to_index(cells):
    """Positions of cells (strings or :class:`NASBench201Cell`) in ``enumerate`` order.

    Raises ``ValueError`` naming the first malformed cell.
    """
    lookup = _string_to_index()
    index = np.empty(len(cells), dtype=np.int64)
    for i, cell in enumerate(cells):
        if isinstance(cell, NASBench201Cell):
            index[i] = lookup[_format(cell.codes)]
            continue
        position = lookup.get(cell) if isinstance(cell, str) else None
        if position is None:
            try:
                position = lookup[_format(_parse(cell))]
            except ValueError as exc:
                raise ValueError(f"Invalid cell at position {i}: {exc}") from None
        index[i] = position
    return index


@lru_cache(maxsize=1)
def representative_index():
    """For every cell, the position of its isomorphism class's representative (computed once).

    The representative is the member with the most ``none`` edges (the
    edges that do not reach the output pruned away), the first in
    ``enumerate`` order among those.
    """
    keys = canonical_keys()
    n_none = (_index_to_codes(np.arange(N_CELLS)) == OPERATIONS.index("none")).sum(axis=1)
    best = {}
    for i, key in enumerate(keys):
        if key not in best or n_none[i] > n_none[best[key]]:
            best[key] = i
    return np.array([best[key] for key in keys], dtype=np.int64)


def _canonical_expression(codes):
    """The benchmark's isomorphism key for a cell (NAS-Bench-201's unique string).

    Each node is the sorted ``+``-join of one term per incoming edge: ``#`` (zero)
    for a ``none`` edge or an edge leaving a node whose key is exactly ``#``, the
    source's key for ``skip_connect``, and ``(source)@op`` otherwise. Sorting makes
    summation order, and therefore isomorphic node orderings, irrelevant; edges
    into a node that never reaches the output drop out with that node.
    """
    nodes = ["0"]
    for node in range(1, N_NODES):
        terms = []
        for edge, (source, target) in enumerate(EDGES):
            if target != node:
                continue
            op = OPERATIONS[codes[edge]]
            if op == "none" or nodes[source] == "#":
                terms.append("#")
            elif op == "skip_connect":
                terms.append(nodes[source])
            else:
                terms.append(f"({nodes[source]})@{op}")
        nodes.append("+".join(sorted(terms)))
    return nodes[-1]
