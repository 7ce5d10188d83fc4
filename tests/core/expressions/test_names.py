"""Short node names: each node written as its sub-expression, abbreviated past a limit."""

from core.expressions import parse, short_names


def names_of(text: str, limit: int = 16) -> list[str]:
    graph = parse(text)
    names = short_names(graph, limit)
    return [names[n.id] for n in graph.nodes]


def test_small_sub_expressions_are_written_out():
    assert names_of("(a+b)*(b+1)") == ["a", "b", "a + b", "1", "b + 1", "(a + b)*(b + 1)"]
    assert names_of("exp(sin(x**2))")[-2:] == ["sin(x**2)", "exp(sin(x**2))"]


def test_parentheses_follow_precedence():
    assert names_of("a-(b-c)")[-1] == "a − (b − c)"
    assert names_of("x * -3")[-1] == "x*(−3)"
    assert names_of("(a*b)+c")[-1] == "a*b + c"


def test_long_operands_become_an_ellipsis_within_the_limit():
    graph = parse("sigmoid(w0*x0 + w1*x1 + w2)")
    names = short_names(graph, 12)
    assert names[graph.output] == "σ(… + w2)"
    assert all(len(name) <= 12 for name in names.values())


def test_network_quantities_keep_their_names():
    from core.expressions import network_graph
    from tests.core.helpers import mazur

    net = mazur()
    graph, _ = network_graph(net, [0.05, 0.1], [0.01, 0.99])
    names = short_names(graph)
    assert names[graph.output] == "L"
    assert {"z1_0", "u1_0", "w1_0_0"} <= set(names.values())


def test_abbreviated_names_do_not_repeat_one_another():
    # micrograd's sanity check, x = -4: z = 2x + 2 + x, q = relu(z) + z·x, h = relu(z·z),
    # y = h + q + q·x. Cut at the same length, relu(z) + z·x and relu(z·z) + q would both read
    # "relu(…) + …".
    z = "(2*x + 2 + x)"
    q = f"(relu{z} + {z}*x)"
    graph = parse(f"relu({z}*{z}) + {q} + {q}*x")
    names = short_names(graph, 15)
    assert len(set(names.values())) == len(graph.nodes)
    assert all(len(name) <= 15 + 6 for name in names.values())
    assert names[graph.output] != "… + …"  # an operand is kept where one fits
