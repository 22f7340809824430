"""Proved verifiers: certificates, the independent checker, pumping, the command line.

Oracles: the grammar's own answers (``Grammar.accepts``) and Python
predicates (parity as a count of 1s), brute force over every short word,
torch's own GRU run in float64 (the exact step) and in float32 (the
network's arithmetic), and hand-built networks whose behaviour is known from
their weights: a saturated GRU that computes a DFA exactly, one whose second
unit drifts slowly and breaks parity past about 190 symbols, and one whose
second unit holds its value forever (right at every length, but with no
finite certificate of boxes).
"""

from __future__ import annotations

import ast
import copy
import itertools
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

import neural
from grammar import library, random_grammar
from neural.checkpoint import grammar_info
from neural.cli import main
from neural.cli.certify import CERTIFY_BUDGET, UNDECIDED
from neural.data import Vocabulary
from neural.judge.certify import CERTIFICATE, Certificate, certify, checker
from neural.judge.certify.construct import exact_verifier
from neural.judge.certify.intervals import logit_boxes, step_boxes
from neural.judge.certify.margin import logit_bound, step_bound
from neural.judge.certify.network import GRUWeights
from neural.judge.certify.run import automaton
from neural.model import ModelConfig, RecurrentClassifier
from neural.verifier import Verifier

PARITY = library.parity()


def even_ones(word: str) -> bool:
    return word.count("1") % 2 == 0


def network(g, state: dict[str, np.ndarray], **config) -> Verifier:
    """A CPU float32 verifier for `g` with the given weights."""
    hidden = state["gru.weight_hh_l0"].shape[1]
    embedding = state["embed.weight"].shape[1]
    model = RecurrentClassifier(ModelConfig(vocab_size=len(g.alphabet) + 2, embedding=embedding,
                                      hidden=hidden, update_bias=0.0, **config))
    model.load_state_dict({k: torch.tensor(v, dtype=torch.float32) for k, v in state.items()})
    return Verifier(model, Vocabulary.from_grammar(g), device="cpu",
                    info={"grammar": grammar_info(g)}, precision="fp32")


def two_unit_parity(*, drift_gain: float, hold: bool) -> Verifier:
    """Unit 0 tracks parity with saturated gates (the update gate shut, so h' = n):
    reset gate r = OR(symbol '0', parity odd), n = tanh(A_x + r·(40·p + 80)).
    Unit 1 moves toward tanh(20) = 1 with update gate z: 0.99832 (it drifts,
    crossing 0.28 after about 192 symbols) or sigmoid(40) (it holds). Its
    value closes unit 0's reset gate with weight `drift_gain`: past about
    0.28, reading '0' at even parity (or '1' at odd) goes wrong."""
    k = 40.0
    w_ih, w_hh = np.zeros((6, 3)), np.zeros((6, 2))
    b_ih, b_hh = np.zeros(6), np.zeros(6)
    w_ih[0] = [-k, k, 0.0]  # columns: BOS, '0', '1'
    w_hh[0] = [-k / 2, -drift_gain]
    b_ih[2] = -k
    b_ih[3] = k if hold else math.log(0.99832 / (1 - 0.99832))
    w_ih[4] = [k, -2 * k, -k / 2]
    w_hh[4] = [k, 0.0]
    b_hh[4] = 2 * k
    b_ih[5] = 20.0
    emb = np.zeros((4, 3))
    emb[1, 0] = emb[2, 1] = emb[3, 2] = 1.0
    head = np.zeros((3, 2))
    head[0, 0] = 10.0
    return network(PARITY, {"embed.weight": emb, "gru.weight_ih_l0": w_ih,
                            "gru.weight_hh_l0": w_hh, "gru.bias_ih_l0": b_ih,
                            "gru.bias_hh_l0": b_hh, "head.weight": head,
                            "head.bias": np.zeros(3)})


def every_word(alphabet: str, max_length: int) -> list[str]:
    return ["".join(p) for n in range(max_length + 1) for p in itertools.product(alphabet,
                                                                                repeat=n)]


def grammar_dfa(g):
    d = g.dfa
    return d.alphabet, d.table, d.accepting, d.start


@pytest.fixture(scope="module")
def proved_dir(tmp_path_factory):
    """An exact Tomita-3 network, saved, with its certificate."""
    out = tmp_path_factory.mktemp("proved")
    g = library.tomita(3)
    v = exact_verifier(g)
    v.save(out)
    cert = certify(v, g, budget=20).save(out)
    assert cert.verdict == "proved", cert
    return out, g, cert


