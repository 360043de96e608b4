"""The image formats Préau accepts: the one list that settings, upload fields and messages read.

Kept free of Django imports so that the settings module can read it
(``WAGTAILIMAGES_EXTENSIONS = formats.IMAGE_EXTENSIONS``).
"""

#: Formats named to uploaders, in the order they are named, with the extensions each may carry.
#: HEIF files from phones and cameras come as .heic (Apple), .heif and .hif (Nokia, Canon).
LISTED_FORMATS = (
    ("JPEG", ("jpg", "jpeg")),
    ("PNG", ("png",)),
    ("HEIC", ("heic", "heif", "hif")),
    ("WebP", ("webp",)),
    ("GIF", ("gif",)),
)
#: Accepted but not named in messages: few people have such files, and naming them would only
#: make the list longer.
UNLISTED_FORMATS = (("AVIF", ("avif",)),)

#: Every accepted file extension (``WAGTAILIMAGES_EXTENSIONS``).
IMAGE_EXTENSIONS = sorted(ext for _name, exts in LISTED_FORMATS + UNLISTED_FORMATS for ext in exts)
#: "JPEG, PNG, HEIC, WebP, GIF": what every message and help text says.
ACCEPTED_FORMATS_TEXT = ", ".join(name for name, _exts in LISTED_FORMATS)

#: Willow's format name for each extension whose name differs (checked against the file's content).
CONTENT_FORMAT_OF_EXTENSION = {"jpg": "jpeg", "heif": "heic", "hif": "heic"}
