"""Ranking metrics for architecture predictors, with scorers for ``scoring=``."""

from ._ranking import (
    kendall_tau,
    kendall_tau_scorer,
    precision_at_k,
    precision_at_k_scorer,
    spearman_rho,
    spearman_rho_scorer,
    top_k_regret,
    top_k_regret_scorer,
)

__all__ = [
    "kendall_tau",
    "kendall_tau_scorer",
    "precision_at_k",
    "precision_at_k_scorer",
    "spearman_rho",
    "spearman_rho_scorer",
    "top_k_regret",
    "top_k_regret_scorer",
]
