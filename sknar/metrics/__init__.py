"""Ranking metrics for architecture predictors, with scorers for ``scoring=``, and
the Pareto front of score against cost with its hypervolume."""

from ._pareto import hypervolume, pareto_front
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
    "hypervolume",
    "kendall_tau",
    "kendall_tau_scorer",
    "pareto_front",
    "precision_at_k",
    "precision_at_k_scorer",
    "spearman_rho",
    "spearman_rho_scorer",
    "top_k_regret",
    "top_k_regret_scorer",
]
