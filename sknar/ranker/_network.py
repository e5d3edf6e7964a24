"""The Neural Architecture Ranker network (a torch module; no scikit-learn here)."""

import math

import torch
from torch import nn
from torch.nn import functional as F


def sinusoidal_positions(n_positions, d_model):
    """The Transformer's fixed sinusoidal position table, shape ``(n_positions, d_model)``."""
    position = torch.arange(n_positions, dtype=torch.float32)[:, None]
    frequency = torch.exp(
        torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model)
    )
    table = torch.zeros(n_positions, d_model)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency[: d_model // 2])
    return table


def edge_attention_mask(n_other, entries, side):
    """Encoder attention mask (True: may not attend) that lets edge tokens see the graph.

    The sequence is ``n_other`` ordinary tokens followed by one token per edge,
    ``entries`` being each edge's flat index ``source * side + target`` in the
    ``side x side`` operation matrix. An edge token attends to the ordinary
    tokens and to the edges that share a node with it; ordinary tokens attend
    to everything.
    """
    n = n_other + len(entries)
    mask = torch.zeros(n, n, dtype=torch.bool)
    nodes = [set(divmod(int(entry), side)) for entry in entries]
    for i, ends in enumerate(nodes):
        for j, other in enumerate(nodes):
            mask[n_other + i, n_other + j] = not ends & other
    return mask


class NARNetwork(nn.Module):
    """Tier-aware transformer ranker (Guo et al., 2022).

    An architecture's feature tensor is a sequence of ``n_tokens`` tokens of
    ``token_dim`` values. Tokens are linearly embedded, given sinusoidal
    positions and encoded by a transformer encoder. The *tier embeddings* are,
    for each quality tier, the running mean of the (detached) encoder outputs
    of the training architectures in that tier; each is decoded against an
    architecture's encoding by a transformer decoder (cross-attention), the
    decoded sequences of all tiers are summed and projected to tier logits
    (by default each tier embedding is pooled into one query, see
    ``tier_queries``).
    A score head (MLP on the encoding) gives a scalar ranking score.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    n_tokens, token_dim : int
        Layout of the input: ``(batch, n_tokens, token_dim)``.
    n_tiers : int, default=5
        Number of quality tiers (tier 0 the best).
    d_model, n_heads, n_encoder_layers, n_decoder_layers, dim_feedforward : int, default=32, 4, 1, 1, 64
        Transformer sizes. These defaults, like all of this signature's, are
        :class:`~sknar.NARRanker`'s: it takes them from here.
    dropout : float, default=0.0
        Dropout in the transformer layers.
    head_hidden : int, default=128
        Hidden width of the tier projection and of the score MLP.
    n_op_codes : int or None, default=None
        If set, the first token holds integer operation codes in
        ``[0, n_op_codes)`` (the adjacency-with-operations channel) and is
        embedded linearly from their one-hot indicators: codes are categories,
        and a linear map of their raw values could not tell ``none`` (0) from
        ``skip_connect`` (1) and ``avg_pool_3x3`` (4) without learning
        thresholds. The other tokens are embedded linearly from their values.
    edge_entries : sequence of int or None, default=None
        With ``n_op_codes``: the first token is not embedded whole but as one
        token per listed entry of its operation matrix (an edge of the cell:
        entry ``source * side + target`` of a ``side x side`` matrix, ``side``
        the square root of ``token_dim``), the embedding of the edge's
        operation code plus a learned embedding of the edge. None (the
        paper's) embeds the first token whole.
    graph_attention : bool, default=True
        With ``edge_entries``: in the encoder an edge token attends to the
        other tokens and only to the edges that share a node with it, so
        the attention sees the graph (when ``token_dim`` is a square).
        False lets it attend to every token.
    tier_queries : {"pooled", "tokens"}, default="pooled"
        What the decoder decodes for each tier. ``"tokens"`` (the paper's):
        the tier embedding as a sequence, one vector per encoded token
        (``n_sequence`` of them, see :meth:`encode`), so the decoder runs on
        ``n_tiers * n_sequence`` queries per architecture and the tier
        projection reads ``n_sequence * d_model`` values. ``"pooled"``:
        the mean of that sequence, one query per tier and a projection of
        ``d_model`` values. The decoder then costs a small fraction of a
        training step instead of about two thirds, at the same Kendall tau in
        ``benchmarks/ranking.py``.

    References
    ----------
    .. [1] B. Guo et al., "Generalized Global Ranking-Aware Neural
       Architecture Ranker for Efficient Image Classifier Search", ACM MM
       2022.

    Examples
    --------
    >>> import torch
    >>> from sknar.ranker import NARNetwork
    >>> net = NARNetwork(n_tokens=31, token_dim=16, d_model=8, n_heads=2, n_op_codes=8)
    >>> logits, scores, encoded = net(torch.zeros(3, 31 * 16))
    >>> tuple(logits.shape), tuple(scores.shape), tuple(encoded.shape)
    ((3, 5), (3,), (3, 31, 8))

    With the operation token split into NAS-Bench-201's six edges (entries
    of its 4 x 4 operation matrix), 30 other tokens and 6 edges are encoded:

    >>> edges = [1, 2, 3, 6, 7, 11]
    >>> net = NARNetwork(n_tokens=31, token_dim=16, d_model=8, n_heads=2, n_op_codes=8,
    ...                  edge_entries=edges)
    >>> tuple(net.encode(torch.zeros(3, 31 * 16)).shape)
    (3, 36, 8)
    """

    def __init__(self, n_tokens, token_dim, n_tiers=5, d_model=32, n_heads=4,
                 n_encoder_layers=1, n_decoder_layers=1, dim_feedforward=64,
                 dropout=0.0, head_hidden=128, n_op_codes=None, edge_entries=None,
                 graph_attention=True, tier_queries="pooled"):
        super().__init__()
        if tier_queries not in ("tokens", "pooled"):
            raise ValueError(f"tier_queries must be 'tokens' or 'pooled', got {tier_queries!r}.")
        if edge_entries is not None and (n_op_codes is None or not len(edge_entries)):
            raise ValueError("edge_entries needs n_op_codes and at least one entry.")
        self.n_tokens, self.n_tiers, self.d_model = n_tokens, n_tiers, d_model
        self.n_op_codes, self.tier_queries = n_op_codes, tier_queries
        self.n_edges = 0 if edge_entries is None else len(edge_entries)
        # the encoded sequence: the op token, or its edges after the other tokens
        n_sequence = n_tokens + self.n_edges - (1 if self.n_edges else 0)
        self.embed = nn.Linear(token_dim, d_model)
        if n_op_codes is not None and not self.n_edges:
            self.embed_ops = nn.Linear(token_dim * n_op_codes, d_model)
        self.register_buffer("positions", sinusoidal_positions(n_tokens, d_model), persistent=False)
        if self.n_edges:
            self.register_buffer("edge_entries", torch.as_tensor(edge_entries, dtype=torch.long),
                                 persistent=False)
            side = math.isqrt(token_dim)
            self.register_buffer(
                "attention_mask",
                edge_attention_mask(n_tokens - 1, edge_entries, side)
                if graph_attention and side * side == token_dim else None,
                persistent=False,
            )
        self.input_norm = nn.LayerNorm(d_model)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward, dropout, batch_first=True),
            n_encoder_layers, enable_nested_tensor=False,
        )
        self.tier_embed = nn.Linear(d_model, d_model)
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(d_model, n_heads, dim_feedforward, dropout, batch_first=True),
            n_decoder_layers,
        )
        flat = n_sequence * d_model
        self.tier_head = nn.Sequential(
            nn.Linear(flat if tier_queries == "tokens" else d_model, head_hidden, bias=False), nn.ReLU(), nn.Linear(head_hidden, n_tiers)
        )
        self.score_head = nn.Sequential(nn.Linear(flat, head_hidden), nn.ReLU(), nn.Linear(head_hidden, 1))
        # Tier embeddings used by the decoder, and the running sums that build them.
        self.register_buffer("tier_embeddings", torch.zeros(n_tiers, n_sequence, d_model))
        self.register_buffer("tier_sums", torch.zeros(n_tiers, n_sequence, d_model))
        self.register_buffer("tier_counts", torch.zeros(n_tiers))
        for parameter in self.parameters():
            if parameter.dim() > 1:
                nn.init.xavier_uniform_(parameter)
        if self.n_edges:  # after the Xavier initialisation: torch's embedding default, N(0, 1)
            self.embed_edge_ops = nn.Embedding(n_op_codes, d_model)
            self.edge_positions = nn.Parameter(0.1 * torch.randn(self.n_edges, d_model))

    def encode(self, X):
        """Encode architectures into one ``d_model`` vector per token.

        Parameters
        ----------
        X : tensor of shape (batch, n_tokens * token_dim) or (batch, n_tokens, token_dim)
            The feature tensors, flat or 3-D.

        Returns
        -------
        encoded : tensor of shape (batch, n_sequence, d_model)
            The transformer encoder's output: one vector per token, or with
            ``edge_entries``, per token but the first and then per edge.
        """
        X = X.reshape(X.shape[0], self.n_tokens, -1)
        if self.n_op_codes is None:
            tokens = self.embed(X) + self.positions
        elif self.n_edges:
            edges = self.embed_edge_ops(X[:, 0, self.edge_entries].long()) + self.edge_positions
            tokens = torch.cat([self.embed(X[:, 1:]) + self.positions[1:], edges], dim=1)
            return self.encoder(self.input_norm(tokens), mask=self.attention_mask)
        else:
            codes = F.one_hot(X[:, 0].long(), self.n_op_codes).to(X.dtype).flatten(1)
            tokens = torch.cat([self.embed_ops(codes)[:, None], self.embed(X[:, 1:])], dim=1)
            tokens = tokens + self.positions
        return self.encoder(self.input_norm(tokens))

    def score(self, encoded):
        """Scalar ranking score per architecture (higher is better).

        Parameters
        ----------
        encoded : tensor of shape (batch, n_sequence, d_model)
            Output of :meth:`encode`.

        Returns
        -------
        scores : tensor of shape (batch,)
            Comparable across architectures, not on the accuracy scale.
        """
        return self.score_head(encoded.flatten(1)).squeeze(1)

    def classify(self, encoded):
        """Tier logits: every tier embedding decoded against every encoding, in one pass.

        Parameters
        ----------
        encoded : tensor of shape (batch, n_sequence, d_model)
            Output of :meth:`encode`.

        Returns
        -------
        logits : tensor of shape (batch, n_tiers)
            Column 0 is the best tier.
        """
        tiers = self.tier_embeddings
        if self.tier_queries == "pooled":
            tiers = tiers.mean(dim=1, keepdim=True)
        decoded = self._decode_tiers(self.tier_embed(tiers), encoded)
        logits = self.tier_head(decoded.sum(dim=1).flatten(1))
        return logits * self.d_model ** -0.5

    def _decode_tiers(self, tiers, memory):
        """Run ``self.decoder`` on each tier sequence against each encoding.

        Equal to applying the decoder to every (architecture, tier) pair, but
        batched so that nothing is computed twice: in the first layer the
        self-attention reads only the tier embeddings, so it runs once for all
        architectures; cross-attention does not mix queries, so the tiers of
        one architecture share a single attention call (and key/value
        projection) as one long query sequence.

        Parameters
        ----------
        tiers : tensor of shape (n_tiers, n_queries, d_model)
            ``n_queries`` is ``n_sequence``, or 1 with pooled tier queries.
        memory : tensor of shape (batch, n_sequence, d_model)

        Returns
        -------
        decoded : tensor of shape (batch, n_tiers, n_queries, d_model)
        """
        batch, (n_tiers, n_queries, d_model) = memory.shape[0], tiers.shape
        x = tiers
        for depth, layer in enumerate(self.decoder.layers):
            attended = layer.self_attn(x, x, x, need_weights=False)[0]
            x = layer.norm1(x + layer.dropout1(attended))
            if depth == 0:
                x = x.expand(batch, -1, -1, -1)
            x = x.reshape(batch, n_tiers * n_queries, d_model)
            attended = layer.multihead_attn(x, memory, memory, need_weights=False)[0]
            x = layer.norm2(x + layer.dropout2(attended))
            hidden = layer.dropout(layer.activation(layer.linear1(x)))
            x = layer.norm3(x + layer.dropout3(layer.linear2(hidden)))
            x = x.reshape(batch * n_tiers, n_queries, d_model)
        return x.view(batch, n_tiers, n_queries, d_model)

    def forward(self, X):
        """Tier logits, ranking scores and encodings of a batch.

        Parameters
        ----------
        X : tensor of shape (batch, n_tokens * token_dim) or (batch, n_tokens, token_dim)
            The feature tensors, flat or 3-D.

        Returns
        -------
        logits : tensor of shape (batch, n_tiers)
            See :meth:`classify`.
        scores : tensor of shape (batch,)
            See :meth:`score`.
        encoded : tensor of shape (batch, n_sequence, d_model)
            See :meth:`encode`.
        """
        encoded = self.encode(X)
        return self.classify(encoded), self.score(encoded), encoded

    @torch.no_grad()
    def reset_tier_statistics(self):
        """Start a new running mean (the last means stay in use until replaced)."""
        self.tier_sums.zero_()
        self.tier_counts.zero_()

    @torch.no_grad()
    def update_tier_embeddings(self, encoded, tiers):
        """Add detached encodings to their ground-truth tier's running mean.

        Parameters
        ----------
        encoded : tensor of shape (batch, n_sequence, d_model)
            Encodings of a training batch (detached here).
        tiers : tensor of int64 of shape (batch,)
            Their ground-truth tiers.
        """
        encoded = encoded.detach()
        self.tier_sums.index_add_(0, tiers, encoded)
        self.tier_counts.index_add_(0, tiers, torch.ones_like(tiers, dtype=self.tier_counts.dtype))
        seen = self.tier_counts > 0
        self.tier_embeddings[seen] = self.tier_sums[seen] / self.tier_counts[seen, None, None]


