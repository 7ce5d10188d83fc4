"""Scalar expressions as computation graphs, differentiated in forward and reverse mode.

The notes' "Composite functions and computation graphs" and "Why backpropagation?" in code: an
expression such as ``(a+b)*(b+1)`` is parsed (safely: a whitelist over Python's ``ast``, never
``eval``) into a graph of primitive nodes, evaluated forward, and differentiated either

- in **reverse mode**: seed ∂f/∂f = 1 at the output, then for each node in reverse topological
  order ∂f/∂node = Σ over its outgoing edges of ∂f/∂consumer · ∂consumer/∂node; one backward pass
  gives the derivative with respect to every input; or
- in **forward mode** for one input x: each node's dnode/dx = Σ over its incoming edges of
  ∂node/∂input · dinput/dx, alongside its value; one pass per input.

Like :mod:`core.trace`, the computation is data: :func:`trace` returns a tuple of frozen
:class:`GraphOperation` records that a view steps through.

Syntax: numbers, variable names, ``+ - * / **``, unary ``-``/``+``, parentheses and the functions
in :data:`FUNCTIONS`. ``e`` and ``pi`` are constants, not variables. A ``-`` directly in front of
a number is part of the number (``x * -3`` has the constant −3). Identical sub-expressions become
one node (``(a+b)*(a+b)`` has one ``+`` node used twice); ``a+b`` and ``b+a`` stay different.

Node ids are ``n0``, ``n1``, … in post-order of the expression (left operand first), which is
also the topological order: a node's inputs always have smaller ids. Edges carry derivatives only
when they leave a non-constant node; constants have no gradient (None).
"""

from __future__ import annotations

from core.expressions.graph import (  # noqa: F401 (the package's public names)
    CONSTANTS,
    FUNCTIONS,
    LABELS,
    LOCAL_FORMULAS,
    Edge,
    ExpressionError,
    Graph,
    Node,
    adjoints,
    check_values,
    differentiate,
    forward_gradient,
    forward_values,
    local_derivatives,
    operation_counts,
    tangents,
)
from core.expressions.names import (  # noqa: F401 (the package's public names)
    display_names,
    name_limit,
    operand,
    short_names,
    step_names,
)
from core.expressions.parse import (  # noqa: F401 (the package's public names)
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    parse,
)
from core.expressions.presets import (  # noqa: F401 (the package's public names)
    MAX_NETWORK_PARAMETERS,
    PRESETS,
    Preset,
    get_preset,
    network_graph,
)
from core.expressions.steps import (  # noqa: F401 (the package's public names)
    GraphOperation,
    trace,
)
