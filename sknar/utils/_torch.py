"""Checks shared by the estimators and objectives that run torch."""

import torch


def check_device(device):
    """A clear error for a device torch does not know or this machine does not have."""
    try:
        kind = torch.device(device).type
    except RuntimeError as exc:
        raise ValueError(f"Unknown torch device {device!r}: {exc}") from None
    available = {"cuda": torch.cuda.is_available, "mps": torch.backends.mps.is_available}
    if kind in available and not available[kind]():
        raise ValueError(
            f"device={str(device)!r} was asked for, but torch finds no {kind} device on this "
            "machine; use device='cpu'."
        )


class TrainingInterrupted(Exception):
    """Carries a Ctrl-C out of skorch's ``partial_fit``, which would swallow a KeyboardInterrupt."""


class InterruptibleNetMixin:
    """For skorch nets: Ctrl-C during training reaches the caller.

    skorch stops training quietly on Ctrl-C and keeps the half-trained net;
    an estimator or objective that feeds a search must not, so ``fit_loop``
    turns the interrupt into :class:`TrainingInterrupted`, which the caller
    re-raises as ``KeyboardInterrupt`` once skorch's ``partial_fit`` is left.
    """

    def fit_loop(self, X, y=None, **fit_params):
        try:
            return super().fit_loop(X, y, **fit_params)
        except KeyboardInterrupt as exc:
            if _early_stopped(self):
                raise  # skorch's EarlyStopping ends training by raising KeyboardInterrupt
            raise TrainingInterrupted from exc


def _early_stopped(net):
    """Whether one of the net's EarlyStopping callbacks has just stopped training."""
    from skorch.callbacks import EarlyStopping

    return any(isinstance(callback, EarlyStopping) and getattr(callback, "misses_", 0) >= callback.patience
               for _, callback in getattr(net, "callbacks_", []))
