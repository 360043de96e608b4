from .canteen import CanteenPriceBand, CanteenPriceTable
from .pages import Audience, ResourceIndexPage, ResourcePage, ResourcePageTag
from .themes import Theme
from .workbooks import WorkbookPage, WorkbookPageTag, WorkbookProgress

__all__ = [
    "Audience",
    "CanteenPriceBand",
    "CanteenPriceTable",
    "ResourceIndexPage",
    "ResourcePage",
    "ResourcePageTag",
    "Theme",
    "WorkbookPage",
    "WorkbookPageTag",
    "WorkbookProgress",
]
