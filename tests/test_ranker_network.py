import pytest
import torch

from sknar.ranker import NARLoss, NARNetwork
from sknar.ranker._network import edge_attention_mask


def _network(**kwargs):
    torch.manual_seed(0)
    params = dict(n_tokens=31, token_dim=16, n_tiers=5, d_model=16, n_heads=2,
                  n_encoder_layers=1, n_decoder_layers=2, dim_feedforward=32, dropout=0.0,
                  head_hidden=16)
    params.update(kwargs)
    return NARNetwork(**params).eval()


def test_forward_shapes_and_flat_or_3d_input():
    net = _network()
    X = torch.rand(7, 31 * 16)
    logits, scores, encoded = net(X)
    assert logits.shape == (7, 5) and scores.shape == (7,) and encoded.shape == (7, 31, 16)
    torch.testing.assert_close(net(X.view(7, 31, 16))[0], logits)


@pytest.mark.parametrize("tier_queries", ["tokens", "pooled"])
def test_batched_decoding_equals_a_loop_over_tiers(tier_queries):
    net = _network(tier_queries=tier_queries)
    with torch.no_grad():
        net.tier_embeddings.normal_()
        encoded = net.encode(torch.rand(4, 31 * 16))
        queries = net.tier_embeddings
        if tier_queries == "pooled":
            queries = queries.mean(dim=1, keepdim=True)  # one query per tier
        tiers = net.tier_embed(queries)
        summed = sum(net.decoder(tiers[t].expand(4, -1, -1), encoded) for t in range(5))
        assert summed.shape == (4, 31 if tier_queries == "tokens" else 1, 16)
        expected = net.tier_head(summed.flatten(1)) * 16 ** -0.5
        torch.testing.assert_close(net.classify(encoded), expected, rtol=1e-5, atol=1e-5)


def test_pooled_tier_queries_read_one_vector_per_tier():
    tokens, pooled = _network(tier_queries="tokens"), _network(tier_queries="pooled")
    assert pooled.tier_head[0].in_features == 16 and tokens.tier_head[0].in_features == 31 * 16
    with pytest.raises(ValueError, match="tier_queries must be"):
        _network(tier_queries="mean")


def test_tier_embeddings_are_running_means_of_detached_encodings():
    net = _network()
    a, b, c = torch.rand(3, 31, 16, requires_grad=True)
    net.update_tier_embeddings(torch.stack([a, b]), torch.tensor([0, 2]))
    net.update_tier_embeddings(c[None], torch.tensor([0]))
    torch.testing.assert_close(net.tier_embeddings[0], ((a + c) / 2).detach())
    torch.testing.assert_close(net.tier_embeddings[2], b.detach())
    assert not net.tier_embeddings.requires_grad
    assert net.tier_embeddings[1].abs().sum() == 0  # unseen tier stays as it was
    net.reset_tier_statistics()
    torch.testing.assert_close(net.tier_embeddings[2], b.detach())  # kept until replaced
    assert net.tier_counts.sum() == 0
    assert {"tier_embeddings", "tier_sums", "tier_counts"} <= set(net.state_dict())


def test_operation_token_is_categorical():
    net = _network(n_op_codes=8)
    X = torch.zeros(2, 31, 16)
    X[1, 0, 1] = 4.0  # avg_pool_3x3 instead of none on one edge
    encoded = net.encode(X)
    assert not torch.allclose(encoded[0], encoded[1])
    codes = torch.nn.functional.one_hot(X[:, 0].long(), 8).float().flatten(1)
    torch.testing.assert_close(net.embed_ops(codes)[1] - net.embed_ops(codes)[0],
                               net.embed_ops.weight[:, 1 * 8 + 4] - net.embed_ops.weight[:, 1 * 8 + 0])


# NAS-Bench-201's six edges as entries source * 4 + target of its 4 x 4 operation matrix
EDGES = [1, 2, 3, 6, 7, 11]


def test_edge_attention_mask_joins_edges_that_share_a_node():
    mask = edge_attention_mask(2, EDGES, 4)
    assert mask.shape == (8, 8) and not mask[:2].any() and not mask[:, :2].any()
    edges = mask[2:, 2:]
    # 0->1 and 2->3 share no node, nor do 0->2 and 1->3, nor 0->3 and 1->2; every other pair does
    blocked = {(EDGES.index(a), EDGES.index(b))
               for a, b in [(1, 11), (11, 1), (2, 7), (7, 2), (3, 6), (6, 3)]}
    assert {tuple(pair) for pair in edges.nonzero().tolist()} == blocked


@pytest.mark.parametrize("graph_attention", [True, False])
def test_edge_tokens_attend_along_the_graph(graph_attention):
    net = _network(n_op_codes=8, edge_entries=EDGES, graph_attention=graph_attention)
    assert not hasattr(net, "embed_ops")
    X = torch.zeros(2, 31, 16)
    X[:, 0, EDGES] = 3.0
    X[1, 0, 11] = 1.0  # edge 2->3 becomes skip_connect
    encoded = net.encode(X)
    assert encoded.shape == (2, 30 + 6, 16)
    edge_0_to_1, edge_2_to_3 = 30 + EDGES.index(1), 30 + EDGES.index(11)
    assert not torch.allclose(encoded[0, edge_2_to_3], encoded[1, edge_2_to_3])
    # one encoder layer: edge 0->1 sees edge 2->3 only when the attention does not follow the graph
    assert torch.allclose(encoded[0, edge_0_to_1], encoded[1, edge_0_to_1]) == graph_attention
    logits, scores, _ = net(X)
    assert logits.shape == (2, 5) and scores.shape == (2,)
    assert net.score_head[0].in_features == 36 * 16
    with pytest.raises(ValueError, match="edge_entries needs n_op_codes"):
        _network(edge_entries=EDGES)


def test_loss_is_cross_entropy_plus_pairwise_logistic():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    scores = torch.tensor([1.0, 0.0, 0.5])
    target = torch.tensor([[0.0, 90.0], [1.0, 80.0], [1.0, 80.0]])
    ce = torch.nn.functional.cross_entropy(logits, target[:, 0].long())
    # ordered pairs with different accuracy: (0,1), (1,0), (0,2), (2,0)
    margins = torch.tensor([1.0, 1.0, 0.5, 0.5])
    rank = torch.nn.functional.softplus(-margins).mean()
    loss = NARLoss(loss_factor=2.0)((logits, scores, None), target)
    torch.testing.assert_close(loss, ce + 2.0 * rank)
    torch.testing.assert_close(NARLoss(loss_factor=0.0)((logits, scores, None), target), ce)
