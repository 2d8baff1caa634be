"""The gettext catalogs (``<locale>/LC_MESSAGES/messages.po``) and their tooling."""