class NARLoss(nn.Module):
    """Tier cross-entropy plus ``loss_factor`` times the pairwise logistic ranking loss.

    The target is a ``(batch, 2)`` tensor of ``(tier, accuracy)``. The ranking
    loss averages ``log(1 + exp(-(s_i - s_j) * sign(y_i - y_j)))`` over every
    ordered pair of the batch whose accuracies differ.

    Read more in the :ref:`User Guide <ranker>`.

    Parameters
    ----------
    loss_factor : float, default=1.0
        Weight of the ranking loss; 0 trains on the tiers alone.

    References
    ----------
    .. [1] B. Guo et al., "Generalized Global Ranking-Aware Neural
       Architecture Ranker for Efficient Image Classifier Search", ACM MM
       2022.

    Examples
    --------
    >>> import torch
    >>> from sknar.ranker import NARLoss
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> scores = torch.tensor([1.0, -1.0])
    >>> target = torch.tensor([[0.0, 90.0], [1.0, 80.0]])  # (tier, accuracy)
    >>> round(NARLoss(loss_factor=1.0)((logits, scores, None), target).item(), 4)
    0.2539
    """

    def __init__(self, loss_factor=1.0):
        super().__init__()
        self.loss_factor = loss_factor

    def forward(self, y_pred, y_true):
        """The loss of a batch.

        Parameters
        ----------
        y_pred : tuple of tensors
            ``(tier_logits, scores, encoded)`` from :meth:`NARNetwork.forward`.
        y_true : tensor of shape (batch, 2)
            ``(tier, accuracy)`` of each architecture.

        Returns
        -------
        loss : tensor
            A scalar.
        """
        logits, scores, _ = y_pred
        tiers, accuracy = y_true[:, 0].long(), y_true[:, 1]
        loss = F.cross_entropy(logits, tiers)
        if self.loss_factor:
            sign = torch.sign(accuracy[:, None] - accuracy[None, :])
            pairs = sign != 0
            if pairs.any():
                margin = (scores[:, None] - scores[None, :]) * sign
                loss = loss + self.loss_factor * F.softplus(-margin[pairs]).mean()
        return loss
