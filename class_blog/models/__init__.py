from .comments import ClassBlogOptions, Comment
from .homework import HomeworkEntry, Subject
from .news import CityNewsIndexPage, CityNewsPage, SchoolNewsPage
from .notes import AnswerKind, Note, NoteAnswer, NoteRecipient
from .partners import ClassPartnership, PartnershipStatus
from .posts import ClassPostPage, ClassPostTag, ClassProjectPage
from .preferences import DigestFrequency, DigestPreference, SchoolQuietHours

__all__ = [
    "AnswerKind",
    "CityNewsIndexPage",
    "CityNewsPage",
    "ClassBlogOptions",
    "ClassPartnership",
    "ClassPostPage",
    "ClassPostTag",
    "ClassProjectPage",
    "Comment",
    "DigestFrequency",
    "DigestPreference",
    "HomeworkEntry",
    "Note",
    "NoteAnswer",
    "NoteRecipient",
    "PartnershipStatus",
    "SchoolNewsPage",
    "SchoolQuietHours",
    "Subject",
]