# -- the arithmetic ---------------------------------------------------------------------------


def torch_gru(verifier: Verifier, dtype=torch.float64) -> RecurrentClassifier:
    return copy.deepcopy(verifier.model).to(dtype)


def torch_step(verifier: Verifier | RecurrentClassifier, h: np.ndarray, row: int,
               dtype=torch.float64) -> np.ndarray:
    """One step of the verifier's own nn.GRU in `dtype` from states `h` (N, layers*hidden)."""
    model = verifier if isinstance(verifier, RecurrentClassifier) else torch_gru(verifier, dtype)
    dtype = model.embed.weight.dtype
    layers, size = model.config.layers, model.config.hidden
    h0 = torch.tensor(h, dtype=dtype).reshape(len(h), layers, size).transpose(0, 1).contiguous()
    x = model.embed.weight[row].expand(len(h), 1, -1)
    with torch.no_grad():
        _, hn = model.gru(x, h0)
    return hn.transpose(0, 1).reshape(len(h), -1).numpy().astype(np.float64)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), layers=st.integers(1, 2), width=st.floats(1e-6, 0.5),
       row=st.integers(1, 3))
def test_the_interval_step_encloses_torchs_exact_step_from_every_point_of_the_box(
        seed, layers, width, row):
    v = Verifier.untrained(PARITY, ModelConfig(vocab_size=4, hidden=6, layers=layers),
                           seed=seed % 1000)
    w = GRUWeights.from_verifier(v)
    rng = np.random.default_rng(seed)
    centre = rng.uniform(-1, 1, w.width)
    lo, hi = centre - width, centre + width
    points = rng.uniform(lo, hi, size=(64, w.width))
    points[:2] = lo, hi  # the corners too
    a, b = step_boxes(w, lo[None], hi[None], row, 0.0)
    exact = torch_step(v, points, row)
    assert np.all(a <= exact) and np.all(exact <= b)
    la, lb = logit_boxes(w, lo[None], hi[None])
    logits = points[:, -6:] @ w.head_w + w.head_b
    assert np.all(la <= logits) and np.all(logits <= lb)


@pytest.mark.parametrize("hidden,seed", [(4, 0), (32, 1), (32, 2)])
def test_the_margin_bounds_torchs_float32_step_and_logit(hidden, seed):
    v = Verifier.untrained(PARITY, ModelConfig(vocab_size=4, hidden=hidden), seed=seed)
    w = GRUWeights.from_verifier(v)
    rng = np.random.default_rng(seed)
    h = rng.uniform(-1, 1, size=(4096, hidden)).astype(np.float32).astype(np.float64)
    worst = 0.0
    for row in (1, 2, 3):
        fast = torch_step(v, h, row, torch.float32)
        exact = torch_step(v, h, row, torch.float64)
        worst = max(worst, float(np.abs(fast - exact).max()))
    assert worst <= step_bound(w, 1.0)
    head = v.model.head
    with torch.no_grad():
        fast = head(torch.tensor(h, dtype=torch.float32))[:, 0].double().numpy()
    exact = h @ w.head_w + w.head_b
    assert float(np.abs(fast - exact).max()) <= logit_bound(w, 1.0)


# -- hand-built networks ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["parity", "tomita-3", "tomita-5", "divisible-by-3"])
def test_the_exact_network_computes_its_grammar_on_every_short_word(name):
    g = library.get(name)
    words = every_word("".join(g.alphabet), 9)
    assert (exact_verifier(g).accepts_many(words) == g.accepts_many(words)).all()


@pytest.mark.parametrize("layers", [1, 2])
def test_a_saturated_network_is_proved_and_right_on_long_words(layers, tmp_path):
    v = exact_verifier(PARITY, layers=layers)
    cert = certify(v, PARITY, budget=20)
    assert cert.verdict == "proved", cert
    assert checker.check(cert.to_dict(), cert.weights, grammar_dfa=grammar_dfa(PARITY),
                         fingerprint=PARITY.fingerprint) is None
    rng = np.random.default_rng(0)
    words = ["".join(rng.choice(["0", "1"], size=n)) for n in rng.integers(500, 3000, 40)]
    assert v.accepts_many(words).tolist() == [even_ones(w) for w in words]
    v.save(tmp_path)
    saved = cert.save(tmp_path)
    assert checker.check_files(tmp_path, grammar_dfa=grammar_dfa(PARITY),
                               fingerprint=PARITY.fingerprint) is None
    assert json.loads((tmp_path / CERTIFICATE).read_text())["weights_sha256"] == \
        saved.weights_sha256


