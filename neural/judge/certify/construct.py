"""A hand-built GRU that computes a grammar's language exactly, with saturated units.

:func:`exact_verifier` writes the weights of a one-layer GRU that simulates
the grammar's complete minimal DFA. It has one unit per pair (state ``q``,
last symbol ``a``), plus one for the start before any symbol; a unit is
``+1`` when the automaton is in ``q`` having just read ``a``, else ``-1``.
Every gate is saturated: the reset gate is always open, the update gate
always closed (``h' = n``), and unit ``(q', b)`` computes
``n = tanh(K·([x = b] + [previous state leads to q' on b] − 1.5))``, an AND
that is linear in the one-hot input and in the state. Its pre-activations
are ``±K/2`` or further from zero, so with the default gain every state is
``±1`` to float precision: a network with a small certificate, for tests,
examples and as a reference.

Examples
--------
>>> from grammar import library
>>> v = exact_verifier(library.tomita(3))
>>> v.model.config.hidden, v.accepts_many(["", "1", "10", "100", "1000"]).tolist()
(11, [True, True, False, True, False])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from grammar import Grammar

__all__ = ["exact_verifier", "exact_state_dict"]

#: The default gain: pre-activations of at least ±K/2 = ±20.
GAIN = 40.0


def exact_state_dict(g: Grammar, gain: float = GAIN,
                     layers: int = 1) -> tuple[dict[str, np.ndarray], int, int]:
    """The weights of the exact GRU for `g`: ``(state_dict, embedding, hidden)``.

    With more than one layer, each layer after the first copies the one
    below (``n = tanh(K·h)``, update gate shut), and the head reads the last.

    Examples
    --------
    >>> from grammar import library
    >>> state, e, h = exact_state_dict(library.parity())
    >>> e, h, state["gru.weight_hh_l0"].shape
    (3, 5, (15, 5))
    """
    if not isinstance(g, Grammar):
        raise TypeError(f"exact_state_dict needs a Grammar, not {type(g).__name__}")
    dfa = g.dfa
    table, accepting = np.asarray(dfa.table), np.asarray(dfa.accepting)
    n_states, n_symbols = table.shape
    hidden = n_states * n_symbols + 1
    start_unit = hidden - 1  # the start state before any symbol (after BOS)

    def unit(q: int, a: int) -> int:
        return q * n_symbols + a

    members = [[unit(q, a) for a in range(n_symbols)] for q in range(n_states)]
    members[dfa.start].append(start_unit)
    k = float(gain)
    embed = n_symbols + 1  # one-hot: column 0 is BOS, column 1 + j symbol j
    emb = np.zeros((n_symbols + 2, embed))
    emb[1, 0] = 1.0
    for j in range(n_symbols):
        emb[2 + j, 1 + j] = 1.0
    w_ih = np.zeros((3 * hidden, embed))
    w_hh = np.zeros((3 * hidden, hidden))
    b_ih = np.zeros(3 * hidden)
    b_ih[:hidden] = k  # reset gate open
    b_ih[hidden:2 * hidden] = -k  # update gate closed: h' = n
    cand = 2 * hidden
    for q2 in range(n_states):
        for b in range(n_symbols):
            row = cand + unit(q2, b)
            sources = [u for p in range(n_states) if table[p, b] == q2 for u in members[p]]
            w_ih[row, 1 + b] = k
            w_ih[row, 0] = -k * (2 + len(sources))
            b_ih[row] = k / 2 * len(sources) - 1.5 * k
            w_hh[row, sources] = k / 2
    w_ih[cand + start_unit, 0] = 2 * k
    b_ih[cand + start_unit] = -k
    final = [u for q in range(n_states) if accepting[q] for u in members[q]]
    head = np.zeros((n_symbols + 1, hidden))
    head_b = np.zeros(n_symbols + 1)
    head[0, final] = k / 2
    head_b[0] = k / 2 * len(final) - k / 2
    state = {
        "embed.weight": emb, "gru.weight_ih_l0": w_ih, "gru.weight_hh_l0": w_hh,
        "gru.bias_ih_l0": b_ih, "gru.bias_hh_l0": np.zeros(3 * hidden),
        "head.weight": head, "head.bias": head_b,
    }
    for layer in range(1, layers):
        copy_ih = np.zeros((3 * hidden, hidden))
        copy_ih[cand:] = k * np.eye(hidden)
        copy_b = np.zeros(3 * hidden)
        copy_b[:hidden], copy_b[hidden:cand] = k, -k
        state.update({f"gru.weight_ih_l{layer}": copy_ih,
                      f"gru.weight_hh_l{layer}": np.zeros((3 * hidden, hidden)),
                      f"gru.bias_ih_l{layer}": copy_b,
                      f"gru.bias_hh_l{layer}": np.zeros(3 * hidden)})
    return {name: value.astype(np.float32) for name, value in state.items()}, embed, hidden


def exact_verifier(g: Grammar, gain: float = GAIN, layers: int = 1, **info: Any) -> Any:
    """A CPU :class:`~neural.verifier.Verifier` whose GRU computes `g` exactly.

    Parameters
    ----------
    g : Grammar
    gain : float
        ``K``: every pre-activation is at least ``K/2`` from zero.
    layers : int
        GRU layers; those after the first copy the one below.
    **info
        Extra provenance for the verifier's ``info``.
    """
    from neural.checkpoint import grammar_info
    from neural.data import Vocabulary
    from neural.model import ModelConfig, RecurrentClassifier
    from neural.verifier import Verifier

    state, embed, hidden = exact_state_dict(g, gain, layers)
    vocab = Vocabulary.from_grammar(g)
    model = RecurrentClassifier(ModelConfig(vocab_size=vocab.size, embedding=embed, hidden=hidden,
                                      layers=layers, update_bias=0.0))
    model.load_state_dict({name: torch.from_numpy(value) for name, value in state.items()})
    return Verifier(model, vocab, device="cpu", info={"grammar": grammar_info(g), **info},
                    precision="fp32")
