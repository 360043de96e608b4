from ..media.models import LiveFileUsage, PageCollection, PrivateDocument, PrivateImage, PrivateRendition
from .accounts import ActivationCode, KnownDevice
from .legal import LegalKind, LegalPage
from .look import CityLook
from .pages import CityHomePage, ClassPage, SchoolKind, SchoolPage
from .people import Enrolment, Guardian, Guardianship, Pupil, Relationship, Role, StaffAssignment, TeachingAssignment
from .users import User

__all__ = [
    "ActivationCode",
    "CityHomePage",
    "CityLook",
    "ClassPage",
    "Enrolment",
    "Guardian",
    "Guardianship",
    "KnownDevice",
    "LiveFileUsage",
    "LegalKind",
    "LegalPage",
    "PageCollection",
    "PrivateDocument",
    "PrivateImage",
    "PrivateRendition",
    "Pupil",
    "Relationship",
    "Role",
    "SchoolKind",
    "SchoolPage",
    "StaffAssignment",
    "TeachingAssignment",
    "User",
]
