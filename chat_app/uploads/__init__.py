"""Files people attach: received, recorded, expired.

``receive`` streams a multipart body to disk chunk by chunk (aiofiles) under
server-made names; ``records`` keeps the attachment rows (whose they are, which
a message may carry, which expired). The HTTP routes that use them are in
``api.uploads``. It imports ``domain`` and ``models`` only (and Starlette's
request type), so the room service can use the records.
"""
