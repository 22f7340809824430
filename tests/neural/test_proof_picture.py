"""The picture of a proof (neural.judge.certify.picture): the projection, the layout, the files.

Oracles: the corners of a box, projected one by one (the rectangle is their
bounding box), the eigenvectors of the covariance matrix (numpy's eigh, not
the SVD the module uses), points drawn inside boxes, the network's own
answers on the states drawn (a proved network answers by the DFA state),
and the SVG parsed as XML.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grammar import library
from neural.judge.certify import certify
from neural.judge.certify.construct import exact_verifier
from neural.judge.certify.network import GRUWeights
from neural.judge.certify.picture import (
    PER_STATE,
    Projection,
    fit_projection,
    proof_layout,
    proof_svg,
    proof_svg_from_files,
    write_proof_picture,
)
from neural.suite.judges import JUDGES, PROOF_PICTURE
from neural.suite.steps import run_judge

SVG = "{http://www.w3.org/2000/svg}"
floats = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@st.composite
def boxes_and_data(draw):
    width = draw(st.integers(1, 6))
    lo = draw(hnp.arrays(np.float64, (3, width), elements=floats))
    extent = draw(hnp.arrays(np.float64, (3, width), elements=st.floats(0.0, 2.0)))
    data = draw(hnp.arrays(np.float64, (draw(st.integers(1, 12)), width), elements=floats))
    return lo, lo + extent, data


@settings(max_examples=60, deadline=None)
@given(case=boxes_and_data(), share=hnp.arrays(np.float64, 6, elements=st.floats(0.0, 1.0)))
def test_a_rectangle_is_the_bounding_box_of_its_boxs_projected_corners(case, share):
    lo, hi, data = case
    width = lo.shape[1]
    projection = fit_projection(data, (lo + hi) / 2)
    lower, upper = projection.rectangles(lo, hi)
    for b in range(len(lo)):
        corners = np.array([[hi[b, i] if bit else lo[b, i] for i, bit in enumerate(bits)]
                            for bits in itertools.product((0, 1), repeat=width)])
        seen = projection.points(corners)
        np.testing.assert_allclose(lower[b], seen.min(axis=0), atol=1e-9)
        np.testing.assert_allclose(upper[b], seen.max(axis=0), atol=1e-9)
        # A state inside the box is drawn inside its rectangle.
        inside = projection.points(lo[b] + share[:width] * (hi[b] - lo[b]))[0]
        assert (lower[b] - 1e-9 <= inside).all() and (inside <= upper[b] + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), width=st.integers(2, 7))
def test_the_axes_are_the_covariances_two_leading_eigenvectors(seed, width):
    rng = np.random.default_rng(seed)
    scales = np.geomspace(4.0, 0.25, width)  # distinct spreads, so the axes are unique
    rotation, _ = np.linalg.qr(rng.normal(size=(width, width)))
    data = (rng.normal(size=(400, width)) * scales) @ rotation.T + rng.normal(size=width)
    projection = fit_projection(data[:390], data[390:])
    values, vectors = np.linalg.eigh(np.cov(data.T))
    leading = vectors[:, ::-1][:, :2].T
    np.testing.assert_allclose(np.abs((projection.basis * leading).sum(axis=1)), 1.0,
                               atol=1e-6)
    np.testing.assert_allclose(projection.basis @ projection.basis.T, np.eye(2), atol=1e-9)
    assert projection.explained == pytest.approx(tuple(values[::-1][:2] / values.sum()))


def test_a_one_unit_network_gets_a_flat_second_axis():
    projection = fit_projection(np.array([[0.0], [1.0], [3.0]]), np.zeros((0, 1)))
    assert projection.basis.tolist() in ([[1.0], [0.0]], [[-1.0], [0.0]])
    assert projection.points(np.array([[2.0]]))[0, 1] == 0.0
    with pytest.raises(ValueError, match="at least one"):
        fit_projection(np.zeros((0, 2)), np.zeros((0, 2)))


def test_projection_is_the_affine_map_it_says():
    p = Projection(np.array([1.0, 2.0]), np.array([[0.0, 1.0], [1.0, 0.0]]), (0.5, 0.5))
    assert p.points(np.array([[3.0, 7.0]])).tolist() == [[5.0, 2.0]]


@pytest.fixture(scope="module", params=["parity", "tomita-3", "reber"])
def proved(request):
    g = {"parity": library.parity, "tomita-3": lambda: library.tomita(3),
         "reber": library.reber}[request.param]()
    cert = certify(exact_verifier(g), g, budget=20)
    assert cert.proved, cert.summary()
    return g, cert


def test_every_state_drawn_is_inside_a_box_of_its_dfa_state_and_its_rectangle(proved):
    g, cert = proved
    layout = proof_layout(cert.to_dict(), cert.weights)
    weights = GRUWeights.from_state_dict(cert.weights)
    # The colouring: a proved network answers every word by its DFA state.
    logits = weights.logit(layout.states)
    assert ((logits > 0) == np.asarray(g.dfa.accepting)[layout.dfa_states]).all()
    assert np.unique(layout.dfa_states, return_counts=True)[1].max() <= PER_STATE
    slack = 1e-9
    for x, q, xy in zip(layout.states, layout.dfa_states, layout.xy, strict=True):
        holding = [b for b in np.flatnonzero(layout.box_state == q)
                   if ((layout.lo[b] - slack <= x) & (x <= layout.hi[b] + slack)).all()]
        assert holding, "a state outside every box of its DFA state"
        assert any(((layout.lower[b] - slack <= xy) & (xy <= layout.upper[b] + slack)).all()
                   for b in holding)
    np.testing.assert_array_equal(layout.box_state, cert.box_state)
    assert layout.start_box == cert.start_box


def test_the_picture_names_every_box_and_state_and_no_grammar(proved, tmp_path):
    g, cert = proved
    path = write_proof_picture(tmp_path / "proof.svg", cert.to_dict(), cert.weights)
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert {f"proof-box-{b}" for b in range(len(cert.lo))} <= ids
    drawn = {int(i.rsplit("-", 1)[1]) for i in ids if i.startswith("proof-state-")}
    assert drawn and drawn <= set(range(g.dfa.n_states))
    assert (g.name or "") not in text and "<script" not in text
    assert text == proof_svg(cert.to_dict(), cert.weights)  # the same seed draws the same


def test_a_certificate_file_is_drawn_only_with_the_weights_it_names(tmp_path):
    g = library.tomita(3)
    v = exact_verifier(g)
    v.save(tmp_path)
    cert = certify(v, g, budget=20).save(tmp_path)
    saved = json.loads((tmp_path / "certificate.json").read_text())
    weights = (tmp_path / "model.safetensors").read_bytes()
    assert saved["weights_sha256"] == hashlib.sha256(weights).hexdigest()
    svg = proof_svg_from_files(tmp_path, saved)
    assert svg is not None and svg.startswith("<svg")
    assert proof_svg_from_files(tmp_path, {**saved, "weights_sha256": None}) is None
    (tmp_path / "model.safetensors").write_bytes(weights[:-1] + bytes([weights[-1] ^ 1]))
    assert proof_svg_from_files(tmp_path, saved) is None
    assert cert.proved


def test_the_suites_certify_step_saves_the_picture_only_for_a_proved_run(tmp_path: Path):
    from neural.verifier import Verifier

    g = library.parity()
    judge = JUDGES["certify"]
    assert judge.picture == PROOF_PICTURE
    row = run_judge(judge, exact_verifier(g), g, {"budget": 20.0}, tmp_path)
    assert row == {"certify_verdict": "proved"}
    root = ET.fromstring((tmp_path / PROOF_PICTURE).read_text(encoding="utf-8"))
    saved = json.loads((tmp_path / judge.file).read_text())
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert {f"proof-box-{b}" for b in range(len(saved["boxes"]))} <= ids
    # Run again on a network that is not proved: the old picture goes.
    row = run_judge(judge, Verifier.untrained(g, seed=0), g, {"budget": 5.0}, tmp_path)
    assert row["certify_verdict"] != "proved"
    assert not (tmp_path / PROOF_PICTURE).exists()
