from ..media.models import LiveFileUsage, PageCollection, PrivateDocument, PrivateImage, PrivateRendition
from .accounts import ActivationCode, KnownDevice
from .pages import CityHomePage, ClassPage, SchoolKind, SchoolPage
from .people import Enrolment, Guardian, Guardianship, Pupil, Relationship, Role, StaffAssignment, TeachingAssignment
from .users import User

__all__ = [
    "ActivationCode",
    "CityHomePage",
    "ClassPage",
    "Enrolment",
    "Guardian",
    "Guardianship",
    "KnownDevice",
    "LiveFileUsage",
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