def test_the_float32_states_stay_inside_the_boxes_they_are_claimed_to_be_in(proved_dir):
    _, g, cert = proved_dir
    model = torch_gru(exact_verifier(g), torch.float32)
    rng = np.random.default_rng(1)
    words = rng.integers(0, 2, size=(64, 300))  # 64 words at once
    box = np.full(len(words), cert.start_box)
    h = torch_step(model, np.zeros((len(words), cert.lo.shape[1])), 1)
    for t in range(words.shape[1]):
        assert np.all(cert.lo[box] <= h) and np.all(h <= cert.hi[box])
        box = cert.steps[box, words[:, t]]
        for a in (0, 1):  # one call per symbol, for the words reading it
            reading = words[:, t] == a
            h[reading] = torch_step(model, h[reading], a + 2)


def test_a_drifting_network_is_exact_on_short_words_and_wrong_past_200():
    v = two_unit_parity(drift_gain=70.0, hold=False)
    words = every_word("01", 12)
    assert v.accepts_many(words).tolist() == [even_ones(w) for w in words]
    assert v.accepts("0" * 150) and not v.accepts("0" * 250)


def test_a_drifting_network_is_never_proved_and_pumping_finds_its_error():
    v = two_unit_parity(drift_gain=70.0, hold=False)
    cert = certify(v, PARITY, budget=6)
    assert cert.verdict == "counterexample", cert
    word = cert.counterexample
    assert len(word) > 100 and "pumping" in cert.found_by
    assert v.accepts(word) != even_ones(word)  # confirmed on the word alone
    assert cert.counterexample_member == even_ones(word)
    assert any("answer" in r or "spills" in r for r in cert.reasons)


def test_a_network_that_holds_a_unit_forever_is_undecided_within_its_budget():
    v = two_unit_parity(drift_gain=0.0, hold=True)
    started = time.perf_counter()
    cert = certify(v, PARITY, budget=3)
    assert time.perf_counter() - started < 3 + 10
    assert cert.verdict == "undecided", cert
    assert any("spills" in r or "blew up" in r or "grew out" in r for r in cert.reasons)
    words = every_word("01", 10)  # and indeed it is right: no counterexample to find
    assert v.accepts_many(words).tolist() == [even_ones(w) for w in words]


def test_a_verifier_answering_in_bf16_is_never_proved():
    v = exact_verifier(PARITY)
    v.precision = "bf16"
    cert = certify(v, PARITY, budget=2)
    assert cert.verdict != "proved"
    assert cert.verdict == "counterexample" or any("bf16" in r for r in cert.reasons)


def test_an_lstm_is_never_proved():
    v = Verifier.untrained(PARITY, ModelConfig(vocab_size=4, hidden=4, cell="lstm"), seed=0)
    cert = certify(v, PARITY, budget=4)
    assert cert.verdict in ("counterexample", "undecided")
    if cert.verdict == "undecided":
        assert any("LSTM" in r for r in cert.reasons)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), n_states=st.integers(1, 5), alphabet=st.sampled_from(
    ["ab", "abc"]), gain=st.floats(6.0, 40.0))
def test_every_proved_certificate_of_a_random_dfa_passes_the_checker(seed, n_states, alphabet,
                                                                     gain):
    g = random_grammar(n_states, alphabet, seed=seed)
    v = exact_verifier(g, gain=gain)
    cert = certify(v, g, budget=4, max_length=300)
    if cert.verdict == "proved":
        assert checker.check(cert.to_dict(), cert.weights, alphabet=list(g.alphabet),
                             grammar_dfa=grammar_dfa(g), fingerprint=g.fingerprint) is None
        rng = np.random.default_rng(seed)
        words = ["".join(rng.choice(list(alphabet), size=n)) for n in rng.integers(0, 400, 30)]
        assert (v.accepts_many(words) == g.accepts_many(words)).all()
    elif cert.verdict == "counterexample":
        assert v.accepts(cert.counterexample) != g.accepts(cert.counterexample)


# -- tampering --------------------------------------------------------------------------------


