"""What a person agrees to on an event's sign-up form (UU 27/2022: a lawful basis and a stated purpose).

The text is versioned: a prospect who signs up keeps the version they saw, so a later change of wording
never rewrites what someone agreed to. Change the text → give it a new version.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PURPOSE_VERSION = "2026-12-v1"


@dataclass(frozen=True)
class PurposeText:
    version: str
    purpose: object
    data_kept: object
    withdrawal: object
    agreement: object  # the checkbox's words


PURPOSE = PurposeText(
    version=PURPOSE_VERSION,
    purpose=_l("BPJS Ketenagakerjaan Situbondo branch asks for your details so that an officer can contact you "
               "about joining the social security programme for workers (work-accident and death benefits, "
               "and old-age savings if you wish). We use them for nothing else and give them to no one else."),
    data_kept=_l("We keep your name, NIK, phone number, village and occupation, and the event where you signed "
                 "up, for as long as we are helping you join, and no longer than two years if you do not join."),
    withdrawal=_l("You can withdraw your consent at any time, see or correct your data, or ask us to delete it: "
                  "tell the officer, visit the BPJS Ketenagakerjaan Situbondo office, or call 175. We stop "
                  "using your data within three days (3 × 24 hours)."),
    agreement=_l("I agree that BPJS Ketenagakerjaan may contact me about joining, as described above."),
)
