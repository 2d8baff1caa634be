"""Times on the page, formatted by the reader's browser (their zone and language)."""

import reflex as rx

# Browsers format the server's timestamps in the reader's own time zone, in the
# language the page is shown in; "Today" and "Yesterday" come from the catalogs.
LOCAL_TIME = rx.vars.FunctionStringVar.create(
    "((ms, lang) => new Date(ms).toLocaleTimeString("
    "lang, {hour: '2-digit', minute: '2-digit'}))"
)
ISO_TIME = rx.vars.FunctionStringVar.create("((ms) => new Date(ms).toISOString())")
NEW_DAY = rx.vars.FunctionStringVar.create(
    "((ms, previous) => previous === 0 || "
    "new Date(ms).toDateString() !== new Date(previous).toDateString())"
)
DAY_LABEL = rx.vars.FunctionStringVar.create(
    "((ms, lang, today, yesterday) => { const day = new Date(ms);"
    " const now = new Date(); const before = new Date();"
    " before.setDate(now.getDate() - 1);"
    " if (day.toDateString() === now.toDateString()) return today;"
    " if (day.toDateString() === before.toDateString()) return yesterday;"
    " const shape = {weekday: 'long', day: 'numeric', month: 'long'};"
    " if (day.getFullYear() !== now.getFullYear()) shape.year = 'numeric';"
    " return day.toLocaleDateString(lang, shape); })"
)


DAY_AND_TIME = rx.vars.FunctionStringVar.create(
    "((ms, lang) => new Date(ms).toLocaleString(lang, "
    "{dateStyle: 'medium', timeStyle: 'short'}))"
)
# A list's short "when": the time today, else the day and month (the year too
# for another year's).
SHORT_WHEN = rx.vars.FunctionStringVar.create(
    "((ms, lang) => { if (!ms) return ''; const day = new Date(ms);"
    " const now = new Date();"
    " if (day.toDateString() === now.toDateString())"
    " return day.toLocaleTimeString(lang, {hour: '2-digit', minute: '2-digit'});"
    " const shape = {day: 'numeric', month: 'short'};"
    " if (day.getFullYear() !== now.getFullYear()) shape.year = 'numeric';"
    " return day.toLocaleDateString(lang, shape); })"
)