def test_a_changed_weight_fails_the_check(proved_dir, tmp_path):
    directory, g, _ = proved_dir
    for name in ("config.json", "model.safetensors", CERTIFICATE):
        (tmp_path / name).write_bytes((directory / name).read_bytes())
    tensors = load_safetensors((directory / "model.safetensors").read_bytes())
    tensors["gru.weight_hh_l0"][30, 2] += 1e-3
    (tmp_path / "model.safetensors").write_bytes(save_safetensors(tensors))
    assert "weights_sha256" in checker.check_files(tmp_path)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_weight_changed_so_that_a_claim_fails_fails_the_check(proved_dir, data):
    _, g, cert = proved_dir
    name = data.draw(st.sampled_from(sorted(cert.weights)))
    tensors = {k: v.copy() for k, v in cert.weights.items()}
    flat = tensors[name].reshape(-1)
    i = data.draw(st.integers(0, flat.size - 1))
    flat[i] += data.draw(st.sampled_from([-80.0, -5.0, 5.0, 80.0]))
    doc = cert.to_dict()
    if checker.check(doc, tensors) is None:
        # Every claim still holds: then the changed network must still be right.
        v = network(g, tensors)
        words = every_word("01", 8) + ["".join(w) for w in
                                       np.random.default_rng(i).choice(["0", "1"], (30, 200))]
        assert (v.accepts_many(words) == g.accepts_many(words)).all()


def test_one_number_of_the_margin_steps_or_automaton_changed_fails_the_check(proved_dir):
    _, g, cert = proved_dir
    good = cert.to_dict()
    assert checker.check(good, cert.weights, grammar_dfa=grammar_dfa(g)) is None
    doc = copy.deepcopy(good)
    doc["margin"] = 1e-9
    assert checker.check(doc, cert.weights).startswith("margin")
    doc = copy.deepcopy(good)
    src, sym, dst = doc["steps"][0]
    other = next(i for i, b in enumerate(doc["boxes"]) if b["state"] != doc["boxes"][dst]["state"])
    doc["steps"][0] = [src, sym, other]
    assert checker.check(doc, cert.weights).startswith("step")
    doc = copy.deepcopy(good)
    del doc["steps"][-1]
    assert checker.check(doc, cert.weights).startswith("steps: none for box")
    doc = copy.deepcopy(good)
    doc["dfa"]["accepting"][0] = not doc["dfa"]["accepting"][0]
    assert checker.check(doc, cert.weights, grammar_dfa=grammar_dfa(g)).startswith("dfa")
    assert checker.check(doc, cert.weights).startswith("answer")


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_box_changed_to_miss_a_state_the_network_reaches_fails_the_check(proved_dir, data):
    _, g, cert = proved_dir
    model = torch_gru(exact_verifier(g))
    word = data.draw(st.lists(st.integers(0, 1), max_size=12))
    box = cert.start_box
    h = torch_step(model, np.zeros((1, cert.lo.shape[1])), 1)[0]
    for a in word:  # follow the claimed steps and the exact states together
        box = int(cert.steps[box, a])
        h = torch_step(model, h[None], a + 2)[0]
    j = data.draw(st.integers(0, len(h) - 1))
    doc = cert.to_dict()
    if data.draw(st.booleans()):
        doc["boxes"][box]["lo"][j] = float(np.nextafter(h[j], np.inf))
        doc["boxes"][box]["hi"][j] = max(doc["boxes"][box]["hi"][j], doc["boxes"][box]["lo"][j])
    else:
        doc["boxes"][box]["hi"][j] = float(np.nextafter(h[j], -np.inf))
        doc["boxes"][box]["lo"][j] = min(doc["boxes"][box]["lo"][j], doc["boxes"][box]["hi"][j])
    assert checker.check(doc, cert.weights) is not None


def test_the_checker_reports_malformed_certificates_as_failing_claims(proved_dir):
    _, _, cert = proved_dir
    for change in ({"format": "x"}, {"cell": "lstm"}, {"boxes": "none"},
                   {"start_box": 10**6}, {"steps": [[0, 0]]}, {"margin": "big"}):
        doc = {**cert.to_dict(), **change}
        assert isinstance(checker.check(doc, cert.weights), str), change
    doc = cert.to_dict()
    doc["boxes"][0]["lo"][0] = float("nan")
    assert checker.check(doc, cert.weights).startswith("box 0")


