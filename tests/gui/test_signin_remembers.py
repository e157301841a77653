"""Sign-in remembers the last user name on this PC (in the data folder), never the password:
the next sign-in starts with the name typed and the keyboard in the password box."""

from __future__ import annotations

from pcso_desk.domain.enums import UserRole
from pcso_desk.gui.signin import SignInDialog
from pcso_desk.services.protection import accounts
from tests.gui import real_input

PASSWORD = "a long enough passphrase"


def _shown(qtbot, desk) -> SignInDialog:  # type: ignore[no-untyped-def]
    dialog = SignInDialog(desk, first_run=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_next_sign_in_starts_with_the_last_user_name(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(desk.services.ctx, "pat", PASSWORD, UserRole.PCSO)
    first = _shown(qtbot, desk)
    assert first.username.text() == ""
    real_input.type_text(first.username, "pat")
    real_input.type_text(first.password, PASSWORD)
    with qtbot.waitSignal(first.signed_in, timeout=10_000):
        real_input.click(first.submit_button)

    again = _shown(qtbot, desk)
    assert again.username.text() == "pat"
    assert again.password.text() == "" and again.focusWidget() is again.password
    kept = (desk.paths.root / "window.ini").read_text(encoding="utf-8")
    assert "pat" in kept and PASSWORD not in kept
