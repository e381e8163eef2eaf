"""The NER model's token-to-vector network, run as one function instead of ~60 thinc layers.

spaCy's small English `ner` embeds each token (four hash embeddings of its
norm, prefix, suffix and shape), mixes it with its neighbours (four
residual window layers) and projects it for the parser. thinc runs that as
a tree of ~60 `Model` objects, each call a few microseconds of Python; on
the windows of a 1 KB message (~30 tokens, one batch) that was about half of
the network's time and an eighth of all NER time. `fuse` replaces the tree's
inference path with one function making the same `Ops` calls on the same
arrays in the same order (the same BLAS `gemm`, `seq2col`, `maxout`, the
same numpy expressions for the layer norm), so every vector, and so every
entity the parser finds, is bit for bit what spaCy computes. It checks the
network's layout first and leaves any other network alone; training
(`is_train`) always takes thinc's own path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from thinc.api import Model, NumpyOps

log = logging.getLogger(__name__)

_NUMPY_OPS = NumpyOps()
"""What thinc's `with_array` counts lengths with (its own module-level `NumpyOps`)."""

_LAYOUT = (
    "extract_features>>list2ragged>>with_array(ints-getitem>>hashembed|ints-getitem>>hashembed"
    "|ints-getitem>>hashembed|ints-getitem>>hashembed)>>with_array(maxout>>layernorm>>dropout)"
    ">>ragged2list>>with_array("
    + ">>".join(["residual(expand_window>>maxout>>layernorm>>dropout)"] * 4)
    + ")>>list2array>>linear"
)
"""spaCy's `MultiHashEmbed` + `MaxoutWindowEncoder` (depth 4) + the parser's projection, by
thinc's names for the layers: the only network `fuse` runs itself."""

Forward = Callable[[Model[Any, Any], Any, bool], tuple[Any, Callable[..., Any]]]


@dataclass(frozen=True, slots=True)
class _Maxout:
    ops: Any
    W: Any
    """(nO * nP, nI), as `maxout.forward` reshapes it."""
    b: Any
    """(nO * nP,)"""
    nO: int
    nP: int


@dataclass(frozen=True, slots=True)
class _LayerNorm:
    G: Any
    b: Any


@dataclass(frozen=True, slots=True)
class _Network:
    columns: list[str]
    ops: Any
    """Of `extract_features` and the layers with no parameters."""
    embeds: list[tuple[Any, Any, Any, int]]
    """Per embedding: its column index, its ops, its table, its seed."""
    mix: tuple[_Maxout, _LayerNorm]
    encoder_ops: Any
    pad: int
    window: list[tuple[Any, int, _Maxout, _LayerNorm]]
    """Per residual layer: expand_window's ops and width, maxout, layer norm."""
    linear: tuple[Any, Any, Any]


def _maxout(layer: Model[Any, Any]) -> _Maxout:
    nO, nP, nI = layer.get_dim("nO"), layer.get_dim("nP"), layer.get_dim("nI")
    W = layer.ops.reshape2f(layer.get_param("W"), nO * nP, nI)
    return _Maxout(layer.ops, W, layer.ops.reshape1f(layer.get_param("b"), nO * nP), nO, nP)


def _layer_norm(layer: Model[Any, Any]) -> _LayerNorm:
    return _LayerNorm(layer.get_param("G"), layer.get_param("b"))


