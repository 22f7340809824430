"""The recurrent model (GRU or LSTM): shapes, packing, its config and its old name."""

from __future__ import annotations

import warnings

import pytest
import torch

from neural.model import ModelConfig, RecurrentClassifier


def test_whole_word_logit_equals_last_prefix_logit():
    # forward() packs; prefix_logits() runs the padded batch. A causal GRU must agree.
    torch.manual_seed(0)
    model = RecurrentClassifier(ModelConfig(vocab_size=5, embedding=3, hidden=6, layers=2)).eval()
    ids = torch.tensor([[1, 2, 3, 4, 2], [1, 3, 0, 0, 0], [1, 0, 0, 0, 0]])
    lengths = torch.tensor([5, 2, 1])
    whole = model(ids, lengths)
    steps = model.prefix_logits(ids)
    assert steps.shape == (3, 5, 1 + 3)
    torch.testing.assert_close(whole, steps[torch.arange(3), lengths - 1, 0])


def test_padding_does_not_change_the_answer():
    torch.manual_seed(0)
    model = RecurrentClassifier(ModelConfig(vocab_size=4)).eval()
    short = model(torch.tensor([[1, 2, 3]]), torch.tensor([3]))
    padded = model(torch.tensor([[1, 2, 3, 0, 0, 0]]), torch.tensor([3]))
    torch.testing.assert_close(short, padded)


def test_update_gate_init_is_spread():
    torch.manual_seed(0)
    model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=10, update_bias=5.0))
    torch.manual_seed(0)
    bare = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=10, update_bias=0.0))
    added = model.gru.bias_hh_l0 - bare.gru.bias_hh_l0  # gates: reset, update, candidate
    torch.testing.assert_close(added[10:20], torch.linspace(0, 5, 10))
    assert not added[:10].any() and not added[20:].any()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [("hidden", 0, ValueError), ("layers", 1.5, TypeError), ("vocab_size", 2, ValueError),
     ("dropout", 1.0, ValueError), ("embedding", True, TypeError)],
)
def test_config_is_checked(field, value, error):
    with pytest.raises(error, match=field):
        ModelConfig(**{"vocab_size": 5, field: value})


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_both_cells_agree_with_themselves(cell):
    # Packed whole words, the padded prefix run and step-by-step reading give one answer.
    torch.manual_seed(0)
    model = RecurrentClassifier(ModelConfig(vocab_size=5, embedding=3, hidden=6, layers=2,
                                      cell=cell)).eval()
    ids = torch.tensor([[1, 2, 3, 4, 2], [1, 3, 0, 0, 0], [1, 0, 0, 0, 0]])
    lengths = torch.tensor([5, 2, 1])
    steps = model.prefix_logits(ids)
    torch.testing.assert_close(model(ids, lengths), steps[torch.arange(3), lengths - 1, 0])
    state = None
    for t in range(ids.shape[1]):
        logits, state = model.step(ids[:, t], state)
        torch.testing.assert_close(logits, steps[:, t])
    assert type(model.rnn).__name__ == cell.upper()


def test_an_lstm_is_the_same_size_with_four_gates():
    gru = RecurrentClassifier(ModelConfig(vocab_size=6, embedding=5, hidden=7))
    lstm = RecurrentClassifier(ModelConfig(vocab_size=6, embedding=5, hidden=7, cell="lstm"))
    assert lstm.rnn.hidden_size == gru.rnn.hidden_size == 7
    assert lstm.lstm.weight_hh_l0.shape == (4 * 7, 7) and gru.gru.weight_hh_l0.shape == (3 * 7, 7)
    assert all(k.startswith(("embed.", "lstm.", "head.")) for k in lstm.state_dict())


def test_lstm_forget_gate_init_is_spread():
    torch.manual_seed(0)
    model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=10, update_bias=5.0, cell="lstm"))
    torch.manual_seed(0)
    bare = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=10, update_bias=0.0, cell="lstm"))
    added = model.lstm.bias_hh_l0 - bare.lstm.bias_hh_l0  # gates: input, forget, cell, output
    torch.testing.assert_close(added[10:20], torch.linspace(0, 5, 10))
    assert not added[:10].any() and not added[20:].any()


@pytest.mark.parametrize(("value", "error"), [("rnn", ValueError), (None, TypeError)])
def test_cell_is_checked(value, error):
    with pytest.raises(error, match="ModelConfig.cell"):
        ModelConfig(vocab_size=5, cell=value)


def test_the_old_class_name_still_works_and_warns():
    # GRUClassifier was the class's name before it built LSTMs; old code and checkpoints use it.
    import neural
    import neural.model

    for where in (neural.model, neural):
        with pytest.warns(DeprecationWarning, match="GRUClassifier is deprecated.*Recurrent"):
            old = where.GRUClassifier
        assert old is RecurrentClassifier
    with pytest.warns(DeprecationWarning, match="GRUClassifier"):
        from neural.model import GRUClassifier
    model = GRUClassifier(ModelConfig(vocab_size=4, hidden=3, cell="lstm"))
    assert isinstance(model, RecurrentClassifier) and type(model.rnn) is torch.nn.LSTM
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name is silent
        assert neural.RecurrentClassifier is RecurrentClassifier
    with pytest.raises(AttributeError, match="GRUClassifer"):
        neural.model.GRUClassifer  # noqa: B018 - a misspelling is still an AttributeError
