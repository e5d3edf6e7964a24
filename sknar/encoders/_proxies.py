"""Zero-cost proxies of a freshly initialised network (torch only, no scikit-learn here).

The definitions follow Abdelfattah et al. (2021) as implemented in NASLib:
each sums a per-weight score over the weights of every ``Conv2d`` and
``Linear`` layer.

- ``synflow``: ``|w * dR/dw|`` where ``R`` is the sum of the outputs of the
  network with every parameter replaced by its absolute value, BatchNorm
  turned into the identity, in double precision, on an all-ones image.
- ``grad_norm``: the Euclidean norm of each layer's gradient of the
  cross-entropy loss on a batch (summed over layers).
- ``snip``: ``|w * dL/dw|`` for the same loss (the gradient of a multiplicative
  mask on the weights, at 1).
- ``jacov``: the score of Mellor et al. (2021) on the correlations of the
  input gradients of the summed outputs, one row per image:
  ``-sum(log(v + k) + 1 / (v + k))`` over the eigenvalues ``v`` of their
  correlation matrix, ``k = 1e-5``.

The gradient proxies run in training mode, as the benchmark networks train.
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

NETWORK_PROXIES = ("synflow", "grad_norm", "snip", "jacov")


def _sum_over_weights(module, per_layer):
    """Sum ``per_layer(weight, grad)`` over the Conv2d and Linear layers whose weight has a gradient."""
    return sum(per_layer(layer.weight, layer.weight.grad).item() for layer in module.modules()
               if isinstance(layer, (nn.Conv2d, nn.Linear)) and layer.weight.grad is not None)


def _saliency(weight, grad):
    return (weight * grad).abs().sum()


def _gradient_proxies(module, inputs, targets, proxies):
    """grad_norm, snip and jacov from one forward pass (two backward passes)."""
    module.zero_grad()
    inputs = inputs.detach().clone().requires_grad_("jacov" in proxies)
    outputs = module(inputs)
    scores = {}
    if "jacov" in proxies:
        (jacobians,) = torch.autograd.grad(outputs.sum(), inputs, retain_graph=True, allow_unused=True)
        if jacobians is None:  # the output does not depend on the input (no path through the cell)
            scores["jacov"] = np.nan
        else:
            scores["jacov"] = _jacov_score(jacobians.reshape(len(inputs), -1).double().cpu().numpy())
    if "grad_norm" in proxies or "snip" in proxies:
        F.cross_entropy(outputs, targets).backward()
        scores["grad_norm"] = _sum_over_weights(module, lambda weight, grad: grad.norm())
        scores["snip"] = _sum_over_weights(module, _saliency)
    return scores


def _jacov_score(jacobians):
    with np.errstate(invalid="ignore", divide="ignore"):
        eigenvalues = np.linalg.eigvalsh(np.corrcoef(jacobians))
        k = 1e-5
        score = -np.sum(np.log(eigenvalues + k) + 1.0 / (eigenvalues + k))
    return float(score) if np.isfinite(score) else np.nan


def _identity_hook(layer, args, output):
    return args[0]


@torch.no_grad()
def _absolute_double(module):
    module.double()
    for tensor in module.state_dict().values():
        if tensor.is_floating_point():
            tensor.abs_()


def _synflow(module, image_shape):
    """Consumes ``module``: its weights are replaced by their absolute values in double."""
    _absolute_double(module)
    hooks = [layer.register_forward_hook(_identity_hook) for layer in module.modules()
             if isinstance(layer, nn.modules.batchnorm._BatchNorm)]
    try:
        module.zero_grad()
        device = next(module.parameters()).device
        module(torch.ones((1, *image_shape), dtype=torch.float64, device=device)).sum().backward()
        return _sum_over_weights(module, _saliency)
    finally:
        for hook in hooks:
            hook.remove()


def network_proxies(module, proxies, inputs, targets):
    """Compute the named zero-cost proxies of a freshly initialised ``module``.

    Parameters
    ----------
    module : torch.nn.Module
        Maps ``inputs`` to logits. It is consumed: ``synflow`` replaces its
        weights by their absolute values.
    proxies : sequence of str
        Names from :data:`NETWORK_PROXIES`.
    inputs : torch.Tensor of shape (batch, channels, height, width)
        A batch of images, on the module's device.
    targets : torch.Tensor of int64 of shape (batch,)
        Their labels.

    Returns
    -------
    scores : dict
        Proxy name -> float.
    """
    module.train()
    scores = {}
    if set(proxies) & {"grad_norm", "snip", "jacov"}:
        scores.update(_gradient_proxies(module, inputs, targets, proxies))
    if "synflow" in proxies:
        scores["synflow"] = _synflow(module, tuple(inputs.shape[1:]))
    return {name: scores[name] for name in proxies}
