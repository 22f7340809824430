"""Reber written out independently of grammarlab, for the benchmarks' anchors.

The regexes come by state elimination over the issue's transition list, R4
being the language from state 4 to the end: R4 = (X T* V P)* (X T* V V | S).
The transition table drives the hand-written generators the benchmarks time.
"""

__all__ = ["REBER_RE", "EMBEDDED_REBER_RE", "REBER_TRANSITIONS"]

_R4 = "(?:XT*VP)*(?:XT*VV|S)"
REBER_RE = f"B(?:TS*X{_R4}|PT*V(?:P{_R4}|V))E"
EMBEDDED_REBER_RE = f"B(?:T{REBER_RE}T|P{REBER_RE}P)E"

# state -> [(symbol, next state)]; None ends the walk.
REBER_TRANSITIONS = {
    0: [("B", 1)],
    1: [("T", 2), ("P", 3)],
    2: [("S", 2), ("X", 4)],
    3: [("T", 3), ("V", 5)],
    4: [("X", 3), ("S", 6)],
    5: [("P", 4), ("V", 6)],
    6: [("E", None)],
}
