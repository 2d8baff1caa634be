"""Files people attach: received, recorded, expired.

``receive`` streams a multipart body to disk chunk by chunk (aiofiles) under
server-made names; ``records`` keeps the attachment rows (whose they are, which
a message may carry, which expired); ``quotas`` counts each uploader's and each
client address's quotas from them and from the reservations of uploads still
streaming. The HTTP routes that use them are in ``api.uploads``. It imports
``domain``, ``models`` and ``db`` (to take an uploader's turn) only, and
Starlette's request type, so the room service can use the records.
"""
