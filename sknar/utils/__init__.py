"""Utilities: discovery of sknar's public estimators and functions."""

from .discovery import all_estimators, all_functions

__all__ = ["all_estimators", "all_functions"]
