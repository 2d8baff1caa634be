"""The product's name and mark."""

import reflex as rx

# "Prosa" is Brazilian for an easy, friendly talk; the name is the same in
# every language.
PRODUCT_NAME = "Prosa"
LOGO = "/logo.svg"


def brand_mark(size: str = "2rem", text_size: str = "5") -> rx.Component:
    """The logo and the name side by side.

    Args:
        size: The logo's width and height.
        text_size: The Radix size of the name.

    Returns:
        The mark (the name is its text; the logo is decoration beside it).
    """
    return rx.hstack(
        rx.image(src=LOGO, alt="", width=size, height=size),
        rx.text(PRODUCT_NAME, size=text_size, weight="bold"),  # pyright: ignore[reportArgumentType]
        align="center",
        spacing="2",
    )
