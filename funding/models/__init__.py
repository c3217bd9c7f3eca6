from .indexes import IndexSeries, IndexValue, ValueStatus
from .lines import Frequency, FundingLine, Payment, PaymentPlan, Share, ShareKind

__all__ = [
    "IndexSeries",
    "IndexValue",
    "ValueStatus",
    "Frequency",
    "FundingLine",
    "Payment",
    "PaymentPlan",
    "Share",
    "ShareKind",
]