def test_the_checker_imports_nothing_but_numpy_and_safetensors():
    tree = ast.parse(Path(checker.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "hashlib", "json", "collections.abc", "pathlib", "typing",
                        "numpy", "safetensors.numpy"}
    code = "import sys, neural.judge.certify.checker; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# -- the file, the API, the command line ------------------------------------------------------


def test_the_certificate_file_has_the_fixed_keys(proved_dir):
    directory, g, cert = proved_dir
    doc = json.loads((directory / CERTIFICATE).read_text())
    assert doc["format"] == "grammarlab-certificate/1" and doc["cell"] == "gru"
    assert doc["grammar"] == {"name": g.name, "fingerprint": g.fingerprint}
    assert doc["alphabet"] == list(g.alphabet) and doc["verdict"] == "proved"
    assert doc["dfa"] == {"start": g.dfa.start, "accepting": g.dfa.accepting.tolist(),
                          "table": g.dfa.table.tolist()}
    assert sorted((b, a) for b, a, _ in doc["steps"]) == [
        (b, a) for b in range(len(doc["boxes"])) for a in range(len(g.alphabet))]
    assert doc["boxes"][doc["start_box"]]["state"] == g.dfa.start


def test_saving_next_to_other_weights_is_refused(proved_dir, tmp_path):
    _, _, cert = proved_dir
    exact_verifier(library.tomita(4)).save(tmp_path)
    with pytest.raises(ValueError, match="not the weight that was certified"):
        cert.save(tmp_path)


def test_certify_is_exported_from_neural_and_the_cli_budget_matches():
    assert neural.certify is certify and neural.Certificate is Certificate
    assert neural.certify.__globals__["DEFAULT_BUDGET"] == CERTIFY_BUDGET


def test_a_network_reading_a_symbol_the_grammar_lacks_is_judged_with_a_sink():
    table, accepting, start = automaton(library.tomita(1), ("0", "1", "2"))
    assert table.tolist() == [[1, 0, 1], [1, 1, 1]] and accepting.tolist() == [True, False]


def test_the_command_line_exit_codes(proved_dir, tmp_path, capsys):
    directory, _, _ = proved_dir
    assert main(["check-certificate", str(directory)]) == 0
    assert "every claim holds" in capsys.readouterr().out
    drift = tmp_path / "untrained"
    Verifier.untrained(PARITY, ModelConfig(vocab_size=4, hidden=4), seed=0).save(drift)
    assert main(["certify", str(drift), "--budget", "3"]) == 1
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("verdict: counterexample")
    assert main(["check-certificate", str(drift)]) == 1
    assert "the check fails" in capsys.readouterr().out
    hold = tmp_path / "hold"
    two_unit_parity(drift_gain=0.0, hold=True).save(hold)
    assert main(["certify", str(hold), "--budget", "2", "--json"]) == UNDECIDED
    assert json.loads(capsys.readouterr().out)["verdict"] == "undecided"
    exact = tmp_path / "exact"
    exact_verifier(library.tomita(5)).save(exact)
    assert main(["certify", str(exact), "--budget", "10"]) == 0
    capsys.readouterr()
    for bad in (["check-certificate", str(tmp_path / "missing")],
                ["certify", str(tmp_path / "missing")],
                ["certify", str(exact), "--budget", "0"]):
        assert main(bad) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    (exact / CERTIFICATE).write_text("{not json")
    assert main(["check-certificate", str(exact)]) == 2


def test_check_certificate_runs_without_torch(proved_dir):
    directory, _, _ = proved_dir
    code = ("import sys\nfrom neural.cli import main\n"
            f"print(main(['check-certificate', {str(directory)!r}]), 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "0 False"


@pytest.mark.slow
@pytest.mark.parametrize("name,hidden,seed", [("tomita-4", 4, 3), ("tomita-2", 8, 0)])
def test_small_trained_networks_with_no_update_bias_are_proved_or_refuted(name, hidden, seed,
                                                                          tmp_path):
    # Measured: these two were proved (8 and 43 boxes, under a second); other seeds of Tomita 4
    # at hidden 4 are wrong on a word of 59 to 191 symbols. Whatever training gives, the
    # verdict must be sound.
    g = library.get(name)
    v = neural.train(g, neural.TrainConfig(hidden=hidden, update_bias=0.0, seed=seed, threads=1),
                     device="cpu", progress=False, out=tmp_path)
    cert = certify(v, g, budget=60).save(tmp_path)
    if cert.verdict == "proved":
        assert checker.check_files(tmp_path, grammar_dfa=grammar_dfa(g)) is None
        rng = np.random.default_rng(0)
        words = ["".join(rng.choice(["0", "1"], size=n)) for n in rng.integers(1000, 3000, 100)]
        assert (v.accepts_many(words) == g.accepts_many(words)).all()
    else:
        assert cert.verdict == "counterexample", cert
        assert v.accepts(cert.counterexample) != g.accepts(cert.counterexample)
