"""scikit-learn transformers turning architectures into feature arrays."""

from ._feature_tensor import FeatureTensorEncoder
from ._one_hot import OneHotOpsEncoder
from ._zero_cost import ZeroCostEncoder

__all__ = ["FeatureTensorEncoder", "OneHotOpsEncoder", "ZeroCostEncoder"]
