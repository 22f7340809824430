"""Proved verifiers: a certificate that a GRU gives a grammar's answer at every length.

:func:`certify` looks, for every state of the grammar's complete minimal
DFA, for a finite set of boxes in the network's state space such that

1. **start**: the state after BOS lies in a box of the start state;
2. **steps**: one cell step from any point of a box of ``q``, reading
   ``a``, lands inside a named box of ``δ(q, a)``;
3. **answers**: over a box of an accepting state the membership logit is
   positive, over one of a rejecting state negative,

all checked by plain interval arithmetic with a margin that covers the
network's own float32 evaluation. By induction on the length, every word
then gets the grammar's answer from the network. A separate numpy-only
checker re-checks every claim before "proved" is reported; where the claims
fail, a search through the grammar's pumped cycles looks for a word on which
the network is wrong.

The modules, one idea each:

- :mod:`~neural.judge.certify.network`: the weights in float64, and the exact step;
- :mod:`~neural.judge.certify.intervals`: one GRU step in interval arithmetic;
- :mod:`~neural.judge.certify.margin`: the float32 error bound;
- :mod:`~neural.judge.certify.boxes`: finding the boxes;
- :mod:`~neural.judge.certify.pumping`: the counterexample search past the exhaustive bound;
- :mod:`~neural.judge.certify.checker`: the independent re-check (numpy only);
- :mod:`~neural.judge.certify.result`: :class:`Certificate` and ``certificate.json``;
- :mod:`~neural.judge.certify.construct`: hand-built exact GRUs, for tests and examples;
- :mod:`~neural.judge.certify.picture`: the picture of a proof (matplotlib);
- :mod:`~neural.judge.certify.run`: :func:`certify`.

Examples
--------
>>> from grammar import library
>>> from neural.judge.certify.construct import exact_verifier
>>> g = library.parity()
>>> cert = certify(exact_verifier(g), g, budget=10)
>>> cert.verdict, checker.check(cert.to_dict(), cert.weights) is None
('proved', True)
"""

from typing import Any

from neural.judge.certify import checker
from neural.judge.certify.result import CERTIFICATE, FORMAT, VERDICTS, Certificate

__all__ = ["certify", "Certificate", "VERDICTS", "FORMAT", "CERTIFICATE", "DEFAULT_BUDGET",
           "checker"]

#: Seconds a certification may take unless told otherwise.
DEFAULT_BUDGET = 60.0


def certify(verifier: Any, g: Any = None, **options: Any) -> Certificate:
    """Prove that `verifier` computes `g` at every length, or find a word where it does not.

    The options (``budget``, ``max_length``, ``seed``, ``threads``) and the
    steps are those of :func:`neural.judge.certify.run.certify`, which this loads
    on first use, so that importing the package, and its numpy-only checker,
    does not import torch.
    """
    from neural.judge.certify.run import certify as run

    return run(verifier, g, **options)
