"""The NAS-Bench-201 cell search space: parsing, enumeration, mutation, canonical forms."""

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.utils import check_random_state

from ._nasbench201_cost import DATASETS, CellCost, cell_costs

OPERATIONS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
"""Edge operations, in the order of their integer codes (``none`` is 0)."""

EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
"""The six edges as ``(from_node, to_node)``, in the benchmark's string order."""

N_NODES = 4
N_CELLS = len(OPERATIONS) ** len(EDGES)

_OP_CODE = {op: code for code, op in enumerate(OPERATIONS)}
_TOKEN = re.compile(r"^([a-z0-9_]+)~(\d+)$")


@dataclass(frozen=True)
class NASBench201Cell:
    """One NAS-Bench-201 cell: the operation on each of its six edges.

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
        return cls(tuple(OPERATIONS[int(c)] for c in codes))

    @property
    def codes(self):
        """The six operation codes as a tuple of int."""
        return tuple(_OP_CODE[op] for op in self.ops)

    def to_string(self):
        """Format the cell as the benchmark's cell string."""
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
            match = _TOKEN.match(token)
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


@lru_cache(maxsize=1)
def _string_to_index():
    """Map every valid cell string to its position in ``enumerate`` order."""
    return {
        _format(codes): i
        for i, codes in enumerate(itertools.product(range(len(OPERATIONS)), repeat=6))
    }


def _index_to_codes(index):
    """Decode ``enumerate`` positions (base-5 numbers) into op codes, vectorised."""
    index = np.asarray(index, dtype=np.int64)
    powers = len(OPERATIONS) ** np.arange(len(EDGES) - 1, -1, -1)
    return ((index[..., None] // powers) % len(OPERATIONS)).astype(np.int8)


def to_codes(cells):
    """Convert cells (strings or :class:`NASBench201Cell`) to an ``(n, 6)`` int8 array.

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
                _parse(cell)
            except ValueError as exc:
                raise ValueError(f"Invalid cell at position {i}: {exc}") from None
        index[i] = position
    return _index_to_codes(index)


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


class NASBench201Space:
    """The NAS-Bench-201 cell space: 6 edges, 5 operations, 15,625 cells.

    Cells are given as the benchmark's strings (``|op~0|+|op~0|op~1|+...``) or
    as :class:`NASBench201Cell` objects; methods return strings unless noted.

    Examples
    --------
    >>> from sknar.spaces import NASBench201Space
    >>> space = NASBench201Space()
    >>> len(space)
    15625
    >>> cell = space.sample(1, random_state=0)[0]
    >>> len(space.neighbors(cell))
    24
    >>> c = space.cost("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"
    ...                "+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|", "cifar10")
    >>> c.params
    1531546
    """

    operations = OPERATIONS
    edges = EDGES
    datasets = DATASETS

    def __len__(self):
        return N_CELLS

    def __contains__(self, cell):
        try:
            self.parse(cell)
        except ValueError:
            return False
        return True

    def parse(self, cell):
        """Return the :class:`NASBench201Cell` for a string (or a cell)."""
        if isinstance(cell, NASBench201Cell):
            return cell
        return NASBench201Cell.from_string(cell)

    def format(self, cell):
        """Return the benchmark string for a cell (or a string, validated)."""
        return self.parse(cell).to_string()

    def enumerate(self):
        """Yield all 15,625 cell strings (lexicographic in operation codes)."""
        for codes in itertools.product(range(len(OPERATIONS)), repeat=len(EDGES)):
            yield _format(codes)

    def sample(self, n, *, random_state=None, replace=False):
        """Draw ``n`` cell strings uniformly at random.

        Parameters
        ----------
        n : int
            Number of cells.
        random_state : int, RandomState instance or None
            Seed for reproducible draws.
        replace : bool, default=False
            If False, the cells are distinct (``n`` at most 15,625).

        Returns
        -------
        cells : list of str
        """
        if not replace and n > N_CELLS:
            raise ValueError(f"Cannot draw {n} distinct cells from a space of {N_CELLS}.")
        rng = check_random_state(random_state)
        index = rng.choice(N_CELLS, size=n, replace=replace)
        return [_format(codes) for codes in _index_to_codes(index)]

    def neighbors(self, cell):
        """All 24 cells that differ from ``cell`` in exactly one edge's operation."""
        codes = self.parse(cell).codes
        result = []
        for edge in range(len(EDGES)):
            for op in range(len(OPERATIONS)):
                if op != codes[edge]:
                    mutated = list(codes)
                    mutated[edge] = op
                    result.append(_format(mutated))
        return result

    def canonical(self, cell):
        """A string under which cells computing the same function coincide.

        This is the benchmark's own isomorphism key (the ``UniqueString`` of
        NATS-Bench): ``skip_connect`` is the identity, the inputs of a node are
        an unordered sum (so isomorphic node orderings coincide), and a ``none``
        edge or an edge leaving a zero node contributes a zero term ``#``. It
        partitions the 15,625 cells into exactly the benchmark's 6,466 classes.

        Examples
        --------
        >>> from sknar.spaces import NASBench201Space
        >>> space = NASBench201Space()
        >>> a = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|"
        >>> b = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|none~2|"
        >>> space.canonical(a) == space.canonical(b)
        True
        """
        return _canonical_expression(self.parse(cell).codes)

    def cost(self, cell, dataset="cifar10", *, counting="nar"):
        """Exact FLOPs and parameters of the network built from ``cell``.

        Parameters
        ----------
        cell : str or NASBench201Cell
        dataset : {"cifar10", "cifar100", "ImageNet16-120"}
        counting : {"nar", "benchmark"}, default="nar"
            ``"nar"`` follows the reference NAR record (convolutions count their
            multiply-accumulates, BatchNorm 2 per output element, the global
            average pool its inputs, the classifier without bias);
            ``"benchmark"`` follows the NAS-Bench-201 API (convolutions and the
            linear layer only, the linear bias included). Parameters are the
            network's true parameter counts in both.

        Returns
        -------
        cost : CellCost
            ``edge_flops`` and ``edge_params`` of shape ``(15, 6)``, and the
            network totals ``flops`` and ``params`` as ints.
        """
        codes = np.asarray([self.parse(cell).codes], dtype=np.int8)
        batch = cell_costs(codes, dataset, counting=counting)
        return CellCost(
            edge_flops=batch.edge_flops[0],
            edge_params=batch.edge_params[0],
            flops=int(batch.flops[0]),
            params=int(batch.params[0]),
        )

    def costs(self, cells, dataset="cifar10", *, counting="nar"):
        """Vectorised :meth:`cost` for many cells: arrays with a leading ``n`` axis."""
        return cell_costs(to_codes(cells), dataset, counting=counting)