def _network(tok2vec: Model[Any, Any]) -> _Network | None:
    """The parameters of `tok2vec`, if its layout is `_LAYOUT`'s; else None."""
    if tok2vec.name != _LAYOUT:
        return None
    embed_chain, encoder, _, linear = tok2vec.layers[0].layers + tok2vec.layers[1:]
    features, _, embeds, mix, _ = embed_chain.layers
    embeddings = []
    for index, part in enumerate(embeds.layers[0].layers):
        getitem, hashembed = part.layers
        if getitem.attrs["index"] != (slice(0, None, None), index):
            return None
        embed = (index, hashembed.ops, hashembed.get_param("E"), hashembed.attrs["seed"])
        embeddings.append(embed)
    maxout, norm = mix.layers[0].layers[0].layers
    window = []
    for residual in encoder.layers[0].layers:
        expand, rest = residual.layers[0].layers
        w_maxout, w_norm = rest.layers[0].layers
        window.append(
            (expand.ops, expand.attrs["window_size"], _maxout(w_maxout), _layer_norm(w_norm))
        )
    return _Network(
        columns=list(features.attrs["columns"]),
        ops=features.ops,
        embeds=embeddings,
        mix=(_maxout(maxout), _layer_norm(norm)),
        encoder_ops=encoder.layers[0].ops,
        pad=encoder.attrs["pad"],
        window=window,
        linear=(linear.ops, linear.get_param("W"), linear.get_param("b")),
    )


def _apply_maxout(layer: _Maxout, X: Any) -> Any:
    """`thinc.layers.maxout.forward`'s arithmetic."""
    Y = layer.ops.gemm(X, layer.W, trans2=True)
    Y += layer.b
    Z = layer.ops.reshape3f(Y, Y.shape[0], layer.nO, layer.nP)
    best, _ = layer.ops.maxout(Z)
    return best


def _apply_layer_norm(layer: _LayerNorm, X: Any) -> Any:
    """`thinc.layers.layernorm.forward`'s arithmetic."""
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True) + 1e-08
    Xhat = (X - mu) * var ** (-1.0 / 2.0)
    Y = Xhat * layer.G
    Y += layer.b
    return Y


def _no_backprop(_: Any) -> Any:
    raise RuntimeError("the fused token-to-vector network only predicts")


def _run(net: _Network, docs: Sequence[Any]) -> Any:
    ops = net.ops
    # extract_features >> list2ragged
    features = [ops.asarray2i(doc.to_array(net.columns), dtype="uint64") for doc in docs]
    lengths = ops.asarray1i([len(x) for x in features])
    X = ops.flatten(features)
    # with_array(concatenate(ints-getitem >> hashembed, ...))
    embedded = []
    for index, embed_ops, table, seed in net.embeds:
        ids = embed_ops.as_contig(X[:, index], dtype="uint64")
        keys = embed_ops.hash(ids, seed) % table.shape[0]
        embedded.append(embed_ops.gather_add(table, keys))
    H = ops.xp.hstack(embedded)
    # with_array(maxout >> layernorm >> dropout) >> ragged2list
    H = _apply_layer_norm(net.mix[1], _apply_maxout(net.mix[0], H))
    rows = ops.unflatten(H, lengths)
    # with_array(residual(expand_window >> maxout >> layernorm >> dropout) x 4, pad)
    encoder = net.encoder_ops
    row_lengths = _NUMPY_OPS.asarray1i([len(seq) for seq in rows])
    Xf = encoder.flatten(rows, pad=net.pad)
    for expand_ops, width, maxout, norm in net.window:
        Y = _apply_layer_norm(norm, _apply_maxout(maxout, expand_ops.seq2col(Xf, width)))
        Xf = Xf + Y
    rows = encoder.unflatten(Xf, row_lengths, pad=net.pad)
    # list2array >> linear
    linear_ops, W, b = net.linear
    Y = linear_ops.gemm(ops.flatten(rows), W, trans2=True)
    Y += b
    return Y


def fuse(tok2vec: Model[Any, Any]) -> bool:
    """Run `tok2vec`'s inference as one function if its layout is the known one; whether so."""
    net = _network(tok2vec)
    if net is None:
        log.info("NER token-to-vector layout not recognised: thinc runs it layer by layer")
        return False
    layered: Forward = tok2vec._func

    def forward(model: Model[Any, Any], docs: Any, is_train: bool) -> tuple[Any, Any]:
        if is_train or not docs or not sum(len(doc) for doc in docs):
            return layered(model, docs, is_train)  # thinc's own path: training, no tokens
        return _run(net, docs), _no_backprop

    tok2vec._func = forward
    return True
