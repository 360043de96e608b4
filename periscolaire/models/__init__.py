from .clae import ClaePage, ModeratedBy
from .consent import ConsentChange, ConsentDecision, ConsentPurpose, ImageConsent
from .galleries import GalleryPage, GalleryPhoto, GalleryWork
from .moderation import SchoolModeratorTask

__all__ = [
    "ClaePage",
    "ConsentChange",
    "ConsentDecision",
    "ConsentPurpose",
    "GalleryPage",
    "GalleryPhoto",
    "GalleryWork",
    "ImageConsent",
    "ModeratedBy",
    "SchoolModeratorTask",
]
